//! The Rust spelling of model objects, which the Rust target writes and the checks guard: which
//! types become Rust types and their names, and which travel as text. Rust's naming rules for
//! SQL names are `rust_names.rs`.

use super::{ColumnType, Composite, QName, Scalar, Schema};
use crate::rust_names::type_name;

/// The types the Rust target declares at the top of the models, each named by
/// `declared_type`: union types, composites that travel in binary, and domains.
pub fn rust_types(schema: &Schema) -> Vec<(&'static str, QName, crate::diagnostics::Span)> {
    let enums = schema.enums.iter().map(|e| ("union type", e.qname(), e.span));
    let composites = schema.composites.iter().filter(|c| native_composite(schema, c));
    let composites = composites.map(|c| ("composite type", c.qname(), c.span));
    enums.chain(composites).chain(schema.domains.iter().map(|d| ("domain", d.qname(), d.span))).collect()
}

/// The Rust name of a union or composite type: its own in the default namespace, prefixed with
/// its namespace elsewhere (every such type is defined at the top, so names must differ there).
pub fn declared_type(schema: &Schema, q: &QName) -> String {
    if q.namespace == schema.namespace {
        type_name(&q.name)
    } else {
        format!("{}{}", type_name(&q.namespace), type_name(&q.name))
    }
}

/// Whether a composite type's fields all travel in binary as their own Rust types (no type
/// that travels as text, in nested composites and under domains too): then it is a Rust
/// struct; otherwise its columns travel as text, as `String`.
pub fn native_composite(schema: &Schema, c: &Composite) -> bool {
    native_within(schema, c, &mut vec![c.qname()])
}

/// `native_composite`, where `within` are the composites being walked (a cycle, refused by the
/// checks, is not native).
fn native_within(schema: &Schema, c: &Composite, within: &mut Vec<QName>) -> bool {
    c.fields.iter().all(|f| match schema.base_type(&f.ty).scalar() {
        Scalar::Composite(q) if within.contains(q) => false,
        Scalar::Composite(q) => schema.composite(q).is_some_and(|inner| {
            within.push(q.clone());
            let native = native_within(schema, inner, within);
            within.pop();
            native
        }),
        _ => !via_text(&schema.base_type(&f.ty), schema),
    })
}

/// Types the `postgres` crate has no Rust mapping for travel as text (`col::text`, `$n::text::type`).
pub fn via_text(ty: &ColumnType, schema: &Schema) -> bool {
    match ty.scalar() {
        Scalar::Composite(q) => !schema.composite(q).is_some_and(|c| native_composite(schema, c)),
        scalar @ (Scalar::Builtin(_) | Scalar::Range(_)) => range_subtype(schema, scalar).is_none(),
        scalar => {
            matches!(
                scalar,
                Scalar::Interval | Scalar::Tsvector | Scalar::Cidr | Scalar::Extension(_) | Scalar::Unresolved(_)
            )
        }
    }
}

/// The subtype of a range type that Rust holds as `strata::Range<T>`: a built-in range or a
/// declared one whose subtype travels in binary.
pub fn range_subtype(schema: &Schema, s: &Scalar) -> Option<ColumnType> {
    let sub = match s {
        Scalar::Builtin(b) => ColumnType::Scalar(b.range_subtype()?),
        Scalar::Range(q) => schema.range(q)?.subtype.clone(),
        _ => return None,
    };
    let base = schema.base_type(&sub);
    let binary =
        matches!(base, ColumnType::Scalar(_)) && !matches!(base.scalar(), Scalar::Range(_) | Scalar::Builtin(_));
    (binary && !via_text(&base, schema)).then_some(sub)
}
