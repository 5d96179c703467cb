//! `pull` reproduces: every system is applied, read back by the live source, written as TOML by
//! the TOML target, compiled again by the TOML source, and its SQL applied to a fresh database.
//! Both databases must be equal twice over: read back by introspection (per-kind counts are
//! printed), and as `pg_dump --schema-only` prints them (normalized), an oracle strata did not write.

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use postgres::config::Host;
use strata::live::PgCatalog;
use strata::testing::TestDb;
use strata_codegen::model::Schema;
use strata_codegen::{io, render, source::live, verify};

fn introspect(client: &mut postgres::Client, name: &str, namespaces: &[String]) -> Schema {
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    live::introspect(&mut PgCatalog(client), name, &namespaces).unwrap()
}

/// `pg_dump --schema-only` of the namespaces, without what differs between two equal
/// databases (comments of the dump itself, blank lines, `SET` and `\restrict` lines).
fn pg_dump(db: &TestDb, namespaces: &[String]) -> String {
    let config = db.config();
    let bin = strata::scratch::bin_dir().expect("PostgreSQL's binaries");
    let mut cmd = Command::new(bin.join("pg_dump"));
    cmd.args(["--schema-only", "--no-owner", "-d", &db.name]);
    for ns in namespaces {
        cmd.args(["-n", ns]);
    }
    match &config.get_hosts()[0] {
        Host::Tcp(host) => cmd.args(["-h", host]),
        Host::Unix(path) => cmd.args(["-h", &path.display().to_string()]),
    };
    cmd.args(["-p", &config.get_ports()[0].to_string()]);
    if let Some(user) = config.get_user() {
        cmd.args(["-U", user]);
    }
    if let Some(password) = config.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(password).to_string());
    }
    let out = cmd.output().expect("pg_dump runs");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !(l.is_empty() || l.starts_with("--") || l.starts_with("SET ") || l.starts_with('\\')))
        .filter(|l| !l.starts_with("SELECT pg_catalog.set_config"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pull_reproduces_every_system() {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut dumped, mut dumps_equal) = (0, 0);
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        let original = TestDb::new();
        let mut client = original.client();
        let (schema, _) = support::apply(&mut client, &declared);
        let namespaces = live::namespaces_of(&schema);
        let read = introspect(&mut client, &schema.name, &namespaces);

        // Pulled: the files the TOML target writes, read by the TOML source.
        let folder = tempfile::tempdir().unwrap();
        for (file, text) in render::toml::files(&read) {
            std::fs::write(folder.path().join(file), text).unwrap();
        }
        let compiled = io::compile_folder(folder.path()).unwrap();
        let Some(pulled) = compiled.schema else {
            let report = compiled.diagnostics.render(&compiled.sources);
            failures.push(format!("{}: the pulled TOML has errors:\n{report}", schema.name));
            continue;
        };
        let copy = TestDb::new();
        let mut copy_client = copy.client();
        if let Err(e) = copy_client.batch_execute(&strata_codegen::generate::files(&pulled)[0].1) {
            failures.push(format!("{}: the pulled schema does not apply: {e:?}", schema.name));
            continue;
        }
        let again = introspect(&mut copy_client, &schema.name, &namespaces);
        let differences = verify::differences(&read, &again);
        for fact in verify::facts(&read) {
            let entry = counts.entry(fact.kind).or_default();
            entry.1 += 1;
            if !differences.iter().any(|d| d.kind == fact.kind && d.name == fact.name) {
                entry.0 += 1;
            }
        }
        if !differences.is_empty() {
            failures.push(format!("{}:\n{}", schema.name, verify::render(&differences, &compiled.sources)));
        }
        dumped += 1;
        // As multisets of lines: an ACL lists its grants in the order they were made.
        let sorted = |text: String| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.sort();
            lines.join("\n")
        };
        let (a, b) = (sorted(pg_dump(&original, &namespaces)), sorted(pg_dump(&copy, &namespaces)));
        if a == b {
            dumps_equal += 1;
        } else {
            let diff: Vec<String> = a
                .lines()
                .filter(|l| !b.lines().any(|m| m == *l))
                .map(|l| format!("- {l}"))
                .chain(b.lines().filter(|l| !a.lines().any(|m| m == *l)).map(|l| format!("+ {l}")))
                .take(40)
                .collect();
            failures.push(format!("{}: pg_dump differs:\n{}", schema.name, diff.join("\n")));
        }
    }
    for (kind, (matched, total)) in &counts {
        eprintln!("pull: {kind}: {matched}/{total} equal after pull and apply");
    }
    eprintln!("pull: {dumps_equal}/{dumped} systems with equal pg_dump --schema-only");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
