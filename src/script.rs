//! A SQL file as strata writes it (schema.sql, a migration's up or down): statements, each under
//! its `-- Description` header, run in transactions, except those whose header is followed by
//! `-- strata:no-transaction`. Those run alone: `CREATE INDEX CONCURRENTLY` cannot run in a
//! transaction, and a value added by `ALTER TYPE ... ADD VALUE` cannot be used before it is
//! committed (SQLSTATE 55P04). `psql -f` runs such a file as well, one statement at a time.

/// The line that marks a statement to run outside a transaction, under its header.
pub const NO_TRANSACTION: &str = "-- strata:no-transaction";

/// The lines under a migration's title that set its own `lock_timeout` and `statement_timeout`
/// in whole milliseconds (`strata generate --lock-timeout`).
pub const LOCK_TIMEOUT: &str = "-- strata:lock-timeout-ms";
pub const STATEMENT_TIMEOUT: &str = "-- strata:statement-timeout-ms";

/// The value of a `key value` line in the script's header (the comment lines above its first
/// statement), such as `LOCK_TIMEOUT`.
pub fn setting<'s>(script: &'s str, key: &str) -> Option<&'s str> {
    let header = script.lines().take_while(|l| l.starts_with("-- "));
    header.filter_map(|l| l.strip_prefix(key)?.strip_prefix(' ')).map(str::trim).next()
}

/// One statement of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The 1-based line of the script it starts on.
    pub line: usize,
    /// Its header, without the `-- `.
    pub header: &'a str,
    /// The statement (one, or a few that belong together, each ended by `;`).
    pub sql: &'a str,
    /// Whether it may share a transaction with its neighbours.
    pub transaction: bool,
}

/// The statements of a script, in order.
pub fn statements(script: &str) -> Vec<Statement<'_>> {
    let marker = &NO_TRANSACTION["-- ".len()..];
    let mut out = Vec::new();
    let (mut line, mut counted) = (1, 0);
    let mut header = "";
    for chunk in script.split("\n-- ").skip(1).filter(|c| !c.starts_with('@')) {
        // A header followed by the marker ends where the marker's `\n-- ` begins.
        let (first, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let transaction = first != marker;
        if transaction {
            header = first;
        }
        if rest.trim().is_empty() {
            continue;
        }
        // `rest` is a slice of `script`: its offset is where it starts. Lines are counted from
        // the previous statement on, not from the top each time.
        let offset = rest.as_ptr() as usize - script.as_ptr() as usize;
        line += script[counted..offset].matches('\n').count();
        counted = offset;
        out.push(Statement { line, header, sql: rest, transaction });
    }
    out
}

/// Why a script stopped: the statement PostgreSQL refused (or the connection failed during),
/// and its error. Every transaction of the script that had begun when it stopped was rolled
/// back; statements run alone before it stay done.
#[derive(Debug)]
pub struct Refused<'a> {
    pub statement: Statement<'a>,
    pub error: postgres::Error,
}

/// `statements` cut where transactions must end: each run of statements that may share a
/// transaction, and each statement marked to run alone by itself.
pub fn groups<'s, 'a>(statements: &'s [Statement<'a>]) -> Vec<&'s [Statement<'a>]> {
    let mut groups = Vec::new();
    let mut rest = statements;
    while let Some(first) = rest.first() {
        let n = if first.transaction { rest.iter().position(|s| !s.transaction).unwrap_or(rest.len()) } else { 1 };
        let (group, after) = rest.split_at(n);
        groups.push(group);
        rest = after;
    }
    groups
}

/// Runs `statements`: each run of those that may share a transaction in one transaction, each
/// marked one alone.
pub fn run<'a>(client: &mut postgres::Client, statements: &[Statement<'a>]) -> Result<(), Refused<'a>> {
    for group in groups(statements) {
        let first = group[0];
        if !first.transaction {
            client.batch_execute(first.sql).map_err(|error| Refused { statement: first, error })?;
            continue;
        }
        let mut tx = client.transaction().map_err(|error| Refused { statement: first, error })?;
        run_in(&mut tx, group)?;
        tx.commit().map_err(|error| Refused { statement: group[group.len() - 1], error })?;
    }
    Ok(())
}

/// Runs statements inside `tx`, sent as one batch; when refused, run again one at a time (each
/// attempt in a savepoint rolled back) to name the one refused.
pub fn run_in<'a>(tx: &mut postgres::Transaction<'_>, group: &[Statement<'a>]) -> Result<(), Refused<'a>> {
    let Some(&first) = group.first() else { return Ok(()) };
    let at = |statement: Statement<'a>| move |error| Refused { statement, error };
    let batch: String = group.iter().map(|s| format!("{};\n", s.sql.trim_end().trim_end_matches(';'))).collect();
    let mut attempt = tx.savepoint("strata_batch").map_err(at(first))?;
    let Err(refused) = attempt.batch_execute(&batch) else {
        return attempt.commit().map_err(at(first));
    };
    drop(attempt);
    let mut again = tx.savepoint("strata_located").map_err(at(first))?;
    for &statement in group {
        again.batch_execute(statement.sql).map_err(at(statement))?;
    }
    // Refused as a batch, accepted one by one (a statement that sees what an earlier one in the
    // same batch did not yet, say): the refusal, at the first statement.
    Err(Refused { statement: first, error: refused })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_carry_their_line_header_and_transaction() {
        let script = "-- @generated by strata. Do not edit.\n-- title\n\n-- CreateTable a\nCREATE TABLE a (\n    id int\n);\n\n\
                      -- CreateIndex i ON a\n-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);\n\n-- Comment a\nCOMMENT ON TABLE a IS 'x';\n";
        let found = statements(script);
        let brief: Vec<(usize, &str, bool)> = found.iter().map(|s| (s.line, s.header, s.transaction)).collect();
        assert_eq!(brief, [(5, "CreateTable a", true), (11, "CreateIndex i ON a", false), (14, "Comment a", true)]);
        assert_eq!(found[1].sql, "CREATE INDEX CONCURRENTLY i ON a (id);\n");
    }
}
