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

use strata::script::{Piece, pieces};
use strata::testing::TestDb;
use strata_codegen::io;
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
            let result = import(&file, &out, &schema.name, &made.url())
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
    for piece in pieces(sql).unwrap() {
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
    import(fixture, &out, "warehouse", &original.url()).unwrap();
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

/// `strata import --offline file --out dir`: no server.
fn import_offline(file: &Path, out: &Path, name: &str) -> std::process::Output {
    cli::strata(&["import", "--offline", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", name])
}

/// Hand-written DDL of every kind the offline reader reads, imported without a server: it must
/// reproduce the database PostgreSQL makes of the same file.
#[test]
fn an_offline_import_reproduces_what_postgresql_makes_of_the_script() {
    let fixture = Path::new("tests/fixtures/import/offline.sql");
    let original = TestDb::new();
    let mut client = original.client();
    apply_script(&mut client, &std::fs::read_to_string(fixture).unwrap());
    let namespaces = vec!["public".to_string(), "app".to_string()];
    let read = support::introspect(&mut client, "offline", &namespaces);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("offline");
    let output = import_offline(fixture, &out, "offline");
    assert_eq!(output.status.code(), Some(0), "{}", cli::text(&output.stderr));
    let mut counts = support::Counts::new();
    support::reproduces(&original, &read, &namespaces, &out, &mut counts).unwrap();
    for (kind, (matched, total)) in &counts {
        eprintln!("offline import of offline.sql: {kind}: {matched}/{total}");
    }
}

/// What sqlparser or the offline reader cannot read in a dump is reported statement by
/// statement with its line, and nothing is written.
#[test]
fn an_offline_import_reports_each_statement_it_cannot_read_and_writes_nothing() {
    let fixture = Path::new("tests/fixtures/import/warehouse.sql");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("warehouse");
    let output = import_offline(fixture, &out, "warehouse");
    assert_eq!(output.status.code(), Some(1), "{}", cli::text(&output.stderr));
    assert!(!out.exists(), "{} was written", out.display());
    insta::assert_snapshot!(cli::text(&output.stderr));
}

/// PostgreSQL is the oracle of the offline reader: random scripts of the kinds it reads (names
/// quoted and not, constraints inline, at the end and added later, defaults, indexes of columns
/// and expressions, comments), each applied to a database and imported offline, must reproduce
/// that database.
#[test]
fn random_scripts_imported_offline_reproduce_what_postgresql_makes_of_them() {
    let mut counts = support::Counts::new();
    let namespaces = vec!["public".to_string(), "app".to_string()];
    // More with STRATA_OFFLINE_CASES=N.
    let cases = std::env::var("STRATA_OFFLINE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24);
    for case in 0..cases {
        let sql = random_script(0x5eed + case as u64);
        let original = TestDb::new();
        let mut client = original.client();
        apply_script(&mut client, &sql);
        let read = support::introspect(&mut client, "random", &namespaces);
        let work = tempfile::tempdir().unwrap();
        let (file, out) = (work.path().join("random.sql"), work.path().join("random"));
        std::fs::write(&file, &sql).unwrap();
        let output = import_offline(&file, &out, "random");
        assert_eq!(output.status.code(), Some(0), "case {case}:\n{sql}\n{}", cli::text(&output.stderr));
        if let Err(e) = support::reproduces(&original, &read, &namespaces, &out, &mut counts) {
            panic!("case {case}: the offline import does not reproduce the database:\n{e}\n\n{sql}");
        }
    }
    let total: usize = counts.values().map(|(_, total)| total).sum();
    for (kind, (matched, total)) in &counts {
        eprintln!("random offline imports: {kind}: {matched}/{total}");
    }
    eprintln!("random offline imports: {cases} scripts, {total} objects, all equal after import and apply");
}

/// A small deterministic generator (xorshift), so a failing case is reproduced by its number.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A script of 2 to 5 tables in `public` and `app`, each referring to an earlier one.
fn random_script(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut sql = String::from("CREATE SCHEMA app;\nCREATE TYPE app.level AS ENUM ('low', 'mid', 'high');\n");
    // (qualified name, key column, key type) of the tables so far.
    let mut tables: Vec<(String, String, &str)> = Vec::new();
    let mut later = Vec::new();
    for t in 0..2 + rng.below(4) {
        let namespace = rng.pick(&["public", "app"]);
        let name = if rng.chance(20) { format!("\"Table {t}\"") } else { format!("t{t}") };
        let qualified = format!("{namespace}.{name}");
        let (key_sql, key_type) = match rng.below(4) {
            0 => ("bigint GENERATED ALWAYS AS IDENTITY", "bigint"),
            1 => ("serial", "integer"),
            2 => ("uuid DEFAULT gen_random_uuid()", "uuid"),
            _ => ("integer GENERATED BY DEFAULT AS IDENTITY", "integer"),
        };
        let key = if rng.chance(20) { "\"Key\"".to_string() } else { "id".to_string() };
        let mut columns = vec![format!("    {key} {key_sql} PRIMARY KEY")];
        let mut text_columns = Vec::new();
        let mut all_columns = Vec::new();
        for c in 0..1 + rng.below(6) {
            let column = if rng.chance(15) { format!("\"C {c}\"") } else { format!("c{c}") };
            let (ty, default, check) = match rng.below(9) {
                0 => ("text", "'x'", Some(format!("length({column}) > 0"))),
                1 => ("character varying(40)", "'y'::character varying", None),
                2 => ("integer", "0", Some(format!("{column} >= 0"))),
                3 => ("bigint", "42", None),
                4 => ("numeric(8,2)", "1.5", Some(format!("{column} BETWEEN 0 AND 1000"))),
                5 => ("boolean", "false", None),
                6 => ("timestamp with time zone", "now()", None),
                7 => ("jsonb", "'{}'::jsonb", None),
                _ => ("app.level", "'mid'::app.level", None),
            };
            let mut def = format!("    {column} {ty}");
            if rng.chance(50) {
                def += &format!(" DEFAULT {default}");
            }
            if rng.chance(50) {
                def += " NOT NULL";
            }
            if let Some(check) = check.filter(|_| rng.chance(40)) {
                def += &format!(" CHECK ({check})");
            }
            if rng.chance(15) && ty != "jsonb" {
                def += " UNIQUE";
            }
            if ty.starts_with("text") || ty.starts_with("character") {
                text_columns.push(column.clone());
            }
            all_columns.push((column, ty));
            columns.push(def);
        }
        if let Some((target, target_key, target_type)) = tables.get(rng.below(tables.len().max(1))).cloned() {
            let action = rng.pick(&["", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON UPDATE RESTRICT"]);
            let fk = format!("ref_{}", tables.len());
            columns.push(format!("    {fk} {target_type}"));
            let reference = if rng.chance(50) { String::new() } else { format!("({target_key})") };
            match rng.below(3) {
                0 => columns.push(format!("    FOREIGN KEY ({fk}) REFERENCES {target}{reference}{action}")),
                1 => later.push(format!(
                    "ALTER TABLE ONLY {qualified}\n    ADD CONSTRAINT {}_{fk}_fk FOREIGN KEY ({fk}) REFERENCES {target}{reference}{action};",
                    name.replace('"', "").replace(' ', "_")
                )),
                _ => {
                    let last = columns.last_mut().unwrap();
                    *last += &format!(" REFERENCES {target}{reference}{action}");
                }
            }
        }
        if all_columns.len() >= 2 && rng.chance(30) {
            let (a, b) = (&all_columns[0].0, &all_columns[1].0);
            let named = if rng.chance(50) {
                format!("CONSTRAINT {}_pair ", name.replace('"', "").replace(' ', "_"))
            } else {
                String::new()
            };
            columns.push(format!("    {named}CHECK ({a} IS NOT NULL OR {b} IS NULL)"));
        }
        sql += &format!("CREATE TABLE {qualified} (\n{}\n);\n", columns.join(",\n"));
        if rng.chance(40) {
            sql += &format!("COMMENT ON TABLE {qualified} IS 'Table {t}, it''s random.';\n");
        }
        if let Some((column, _)) = all_columns.first().filter(|_| rng.chance(40)) {
            sql += &format!("COMMENT ON COLUMN {qualified}.{column} IS 'A column.';\n");
        }
        for i in 0..rng.below(3) {
            let (column, ty) = &all_columns[rng.below(all_columns.len())];
            let unique = if rng.chance(20) { "UNIQUE " } else { "" };
            let index_name = if rng.chance(50) { format!("ix_{t}_{i} ") } else { String::new() };
            let mut keys = vec![if *ty == "jsonb" {
                column.clone()
            } else {
                format!("{column}{}", rng.pick(&["", " DESC", " NULLS FIRST", " DESC NULLS LAST"]))
            }];
            let method = if *ty == "jsonb" { " USING gin" } else { "" };
            if let Some(text) = text_columns.first().filter(|_| rng.chance(40) && method.is_empty()) {
                keys.push(format!("lower({text})"));
            }
            let predicate = if rng.chance(30) { format!(" WHERE {column} IS NOT NULL") } else { String::new() };
            let unique = if method.is_empty() { unique } else { "" };
            sql +=
                &format!("CREATE {unique}INDEX {index_name}ON {qualified}{method} ({}){predicate};\n", keys.join(", "));
        }
        if rng.chance(25) {
            sql += &format!("ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY;\n");
            sql += &format!("CREATE POLICY p{t} ON {qualified} FOR SELECT USING ({key} IS NOT NULL);\n");
        }
        tables.push((qualified, key, key_type));
    }
    sql + &later.join("\n") + "\n"
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
    let url = original.url();
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
    let dev = db.url();
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
            vec!["import".into(), script("data.sql", "CREATE TABLE a (id int);\nCOPY a (id) FROM stdin;\n1\n2\n\\.\n")],
            1,
            "data.sql:2: COPY is data, not schema".into(),
        ),
        (
            vec![
                "import".into(),
                script("server.sql", "CREATE TABLE a (id int);\n/* x */ ALTER SYSTEM SET work_mem = '1GB';\n"),
            ],
            1,
            "server.sql:2: ALTER SYSTEM acts on the server, not on a schema".into(),
        ),
        (
            vec!["import".into(), script("undone.sql", "BEGIN;\nCREATE TABLE a (id int);\nROLLBACK;\n")],
            1,
            "undone.sql:3: the script undoes its own work (ROLLBACK)".into(),
        ),
        (
            vec!["import".into(), script("open.sql", "CREATE TABLE a (id int);\nSELECT 'open\n")],
            1,
            "open.sql:2: a quoted string is not closed".into(),
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
