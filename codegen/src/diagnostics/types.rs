//! Column types, shapes, union types and the types a schema declares.

use super::{Diagnostic, Explanation, Span, error};

impl Diagnostic {
    pub(super) const E0046: Explanation = Explanation {
        what: "A column names a shape that is not declared.",
        mistake: "[tables.kpis.columns]\nmetrics = { type = \"jsonb\", shape = \"metric\" }",
        fix: "Declare `[shapes.metric]` or name a declared shape.",
    };
    pub fn unknown_shape(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0046", format!("unknown shape `{name}`"), span).suggest(name, candidates.iter().copied(), "").or_help(
            "declare it under [shapes], or use integer, number, string, boolean, list<T>, map<T> or a union type",
        )
    }

    pub(super) const E0048: Explanation = Explanation {
        what: "A shape field's default that is not a value of its type.",
        mistake: "[shapes.metrics.fields]\ncount = { type = \"integer\", default = \"many\" }",
        fix: "Give a value of the field's type (`default = 0`).",
    };
    pub fn invalid_shape_default(field: &str, default: &str, span: Span) -> Diagnostic {
        error("E0048", format!("default {default} of field `{field}` is not a value of its type"), span)
            .help("give a default of the field's type (a whole number for integer, a quoted string for string, ...)")
    }

    pub(super) const E0047: Explanation = Explanation {
        what: "A shape on a column that is not json or jsonb.",
        mistake: "[tables.kpis.columns]\nmetrics = { type = \"text\", shape = \"metrics\" }",
        fix: "Make the column `jsonb`.",
    };
    pub fn shape_needs_json(column: &str, span: Span) -> Diagnostic {
        error("E0047", format!("column `{column}` has a shape but is not json or jsonb"), span)
            .help("give the column `type = \"jsonb\"`, or remove `shape`")
    }

    pub(super) const E0005: Explanation = Explanation {
        what: "A column type strata does not know: a typo, or a type of an extension or a declaration that is missing.",
        mistake: "[tables.users.columns]\nage = \"integr\"",
        fix: "Use a PostgreSQL type (`integer`), a declared union type, domain, composite or range type, or declare the extension that provides it.",
    };
    pub fn unknown_type(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        let base = ty.split(['(', '[']).next().unwrap_or(ty).trim();
        error("E0005", format!("unknown column type `{ty}`"), span)
            .suggest(base, candidates.iter().copied(), "")
            .or_help("use a PostgreSQL type (uuid, text, varchar(n), integer, timestamptz, jsonb, …) or declare a union type under [enums] or a domain under [domains]")
    }

    pub(super) const E0006: Explanation = Explanation {
        what: "A known type written with arguments it cannot take (`varchar(0)`, `numeric(2,5)`).",
        mistake: "[tables.items.columns]\nprice = \"numeric(2,5)\"",
        fix: "Give arguments PostgreSQL accepts: `numeric(7,2)`: precision from 1 to 1000, scale not above it.",
    };
    pub fn invalid_type(ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0006", format!("invalid type `{ty}`: {why}"), span)
            .help("PostgreSQL accepts varchar(n) with n from 1 to 10485760 and numeric(p,s) with 1 <= p <= 1000 and 0 <= s <= p")
    }

    pub(super) const E0018: Explanation = Explanation {
        what: "A type that needs an extension the schema does not declare.",
        mistake: "[tables.docs.columns]\nembedding = \"vector(1536)\"",
        fix: "Add the extension: `[schema] extensions = [\"vector\"]`.",
    };
    pub fn extension_not_declared(ty: &str, extension: &str, span: Span) -> Diagnostic {
        error("E0018", format!("type `{ty}` needs extension `{extension}`, which is not declared"), span)
            .help(format!("add \"{extension}\" to `extensions` in [schema]"))
    }

    pub(super) const E0025: Explanation = Explanation {
        what: "A union type lists a value twice.",
        mistake: "[enums.status]\nvalues = [\"open\", \"open\"]",
        fix: "List each value once.",
    };
    pub fn duplicate_enum_value(value: &str, span: Span) -> Diagnostic {
        error("E0025", format!("value '{value}' is listed twice"), span).help("remove the repeated value")
    }

    pub(super) const E0070: Explanation = Explanation {
        what: "A composite or domain type that contains itself.",
        mistake: "[composites.node.fields]\nnext = \"node\"",
        fix: "Break the cycle (a key to a table instead).",
    };
    pub fn type_contains_itself(name: &str, path: &str, span: Span) -> Diagnostic {
        error("E0070", format!("type `{name}` contains itself ({path})"), span)
            .help("PostgreSQL cannot create a type that holds a value of its own type: use an array of another type, or a table with a foreign key")
    }
}
