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
    schema.jobs.iter().for_each(|j| name(&j.name, j.span));
    schema.shapes.iter().for_each(|s| name(&s.name, s.span));
    for t in &schema.tables {
        name(&t.name, t.span);
        t.columns.iter().for_each(|c| name(&c.name, c.span));
        t.primary_key.iter().for_each(|pk| name(&pk.name, pk.span));
        t.uniques.iter().for_each(|u| name(&u.name, u.span));
        t.checks.iter().for_each(|c| name(&c.name, c.expr.span));
        t.foreign_keys.iter().for_each(|fk| name(&fk.name, fk.span));
        t.indexes.iter().for_each(|i| name(&i.name, i.span));
        t.partition.iter().flat_map(|p| &p.partitions).for_each(|p| name(&p.name, p.span));
        t.policies.iter().for_each(|p| name(&p.name, p.span));
        t.triggers.iter().for_each(|tr| name(&tr.name, tr.span));
    }

    // Tables, indexes (also those behind primary keys and unique constraints) and types share
    // pg_class / pg_type: a table's row type clashes with a type of the same name.
    let mut relations: HashMap<&str, (&str, Span)> = HashMap::new();
    let mut relation =
        |name: &'s str, kind: &'static str, span: Span, diags: &mut Diagnostics| match relations.get(name) {
            Some(&(other, first)) => diags.push(Diagnostic::duplicate_relation(name, kind, other, span, first)),
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
    // (set_on_update's set_<column> may collide with a declared function).
    unique_names("function", schema.functions.iter().map(|f| (f.name.as_str(), f.span)), diags);

    // The Rust target names types after tables (singular) and union types: they must differ.
    let mut rust: HashMap<String, Span> = HashMap::new();
    let types = schema.tables.iter().map(|t| ("table", &t.name, crate::render::rust::row_type(&t.name), t.span));
    let enums = schema.enums.iter().map(|e| ("union type", &e.name, crate::render::rust::type_name(&e.name), e.span));
    for (kind, name, ty, span) in types.chain(enums) {
        match rust.get(&ty) {
            Some(&first) => diags.push(Diagnostic::rust_name_clash(kind, name, &ty, span, first)),
            None => {
                rust.insert(ty, span);
            }
        }
    }
    for t in &schema.tables {
        unique_names("column", t.columns.iter().map(|c| (c.name.as_str(), c.span)), diags);
        // Constraint names are unique per table; key constraints were compared above already.
        let named = t.checks.iter().map(|c| (c.name.as_str(), c.expr.span));
        unique_names("constraint", named.chain(t.foreign_keys.iter().map(|f| (f.name.as_str(), f.span))), diags);
    }
}

/// Reports every name seen twice among `names`, pointing back at its first declaration.
fn unique_names<'a>(kind: &str, names: impl Iterator<Item = (&'a str, Span)>, diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for (name, span) in names {
        match seen.get(name) {
            Some(&first) => diags.push(Diagnostic::duplicate(kind, name, span, first)),
            None => {
                seen.insert(name, span);
            }
        }
    }
}
