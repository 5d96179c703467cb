//! SQL expressions: ones that do not parse, or read what their table lacks.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const E0013: Explanation = Explanation {
        what: "A SQL fragment that no reader can parse: a quote or parenthesis left open, a reserved word where a value is wanted.",
        mistake: "[tables.users.columns]\nname = { type = \"text\", check = \"length(name > 0\" }",
        fix: "Close what is open: `check = \"length(name) > 0\"`. Constructs only strata's parser lacks are W0007, a warning.",
    };
    pub fn invalid_expression(what: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.trim_start_matches("sql parser error: ");
        error("E0013", format!("{what} is not a valid SQL expression: {why}"), span)
            .help("write a PostgreSQL expression; string literals take single quotes, e.g. 'active'")
    }

    pub(super) const W0007: Explanation = Explanation {
        what: "An expression whole but with a construct strata's SQL parser cannot read: written as it is, judged by PostgreSQL when applied.",
        mistake: "check = \"x IS NOT DOCUMENT\"",
        fix: "Nothing to fix; `strata verify` proves it against a server.",
    };
    pub fn expression_unread(what: &str, construct: &str, span: Span) -> Diagnostic {
        warning("W0007", format!("{what} has `{construct}`, which strata's SQL parser cannot read"), span).help(
            "strata writes the expression as it is and PostgreSQL judges it when the schema is applied; \
             its columns are not checked and validate() leaves it to the database",
        )
    }

    pub(super) const E0036: Explanation = Explanation {
        what: "An expression reads a column its table does not have.",
        mistake: "[[tables.orders.checks]]\nname = \"positive\"\nexpr = \"totl > 0\"",
        fix: "Name a column of the table (`total`).",
    };
    pub fn expression_unknown_column(
        what: &str,
        table: &str,
        column: &str,
        candidates: &[&str],
        span: Span,
    ) -> Diagnostic {
        error("E0036", format!("{what} reads `{column}`, which table `{table}` does not have"), span).suggest(
            column,
            candidates.iter().copied(),
            "its columns",
        )
    }
}
