//! Primary keys, soft delete, value rules and generated columns.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const W0001: Explanation = Explanation {
        what: "A table without a primary key: rows cannot be told apart, and logical replication cannot update or delete them.",
        mistake: "[tables.events.columns]\nname = \"text\"",
        fix: "Add a key: `id = { type = \"uuid\", primary_key = true, default = \"gen_random_uuid()\" }`.",
    };
    pub fn missing_primary_key(table: &str, span: Span) -> Diagnostic {
        warning("W0001", format!("table `{table}` has no primary key"), span)
            .help("add `primary_key = true` to a column, or `primary_key = [\"a\", \"b\"]` to the table; rows cannot be updated or referenced reliably without one")
    }

    pub(super) const E0019: Explanation = Explanation {
        what: "A primary key declared twice, or over a nullable column.",
        mistake: "[tables.users]\nprimary_key = [\"id\"]\n[tables.users.columns]\nid = { type = \"uuid\", primary_key = true }",
        fix: "Declare it once; primary-key columns are NOT NULL (drop `nullable = true`).",
    };
    pub fn primary_key_twice(table: &str, span: Span, first: Span) -> Diagnostic {
        error("E0019", format!("table `{table}` declares its primary key twice"), span)
            .related(first, "first declared here")
            .help("for a composite key, list every column in the table's `primary_key = [...]` instead")
    }

    pub fn nullable_primary_key(column: &str, span: Span) -> Diagnostic {
        error("E0019", format!("primary key column `{column}` is nullable"), span)
            .help("remove `nullable = true`: PostgreSQL makes every primary key column NOT NULL")
    }

    pub(super) const E0020: Explanation = Explanation {
        what: "A `soft_delete` column that is missing or is not a nullable timestamp.",
        mistake: "[tables.users]\nsoft_delete = \"deleted\"   # a boolean column",
        fix: "Point it at a nullable `timestamptz` column such as `deleted_at`.",
    };
    pub fn invalid_soft_delete(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0020", format!("soft-delete column `{column}` {why}"), span)
            .help("point `soft_delete` at a nullable timestamp or timestamptz column, e.g. `deleted_at`")
    }

    pub(super) const E0023: Explanation = Explanation {
        what: "A `range` PostgreSQL could not check: bounds in the wrong order, not numbers, or on a column that is not numeric.",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", range = [10, 1] }",
        fix: "Write `[min, max]` with min not above max on a numeric column.",
    };
    pub fn invalid_range(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0023", format!("invalid `range` on `{column}`: {why}"), span)
            .help("write `range = [min, max]` with numbers, min <= max, on a numeric column")
    }

    pub(super) const E0024: Explanation = Explanation {
        what: "A text rule (`pattern`, `min_length`) on a column that is not text.",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", min_length = 1 }",
        fix: "Use `range` for numbers, or make the column text.",
    };
    pub fn rule_needs_text(rule: &str, column: &str, ty: &str, span: Span) -> Diagnostic {
        error("E0024", format!("`{rule}` on `{column}` needs a text column, but it is `{ty}`"), span)
            .help(format!("remove `{rule}` or make the column text, varchar(n) or char(n)"))
    }

    pub(super) const E0029: Explanation = Explanation {
        what: "A generated column with a default: PostgreSQL computes it, so it cannot have one.",
        mistake: "[tables.t.columns]\ntotal = { type = \"integer\", generated = \"a + b\", default = \"0\" }",
        fix: "Remove `default`.",
    };
    pub fn generated_with_default(column: &str, span: Span) -> Diagnostic {
        error("E0029", format!("column `{column}` is generated and also has a default"), span)
            .help("remove `default`: a generated column's value always comes from its expression")
    }

    pub(super) const E0043: Explanation = Explanation {
        what: "A `pattern` that the generated Rust's regex engine cannot compile.",
        mistake: "[tables.users.columns]\ncode = { type = \"text\", pattern = \"^(?<=a)b$\" }",
        fix: "Use a pattern both PostgreSQL and Rust's `regex` read (no look-around, no back-references).",
    };
    pub fn invalid_pattern(column: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.lines().last().unwrap_or(why).trim().trim_start_matches("error: ");
        error(
            "E0043",
            format!("pattern of `{column}` is not a regular expression the generated Rust accepts: {why}"),
            span,
        )
        .help("write it in the syntax PostgreSQL and Rust's regex crate share (no back-references or look-around)")
    }
}
