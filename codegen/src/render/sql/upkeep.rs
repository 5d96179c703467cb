//! Partition upkeep in SQL: the call that makes a table's premade partitions and enforces its
//! retention, by strata's upkeep function or by pg_partman's configuration.

use super::literal;
use crate::model::{PG_PARTMAN, Schema, Table, key_column, or_null, upkeep_call};

/// The statement that sets a table's upkeep going when it is made or its upkeep changes: strata's
/// function run now, or pg_partman's `create_parent` with the table's configuration.
pub fn start(schema: &Schema, table: &Table) -> Option<String> {
    let p = table.partition.as_ref()?;
    if let Some(premake) = p.strata_upkeep() {
        return Some(format!("SELECT * FROM {}", upkeep_call(schema, table, p, premake, "now()")));
    }
    let premake = p.partman_upkeep()?;
    let partman = partman_namespace(schema);
    let parent = partman_parent(table);
    let unit = premake.interval.unit();
    // The first partition `past` periods before the current one, by the server's clock.
    let start = format!("to_char(date_trunc('{unit}', now()) - interval '{} {unit}', 'YYYY-MM-DD')", premake.past);
    let (retention, archive) = (or_null(p.retention.as_ref()), or_null(p.archive.as_ref()));
    Some(format!(
        "SELECT {partman}.create_parent(p_parent_table => {parent}, p_control => {}, p_type => 'native', \
         p_interval => '1 {unit}', p_premake => {}, p_start_partition => {start});\n\
         UPDATE {partman}.part_config SET retention = {retention}, retention_schema = {archive}, \
         retention_keep_table = false, infinite_time_partitions = true WHERE parent_table = {parent}",
        literal(key_column(p)),
        premake.ahead,
    ))
}

/// What undoes `start`: nothing for strata's upkeep (the function goes with the schema's other
/// functions), pg_partman's configuration of the table for pg_partman.
pub fn stop(schema: &Schema, table: &Table) -> Option<String> {
    table.partition.as_ref()?.partman_upkeep()?;
    let partman = partman_namespace(schema);
    let parent = partman_parent(table);
    Some(format!("DELETE FROM {partman}.part_config WHERE parent_table = {parent}"))
}

/// How pg_partman names a parent table: `namespace.name`, always qualified, never quoted.
fn partman_parent(table: &Table) -> String {
    literal(&format!("{}.{}", table.namespace, table.name))
}

/// Where pg_partman's functions are: its declared namespace, else `public`.
fn partman_namespace(schema: &Schema) -> String {
    let e = schema.extensions.iter().find(|e| e.name == PG_PARTMAN);
    super::ident(e.and_then(|e| e.namespace.as_deref()).unwrap_or("public")).into_owned()
}
