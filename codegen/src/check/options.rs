//! Options: a table's storage parameters and persistence, a view's options and `with_data`,
//! and deferrable keys, checked by PostgreSQL's rules before it refuses them.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ColumnType, Deferrable, EnumRepr, IndexTarget, ReplicaIdentity, Scalar, Schema, Table};

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
        if let Some(ReplicaIdentity::Index(index)) = &t.replica_identity
            && let Some(why) = replica_identity_refusal(t, &index.name)
        {
            diags.push(Diagnostic::invalid_option(&what, "replica_identity", &why, index.span));
        }
        for c in &t.columns {
            let Some(collation) = &c.collation else { continue };
            let text = collatable(schema, &c.ty);
            if !text {
                let why =
                    format!("column `{}` is `{}`, which has no collation (text, varchar and char have)", c.name, c.ty);
                diags.push(Diagnostic::invalid_option(&what, "collate", &why, collation.span));
            }
        }
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

/// Why PostgreSQL refuses `index` as the replica identity of `t`: it must be a unique,
/// immediate, non-partial index of the table over NOT NULL columns.
fn replica_identity_refusal(t: &Table, index: &str) -> Option<String> {
    let not_null = |c: &str| t.column(c).is_some_and(|c| !c.nullable);
    let pk = t
        .primary_key
        .iter()
        .filter(|k| k.name == index)
        .map(|k| (k.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), Deferrable::No, false));
    let uniques = t
        .uniques
        .iter()
        .filter(|u| u.name == index)
        .map(|u| (u.columns.iter().map(|c| c.name.as_str()).collect(), u.deferrable, false));
    let indexes = t.indexes.iter().filter(|i| i.name == index).map(|i| {
        let columns: Vec<&str> = i
            .keys
            .iter()
            .filter_map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c.name.as_str()),
                IndexTarget::Expr(_) => None,
            })
            .collect();
        let whole = i.unique && i.predicate.is_none() && columns.len() == i.keys.len();
        (columns, Deferrable::No, !whole)
    });
    let Some((columns, deferrable, partial)) = pk.chain(uniques).chain(indexes).next() else {
        return Some(format!("`{index}` is no unique key or index of the table"));
    };
    match () {
        _ if partial => Some(format!("`{index}` is not a unique index over columns alone, without WHERE")),
        _ if deferrable != Deferrable::No => Some(format!("`{index}` is deferrable")),
        _ if !columns.iter().all(|c| not_null(c)) => Some(format!("`{index}` has a nullable column")),
        _ => None,
    }
}

/// Whether values of `ty` have a collation: text, varchar, char (citext), arrays of them, and
/// union types stored as one of them.
fn collatable(schema: &Schema, ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Array(inner) => collatable(schema, inner),
        ColumnType::Scalar(Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_)) => true,
        ColumnType::Scalar(Scalar::Extension(e)) => e.name == "citext",
        ColumnType::Scalar(Scalar::Enum(q)) => schema
            .enum_(q)
            .is_some_and(|e| matches!(&e.repr, EnumRepr::Check { storage } if collatable(schema, storage))),
        _ => false,
    }
}
