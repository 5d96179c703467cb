//! A guard for tests and the fuzzer: every statement strata writes parses with sqlparser as
//! exactly one statement, so no declared fragment can end a statement and start another. What
//! sqlparser does not know yet is left out here, and proven instead by the live tests, which
//! run every statement on PostgreSQL.

/// Checks that every statement of a generated SQL file parses as exactly one statement
/// (sqlparser, PostgreSQL dialect) under its `-- Description` header; returns how many did.
/// Skipped: `DO` blocks, `ALTER SEQUENCE ... OWNED BY`, comments on constraints, triggers,
/// policies and routines (by signature), aggregates, procedures, BEGIN ATOMIC bodies, privileges on routines
/// and types, default privileges. Left off: `WITH NO DATA`, trigger arguments, a domain's NOT
/// NULL and the routine options LEAKPROOF, COST, ROWS and PARALLEL.
/// sqlparser (0.63 and 0.64) has none of them; all are words strata writes, not user text.
pub fn statements_parse(sql: &str) -> Result<usize, String> {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;
    let mut parsed = 0;
    for (header, statement) in statements(sql) {
        let lacking = [
            "DO $$",
            "ALTER SEQUENCE ",
            "COMMENT ON CONSTRAINT ",
            "COMMENT ON TRIGGER ",
            "COMMENT ON POLICY ",
            "COMMENT ON FUNCTION ",
            "COMMENT ON PROCEDURE ",
            "CREATE AGGREGATE ",
            "COMMENT ON AGGREGATE ",
            "DROP AGGREGATE ",
        ];
        // Nor procedures, SQL-standard bodies (BEGIN ATOMIC), privileges on routines (by the
        // signatures strata derives from parsed argument lists) and types, and default privileges.
        let routine = statement.starts_with("CREATE OR REPLACE PROCEDURE ")
            || statement.contains("\nBEGIN ATOMIC")
            || statement.starts_with("ALTER DEFAULT PRIVILEGES ")
            || [" ON FUNCTION ", " ON ROUTINE ", " ON TYPE "].iter().any(|on| {
                (statement.starts_with("GRANT ") || statement.starts_with("REVOKE ")) && statement.contains(on)
            });
        if routine || lacking.iter().any(|l| statement.starts_with(l)) {
            continue;
        }
        // A fixed suffix strata writes and sqlparser lacks (never user text): parsed without it.
        let statement = match statement.trim_end().strip_suffix("\nWITH NO DATA;") {
            Some(head) => format!("{head};"),
            None => statement.to_string(),
        };
        // Routine options strata writes (keywords and numbers) that sqlparser lacks.
        let statement = if statement.starts_with("CREATE OR REPLACE FUNCTION ") {
            let (head, body) = statement.split_once(" AS ").unwrap_or((&statement, ""));
            let words: Vec<&str> = head.split(' ').collect();
            let mut kept = Vec::with_capacity(words.len());
            let mut i = 0;
            while i < words.len() {
                match words[i] {
                    "LEAKPROOF" => i += 1,
                    "COST" | "ROWS" | "PARALLEL" if i + 1 < words.len() => i += 2,
                    w => {
                        kept.push(w);
                        i += 1;
                    }
                }
            }
            if body.is_empty() { kept.join(" ") } else { format!("{} AS {body}", kept.join(" ")) }
        } else {
            statement
        };
        // A domain's NOT NULL, which strata writes and sqlparser lacks.
        let statement = match statement.strip_prefix("CREATE DOMAIN ") {
            Some(rest) => format!("CREATE DOMAIN {}", rest.replacen(" NOT NULL", "", 1)),
            None => statement,
        };
        // sqlparser reads a trigger's arguments as parameter types; they are literals strata
        // quoted, so the statement is parsed without them.
        let statement = match statement.split_once(" EXECUTE FUNCTION ") {
            Some((head, call))
                if head.starts_with("CREATE TRIGGER ") || head.starts_with("CREATE CONSTRAINT TRIGGER ") =>
            {
                format!("{head} EXECUTE FUNCTION {}();", call.split_once('(').map_or(call, |(name, _)| name))
            }
            _ => statement,
        };
        let statements = Parser::parse_sql(&PostgreSqlDialect {}, &statement)
            .map_err(|e| format!("{header}: does not parse: {e}\n{statement}"))?;
        if statements.len() != 1 {
            return Err(format!("{header}: {} statements under one header\n{statement}", statements.len()));
        }
        parsed += 1;
    }
    Ok(parsed)
}

/// Checks by tokens alone that every statement of a generated SQL file is one statement: its only
/// `;` outside quotes, dollar quotes and comments is its last token. The guard for a schema with an
/// expression sqlparser cannot read (W0007), which strata writes as it is; returns how many were.
/// Skipped: SQL-standard routine bodies (BEGIN ATOMIC), whose statements end in `;` of their own.
pub fn statements_split(sql: &str) -> Result<usize, String> {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let mut split = 0;
    for (header, statement) in statements(sql).filter(|(_, s)| !s.contains("\nBEGIN ATOMIC")) {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, statement)
            .tokenize()
            .map_err(|e| format!("{header}: does not tokenize: {e}\n{statement}"))?;
        let mut ends = tokens.iter().enumerate().filter(|(_, t)| **t == Token::SemiColon).map(|(i, _)| i);
        let last = tokens.iter().rposition(|t| !matches!(t, Token::Whitespace(_)));
        if ends.next() != last || ends.next().is_some() {
            return Err(format!("{header}: not exactly one statement\n{statement}"));
        }
        split += 1;
    }
    Ok(split)
}

/// The statements of a generated SQL file, each with its `-- Description` header.
fn statements(sql: &str) -> impl Iterator<Item = (&str, &str)> {
    sql.split("\n-- ")
        .skip(1)
        .filter(|c| !c.starts_with('@'))
        .filter_map(|chunk| chunk.split_once('\n').filter(|(_, s)| !s.trim().is_empty()))
}
