//! The schema files themselves: TOML syntax, keys and value types, mixins, the `[schema]` section, the Rust source.

use super::{Diagnostic, Explanation, Severity, Span, error};

impl Diagnostic {
    pub(super) const E0001: Explanation = Explanation {
        what: "A schema file is not valid TOML.",
        mistake: "[tables.users.columns]\nid = { type = \"uuid\", primary_key = true",
        fix: "Close the inline table: `id = { type = \"uuid\", primary_key = true }`. Only the first syntax error of a file is reported; fix it and run again.",
    };
    pub fn toml_syntax(message: &str, span: Span) -> Diagnostic {
        let message = message.trim().trim_end_matches('.').to_string();
        error("E0001", format!("invalid TOML: {message}"), span).help("fix the TOML syntax at this position")
    }

    /// An inline table whose `}` is missing: reported once, where it starts.
    pub fn unclosed_inline_table(open: Span, noticed: Span) -> Diagnostic {
        error("E0001", "invalid TOML: this inline table is not closed".to_string(), open)
            .related(noticed, "the parser noticed here")
            .help("add `}` at the end of the inline table (an inline table ends on the line it starts)")
    }

    pub(super) const E0053: Explanation = Explanation {
        what: "Text holding a NUL character, which PostgreSQL text cannot hold.",
        mistake: "doc = \"a\\u0000b\"",
        fix: "Remove the \\u0000.",
    };
    pub fn nul_in_text(key: &str, span: Span) -> Diagnostic {
        error("E0053", format!("`{key}` holds a NUL character"), span)
            .help("remove the \\u0000: PostgreSQL text cannot hold NUL")
    }

    pub(super) const E0045: Explanation = Explanation {
        what: "A Rust schema source that is not valid Rust or has a `#[strata(...)]` attribute strata cannot read.",
        mistake: "#[strata(primary_kye)]\nid: Uuid,",
        fix: "Fix the attribute (`#[strata(primary_key)]`); the message points at it.",
    };
    /// A Rust schema source that is not valid Rust, or a `#[strata(...)]` attribute strata cannot read.
    pub fn rust_source(message: &str, span: Span) -> Diagnostic {
        error("E0045", format!("invalid Rust schema source: {message}"), span)
            .help("tables are structs with #[derive(strata::Table)] and #[strata(key = value, ...)] attributes (docs/format.md)")
    }

    pub(super) const E0002: Explanation = Explanation {
        what: "A key that the section does not take: a typo, or a key of another section.",
        mistake: "[tables.users.columns]\nemail = { type = \"text\", nulable = true }",
        fix: "Use the key the help names (`nullable = true`); docs/format.md lists every section's keys, and editors using docs/strata.schema.json complete them.",
    };
    pub fn unknown_key(key: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0002", format!("unknown key `{key}`"), span).suggest(key, allowed.iter().copied(), "the allowed keys")
    }

    pub(super) const E0003: Explanation = Explanation {
        what: "A value of the wrong kind: a string where a list is wanted, a number where a boolean is.",
        mistake: "[tables.users]\nprimary_key = \"id\"",
        fix: "Write the kind the message names: `primary_key = [\"id\"]`, or `primary_key = true` on the column.",
    };
    pub fn wrong_value_type(key: &str, expected: &str, found: &str, span: Span) -> Diagnostic {
        error("E0003", format!("`{key}` must be {expected}, found {found}"), span)
    }

    /// A TOML number or boolean where SQL text is expected (`default = 0`): say how to write it.
    pub fn sql_not_a_string(key: &str, found: &str, value: &str, span: Span) -> Diagnostic {
        Diagnostic::wrong_value_type(key, "a string", found, span)
            .help(format!("`{key}` holds SQL, written as a TOML string: `{key} = \"{value}\"`"))
    }

    pub(super) const E0004: Explanation = Explanation {
        what: "A required key is missing.",
        mistake: "[enums.status]\ndoc = \"Order states\"",
        fix: "Add it: a union type needs `values = [\"open\", \"closed\"]`.",
    };
    pub fn missing_key(key: &str, within: &str, span: Span) -> Diagnostic {
        error("E0004", format!("{within} has no `{key}`"), span).help(format!("add `{key} = …` to {within}"))
    }

    pub(super) const E0015: Explanation = Explanation {
        what: "A mixin that is not declared.",
        mistake: "[tables.users]\nmixins = [\"timestamp\"]",
        fix: "Declare `[mixins.timestamp]` or name a declared one (`timestamps`).",
    };
    pub fn unknown_mixin(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0015", format!("mixin `{name}` is not declared"), span)
            .suggest(name, candidates.iter().copied(), "the declared mixins")
            .or_help("declare it under [mixins] or remove it from `mixins`")
    }

    pub(super) const E0016: Explanation = Explanation {
        what: "Mixins that include each other in a cycle.",
        mistake: "[mixins.a]\nmixins = [\"b\"]\n[mixins.b]\nmixins = [\"a\"]",
        fix: "Remove one inclusion so the chain ends.",
    };
    pub fn mixin_cycle(chain: &[String], span: Span) -> Diagnostic {
        error("E0016", format!("mixins include each other in a cycle: {}", chain.join(" -> ")), span)
            .help("remove one of the `mixins` entries so the chain ends")
    }

    pub(super) const E0017: Explanation = Explanation {
        what: "A value outside the set a key takes.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", references = \"users.id\", on_delete = \"delete\" }",
        fix: "Use one of the values the help lists (`cascade`).",
    };
    pub fn invalid_value(key: &str, got: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0017", format!("`{got}` is not a valid `{key}`"), span).suggest(
            got,
            allowed.iter().copied(),
            "the allowed values",
        )
    }

    pub(super) const E0022: Explanation = Explanation {
        what: "A list that must not be empty is empty.",
        mistake: "[enums.status]\nvalues = []",
        fix: "Give it at least one element.",
    };
    pub fn empty_list(key: &str, span: Span) -> Diagnostic {
        error("E0022", format!("`{key}` is empty"), span).help(format!("list at least one item in `{key}`"))
    }

    pub(super) const E0026: Explanation = Explanation {
        what: "No file of the folder has a `[schema]` section with a `name`.",
        mistake: "# schema/shop/tables.toml holds only [tables...]",
        fix: "Add `[schema]\\nname = \"shop\"` to one file of the folder.",
    };
    pub fn missing_schema_section(span: Span) -> Diagnostic {
        error("E0026", "no [schema] section with a `name`".to_string(), span)
            .help("add `[schema]` with `name = \"…\"` to one file of the folder")
    }

    pub(super) const E0028: Explanation = Explanation {
        what: "A schema folder with no .toml files.",
        mistake: "schema/shop/ is empty",
        fix: "Add the schema's files, or remove the folder (`strata init` writes an example).",
    };
    pub fn no_schema_files(folder: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: "E0028",
            message: format!("no .toml files in `{folder}`"),
            span: None,
            related: None,
            help: Some("put the schema definition in one or more .toml files in this folder".into()),
        }
    }
}
