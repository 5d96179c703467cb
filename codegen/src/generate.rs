//! What `strata generate` writes for one schema, as (relative path, contents), in memory.

use crate::migrations::{self, ChainError, History, Next};
use crate::model::Schema;
use crate::render::sql;

/// The Rust models' file name (left out for a schema described in Rust: its derive makes them).
pub const MODELS: &str = "models.rs";

/// Every generated file of `schema` when no migration exists yet, in a fixed order, paths
/// relative to its output folder.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    files_after(schema, History::default(), Next::default()).expect("a first migration is always possible")
}

/// Every generated file of `schema` given the migrations that exist (kept as they are), with a
/// new migration when the schema changed since the last one (see `migrations::chain`).
pub fn files_after(schema: &Schema, existing: History, next: Next) -> Result<Vec<(String, String)>, ChainError> {
    // The SQL and the Rust models share nothing but the schema: render them side by side.
    let (files, models) = std::thread::scope(|s| {
        let models = crate::stack::spawn(s, || crate::render::rust::models(schema));
        (sql_files_after(schema, existing, next), models.join().expect("rendering the models panicked"))
    });
    let mut files = files?;
    files.push((MODELS.to_string(), models));
    if !schema.jobs.is_empty() {
        files.push(("jobs.sql".to_string(), sql::jobs(schema)));
    }
    Ok(files)
}

/// schema.sql and the migrations when none exists yet: the SQL target alone.
pub fn sql_files(schema: &Schema) -> Vec<(String, String)> {
    sql_files_after(schema, History::default(), Next::default()).expect("a first migration is always possible")
}

/// schema.sql, the full DDL, is the first migration's up, `diff(empty, schema)`: made once for
/// both when there is no migration yet (with the first migration's down beside it), else beside
/// the chain, which reads the last migration's model and diffs from it.
fn sql_files_after(schema: &Schema, existing: History, next: Next) -> Result<Vec<(String, String)>, ChainError> {
    let full = |up: &[sql::ChangeSql]| migrations::file(&format!("schema {}: the full DDL", schema.name), up);
    let (full, chain) = if existing.is_empty() {
        let first = migrations::First::of(schema, true);
        (full(&first.up), migrations::chain_given(schema, existing, next, Some(first)))
    } else {
        std::thread::scope(|s| {
            let full = crate::stack::spawn(s, || full(&migrations::First::of(schema, false).up));
            let chain = migrations::chain_given(schema, existing, next, None);
            (full.join().expect("making schema.sql panicked"), chain)
        })
    };
    let mut files = vec![("schema.sql".to_string(), full)];
    files.extend(chain?);
    Ok(files)
}
