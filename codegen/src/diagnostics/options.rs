//! Raw fragments and storage or view options that do not fit their object.

use super::{Diagnostic, Explanation, Span, error};

impl Diagnostic {
    pub(super) const E0052: Explanation = Explanation {
        what: "A SQL fragment of the wrong form for its key (a name where an expression list is wanted, and so on).",
        mistake: "[[tables.t.indexes]]\ncolumns = [\"lower(name\"]",
        fix: "Write what the message expects; docs/format.md shows each key's form.",
    };
    /// A raw SQL fragment that is not what its key must hold: written as given, it could run more.
    pub fn invalid_fragment(what: &str, key: &str, fragment: &str, expected: &str, span: Span) -> Diagnostic {
        error("E0052", format!("`{key}` of {what} is not {expected}: `{}`", fragment.escape_debug()), span)
            .help(format!("write `{key}` as {expected}; strata writes it into the SQL as given"))
    }

    pub(super) const E0054: Explanation = Explanation {
        what: "An option that does not fit the object it is on.",
        mistake: "[tables.events]   # partitioned\nwith = { fillfactor = 70 }",
        fix: "Move or remove the option; the message says why it does not fit.",
    };
    pub fn invalid_option(what: &str, key: &str, why: &str, span: Span) -> Diagnostic {
        error("E0054", format!("`{key}` of {what}: {why}"), span)
            .help(format!("change or remove `{key}` (docs/format.md lists what each object takes)"))
    }

    pub(super) const E0055: Explanation = Explanation {
        what: "An option name PostgreSQL does not know for that object.",
        mistake: "[tables.t]\nwith = { fill_factor = 70 }",
        fix: "Use PostgreSQL's name (`fillfactor`).",
    };
    pub fn unknown_option(what: &str, name: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0055", format!("{what} has the option `{name}`, which PostgreSQL does not know there"), span)
            .suggest(name, allowed.iter().copied(), "the options")
            .or_help("see docs/format.md for the options each object takes")
    }
}
