//! The generated tree: snapshots of every file, determinism, SQL that parses, and `generated/`
//! being up to date (the same comparison `strata check` makes).

use std::path::Path;

use strata_codegen::{generate, io};

/// Every system under schema/, compiled, with its generated files.
fn systems() -> Vec<(String, Vec<(String, String)>)> {
    io::schema_folders(Path::new("schema"))
        .unwrap()
        .into_iter()
        .map(|dir| {
            let compiled = io::compile_folder(&dir).unwrap();
            let rendered = compiled.diagnostics.render(&compiled.sources);
            let schema = compiled.schema.unwrap_or_else(|| panic!("{} has errors:\n{rendered}", dir.display()));
            // Kinds numbers a Rust name on purpose (schema/kinds/rust_names.toml): that warning
            // is expected; any other is not.
            let unexpected = compiled.diagnostics.0.iter().filter(|d| {
                let planted = d.code == "W0009"
                    && d.span.is_some_and(|s| compiled.sources.name(s.file).ends_with("rust_names.toml"));
                !planted
            });
            assert!(unexpected.count() == 0, "{} has warnings:\n{rendered}", dir.display());
            (dir.file_name().unwrap().to_string_lossy().into_owned(), generate::files(&schema))
        })
        .collect()
}

#[test]
fn both_seed_systems_are_declared() {
    let names: Vec<String> = systems().into_iter().map(|(name, _)| name).collect();
    // The five seeds, and `kinds`: strata's own system for what the seeds do not use.
    assert_eq!(names, ["agentflow", "agentic", "agentworks", "aiplatform", "autosdlc", "kinds"]);
}

#[test]
fn snapshots_of_every_generated_file() {
    for (system, files) in systems() {
        // The model snapshots are data, not text to review: `generated_tree_is_up_to_date` holds them.
        for (path, contents) in files.into_iter().filter(|(p, _)| !p.ends_with(strata_codegen::migrations::SNAPSHOT)) {
            insta::assert_snapshot!(format!("{system}__{}", path.replace('/', "__")), contents);
        }
    }
}

#[test]
fn generated_tree_is_up_to_date() {
    for (system, _) in systems() {
        // As `strata check` does: the migrations that exist are kept, the rest generated.
        let schema = io::compile_folder(&Path::new("schema").join(&system)).unwrap().schema.unwrap();
        let existing = io::read_migrations(&Path::new("generated").join(&system)).unwrap();
        let history = strata_codegen::migrations::History::of(existing).unwrap();
        let files = generate::files_after(&schema, history, Default::default()).unwrap();
        for (path, want) in files {
            let on_disk = Path::new("generated").join(&system).join(&path);
            let have = std::fs::read_to_string(&on_disk).unwrap_or_default();
            assert!(have == want, "{} is stale: run `cargo run -- generate` and commit it", on_disk.display());
        }
    }
}

#[test]
fn generation_is_deterministic_across_runs_and_folders() {
    let copy = tempfile::tempdir().unwrap();
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let moved = copy.path().join(dir.file_name().unwrap());
        std::fs::create_dir_all(&moved).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), moved.join(entry.file_name())).unwrap();
        }
        let runs = [&dir, &dir, &moved].map(|d| generate::files(&io::compile_folder(d).unwrap().schema.unwrap()));
        assert_eq!(runs[0], runs[1], "two runs over {} differ", dir.display());
        assert_eq!(runs[0], runs[2], "{} and a copy of it generate different files", dir.display());
    }
}

#[test]
fn every_generated_statement_parses() {
    for (system, files) in systems() {
        for (path, sql) in files.iter().filter(|(p, _)| p.ends_with(".sql")) {
            let parsed =
                strata_codegen::render::sql::statements_parse(sql).unwrap_or_else(|e| panic!("{system}/{path}, {e}"));
            assert!(parsed > 0 || path.ends_with("jobs.sql"), "{system}/{path}: no statement");
            let split =
                strata_codegen::render::sql::statements_split(sql).unwrap_or_else(|e| panic!("{system}/{path}, {e}"));
            assert!(split > 0 || path.ends_with("jobs.sql"), "{system}/{path}: no statement");
        }
    }
}
