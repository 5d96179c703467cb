//! What `strata generate` writes for one schema, as (relative path, contents), in memory.

use crate::model::Schema;
use crate::plan;
use crate::render::sql;

/// The Rust models' file name (left out for a schema described in Rust: its derive makes them).
pub const MODELS: &str = "models.rs";

/// Every generated file of `schema`, in a fixed order, paths relative to its output folder.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    // The SQL and the Rust models share nothing but the schema: render them side by side.
    let (mut files, models) = std::thread::scope(|s| {
        let models = s.spawn(|| crate::render::rust::models(schema));
        (sql_files(schema), models.join().expect("rendering the models panicked"))
    });
    files.push((MODELS.to_string(), models));
    if !schema.jobs.is_empty() {
        files.push(("jobs.sql".to_string(), sql::jobs(schema)));
    }
    files
}

/// schema.sql and the migrations: the SQL target alone.
pub fn sql_files(schema: &Schema) -> Vec<(String, String)> {
    let statements = statements(schema);
    let mut files =
        vec![("schema.sql".to_string(), sql::up(&format!("schema {}: the full DDL", schema.name), &statements))];
    files.extend(migration_files(schema, &statements));
    files.push((
        "migrations/0001_init/down.sql".to_string(),
        sql::down(&format!("schema {}: migration 0001_init, down", schema.name), &statements),
    ));
    files
}

/// The up migrations, in order, as `files` writes them: what applying the schema runs (without
/// rendering anything else).
pub fn migrations(schema: &Schema) -> Vec<(String, String)> {
    migration_files(schema, &statements(schema))
}

fn statements(schema: &Schema) -> Vec<sql::Statement> {
    sql::statements(schema, &plan::create(schema))
}

fn migration_files(schema: &Schema, statements: &[sql::Statement]) -> Vec<(String, String)> {
    let up = sql::up(&format!("schema {}: migration 0001_init, up", schema.name), statements);
    vec![("migrations/0001_init/up.sql".to_string(), up)]
}
