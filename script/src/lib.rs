//! SQL scripts as strata reads them, shared by the runtime (the migration runner, which
//! applications link) and the compiler (import, lint, the migration chain):
//!
//! - `pieces`: any script cut into statements as psql cuts it (`lex.rs`), so text inside quotes,
//!   dollar quotes and comments never ends a statement or starts one;
//! - `statements`: a file strata wrote (schema.sql, a migration's up or down), each statement under
//!   its `-- Description` header, those marked `-- strata:no-transaction` to run alone;
//! - the markers of that format, written by the compiler and read by the runner;
//! - `groups` and `batches`: the statements that share a transaction;
//! - `folder`: the migration folder (`NNNN_name`, its files, their checksums).

pub mod folder;
mod lex;

pub use lex::{Error, Piece, pieces, words};

/// The migrations a squashed migration's up.sql says it replaced (`SQUASHES`), as (version, name).
pub fn squashes(up: &str) -> Vec<(i64, String)> {
    let listed = setting(up, SQUASHES).unwrap_or_default().split_whitespace();
    listed.filter_map(|d| folder::parse_dir(d).map(|(v, n)| (v, n.to_string()))).collect()
}

/// The line that marks a statement to run outside a transaction, under its header:
/// `CREATE INDEX CONCURRENTLY` cannot run in a transaction, and a value added by
/// `ALTER TYPE ... ADD VALUE` cannot be used before it is committed (SQLSTATE 55P04).
pub const NO_TRANSACTION: &str = "-- strata:no-transaction";

/// The lines under a migration's title that set its own `lock_timeout` and `statement_timeout`
/// in whole milliseconds (`strata generate --lock-timeout`).
pub const LOCK_TIMEOUT: &str = "-- strata:lock-timeout-ms";
pub const STATEMENT_TIMEOUT: &str = "-- strata:statement-timeout-ms";

/// The line under a squashed migration's title naming the migrations it replaced
/// (`-- strata:squashes 0001_init 0002_add_tags`): a database that ran them has run it.
pub const SQUASHES: &str = "-- strata:squashes";

/// One statement of a file strata wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The 1-based line of the script it starts on.
    pub line: usize,
    /// Its header, without the `-- `.
    pub header: &'a str,
    /// The statement without its last `;` (one, or a few that belong together: those with no
    /// comment line between them).
    pub sql: &'a str,
    /// Whether it may share a transaction with its neighbours.
    pub transaction: bool,
}

/// The statements of `script`, in order, each with the header in the comment lines just above
/// it (the last block of them, after any blank line). Headers are read only between statements,
/// never inside one; `Err` where the script does not cut (a quote never closed) or holds a psql
/// meta-command, which only psql can run.
pub fn statements(script: &str) -> Result<Vec<Statement<'_>>, Error> {
    let mut out: Vec<Statement<'_>> = Vec::new();
    let mut end = 0;
    for piece in pieces(script)? {
        let (line, text) = match piece {
            Piece::Statement { line, text } => (line, text),
            Piece::Meta { line, text } => {
                return Err(Error { line, message: format!("`{text}` is a psql meta-command, not SQL") });
            }
        };
        let at = offset(script, text);
        let comments = comment_block(&script[end..at]);
        end = at + text.len();
        match out.last_mut() {
            Some(previous) if comments.is_empty() => {
                previous.sql = &script[offset(script, previous.sql)..end];
                continue;
            }
            _ => {}
        }
        let marker = &NO_TRANSACTION["-- ".len()..];
        let header = comments.iter().find(|c| !c.starts_with("strata:") && !c.starts_with('@')).copied().unwrap_or("");
        out.push(Statement { line, header, sql: text, transaction: !comments.contains(&marker) });
    }
    Ok(out)
}

/// `statements` cut where transactions must end: each run of statements that may share a
/// transaction, and each statement marked to run alone by itself.
pub fn groups<'s, 'a>(statements: &'s [Statement<'a>]) -> Vec<&'s [Statement<'a>]> {
    batches(statements, usize::MAX)
}

/// `groups`, with no group longer than `most` statements.
pub fn batches<'s, 'a>(statements: &'s [Statement<'a>], most: usize) -> Vec<&'s [Statement<'a>]> {
    let mut groups = Vec::new();
    let mut rest = statements;
    while let Some(first) = rest.first() {
        let n = if first.transaction { rest.iter().position(|s| !s.transaction).unwrap_or(rest.len()) } else { 1 };
        let (group, after) = rest.split_at(n.min(most.max(1)));
        groups.push(group);
        rest = after;
    }
    groups
}

/// The value of a `key value` line in the script's header (the comment lines above its first
/// statement), such as `LOCK_TIMEOUT`.
pub fn setting<'s>(script: &'s str, key: &str) -> Option<&'s str> {
    let header = script.lines().take_while(|l| l.starts_with("-- "));
    header.filter_map(|l| l.strip_prefix(key)?.strip_prefix(' ')).map(str::trim).next()
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// The `--` comments of the last block of comment lines in `gap` (the text between two
/// statements), without their `-- `; a blank line or other text starts a new block.
fn comment_block(gap: &str) -> Vec<&str> {
    let mut block = Vec::new();
    let mut broken = false;
    for line in gap.lines().map(str::trim) {
        match line.strip_prefix("--") {
            Some(comment) => {
                if std::mem::take(&mut broken) {
                    block.clear();
                }
                block.push(comment.strip_prefix(' ').unwrap_or(comment).trim_end());
            }
            None => broken = true,
        }
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_carry_their_line_header_and_transaction() {
        let script = "-- @generated by strata. Do not edit.\n-- title\n\n-- CreateTable a\nCREATE TABLE a (\n    id int\n);\n\n\
                      -- CreateIndex i ON a\n-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n\n-- Comment a\nCOMMENT ON TABLE a IS 'x';\n";
        let found = statements(script).unwrap();
        let brief: Vec<(usize, &str, bool)> = found.iter().map(|s| (s.line, s.header, s.transaction)).collect();
        assert_eq!(brief, [(5, "CreateTable a", true), (11, "CreateIndex i ON a", false), (14, "Comment a", true)]);
        assert_eq!(found[1].sql, "CREATE INDEX CONCURRENTLY i ON a (id)");
    }

    #[test]
    fn comment_lines_inside_quotes_are_not_headers() {
        let script = "-- Comment a\nCOMMENT ON TABLE a IS 'harmless looking\n-- note';\n\n\
                      -- Comment a.b\nCOMMENT ON COLUMN a.b IS '; CREATE TABLE pwned (); --';\n\n\
                      -- CreateFunction f\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n-- strata:no-transaction\nRETURN 1;\nEND $$;\n";
        let found = statements(script).unwrap();
        let headers: Vec<&str> = found.iter().map(|s| s.header).collect();
        assert_eq!(headers, ["Comment a", "Comment a.b", "CreateFunction f"]);
        assert!(found.iter().all(|s| s.transaction));
        assert_eq!(found[1].sql, "COMMENT ON COLUMN a.b IS '; CREATE TABLE pwned (); --'");
        assert!(found[2].sql.ends_with("END $$"));
    }

    #[test]
    fn statements_without_a_header_between_them_belong_together() {
        let script = "SELECT 0;\n\n-- Two\nSELECT 1;\nSELECT 2; -- trailing\n\n-- Three\nSELECT 3;";
        let found = statements(script).unwrap();
        let brief: Vec<(&str, &str)> = found.iter().map(|s| (s.header, s.sql)).collect();
        assert_eq!(brief, [("", "SELECT 0"), ("Two", "SELECT 1;\nSELECT 2"), ("Three", "SELECT 3")]);
    }

    #[test]
    fn a_meta_command_or_an_open_quote_is_refused_at_its_line() {
        assert_eq!(statements("SELECT 1;\n\\connect other\n").unwrap_err().line, 2);
        assert_eq!(statements("-- a\nSELECT 'x;\n").unwrap_err().line, 2);
    }
}
