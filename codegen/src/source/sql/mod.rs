//! The offline SQL source (`strata import --offline`): a DDL script read by sqlparser into the
//! model, without a server.
//!
//! sqlparser does not read all that PostgreSQL does (on real dumps it rejects `ATTACH
//! PARTITION`, `ALTER INDEX ... ATTACH`, most sequence options, `COMMENT ON FUNCTION`,
//! `CREATE AGGREGATE`), and this source reads a subset of the kinds the model has. Every
//! statement it cannot read is reported with its line and why, never dropped: the import then
//! writes nothing, and the default import (PostgreSQL as the parser) is the way to read it.

mod read;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};

use crate::model::Schema;
use strata_script::{self as script, Piece};

/// A statement this source could not read: where it is (1-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

/// The schema `sql` declares, named `name`, with unqualified names in `namespace`; or every
/// statement that could not be read.
pub fn import(name: &str, namespace: &str, sql: &str) -> Result<Schema, Vec<Unread>> {
    let pieces = script::pieces(sql).map_err(|e| vec![Unread { line: e.line, column: 1, reason: e.message }])?;
    let mut reader = read::Reader::new(name, namespace);
    let mut unread = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Meta { text, .. } if text.starts_with("\\restrict") || text.starts_with("\\unrestrict") => {}
            Piece::Meta { line, text } => unread.push(Unread {
                line,
                column: 1,
                reason: format!("`{text}` is a psql meta-command, not SQL: remove it"),
            }),
            Piece::Statement { line, text } => match Parser::parse_sql(&PostgreSqlDialect {}, text) {
                Err(e) => unread.push(parse_error(line, &e)),
                Ok(statements) => {
                    for statement in &statements {
                        if let Err(reason) = reader.statement(statement) {
                            unread.push(Unread { line, column: 1, reason });
                        }
                    }
                }
            },
        }
    }
    if unread.is_empty() { Ok(reader.finish()) } else { Err(unread) }
}

/// sqlparser's error, placed in the script: its message ends with `at Line: L, Column: C`,
/// counted from the statement's start.
fn parse_error(start: usize, e: &ParserError) -> Unread {
    let message = match e {
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
        ParserError::RecursionLimitExceeded => "nested too deeply".to_string(),
    };
    let (message, at) = match message.rsplit_once(" at Line: ") {
        Some((message, at)) => (message.to_string(), at.split_once(", Column: ")),
        None => (message, None),
    };
    let (line, column) = at.and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse().ok()?))).unwrap_or((1, 1));
    Unread { line: start + line.saturating_sub(1), column, reason: format!("sqlparser cannot read it: {message}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cannot_be_read_is_reported_at_its_line() {
        let sql = "CREATE TABLE a (id int);\n\nCREATE AGGREGATE total(numeric) (\n  SFUNC = numeric_add,\n  STYPE = numeric\n);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n";
        let unread = import("s", "public", sql).unwrap_err();
        assert_eq!(unread.len(), 2, "{unread:?}");
        assert_eq!((unread[0].line, unread[0].column), (3, 8));
        assert!(unread[0].reason.contains("AGGREGATE"), "{}", unread[0].reason);
        assert_eq!(unread[1].line, 7);
        assert!(unread[1].reason.contains("CREATE FUNCTION"), "{}", unread[1].reason);
    }

    #[test]
    fn a_search_path_elsewhere_is_reported() {
        let read = |sql: &str| import("s", "public", sql).map(|_| ()).map_err(|u| u[0].reason.clone());
        assert_eq!(read("SET search_path = public;\nCREATE TABLE a (id int);"), Ok(()));
        assert_eq!(read("SET search_path TO \"$user\", public;\nCREATE TABLE a (id int);"), Ok(()));
        assert_eq!(read("SELECT pg_catalog.set_config('search_path', '', false);"), Ok(()));
        let elsewhere = read("SET search_path TO app, public;\nCREATE TABLE a (id int);").unwrap_err();
        assert!(elsewhere.contains("--namespace app"), "{elsewhere}");
        let config = read("SELECT pg_catalog.set_config('search_path', 'app', false);").unwrap_err();
        assert!(config.contains("`app`"), "{config}");
    }

    #[test]
    fn an_open_quote_is_reported_at_its_line() {
        let unread = import("s", "public", "CREATE TABLE a (id int);\nSELECT 'open\n").unwrap_err();
        assert_eq!(unread[0].line, 2, "{unread:?}");
    }
}
