//! Editor support: docs/strata.schema.json is the TOML format as a JSON Schema, written from the
//! key tables the TOML source checks against, and every schema file names it (`#:schema`), so
//! taplo / Even Better TOML complete keys and flag wrong ones as one types. taplo itself (its
//! CLI) proves that every schema file of the project passes it, and that each error fixture the
//! compiler rejects for an unknown key fails it too.

use std::path::Path;
use std::process::Command;

use strata_codegen::compile_toml_str;
use strata_codegen::source::toml::json_schema;

const COMMITTED: &str = "docs/strata.schema.json";

fn written() -> String {
    serde_json::to_string_pretty(&json_schema()).unwrap() + "\n"
}

#[test]
fn the_committed_json_schema_is_what_the_key_tables_give() {
    if std::env::var_os("STRATA_BLESS_JSON_SCHEMA").is_some() {
        std::fs::write(COMMITTED, written()).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == written(),
        "{COMMITTED} is not what the TOML source's key tables give; write it again with \
         STRATA_BLESS_JSON_SCHEMA=1 cargo test --test editor"
    );
}

/// `taplo check` of `files`, against `schema` or else each file's own `#:schema` directive.
fn taplo(files: &[&Path], schema: Option<&Path>) -> Option<std::process::Output> {
    let mut command = Command::new("taplo");
    command.arg("check");
    if let Some(schema) = schema {
        command.arg("--schema").arg(format!("file://{}", std::fs::canonicalize(schema).unwrap().display()));
    }
    command.args(files).env("RUST_LOG", "error").output().ok()
}

#[test]
fn taplo_passes_every_schema_file_and_flags_each_unknown_key() {
    if taplo(&[], None).is_none() {
        strata::testing::missing(
            "STRATA_REQUIRE_DOCS_TOOLS",
            "taplo_passes_every_schema_file_and_flags_each_unknown_key",
            "taplo",
            "pip install taplo",
        );
        return;
    }
    // Every schema file, through its own directive.
    let mut files = Vec::new();
    for dir in strata_codegen::io::schema_folders(Path::new("schema")).unwrap() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    text.starts_with("#:schema ../../docs/strata.schema.json\n"),
                    "{} names the JSON Schema",
                    path.display()
                );
                files.push(path);
            }
        }
    }
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let run = taplo(&paths, None).unwrap();
    assert!(run.status.success(), "taplo rejects a schema file:\n{}", String::from_utf8_lossy(&run.stderr));
    // The error fixtures: those with an unknown key fail taplo too.
    let (mut flagged, mut unknown) = (0, 0);
    let mut fixtures: Vec<_> = std::fs::read_dir("tests/fixtures/errors").unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    for path in fixtures.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let text = std::fs::read_to_string(path).unwrap();
        let compiled = compile_toml_str([(path.to_str().unwrap(), text.as_str())]);
        if !compiled.diagnostics.0.iter().any(|d| d.code == "E0002") {
            continue;
        }
        unknown += 1;
        let run = taplo(&[path.as_path()], Some(Path::new(COMMITTED))).unwrap();
        assert!(!run.status.success(), "{}: an unknown key strata rejects, taplo accepts", path.display());
        flagged += 1;
    }
    assert!(unknown >= 2, "the fixtures hold unknown keys ({unknown})");
    println!("taplo: {} schema files pass; {flagged} of {unknown} unknown-key fixtures flagged", files.len());
}
