//! A guard for tests and the fuzzer: every statement strata writes parses with sqlparser as
//! exactly one statement, so no declared fragment can end a statement and start another. What
//! sqlparser does not know yet is left out here, and proven instead by the live tests, which
//! run every statement on PostgreSQL.

/// Checks that every statement of a generated SQL file parses as exactly one statement
/// (sqlparser, PostgreSQL dialect) under its `-- Description` header; returns how many did.
/// Every statement is one as psql and the runner cut them, aggregates included; a BEGIN ATOMIC
/// body's statements each parse. Not parsed as a whole: `DO` blocks, `ALTER SEQUENCE ... OWNED BY`,
/// comments on constraints, triggers, policies and routines (by signature), aggregates, procedures, privileges on routines
/// and types, default privileges, keys added `USING INDEX`. Left off: `WITH NO DATA`, trigger arguments, a domain's NOT
/// NULL and the routine options LEAKPROOF, COST, ROWS and PARALLEL.
/// sqlparser (0.63 and 0.64) has none of them; all are words strata writes, not user text.
pub fn statements_parse(sql: &str) -> Result<usize, String> {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;
    let mut parsed = 0;
    for (header, statement) in statements(sql)? {
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
        // A SQL-standard body (BEGIN ATOMIC), which sqlparser lacks: its statements each parse
        // as one, and the rest with a quoted body in its place.
        let statement = match without_standard_body(header, statement)? {
            Some(head) => format!("{head} AS 'SELECT 1'"),
            None => statement.to_string(),
        };
        let statement = statement.as_str();
        // Nor procedures, privileges on routines (by the signatures strata derives from parsed
        // argument lists) and types, and default privileges.
        // Nor a key added over an index built before it (`ADD CONSTRAINT ... USING INDEX`).
        let over_index = statement.starts_with("ALTER TABLE ")
            && [" UNIQUE USING INDEX ", " PRIMARY KEY USING INDEX "].iter().any(|k| statement.contains(k));
        let routine = over_index
            || statement.starts_with("CREATE OR REPLACE PROCEDURE ")
            || statement.starts_with("ALTER DEFAULT PRIVILEGES ")
            || [" ON FUNCTION ", " ON ROUTINE ", " ON TYPE "].iter().any(|on| {
                (statement.starts_with("GRANT ") || statement.starts_with("REVOKE ")) && statement.contains(on)
            });
        if routine || lacking.iter().any(|l| statement.starts_with(l)) {
            continue;
        }
        // A fixed suffix strata writes and sqlparser lacks (never user text): parsed without it.
        let statement = match statement.strip_suffix("\nWITH NO DATA") {
            Some(head) => head.to_string(),
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
                format!("{head} EXECUTE FUNCTION {}()", call.split_once('(').map_or(call, |(name, _)| name))
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
/// `;` outside quotes, dollar quotes and comments ends it. The guard for a schema with an
/// expression sqlparser cannot read (W0007), which strata writes as it is; returns how many were.
/// A SQL-standard routine body (BEGIN ATOMIC), whose statements end in `;` of their own, is
/// checked statement by statement.
pub fn statements_split(sql: &str) -> Result<usize, String> {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let mut split = 0;
    for (header, statement) in statements(sql)? {
        let statement = without_standard_body(header, statement)?.unwrap_or(statement);
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, statement)
            .tokenize()
            .map_err(|e| format!("{header}: does not tokenize: {e}\n{statement}"))?;
        if tokens.contains(&Token::SemiColon) {
            return Err(format!("{header}: not exactly one statement\n{statement}"));
        }
        split += 1;
    }
    Ok(split)
}

/// A routine with a SQL-standard body: a BEGIN ATOMIC body's statements checked one by one
/// (`sql_deps::atomic_statements`), a RETURN body's expression as one whole expression; and what
/// comes before the body. `None` for other statements.
fn without_standard_body<'s>(header: &str, statement: &'s str) -> Result<Option<&'s str>, String> {
    if let Some((head, body)) = statement.split_once("\nBEGIN ATOMIC") {
        crate::sql::deps::atomic_statements(&format!("BEGIN ATOMIC{body}"))
            .map_err(|e| format!("{header}: its body: {e}\n{statement}"))?;
        return Ok(Some(head));
    }
    let Some((head, expr)) = statement.split_once("\nRETURN") else { return Ok(None) };
    if !statement.starts_with("CREATE OR REPLACE FUNCTION ") {
        return Ok(None);
    }
    crate::sql::deps::parse_whole(expr).map_err(|e| format!("{header}: its body: {e}\n{statement}"))?;
    Ok(Some(head))
}

/// The statements of a generated SQL file, each with its `-- Description` header, as the runner
/// cuts them; `Err` when a header has more than one statement under it (psql would run each): a
/// fragment strata wrote ended its statement and began another.
fn statements(sql: &str) -> Result<Vec<(&str, &str)>, String> {
    let listed = strata_script::statements(sql).map_err(|e| e.to_string())?;
    if let Some(s) = listed.iter().find(|s| strata_script::pieces(s.sql).is_ok_and(|p| p.len() != 1)) {
        return Err(format!("{}: more than one statement under one header\n{}", s.header, s.sql));
    }
    Ok(listed.into_iter().map(|s| (s.header, s.sql)).collect())
}
