//! Types: every column type resolves, extension types have their extension, union-type
//! defaults are values of the union, value rules fit the column's type, and shapes resolve
//! and sit on json/jsonb columns.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{BUILTIN_TYPE_NAMES, Column, ColumnType, QName, Scalar, Schema, ShapeType};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let mut candidates: Vec<&str> = BUILTIN_TYPE_NAMES.to_vec();
    candidates.extend(schema.enums.iter().map(|e| e.name.as_str()));
    candidates.extend(schema.domains.iter().map(|d| d.name.as_str()));
    candidates.extend(schema.composites.iter().map(|c| c.name.as_str()));
    candidates.extend(schema.ranges.iter().map(|r| r.name.as_str()));
    let declared = |ext: &str| schema.extensions.iter().any(|e| e.name == ext);
    for e in &schema.enums {
        if let crate::model::EnumRepr::Check { storage } = &e.repr {
            type_exists(storage, &candidates, &declared, e.span, diags);
        }
    }
    for d in &schema.domains {
        type_exists(&d.base, &candidates, &declared, d.span, diags);
        if let Scalar::Domain(_) = schema.base_type(&d.base).scalar() {
            let mut path = vec![d.name.as_str()];
            let mut at = d;
            while let Scalar::Domain(q) = at.base.scalar()
                && let Some(next) = schema.domain(q)
                && !path[1..].contains(&next.name.as_str())
            {
                path.push(&next.name);
                at = next;
            }
            diags.push(Diagnostic::type_contains_itself(&d.qname().to_string(), &path.join(" -> "), d.span));
        }
    }
    for c in &schema.composites {
        c.fields.iter().for_each(|f| type_exists(&f.ty, &candidates, &declared, f.span, diags));
        if let Some(path) = contains(schema, &c.qname(), &c.qname(), &mut Vec::new()) {
            diags.push(Diagnostic::type_contains_itself(&c.qname().to_string(), &path, c.span));
        }
    }
    for r in &schema.ranges {
        type_exists(&r.subtype, &candidates, &declared, r.span, diags);
    }
    // Compiling a regex costs far more than the rest of this check: each pattern once.
    let mut pattern_errors: std::collections::HashMap<&str, Option<String>> = Default::default();
    for t in &schema.tables {
        for c in &t.columns {
            type_exists(&c.ty, &candidates, &declared, c.ty_span, diags);
            rules_fit(c, diags);
            if let Some(p) = &c.rules.pattern
                && let Some(e) =
                    pattern_errors.entry(p).or_insert_with(|| regex::Regex::new(p).err().map(|e| e.to_string()))
            {
                diags.push(Diagnostic::invalid_pattern(&c.name, e, c.span));
            }
            if let (Some(_), Some(d)) = (&c.generated, &c.default) {
                diags.push(Diagnostic::generated_with_default(&c.name, d.span));
            }
            if let Some(shape) = &c.shape {
                shape_exists(schema, &shape.name, &[], shape.span, diags);
                if !matches!(c.ty, ColumnType::Scalar(Scalar::Json | Scalar::Jsonb)) {
                    diags.push(Diagnostic::shape_needs_json(&c.name, shape.span));
                }
            }
        }
    }
    for shape in &schema.shapes {
        for f in &shape.fields {
            let mut ty = &f.ty;
            while let ShapeType::List(inner) | ShapeType::Map(inner) = ty {
                ty = inner;
            }
            if let ShapeType::Shape(name) = ty {
                let mut kinds = vec!["integer", "number", "string", "boolean"];
                kinds.extend(schema.enums.iter().map(|e| e.name.as_str()));
                shape_exists(schema, name, &kinds, f.span, diags);
            }
            if let Some(default) = &f.default
                && !default_fits(schema, &f.ty, default)
            {
                diags.push(Diagnostic::invalid_shape_default(&f.name, default, f.span));
            }
        }
    }
}

/// The path by which the composite `within` holds a value of type `target` (through fields,
/// domains and arrays), as `a.b -> b.c`; `seen` stops at types already walked.
fn contains(schema: &Schema, within: &QName, target: &QName, seen: &mut Vec<QName>) -> Option<String> {
    let c = schema.composite(within)?;
    for f in &c.fields {
        let Scalar::Composite(q) = schema.base_type(&f.ty).scalar().clone() else { continue };
        let q = &q;
        let step = format!("{within}.{}", f.name);
        if q == target {
            return Some(step);
        }
        if !seen.contains(q) {
            seen.push(q.clone());
            if let Some(rest) = contains(schema, q, target, seen) {
                return Some(format!("{step} -> {rest}"));
            }
        }
    }
    None
}

/// Whether a shape field's default (JSON text) is a value of its type, so the generated
/// `Default` cannot fail.
fn default_fits(schema: &Schema, ty: &ShapeType, json: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else { return false };
    match ty {
        ShapeType::Integer => value.is_i64(),
        ShapeType::Number => value.is_number(),
        ShapeType::Boolean => value.is_boolean(),
        ShapeType::String => value.is_string(),
        ShapeType::Union(name) => value
            .as_str()
            .is_some_and(|v| schema.enum_(&schema.qualify(name)).is_some_and(|e| e.values.iter().any(|x| x == v))),
        ShapeType::List(_) => value.is_array(),
        ShapeType::Map(_) | ShapeType::Shape(_) => value.is_object(),
    }
}

/// `name` is a shape (`also`: other names that would fit there, for the did-you-mean).
fn shape_exists(schema: &Schema, name: &str, also: &[&str], span: crate::diagnostics::Span, diags: &mut Diagnostics) {
    if !schema.shapes.iter().any(|s| s.name == name) {
        let mut candidates: Vec<&str> = schema.shapes.iter().map(|s| s.name.as_str()).collect();
        candidates.extend(also);
        diags.push(Diagnostic::unknown_shape(name, &candidates, span));
    }
}

fn type_exists(
    ty: &ColumnType,
    candidates: &[&str],
    declared: &dyn Fn(&str) -> bool,
    span: crate::diagnostics::Span,
    diags: &mut Diagnostics,
) {
    match ty.scalar() {
        Scalar::Unresolved(name) => diags.push(Diagnostic::unknown_type(name, candidates, span)),
        Scalar::Extension(ext) if !declared(ext.extension) => {
            diags.push(Diagnostic::extension_not_declared(&ext.name, ext.extension, span))
        }
        _ => {}
    }
}

fn rules_fit(c: &Column, diags: &mut Diagnostics) {
    let text = matches!(
        c.ty,
        ColumnType::Scalar(Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_))
            | ColumnType::Scalar(Scalar::Extension(_))
    );
    let numeric = matches!(
        c.ty,
        ColumnType::Scalar(
            Scalar::SmallInt
                | Scalar::Integer
                | Scalar::BigInt
                | Scalar::Serial
                | Scalar::BigSerial
                | Scalar::Numeric(_)
                | Scalar::Real
                | Scalar::Double
        )
    );
    let ty = c.ty.to_string();
    for (rule, present) in [
        ("pattern", c.rules.pattern.is_some()),
        ("min_length", c.rules.min_length.is_some()),
        ("format", c.rules.format.is_some()),
    ] {
        if present && !text {
            diags.push(Diagnostic::rule_needs_text(rule, &c.name, &ty, c.span));
        }
    }
    if c.rules.range.is_some() && !numeric {
        diags.push(Diagnostic::invalid_range(&c.name, &format!("the column is `{ty}`, not a number"), c.span));
    }
}
