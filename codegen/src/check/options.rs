//! Options: a table's storage parameters and persistence, a view's options and `with_data`,
//! and deferrable keys, checked by PostgreSQL's rules before it refuses them.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Deferrable, Schema};

/// The storage parameters PostgreSQL 15 accepts on a table (and on a materialized view).
/// The `toast.` ones are left out for now: sqlparser cannot parse `toast.x = v`, and every
/// statement strata writes must parse.
const STORAGE: &[&str] = &[
    "fillfactor",
    "toast_tuple_target",
    "parallel_workers",
    "autovacuum_enabled",
    "autovacuum_vacuum_threshold",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_insert_threshold",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_analyze_threshold",
    "autovacuum_analyze_scale_factor",
    "autovacuum_vacuum_cost_delay",
    "autovacuum_vacuum_cost_limit",
    "autovacuum_freeze_min_age",
    "autovacuum_freeze_max_age",
    "autovacuum_freeze_table_age",
    "autovacuum_multixact_freeze_min_age",
    "autovacuum_multixact_freeze_max_age",
    "autovacuum_multixact_freeze_table_age",
    "log_autovacuum_min_duration",
    "user_catalog_table",
    "vacuum_index_cleanup",
    "vacuum_truncate",
];

/// A (non-materialized) view's options.
const VIEW_OPTIONS: &[&str] = &["security_invoker", "security_barrier", "check_option"];

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for t in &schema.tables {
        let what = format!("table `{}`", t.name);
        if t.partition.is_some() {
            if t.unlogged {
                diags.push(Diagnostic::invalid_option(
                    &what,
                    "unlogged",
                    "a partitioned table cannot be unlogged (its partitions may be)",
                    t.span,
                ));
            }
            if !t.storage.is_empty() {
                diags.push(Diagnostic::invalid_option(
                    &what,
                    "with",
                    "a partitioned table takes no storage parameters (give them to its partitions)",
                    t.span,
                ));
            }
        }
        for (name, _) in &t.storage {
            if !STORAGE.contains(&name.as_str()) {
                diags.push(Diagnostic::unknown_option(&what, name, STORAGE, t.span));
            }
        }
        for fk in &t.foreign_keys {
            let Some(target) = schema.table(&fk.ref_table.qname()) else { continue };
            let cols: Vec<&str> = fk.ref_columns.iter().map(|c| c.name.as_str()).collect();
            let deferrable_key = target.uniques.iter().find(|u| {
                u.deferrable != Deferrable::No && u.columns.iter().map(|c| c.name.as_str()).eq(cols.iter().copied())
            });
            if let Some(u) = deferrable_key {
                let why = format!(
                    "it references the deferrable unique constraint `{}`, which PostgreSQL does not allow",
                    u.name
                );
                diags.push(Diagnostic::invalid_option(
                    &format!("foreign key `{}`", fk.name),
                    "references",
                    &why,
                    fk.span,
                ));
            }
        }
    }
    for v in &schema.views {
        let what = format!("{} `{}`", if v.materialized { "materialized view" } else { "view" }, v.name);
        let allowed = if v.materialized { STORAGE } else { VIEW_OPTIONS };
        for (name, value) in &v.options {
            if !allowed.contains(&name.as_str()) {
                diags.push(Diagnostic::unknown_option(&what, name, allowed, v.span));
            } else if name == "check_option" && !["'local'", "'cascaded'"].contains(&value.as_str()) {
                diags.push(Diagnostic::invalid_option(
                    &what,
                    "check_option",
                    "it must be \"local\" or \"cascaded\"",
                    v.span,
                ));
            } else if name.starts_with("security_") && !["true", "false"].contains(&value.as_str()) {
                diags.push(Diagnostic::invalid_option(&what, name, "it must be true or false", v.span));
            }
        }
        if !v.materialized && !v.with_data {
            diags.push(Diagnostic::invalid_option(&what, "with_data", "only a materialized view holds data", v.span));
        }
    }
}
