//! Names: duplicates, PostgreSQL's shared relation names and 63-byte limit, Rust names that clash.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const E0011: Explanation = Explanation {
        what: "Two declarations with one name where PostgreSQL keeps one set: tables, indexes, keys and views share a namespace's names; constraints are unique per table.",
        mistake: "[[tables.orders.indexes]]\nname = \"orders_pkey\"\ncolumns = [\"id\"]",
        fix: "Rename one of them (`orders_id_idx`).",
    };
    pub fn duplicate(kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
        error("E0011", format!("duplicate {kind} `{name}`"), span)
            .related(first, "first declared here")
            .help(format!("rename one of them: PostgreSQL needs each {kind} name to be unique here"))
    }

    pub fn duplicate_relation(name: &str, kind: &str, other: &str, span: Span, first: Span) -> Diagnostic {
        let article = if other.starts_with(['a', 'e', 'i', 'o']) { "an" } else { "a" };
        error("E0011", format!("{kind} `{name}` has the same name as {article} {other}"), span)
            .related(first, "the other one")
            .help("tables, indexes, key constraints and types share one namespace per PostgreSQL schema: rename one of them")
    }

    pub(super) const E0012: Explanation = Explanation {
        what: "An identifier longer than PostgreSQL's 63 bytes, which it would silently truncate (names strata derives too).",
        mistake: "[tables.a_very_long_table_name_that_goes_on_and_on_and_on_and_on_forever.columns]",
        fix: "Shorten the name, or name the derived object yourself (`name = \"...\"` on the index or constraint).",
    };
    pub fn identifier_too_long(name: &str, span: Span) -> Diagnostic {
        error("E0012", format!("identifier `{name}` is {} bytes long, over PostgreSQL's limit of 63", name.len()), span)
            .help("PostgreSQL would silently truncate it; choose a name of at most 63 bytes. A derived name (`<table>_<column>_key`, `_fkey`, `_check`, `_pattern`, `_range`, `_idx`) comes from the table and column names: shorten those, or give the index, check or foreign key its own `name` (a unique constraint is named by its key under [tables.T.unique])")
    }

    pub(super) const E0027: Explanation = Explanation {
        what: "A name PostgreSQL cannot use as an identifier (empty, or holding a NUL).",
        mistake: "[tables.\"\".columns]",
        fix: "Give it a name.",
    };
    pub fn invalid_identifier(name: &str, span: Span) -> Diagnostic {
        error("E0027", format!("`{}` is not a usable identifier", name.escape_debug()), span)
            .help("use a non-empty name of letters, digits and underscores, starting with a letter or underscore")
    }

    pub(super) const W0009: Explanation = Explanation {
        what: "Two declarations that become the same Rust type name: the later one is numbered in Rust (the SQL is not affected).",
        mistake: "[tables.user_roles] and [tables.\"user roles\"]",
        fix: "Rename one of them, or use the numbered name.",
    };
    pub fn rust_name_clash(kind: &str, name: &str, rust: &str, given: &str, span: Span, first: Span) -> Diagnostic {
        warning(
            "W0009",
            format!("{kind} `{name}` becomes the Rust type `{rust}`, which another declaration already is: it is `{given}` in Rust"),
            span,
        )
        .related(first, "this one is named so in Rust")
        .help("rename one of them if the numbered Rust name does not suit; the SQL is written either way")
    }

    pub(super) const E0057: Explanation = Explanation {
        what: "A namespace whose Rust module name would shadow a crate the generated code uses.",
        mistake: "[namespaces.serde]",
        fix: "Rename the namespace.",
    };
    pub fn module_name_taken(namespace: &str, module: &str, span: Span) -> Diagnostic {
        error(
            "E0057",
            format!("namespace `{namespace}` becomes the Rust module `{module}`, a crate the generated code uses"),
            span,
        )
        .help("name the namespace otherwise: its tables' Rust lives in a module of its name")
    }

    pub(super) const E0069: Explanation = Explanation {
        what: "Default privileges on schemas with a namespace, which PostgreSQL cannot combine.",
        mistake: "[[default_privileges]]\non = \"schemas\"\nnamespace = \"app\"",
        fix: "Drop `namespace`.",
    };
    pub fn schemas_default_in_namespace(span: Span) -> Diagnostic {
        error("E0069", "default privileges on schemas name a namespace".to_string(), span)
            .help("PostgreSQL cannot use IN SCHEMA with ON SCHEMAS: drop `namespace`")
    }
}
