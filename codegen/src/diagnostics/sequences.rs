//! Sequences and identity columns.

use super::{Diagnostic, Explanation, Span, error};

impl Diagnostic {
    pub(super) const E0059: Explanation = Explanation {
        what: "Sequence options that contradict each other (start outside min..max, increment 0, a bound past the type).",
        mistake: "[sequences.ticket]\nas = \"smallint\"\nmax = 100000",
        fix: "Give options within the type and each other.",
    };
    /// PostgreSQL's own reason (`MINVALUE (10) must be less than MAXVALUE (5)`) for refusing
    /// the options of a sequence or identity column.
    pub fn invalid_sequence_options(what: &str, why: &str, span: Span) -> Diagnostic {
        error("E0059", format!("{what}: {why}"), span).help(
            "PostgreSQL fills in what is left out: min 1 and max the type's largest value when counting up, \
             max -1 and min the type's smallest when counting down, start at min (up) or max (down), cache 1",
        )
    }

    pub(super) const E0060: Explanation = Explanation {
        what: "An identity column PostgreSQL would refuse (not an integer type, or with a default).",
        mistake: "[tables.t.columns]\nid = { type = \"uuid\", identity = \"always\" }",
        fix: "Use smallint, integer or bigint without `default`.",
    };
    pub fn invalid_identity(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0060", format!("identity column `{column}` {why}"), span).help(
            "an identity column is a NOT NULL smallint, integer or bigint whose values come from its own sequence: \
             drop `default`, `generated` and `nullable`, or drop `identity`",
        )
    }

    pub(super) const E0061: Explanation = Explanation {
        what: "A sequence owned by a table in another namespace, which PostgreSQL refuses.",
        mistake: "[sequences.\"billing.seq\"]\nowned_by = \"orders.id\"",
        fix: "Put both in one namespace.",
    };
    pub fn sequence_owner_elsewhere(sequence: &str, table: &str, span: Span) -> Diagnostic {
        error("E0061", format!("sequence `{sequence}` is owned by `{table}`, in another namespace"), span)
            .help("PostgreSQL links a sequence only to a table of its own namespace: move one of them")
    }
}
