//! A SQL file as strata writes it (schema.sql, a migration's up or down), run: its statements
//! (cut as psql cuts them, by `strata_script`, which also owns the file's format) in
//! transactions, except those marked `-- strata:no-transaction`, which run alone. `psql -f` runs
//! such a file as well, one statement at a time.

pub use strata_script::{
    Error, LOCK_TIMEOUT, NO_TRANSACTION, Piece, STATEMENT_TIMEOUT, Statement, batches, groups, pieces, setting,
    statements,
};

/// Why a script stopped: the statement PostgreSQL refused (or the connection failed during),
/// and its error. Every transaction of the script that had begun when it stopped was rolled
/// back; statements run alone before it stay done.
#[derive(Debug)]
pub struct Refused<'a> {
    pub statement: Statement<'a>,
    pub error: postgres::Error,
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
    // Each ends on a line of its own: a statement may end in a `--` comment.
    let batch: String = group.iter().map(|s| format!("{}\n;\n", s.sql)).collect();
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
