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

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostics::Diagnostics;
use crate::model::Schema;

type Family = fn(&Schema, &mut Diagnostics);

/// Every family, the costliest first (expressions parse every expression; names hash every
/// name), so that the two threads that take them in turn finish close together.
const FAMILIES: &[Family] = &[
    expressions::check,
    names::check,
    values::check,
    options::check,
    references::check,
    types::check,
    keys::check,
    partitions::check,
    sequences::check,
    fragments::check,
    security::check,
    routines::check,
    triggers::check,
    routines::check_jobs,
    rows::check,
];

/// Runs every check and returns all the problems found, sorted.
pub fn check(schema: &Schema) -> Diagnostics {
    // The families are independent: two threads take them from one queue.
    let next = AtomicUsize::new(0);
    let run = || {
        let mut diags = Diagnostics::default();
        while let Some(family) = FAMILIES.get(next.fetch_add(1, Ordering::Relaxed)) {
            family(schema, &mut diags);
        }
        diags
    };
    let (mut diags, other) = std::thread::scope(|s| {
        let other = crate::stack::spawn(s, run);
        (run(), other.join().expect("a check panicked"))
    });
    diags.0.extend(other.0);
    diags.sorted()
}
