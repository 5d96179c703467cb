//! What only the server can judge equal: text PostgreSQL rewrites when it stores it. A
//! declaration whose text differs from what was read back, but which the server finds equal,
//! takes the text read back, so comparing facts then finds them equal.

use crate::model::{IndexTarget, PartitionBound, QName, Schema};
use crate::normalize;
use crate::source::live::Catalog;

/// How many declarations took the server's text, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    pub defaults: usize,
    pub checks: usize,
    pub views: usize,
    pub bounds: usize,
}

/// Settles every default, CHECK, view query and partition bound of `declared` that differs from
/// `read` in text only. Runs read-only queries, and creates (and rolls back) a temporary table
/// or view for each CHECK or view query to be compared.
pub fn settle(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> Settled {
    Settled {
        defaults: constants(catalog, declared, read),
        checks: checks(catalog, declared, read),
        views: views(catalog, declared, read),
        bounds: bounds(catalog, declared, read),
    }
}

/// Whether two SQL expressions are equal values of type `ty`, by the server.
fn equal_as(catalog: &mut dyn Catalog, a: &str, b: &str, ty: &str) -> bool {
    let sql = format!("SELECT ({a})::{ty} IS NOT DISTINCT FROM ({b})::{ty}");
    let rows = catalog.rows(&sql);
    rows.is_ok_and(|rows| rows.first().and_then(|r| r.first().cloned().flatten()).as_deref() == Some("t"))
}

/// A default whose text its type rewrites (`'12:00+02'` is read back `'12:00:00+02'`, money
/// `'0.00'` as `'$0.00'`).
fn constants(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    let mut settled = 0;
    for t in &mut declared.tables {
        let Some(r) = read.table(&t.qname()) else { continue };
        for c in &mut t.columns {
            let (Some(d), Some(rc)) = (c.default.as_mut(), r.column(&c.name)) else { continue };
            let Some(printed) = rc.default.as_ref().filter(|p| !normalize::same(&d.sql, &p.sql)) else { continue };
            if equal_as(catalog, &d.sql, &printed.sql, &rc.ty.to_string()) {
                d.sql = printed.sql.clone();
                settled += 1;
            }
        }
    }
    settled
}

/// The first column of the first row `sql` answers; a failed query's transaction is rolled back.
fn printed(catalog: &mut dyn Catalog, sql: &str) -> Option<String> {
    let rows = catalog.rows(sql);
    if rows.is_err() {
        let _ = catalog.rows("ROLLBACK");
    }
    rows.ok().and_then(|rows| rows.first().and_then(|r| r.first().cloned().flatten()))
}

/// A CHECK is printed with its constants in their type's output form (`interval '5 seconds'`
/// is `'00:00:05'::interval`): the declared one is printed by the server too, on a temporary
/// copy of its table's columns in a transaction that is rolled back.
fn checks(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    let mut settled = 0;
    for t in &mut declared.tables {
        let Some(rt) = read.table(&t.qname()) else { continue };
        let table = crate::render::sql::qualified(&t.namespace, &t.name);
        for c in &mut t.checks {
            let Some(rc) = rt.checks.iter().find(|r| r.name == c.name) else { continue };
            if normalize::same(&c.expr.sql, &rc.expr.sql) {
                continue;
            }
            let sql = format!(
                "BEGIN; CREATE TEMP TABLE strata_probe (LIKE {table}); \
                 ALTER TABLE strata_probe ADD CONSTRAINT strata_probe_check CHECK ({}); \
                 SELECT pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conname = 'strata_probe_check'; ROLLBACK",
                c.expr.sql
            );
            let printed = printed(catalog, &sql);
            let body = printed.as_deref().map(|p| p.strip_prefix("CHECK ").unwrap_or(p));
            if body.is_some_and(|b| normalize::same(b, &rc.expr.sql)) {
                c.expr.sql = rc.expr.sql.clone();
                settled += 1;
            }
        }
    }
    settled
}

/// A view's query is printed with the casts PostgreSQL's parser inserted (`oid::regclass`, a
/// `count` widened for a division): the declared query is printed by the server too, as a
/// temporary view in a transaction that is rolled back.
fn views(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    let mut settled = 0;
    for v in &mut declared.views {
        let Some(r) = read.views.iter().find(|r| r.namespace == v.namespace && r.name == v.name) else { continue };
        if normalize::query(&v.query.sql) == normalize::query(&r.query.sql) {
            continue;
        }
        let sql = format!(
            "BEGIN; CREATE TEMP VIEW strata_probe AS {}; SELECT pg_get_viewdef('strata_probe'::regclass, true); ROLLBACK",
            v.query.sql
        );
        if printed(catalog, &sql).is_some_and(|p| normalize::query(&p) == normalize::query(&r.query.sql)) {
            v.query.sql = r.query.sql.clone();
            settled += 1;
        }
    }
    settled
}

/// A partition bound's values are printed in their type's output form (`'2026-01-01'` on a
/// timestamptz key is `'2026-01-01 00:00:00+00'`): compared as values of the key column's type.
fn bounds(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    // The key column's type, for each table partitioned by one column.
    let types: Vec<(QName, String)> = declared
        .tables
        .iter()
        .filter_map(|t| {
            let Some([IndexTarget::Column(c)]) = t.partition.as_ref().map(|p| p.key.as_slice()) else { return None };
            let c = t.column(&c.name)?;
            Some((t.qname(), crate::render::sql::sql_type(declared, &c.ty.storage())))
        })
        .collect();
    let mut settled = 0;
    for t in &mut declared.tables {
        let Some(rt) = read.table(&t.qname()) else { continue };
        let Some((_, ty)) = types.iter().find(|(q, _)| *q == t.qname()) else { continue };
        let (Some(p), Some(rp)) = (t.partition.as_mut(), rt.partition.as_ref()) else { continue };
        for part in &mut p.partitions {
            let Some(rpart) = rp.partitions.iter().find(|r| r.name == part.name) else { continue };
            let pairs: Vec<(&String, &String)> = match (&part.bound, &rpart.bound) {
                (PartitionBound::Range { from, to }, PartitionBound::Range { from: rf, to: rt }) => {
                    from.iter().zip(rf).chain(to.iter().zip(rt)).collect()
                }
                (PartitionBound::In(a), PartitionBound::In(b)) if a.len() == b.len() => a.iter().zip(b).collect(),
                _ => continue,
            };
            if part.bound != rpart.bound && pairs.into_iter().all(|(a, b)| a == b || equal_as(catalog, a, b, ty)) {
                part.bound = rpart.bound.clone();
                settled += 1;
            }
        }
    }
    settled
}
