//! Security: roles, grants, row-level security and policies name what exists, and policies
//! use only the clauses their command allows.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{GrantOn, Named, PolicyCommand, QName, Schema};

use super::expressions::columns_exist;

/// Role names PostgreSQL always knows.
const BUILTIN_ROLES: &[&str] = &["public", "current_user", "current_role", "session_user"];

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let declared: Vec<&str> = schema.roles.iter().map(|r| r.name.as_str()).collect();
    let role = |r: &Named, diags: &mut Diagnostics| {
        if !declared.contains(&r.name.as_str())
            && !BUILTIN_ROLES.contains(&r.name.as_str())
            && !r.name.starts_with("pg_")
        {
            diags.push(Diagnostic::unknown_role(&r.name, &declared, r.span));
        }
    };
    for r in &schema.roles {
        r.member_of.iter().for_each(|m| role(m, diags));
    }
    schema.namespaces.iter().flat_map(|n| &n.owner).for_each(|o| role(o, diags));
    let namespaces = schema.namespace_names();
    let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    for g in &schema.grants {
        g.to.iter().for_each(|r| role(r, diags));
        let (target, allowed): (&str, &[&str]) = match &g.on {
            GrantOn::Schema(_) => ("a schema", &["USAGE", "CREATE", "ALL"]),
            GrantOn::AllSequences(_) | GrantOn::Sequences(_) => ("sequences", &["USAGE", "SELECT", "UPDATE", "ALL"]),
            GrantOn::AllFunctions(_) | GrantOn::Functions(_) => ("functions", &["EXECUTE", "ALL"]),
            GrantOn::Types(_) => ("types", &["USAGE", "ALL"]),
            GrantOn::AllTables(_) | GrantOn::Tables(_) => {
                ("tables", &["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "ALL"])
            }
        };
        for p in &g.privileges {
            if !allowed.contains(&p.as_str()) {
                diags.push(Diagnostic::invalid_privilege(p, target, allowed, g.span));
            }
        }
        if let GrantOn::Schema(n) | GrantOn::AllTables(n) | GrantOn::AllSequences(n) | GrantOn::AllFunctions(n) = &g.on
            && !namespaces.contains(&n.as_str())
        {
            diags.push(Diagnostic::unknown_namespace(n, &namespaces, g.span));
        }
        if let GrantOn::Tables(names) = &g.on {
            // A partition is a table to GRANT, as `on = "all tables"` shows.
            let partition = |q: &QName| {
                schema
                    .tables
                    .iter()
                    .filter_map(|t| t.partition.as_ref())
                    .flat_map(|p| &p.partitions)
                    .any(|p| p.qname() == *q)
            };
            let relation =
                |q: &QName| schema.table(q).is_some() || schema.views.iter().any(|v| v.qname() == *q) || partition(q);
            for t in names.iter().filter(|t| !relation(&t.qname())) {
                diags.push(Diagnostic::unknown_table(&t.qname().to_string(), &tables, t.span));
            }
            match (names.as_slice(), g.columns.as_slice()) {
                (_, []) => {}
                ([one], columns) => {
                    if let Some(t) = schema.table(&one.qname()) {
                        columns.iter().for_each(|c| _ = super::references::column_exists(t, c, diags));
                    }
                }
                (_, [first, ..]) => diags.push(Diagnostic::column_grant_needs_one_table(first.span)),
            }
        } else if let Some(first) = g.columns.first() {
            diags.push(Diagnostic::column_grant_needs_one_table(first.span));
        }
        if let GrantOn::Functions(names) = &g.on {
            for r in names {
                let found = schema.routines(r).len();
                if found != 1 {
                    let names: Vec<String> = schema.functions.iter().map(crate::model::Function::signature).collect();
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    diags.push(Diagnostic::unknown_routine(&r.qname().to_string(), found, &names, r.span));
                }
            }
        }
        if let GrantOn::Types(names) = &g.on {
            let types = schema.type_names();
            for t in names.iter().filter(|t| !types.contains(&t.qname())) {
                let known: Vec<String> = types.iter().map(QName::to_string).collect();
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                diags.push(Diagnostic::unknown_type_grant(&t.qname().to_string(), &known, t.span));
            }
        }

        if let GrantOn::Sequences(names) = &g.on {
            let implicit = schema.tables.iter().flat_map(|t| t.columns.iter().filter_map(|c| c.implicit_sequence(t)));
            let known: Vec<String> =
                schema.sequences.iter().map(|s| s.qname()).chain(implicit).map(|q| q.to_string()).collect();
            for s in names.iter().filter(|s| !known.contains(&s.qname().to_string())) {
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                diags.push(Diagnostic::unknown_sequence(&s.qname().to_string(), &known, s.span));
            }
        }
    }
    for d in &schema.default_privileges {
        d.for_role.iter().chain(&d.to).for_each(|r| role(r, diags));
        if let Some(n) = d.namespace.as_ref().filter(|n| !namespaces.contains(&n.as_str())) {
            diags.push(Diagnostic::unknown_namespace(n, &namespaces, d.span));
        }
        let allowed: &[&str] = match d.on.as_str() {
            "TABLES" => &["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "ALL"],
            "SEQUENCES" => &["USAGE", "SELECT", "UPDATE", "ALL"],
            "FUNCTIONS" => &["EXECUTE", "ALL"],
            "TYPES" => &["USAGE", "ALL"],
            _ => &["USAGE", "CREATE", "ALL"],
        };
        for p in d.privileges.iter().filter(|p| !allowed.contains(&p.as_str())) {
            diags.push(Diagnostic::invalid_privilege(p, &d.on.to_lowercase(), allowed, d.span));
        }
        if d.on == "SCHEMAS" && d.namespace.is_some() {
            diags.push(Diagnostic::schemas_default_in_namespace(d.span));
        }
    }
    for t in &schema.tables {
        let mut names: HashMap<&str, Span> = HashMap::new();
        for p in &t.policies {
            if let Some(&first) = names.get(p.name.as_str()) {
                diags.push(Diagnostic::duplicate("policy", &p.name, p.span, first));
            }
            names.insert(&p.name, p.span);
            p.to.iter().for_each(|r| role(r, diags));
            let command = p.command.sql();
            match p.command {
                PolicyCommand::Select | PolicyCommand::Delete if p.with_check.is_some() => {
                    diags.push(Diagnostic::policy_clause_not_allowed(&p.name, "`with_check`", command, p.span))
                }
                PolicyCommand::Insert if p.using.is_some() => {
                    diags.push(Diagnostic::policy_clause_not_allowed(&p.name, "`using`", command, p.span))
                }
                _ => {}
            }
            // The tenant shorthand's policy reads the tenant column, which check/references reports.
            let from_shorthand = t.rls.as_ref().and_then(|r| r.tenant.as_ref()).is_some_and(|c| c.span == p.span);
            for e in p.using.iter().chain(&p.with_check).filter(|_| !from_shorthand) {
                columns_exist(t, &format!("policy `{}`", p.name), e, diags);
            }
        }
        if !t.policies.is_empty() && !t.rls.as_ref().is_some_and(|r| r.enabled) {
            diags.push(Diagnostic::policy_without_rls(&t.name, t.policies[0].span));
        }
    }
}
