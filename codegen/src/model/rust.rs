//! The Rust spelling of model objects, which the Rust target writes and the checks guard: which
//! types become Rust types and their names, and which travel as text. Rust's naming rules for
//! SQL names are `rust_names.rs`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{ColumnType, Composite, QName, Scalar, Schema, Table};
use crate::diagnostics::Span;
use crate::rust_names::{row_type, type_name};

/// The types the Rust target declares at the top of the models, each named by
/// `declared_type`: union types, composites that travel in binary, and domains.
pub fn rust_types(schema: &Schema) -> Vec<(&'static str, QName, crate::diagnostics::Span)> {
    let enums = schema.enums.iter().map(|e| ("union type", e.qname(), e.span));
    let composites = schema.composites.iter().filter(|c| native_composite(schema, c));
    let composites = composites.map(|c| ("composite type", c.qname(), c.span));
    enums.chain(composites).chain(schema.domains.iter().map(|d| ("domain", d.qname(), d.span))).collect()
}

/// The Rust name of a union or composite type: its own in the default namespace, prefixed with
/// its namespace elsewhere (every such type is defined at the top, so names must differ there);
/// numbered where another declaration has that name (`RustNames`).
pub fn declared_type(schema: &Schema, q: &QName) -> String {
    match RustNames::of(schema).types.get(q) {
        Some(name) => name.clone(),
        None => wanted_type(schema, q),
    }
}

/// The name a declared type asks for, before any other is weighed.
fn wanted_type(schema: &Schema, q: &QName) -> String {
    if q.namespace == schema.namespace {
        type_name(&q.name)
    } else {
        format!("{}{}", type_name(&q.namespace), type_name(&q.name))
    }
}

/// The Rust name of a table's row type in its module (`RustNames`).
pub fn row_name(schema: &Schema, t: &Table) -> String {
    match RustNames::of(schema).rows.get(&t.qname()) {
        Some(name) => name.clone(),
        None => row_type(&t.name),
    }
}

/// The name a type of a namespace other than the default has in that namespace's module.
pub fn module_alias(schema: &Schema, q: &QName) -> String {
    match RustNames::of(schema).aliases.get(q) {
        Some(name) => name.clone(),
        None => type_name(&q.name),
    }
}

/// The Rust names of tables' rows and declared types, each unique where it is defined: at the
/// top of the models (the default namespace's rows and every declared type) or in a
/// namespace's module (its rows, and its types under their own names). Where two SQL names
/// become one Rust name (`user_roles` and `"user roles"`, a union type `status` and a table
/// `statuses`), the later declaration takes the lowest number that frees it (`UserRole2`), so
/// a schema read from a database always generates; the checks warn of each (W0015).
#[derive(Debug, Default)]
pub struct RustNames {
    pub types: HashMap<QName, String>,
    pub aliases: HashMap<QName, String>,
    pub rows: HashMap<QName, String>,
    pub renamed: Vec<Renamed>,
}

/// A declaration numbered because an earlier one has its Rust name.
#[derive(Debug, Clone)]
pub struct Renamed {
    pub kind: &'static str,
    /// As SQL names it (qualified outside the default namespace).
    pub name: String,
    pub wanted: String,
    pub given: String,
    pub span: Span,
    /// The declaration that has the name.
    pub first: Span,
}

/// `Schema::rust_names`: worked out once, never cloned, equal whatever it holds.
#[derive(Debug, Default)]
pub struct Cached(OnceLock<RustNames>);

impl Clone for Cached {
    fn clone(&self) -> Cached {
        Cached::default()
    }
}

impl PartialEq for Cached {
    fn eq(&self, _: &Cached) -> bool {
        true
    }
}

impl RustNames {
    pub fn of(schema: &Schema) -> &RustNames {
        schema.rust_names.0.get_or_init(|| RustNames::work_out(schema))
    }

    fn work_out(schema: &Schema) -> RustNames {
        let mut names = RustNames::default();
        // Keyed by module ("" for the top) and name.
        let mut taken: HashMap<(String, String), Span> = HashMap::new();
        let mut give = |names: &mut RustNames,
                        module: &str,
                        kind,
                        name: String,
                        wanted: String,
                        span,
                        shun: &[String]| {
            let free = |c: &String, taken: &HashMap<(String, String), Span>| {
                !taken.contains_key(&(module.to_string(), c.clone())) && !shun.contains(c)
            };
            let given = if free(&wanted, &taken) {
                wanted.clone()
            } else {
                let first = taken.get(&(module.to_string(), wanted.clone())).copied().unwrap_or(span);
                let given = (2..).map(|n| format!("{wanted}{n}")).find(|c| free(c, &taken)).expect("a free number");
                names.renamed.push(Renamed { kind, name, wanted: wanted.clone(), given: given.clone(), span, first });
                given
            };
            taken.insert((module.to_string(), given.clone()), span);
            given
        };
        for t in schema.tables.iter().filter(|t| t.namespace == schema.namespace) {
            let given = give(&mut names, "", "table", t.name.clone(), row_type(&t.name), t.span, &[]);
            names.rows.insert(t.qname(), given);
        }
        let types = rust_types(schema);
        for (kind, q, span) in &types {
            let given = give(&mut names, "", kind, q.name.clone(), wanted_type(schema, q), *span, &[]);
            names.types.insert(q.clone(), given);
        }
        // A module's own names must not hide a type of the top, which its code names too.
        let top: Vec<String> = names.types.values().cloned().collect();
        for (kind, q, span) in types.iter().filter(|(_, q, _)| q.namespace != schema.namespace) {
            let given = give(&mut names, &q.namespace, kind, q.to_string(), type_name(&q.name), *span, &[]);
            names.aliases.insert(q.clone(), given);
        }
        for t in schema.tables.iter().filter(|t| t.namespace != schema.namespace) {
            let given = give(&mut names, &t.namespace, "table", t.qname().to_string(), row_type(&t.name), t.span, &top);
            names.rows.insert(t.qname(), given);
        }
        names
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
