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
    schema.namespaces.iter().for_each(|n| name(&n.name, n.span));
    for e in &schema.enums {
        name(&e.name, e.span);
    }
    for d in &schema.domains {
        name(&d.name, d.span);
        d.checks.iter().for_each(|c| name(&c.name, c.expr.span));
    }
    for c in &schema.composites {
        name(&c.name, c.span);
        c.fields.iter().for_each(|f| name(&f.name, f.span));
    }
    for r in &schema.ranges {
        name(&r.name, r.span);
        r.multirange.iter().for_each(|m| name(&m.name, m.span));
    }
    schema.aggregates.iter().for_each(|a| name(&a.name, a.span));
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
        t.exclusions.iter().for_each(|x| name(&x.name, x.span));
        t.checks.iter().for_each(|c| name(&c.name, c.expr.span));
        t.foreign_keys.iter().for_each(|fk| name(&fk.name, fk.span));
        t.indexes.iter().for_each(|i| name(&i.name, i.span));
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            name(&p.name, p.span);
            p.checks.iter().for_each(|c| name(&c.name, c.expr.span));
            p.foreign_keys.iter().for_each(|fk| name(&fk.name, fk.span));
            p.indexes.iter().for_each(|i| name(&i.name, i.span));
            p.index_names.iter().for_each(|(parent, own)| name(own, parent.span));
        }
        t.policies.iter().for_each(|p| name(&p.name, p.span));
        t.triggers.iter().for_each(|tr| name(&tr.name, tr.span));
    }

    // In each namespace, tables, sequences, indexes (also those behind primary keys and unique
    // constraints) and types share pg_class / pg_type: a table's row type clashes with a type
    // of the same name. Indexes live in their table's namespace.
    let mut relations: HashMap<(&str, String), (&str, Span)> = HashMap::new();
    let mut relation =
        |namespace: &'s str, name: &str, kind: &'static str, span: Span, diags: &mut Diagnostics| match relations
            .get(&(namespace, name.to_string()))
        {
            Some(&(other, first)) => diags.push(Diagnostic::duplicate_relation(name, kind, other, span, first)),
            None => {
                relations.insert((namespace, name.to_string()), (kind, span));
            }
        };
    for e in schema.enums.iter().filter(|e| e.repr == EnumRepr::Type) {
        relation(&e.namespace, &e.name, "type", e.span, diags);
    }
    for d in &schema.domains {
        relation(&d.namespace, &d.name, "domain", d.span, diags);
    }
    for c in &schema.composites {
        relation(&c.namespace, &c.name, "composite type", c.span, diags);
    }
    for r in &schema.ranges {
        relation(&r.namespace, &r.name, "range type", r.span, diags);
        let span = r.multirange.as_ref().map_or(r.span, |m| m.span);
        relation(&r.namespace, &r.multirange_name(), "multirange type", span, diags);
    }
    for t in &schema.tables {
        relation(&t.namespace, &t.name, "table", t.span, diags);
    }
    for s in &schema.sequences {
        relation(&s.namespace, &s.name, "sequence", s.span, diags);
    }
    for v in &schema.views {
        relation(&v.namespace, &v.name, "view", v.span, diags);
        v.indexes.iter().for_each(|i| relation(&v.namespace, &i.name, "index", i.span, diags));
    }
    for t in &schema.tables {
        let ns = t.namespace.as_str();
        if let Some(pk) = &t.primary_key {
            relation(ns, &pk.name, "primary key", pk.span, diags);
        }
        for u in &t.uniques {
            relation(ns, &u.name, "unique constraint", u.span, diags);
        }
        for x in &t.exclusions {
            relation(ns, &x.name, "exclusion constraint", x.span, diags);
        }
        for i in &t.indexes {
            relation(ns, &i.name, "index", i.span, diags);
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            relation(&p.namespace, &p.name, "partition", p.span, diags);
            p.indexes.iter().for_each(|i| relation(&p.namespace, &i.name, "index", i.span, diags));
            for (parent, own) in &p.index_names {
                relation(&p.namespace, own, "index", parent.span, diags);
            }
        }
    }

    // A routine is its name and argument types: overloads differ in the types (set_on_update's
    // set_<column>() may collide with a declared function).
    let functions: Vec<(String, Span)> = schema.functions.iter().map(|f| (f.signature(), f.span)).collect();
    unique_names("function", functions.iter().map(|(n, s)| (n.as_str(), *s)), diags);

    rust_names(schema, diags);
    for t in &schema.tables {
        unique_names("column", t.columns.iter().map(|c| (c.name.as_str(), c.span)), diags);
        // Constraint names are unique per table; key constraints were compared above already.
        let named = t.checks.iter().map(|c| (c.name.as_str(), c.expr.span));
        let named = named.chain(t.exclusions.iter().map(|x| (x.name.as_str(), x.span)));
        unique_names("constraint", named.chain(t.foreign_keys.iter().map(|f| (f.name.as_str(), f.span))), diags);
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            let named = p.checks.iter().map(|c| (c.name.as_str(), c.expr.span));
            unique_names("constraint", named.chain(p.foreign_keys.iter().map(|f| (f.name.as_str(), f.span))), diags);
        }
    }
}

/// The Rust target names types after tables (singular) and declared types (union, composite,
/// domain): those are all defined at the top (prefixed with their namespace outside the
/// default one), and each namespace's tables share its module with its types' plain names; no
/// two may meet.
fn rust_names(schema: &Schema, diags: &mut Diagnostics) {
    use crate::rust_names::{CRATE_NAMES, module};
    for n in schema.namespaces.iter().filter(|n| n.name != schema.namespace) {
        if CRATE_NAMES.contains(&module(&n.name).as_str()) {
            diags.push(Diagnostic::module_name_taken(&n.name, &module(&n.name), n.span));
        }
    }
    for r in &crate::model::rust::RustNames::of(schema).renamed {
        diags.push(Diagnostic::rust_name_clash(r.kind, &r.name, &r.wanted, &r.given, r.span, r.first));
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
