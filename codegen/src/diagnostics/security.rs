//! Roles, grants, row-level security and policies.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const E0034: Explanation = Explanation {
        what: "A role named by a policy, grant or owner is not declared.",
        mistake: "[[tables.notes.policies]]\nname = \"own\"\nto = [\"app_user\"]",
        fix: "Declare `[roles.app_user]` (strata creates it if missing), or name a declared role.",
    };
    pub fn unknown_role(role: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0034", format!("role `{role}` is not declared"), span)
            .suggest(role, candidates.iter().copied(), "")
            .or_help(format!("declare it under [roles.{role}] so strata creates it before anything uses it"))
    }

    pub(super) const E0035: Explanation = Explanation {
        what: "A policy clause PostgreSQL refuses for its command (USING on INSERT, WITH CHECK on SELECT or DELETE).",
        mistake: "[[tables.notes.policies]]\nname = \"add\"\nfor = \"insert\"\nusing = \"owner = current_user\"",
        fix: "Use `with_check` for INSERT, `using` for SELECT and DELETE, either or both for UPDATE and ALL.",
    };
    pub fn policy_clause_not_allowed(policy: &str, clause: &str, command: &str, span: Span) -> Diagnostic {
        error("E0035", format!("policy `{policy}` is FOR {command} and has {clause}, which PostgreSQL rejects"), span)
            .help("SELECT and DELETE policies take only `using`; INSERT policies take only `with_check`")
    }

    pub(super) const W0005: Explanation = Explanation {
        what: "Policies on a table without row-level security: PostgreSQL ignores them.",
        mistake: "[[tables.notes.policies]]\nname = \"own\"\nusing = \"owner = current_user\"",
        fix: "Enable it: `rls = { enabled = true }`.",
    };
    pub fn policy_without_rls(table: &str, span: Span) -> Diagnostic {
        warning("W0005", format!("table `{table}` has policies but row-level security is not enabled"), span)
            .help(format!("add [tables.{table}.rls] (enabled = true), or the policies are never applied"))
    }

    pub(super) const E0037: Explanation = Explanation {
        what: "A privilege that the kind of object does not have.",
        mistake: "[[grants]]\nprivileges = [\"EXECUTE\"]\ntables = [\"orders\"]",
        fix: "Use the table privileges (SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER) or grant on functions.",
    };
    pub fn invalid_privilege(privilege: &str, target: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0037", format!("`{privilege}` is not a privilege on {target}"), span).suggest(
            &privilege.to_ascii_uppercase(),
            allowed.iter().copied(),
            "the privileges there",
        )
    }

    pub(super) const W0006: Explanation = Explanation {
        what: "A SECURITY DEFINER function without `search_path`: a caller can shadow what it calls.",
        mistake: "[functions.f]\nsecurity_definer = true",
        fix: "Add `search_path = \"public, pg_temp\"`.",
    };
    pub fn definer_without_search_path(function: &str, span: Span) -> Diagnostic {
        warning("W0006", format!("SECURITY DEFINER function `{function}` does not set search_path"), span)
            .help("add `search_path = \"public, pg_temp\"`: otherwise a caller can put its own objects ahead of yours and run them with the owner's rights")
    }

    pub(super) const E0066: Explanation = Explanation {
        what: "Column privileges that name columns of several tables, or none.",
        mistake: "[[grants]]\nprivileges = [\"SELECT\"]\ntables = [\"a\", \"b\"]\ncolumns = [\"id\"]",
        fix: "Grant column privileges one table at a time.",
    };
    pub fn column_grant_needs_one_table(span: Span) -> Diagnostic {
        error("E0066", "column privileges name the columns of more than one table, or of none".to_string(), span)
            .help("a grant with `columns` lists exactly one table in `tables`: write one grant per table")
    }

    pub(super) const E0067: Explanation = Explanation {
        what: "A grant on a function that is not declared, or is ambiguous between overloads.",
        mistake: "[[grants]]\nprivileges = [\"EXECUTE\"]\nfunctions = [\"area\"]   # two overloads",
        fix: "Name it by signature: `area(integer)`.",
    };
    /// `found` routines match the name: none, or several overloads.
    pub fn unknown_routine(routine: &str, found: usize, candidates: &[&str], span: Span) -> Diagnostic {
        let (why, help) = match found {
            0 => ("which is not declared", "name a declared function, with its argument types if overloaded"),
            _ => ("which names several overloads", "give the argument types: `name(integer, text)`"),
        };
        error("E0067", format!("grant on function `{routine}`, {why}"), span)
            .suggest(routine, candidates.iter().copied(), "")
            .or_help(help)
    }

    pub(super) const E0068: Explanation = Explanation {
        what: "A grant on a type that is not declared as a type.",
        mistake: "[[grants]]\nprivileges = [\"USAGE\"]\ntypes = [\"status\"]   # a CHECK union type",
        fix: "Declare the union type `as = \"type\"`, or grant on a declared type.",
    };
    pub fn unknown_type_grant(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0068", format!("grant on type `{ty}`, which is not a declared type"), span)
            .suggest(ty, candidates.iter().copied(), "")
            .or_help("name a domain, a composite or range type, or a union type declared `as = \"type\"` (one stored as a CHECK is no type of its own)")
    }
}
