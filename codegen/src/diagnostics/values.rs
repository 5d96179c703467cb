//! Defaults and seed values judged against their column's type.

use super::{Diagnostic, Explanation, Span, error};

impl Diagnostic {
    pub(super) const E0050: Explanation = Explanation {
        what: "A default PostgreSQL would refuse for the column's type (read through the type's input function).",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", default = \"'zero'\" }",
        fix: "Give a value of the type (`default = \"0\"`); quote text (`\"'draft'\"`).",
    };
    pub fn default_does_not_fit(column: &str, default: &str, ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0050", format!("default {default} of column `{column}` ({ty}) {why}"), span)
            .help(format!("give a default PostgreSQL accepts for {ty}: quoted text is read by the type's input function ('42', '2026-01-01', '{{}}'), numbers and booleans need a cast to it"))
    }

    pub(super) const E0051: Explanation = Explanation {
        what: "A default or `set_on_update` that reads a column; PostgreSQL allows no column there.",
        mistake: "[tables.orders.columns]\nstatus = { type = \"text\", default = \"draft\" }   # a bare word is a column",
        fix: "Quote text: `default = \"'draft'\"`; for a value computed from other columns use `generated`.",
    };
    /// A default (or `set_on_update`) that reads a column: PostgreSQL refuses column references there.
    pub fn value_reads_column(key: &str, column: &str, name: &str, span: Span) -> Diagnostic {
        error(
            "E0051",
            format!("`{key}` of column `{column}` reads `{name}` as a column, which PostgreSQL does not allow here"),
            span,
        )
        .help(format!("to mean the text {name}, quote it as SQL text: {key} = \"'{name}'\""))
    }

    pub(super) const E0014: Explanation = Explanation {
        what: "A default that is not one of the union type's values.",
        mistake: "[tables.orders.columns]\nstatus = { type = \"order_status\", default = \"'archived'\" }",
        fix: "Use a listed value (`default = \"'pending'\"`) or add the value to the union type.",
    };
    pub fn enum_default_not_a_value(value: &str, enum_name: &str, values: &[String], span: Span) -> Diagnostic {
        let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        error("E0014", format!("default '{value}' is not a value of union type `{enum_name}`"), span)
            .suggest(value, values.iter().map(String::as_str), "")
            .or_help(format!("use one of {}", list.join(", ")))
    }

    pub(super) const E0040: Explanation = Explanation {
        what: "A seed row value PostgreSQL would refuse, or a value for a column it computes.",
        mistake: "[[tables.plans.rows]]\nid = 1\nname = 5   # name is text",
        fix: "Give each column a value of its type; leave out generated and identity-always columns.",
    };
    pub fn seed_value(table: &str, column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` {why}"), span)
            .help("give each row a value of the column's type: strings for text, dates, uuids and union types, numbers for numbers, true/false for booleans")
    }

    pub fn seed_value_computed(table: &str, column: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` is computed by PostgreSQL"), span).help(
            "a generated column and a GENERATED ALWAYS identity column take no value in an INSERT: leave it out of the row",
        )
    }
}
