//! Names: usable identifiers of at most 63 bytes, and no two objects sharing a name where
//! PostgreSQL keeps one namespace.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{EnumRepr, Schema};

const MAX_IDENTIFIER: usize = 63;

pub fn check<'s>(schema: &'s Schema, diags: &mut Diagnostics) {
    let mut name = |name: &str, span: Span| {
        if name.is_empty() || name.chars().any(|c| c.is_control()) {
            diags.push(Diagnostic::invalid_identifier(name, span));
        } else if name.len() > MAX_IDENTIFIER {
            diags.push(Diagnostic::identifier_too_long(name, span));
        }
    };
    for e in &schema.extensions {
        name(&e.name, e.span);
    }
    for e in &schema.enums {
        name(&e.name, e.span);
    }
    schema.roles.iter().for_each(|r| name(&r.name, r.span));
    schema.functions.iter().for_each(|f| name(&f.name, f.span));
    schema.views.iter().for_each(|v| name(&v.name, v.span));
    for t in &schema.tables {
        name(&t.name, t.span);
        t.columns.iter().for_each(|c| name(&c.name, c.span));
        t.primary_key.iter().for_each(|pk| name(&pk.name, pk.span));
        t.uniques.iter().for_each(|u| name(&u.name, u.span));
        t.checks.iter().for_each(|c| name(&c.name, c.expr.span));
        t.foreign_keys.iter().for_each(|fk| name(&fk.name, fk.span));
        t.indexes.iter().for_each(|i| name(&i.name, i.span));
        t.partition.iter().flat_map(|p| &p.partitions).for_each(|p| name(&p.name, p.span));
    }

    // Tables, indexes (also those behind primary keys and unique constraints) and types share
    // pg_class / pg_type: a table's row type clashes with a type of the same name.
    let mut relations: HashMap<&str, (&str, Span)> = HashMap::new();
    let mut relation =
        |name: &'s str, kind: &'static str, span: Span, diags: &mut Diagnostics| match relations.get(name) {
            Some(&(other, first)) => {
                diags.push(Diagnostic::duplicate_relation(name, kind, &format!("a {other}"), span, first))
            }
            None => {
                relations.insert(name, (kind, span));
            }
        };
    for e in schema.enums.iter().filter(|e| e.repr == EnumRepr::Type) {
        relation(&e.name, "type", e.span, diags);
    }
    for t in &schema.tables {
        relation(&t.name, "table", t.span, diags);
    }
    for v in &schema.views {
        relation(&v.name, "view", v.span, diags);
        v.indexes.iter().for_each(|i| relation(&i.name, "index", i.span, diags));
    }
    for t in &schema.tables {
        if let Some(pk) = &t.primary_key {
            relation(&pk.name, "primary key", pk.span, diags);
        }
        for u in &t.uniques {
            relation(&u.name, "unique constraint", u.span, diags);
        }
        for i in &t.indexes {
            relation(&i.name, "index", i.span, diags);
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            relation(&p.name, "partition", p.span, diags);
        }
    }

    // Functions share a namespace too; strata declares no overloads, so one name is one function
    // (on_update's set_<column> may collide with a declared function).
    let mut functions: HashMap<&str, Span> = HashMap::new();
    for f in &schema.functions {
        match functions.get(f.name.as_str()) {
            Some(&first) => diags.push(Diagnostic::duplicate("function", &f.name, f.span, first)),
            None => {
                functions.insert(&f.name, f.span);
            }
        }
    }

    for t in &schema.tables {
        let mut columns: HashMap<&str, Span> = HashMap::new();
        for c in &t.columns {
            match columns.get(c.name.as_str()) {
                Some(&first) => diags.push(Diagnostic::duplicate("column", &c.name, c.span, first)),
                None => {
                    columns.insert(&c.name, c.span);
                }
            }
        }
        // Constraint names are unique per table; key constraints were compared above already.
        let mut constraints: HashMap<&str, Span> = HashMap::new();
        let named = t.checks.iter().map(|c| (c.name.as_str(), c.expr.span));
        for (name, span) in named.chain(t.foreign_keys.iter().map(|f| (f.name.as_str(), f.span))) {
            match constraints.get(name) {
                Some(&first) => diags.push(Diagnostic::duplicate("constraint", name, span, first)),
                None => {
                    constraints.insert(name, span);
                }
            }
        }
    }
}
