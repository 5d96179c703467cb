//! Migrations proven on a live server: random changes to every system's model (columns added,
//! dropped, renamed, retyped, made NOT NULL or given defaults, identity columns added; indexes,
//! checks, foreign keys, views, policies, triggers, tables and union values added or dropped;
//! tables renamed, namespaces, grants and functions added; comments changed), each
//! migrated up from a database at the old version and down again. After up, the database must
//! read back (introspection) as exactly the new model; after down, as the old one. The seed and
//! the number of cases print with every failure; `STRATA_MIGRATE_CASES=N` runs more.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::model::{
    Check, CheckOrigin, Column, ColumnType, EnumRepr, Expr, Function, Grant, GrantOn, Identity, Index, IndexKey,
    IndexTarget, Named, Namespace, Ref, Schema, Table,
};
use strata_codegen::{diff, io};
use support::Rng;
use support::migrating::{apply, compare, dumps_as_fresh, rows, survived, survived_as};

/// One random change to `schema`, described; `None` when the draw does not apply to it.
/// `nulls_refused` when it makes a column NOT NULL (or its down migration does, dropping a NOT
/// NULL column), which a table holding a NULL there refuses (as PostgreSQL must): such a change
/// is migrated on empty tables.
fn mutate(schema: &mut Schema, rng: &mut Rng, n: usize) -> Option<(String, bool)> {
    let mut nulls_refused = false;
    let t = rng.below(schema.tables.len() as u64) as usize;
    let json = serde_json::to_string(&schema.declared()).unwrap();
    // A name used elsewhere than its own declaration (a view, policy, function, check...).
    let used = |name: &str| json.matches(&format!("\"{name}\"")).count() + word_count(&json, name);
    let table = &mut schema.tables[t];
    let tname = table.qname().to_string();
    let what = match rng.below(22) {
        0 | 1 => {
            let (ty, default) = rng.pick(&[
                ("text", "'x'"),
                ("integer", "7"),
                ("bigint", "0"),
                ("boolean", "true"),
                ("timestamptz", "now()"),
                ("numeric(10,2)", "1.50"),
                ("varchar(40)", "''"),
                ("jsonb", "'{}'"),
            ]);
            let nullable = rng.chance(50);
            let mut c = column(&format!("m_col_{n}"), ty, nullable);
            if !nullable || rng.chance(50) {
                c.default = Some(Expr::new(default, Default::default()));
            }
            table.columns.push(c);
            format!("add column {tname}.m_col_{n} {ty} nullable={nullable}")
        }
        2 => {
            let c = rng.below(table.columns.len() as u64) as usize;
            let name = table.columns[c].name.clone();
            // Only a column nothing else names: its own declaration mentions it once.
            if used(&name) > 2 || table.columns.len() < 2 {
                return None;
            }
            let column = table.columns.remove(c);
            // Undone, a NOT NULL column without a default cannot come back into rows that
            // have none for it (PostgreSQL refuses, as it must): migrated on empty tables.
            nulls_refused = !column.nullable && column.default.is_none();
            format!("drop column {tname}.{name}")
        }
        3 => {
            let c = pick_plain(table, rng)?;
            let col = &mut table.columns[c];
            col.nullable = !col.nullable;
            nulls_refused = !col.nullable;
            format!("column {tname}.{} nullable={}", col.name, col.nullable)
        }
        4 => {
            let c = pick_plain(table, rng)?;
            let col = &mut table.columns[c];
            let default = match col.ty.to_string().as_str() {
                "text" | "varchar" => "'m'",
                t if t.starts_with("varchar") => "'m'",
                "integer" | "bigint" | "smallint" => "42",
                "boolean" => "false",
                "timestamptz" | "timestamp" => "now()",
                _ => return None,
            };
            let before = col.default.as_ref().map(|d| d.sql.clone());
            col.default = if col.default.is_some() && rng.chance(50) {
                None
            } else {
                Some(Expr::new(default, Default::default()))
            };
            // `CURRENT_TIMESTAMP` for `now()`: the same default, which the differ rightly leaves
            // alone (and pg_dump would print as it was written).
            if let (Some(a), Some(b)) = (&before, &col.default)
                && strata_codegen::sql::normalize::same(a, &b.sql)
            {
                return None;
            }
            format!("column {tname}.{} default={:?}", col.name, col.default.as_ref().map(|d| &d.sql))
        }
        5 => {
            let c = pick_plain(table, rng)?;
            let col = &mut table.columns[c];
            let to = match col.ty.to_string().as_str() {
                "integer" => "bigint",
                "smallint" => "integer",
                t if t.starts_with("varchar") => "text",
                "text" => "varchar(500)",
                _ => return None,
            };
            if used(&col.name) > 2 {
                return None;
            }
            col.ty = ColumnType::parse(to).unwrap();
            col.default = None;
            format!("column {tname}.{} type {to}", col.name)
        }
        6 => {
            if table.indexes.is_empty() {
                return None;
            }
            let i = rng.below(table.indexes.len() as u64) as usize;
            let name = table.indexes.remove(i).name;
            format!("drop index {name}")
        }
        7 => {
            let c = pick_plain(table, rng)?;
            let column = named(&table.columns[c].name);
            // A partition's copy would be numbered past a name taken (`..._idx1`), which the
            // declared model does not predict (introspection reads it as a name of its own).
            let first = |i: &Index| match i.keys.first().map(|k| &k.target) {
                Some(IndexTarget::Column(c)) => c.name == column.name,
                _ => false,
            };
            let own = table.partition.iter().flat_map(|p| &p.partitions).flat_map(|p| &p.indexes);
            let taken = table.indexes.iter().chain(own).any(first);
            if table.partition.is_some() && taken {
                return None;
            }
            let name = format!("m_idx_{n}");
            table.indexes.push(btree(&name, column, rng.chance(30)));
            format!("add index {name} on {tname}")
        }
        8 => {
            let declared: Vec<usize> =
                (0..table.checks.len()).filter(|&k| table.checks[k].origin == CheckOrigin::Declared).collect();
            if declared.is_empty() {
                return None;
            }
            let k = rng.pick(&declared);
            let name = table.checks.remove(k).name;
            format!("drop check {name} on {tname}")
        }
        9 => {
            let c = pick_plain(table, rng)?;
            let col = table.columns[c].name.clone();
            let name = format!("m_check_{n}");
            let not_valid = rng.chance(30);
            table.checks.push(Check {
                name: name.clone(),
                expr: Expr::new(format!("{col} IS NOT NULL OR {col} IS NULL"), Default::default()),
                origin: CheckOrigin::Declared,
                not_valid,
                doc: None,
            });
            format!("add check {name} on {tname} not_valid={not_valid}")
        }
        10 => {
            if table.foreign_keys.is_empty() {
                return None;
            }
            let k = rng.below(table.foreign_keys.len() as u64) as usize;
            let name = table.foreign_keys.remove(k).name;
            format!("drop foreign key {name} on {tname}")
        }
        11 => {
            table.doc = if table.doc.is_some() && rng.chance(40) { None } else { Some(format!("changed {n}")) };
            let c = rng.below(table.columns.len() as u64) as usize;
            table.columns[c].doc = Some(format!("column changed {n}"));
            format!("comments of {tname} and {}", table.columns[c].name)
        }
        12 => {
            if table.policies.is_empty() {
                return None;
            }
            let p = rng.below(table.policies.len() as u64) as usize;
            let policy = &mut table.policies[p];
            let name = policy.name.clone();
            if rng.chance(50) {
                table.policies.remove(p);
                format!("drop policy {name} on {tname}")
            } else {
                let using = policy.using.as_ref()?.sql.clone();
                policy.using = Some(Expr::new(format!("({using}) AND true"), Default::default()));
                format!("policy {name} on {tname}: USING and true")
            }
        }
        13 => {
            if table.triggers.is_empty() {
                return None;
            }
            let k = rng.below(table.triggers.len() as u64) as usize;
            let name = table.triggers.remove(k).name;
            format!("drop trigger {name} on {tname}")
        }
        14 => {
            let enums: Vec<usize> =
                (0..schema.enums.len()).filter(|&e| schema.enums[e].repr == EnumRepr::Type).collect();
            if enums.is_empty() {
                return None;
            }
            let e = &mut schema.enums[rng.pick(&enums)];
            let at = rng.below(e.values.len() as u64 + 1) as usize;
            e.values.insert(at, format!("m_value_{n}"));
            format!("union type {}: value m_value_{n} at {at}", e.qname())
        }
        15 => {
            // Renamed with the hint: the data stays in it.
            let c = pick_plain(table, rng)?;
            let old = table.columns[c].name.clone();
            if used(&old) > 2 {
                return None;
            }
            let col = &mut table.columns[c];
            col.name = format!("m_renamed_{n}");
            col.renamed_from = Some(old.clone());
            format!("rename column {tname}.{old} to m_renamed_{n}")
        }
        16 => {
            // A table nothing else names, without a sequence of its own (which keeps its name,
            // `old_id_seq`, where a fresh table's would be named after it).
            let numbered = table.columns.iter().any(|c| c.identity.is_some() || c.ty.to_string().contains("serial"));
            if used(&table.name) > 2 || numbered || table.partition.is_some() || !table.rows.is_empty() {
                return None;
            }
            let old = std::mem::replace(&mut table.name, format!("m_renamed_{n}"));
            table.renamed_from = Some(old);
            format!("rename table {tname} to m_renamed_{n}")
        }
        17 => {
            // PostgreSQL 15 cannot add an identity column to a partitioned table.
            if table.partition.is_some() {
                return None;
            }
            let by_default = rng.chance(60);
            let mut c = column(&format!("m_ident_{n}"), "bigint", false);
            c.identity = Some(Identity { always: !by_default, options: Default::default(), span: Default::default() });
            table.columns.push(c);
            format!("add identity column {tname}.m_ident_{n} by_default={by_default}")
        }
        18 => {
            if table.partition.is_some() {
                return None;
            }
            let grant = Grant {
                revoke: false,
                privileges: vec!["SELECT".into()],
                on: GrantOn::Tables(vec![Ref {
                    namespace: table.namespace.clone(),
                    name: table.name.clone(),
                    span: Default::default(),
                }]),
                columns: vec![],
                to: vec![named("public")],
                with_grant_option: false,
                span: Default::default(),
            };
            schema.grants.push(grant);
            format!("grant SELECT on {tname} to public")
        }
        19 => {
            let namespace = format!("m_ns_{n}");
            let mut table = Table::new(&namespace, "m_table");
            table.columns.push(column("id", "integer", false));
            table.columns.push(column("at", "timestamptz", true));
            table.indexes.push(btree("m_table_at_idx", named("at"), false));
            schema.tables.push(table);
            // As the sources do: a namespace an object names is declared.
            schema.namespaces.push(Namespace {
                name: namespace.clone(),
                owner: None,
                doc: None,
                span: Default::default(),
            });
            format!("add namespace {namespace} with a table")
        }
        20 => {
            let name = format!("m_fn_{n}");
            let mut f = Function::new(
                &schema.namespace,
                &name,
                "x integer".into(),
                "integer".into(),
                "sql",
                "SELECT x + 1".into(),
            );
            f.volatility = Some("IMMUTABLE".into());
            schema.functions.push(f);
            format!("add function {name}(integer)")
        }
        _ => {
            if rng.chance(50) {
                if schema.views.is_empty() {
                    return None;
                }
                let v = rng.below(schema.views.len() as u64) as usize;
                let name = schema.views[v].name.clone();
                if used(&name) > 1 {
                    return None;
                }
                schema.views.remove(v);
                format!("drop view {name}")
            } else {
                let name = format!("m_table_{n}");
                let mut table = Table::new(&schema.namespace, &name);
                table.columns.push(column("id", "bigint", false));
                table.columns.push(column("note", "text", true));
                table.primary_key = Some(strata_codegen::model::PrimaryKey {
                    name: format!("{name}_pkey"),
                    columns: vec![named("id")],
                    doc: None,
                    span: Default::default(),
                });
                table.doc = Some("added".into());
                schema.tables.push(table);
                format!("add table {name}")
            }
        }
    };
    Some((what, nulls_refused))
}

/// A btree index on one column.
fn btree(name: &str, column: Named, descending: bool) -> Index {
    Index {
        name: name.to_string(),
        keys: vec![IndexKey { target: IndexTarget::Column(column), opclass: None, descending, nulls_first: None }],
        method: "btree".into(),
        unique: false,
        nulls_not_distinct: false,
        predicate: None,
        include: vec![],
        with: vec![],
        doc: None,
        span: Default::default(),
    }
}

fn named(name: &str) -> Named {
    Named { name: name.to_string(), span: Default::default() }
}

fn word_count(text: &str, word: &str) -> usize {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back().is_none_or(|c| !is_word(c));
            let after = text[at + word.len()..].chars().next().is_none_or(|c| !is_word(c));
            before && after
        })
        .count()
}

fn column(name: &str, ty: &str, nullable: bool) -> Column {
    Column { nullable, ..Column::new(name, ColumnType::parse(ty).unwrap()) }
}

/// A column of a built-in type that is no key, identity, generated or serial column.
fn pick_plain(table: &Table, rng: &mut Rng) -> Option<usize> {
    let c = rng.below(table.columns.len() as u64) as usize;
    let col = &table.columns[c];
    let keyed = table.primary_key.iter().flat_map(|k| &k.columns).any(|k| k.name == col.name)
        || table
            .partition
            .as_ref()
            .is_some_and(|p| serde_json::to_string(&p.key).unwrap().contains(&format!("\"{}\"", col.name)));
    let plain = col.identity.is_none() && col.generated.is_none() && !col.ty.to_string().contains("serial");
    (plain && !keyed).then_some(c)
}

/// `old` narrowed to what `new` keeps of it: the tables and columns of both, as `old` names
/// them and as `new` does (a renamed one under its new name).
fn kept(old: &Schema, new: &Schema) -> (Schema, Schema) {
    let renamed = |t: &Table| {
        new.tables.iter().find(|n| n.namespace == t.namespace && n.renamed_from.as_deref() == Some(&t.name))
    };
    let mut kept = old.clone();
    kept.tables.retain(|t| new.table(&t.qname()).is_some() || renamed(t).is_some());
    let mut now = kept.clone();
    for (t, n) in kept.tables.iter_mut().zip(&mut now.tables) {
        let other = new.table(&t.qname()).or_else(|| renamed(t)).unwrap();
        let to =
            |c: &Column| other.columns.iter().find(|o| o.name == c.name || o.renamed_from.as_deref() == Some(&c.name));
        t.columns.retain(|c| to(c).is_some());
        n.columns = t.columns.iter().map(|c| Column { name: to(c).unwrap().name.clone(), ..c.clone() }).collect();
        n.name = other.name.clone();
    }
    (kept, now)
}

#[test]
fn random_changes_migrate_up_and_down() {
    let cases: usize = std::env::var("STRATA_MIGRATE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(4);
    let seed: u64 = std::env::var("STRATA_MIGRATE_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x5eed);
    let mut rng = Rng(seed);
    let (mut ran, mut not_applicable, mut refused, mut with_rows) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        // The system at v1 twice: empty, and with a row in every table that takes one as it is.
        let base = TestDb::new();
        let v1 = support::apply(&mut base.client(), &declared).0;
        let filled = base.copy();
        {
            let mut client = filled.client();
            for table in &v1.tables {
                let _ = support::try_insert_row(&mut client, &v1, table, &HashMap::new());
            }
        }
        for n in 0..cases {
            let mut v2 = v1.clone();
            let Some((what, nulls_refused)) = mutate(&mut v2, &mut rng, n) else {
                not_applicable += 1;
                continue;
            };
            if strata_codegen::check::check(&v2).has_errors() {
                refused += 1;
                continue;
            }
            ran += 1;
            with_rows += usize::from(!nulls_refused);
            let db = if nulls_refused { base.copy() } else { filled.copy() };
            let mut client = db.client();
            let (kept, renamed) = kept(&v1, &v2);
            let before = rows(&mut client, &kept);
            let outcome = apply(&mut client, &v1, &v2)
                .and_then(|()| survived_as(&mut client, &kept, &renamed, &before).map_err(|e| format!("after up: {e}")))
                .and_then(|()| compare(&mut client, &v2).map_err(|d| format!("after up:\n{d}")))
                .and_then(|()| dumps_as_fresh(&db.config(), &v2).map_err(|d| format!("after up: {d}")))
                .and_then(|()| apply(&mut client, &v2, &v1))
                .and_then(|()| survived(&mut client, &kept, &before).map_err(|e| format!("after down: {e}")))
                .and_then(|()| compare(&mut client, &v1).map_err(|d| format!("after down:\n{d}")));
            if let Err(e) = outcome {
                failures.push(format!("{} case {n} ({what}): {e}", v1.name));
            }
        }
    }
    eprintln!(
        "migrate: {ran} random changes migrated up and down, {with_rows} of them with rows that survived \
         ({not_applicable} draws did not apply, {refused} refused by the checks), seed {seed}"
    );
    assert!(failures.is_empty(), "{} of {ran} failed:\n{}", failures.len(), failures.join("\n\n"));
}

/// A fixture's version: `tests/fixtures/migrations/<case>/<version>.toml`, compiled.
fn fixture(case: &Path, version: &str) -> Schema {
    let path = case.join(format!("{version}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let compiled = strata_codegen::compile_toml_str([(path.to_str().unwrap(), text.as_str())]);
    compiled.schema.unwrap_or_else(|| panic!("{}:\n{}", path.display(), compiled.diagnostics.render(&compiled.sources)))
}

/// The migration files between two versions, as `strata generate --name` writes them.
fn migration_text(v1: &Schema, v2: &Schema) -> String {
    let files = strata_codegen::migrations::migration(v1, v2, "0002_change");
    files.into_iter().filter(|(p, _)| p.ends_with(".sql")).map(|(_, text)| text).collect::<Vec<_>>().join("\n")
}

/// Each case of tests/fixtures/migrations: its up and down migration (snapshot), each applied
/// live and read back as the version it leads to; no version differs from itself.
#[test]
fn fixture_migrations_apply_up_and_down() {
    let mut cases: Vec<_> =
        std::fs::read_dir("tests/fixtures/migrations").unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (v1, v2) = (fixture(case, "v1"), fixture(case, "v2"));
        assert!(
            diff::diff(&v1, &v1).is_empty() && diff::diff(&v2, &v2).is_empty(),
            "{name}: a version differs from itself"
        );
        insta::assert_snapshot!(format!("migrations__{name}"), migration_text(&v1, &v2));
        let db = TestDb::new();
        let mut client = db.client();
        client.batch_execute(&strata_codegen::generate::files(&v1)[0].1).unwrap();
        // Rows that must survive the migration: data.sql inserts them, after_up.sql says they did.
        let optional = |file: &str| std::fs::read_to_string(case.join(file)).ok();
        if let Some(data) = optional("data.sql") {
            client.batch_execute(&data).unwrap();
        }
        let rows_kept = |client: &mut postgres::Client| match optional("after_up.sql") {
            Some(query) => match client.query_one(&query, &[]).map(|row| row.get::<_, bool>(0)) {
                Ok(true) => Ok(()),
                other => Err(format!("rows did not survive: {other:?}")),
            },
            None => Ok(()),
        };
        let outcome = apply(&mut client, &v1, &v2)
            .and_then(|()| rows_kept(&mut client))
            .and_then(|()| compare(&mut client, &v2).map_err(|d| format!("after up:\n{d}")))
            .and_then(|()| dumps_as_fresh(&db.config(), &v2).map_err(|d| format!("after up: {d}")))
            .and_then(|()| apply(&mut client, &v2, &v1))
            .and_then(|()| compare(&mut client, &v1).map_err(|d| format!("after down:\n{d}")));
        if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every committed migration of every system, up and down, is lint-clean (`lint_clean`): the
/// generator and `strata lint` agree.
#[test]
fn committed_migrations_are_lint_clean() {
    let mut checked = 0;
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let schema = io::compile_folder(&dir).unwrap().schema.unwrap();
        let out = Path::new("generated").join(dir.file_name().unwrap());
        for m in io::read_migrations(&out).unwrap() {
            // The first one's down takes the schema back to nothing (`migrate down` asks before
            // it deletes rows).
            let first = m.dir.starts_with("0001_");
            for (file, sql, to_nothing) in [("up.sql", &m.up, false), ("down.sql", &m.down, first)] {
                support::migrating::lint_clean(sql, &schema, &schema, to_nothing)
                    .unwrap_or_else(|e| panic!("{}/migrations/{}/{file}: {e}", out.display(), m.dir));
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} files");
}

/// A migration's snapshot reads back as the model it records: the next diff from it is empty.
#[test]
fn snapshots_read_back_as_their_models() {
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let schema = io::compile_folder(&dir).unwrap().schema.unwrap();
        let files =
            strata_codegen::migrations::migration(&strata_codegen::migrations::empty(&schema), &schema, "0001_init");
        let (_, json) = files.iter().find(|(p, _)| p.ends_with(strata_codegen::migrations::SNAPSHOT)).unwrap();
        let read = strata_codegen::migrations::read_snapshot("0001_init", json).unwrap();
        let changes = diff::diff(&read, &schema);
        assert!(changes.is_empty(), "{}: {changes:?}", dir.display());
        assert_eq!(read.declared(), schema.declared(), "{}", dir.display());
    }
}

const EVENTS: &str = r#"
[schema]
name = "events"
[tables.events]
primary_key = ["at", "n"]
[tables.events.columns]
at = "date"
n = "bigint"
[tables.events.partition]
by = "range"
key = ["at"]
interval = "year"
from = "2026-01-01"
count = 1
"#;

/// An identity column added to a partitioned table with partitions: PostgreSQL 15 refuses the
/// ALTER, and `strata generate` refuses the migration first, saying what to do instead; creating
/// the table with the identity column (the first migration) is fine, as PostgreSQL agrees.
#[test]
fn an_identity_column_added_to_a_partitioned_table_is_refused_as_postgresql_does() {
    let compile = |text: &str| strata_codegen::compile_toml_str([("events.toml", text)]).schema.unwrap();
    let before = compile(EVENTS);
    let after = compile(&format!("{EVENTS}[tables.events.columns.id]\ntype = \"bigint\"\nidentity = \"always\"\n"));
    let first = strata_codegen::migrations::chain(&before, &[], Default::default()).unwrap();
    let existing: Vec<strata_codegen::migrations::Migration> = vec![strata_codegen::migrations::Migration {
        dir: "0001_init".into(),
        up: first.iter().find(|(p, _)| p.ends_with("up.sql")).unwrap().1.clone(),
        down: first.iter().find(|(p, _)| p.ends_with("down.sql")).unwrap().1.clone(),
        snapshot: first.iter().find(|(p, _)| p.ends_with(strata_codegen::migrations::SNAPSHOT)).map(|(_, t)| t.clone()),
    }];
    let next = strata_codegen::migrations::Next { name: Some("add_id"), ..Default::default() };
    let refused = strata_codegen::migrations::chain(&after, &existing, next).unwrap_err().to_string();
    assert!(refused.contains("identity column events.id") && refused.contains("nextval"), "{refused}");
    // PostgreSQL agrees: the ALTER strata would write fails; the table made with it does not.
    let db = TestDb::new();
    let mut client = db.client();
    apply(&mut client, &strata_codegen::migrations::empty(&before), &before).unwrap();
    let err = apply(&mut client, &before, &after).unwrap_err();
    assert!(err.contains("cannot recursively add identity column"), "{err}");
    client.batch_execute("DROP TABLE events").unwrap();
    apply(&mut client, &strata_codegen::migrations::empty(&after), &after).unwrap();
}

/// A CHECK added to a populated table, and a column made NOT NULL, are validated in a
/// transaction of their own, once the ADD has committed: while VALIDATE scans the rows, the
/// migrating session holds no ACCESS EXCLUSIVE lock on the table, so writes go on (issue 31).
/// An observer samples pg_locks for the migrating backend while its query is the VALIDATE.
#[test]
fn validation_holds_no_access_exclusive_lock() {
    let v1 = r#"
[schema]
name = "big"
[tables.big.columns]
id = { type = "bigint", primary_key = true }
n = { type = "integer", nullable = true }
"#;
    let v2 = format!(
        "{v1}m = {{ type = \"integer\", nullable = true }}\n[tables.big]\nchecks = [{{ name = \"n_positive\", expr = \"n > 0\" }}]\n"
    );
    let v3 = v1.replace("n = { type = \"integer\", nullable = true }", "n = \"integer\"");
    let compile = |text: &str| strata_codegen::compile_toml_str([("big.toml", text)]).schema.expect("compiles");
    let (v1, v2, v3) = (compile(v1), compile(&v2), compile(&v3));
    for (to, what) in [(&v2, "a CHECK"), (&v3, "NOT NULL")] {
        let db = TestDb::new();
        let mut client = db.client();
        client.batch_execute(&strata_codegen::generate::files(&v1)[0].1).unwrap();
        client.batch_execute("INSERT INTO big SELECT g, 1 FROM generate_series(1, 3000000) g").unwrap();
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        let done = std::sync::atomic::AtomicBool::new(false);
        let (seen, exclusive) = std::thread::scope(|s| {
            let observer = s.spawn(|| {
                let mut watch = db.client();
                let (mut seen, mut exclusive) = (0, 0);
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let row = watch
                        .query_one(
                            "SELECT coalesce(bool_or(a.query ILIKE '%VALIDATE CONSTRAINT%'), false), \
                             coalesce(bool_or(l.mode = 'AccessExclusiveLock' AND l.granted), false) \
                             FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid \
                             AND l.relation = 'big'::regclass WHERE a.pid = $1 AND a.state = 'active'",
                            &[&pid],
                        )
                        .unwrap();
                    let (validating, locked): (bool, bool) = (row.get(0), row.get(1));
                    if validating {
                        seen += 1;
                        exclusive += usize::from(locked);
                    }
                }
                (seen, exclusive)
            });
            let applied = apply(&mut client, &v1, to);
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            applied.unwrap();
            observer.join().unwrap()
        });
        println!("{what}: VALIDATE seen running {seen} times, with an ACCESS EXCLUSIVE lock {exclusive} times");
        assert!(seen > 0, "{what}: the observer never saw the VALIDATE running");
        assert_eq!(exclusive, 0, "{what}: VALIDATE ran while the session held ACCESS EXCLUSIVE on the table");
        compare(&mut client, to).unwrap();
    }
}

/// A column's type change is labelled "rewrites the table" exactly when PostgreSQL rewrites it
/// (the table's relfilenode changes), on a table with rows: a varchar widened or made text, a
/// numeric given more digits, change in place; a narrowing or a new representation rewrites.
#[test]
fn type_changes_rewrite_exactly_when_the_hazard_says() {
    let pairs = [
        ("varchar(20)", "text"),
        ("varchar(20)", "varchar(40)"),
        ("varchar(40)", "varchar(20)"),
        ("varchar(20)", "varchar"),
        ("text", "varchar"),
        ("text", "varchar(40)"),
        ("varchar", "varchar(40)"),
        ("integer", "bigint"),
        ("smallint", "integer"),
        ("bigint", "integer"),
        ("numeric(10,2)", "numeric(12,2)"),
        ("numeric(10,2)", "numeric(12,4)"),
        ("numeric(10,2)", "numeric"),
        ("numeric", "numeric(10,2)"),
        ("numeric(12,2)", "numeric(10,2)"),
        ("char(10)", "char(20)"),
        ("integer", "numeric(12,2)"),
    ];
    // Integers keep a default through the change (PostgreSQL converts it), the rest have none.
    let integer = |ty: &str| ["smallint", "integer", "bigint"].contains(&ty);
    let schema = |ty: &str| {
        let default = if integer(ty) { ", default = \"7\"" } else { "" };
        let text = format!(
            "[schema]\nname = \"m\"\n[tables.t.columns]\nid = {{ type = \"integer\", primary_key = true }}\nc = {{ type = \"{ty}\", nullable = true{default} }}\n"
        );
        let compiled = strata_codegen::compile_toml_str([("m.toml", text.as_str())]);
        compiled.schema.unwrap_or_else(|| panic!("{ty}: {}", compiled.diagnostics.render(&compiled.sources)))
    };
    let base = TestDb::new();
    let mut wrong = Vec::new();
    for (from, to) in pairs {
        let (v1, v2) = (schema(from), schema(to));
        let db = base.copy();
        let mut client = db.client();
        client.batch_execute(&strata_codegen::generate::files(&v1)[0].1).unwrap();
        client
            .batch_execute(&format!("INSERT INTO t SELECT g, (g % 10)::text::{from} FROM generate_series(1, 1000) g"))
            .unwrap();
        let file = |client: &mut postgres::Client| -> u32 {
            client.query_one("SELECT relfilenode FROM pg_class WHERE oid = 't'::regclass", &[]).unwrap().get(0)
        };
        let before = file(&mut client);
        let script = strata_codegen::migrations::file("m", &strata_codegen::migrations::statements(&v1, &v2));
        let header = script.lines().find(|l| l.starts_with("-- AlterColumnType c")).unwrap_or_default().to_string();
        apply(&mut client, &v1, &v2).unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
        let rewritten = file(&mut client) != before;
        compare(&mut client, &v2).unwrap_or_else(|e| panic!("{from} -> {to}: reads back otherwise:\n{e}"));
        if script.contains("DropDefault") && integer(from) && integer(to) {
            wrong.push(format!("{from} -> {to}: the default was taken off and set again:\n{script}"));
        }
        if rewritten != header.contains("rewrites the table") {
            wrong.push(format!("{from} -> {to}: PostgreSQL rewrote: {rewritten}; `{header}`"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What PostgreSQL does when one change of a migration runs, on the tables that were there
/// before it: which it rewrote (their relfilenode changed) and which it locked ACCESS EXCLUSIVE
/// (pg_locks, read before the change's transaction commits; a change that runs alone takes no
/// such lock by what it is, CONCURRENTLY or a new union value, and is run as it is).
fn observed(
    client: &mut postgres::Client,
    change: &strata_codegen::render::sql::ChangeSql,
) -> Result<(bool, bool), String> {
    const FILES: &str = "SELECT c.oid, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'strata') ORDER BY 1";
    let files = |client: &mut postgres::Client| -> Result<Vec<(u32, u32)>, String> {
        let rows = client.query(FILES, &[]).map_err(|e| e.to_string())?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    };
    let before = files(client)?;
    let mut locked = false;
    if change.transaction {
        let mut tx = client.transaction().map_err(|e| e.to_string())?;
        tx.batch_execute(&change.sql).map_err(|e| format!("{}: {e:?}", change.description))?;
        let tables: Vec<u32> = before.iter().map(|(t, _)| *t).collect();
        locked = tx
            .query_one(
                "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock' \
                 AND relation = ANY($1))",
                &[&tables],
            )
            .map_err(|e| e.to_string())?
            .get(0);
        tx.commit().map_err(|e| e.to_string())?;
    } else {
        client.batch_execute(&change.sql).map_err(|e| format!("{}: {e:?}", change.description))?;
    }
    let after = files(client)?;
    let rewritten = before.iter().any(|(t, f)| after.iter().any(|(u, g)| u == t && g != f));
    Ok((rewritten, locked))
}

/// Hazards are what PostgreSQL does: over random changes of every system (tables holding
/// rows) and the fixtures, each change is run on its own and observed (`observed`): a table
/// rewritten exactly when its header says "rewrites the table", an ACCESS EXCLUSIVE lock on a
/// table that was there exactly when it says "ACCESS EXCLUSIVE lock" (or deletes the table).
#[test]
fn hazards_are_what_postgresql_does() {
    use strata_codegen::diff::Hazard;
    let cases: usize = std::env::var("STRATA_MIGRATE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(4);
    let mut rng = Rng(0x10c5);
    let mut pairs: Vec<(String, Schema, Schema, Option<String>)> = Vec::new();
    let mut cases_dir: Vec<_> =
        std::fs::read_dir("tests/fixtures/migrations").unwrap().map(|e| e.unwrap().path()).collect();
    cases_dir.sort();
    for case in &cases_dir {
        let data = std::fs::read_to_string(case.join("data.sql")).ok();
        pairs.push((case.display().to_string(), fixture(case, "v1"), fixture(case, "v2"), data));
    }
    let mut systems = Vec::new();
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        let base = TestDb::new();
        let v1 = support::apply(&mut base.client(), &declared).0;
        {
            let mut client = base.client();
            for table in &v1.tables {
                let _ = support::try_insert_row(&mut client, &v1, table, &HashMap::new());
            }
        }
        for n in 0..cases {
            let mut v2 = v1.clone();
            let Some((what, nulls_refused)) = mutate(&mut v2, &mut rng, n) else { continue };
            if nulls_refused || strata_codegen::check::check(&v2).has_errors() {
                continue;
            }
            systems.push((format!("{} case {n} ({what})", v1.name), base.copy(), v1.clone(), v2));
        }
    }
    let (mut changes, mut wrong) = (0, Vec::new());
    let mut judge = |what: &str, client: &mut postgres::Client, v1: &Schema, v2: &Schema| {
        for change in strata_codegen::migrations::statements(v1, v2) {
            let (rewritten, locked) = match observed(client, &change) {
                Ok(seen) => seen,
                Err(e) => return wrong.push(format!("{what}: {e}")),
            };
            changes += 1;
            let says = |h: Hazard| change.hazards.contains(&h);
            let lock_said = says(Hazard::LocksTable);
            if rewritten != says(Hazard::RewritesTable) || (change.transaction && locked != lock_said) {
                wrong.push(format!(
                    "{what}: `{}`: PostgreSQL rewrote: {rewritten}, locked ACCESS EXCLUSIVE: {locked}",
                    change.header()
                ));
            }
        }
    };
    for (what, v1, v2, data) in &pairs {
        let db = TestDb::new();
        let mut client = db.client();
        client.batch_execute(&strata_codegen::generate::files(v1)[0].1).unwrap();
        if let Some(data) = data {
            client.batch_execute(data).unwrap();
        }
        judge(what, &mut client, v1, v2);
    }
    for (what, db, v1, v2) in &systems {
        judge(what, &mut db.client(), v1, v2);
    }
    eprintln!("hazards: {changes} changes of {} migrations observed on PostgreSQL", pairs.len() + systems.len());
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

/// `diff::castable` is PostgreSQL's judgement: for every ordered pair of the column types it
/// judges, `CAST(NULL::from AS to)` succeeds on a live server exactly when it says there is a
/// cast (else generate refuses the retype, which `USING column::to` could never run).
#[test]
fn castable_is_what_postgresql_casts() {
    use strata_codegen::model::QName;
    let names = [
        "smallint",
        "integer",
        "bigint",
        "numeric(10,2)",
        "numeric",
        "real",
        "double precision",
        "boolean",
        "text",
        "varchar(20)",
        "char(5)",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "interval",
        "json",
        "jsonb",
        "uuid",
        "bytea",
        "inet",
        "cidr",
        "tsvector",
        "integer[]",
        "text[]",
        "bigint[]",
        "uuid[]",
    ];
    let mut types: Vec<(String, ColumnType)> =
        names.iter().map(|n| (n.to_string(), ColumnType::parse(n).unwrap())).collect();
    for e in ["mood", "tone"] {
        types.push((e.to_string(), ColumnType::Scalar(strata_codegen::model::Scalar::Enum(QName::new("public", e)))));
    }
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute("CREATE TYPE mood AS ENUM ('up'); CREATE TYPE tone AS ENUM ('up')").unwrap();
    let (mut judged, mut wrong) = (0, Vec::new());
    for (from, a) in &types {
        for (to, b) in &types {
            let Some(says) = strata_codegen::diff::castable(a, b) else { continue };
            judged += 1;
            let casts = client.simple_query(&format!("SELECT CAST(NULL::{from} AS {to})")).is_ok();
            if casts != says {
                wrong.push(format!("{from} -> {to}: PostgreSQL casts: {casts}, castable says {says}"));
            }
        }
    }
    eprintln!("castable: {judged} type pairs judged as PostgreSQL does");
    assert!(judged > 700, "only {judged} pairs judged");
    assert!(wrong.is_empty(), "{} of {judged} wrong:\n{}", wrong.len(), wrong.join("\n"));
}
