//! A SQL script cut into statements the way psql cuts it (PostgreSQL's `psqlscan.l`): at each
//! `;` outside quoted strings and identifiers, dollar quotes, comments (`/* */` nest), parentheses
//! and the `BEGIN ... END` body of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE`. Only what decides
//! where a statement ends is lexed; PostgreSQL reads the rest. `standard_conforming_strings` is
//! on (PostgreSQL's default since 9.1): a backslash escapes only in `E'...'`.

use std::fmt;

/// One piece of a script, with the 1-based line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A statement, without its `;` and the comments before it.
    Statement { line: usize, text: &'a str },
    /// A psql meta-command: a line starting with `\` between statements.
    Meta { line: usize, text: &'a str },
}

/// Why a script does not cut into statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The 1-based line of what is wrong (where a quote that is never closed opens).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for Error {}

/// The pieces of `sql`, in order; `Err` at the line where a quote, dollar quote or comment
/// opens that is never closed (psql would wait for more input).
pub fn pieces(sql: &str) -> Result<Vec<Piece<'_>>, Error> {
    let mut lexer = Lexer::new(sql);
    let mut pieces = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (offset, line) of the statement being read
    let mut depth = Depth::default();
    while let Some(token) = lexer.next() {
        let token = token?;
        match token.kind {
            Kind::Comment => continue,
            Kind::Backslash if start.is_none() => {
                let end = sql[token.at..].find('\n').map_or(sql.len(), |i| token.at + i);
                pieces.push(Piece::Meta { line: token.line, text: sql[token.at..end].trim_end() });
                lexer.skip_to(end);
                continue;
            }
            Kind::Semicolon if depth.ends_statement() => {
                if let Some((from, line)) = start.take() {
                    pieces.push(Piece::Statement { line, text: sql[from..token.at].trim_end() });
                }
                depth = Depth::default();
                continue;
            }
            _ => depth.see(&token),
        }
        start.get_or_insert((token.at, token.line));
    }
    if let Some((from, line)) = start {
        pieces.push(Piece::Statement { line, text: sql[from..].trim_end() });
    }
    Ok(pieces)
}

/// The words of `statement` (keywords and unquoted identifiers, as written), leaving out those
/// in comments, quoted strings, quoted identifiers and dollar quotes.
pub fn words(statement: &str) -> impl Iterator<Item = &str> {
    Lexer::new(statement).map_while(Result::ok).filter(|t| t.kind == Kind::Word).map(|t| t.text)
}

/// What keeps a `;` from ending a statement, as psql tracks it: open parentheses, and the
/// `BEGIN ... END` nesting of a routine's body (a CASE inside it ends with END too), counted only
/// in a statement that starts `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
#[derive(Default)]
struct Depth {
    parens: usize,
    begins: usize,
    /// The first letters of the statement's first four words, where they are CREATE, OR,
    /// REPLACE, FUNCTION or PROCEDURE (0 otherwise).
    leading: [u8; 4],
    words: usize,
}

impl Depth {
    fn ends_statement(&self) -> bool {
        self.parens == 0 && self.begins == 0
    }

    fn see(&mut self, token: &Token<'_>) {
        match token.kind {
            Kind::Open => self.parens += 1,
            Kind::Close => self.parens = self.parens.saturating_sub(1),
            Kind::Word => self.word(token.text),
            _ => {}
        }
    }

    fn word(&mut self, word: &str) {
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        if self.words < self.leading.len() && ["create", "or", "replace", "function", "procedure"].iter().any(|w| is(w))
        {
            self.leading[self.words] = word.as_bytes()[0].to_ascii_lowercase();
        }
        self.words += 1;
        let routine = matches!(self.leading, [b'c', b'f' | b'p', ..] | [b'c', b'o', b'r', b'f' | b'p']);
        if !routine || self.parens > 0 {
            return;
        }
        if is("begin") || is("case") && self.begins > 0 {
            self.begins += 1;
        } else if is("end") {
            self.begins = self.begins.saturating_sub(1);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Semicolon,
    Open,
    Close,
    Backslash,
    Comment,
    /// Anything else: quoted text, numbers, operators, parameters.
    Other,
}

struct Token<'a> {
    kind: Kind,
    /// Byte offset in the script, and the 1-based line there.
    at: usize,
    line: usize,
    text: &'a str,
}

struct Lexer<'a> {
    sql: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lexer<'a> {
    fn new(sql: &'a str) -> Self {
        Lexer { sql, pos: 0, line: 1 }
    }

    fn skip_to(&mut self, end: usize) {
        self.line += self.sql.as_bytes()[self.pos..end].iter().filter(|&&b| b == b'\n').count();
        self.pos = end;
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.sql.as_bytes().get(at).copied()
    }

    /// The end of the token starting at `at`, and its kind.
    fn token_end(&self, at: usize) -> Result<(usize, Kind), Error> {
        let bytes = self.sql.as_bytes();
        let unclosed = |what: &str| Error { line: self.line, message: format!("{what} is not closed") };
        let next = self.byte(at + 1);
        Ok(match bytes[at] {
            b'-' if next == Some(b'-') => (self.sql[at..].find('\n').map_or(bytes.len(), |i| at + i), Kind::Comment),
            b'/' if next == Some(b'*') => {
                let (mut depth, mut i) = (1, at + 2);
                while depth > 0 {
                    match (self.byte(i), self.byte(i + 1)) {
                        (None, _) => return Err(unclosed("a /* comment")),
                        (Some(b'/'), Some(b'*')) => (depth, i) = (depth + 1, i + 2),
                        (Some(b'*'), Some(b'/')) => (depth, i) = (depth - 1, i + 2),
                        _ => i += 1,
                    }
                }
                (i, Kind::Comment)
            }
            b'\'' => (self.quoted(at, b'\'', false).ok_or_else(|| unclosed("a quoted string"))?, Kind::Other),
            b'"' => (self.quoted(at, b'"', false).ok_or_else(|| unclosed("a quoted identifier"))?, Kind::Other),
            b'$' if next.is_some_and(|b| b.is_ascii_digit()) => (self.run(at + 1, |b| b.is_ascii_digit()), Kind::Other),
            b'$' => match self.dollar_tag(at) {
                Some(tag) => {
                    let body = at + tag.len();
                    let end = self.sql[body..].find(tag).ok_or_else(|| unclosed(&format!("a {tag} quote")))?;
                    (body + end + tag.len(), Kind::Other)
                }
                None => (at + 1, Kind::Other),
            },
            b if ident_start(b) => {
                let end = self.run(at, ident_continue);
                // E'...': the one string in which a backslash escapes (a quote, too).
                if end == at + 1 && b.eq_ignore_ascii_case(&b'e') && self.byte(end) == Some(b'\'') {
                    (self.quoted(end, b'\'', true).ok_or_else(|| unclosed("a quoted string"))?, Kind::Other)
                } else {
                    (end, Kind::Word)
                }
            }
            b'0'..=b'9' => (self.run(at, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'), Kind::Other),
            b';' => (at + 1, Kind::Semicolon),
            b'(' => (at + 1, Kind::Open),
            b')' => (at + 1, Kind::Close),
            b'\\' => (at + 1, Kind::Backslash),
            _ => (at + 1, Kind::Other),
        })
    }

    /// The end of the run of bytes from `at` that `keep` accepts.
    fn run(&self, at: usize, keep: impl Fn(u8) -> bool) -> usize {
        self.sql.as_bytes()[at..].iter().position(|&b| !keep(b)).map_or(self.sql.len(), |n| at + n)
    }

    /// The end of the text quoted by `quote` that opens at `at` (a doubled quote stands for
    /// itself); `None` when it is never closed.
    fn quoted(&self, at: usize, quote: u8, backslash_escapes: bool) -> Option<usize> {
        let mut i = at + 1;
        loop {
            match self.byte(i)? {
                b'\\' if backslash_escapes => i += 2,
                b if b == quote && self.byte(i + 1) == Some(quote) => i += 2,
                b if b == quote => return Some(i + 1),
                _ => i += 1,
            }
        }
    }

    /// The dollar-quote tag (`$$`, `$body$`) that starts at `at`, if one does.
    fn dollar_tag(&self, at: usize) -> Option<&'a str> {
        let name_end = match self.byte(at + 1) {
            Some(b) if ident_start(b) => self.run(at + 1, |b| ident_continue(b) && b != b'$'),
            _ => at + 1,
        };
        (self.byte(name_end) == Some(b'$')).then(|| &self.sql[at..=name_end])
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Result<Token<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let blank = self.run(self.pos, |b| b.is_ascii_whitespace() || b == b'\x0b');
        self.skip_to(blank);
        if self.pos == self.sql.len() {
            return None;
        }
        let (at, line) = (self.pos, self.line);
        match self.token_end(at) {
            Ok((end, kind)) => {
                self.skip_to(end);
                Some(Ok(Token { kind, at, line, text: &self.sql[at..end] }))
            }
            Err(e) => {
                self.pos = self.sql.len();
                Some(Err(e))
            }
        }
    }
}

/// PostgreSQL's identifier characters (`scan.l`): any byte of a multibyte character counts.
fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn ident_continue(b: u8) -> bool {
    ident_start(b) || b.is_ascii_digit() || b == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(sql: &str) -> Vec<(usize, &str)> {
        pieces(sql)
            .unwrap()
            .into_iter()
            .map(|p| match p {
                Piece::Statement { line, text } | Piece::Meta { line, text } => (line, text),
            })
            .collect()
    }

    #[test]
    fn statements_meta_commands_and_bodies() {
        let sql = "\\restrict abc\nSET x = 1;\n-- a comment; with a semicolon\nCREATE FUNCTION f() RETURNS int\n    LANGUAGE sql AS $$ SELECT 1; $$;\n\n\
                   CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\nEND;\nSELECT 'a;b'";
        let found = starts(sql);
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 4, 7, 11]);
        assert_eq!(found[0].1, "\\restrict abc");
        assert_eq!(found[1].1, "SET x = 1");
        assert!(found[3].1.ends_with("END"));
        assert_eq!(found[4].1, "SELECT 'a;b'");
    }

    #[test]
    fn quotes_comments_and_parentheses_hold_semicolons() {
        let sql = "COMMENT ON TABLE a IS 'x\n-- y; DROP TABLE a; --';\n\
                   SELECT E'it\\'s; ok', $t$ ; $$ ; $t$, \"a;\"\"b\", $1;\n\
                   /* outer /* inner; */ still; */ SELECT 1;\n\
                   CREATE RULE r AS ON INSERT TO a DO ALSO (SELECT 1; SELECT 2);\n\
                   SELECT a$b$c FROM t;";
        let found = starts(sql);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found[0], (1, "COMMENT ON TABLE a IS 'x\n-- y; DROP TABLE a; --'"));
        assert_eq!(found[2], (4, "SELECT 1"));
        assert_eq!(found[4].1, "SELECT a$b$c FROM t");
    }

    #[test]
    fn only_routines_count_begin() {
        // BEGIN as a transaction statement, and in a DO block's string, ends normally.
        assert_eq!(starts("BEGIN; SELECT 1; END;").len(), 3);
        let sql = "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END; SELECT 1;";
        assert_eq!(starts(sql).len(), 2);
        // A BEGIN inside parentheses is not a body.
        assert_eq!(starts("CREATE FUNCTION f(begin int) RETURNS int LANGUAGE sql RETURN 1; SELECT 2;").len(), 2);
    }

    #[test]
    fn unclosed_text_is_an_error_at_its_line() {
        for (sql, line) in
            [("SELECT 1;\nSELECT 'open", 2), ("\n\n/* open", 3), ("SELECT $x$ a", 1), ("SELECT E'\\'", 1)]
        {
            let e = pieces(sql).unwrap_err();
            assert_eq!(e.line, line, "{sql}: {e}");
        }
    }

    #[test]
    fn words_leave_out_comments_and_quotes() {
        let found: Vec<&str> =
            words("CREATE /* CONCURRENTLY */ INDEX \"CONCURRENTLY\" ON t -- CONCURRENTLY\n(a)").collect();
        assert_eq!(found, ["CREATE", "INDEX", "ON", "t", "a"]);
    }
}
