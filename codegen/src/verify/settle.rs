//! What only the server can judge equal: text PostgreSQL rewrites when it stores it. A
//! declaration whose text differs from what was read back, but which the server finds equal,
//! takes the text read back, so comparing facts then finds them equal.

use crate::model::{Expr, IndexTarget, PartitionBound, QName, Schema};
use crate::source::live::Catalog;
use crate::sql::normalize;

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

/// Whether each pair of SQL expressions are equal values of its type, by the server: in one
/// round trip, or one each when that fails (a value its type refuses is unequal, not an error).
fn equal_as(catalog: &mut dyn Catalog, pairs: &[(&str, &str, &str)]) -> Vec<bool> {
    let test = |(a, b, ty): &(&str, &str, &str)| format!("({a})::{ty} IS NOT DISTINCT FROM ({b})::{ty}");
    let truth = |v: &Option<String>| v.as_deref() == Some("t");
    let one = |catalog: &mut dyn Catalog, pair| {
        let rows = catalog.rows(&format!("SELECT {}", test(pair)));
        rows.is_ok_and(|rows| rows.first().and_then(|r| r.first()).is_some_and(truth))
    };
    // A select list holds at most 1,664 entries.
    let mut equal = Vec::with_capacity(pairs.len());
    for chunk in pairs.chunks(1000) {
        let all = format!("SELECT {}", chunk.iter().map(test).collect::<Vec<_>>().join(", "));
        match catalog.rows(&all).ok().and_then(|rows| rows.into_iter().next()) {
            Some(row) if row.len() == chunk.len() => equal.extend(row.iter().map(truth)),
            _ => equal.extend(chunk.iter().map(|pair| one(catalog, pair))),
        }
    }
    equal
}

/// A default whose text its type rewrites (`'12:00+02'` is read back `'12:00:00+02'`, money
/// `'0.00'` as `'$0.00'`).
fn constants(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    // (table, column, printed default, its type) of each default that differs in text.
    let mut differing = Vec::new();
    for (ti, t) in declared.tables.iter().enumerate() {
        let Some(r) = read.table(&t.qname()) else { continue };
        for (ci, c) in t.columns.iter().enumerate() {
            let (Some(d), Some(rc)) = (c.default.as_ref(), r.column(&c.name)) else { continue };
            let Some(printed) = rc.default.as_ref().filter(|p| !normalize::same(&d.sql, &p.sql)) else { continue };
            differing.push((ti, ci, printed.sql.clone(), rc.ty.to_string()));
        }
    }
    let pairs: Vec<(&str, &str, &str)> = differing
        .iter()
        .map(|(ti, ci, printed, ty)| {
            let declared = declared.tables[*ti].columns[*ci].default.as_ref().map_or("", |d| d.sql.as_str());
            (declared, printed.as_str(), ty.as_str())
        })
        .collect();
    let equal = equal_as(catalog, &pairs);
    let mut settled = 0;
    for ((ti, ci, printed, _), equal) in differing.into_iter().zip(equal) {
        if let (true, Some(d)) = (equal, declared.tables[ti].columns[ci].default.as_mut()) {
            *d = Expr::new(printed, d.span);
            settled += 1;
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
/// copy of its table's columns in a transaction that is rolled back. All in one round trip,
/// or one for each CHECK when that fails (one the server refuses stays unsettled).
fn checks(catalog: &mut dyn Catalog, declared: &mut Schema, read: &Schema) -> usize {
    // (table, check, the CHECK read back) of each CHECK that differs in text.
    let mut differing = Vec::new();
    for (ti, t) in declared.tables.iter().enumerate() {
        let Some(rt) = read.table(&t.qname()) else { continue };
        for (ci, c) in t.checks.iter().enumerate() {
            let Some(rc) = rt.checks.iter().find(|r| r.name == c.name) else { continue };
            if !normalize::same(&c.expr.sql, &rc.expr.sql) {
                differing.push((ti, ci, rc.expr.sql.clone()));
            }
        }
    }
    if differing.is_empty() {
        return 0;
    }
    // Probe i is the CHECK `strata_probe_c{i}` on a copy of its table, `strata_probe_t{table}`.
    let probe = |i: usize, ti: usize, declared: &Schema, ci: usize| {
        let t = &declared.tables[ti];
        let copy = format!(
            "CREATE TEMP TABLE IF NOT EXISTS strata_probe_t{ti} (LIKE {})",
            crate::sql::qualified(&t.namespace, &t.name)
        );
        let check = format!(
            "ALTER TABLE strata_probe_t{ti} ADD CONSTRAINT strata_probe_c{i} CHECK ({})",
            t.checks[ci].expr.sql
        );
        format!("{copy}; {check}")
    };
    let read_back = "SELECT substr(conname, 15), pg_get_constraintdef(oid, true) FROM pg_constraint \
                     WHERE conname LIKE 'strata\\_probe\\_c%'";
    let all: Vec<String> = differing.iter().enumerate().map(|(i, (ti, ci, _))| probe(i, *ti, declared, *ci)).collect();
    let mut printed: Vec<Option<String>> = vec![None; differing.len()];
    let mut keep = |rows: Vec<Vec<Option<String>>>| {
        for row in rows {
            if let (Some(Some(i)), Some(Some(def))) = (row.first(), row.get(1))
                && let Some(slot) = i.parse::<usize>().ok().and_then(|i| printed.get_mut(i))
            {
                *slot = Some(def.strip_prefix("CHECK ").unwrap_or(def).to_string());
            }
        }
    };
    match catalog.rows(&format!("BEGIN; {}; {read_back}; ROLLBACK", all.join("; "))) {
        Ok(rows) => keep(rows),
        Err(_) => {
            let _ = catalog.rows("ROLLBACK");
            for one in &all {
                match catalog.rows(&format!("BEGIN; {one}; {read_back}; ROLLBACK")) {
                    Ok(rows) => keep(rows),
                    Err(_) => _ = catalog.rows("ROLLBACK"),
                }
            }
        }
    }
    let mut settled = 0;
    for ((ti, ci, read_sql), printed) in differing.into_iter().zip(printed) {
        if printed.is_some_and(|p| normalize::same(&p, &read_sql)) {
            let expr = &mut declared.tables[ti].checks[ci].expr;
            *expr = Expr::new(read_sql, expr.span);
            settled += 1;
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
            v.query = Expr::new(r.query.sql.clone(), v.query.span);
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
            Some((t.qname(), declared.sql_type(&c.ty.storage())))
        })
        .collect();
    // Every differing partition's bound read back, with its pairs of values to compare.
    let mut differing = Vec::new();
    let mut pairs: Vec<(&str, &str, &str)> = Vec::new();
    for (ti, t) in declared.tables.iter().enumerate() {
        let Some(rt) = read.table(&t.qname()) else { continue };
        let Some((_, ty)) = types.iter().find(|(q, _)| *q == t.qname()) else { continue };
        let (Some(p), Some(rp)) = (t.partition.as_ref(), rt.partition.as_ref()) else { continue };
        for (pi, part) in p.partitions.iter().enumerate() {
            let Some(rpart) = rp.partitions.iter().find(|r| r.name == part.name && r.bound != part.bound) else {
                continue;
            };
            let values: Vec<(&String, &String)> = match (&part.bound, &rpart.bound) {
                (PartitionBound::Range { from, to }, PartitionBound::Range { from: rf, to: rt }) => {
                    from.iter().zip(rf).chain(to.iter().zip(rt)).collect()
                }
                (PartitionBound::In(a), PartitionBound::In(b)) if a.len() == b.len() => a.iter().zip(b).collect(),
                _ => continue,
            };
            differing.push((ti, pi, rpart.bound.clone(), pairs.len()..pairs.len() + values.len()));
            pairs.extend(values.into_iter().map(|(a, b)| (a.as_str(), b.as_str(), ty.as_str())));
        }
    }
    let equal = equal_as(catalog, &pairs);
    let mut settled = 0;
    for (ti, pi, bound, at) in differing {
        if equal[at].iter().all(|&e| e)
            && let Some(p) = declared.tables[ti].partition.as_mut()
        {
            p.partitions[pi].bound = bound;
            settled += 1;
        }
    }
    settled
}
