//! The seeds' own histories as migration chains: the agentic platform (seed 003) delivered in
//! its four phases (`schema/agentic/phaseN.toml`), and AutoSDLC (seed 002) before and after the
//! document's `001_add_tdd_support` migration. The committed `generated/<system>/migrations`
//! are exactly the chain these versions give (`STRATA_BLESS_HISTORY=1` writes them again), and
//! each migration, applied live in order, leaves a database that reads back as its version,
//! dumps as a fresh one, and keeps every row written before it; down leads back version by
//! version to an empty database.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::migrations::{self, Migration, Next};
use strata_codegen::model::Schema;
use support::migrating::{apply, compare, dumps_as_fresh, rows, survived};

/// A system's versions, oldest first, each with the name of the migration that reaches it.
struct History {
    system: &'static str,
    versions: Vec<(&'static str, Schema)>,
}

fn compile(files: &[&str]) -> Schema {
    let texts: Vec<(String, String)> =
        files.iter().map(|f| (f.to_string(), std::fs::read_to_string(f).unwrap())).collect();
    let compiled = strata_codegen::compile_toml_str(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    compiled.schema.unwrap_or_else(|| panic!("{files:?}:\n{}", compiled.diagnostics.render(&compiled.sources)))
}

/// Seed 003's delivery phases: phase N is schema.toml and phase1..phaseN.toml.
fn agentic() -> History {
    let names = ["phase1", "phase2", "phase3", "phase4"];
    let versions = (1..=names.len())
        .map(|n| {
            let files: Vec<String> = std::iter::once("schema/agentic/schema.toml".to_string())
                .chain(names[..n].iter().map(|p| format!("schema/agentic/{p}.toml")))
                .collect();
            (names[n - 1], compile(&files.iter().map(String::as_str).collect::<Vec<_>>()))
        })
        .collect();
    History { system: "agentic", versions }
}

/// Seed 002 before its migration `001_add_tdd_support` (which adds three columns to tasks, one
/// to agents, and here the union type of `tdd_phase`) and after it, as declared.
fn autosdlc() -> History {
    let now = strata_codegen::io::compile_folder(Path::new("schema/autosdlc")).unwrap().schema.unwrap();
    let mut before = now.clone();
    let table = |s: &mut Schema, name: &str| s.tables.iter_mut().position(|t| t.name == name).unwrap();
    let tasks = table(&mut before, "tasks");
    before.tables[tasks]
        .columns
        .retain(|c| !["test_specification", "tdd_phase", "test_results"].contains(&c.name.as_str()));
    before.tables[tasks].checks.retain(|c| c.name != "tasks_tdd_phase_check");
    let agents = table(&mut before, "agents");
    before.tables[agents].columns.retain(|c| c.name != "tdd_metrics");
    before.enums.retain(|e| e.name != "tdd_phase");
    assert!(!strata_codegen::check::check(&before).has_errors(), "AutoSDLC before the TDD migration has errors");
    History { system: "autosdlc", versions: vec![("init", before), ("add_tdd_support", now)] }
}

/// The migration files a history gives, as `strata generate --name` writes them version by version.
fn chain(history: &History) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (name, schema) in &history.versions {
        let existing = as_migrations(&files);
        files = migrations::chain(schema, &existing, Next { name: Some(name), ..Default::default() })
            .unwrap_or_else(|e| panic!("{} {name}: {e}", history.system));
    }
    files
}

fn as_migrations(files: &[(String, String)]) -> Vec<Migration> {
    let mut dirs: Vec<&str> =
        files.iter().filter_map(|(p, _)| p.strip_prefix("migrations/")?.split('/').next()).collect();
    dirs.dedup();
    let file = |dir: &str, name: &str| {
        files.iter().find(|(p, _)| *p == format!("migrations/{dir}/{name}")).map(|(_, t)| t.clone())
    };
    dirs.into_iter()
        .map(|dir| Migration {
            dir: dir.to_string(),
            up: file(dir, "up.sql").unwrap(),
            down: file(dir, "down.sql").unwrap(),
            snapshot: file(dir, migrations::SNAPSHOT),
        })
        .collect()
}

#[test]
fn the_committed_migrations_are_the_seeds_histories() {
    for history in [agentic(), autosdlc()] {
        let out = Path::new("generated").join(history.system);
        let want = chain(&history);
        let have = as_migrations(&want).iter().map(|m| m.dir.clone()).collect::<Vec<_>>().join(", ");
        if std::env::var_os("STRATA_BLESS_HISTORY").is_some() {
            let _ = std::fs::remove_dir_all(out.join("migrations"));
            for (path, text) in &want {
                let path = out.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
        }
        let committed = strata_codegen::io::read_migrations(&out).unwrap();
        let committed_dirs = committed.iter().map(|m| m.dir.clone()).collect::<Vec<_>>().join(", ");
        assert_eq!(committed_dirs, have, "{}: the committed migrations are not the history's", history.system);
        for (path, text) in &want {
            let on_disk = std::fs::read_to_string(out.join(path)).unwrap();
            assert!(
                on_disk == *text,
                "generated/{}/{path} is not what the history gives; when the renderer changed on purpose, \
                 write them again with STRATA_BLESS_HISTORY=1 cargo test --test history",
                history.system
            );
        }
    }
}

#[test]
fn the_seeds_histories_migrate_up_and_down_live() {
    for history in [agentic(), autosdlc()] {
        let db = TestDb::new();
        let mut client = db.client();
        // What this server can hold of each version (no pgvector here: its columns are SKIPPED).
        let versions: Vec<(&str, Schema)> =
            history.versions.iter().map(|(n, s)| (*n, support::applicable(&mut client, s).0)).collect();
        let empty = migrations::empty(&versions[0].1);
        let mut at = &empty;
        for (name, version) in &versions {
            let before = rows(&mut client, at);
            let step = format!("{} up to {name}", history.system);
            apply(&mut client, at, version).unwrap_or_else(|e| panic!("{step}: {e}"));
            survived(&mut client, at, &before).unwrap_or_else(|e| panic!("{step}: {e}"));
            compare(&mut client, version).unwrap_or_else(|e| panic!("{step}: reads back otherwise:\n{e}"));
            dumps_as_fresh(&db.config(), version).unwrap_or_else(|e| panic!("{step}: {e}"));
            // Rows for the next migration to keep: one in every table that takes one as it is.
            for table in &version.tables {
                let _ = support::try_insert_row(&mut client, version, table, &HashMap::new());
            }
            at = version;
        }
        let filled = rows(&mut client, at).values().filter(|r| !r.is_empty()).count();
        assert!(filled * 2 > at.tables.len(), "{}: only {filled} tables took a row", history.system);
        for k in (0..versions.len()).rev() {
            let (to, name) = match k {
                0 => (&empty, "nothing"),
                _ => (&versions[k - 1].1, versions[k - 1].0),
            };
            let step = format!("{} down from {} to {name}", history.system, versions[k].0);
            let before = rows(&mut client, to);
            apply(&mut client, &versions[k].1, to).unwrap_or_else(|e| panic!("{step}: {e}"));
            survived(&mut client, to, &before).unwrap_or_else(|e| panic!("{step}: {e}"));
            compare(&mut client, to).unwrap_or_else(|e| panic!("{step}: reads back otherwise:\n{e}"));
        }
    }
}
