//! The types a schema declares, in Rust: union-type enums, composite structs, domain newtypes
//! with their rules, and the structs of JSON shapes.

use super::*;

pub(super) fn render_enum(out: &mut String, schema: &Schema, e: &Enum) {
    let doc = e.doc.as_deref().map_or(format!("The union type `{}`.", e.qname()), doc_line);
    let name = declared_type(schema, &e.qname());
    writeln!(out, "\nstrata::union_type! {{\n    /// {doc}\n    pub enum {name}({:?}) {{", e.name).unwrap();
    for v in &e.values {
        writeln!(out, "        {} = {v:?},", type_name(v)).unwrap();
    }
    writeln!(out, "    }}\n}}").unwrap();
}

/// A composite type: a struct of nullable fields (PostgreSQL lets any field of a composite
/// value be NULL) with serde, and binary travel (`composite_type!`).
pub(super) fn render_composite(out: &mut String, schema: &Schema, c: &Composite) {
    let name = declared_type(schema, &c.qname());
    let doc = c.doc.as_deref().map_or(format!("The composite type `{}`.", c.qname()), doc_line);
    writeln!(out, "\n/// {doc}\n#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]\n#[serde(crate = \"strata::reexports::serde\")]\npub struct {name} {{").unwrap();
    let fields: Vec<(String, String)> = c
        .fields
        .iter()
        .map(|f| (field(&f.name).into_owned(), format!("Option<{}>", rust_type(&f.ty, schema))))
        .collect();
    for (f, (rust, ty)) in c.fields.iter().zip(&fields) {
        writeln!(out, "    #[serde(rename = {:?})]\n    pub {rust}: {ty},", f.name).unwrap();
    }
    writeln!(out, "}}\n\nstrata::composite_type!({name}({:?}) {{", c.name).unwrap();
    for (f, (rust, ty)) in c.fields.iter().zip(&fields) {
        writeln!(out, "    {rust}({:?}): {ty},", f.name).unwrap();
    }
    writeln!(out, "}});").unwrap();
}

/// A domain: a newtype over its base type's Rust type (`strata::domain_type!`), whose
/// `validate()` enforces the base type's length and digits and the CHECKs it can translate.
pub(super) fn render_domain(out: &mut String, schema: &Schema, d: &Domain) {
    let name = declared_type(schema, &d.qname());
    let inner = rust_type(&d.base, schema);
    let doc = d.doc.as_deref().map_or(format!("The domain `{}`.", d.qname()), doc_line);
    writeln!(out, "\n/// {doc}\n#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]\n#[serde(crate = \"strata::reexports::serde\", transparent)]\npub struct {name}(pub {inner});").unwrap();
    let to_value = if readable(schema, &d.base) { ", value" } else { "" };
    writeln!(out, "\nstrata::domain_type!({name}({inner}){to_value});").unwrap();
    if inner == "String" {
        writeln!(out, "\nimpl From<&str> for {name} {{\n    fn from(value: &str) -> Self {{\n        {name}(value.to_string())\n    }}\n}}").unwrap();
    }
    let label = d.name.as_str();
    let mut body = String::new();
    if let Some(rule) = max_chars_rule(label, &d.base) {
        writeln!(body, "        {rule}").unwrap();
    }
    if let Some(rule) = digits_rule(label, &d.base) {
        writeln!(body, "        {rule}").unwrap();
    }
    if matches!(d.base, ColumnType::Scalar(Scalar::Domain(_))) {
        writeln!(body, "        v.nested({label:?}, value);").unwrap();
    }
    // The base type's rules read the value as `value`; translated CHECKs read `self.0`.
    let value = if body.is_empty() { "" } else { "\n        let value = &self.0;" };
    let mut db_only = Vec::new();
    for c in &d.checks {
        match check::translate_domain(&c.expr) {
            Some(test) => check_rule(&mut body, &test, label, &c.name, &c.expr.sql),
            None => db_only.push(c.name.clone()),
        }
    }
    let v = if body.is_empty() { "let v" } else { "let mut v" };
    writeln!(
        out,
        "\nimpl Validate for {name} {{\n    /// The domain's rules that PostgreSQL enforces too.{}\n    \
         fn validate(&self) -> Result<(), Violations> {{\n        {v} = Violations::default();{value}\n{body}        v.into_result()\n    }}\n}}",
        if db_only.is_empty() { String::new() } else { format!("\n    /// Checked by the database only: {}.", db_only.join(", ")) }
    )
    .unwrap();
}

/// The `validate()` lines of a translated CHECK: `test` is its Rust expression (`Option<bool>`),
/// a violation when false, reported under `field` with the CHECK's name.
pub(super) fn check_rule(body: &mut String, test: &str, field: &str, name: &str, sql: &str) {
    let message = format!("violates CHECK {name}: {}", doc_line(sql));
    writeln!(
        body,
        "        if {test} == Some(false) {{\n            v.check({field:?}, {name:?}, {message:?});\n        }}"
    )
    .unwrap();
}

/// Whether translated CHECKs can read a value of this type (it has `strata::sql_value::ToValue`).
pub(super) fn readable(schema: &Schema, ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Scalar(Scalar::Enum(_)) => true,
        ColumnType::Scalar(Scalar::Domain(q)) => schema.domain(q).is_some_and(|d| readable(schema, &d.base)),
        _ => matches!(
            rust_type(ty, schema).as_str(),
            "String"
                | "bool"
                | "i16"
                | "i32"
                | "i64"
                | "f32"
                | "f64"
                | "rust_decimal::Decimal"
                | "uuid::Uuid"
                | "chrono::NaiveDate"
                | "chrono::NaiveDateTime"
                | "chrono::DateTime<chrono::Utc>"
        ),
    }
}

/// The rule a `varchar(n)` or `char(n)` value breaks past `n` characters.
pub(super) fn max_chars_rule(name: &str, ty: &ColumnType) -> Option<String> {
    match ty {
        ColumnType::Scalar(Scalar::Varchar(Some(n)) | Scalar::Char(Some(n))) => {
            Some(format!("v.max_chars({name:?}, value, {n});"))
        }
        _ => None,
    }
}

/// The rule a `numeric(p, s)` value breaks with more than `p - s` integer digits. Beyond 28
/// integer digits the Rust decimal overflows first; PostgreSQL is the judge there.
pub(super) fn digits_rule(name: &str, ty: &ColumnType) -> Option<String> {
    let ColumnType::Scalar(Scalar::Numeric(Some((p, s)))) = *ty else { return None };
    let digits = p - s.unwrap_or(0);
    (digits <= 28).then(|| {
        let limit = format!("rust_decimal::Decimal::from_i128_with_scale({}, 0)", 10i128.pow(digits));
        format!("v.numeric_digits({name:?}, *value, {}, {limit});", s.unwrap_or(0))
    })
}

/// A shape: a serde struct with the JSON keys, its defaults (`Default`, and for absent keys
/// when every field has one), its rules (`Validate`), and json/jsonb travel (`json_shape!`).
pub(super) fn render_shape(out: &mut String, shape: &Shape) {
    let name = type_name(&shape.name);
    let doc = shape.doc.as_deref().map_or(format!("The shape `{}`.", shape.name), doc_line);
    let defaulted = shape.fields.iter().all(|f| f.optional || f.default.is_some());
    writeln!(out, "\n/// {doc}\n#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]\n#[serde(crate = \"strata::reexports::serde\")]").unwrap();
    if defaulted {
        writeln!(out, "#[serde(default)]").unwrap();
    }
    writeln!(out, "pub struct {name} {{").unwrap();
    for f in &shape.fields {
        if let Some(doc) = &f.doc {
            writeln!(out, "    /// {}", doc_line(doc)).unwrap();
        }
        let skip = if f.optional { ", skip_serializing_if = \"Option::is_none\"" } else { "" };
        writeln!(
            out,
            "    #[serde(rename = {:?}{skip})]\n    pub {}: {},",
            f.name,
            field(&f.name),
            shape_field_type(f)
        )
        .unwrap();
    }
    writeln!(out, "}}").unwrap();
    if defaulted {
        writeln!(out, "\nimpl Default for {name} {{\n    fn default() -> Self {{\n        {name} {{").unwrap();
        for f in &shape.fields {
            let value = match &f.default {
                Some(json) if f.optional => {
                    format!("Some(serde_json::from_str({json:?}).expect(\"default checked by strata\"))")
                }
                Some(json) => shape_default(&f.ty, json),
                None => "None".into(),
            };
            writeln!(out, "            {}: {value},", field(&f.name)).unwrap();
        }
        writeln!(out, "        }}\n    }}\n}}").unwrap();
    }
    let mut body = String::new();
    for f in &shape.fields {
        let Some(r) = &f.range else { continue };
        let value = match f.ty {
            ShapeType::Integer => "rust_decimal::Decimal::from(*value)",
            _ => "rust_decimal::Decimal::try_from(*value).unwrap_or_default()",
        };
        let check = format!(
            "v.range({:?}, {value}, {}, {});",
            f.name,
            decimal_const(r.min.as_deref().unwrap_or("0")),
            decimal_const(r.max.as_deref().unwrap_or("0"))
        );
        if f.optional {
            writeln!(body, "        if let Some(value) = &self.{} {{\n            {check}\n        }}", field(&f.name))
                .unwrap();
        } else {
            writeln!(
                body,
                "        {{\n            let value = &self.{};\n            {check}\n        }}",
                field(&f.name)
            )
            .unwrap();
        }
    }
    let v = if body.is_empty() { "let v" } else { "let mut v" };
    writeln!(
        out,
        "\nimpl Validate for {name} {{\n    fn validate(&self) -> Result<(), Violations> {{\n        {v} = Violations::default();\n{body}        v.into_result()\n    }}\n}}\n\nstrata::json_shape!({name});"
    )
    .unwrap();
}

pub(super) fn shape_type(ty: &ShapeType) -> String {
    match ty {
        ShapeType::Integer => "i64".into(),
        ShapeType::Number => "f64".into(),
        ShapeType::String => "String".into(),
        ShapeType::Boolean => "bool".into(),
        ShapeType::Union(name) | ShapeType::Shape(name) => type_name(name),
        ShapeType::List(inner) => format!("Vec<{}>", shape_type(inner)),
        ShapeType::Map(inner) => format!("std::collections::BTreeMap<String, {}>", shape_type(inner)),
    }
}

pub(super) fn shape_field_type(f: &ShapeField) -> String {
    if f.optional { format!("Option<{}>", shape_type(&f.ty)) } else { shape_type(&f.ty) }
}

/// A field's default as a Rust expression: literals for numbers and booleans, else parsed from
/// its JSON once.
pub(super) fn shape_default(ty: &ShapeType, json: &str) -> String {
    match ty {
        ShapeType::Integer | ShapeType::Boolean => json.to_string(),
        ShapeType::Number if json.contains(['.', 'e', 'E']) => json.to_string(),
        ShapeType::Number => format!("{json}.0"),
        _ => format!("serde_json::from_str({json:?}).expect(\"default checked by strata\")"),
    }
}

/// A decimal literal as a constant expression (`Decimal::from_i128_with_scale(m, s)`), so
/// validation parses nothing at run time.
pub(super) fn decimal_const(text: &str) -> String {
    let negative = text.starts_with('-');
    let digits = text.trim_start_matches(['-', '+']);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = frac.split(['e', 'E']).next().unwrap_or("");
    let mantissa: i128 = format!("{int}{frac}").parse().unwrap_or(0);
    let mantissa = if negative { -mantissa } else { mantissa };
    format!("rust_decimal::Decimal::from_i128_with_scale({mantissa}, {})", frac.len())
}
