//! `strata verify` as users run it, against a live server: the generated migrations applied to
//! a scratch database and found equal; drift made by hand on a running database reported
//! object by object with the declaration's file:line; SQL PostgreSQL refuses reported at its
//! line; no database, a clear error. Nothing here compares text strata wrote with itself: the
//! database is read back through the catalog.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::TestDb;

const SCHEMAS: &str = "tests/fixtures/verify";

/// Applies the fixture's generated SQL to a new test database.
fn applied() -> TestDb {
    let db = TestDb::new();
    let schema = strata_codegen::io::compile_folder(&Path::new(SCHEMAS).join("notes")).unwrap().schema.unwrap();
    db.client().batch_execute(&strata_codegen::generate::files(&schema)[0].1).unwrap();
    db
}

#[test]
fn a_schema_applied_to_a_scratch_database_is_what_it_declares() {
    // On the test server (--dev-url): strata creates its scratch database there and drops it.
    let db = TestDb::new();
    let dev = db.url();
    let out = cli::strata(&["verify", "--schemas", SCHEMAS, "--dev-url", &dev]);
    assert_eq!(out.status.code(), Some(0), "{}{}", cli::text(&out.stdout), cli::text(&out.stderr));
    assert_eq!(
        cli::text(&out.stdout),
        "verify notes: the database holds the 18 declared objects, and nothing else in their namespaces\n"
    );
    let mut client = db.client();
    let left = client.query_one("SELECT count(*) FROM pg_database WHERE datname LIKE 'strata_verify_%'", &[]).unwrap();
    assert_eq!(left.get::<_, i64>(0), 0, "the scratch database is dropped");
}

#[test]
fn without_a_dev_url_verify_starts_its_own_server() {
    let out = cli::strata(&["verify", "--schemas", SCHEMAS, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", cli::text(&out.stdout), cli::text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report, serde_json::json!([{ "schema": "notes", "objects": 18, "differences": [] }]));
}

/// The drifts (a column added, an index dropped, a policy's USING changed, a grant
/// revoked, a trigger disabled, and a NOT NULL dropped), made by hand on a running database:
/// each reported as exactly that drift.
#[test]
fn drift_on_a_running_database_is_reported_object_by_object() {
    let db = applied();
    db.client()
        .batch_execute(
            "ALTER TABLE notes ADD COLUMN nickname text; DROP INDEX notes_owner_idx; \
             ALTER POLICY notes_own_rows ON notes USING (owner = session_user); \
             ALTER TABLE notes DISABLE TRIGGER notes_touch; ALTER TABLE notes ALTER COLUMN body DROP NOT NULL; \
             REVOKE SELECT ON notes FROM verify_notes_reader",
        )
        .unwrap();
    let target = db.url();
    let out = cli::strata(&["verify", "--schemas", SCHEMAS, "--database-url", &target, "--no-apply"]);
    assert_eq!(out.status.code(), Some(1), "{}", cli::text(&out.stderr));
    insta::assert_snapshot!(cli::text(&out.stdout));
    let json =
        cli::strata(&["verify", "--schemas", SCHEMAS, "--database-url", &target, "--no-apply", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let differences = report[0]["differences"].as_array().unwrap();
    let changes: Vec<(&str, &str)> =
        differences.iter().map(|d| (d["change"].as_str().unwrap(), d["kind"].as_str().unwrap())).collect();
    assert_eq!(
        changes,
        [
            ("changed", "trigger"),
            ("changed", "column"),
            ("changed", "policy"),
            ("missing", "index"),
            ("missing", "privileges"),
            ("extra", "column")
        ]
    );
    let index = &differences[3];
    assert_eq!(
        (index["file"].as_str(), index["line"].as_u64()),
        (Some("tests/fixtures/verify/notes/schema.toml"), Some(14))
    );
    // The same database, as declared again, verifies clean: the report was the drift only.
    db.client()
        .batch_execute(
            "ALTER TABLE notes DROP COLUMN nickname; CREATE INDEX notes_owner_idx ON notes (owner); \
             ALTER POLICY notes_own_rows ON notes USING (owner = current_user); \
             ALTER TABLE notes ENABLE TRIGGER notes_touch; ALTER TABLE notes ALTER COLUMN body SET NOT NULL; \
             GRANT SELECT ON notes TO verify_notes_reader",
        )
        .unwrap();
    let clean = cli::strata(&["verify", "--schemas", SCHEMAS, "--database-url", &target, "--no-apply"]);
    assert_eq!(clean.status.code(), Some(0), "{}", cli::text(&clean.stdout));
}

#[test]
fn sql_postgresql_refuses_is_reported_at_its_line() {
    // strata cannot read `'a':x:y` (W0007) and writes it as it is; PostgreSQL refuses it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("odd")).unwrap();
    let toml = "[schema]\nname = \"odd\"\n[tables.t.columns]\nid = { type = \"integer\", primary_key = true }\n\
                v = { type = \"text\", default = \"current_setting('a':x:y)\" }\n";
    std::fs::write(dir.path().join("odd/schema.toml"), toml).unwrap();
    let db = TestDb::new();
    let out = cli::strata(&["verify", "--schemas", dir.path().to_str().unwrap(), "--dev-url", &db.url()]);
    assert_eq!(out.status.code(), Some(1), "{}", cli::text(&out.stdout));
    let stderr = cli::text(&out.stderr);
    let schema = strata_codegen::io::compile_folder(&dir.path().join("odd")).unwrap().schema.unwrap();
    let up = strata_codegen::generate::files(&schema).into_iter().find(|(p, _)| p.ends_with("up.sql")).unwrap().1;
    let line = up.lines().position(|l| l.contains("'a':x:y")).unwrap() + 1;
    let at = format!(
        "generated/odd/migrations/0001_init/up.sql:{line}: PostgreSQL rejects it: syntax error at or near \":\""
    );
    assert!(stderr.contains(&at), "{stderr}\nwanted: {at}");
    assert!(stderr.contains("warning[W0007]"), "{stderr}");
    assert!(stderr.contains("error: schema `odd` does not apply"), "{stderr}");
}

#[test]
fn no_database_is_a_clear_error_without_the_password() {
    let closed = "postgres://strata:hunter2@127.0.0.1:1/nowhere";
    for args in [vec!["--database-url", closed, "--no-apply"], vec!["--dev-url", closed]] {
        let out = cli::strata(&[&["verify", "--schemas", SCHEMAS][..], &args].concat());
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stderr = cli::text(&out.stderr);
        assert!(stderr.starts_with("error: --") && stderr.contains("connect"), "{stderr}");
        assert!(!stderr.contains("hunter2") && out.stdout.is_empty(), "{stderr}");
    }
    let out = cli::strata(&["verify", "--schemas", SCHEMAS, "--no-apply"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli::text(&out.stderr).contains("give --database-url URL"));
    let out = cli::strata(&["verify", "--schemas", SCHEMAS, "--database-url", closed]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli::text(&out.stderr).contains("add --no-apply"));
}

/// With migrations written, verify applies the chain (the first, then each later one) and the
/// database it leads to must be the schema; a schema changed since the last one is an error.
#[test]
fn verify_applies_the_migration_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (src, out) = (dir.path().join("schema"), dir.path().join("generated"));
    std::fs::create_dir_all(src.join("shop")).unwrap();
    let v1 = "[schema]\nname = \"shop\"\n[tables.orders.columns]\nid = { type = \"integer\", primary_key = true }\n\
              nick = { type = \"varchar(20)\", nullable = true }\n";
    std::fs::write(src.join("shop/schema.toml"), v1).unwrap();
    let paths = ["--schemas", src.to_str().unwrap(), "--out", out.to_str().unwrap()];
    assert_eq!(cli::strata(&[&["generate"][..], &paths].concat()).status.code(), Some(0));
    let v2 = v1.replace(
        "nick = { type = \"varchar(20)\", nullable = true }",
        "handle = { type = \"text\", renamed_from = \"nick\", default = \"''\" }",
    );
    std::fs::write(src.join("shop/schema.toml"), &v2).unwrap();
    let db = TestDb::new();
    let dev = db.url();
    let stale = cli::strata(&[&["verify", "--dev-url", &dev][..], &paths].concat());
    assert_eq!(stale.status.code(), Some(1));
    assert!(cli::text(&stale.stderr).contains("name the next migration"), "{}", cli::text(&stale.stderr));
    assert_eq!(cli::strata(&[&["generate", "--name", "handle"][..], &paths].concat()).status.code(), Some(0));
    let out = cli::strata(&[&["verify", "--dev-url", &dev][..], &paths].concat());
    assert_eq!(out.status.code(), Some(0), "{}{}", cli::text(&out.stdout), cli::text(&out.stderr));
    assert!(cli::text(&out.stdout).contains("the database holds the"), "{}", cli::text(&out.stdout));
}
