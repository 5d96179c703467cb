//! Text never runs as SQL: quoted text (comments, defaults, CHECKs, enum values, view queries,
//! function bodies) that looks like a header or a statement, from a schema or from a database,
//! goes through `strata migrate up` exactly as through `psql -f`. PostgreSQL's own client is the
//! oracle of where statements end. And a script given to `strata import` touches nothing outside
//! the scratch database it is applied to.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::{io, migrations, render};
use support::Rng;

/// A database whose text is made to look like the migration format.
const HOSTILE: &str = r#"
CREATE TYPE mood AS ENUM ('ok', E'bad\n-- strata:no-transaction', '; CREATE TABLE pwned_enum (); --');
CREATE TABLE notes (
    id int PRIMARY KEY,
    body text DEFAULT E'first\n-- CreateTable x\n; CREATE TABLE pwned_default (); --',
    m mood,
    CONSTRAINT notes_body_check CHECK (body <> E'\n-- Note\n; DROP TABLE notes; --')
);
COMMENT ON TABLE notes IS E'harmless looking\n-- note';
COMMENT ON COLUMN notes.body IS '; CREATE TABLE pwned (); --';
CREATE FUNCTION touch() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
-- a comment at column 0; with a semicolon
RETURN 1;
END
$$;
CREATE VIEW shown AS SELECT id, E'\n-- View\n; CREATE TABLE pwned_view (); --' AS t FROM notes;
"#;

/// The hostile database pulled, generated, and migrated up by the runner gives the same dump as
/// `psql -f` of the same file, and as the original: nothing inside its text ran.
#[test]
fn a_hostile_catalog_round_trips_through_migrate_up_as_through_psql() {
    let original = TestDb::new();
    original.client().batch_execute(HOSTILE).unwrap();
    let public = ["public".to_string()];
    let read = support::introspect(&mut original.client(), "hostile", &public);
    let folder = tempfile::tempdir().unwrap();
    for (file, text) in render::toml::files(&read) {
        std::fs::write(folder.path().join(file), text).unwrap();
    }
    let schema = io::compile_folder(folder.path()).unwrap().schema.expect("the pulled TOML compiles");
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in migrations::migration(&migrations::empty(&schema), &schema, "0001_init") {
        let path = dir.path().join(path.strip_prefix("migrations/").unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    let migrated = TestDb::new();
    let out = cli::strata(&["migrate", "up", "--dir", dir.path().to_str().unwrap(), "--database-url", &migrated.url()]);
    assert!(out.status.success(), "migrate up: {}", cli::text(&out.stderr));
    let by_psql = TestDb::new();
    psql_f(&by_psql.config(), &dir.path().join("0001_init/up.sql")).unwrap();

    for db in [&migrated, &by_psql] {
        let pwned: i64 =
            db.client().query_one("SELECT count(*) FROM pg_class WHERE relname LIKE 'pwned%'", &[]).unwrap().get(0);
        assert_eq!(pwned, 0, "a table was created from text");
    }
    let (a, b, c) = (dump(&original), dump(&migrated), dump(&by_psql));
    assert_eq!(b, c, "migrate up and psql -f differ");
    assert_eq!(a, b, "the round trip changed the database");
}

/// Random scripts in strata's file format whose quoted text holds what a cutter could take for a
/// header, a marker, a comment or the end of a statement: the runner (`strata::script`) and
/// `psql -f` must both apply each, to equal databases (schema and rows).
#[test]
fn the_runner_cuts_random_scripts_where_psql_does() {
    let mut rng = Rng(0x5eed_5c21);
    let cases = 40;
    for case in 0..cases {
        let script = random_script(&mut rng);
        let (by_runner, by_psql) = (TestDb::new(), TestDb::new());
        let statements = strata::script::statements(&script).unwrap_or_else(|e| panic!("case {case}: {e}\n{script}"));
        strata::script::run(&mut by_runner.client(), &statements)
            .unwrap_or_else(|e| panic!("case {case}: the runner: line {}: {:?}\n{script}", e.statement.line, e.error));
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &script).unwrap();
        psql_f(&by_psql.config(), file.path()).unwrap_or_else(|e| panic!("case {case}: psql: {e}\n{script}"));
        assert_eq!(dump(&by_runner), dump(&by_psql), "case {case}:\n{script}");
    }
    eprintln!("hostile: {cases}/{cases} random scripts applied alike by the runner and psql -f");
}

/// Text meant to confuse a statement cutter.
const NASTY: [&str; 16] = [
    "\n-- ",
    "; ",
    "CREATE TABLE pwned (); ",
    "$$",
    "$x$",
    "/*",
    "*/",
    "'",
    "\"",
    "\\",
    "--",
    "\n",
    "BEGIN ATOMIC ",
    "END; ",
    "strata:no-transaction",
    "(",
];

fn nasty(rng: &mut Rng) -> String {
    (0..1 + rng.below(6)).map(|_| rng.pick(&NASTY)).collect()
}

/// `text` as a literal, in one of the four ways PostgreSQL quotes text.
fn literal(rng: &mut Rng, text: &str) -> String {
    match rng.below(3) {
        0 => format!("'{}'", text.replace('\'', "''")),
        1 => format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        _ => {
            let tag = (0..).map(|n| format!("$q{n}$")).find(|t| !text.contains(t.as_str())).unwrap();
            format!("{tag}{text}{tag}")
        }
    }
}

fn random_script(rng: &mut Rng) -> String {
    let mut out =
        String::from("-- @generated by strata. Do not edit.\n-- random\n\nCREATE TABLE t (id int, note text);\n");
    for i in 0..8 {
        let text = nasty(rng);
        let lit = literal(rng, &text);
        // Headers as strata writes them: one line, control characters escaped.
        let header = format!("-- Step {i} {}\n", text.escape_default());
        let statement = match rng.below(8) {
            0 => format!("COMMENT ON TABLE t IS {lit};"),
            1 => format!("CREATE TABLE \"t{i} {}\" (c text DEFAULT {lit});", text.replace('"', "\"\"")),
            2 => format!(
                "CREATE FUNCTION f{i}() RETURNS text LANGUAGE plpgsql AS $body$\nBEGIN\n-- {}\n/* {} */\nRETURN {lit};\nEND\n$body$;",
                text.replace('\n', " "),
                text.replace(['/', '*'], ""),
            ),
            3 => format!(
                "CREATE FUNCTION g{i}() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN length({lit}) > 0 THEN 1 END;\nEND;"
            ),
            4 => format!("CREATE VIEW v{i} AS SELECT {lit} AS x;"),
            5 => format!("INSERT INTO t VALUES ({i}, {lit});"),
            6 => format!(
                "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t_{i}_idx ON t (note) WHERE note <> {lit};"
            ),
            _ => format!("INSERT INTO t VALUES ({i}, {lit}); UPDATE t SET note = note || {lit} WHERE id = {i};"),
        };
        out.push_str(&format!("\n{header}{statement}\n"));
    }
    out
}

/// `psql -f file`, stopping at the first error, without reading ~/.psqlrc.
fn psql_f(config: &postgres::Config, file: &Path) -> Result<(), String> {
    let out = support::pg_tool("psql", config)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

/// The database's `public` namespace as pg_dump prints it, rows included, without the lines that
/// differ between two dumps of equal databases (the `\restrict` key).
fn dump(db: &TestDb) -> String {
    let mut cmd = support::pg_tool("pg_dump", &db.config());
    let out = cmd.args(["-n", "public", "--no-owner"]).output().unwrap();
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `strata import` of a script on the test server; its exit code and what it printed.
fn import(db: &TestDb, sql: &str, namespaces: &[&str]) -> (Option<i32>, String, String) {
    let work = tempfile::tempdir().unwrap();
    let (file, out) = (work.path().join("script.sql"), work.path().join("out"));
    std::fs::write(&file, sql).unwrap();
    let url = db.url();
    let mut args =
        vec!["import", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "x", "--dev-url", &url];
    for n in namespaces {
        args.extend(["--namespace", n]);
    }
    let output = cli::strata(&args);
    let toml: String = std::fs::read_dir(&out)
        .into_iter()
        .flatten()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    (output.status.code(), format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr)), toml)
}

/// Each script reaches, or tries to, past its scratch database (as the superuser strata's import
/// ran it as did): each is refused at its line, and nothing of it is left on the server.
#[test]
fn an_import_script_cannot_touch_anything_outside_its_scratch_database() {
    let db = TestDb::new();
    let mut client = db.client();
    let marker = std::env::temp_dir().join(format!("strata_pwned_{}", std::process::id()));
    let tag = db.config().get_dbname().unwrap().to_string();
    let scripts = [
        format!("CREATE TABLE a (id int);\nCREATE ROLE {tag}_evil SUPERUSER;\n"),
        format!("DO $$ BEGIN EXECUTE 'CREATE ROLE {tag}_evil LOGIN'; END $$;\n"),
        "DO $$ BEGIN EXECUTE 'ALTER SYSTEM SET work_mem = ''77MB'''; END $$;\n".to_string(),
        format!("DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch {}'''; END $$;\n", marker.display()),
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{tag}';\n"),
        "CREATE EXTENSION dblink;\n".to_string(),
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER LEAKPROOF AS 'SELECT 1';\n".to_string(),
        "CREATE FUNCTION f(cstring) RETURNS int LANGUAGE internal LEAKPROOF AS 'int4in';\n".to_string(),
        "SELECT pg_read_file('/etc/hostname');\n".to_string(),
        format!("CREATE DATABASE {tag}_other;\n"),
    ];
    for sql in &scripts {
        let (code, printed, _) = import(&db, sql, &[]);
        assert_ne!(code, Some(0), "imported:\n{sql}\n{printed}");
        assert!(printed.contains("script.sql:"), "refused without its line:\n{sql}\n{printed}");
    }
    let count = |client: &mut postgres::Client, sql: &str| -> i64 { client.query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(count(&mut client, &format!("SELECT count(*) FROM pg_roles WHERE rolname LIKE '{tag}\\_%'")), 0);
    assert_eq!(count(&mut client, "SELECT count(*) FROM pg_file_settings WHERE name = 'work_mem'"), 0);
    assert_eq!(count(&mut client, &format!("SELECT count(*) FROM pg_database WHERE datname LIKE '{tag}\\_%'")), 0);
    assert!(!marker.exists(), "a shell command ran");
    client.execute("SELECT 1", &[]).expect("this session was not terminated");
    eprintln!("hostile imports: {0}/{0} refused, nothing left outside the scratch database", scripts.len());
}

/// What a schema script may do that the import's role may not is done for it: a role as strata
/// writes it (then given a namespace), an extension, a LEAKPROOF function, ownership given to a
/// superuser, grants on all functions of namespaces holding an extension's.
#[test]
fn an_import_does_for_the_script_what_a_schema_needs() {
    let db = TestDb::new();
    let role = format!("{}_owner", db.config().get_dbname().unwrap());
    let sql = format!(
        "{};\nCREATE SCHEMA ledger AUTHORIZATION {role};\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n\
         CREATE FUNCTION ledger.same(a int) RETURNS int LANGUAGE sql IMMUTABLE LEAKPROOF RETURN a;\n\
         CREATE TABLE public.t (id int PRIMARY KEY);\nALTER TABLE public.t OWNER TO {};\n\
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public, ledger TO {role};\n",
        strata_codegen::render::sql::create_role_sql(&role, false, true),
        db.config().get_user().unwrap()
    );
    let (code, printed, toml) = import(&db, &sql, &["public", "ledger"]);
    assert_eq!(code, Some(0), "{printed}");
    for expected in [role.as_str(), "leakproof = true", "pgcrypto", "EXECUTE"] {
        assert!(toml.contains(expected), "{expected} missing:\n{toml}");
    }
}
