//! `strata import` and `strata pull` as users run them. Every system's generated SQL, and the
//! `pg_dump --schema-only` of the database it made, imported through a scratch database, must
//! reproduce that database (introspection and pg_dump equal, see `support::reproduces`); so must
//! `pull` from the database itself, and a fixture in pg_dump's own form. Bad input gets a clear
//! message at its line and a non-zero exit, and writes nothing.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::io;
use strata_codegen::script::{self, Piece};
use strata_codegen::source::live;

/// `strata import file --out dir` on the test server; the output when it failed.
fn import(file: &Path, out: &Path, name: &str, dev: &str) -> Result<(), String> {
    let args = ["import", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", name, "--dev-url", dev];
    let output = cli::strata(&args);
    match output.status.code() {
        Some(0) => Ok(()),
        code => Err(format!("exit {code:?}\n{}{}", cli::text(&output.stdout), cli::text(&output.stderr))),
    }
}

#[test]
fn import_of_generated_sql_and_of_pg_dump_reproduces_every_system() {
    let mut counts = [support::Counts::new(), support::Counts::new()];
    let mut failures = Vec::new();
    let systems = io::schema_folders(Path::new("schema")).unwrap();
    for dir in &systems {
        let declared = io::compile_folder(dir).unwrap().schema.expect("schema has errors");
        let applied = TestDb::new();
        let (schema, _) = support::apply(&mut applied.client(), &declared);
        let namespaces = live::namespaces_of(&schema);
        let scripts = [
            ("generated schema.sql", strata_codegen::generate::files(&schema)[0].1.clone()),
            ("pg_dump --schema-only", support::pg_dump(&applied.config(), &[])),
        ];
        for (i, (what, sql)) in scripts.iter().enumerate() {
            // The import reads back as what the script makes (pg_dump --schema-only writes
            // materialized views WITH NO DATA: their rows are data), and dumps as the database
            // the script came from (a database restored from pg_dump's printed expressions
            // dumps them with casts of its own: `ARRAY[('a'::varchar)::text]`).
            let made = TestDb::new();
            let mut client = made.client();
            apply_script(&mut client, sql);
            let read = support::introspect(&mut client, &schema.name, &namespaces);
            let work = tempfile::tempdir().unwrap();
            let (file, out) = (work.path().join("input.sql"), work.path().join(&schema.name));
            std::fs::write(&file, sql).unwrap();
            let result = import(&file, &out, &schema.name, &support::url(&made.config()))
                .and_then(|()| support::reproduces(&applied, &read, &namespaces, &out, &mut counts[i]));
            if let Err(e) = result {
                failures.push(format!("{} from its {what}: {e}", schema.name));
            }
        }
    }
    for (what, counts) in ["generated SQL", "pg_dump"].iter().zip(&counts) {
        for (kind, (matched, total)) in counts {
            eprintln!("import of {what}: {kind}: {matched}/{total} equal after import and apply");
        }
    }
    eprintln!("import: {} of {} imports reproduced", 2 * systems.len() - failures.len(), 2 * systems.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Applies a script as psql would, meta-commands left out.
fn apply_script(client: &mut postgres::Client, sql: &str) {
    for piece in script::pieces(sql).unwrap() {
        if let Piece::Statement { text, .. } = piece {
            client.batch_execute(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        }
    }
}

/// The constructs pg_dump writes and hand-written DDL rarely has (`ALTER TABLE ONLY ... ADD
/// CONSTRAINT`, `ATTACH PARTITION`, `ALTER INDEX ... ATTACH PARTITION`, `OWNED BY`,
/// `set_config`, `\restrict`), imported: the TOML is the snapshot, and it reproduces the database.
#[test]
fn a_dump_in_pg_dumps_form_imports() {
    let fixture = Path::new("tests/fixtures/import/warehouse.sql");
    let original = TestDb::new();
    let mut client = original.client();
    apply_script(&mut client, &std::fs::read_to_string(fixture).unwrap());
    let namespaces = vec!["public".to_string(), "stock".to_string()];
    let read = support::introspect(&mut client, "warehouse", &namespaces);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("warehouse");
    import(fixture, &out, "warehouse", &support::url(&original.config())).unwrap();
    let mut counts = support::Counts::new();
    support::reproduces(&original, &read, &namespaces, &out, &mut counts).unwrap();
    let total: usize = counts.values().map(|(_, total)| total).sum();
    eprintln!("import of warehouse.sql: {total} objects equal after import and apply");
    let files: Vec<String> = io::compile_folder(&out)
        .unwrap()
        .sources
        .files()
        .map(|(path, text)| format!("# {}\n{text}", Path::new(path).file_name().unwrap().to_string_lossy()))
        .collect();
    insta::assert_snapshot!(files.join("\n"));
}

#[test]
fn pull_writes_a_folder_that_reproduces_the_database() {
    let declared = io::compile_folder(Path::new("schema/kinds")).unwrap().schema.unwrap();
    let original = TestDb::new();
    let mut client = original.client();
    let (schema, _) = support::apply(&mut client, &declared);
    let namespaces = live::namespaces_of(&schema);
    let read = support::introspect(&mut client, "kinds", &namespaces);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("kinds");
    let url = support::url(&original.config());
    let mut args = vec!["pull", "--database-url", &url, "--out", out.to_str().unwrap()];
    for n in &namespaces {
        args.extend(["--namespace", n]);
    }
    let output = cli::strata(&args);
    assert_eq!(output.status.code(), Some(0), "{}", cli::text(&output.stderr));
    assert!(cli::text(&output.stderr).contains("wrote "), "{}", cli::text(&output.stderr));
    support::reproduces(&original, &read, &namespaces, &out, &mut support::Counts::new()).unwrap();
}

/// Each bad input: its message (with the file's line where there is one), its exit code, and
/// no output folder.
#[test]
fn bad_input_is_reported_and_writes_nothing() {
    let db = TestDb::new();
    let dev = support::url(&db.config());
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let out_arg = out.to_str().unwrap();
    let script = |name: &str, sql: &str| {
        let path = work.path().join(name);
        std::fs::write(&path, sql).unwrap();
        path.to_str().unwrap().to_string()
    };
    let cases: Vec<(Vec<String>, i32, String)> = vec![
        (
            vec![
                "import".into(),
                script(
                    "rejected.sql",
                    "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n    id int REFERENCES nowhere(id)\n);\n",
                ),
            ],
            1,
            "rejected.sql:3: PostgreSQL rejects it: relation \"nowhere\" does not exist".into(),
        ),
        (
            vec!["import".into(), script("meta.sql", "CREATE TABLE a (id int);\n\\connect other\n")],
            1,
            "meta.sql:2: `\\connect other` is a psql meta-command, not SQL: remove it".into(),
        ),
        (
            vec!["import".into(), script("open.sql", "CREATE TABLE a (id int);\nSELECT 'open\n")],
            1,
            "open.sql:line 2".into(),
        ),
        (
            vec!["pull".into(), "--database-url".into(), dev.clone(), "--namespace".into(), "nowhere".into()],
            2,
            "namespace `nowhere` does not exist in the database; it has: public".into(),
        ),
        (
            vec!["pull".into(), "--database-url".into(), "postgres://strata:s3cret@127.0.0.1:1/app".into()],
            3,
            "--database-url: error connecting to server".into(),
        ),
        (
            vec![
                "import".into(),
                script("fine.sql", "CREATE TABLE a (id int);\n"),
                "--dev-url".into(),
                "postgres://strata:s3cret@127.0.0.1:1/postgres".into(),
            ],
            3,
            "--dev-url: server did not accept connections".into(),
        ),
    ];
    for (args, code, message) in cases {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--out", out_arg]);
        if args[0] == "import" && !args.contains(&"--dev-url") {
            args.extend(["--dev-url", &dev]);
        }
        let output = cli::strata(&args);
        let stderr = cli::text(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(&message), "{args:?}: expected {message:?} in:\n{stderr}");
        assert!(!stderr.contains("s3cret"), "{args:?}: a password is printed:\n{stderr}");
        assert!(!out.exists(), "{args:?}: {} was written", out.display());
    }
    // A folder that holds something is never written over.
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("mine.toml"), "# mine\n").unwrap();
    let output = cli::strata(&["pull", "--database-url", &dev, "--out", out_arg]);
    assert_eq!(output.status.code(), Some(2), "{}", cli::text(&output.stderr));
    assert!(cli::text(&output.stderr).contains("exists and is not empty"), "{}", cli::text(&output.stderr));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}
