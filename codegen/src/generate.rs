//! What `strata generate` writes for one schema, as (relative path, contents), in memory.

use crate::model::Schema;
use crate::plan;
use crate::render::sql;

/// The Rust models' file name (left out for a schema described in Rust: its derive makes them).
pub const MODELS: &str = "models.rs";

/// Every generated file of `schema`, in a fixed order, paths relative to its output folder.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    let steps = plan::create(schema);
    let statements = sql::statements(schema, &steps);
    let mut files = vec![
        ("schema.sql".to_string(), sql::up(&format!("schema {}: the full DDL", schema.name), &statements)),
        (
            "migrations/0001_init/up.sql".to_string(),
            sql::up(&format!("schema {}: migration 0001_init, up", schema.name), &statements),
        ),
        (
            "migrations/0001_init/down.sql".to_string(),
            sql::down(&format!("schema {}: migration 0001_init, down", schema.name), &statements),
        ),
    ];
    files.push((MODELS.to_string(), crate::render::rust::models(schema)));
    if !schema.jobs.is_empty() {
        files.push(("jobs.sql".to_string(), sql::jobs(schema)));
    }
    files
}
