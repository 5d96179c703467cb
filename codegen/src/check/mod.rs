//! Checks over the model: each file one family of rules, all of them run, none stops early.

mod expressions;
mod fragments;
mod keys;
mod names;
mod options;
mod partitions;
mod references;
mod routines;
mod rows;
mod security;
mod sequences;
mod triggers;
mod types;
pub mod values;

use crate::diagnostics::Diagnostics;
use crate::model::Schema;

/// Runs every check and returns all the problems found.
pub fn check(schema: &Schema) -> Diagnostics {
    let mut diags = Diagnostics::default();
    names::check(schema, &mut diags);
    types::check(schema, &mut diags);
    references::check(schema, &mut diags);
    keys::check(schema, &mut diags);
    partitions::check(schema, &mut diags);
    sequences::check(schema, &mut diags);
    options::check(schema, &mut diags);
    expressions::check(schema, &mut diags);
    fragments::check(schema, &mut diags);
    security::check(schema, &mut diags);
    routines::check(schema, &mut diags);
    triggers::check(schema, &mut diags);
    routines::check_jobs(schema, &mut diags);
    values::check(schema, &mut diags);
    rows::check(schema, &mut diags);
    diags
}
