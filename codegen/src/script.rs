//! A SQL script as psql reads it (`strata import`): its statements, each with the line it starts
//! on, and psql's meta-commands (`\restrict`, `\connect`, ...), which are not SQL.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

/// One piece of a script, with the 1-based line it starts on.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A statement, without its `;`.
    Statement { line: usize, text: &'a str },
    /// A psql meta-command: a line starting with `\` between statements.
    Meta { line: usize, text: &'a str },
}

/// The script cut at each `;` outside quotes, dollar quotes, comments and SQL-standard routine
/// bodies (`BEGIN ATOMIC ... END`); `Err` with the line when it does not tokenize (a quote left
/// open).
pub fn pieces(sql: &str) -> Result<Vec<Piece<'_>>, String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .map_err(|e| format!("line {}: {}", e.location.line, e.message))?;
    let lines: Vec<usize> = std::iter::once(0).chain(sql.match_indices('\n').map(|(i, _)| i + 1)).collect();
    // Byte offset of a (1-based line, 1-based character column) location.
    let offset = |line: u64, column: u64| {
        let start = lines.get(line.saturating_sub(1) as usize).copied().unwrap_or(sql.len());
        let skip = column.saturating_sub(1) as usize;
        start + sql[start..].char_indices().nth(skip).map_or(sql.len() - start, |(i, _)| i)
    };
    let mut pieces = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (offset, line) of the statement being read
    let mut depth = 0usize; // BEGIN ATOMIC ... END, and CASE ... END inside one
    let mut previous_word = String::new();
    let mut meta_until: Option<usize> = None;
    for t in &tokens {
        let at = offset(t.span.start.line, t.span.start.column);
        if meta_until.is_some_and(|end| at < end) {
            continue;
        }
        meta_until = None;
        match &t.token {
            Token::Whitespace(Whitespace::Space | Whitespace::Tab | Whitespace::Newline) => continue,
            Token::Whitespace(_) if start.is_none() => continue,
            Token::Backslash if start.is_none() => {
                let end = sql[at..].find('\n').map_or(sql.len(), |i| at + i);
                pieces.push(Piece::Meta { line: t.span.start.line as usize, text: sql[at..end].trim_end() });
                meta_until = Some(end);
                continue;
            }
            Token::SemiColon if depth == 0 => {
                if let Some((from, line)) = start.take() {
                    pieces.push(Piece::Statement { line, text: sql[from..at].trim_end() });
                }
                continue;
            }
            Token::Word(w) => {
                let word = w.value.to_ascii_uppercase();
                if word == "ATOMIC" && previous_word == "BEGIN" || depth > 0 && word == "CASE" {
                    depth += 1;
                } else if word == "END" && depth > 0 {
                    depth -= 1;
                }
                previous_word = word;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some((at, t.span.start.line as usize));
        }
    }
    if let Some((from, line)) = start {
        pieces.push(Piece::Statement { line, text: sql[from..].trim_end() });
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_meta_commands_and_bodies() {
        let sql = "\\restrict abc\nSET x = 1;\n-- a comment; with a semicolon\nCREATE FUNCTION f() RETURNS int\n    LANGUAGE sql AS $$ SELECT 1; $$;\n\nCREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\nEND;\nSELECT 'a;b'";
        let pieces = pieces(sql).unwrap();
        let starts: Vec<(usize, &str)> = pieces
            .iter()
            .map(|p| match p {
                Piece::Statement { line, text } | Piece::Meta { line, text } => (*line, &text[..text.len().min(14)]),
            })
            .collect();
        assert_eq!(
            starts,
            [
                (1, "\\restrict abc"),
                (2, "SET x = 1"),
                (4, "CREATE FUNCTIO"),
                (7, "CREATE FUNCTIO"),
                (11, "SELECT 'a;b'")
            ]
        );
        assert!(matches!(pieces[3], Piece::Statement { text, .. } if text.ends_with("END")));
        assert!(super::pieces("SELECT 'open").is_err());
    }
}
