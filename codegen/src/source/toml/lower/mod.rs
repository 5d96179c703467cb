//! TOML surface syntax -> `Schema`, in one pass over spanned values.
//!
//! Only the shape of the input is checked here (keys, value types, lists);
//! what the names mean (references, duplicates, expressions) is the job of `check/`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use toml::de::{DeTable, DeValue};

mod json_schema;
mod partitions;
mod routines;
mod rows;
mod security;
mod sequences;
mod tables;
mod types;
mod upkeep;

use super::walk::{Fields, Value, Walker, span_of};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::model::TypeError;
use crate::model::calendar::{Date, Interval};
use crate::model::*;
use partitions::*;
use routines::*;
use rows::*;
use security::*;
use sequences::*;
use tables::*;
use types::*;
use upkeep::*;

pub use json_schema::json_schema;

const TOP_KEYS: &[&str] = &[
    "schema",
    "namespaces",
    "mixins",
    "enums",
    "domains",
    "composites",
    "ranges",
    "shapes",
    "tables",
    "sequences",
    "roles",
    "grants",
    "revokes",
    "default_privileges",
    "functions",
    "aggregates",
    "views",
    "jobs",
];
const SCHEMA_KEYS: &[&str] = &["name", "postgres", "extensions", "namespace", "doc", "allow_destructive", "ignore"];
/// The sections of named declarations, in the order they are lowered, each with whether its keys
/// name objects of a namespace (`tables."archive.runs"`). `lower` gathers each into the list at
/// its position.
const SECTIONS: [(&str, bool); 14] = [
    ("namespaces", false),
    ("mixins", false),
    ("enums", true),
    ("domains", true),
    ("composites", true),
    ("ranges", true),
    ("shapes", false),
    ("tables", true),
    ("sequences", true),
    ("roles", false),
    ("functions", true),
    ("aggregates", true),
    ("views", true),
    ("jobs", false),
];
/// One parsed file of a schema folder.
pub struct File<'i> {
    pub id: FileId,
    pub root: toml::Spanned<DeTable<'i>>,
}

/// A declaration gathered from any file, read once every file is known.
struct Decl<'a, 'i> {
    file: FileId,
    /// The namespace of a namespaced object (the default one when its key has no qualifier).
    namespace: String,
    name: String,
    span: Span,
    value: &'a Value<'i>,
}

/// Lowers every file of one schema folder into a single `Schema`.
pub fn lower(files: &[File<'_>], diags: &mut Diagnostics) -> Schema {
    let mut schema_section = None;
    let (mut grants, mut default_privileges) = (Vec::new(), Vec::new());
    let mut gathered: [Vec<(&'static str, bool, Decl)>; SECTIONS.len()] = Default::default();
    for file in files {
        let mut w = Walker { file: file.id, diags };
        let top = w.fields(file.root.get_ref(), TOP_KEYS);
        if let Some(v) = top.get("schema") {
            match &schema_section {
                Some((_, first)) => w.report(Diagnostic::duplicate("[schema] section", "schema", w.span(v), *first)),
                None => schema_section = Some(((file.id, v), w.span(v))),
            }
        }
        for item in top.get("revokes").and_then(|g| w.array("revokes", g)).unwrap_or_default() {
            grants.extend(lower_grant(&mut w, item, true));
        }
        for item in top.get("default_privileges").and_then(|g| w.array("default_privileges", g)).unwrap_or_default() {
            default_privileges.extend(lower_default_privileges(&mut w, item));
        }
        for item in top.get("grants").and_then(|g| w.array("grants", g)).unwrap_or_default() {
            grants.extend(lower_grant(&mut w, item, false));
        }
        for (&(key, namespaced), list) in SECTIONS.iter().zip(&mut gathered) {
            let Some(section) = top.get(key) else { continue };
            let Some(section) = w.table(key, section) else { continue };
            for (name, value) in section.iter() {
                let span = w.span(name);
                let name = name.get_ref().to_string();
                list.push((key, namespaced, Decl { file: file.id, namespace: String::new(), name, span, value }));
            }
        }
    }

    let mut schema = Schema::new("", PUBLIC);
    (schema.grants, schema.default_privileges) = (grants, default_privileges);
    match schema_section {
        Some(((file, v), span)) => lower_schema_section(&mut Walker { file, diags }, v, span, &mut schema),
        None => {
            let at = files.first().map(|f| Span { file: f.id, start: 0, end: 0 }).unwrap_or_default();
            diags.push(Diagnostic::missing_schema_section(at));
        }
    }
    // Names are known once the default namespace is: `users` and `public.users` are one table.
    let mut seen: HashMap<(&str, String, String), Span> = HashMap::new();
    let [
        namespaces,
        mixins,
        enums,
        domains,
        composites,
        ranges,
        shapes,
        tables,
        sequences,
        roles,
        functions,
        aggregates,
        views,
        jobs,
    ] = gathered.map(|list| qualify(list, &schema.namespace, &mut seen, diags));
    schema.namespaces =
        namespaces.iter().filter_map(|d| lower_namespace(&mut Walker { file: d.file, diags }, d)).collect();
    schema.enums = enums.iter().filter_map(|d| lower_enum(&mut Walker { file: d.file, diags }, d)).collect();
    schema.domains = domains.iter().filter_map(|d| lower_domain(&mut Walker { file: d.file, diags }, d)).collect();
    schema.composites =
        composites.iter().filter_map(|d| lower_composite(&mut Walker { file: d.file, diags }, d)).collect();
    schema.ranges = ranges.iter().filter_map(|d| lower_range_type(&mut Walker { file: d.file, diags }, d)).collect();
    schema.shapes = shapes.iter().filter_map(|d| lower_shape(&mut Walker { file: d.file, diags }, d)).collect();
    resolve_shape_unions(&mut schema);
    schema.roles = roles.iter().filter_map(|d| lower_role(&mut Walker { file: d.file, diags }, d)).collect();
    schema.functions =
        functions.iter().filter_map(|d| lower_function(&mut Walker { file: d.file, diags }, d)).collect();
    schema.aggregates =
        aggregates.iter().filter_map(|d| lower_aggregate(&mut Walker { file: d.file, diags }, d)).collect();
    schema.views = views.iter().filter_map(|d| lower_view(&mut Walker { file: d.file, diags }, d)).collect();
    schema.jobs = jobs.iter().filter_map(|d| lower_job(&mut Walker { file: d.file, diags }, d)).collect();
    let mixins = Mixins { decls: &mixins };
    schema.tables = lower_tables(diags, &tables, &mixins);
    schema.sequences =
        sequences.iter().filter_map(|d| lower_sequence(&mut Walker { file: d.file, diags }, d)).collect();
    resolve_namespaces(&mut schema);
    resolve_declared_types(&mut schema);
    resolve_foreign_key_targets(&mut schema);
    derive_on_update_triggers(&mut schema);
    derive_sequence_grants(&mut schema);
    derive_retention_helper(&mut schema);
    derive_upkeep(&mut schema);
    derive_namespaces(&mut schema);
    schema
}

/// Each table lowered, in declaration order; a large schema's on two threads (tables lower
/// independently, and the diagnostics are sorted once the compile is done).
fn lower_tables(diags: &mut Diagnostics, tables: &[Decl], mixins: &Mixins) -> Vec<Table> {
    let lower = |decls: &[Decl], diags: &mut Diagnostics| -> Vec<Table> {
        decls.iter().filter_map(|d| lower_table(diags, d, mixins)).collect()
    };
    if tables.len() < 64 {
        return lower(tables, diags);
    }
    let (first, second) = tables.split_at(tables.len() / 2);
    let (mut lowered, (rest, more)) = std::thread::scope(|s| {
        let second = crate::stack::spawn(s, || {
            let mut diags = Diagnostics::default();
            (lower(second, &mut diags), diags)
        });
        (lower(first, diags), second.join().expect("lowering a table panicked"))
    });
    lowered.extend(rest);
    diags.0.extend(more.0);
    lowered
}

/// Sets each namespaced declaration's namespace and name from its key, and reports a
/// declaration whose qualified name was declared before.
fn qualify<'a, 'i>(
    decls: Vec<(&'static str, bool, Decl<'a, 'i>)>,
    default: &str,
    seen: &mut HashMap<(&'static str, String, String), Span>,
    diags: &mut Diagnostics,
) -> Vec<Decl<'a, 'i>> {
    let mut out = Vec::with_capacity(decls.len());
    for (key, namespaced, mut d) in decls {
        if namespaced {
            let q = QName::parse(&d.name, default);
            (d.namespace, d.name) = (q.namespace, q.name);
        }
        match seen.entry((key, d.namespace.clone(), d.name.clone())) {
            Entry::Occupied(first) => {
                let kind = &key[..key.len() - 1];
                let shown =
                    if d.namespace.is_empty() { d.name.clone() } else { QName::new(&d.namespace, &d.name).to_string() };
                diags.push(Diagnostic::duplicate(kind, &shown, d.span, *first.get()));
            }
            Entry::Vacant(slot) => {
                slot.insert(d.span);
                out.push(d);
            }
        }
    }
    out
}

const NAMESPACE_KEYS: &[&str] = &["owner", "doc"];

fn lower_namespace(w: &mut Walker, d: &Decl) -> Option<Namespace> {
    let t = w.table("namespace", d.value)?;
    let f = w.fields(t, NAMESPACE_KEYS);
    Some(Namespace {
        name: d.name.clone(),
        owner: f.get("owner").and_then(|v| w.named("owner", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

/// Unqualified references (foreign keys, trigger functions, grants) name the default
/// namespace; an unqualified partition lives beside its parent, and the table owning a
/// sequence beside the sequence (PostgreSQL requires both in one namespace). The one place an empty
/// namespace, as `Ref::parse` and the grant lowering leave it, is filled in.
fn resolve_namespaces(schema: &mut Schema) {
    fn resolve(namespace: &mut String, default: &str) {
        if namespace.is_empty() {
            *namespace = default.to_string();
        }
    }
    let default = &schema.namespace;
    for t in &mut schema.tables {
        t.foreign_keys.iter_mut().for_each(|fk| resolve(&mut fk.ref_table.namespace, default));
        t.triggers.iter_mut().for_each(|tr| resolve(&mut tr.function.namespace, default));
        for p in t.partition.iter_mut().flat_map(|p| &mut p.partitions) {
            resolve(&mut p.namespace, &t.namespace);
            p.foreign_keys.iter_mut().for_each(|fk| resolve(&mut fk.ref_table.namespace, default));
        }
    }
    for v in &mut schema.views {
        v.triggers.iter_mut().for_each(|tr| resolve(&mut tr.function.namespace, default));
    }
    for s in &mut schema.sequences {
        s.owned_by.iter_mut().for_each(|o| resolve(&mut o.table.namespace, &s.namespace));
    }
    for g in &mut schema.grants {
        match &mut g.on {
            GrantOn::Schema(n) | GrantOn::AllTables(n) | GrantOn::AllSequences(n) | GrantOn::AllFunctions(n) => {
                resolve(n, default)
            }
            GrantOn::Tables(refs) | GrantOn::Sequences(refs) | GrantOn::Functions(refs) | GrantOn::Types(refs) => {
                refs.iter_mut().for_each(|r| resolve(&mut r.namespace, default))
            }
        }
    }
}

/// Every namespace an object lives in exists: those not declared (and not `public`, which
/// every database has) are added after the declared ones, in order of first use.
fn derive_namespaces(schema: &mut Schema) {
    let tables = schema.tables.iter().flat_map(|t| {
        let partitions = t.partition.iter().flat_map(|p| &p.partitions).map(|p| (&p.namespace, p.span));
        std::iter::once((&t.namespace, t.span)).chain(partitions)
    });
    let extensions = schema.extensions.iter().filter_map(|e| Some((e.namespace.as_ref()?, e.span)));
    let used: Vec<(&String, Span)> = std::iter::once((&schema.namespace, Span::default()))
        .chain(extensions)
        .chain(schema.enums.iter().map(|e| (&e.namespace, e.span)))
        .chain(schema.domains.iter().map(|d| (&d.namespace, d.span)))
        .chain(schema.composites.iter().map(|c| (&c.namespace, c.span)))
        .chain(schema.ranges.iter().map(|r| (&r.namespace, r.span)))
        .chain(tables)
        .chain(schema.sequences.iter().map(|s| (&s.namespace, s.span)))
        .chain(schema.functions.iter().map(|f| (&f.namespace, f.span)))
        .chain(schema.aggregates.iter().map(|a| (&a.namespace, a.span)))
        .chain(schema.views.iter().map(|v| (&v.namespace, v.span)))
        .collect();
    let mut implicit: Vec<Namespace> = Vec::new();
    for (name, span) in used {
        if name != PUBLIC && !schema.namespaces.iter().chain(&implicit).any(|n| n.name == *name) {
            implicit.push(Namespace { name: name.clone(), owner: None, doc: None, span });
        }
    }
    schema.namespaces.extend(implicit);
}

fn lower_schema_section(w: &mut Walker, v: &Value, span: Span, schema: &mut Schema) {
    let Some(t) = w.table("schema", v) else { return };
    let f = w.fields(t, SCHEMA_KEYS);
    match f.get("name") {
        Some(v) => {
            schema.name = w.string("name", v).unwrap_or_default();
            // It names the output folder and the Rust module: letters, digits and underscores.
            if !is_plain_word(&schema.name) && !schema.name.is_empty() {
                w.report(Diagnostic::invalid_identifier(&schema.name, w.span(v)));
            }
        }
        None => w.report(Diagnostic::missing_schema_section(span)),
    }
    if let Some(v) = f.get("postgres") {
        schema.postgres = w.count("postgres", v).unwrap_or(15);
    }
    if let Some(v) = f.get("extensions") {
        // `"pgcrypto"`, or `{ name = "pgcrypto", namespace = "crypto" }`.
        for item in w.array("extensions", v).unwrap_or_default() {
            let (name, namespace) = match item.get_ref() {
                DeValue::Table(t) => {
                    let f = w.fields(t, &["name", "namespace"]);
                    let name =
                        require(w, &f.get("name"), "name", "an extension", item).and_then(|n| w.string("name", n));
                    (name, f.get("namespace").and_then(|n| w.string("namespace", n)))
                }
                _ => (w.string("extensions", item), None),
            };
            schema.extensions.extend(name.map(|name| Extension { name, namespace, span: w.span(item) }));
        }
    }
    if let Some(namespace) = f.get("namespace").and_then(|v| w.string("namespace", v)) {
        schema.namespace = namespace;
    }
    schema.doc = f.get("doc").and_then(|v| w.string("doc", v));
    for item in f.get("allow_destructive").and_then(|v| w.array("allow_destructive", v)).unwrap_or_default() {
        let name = w.string("allow_destructive", item);
        schema.allow_destructive.extend(name.map(|name| Named { name, span: w.span(item) }));
    }
    // `ignore = { indexes = ["hotfix_*"], ... }`: name patterns by kind.
    if let Some(t) = f.get("ignore").and_then(|v| w.table("ignore", v)) {
        let f = w.fields(t, IGNORE_KINDS);
        for kind in IGNORE_KINDS {
            let patterns = f.get(kind).and_then(|v| w.array(kind, v)).unwrap_or_default();
            let patterns: Vec<String> = patterns.iter().filter_map(|p| w.string(kind, p)).collect();
            schema.ignore.of_mut(kind).expect("one of IGNORE_KINDS").extend(patterns);
        }
    }
}

/// The value of a required key, or None after reporting it missing.
fn require<'a, 'i>(
    w: &mut Walker,
    v: &Option<&'a Value<'i>>,
    key: &str,
    within: &str,
    at: &Value,
) -> Option<&'a Value<'i>> {
    if v.is_none() {
        w.report(Diagnostic::missing_key(key, within, w.span(at)));
    }
    *v
}

fn expr_of(w: &mut Walker, key: &str, v: &Value) -> Option<Expr> {
    let sql = w.string(key, v)?;
    Some(Expr::new(sql, w.span(v)))
}

#[cfg(test)]
mod sections {
    /// Every section of declarations is a key a file may have.
    #[test]
    fn each_section_is_a_top_level_key() {
        assert!(super::SECTIONS.iter().all(|(key, _)| super::TOP_KEYS.contains(key)));
    }
}
