//! `pull` reproduces: every system is applied, read back by the live source and written as TOML
//! by the TOML target (the library path; `tests/import.rs` runs the commands). The TOML,
//! compiled again and applied to a fresh database, must give an equal database twice over: read
//! back by introspection (per-kind counts are printed), and as `pg_dump --schema-only` prints it,
//! an oracle strata did not write.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::{io, render, source::live};

#[test]
fn pull_reproduces_every_system() {
    let mut counts = support::Counts::new();
    let mut failures = Vec::new();
    let systems = io::schema_folders(Path::new("schema")).unwrap();
    for dir in &systems {
        let declared = io::compile_folder(dir).unwrap().schema.expect("schema has errors");
        let original = TestDb::new();
        let mut client = original.client();
        let (schema, _) = support::apply(&mut client, &declared);
        let namespaces = live::namespaces_of(&schema);
        let read = support::introspect(&mut client, &schema.name, &namespaces);
        let folder = tempfile::tempdir().unwrap();
        for (file, text) in render::toml::files(&read) {
            std::fs::write(folder.path().join(file), text).unwrap();
        }
        if let Err(e) = support::reproduces(&original, &read, &namespaces, folder.path(), &mut counts) {
            failures.push(format!("{}: {e}", schema.name));
        }
    }
    for (kind, (matched, total)) in &counts {
        eprintln!("pull: {kind}: {matched}/{total} equal after pull and apply");
    }
    let equal = systems.len() - failures.len();
    eprintln!("pull: {equal}/{} systems reproduced (introspection and pg_dump --schema-only)", systems.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
