//! Security: roles, grants, row-level security and policies name what exists, and policies
//! use only the clauses their command allows.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{GrantOn, Named, PolicyCommand, Schema};

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
            GrantOn::AllFunctions(_) => ("functions", &["EXECUTE", "ALL"]),
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
            for t in names.iter().filter(|t| schema.table(&t.qname()).is_none()) {
                diags.push(Diagnostic::unknown_table(&t.qname().to_string(), &tables, t.span));
            }
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
