//! Every table of every system read through its generated row struct: one valid row per table
//! (built from the model, parents first) comes back through `from_row` with every column mapped.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::{generate, io};

fn read_back(
    system: &str,
    debug_rows: fn(
        &mut strata::reexports::postgres::Client,
        &str,
    ) -> Result<Vec<String>, strata::reexports::postgres::Error>,
) {
    let declared = io::compile_folder(&Path::new("../schema").join(system)).unwrap().schema.unwrap();
    let db = TestDb::new();
    let mut client = db.client();
    let (schema, skipped) = support::applicable(&mut client, &declared);
    client.batch_execute(&generate::files(&schema)[0].1).unwrap();
    let mut read = 0;
    for table in &schema.tables {
        if skipped.iter().any(|s| s.starts_with(&format!("column {}.", table.name))) {
            eprintln!("SKIPPED {system}.{}: its generated struct has a column the server cannot hold", table.name);
            continue;
        }
        // A table whose seed rows fill its unique keys (one plan per plan type) already has rows.
        if let Err(e) = support::try_insert_row(&mut client, &schema, table, &HashMap::new()) {
            assert!(!table.rows.is_empty(), "{system}.{}: {e:?}", table.name);
        }
        let rows = debug_rows(&mut client, &table.name).unwrap_or_else(|e| panic!("{system}.{}: {e:?}", table.name));
        assert!(!rows.is_empty(), "{system}.{}", table.name);
        for c in table.columns.iter().filter(|c| c.sensitive) {
            assert!(rows[0].contains(&format!("{}: [redacted]", c.name)), "{system}.{}: {}", table.name, rows[0]);
        }
        read += 1;
    }
    eprintln!("{system}: {read} tables read back through generated structs");
    assert!(read > 0);
}

#[test]
fn agentflow() {
    read_back("agentflow", strata_generated::agentflow::debug_rows);
}

#[test]
fn agentic() {
    read_back("agentic", strata_generated::agentic::debug_rows);
}

#[test]
fn agentworks() {
    read_back("agentworks", strata_generated::agentworks::debug_rows);
}

#[test]
fn aiplatform() {
    read_back("aiplatform", strata_generated::aiplatform::debug_rows);
}

#[test]
fn autosdlc() {
    read_back("autosdlc", strata_generated::autosdlc::debug_rows);
}
