//! Shared by the migration tests: a migration applied live, and what proves it right (the
//! database reads back as the version, its rows survive, pg_dump prints it as a fresh one).

#![allow(dead_code)]

use std::collections::BTreeMap;

use postgres::Client;
use strata::live::PgCatalog;
use strata_codegen::migrations;
use strata_codegen::model::Schema;
use strata_codegen::sql::{ident, qualified};
use strata_codegen::{source::live, verify};

/// Applies the migration from `old` to `new` as `strata generate` writes it, as strata's
/// runtime runs it (`strata::script`: in transactions, those marked to run alone alone), once
/// it is proven lint-clean (`lint_clean`).
pub fn apply(client: &mut Client, old: &Schema, new: &Schema) -> Result<(), String> {
    let script = migrations::file("migration", &migrations::statements(old, new));
    lint_clean(&script, old, new, new.tables.is_empty()).map_err(|e| format!("{e}\n{script}"))?;
    strata::script::run(client, &strata::script::statements(&script).unwrap())
        .map_err(|e| format!("line {}: {:?}\n{script}", e.statement.line, e.error))
}

/// The lint's rules about locks, which a generated migration keeps by construction: it builds
/// indexes and keys CONCURRENTLY, adds constraints NOT VALID and validates them apart, and sets
/// NOT NULL over a validated CHECK.
const LOCKS_KEPT: &[&str] = &[
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "adding-not-nullable-field",
];

/// A generated migration from `old` to `new` is lint-clean: no finding of a rule in
/// `LOCKS_KEPT`, and any other finding (data deleted, a name or type changed: the change
/// itself) is on a statement whose header declares its hazards, unless the migration takes the
/// schema back `to_nothing` (the first migration's down), which is what it is for and names
/// none. Two exceptions, declared as hazards too: an index built or dropped in a transaction on
/// a partitioned table, which PostgreSQL cannot build or drop CONCURRENTLY (strata builds it per
/// partition where it knows them: not those pg_partman or the application makes), and a CHECK
/// or foreign key added to one valid, which PostgreSQL 15 cannot add NOT VALID there; and the
/// indexes and CHECKs rebuilt around a union type replaced under their table, in the swap's
/// transaction, which rewrites the table and every index on it under its lock anyway (and
/// leaves nothing missing between transactions).
pub fn lint_clean(script: &str, old: &Schema, new: &Schema, to_nothing: bool) -> Result<(), String> {
    let mut in_transaction: Vec<String> = Vec::new();
    for t in [old, new].iter().flat_map(|s| &s.tables).filter(|t| t.partition.is_some()) {
        in_transaction.push(ident(&t.name).into_owned());
        in_transaction.extend(t.indexes.iter().map(|i| ident(&i.name).into_owned()));
        // Its partitions' own indexes are attached to its indexes, and dropped with them.
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            in_transaction.extend(p.index_names.iter().map(|(_, own)| ident(own).into_owned()));
            in_transaction.extend(p.indexes.iter().map(|i| ident(&i.name).into_owned()));
        }
    }
    let partitioned: Vec<String> = [old, new]
        .iter()
        .flat_map(|s| &s.tables)
        .filter(|t| t.partition.is_some())
        .map(|t| ident(&t.name).into_owned())
        .collect();
    let swapped: Vec<String> =
        strata_codegen::diff::swapped_columns(old, new).iter().map(|(t, _)| ident(&t.name).into_owned()).collect();
    for t in new.tables.iter().filter(|t| swapped.contains(&ident(&t.name).into_owned())) {
        in_transaction.push(ident(&t.name).into_owned());
        in_transaction.extend(t.indexes.iter().map(|i| ident(&i.name).into_owned()));
    }
    let index_rule = |rule: &str| rule.starts_with("require-concurrent-index-");
    let lines: Vec<&str> = script.lines().collect();
    let mut wrong = Vec::new();
    for f in strata_codegen::lint::lint(script)? {
        let header = lines[..f.line - 1].iter().rev().find(|l| l.starts_with("-- ")).copied().unwrap_or("");
        let declared = to_nothing || header.contains("(hazards: ");
        let excepted = (index_rule(f.rule) && in_transaction.iter().any(|n| f.message.contains(&format!("{n} "))))
            || (f.rule == "constraint-missing-not-valid"
                && swapped.iter().chain(&partitioned).any(|t| f.message.contains(&format!("to {t} "))));
        if (LOCKS_KEPT.contains(&f.rule) && !excepted) || !declared {
            wrong.push(format!("line {}: {} ({}), under `{header}`", f.line, f.message, f.rule));
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(format!("not lint-clean:\n{}", wrong.join("\n"))) }
}

/// What the database reads back as, against `expected`: the differences, rendered.
pub fn compare(client: &mut Client, expected: &Schema) -> Result<(), String> {
    let namespaces = live::namespaces_of(expected);
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    let read = live::introspect(&mut PgCatalog(client), &expected.name, &namespaces).map_err(|e| format!("{e:?}"))?;
    let mut expected = expected.clone();
    verify::settle(&mut PgCatalog(client), &mut expected, &read);
    let differences = verify::differences(&expected, &read);
    if differences.is_empty() {
        return Ok(());
    }
    Err(verify::render(&differences, &Default::default()))
}

/// Every row of every table of `schema`, each as the text of its columns (those `schema`
/// declares, so rows written at an older version read the same at a newer one), sorted.
pub fn rows(client: &mut Client, schema: &Schema) -> BTreeMap<String, Vec<String>> {
    schema
        .tables
        .iter()
        .map(|t| {
            let columns: Vec<String> = t.columns.iter().map(|c| format!("{}::text", ident(&c.name))).collect();
            let query = format!(
                "SELECT ROW({})::text FROM {} ORDER BY 1",
                columns.join(", "),
                qualified(&t.namespace, &t.name)
            );
            let rows = client.query(&query, &[]).unwrap_or_else(|e| panic!("{query}: {e:?}"));
            (t.qname().to_string(), rows.iter().map(|r| r.get(0)).collect())
        })
        .collect()
}

/// Whether the rows of `schema`'s tables are still `before`: the tables and rows that changed.
pub fn survived(client: &mut Client, schema: &Schema, before: &BTreeMap<String, Vec<String>>) -> Result<(), String> {
    survived_as(client, schema, schema, before)
}

/// `survived`, the tables and columns of `then` (which `before` was read by) now named as in
/// `now` (renamed), table for table and column for column.
pub fn survived_as(
    client: &mut Client,
    then: &Schema,
    now: &Schema,
    before: &BTreeMap<String, Vec<String>>,
) -> Result<(), String> {
    let mut read = rows(client, now);
    let after: BTreeMap<String, Vec<String>> = then
        .tables
        .iter()
        .zip(&now.tables)
        .filter_map(|(t, n)| Some((t.qname().to_string(), read.remove(&n.qname().to_string())?)))
        .collect();
    let lost: Vec<String> = before
        .iter()
        .filter(|(t, rows)| after.get(*t) != Some(rows))
        .map(|(t, rows)| format!("{t}: {rows:?} became {:?}", after.get(t)))
        .collect();
    if lost.is_empty() { Ok(()) } else { Err(format!("rows did not survive:\n{}", lost.join("\n"))) }
}

/// `pg_dump --schema-only` of the namespaces as a sorted multiset of lines (an ACL lists grants
/// in the order they were made), without the dump's comments and settings.
pub fn dump_lines(config: &postgres::Config, namespaces: &[String]) -> Vec<String> {
    let dump = super::pg_dump(config, namespaces);
    let mut lines: Vec<String> = dump
        .lines()
        .filter(|l| !(l.is_empty() || l.starts_with("--") || l.starts_with("SET ") || l.starts_with('\\')))
        .filter(|l| !l.starts_with("SELECT pg_catalog.set_config"))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The lines in which two dumps differ (`-` only in `a`, `+` only in `b`), at most 40.
pub fn dump_difference(a: &[String], b: &[String]) -> Option<String> {
    if a == b {
        return None;
    }
    let only = |x: &[String], y: &[String], sign| {
        x.iter().filter(|l| !y.contains(l)).map(move |l| format!("{sign} {l}")).collect::<Vec<_>>()
    };
    let diff = [only(a, b, '-'), only(b, a, '+')].concat();
    Some(format!("pg_dump --schema-only differs:\n{}", diff[..diff.len().min(40)].join("\n")))
}

/// Whether the database at `config`, migrated to `schema`, dumps as a fresh database created
/// from `schema` does. Column lines are compared without their trailing comma: a column that a
/// migration added comes last, where a fresh table has it in declaration order.
pub fn dumps_as_fresh(config: &postgres::Config, schema: &Schema) -> Result<(), String> {
    let fresh = strata::testing::TestDb::new();
    fresh
        .client()
        .batch_execute(&strata_codegen::generate::sql_files(schema)[0].1)
        .map_err(|e| format!("a fresh database does not take the schema: {e:?}"))?;
    let namespaces = live::namespaces_of(schema);
    let lines = |config: &postgres::Config| {
        let mut lines: Vec<String> = dump_lines(config, &namespaces)
            .into_iter()
            .map(|l| l.strip_suffix(',').map(str::to_string).unwrap_or(l))
            .collect();
        lines.sort();
        lines
    };
    match dump_difference(&lines(&fresh.config()), &lines(config)) {
        None => Ok(()),
        Some(d) => Err(format!("migrated (+) against fresh (-): {d}")),
    }
}
