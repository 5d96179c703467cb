//! References to tables, columns, sequences, namespaces, relations, functions and indexes, and foreign keys.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const E0049: Explanation = Explanation {
        what: "A foreign-key action on a column without `references`.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", on_delete = \"cascade\" }",
        fix: "Add `references = \"users.id\"`, or remove the action.",
    };
    /// `on_delete` / `on_update` on a column that references nothing: a foreign-key action with no key.
    pub fn fk_action_without_reference(key: &str, column: &str, span: Span) -> Diagnostic {
        let help = if key == "on_update" {
            format!(
                "`{key}` is the action of a foreign key: add `references = \"table.column\"`; to set the column on every UPDATE (like `updated_at`), use `set_on_update = \"now()\"`"
            )
        } else {
            format!("`{key}` is a setting of a foreign key: add `references = \"table.column\"`, or remove `{key}`")
        };
        error("E0049", format!("column `{column}` has `{key}` but no `references`"), span).help(help)
    }

    pub(super) const E0007: Explanation = Explanation {
        what: "A reference to a table that is not declared (foreign key, grant, trigger, partition).",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", references = \"user.id\" }",
        fix: "Name a declared table (`users.id`), qualified when it lives in another namespace (`auth.users.id`).",
    };
    pub fn unknown_table(table: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0007", format!("reference to table `{table}`, which is not declared"), span)
            .suggest(table, candidates.iter().copied(), "")
            .or_help("declare the table under [tables] or fix the name")
    }

    pub(super) const E0062: Explanation = Explanation {
        what: "A reference to a sequence that is not declared.",
        mistake: "default = \"nextval('ticket_seq')\"",
        fix: "Declare `[sequences.ticket_seq]` or fix the name.",
    };
    pub fn unknown_sequence(sequence: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0062", format!("reference to sequence `{sequence}`, which is not declared"), span)
            .suggest(sequence, candidates.iter().copied(), "")
            .or_help("declare it under [sequences], or name the sequence of a serial or identity column (`<table>_<column>_seq`)")
    }

    pub(super) const E0056: Explanation = Explanation {
        what: "A namespace that is used but not declared, or named where none exists.",
        mistake: "[[grants]]\nprivileges = [\"USAGE\"]\non = \"schema\"\nnamespace = \"archiv\"",
        fix: "Declare `[namespaces.archive]`, qualify an object with it, or fix the name.",
    };
    pub fn unknown_namespace(namespace: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0056", format!("namespace `{namespace}` is neither declared nor used by any object"), span)
            .suggest(namespace, candidates.iter().copied(), "")
            .or_help("declare it under [namespaces] or fix the name")
    }

    pub(super) const E0008: Explanation = Explanation {
        what: "A column name that the table does not have (in a key, index, foreign key or rule).",
        mistake: "[[tables.orders.indexes]]\ncolumns = [\"creatd_at\"]",
        fix: "Name one of the table's columns (`created_at`); mixins' columns count.",
    };
    pub fn unknown_column(table: &str, column: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0008", format!("table `{table}` has no column `{column}`"), span).suggest(
            column,
            candidates.iter().copied(),
            "its columns",
        )
    }

    pub(super) const E0009: Explanation = Explanation {
        what: "A foreign key between columns PostgreSQL cannot compare: no equality operator between their types.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"text\", references = \"users.id\" }   # users.id is uuid",
        fix: "Give the column the referenced column's type (`uuid`); integer types compare with each other and are accepted.",
    };
    pub fn fk_type_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        error("E0009", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}`"))
    }

    pub(super) const W0002: Explanation = Explanation {
        what: "A foreign key whose columns are narrower than the target's (`varchar(50)` to `varchar(100)`): some targets cannot be referenced.",
        mistake: "user_code = { type = \"varchar(50)\", references = \"users.code\" }   # users.code is varchar(100)",
        fix: "Give the column the target's type.",
    };
    pub fn fk_length_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        warning("W0002", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}` so every referenced value fits"))
    }

    pub(super) const E0010: Explanation = Explanation {
        what: "A foreign key whose target columns are not a primary key or unique constraint, which PostgreSQL requires.",
        mistake: "[tables.orders.columns]\nemail = { type = \"text\", references = \"users.email\" }   # email not unique",
        fix: "Make the target unique (`unique = true` on users.email) or reference the primary key.",
    };
    pub fn fk_target_not_unique(target: &str, span: Span) -> Diagnostic {
        error(
            "E0010",
            format!("foreign key references {target}, which is not a primary key or unique constraint"),
            span,
        )
        .help("reference the primary key, or add a unique constraint on exactly these columns")
    }

    pub(super) const E0021: Explanation = Explanation {
        what: "A foreign key with a different number of columns on each side.",
        mistake: "[[tables.lines.foreign_keys]]\ncolumns = [\"order_id\"]\nreferences = \"orders(id, created_at)\"",
        fix: "List as many columns as the target has: `columns = [\"order_id\", \"order_created_at\"]`.",
    };
    pub fn fk_arity(n_columns: usize, n_refs: usize, span: Span) -> Diagnostic {
        error("E0021", format!("foreign key has {n_columns} column(s) but references {n_refs}"), span)
            .help("list as many referenced columns as foreign key columns, in the same order")
    }

    pub(super) const E0038: Explanation = Explanation {
        what: "A view, policy, function or job reads a relation that is not declared.",
        mistake: "[views.recent]\nquery = \"SELECT * FROM order\"",
        fix: "Name a declared table or view (`orders`); a catalog's own (`pg_stat_statements`) needs its extension declared.",
    };
    pub fn unknown_relation(what: &str, relation: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0038", format!("{what} reads `{relation}`, which is not declared"), span)
            .suggest(relation, candidates.iter().copied(), "")
            .or_help("declare the table or view, or fix the name; PostgreSQL would reject this when it is created or first run")
    }

    pub(super) const W0010: Explanation = Explanation {
        what: "A SQL function's body reads a relation that is not declared: it is found when the function runs (on the caller's search path), or the function fails then. Its body is not checked when it is made.",
        mistake: "[functions.stock]\nbody = \"SELECT count(*) FROM inventory\"   # inventory in each tenant's namespace",
        fix: "Declare the table or view, qualify the name, or give the function a `search_path` that finds it.",
    };
    pub fn unknown_relation_in_body(function: &str, relation: &str, candidates: &[&str], span: Span) -> Diagnostic {
        warning("W0010", format!("function `{function}` reads `{relation}`, which is not declared"), span)
            .suggest(relation, candidates.iter().copied(), "")
            .or_help("it must be found when the function runs (its body is not checked when it is made); declare it, qualify it, or set the function's search_path")
    }

    pub fn invalid_query(what: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.trim_start_matches("sql parser error: ");
        error("E0013", format!("{what} is not valid SQL: {why}"), span)
            .help("write a PostgreSQL query (a SELECT for a view)")
    }

    pub(super) const E0042: Explanation = Explanation {
        what: "A job calls a function that is not declared (it would fail every time it runs).",
        mistake: "[jobs.cleanup]\nschedule = \"0 3 * * *\"\ncommand = \"SELECT clean_up()\"",
        fix: "Declare `[functions.clean_up]`, or call a function of a declared extension by its namespace (`partman.run_maintenance()`).",
    };
    pub fn unknown_function(what: &str, function: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0042", format!("{what} calls `{function}()`, which is not declared"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help(format!(
                "declare it under [functions.{function}], or fix the name; the job would fail every time it runs"
            ))
    }

    pub(super) const E0064: Explanation = Explanation {
        what: "A partition names a parent index the table does not have.",
        mistake: "index_names = { readings_sensr_idx = \"readings_2025_sensor\" }",
        fix: "Name one of the table's indexes.",
    };
    pub fn unknown_index(table: &str, index: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0064", format!("table `{table}` has no index `{index}`"), span)
            .suggest(index, candidates.iter().copied(), "its indexes")
            .or_help(
                "`index_names` maps the parent table's index names (under [[tables.T.indexes]]) to the partition's own",
            )
    }
}
