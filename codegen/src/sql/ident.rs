//! Identifiers and literals, quoted exactly as PostgreSQL needs.

use std::borrow::Cow;

/// PostgreSQL 15's keywords that are not "unreserved" (`pg_get_keywords()` with catcode <> 'U'):
/// as identifiers they must be quoted. Sorted for binary search; a live test compares this with
/// the server's own `quote_ident`.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Of each letter, the run of `RESERVED` that starts with it: every name the renderer writes
/// is looked up, so the search covers a handful of words, not all of them.
const RUNS: [(usize, usize); 26] = {
    let mut runs = [(0, 0); 26];
    let mut i = 0;
    while i < RESERVED.len() {
        let letter = (RESERVED[i].as_bytes()[0] - b'a') as usize;
        if runs[letter].1 == 0 {
            runs[letter].0 = i;
        }
        runs[letter].1 = i + 1;
        i += 1;
    }
    runs
};

/// Whether `name`, lowercase, is one of `RESERVED`.
fn reserved(name: &str) -> bool {
    match name.as_bytes().first() {
        Some(first @ b'a'..=b'z') => {
            let (start, end) = RUNS[(first - b'a') as usize];
            RESERVED[start..end].binary_search(&name).is_ok()
        }
        _ => false,
    }
}

/// A plain word: ASCII letters, digits and underscores, not starting with a digit. What a
/// schema's name (a folder, a Rust module) and SQL words strata writes unquoted must be.
pub fn is_plain_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// PostgreSQL's own namespace, which every database has: never created or dropped by strata,
/// and the one names are written without a qualifier in.
pub const PUBLIC: &str = "public";

/// A name in a namespace, each part quoted on its own; names in `public` stay bare, as
/// PostgreSQL prints names visible on the default search path.
pub fn qualified(namespace: &str, name: &str) -> String {
    if namespace == PUBLIC { ident(name).into_owned() } else { format!("{}.{}", ident(namespace), ident(name)) }
}

/// Quotes `name` when PostgreSQL would otherwise fold, reject or misread it
/// (upper case, spaces, a leading digit, a reserved word), like `quote_ident`.
pub fn ident(name: &str) -> Cow<'_, str> {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        && !reserved(name);
    if plain { Cow::Borrowed(name) } else { Cow::Owned(format!("\"{}\"", name.replace('"', "\"\""))) }
}

/// A string literal: `'it''s'`. Backslashes need no escaping with standard_conforming_strings.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The words strata treats as reserved, for tests that compare with the server.
pub fn reserved_words() -> &'static [&'static str] {
    RESERVED
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_is_sorted() {
        assert!(super::RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_reserved_word_is_found_in_its_run() {
        assert!(super::RESERVED.iter().all(|w| super::reserved(w)));
        assert!(!super::reserved("name") && !super::reserved("_x") && !super::reserved(""));
    }
}
