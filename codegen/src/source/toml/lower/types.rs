//! Union types, typed JSON shapes, column types and ranges.

use super::*;

pub(super) const SHAPE_KEYS: &[&str] = &["fields", "doc"];
pub(super) const SHAPE_FIELD_KEYS: &[&str] = &["type", "optional", "default", "range", "doc"];
pub(super) const ENUM_KEYS: &[&str] = &["values", "as", "type", "doc"];
/// A shape field's type that names a union type (not a shape) is that union.
pub(super) fn resolve_shape_unions(schema: &mut Schema) {
    fn resolve(ty: &mut ShapeType, enums: &[Enum], default: &str) {
        match ty {
            ShapeType::Shape(name) if enums.iter().any(|e| e.qname() == QName::parse(name, default)) => {
                *ty = ShapeType::Union(name.clone())
            }
            ShapeType::List(inner) | ShapeType::Map(inner) => resolve(inner, enums, default),
            _ => {}
        }
    }
    for shape in &mut schema.shapes {
        for f in &mut shape.fields {
            resolve(&mut f.ty, &schema.enums, &schema.namespace);
        }
    }
}

pub(super) fn lower_enum(w: &mut Walker, d: &Decl) -> Option<Enum> {
    let t = w.table("enum", d.value)?;
    let f = w.fields(t, ENUM_KEYS);
    let mut values: Vec<String> = Vec::new();
    match f.get("values") {
        Some(v) => {
            for item in w.strings("values", v).unwrap_or_default() {
                if values.contains(&item.name) {
                    w.report(Diagnostic::duplicate_enum_value(&item.name, item.span));
                } else {
                    values.push(item.name);
                }
            }
            if values.is_empty() {
                w.report(Diagnostic::empty_list("values", w.span(v)));
            }
        }
        None => w.report(Diagnostic::missing_key("values", &format!("union type `{}`", d.name), d.span)),
    }
    let as_type = match f.get("as") {
        Some(v) => w.choice("as", v, &[("check", false), ("type", true)]).unwrap_or(false),
        None => false,
    };
    let repr = if as_type {
        EnumRepr::Type
    } else {
        let storage = f.get("type").and_then(|v| parse_type(w, v)).unwrap_or(ColumnType::Scalar(Scalar::Text));
        EnumRepr::Check { storage }
    };
    let doc = f.get("doc").and_then(|v| w.string("doc", v));
    Some(Enum { namespace: d.namespace.clone(), name: d.name.clone(), values, repr, doc, span: d.span })
}

/// `range = [min, max]`, inclusive, with min <= max.
pub(super) fn lower_range(w: &mut Walker, name: &str, v: &Value) -> Option<Range> {
    let bounds = w.array("range", v).unwrap_or_default();
    if bounds.len() != 2 {
        w.report(Diagnostic::invalid_range(name, "it needs exactly two bounds", w.span(v)));
        return None;
    }
    let (min, max) = (w.number("range", &bounds[0])?, w.number("range", &bounds[1])?);
    let (lo, hi): (f64, f64) = (min.parse().unwrap_or(0.0), max.parse().unwrap_or(0.0));
    if lo > hi {
        w.report(Diagnostic::invalid_range(name, &format!("min {min} is greater than max {max}"), w.span(v)));
    }
    Some(Range { min: Some(min), max: Some(max) })
}

/// `[shapes.NAME]`: `doc`, and `fields.KEY = { type, optional, default, range, doc }`.
pub(super) fn lower_shape(w: &mut Walker, d: &Decl) -> Option<Shape> {
    let t = w.table("shape", d.value)?;
    let f = w.fields(t, SHAPE_KEYS);
    let mut fields = Vec::new();
    if let Some(table) = f.get("fields").and_then(|v| w.table("fields", v)) {
        for (key, v) in table.iter() {
            let (name, span) = (key.get_ref().to_string(), w.span(key));
            let Some(ft) = w.table("field", v) else { continue };
            let ff = w.fields(ft, SHAPE_FIELD_KEYS);
            let Some(ty_value) = ff.get("type") else {
                w.report(Diagnostic::missing_key("type", &format!("field `{name}`"), span));
                continue;
            };
            let Some(text) = w.string("type", ty_value) else { continue };
            let Some(ty) = shape_type(&text) else {
                w.report(Diagnostic::unknown_type(&text, SHAPE_TYPES, w.span(ty_value)));
                continue;
            };
            let default = ff.get("default").map(|v| json_text(v.get_ref()));
            fields.push(ShapeField {
                optional: ff.get("optional").and_then(|v| w.boolean("optional", v)).unwrap_or(false),
                range: ff.get("range").and_then(|v| lower_range(w, &name, v)),
                doc: ff.get("doc").and_then(|v| w.string("doc", v)),
                name,
                ty,
                default,
                span,
            });
        }
    }
    if fields.is_empty() {
        w.report(Diagnostic::missing_key("fields", &format!("shape `{}`", d.name), d.span));
    }
    Some(Shape { name: d.name.clone(), doc: f.get("doc").and_then(|v| w.string("doc", v)), fields, span: d.span })
}

/// The field types of shapes: the JSON kinds, `list<T>`, `map<T>`, or a union type's or
/// another shape's name (resolved by the checks).
pub(super) const SHAPE_TYPES: &[&str] = &["integer", "number", "string", "boolean", "list<T>", "map<T>"];
pub(super) fn shape_type(text: &str) -> Option<ShapeType> {
    let text = text.trim();
    let inner = |prefix: &str| text.strip_prefix(prefix)?.strip_suffix('>').and_then(shape_type).map(Box::new);
    Some(match text {
        "integer" => ShapeType::Integer,
        "number" => ShapeType::Number,
        "string" => ShapeType::String,
        "boolean" => ShapeType::Boolean,
        _ if text.starts_with("list<") => ShapeType::List(inner("list<")?),
        _ if text.starts_with("map<") => ShapeType::Map(inner("map<")?),
        _ if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            ShapeType::Shape(text.to_string())
        }
        _ => return None,
    })
}

/// A TOML value as JSON text (a shape field's default).
pub(super) fn json_text(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Array(items) => {
            format!("[{}]", items.iter().map(|i| json_text(i.get_ref())).collect::<Vec<_>>().join(", "))
        }
        _ => "null".into(),
    }
}

pub(super) fn parse_type(w: &mut Walker, v: &Value) -> Option<ColumnType> {
    let text = w.string("type", v)?;
    match ColumnType::parse(&text) {
        Ok(ty) => Some(ty),
        Err(TypeError::OutOfRange(why)) => {
            w.report(Diagnostic::invalid_type(&text, &why, w.span(v)));
            None
        }
        Err(TypeError::Modifiers(why)) => {
            w.report(Diagnostic::invalid_type(&text, &format!("this type {why}"), w.span(v)));
            None
        }
        Err(TypeError::Syntax) => {
            w.report(Diagnostic::unknown_type(&text, crate::model::BUILTIN_TYPE_NAMES, w.span(v)));
            None
        }
    }
}

/// Type names that name a declared type resolve to it (in columns, domain bases, composite
/// fields and range subtypes), and columns of a union type stored as a CHECK get that CHECK.
pub(super) fn resolve_declared_types(schema: &mut Schema) {
    schema.resolve_type_names();
    for t in 0..schema.tables.len() {
        let table = &schema.tables[t];
        let mut derived = Vec::new();
        for column in &table.columns {
            let Scalar::Enum(q) = column.ty.scalar() else { continue };
            let Some(e) = schema.enum_(q) else { continue };
            if matches!(e.repr, EnumRepr::Check { .. }) && matches!(column.ty, ColumnType::Scalar(_)) {
                let values: Vec<String> = e.values.iter().map(|v| crate::sql::literal(v)).collect();
                let q = crate::sql::ident(&column.name);
                let expr = Expr::new(format!("{q} IN ({})", values.join(", ")), column.ty_span);
                let origin = CheckOrigin::Enum { column: column.name.clone() };
                let name = format!("{}_{}_check", table.name, column.name);
                derived.push(Check { name, expr, origin, not_valid: false, doc: None });
            }
        }
        // A declared column check keeps PostgreSQL's `_check1` suffix when the enum took `_check`.
        let table = &mut schema.tables[t];
        for check in &mut table.checks {
            if derived.iter().any(|d| d.name == check.name) {
                check.name.push('1');
            }
        }
        table.checks.splice(0..0, derived);
    }
}

pub(super) const DOMAIN_KEYS: &[&str] = &["type", "not_null", "default", "checks", "collate", "doc"];

/// `[domains.NAME]`: a base type, and NOT NULL, a default and named CHECKs (reading `VALUE`).
pub(super) fn lower_domain(w: &mut Walker, d: &Decl) -> Option<Domain> {
    let t = w.table("domain", d.value)?;
    let f = w.fields(t, DOMAIN_KEYS);
    let ty = require(w, &f.get("type"), "type", &format!("domain `{}`", d.name), d.value)?;
    let base = parse_type(w, ty)?;
    let mut checks = Vec::new();
    for item in f.get("checks").and_then(|v| w.array("checks", v)).unwrap_or_default() {
        checks.extend(lower_check(w, item));
    }
    Some(Domain {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        base,
        not_null: w.flag(&f, "not_null"),
        default: f.get("default").and_then(|v| expr_of(w, "default", v)),
        checks,
        collation: f.get("collate").and_then(|v| w.named("collate", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

pub(super) const COMPOSITE_KEYS: &[&str] = &["fields", "doc"];
pub(super) const COMPOSITE_FIELD_KEYS: &[&str] = &["type", "collate"];

/// `[composites.NAME]`: `fields.KEY = "type"` or `{ type, collate }`, in order, and `doc`.
pub(super) fn lower_composite(w: &mut Walker, d: &Decl) -> Option<Composite> {
    let t = w.table("composite", d.value)?;
    let f = w.fields(t, COMPOSITE_KEYS);
    let within = format!("composite type `{}`", d.name);
    let table = require(w, &f.get("fields"), "fields", &within, d.value).and_then(|v| w.table("fields", v))?;
    let mut fields = Vec::new();
    for (key, v) in table.iter() {
        let (name, span) = (key.get_ref().to_string(), w.span(key));
        let (ty, collation) = match v.get_ref() {
            DeValue::Table(ft) => {
                let ff = w.fields(ft, COMPOSITE_FIELD_KEYS);
                let ty = require(w, &ff.get("type"), "type", &format!("field `{name}`"), v);
                (ty.and_then(|ty| parse_type(w, ty)), ff.get("collate").and_then(|c| w.named("collate", c)))
            }
            _ => (parse_type(w, v), None),
        };
        fields.extend(ty.map(|ty| CompositeField { name, ty, collation, span }));
    }
    if table.is_empty() {
        w.report(Diagnostic::empty_list("fields", d.span));
    }
    let doc = f.get("doc").and_then(|v| w.string("doc", v));
    Some(Composite { namespace: d.namespace.clone(), name: d.name.clone(), fields, doc, span: d.span })
}

pub(super) const RANGE_KEYS: &[&str] = &["subtype", "subtype_opclass", "collate", "subtype_diff", "multirange", "doc"];

/// `[ranges.NAME]`: `subtype` and PostgreSQL's other range options.
pub(super) fn lower_range_type(w: &mut Walker, d: &Decl) -> Option<RangeType> {
    let t = w.table("range", d.value)?;
    let f = w.fields(t, RANGE_KEYS);
    let subtype = require(w, &f.get("subtype"), "subtype", &format!("range type `{}`", d.name), d.value)?;
    Some(RangeType {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        subtype: parse_type(w, subtype)?,
        subtype_opclass: f.get("subtype_opclass").and_then(|v| w.named("subtype_opclass", v)),
        collation: f.get("collate").and_then(|v| w.named("collate", v)),
        subtype_diff: f.get("subtype_diff").and_then(|v| w.named("subtype_diff", v)),
        multirange: f.get("multirange").and_then(|v| w.named("multirange", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}
