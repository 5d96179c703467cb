//! `strata diff` with a live database on either side, or on both as migra does: each system's
//! committed chain applied and diffed with its schema folder gives nothing (no perpetual diff);
//! a database a migration behind gets that migration's change, and once it is applied there is
//! nothing left to diff, between the database and the folder or between two databases. A URL
//! (which may hold a password) is never printed.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;

use strata::migrate::Migrator;
use strata::testing::TestDb;

/// A database at `version` of the system's committed chain (all without).
fn migrated(system: &str, version: Option<i64>) -> TestDb {
    let db = TestDb::new();
    let migrator = Migrator::from_dir(&Path::new("generated").join(system).join("migrations")).unwrap();
    migrator.up(&mut db.client(), version).unwrap_or_else(|e| panic!("{system}: {e}"));
    db
}

/// `strata diff --from FROM --to TO`, a scratch database made on `dev`: (its SQL, stderr).
fn diff(from: &str, to: &str, dev: &TestDb) -> (String, String) {
    let out = cli::strata(&["diff", "--from", from, "--to", to, "--dev-url", &dev.url()]);
    let (stdout, stderr) = (cli::text(&out.stdout), cli::text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    for url in [from, to].into_iter().filter(|s| s.starts_with("postgres")) {
        assert!(!stdout.contains(url) && !stderr.contains(url), "a URL was printed");
    }
    (stdout, stderr)
}

#[test]
fn a_database_diffed_with_the_schema_it_was_migrated_to_gives_nothing() {
    let dev = TestDb::new();
    let mut diffed = 0;
    for system in ["agentflow", "agentworks", "aiplatform", "autosdlc", "kinds"] {
        let db = migrated(system, None);
        let (sql, stderr) = diff(&db.url(), &format!("schema/{system}"), &dev);
        assert!(stderr.ends_with("0 statement(s)\n"), "{system}: a perpetual diff:\n{sql}");
        let (sql, stderr) = diff(&format!("schema/{system}"), &db.url(), &dev);
        assert!(stderr.ends_with("0 statement(s)\n"), "{system}, the other way: a perpetual diff:\n{sql}");
        diffed += 1;
    }
    assert_eq!(diffed, 5);
}

#[test]
fn a_database_a_migration_behind_gets_the_change_and_then_nothing() {
    let dev = TestDb::new();
    let (behind, ahead) = (migrated("autosdlc", Some(1)), migrated("autosdlc", None));
    let (sql, _) = diff(&behind.url(), "schema/autosdlc", &dev);
    for change in ["ADD COLUMN tdd_metrics jsonb", "ADD COLUMN tdd_phase", "VALIDATE CONSTRAINT tasks_tdd_phase_check"]
    {
        assert!(sql.contains(change), "{change} missing:\n{sql}");
    }
    let (between, _) = diff(&behind.url(), &ahead.url(), &dev);
    let statements =
        |sql: &str| strata::script::statements(sql).unwrap().iter().map(|s| s.sql.to_string()).collect::<Vec<_>>();
    assert_eq!(statements(&between), statements(&sql), "two databases differ as the database and the folder do");

    strata::script::run(&mut behind.client(), &strata::script::statements(&sql).unwrap())
        .unwrap_or_else(|e| panic!("line {}: {}", e.statement.line, strata::migrate::describe(&e.error)));
    for (from, to) in [(behind.url(), "schema/autosdlc".to_string()), (behind.url(), ahead.url())] {
        let (sql, stderr) = diff(&from, &to, &dev);
        assert!(stderr.ends_with("0 statement(s)\n"), "left to diff after applying:\n{sql}");
    }
}
