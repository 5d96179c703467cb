//! Column types in Rust: the scalar each maps to, owned and borrowed, and which travel as text.

use super::*;

pub(super) fn rust_scalar(s: &Scalar, schema: &Schema) -> String {
    if let Some(sub) = range_subtype(schema, s) {
        return format!("strata::Range<{}>", rust_type(&sub, schema));
    }
    match s {
        Scalar::Uuid => "uuid::Uuid".into(),
        Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_) => "String".into(),
        Scalar::Boolean => "bool".into(),
        Scalar::SmallInt => "i16".into(),
        Scalar::Integer | Scalar::Serial => "i32".into(),
        Scalar::BigInt | Scalar::BigSerial => "i64".into(),
        Scalar::Numeric(_) => "rust_decimal::Decimal".into(),
        Scalar::Real => "f32".into(),
        Scalar::Double => "f64".into(),
        Scalar::Date => "chrono::NaiveDate".into(),
        Scalar::Time => "chrono::NaiveTime".into(),
        Scalar::Timestamp => "chrono::NaiveDateTime".into(),
        Scalar::Timestamptz => "chrono::DateTime<chrono::Utc>".into(),
        Scalar::Json | Scalar::Jsonb => "serde_json::Value".into(),
        Scalar::Inet => "std::net::IpAddr".into(),
        Scalar::Bytea => "Vec<u8>".into(),
        Scalar::Enum(name) => declared_type(schema, name),
        Scalar::Composite(q) if schema.composite(q).is_some_and(|c| native_composite(schema, c)) => {
            declared_type(schema, q)
        }
        Scalar::Domain(q) => declared_type(schema, q),
        // What the postgres crate has no Rust type for travels as text (`via_text`).
        _ => "String".into(),
    }
}

/// Whether the column's Rust type is `Copy` (then it is copied, not cloned).
pub(super) fn is_copy(ty: &ColumnType, schema: &Schema) -> bool {
    match ty {
        ColumnType::Array(_) | ColumnType::Scalar(Scalar::Composite(_) | Scalar::Domain(_) | Scalar::Range(_)) => false,
        ColumnType::Scalar(s) if range_subtype(schema, s).is_some() => false,
        ColumnType::Scalar(s) => !matches!(rust_scalar(s, schema).as_str(), "String" | "Vec<u8>" | "serde_json::Value"),
    }
}

pub(super) fn rust_type(ty: &ColumnType, schema: &Schema) -> String {
    match ty {
        ColumnType::Scalar(s) => rust_scalar(s, schema),
        ColumnType::Array(inner) => format!("Vec<{}>", rust_type(inner, schema)),
    }
}

/// The type a query parameter borrows: `str` for `String`, so callers pass `&str`.
pub(super) fn borrowed_type(ty: &ColumnType, schema: &Schema) -> String {
    match rust_type(ty, schema) {
        s if s == "String" => "str".into(),
        s => s,
    }
}

/// The column's Rust type: its shape's struct for a shaped json/jsonb column.
pub(super) fn value_type(c: &Column, schema: &Schema) -> String {
    c.shape.as_ref().map_or_else(|| rust_type(&c.ty, schema), |s| type_name(&s.name))
}

pub(super) fn column_type(c: &Column, schema: &Schema) -> String {
    let ty = value_type(c, schema);
    if c.nullable { format!("Option<{ty}>") } else { ty }
}

/// The type a column travels as between Rust and PostgreSQL when not its own: text for the
/// types the postgres crate has no mapping for, and a domain's base type for a domain.
pub(super) fn carrier(ty: &ColumnType, schema: &Schema) -> Option<String> {
    let base = schema.base_type(ty);
    if via_text(&base, schema) {
        return Some("text".into());
    }
    (base != *ty).then(|| schema.sql_type(&base))
}

pub(super) fn select_list(t: &Table, schema: &Schema) -> String {
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|c| match carrier(&c.ty, schema) {
            Some(carrier) => format!("{}::{carrier} AS {}", ident(&c.name), ident(&c.name)),
            None => ident(&c.name).into_owned(),
        })
        .collect();
    cols.join(", ")
}
