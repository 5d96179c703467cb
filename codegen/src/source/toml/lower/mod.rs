//! TOML surface syntax -> `Schema`, in one pass over spanned values.
//!
//! Only the shape of the input is checked here (keys, value types, lists);
//! what the names mean (references, duplicates, expressions) is the job of `check/`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use toml::de::{DeTable, DeValue};

mod partitions;
mod routines;
mod rows;
mod security;
mod tables;
mod types;

use super::walk::{Value, Walker, span_of};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::model::TypeError;
use crate::model::calendar::{Date, Interval};
use crate::model::*;
use partitions::*;
use routines::*;
use rows::*;
use security::*;
use tables::*;
use types::*;

const TOP_KEYS: &[&str] =
    &["schema", "mixins", "enums", "shapes", "tables", "roles", "grants", "functions", "views", "jobs"];
const SCHEMA_KEYS: &[&str] = &["name", "postgres", "extensions", "doc"];
/// One parsed file of a schema folder.
pub struct File<'i> {
    pub id: FileId,
    pub root: toml::Spanned<DeTable<'i>>,
}

/// A declaration gathered from any file, read once every file is known.
struct Decl<'a, 'i> {
    file: FileId,
    name: String,
    span: Span,
    value: &'a Value<'i>,
}

/// Lowers every file of one schema folder into a single `Schema`.
pub fn lower(files: &[File<'_>], diags: &mut Diagnostics) -> Schema {
    let mut schema_section = None;
    let (mut mixins, mut enums, mut tables, mut roles) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut shapes = Vec::new();
    let (mut functions, mut views, mut jobs): (Vec<Decl>, Vec<Decl>, Vec<Decl>) = (Vec::new(), Vec::new(), Vec::new());
    let mut grants = Vec::new();
    let mut seen: HashMap<(&str, String), Span> = HashMap::new();
    for file in files {
        let mut w = Walker { file: file.id, diags };
        let top = w.fields(file.root.get_ref(), TOP_KEYS);
        if let Some(v) = top.get("schema") {
            match &schema_section {
                Some((_, first)) => w.report(Diagnostic::duplicate("[schema] section", "schema", w.span(v), *first)),
                None => schema_section = Some(((file.id, v), w.span(v))),
            }
        }
        for item in top.get("grants").and_then(|g| w.array("grants", g)).unwrap_or_default() {
            grants.extend(lower_grant(&mut w, item));
        }
        let sections = [
            ("mixins", &mut mixins),
            ("enums", &mut enums),
            ("shapes", &mut shapes),
            ("tables", &mut tables),
            ("roles", &mut roles),
            ("functions", &mut functions),
            ("views", &mut views),
            ("jobs", &mut jobs),
        ];
        for (key, list) in sections {
            let Some(section) = top.get(key) else { continue };
            let Some(section) = w.table(key, section) else { continue };
            for (name, value) in section.iter() {
                let span = w.span(name);
                let name = name.get_ref().to_string();
                match seen.entry((key, name.clone())) {
                    Entry::Occupied(first) => {
                        let kind = &key[..key.len() - 1];
                        w.report(Diagnostic::duplicate(kind, &name, span, *first.get()));
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(span);
                        list.push(Decl { file: file.id, name, span, value });
                    }
                }
            }
        }
    }

    let mut schema = Schema {
        name: String::new(),
        postgres: 15,
        doc: None,
        extensions: Vec::new(),
        enums: Vec::new(),
        shapes: Vec::new(),
        tables: Vec::new(),
        roles: Vec::new(),
        grants,
        functions: Vec::new(),
        views: Vec::new(),
        jobs: Vec::new(),
    };
    match schema_section {
        Some(((file, v), span)) => lower_schema_section(&mut Walker { file, diags }, v, span, &mut schema),
        None => {
            let at = files.first().map(|f| Span { file: f.id, start: 0, end: 0 }).unwrap_or_default();
            diags.push(Diagnostic::missing_schema_section(at));
        }
    }
    schema.enums = enums.iter().filter_map(|d| lower_enum(&mut Walker { file: d.file, diags }, d)).collect();
    schema.shapes = shapes.iter().filter_map(|d| lower_shape(&mut Walker { file: d.file, diags }, d)).collect();
    resolve_shape_unions(&mut schema);
    schema.roles = roles.iter().filter_map(|d| lower_role(&mut Walker { file: d.file, diags }, d)).collect();
    schema.functions =
        functions.iter().filter_map(|d| lower_function(&mut Walker { file: d.file, diags }, d)).collect();
    schema.views = views.iter().filter_map(|d| lower_view(&mut Walker { file: d.file, diags }, d)).collect();
    schema.jobs = jobs.iter().filter_map(|d| lower_job(&mut Walker { file: d.file, diags }, d)).collect();
    let mixins = Mixins { decls: &mixins };
    schema.tables = tables.iter().filter_map(|d| lower_table(diags, d, &mixins)).collect();
    resolve_enum_columns(&mut schema);
    resolve_foreign_key_targets(&mut schema);
    derive_on_update_triggers(&mut schema);
    derive_sequence_grants(&mut schema);
    derive_retention_helper(&mut schema);
    schema
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
        schema.extensions = w.strings("extensions", v).unwrap_or_default();
    }
    schema.doc = f.get("doc").and_then(|v| w.string("doc", v));
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
    Some(Expr { sql, span: w.span(v) })
}
