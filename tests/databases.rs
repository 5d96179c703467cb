//! Databases strata did not write go through and come back unchanged. Each is built from a
//! script as its authors would write it (pg_dump's order, or by hand, objects reaching across
//! kinds: defaults, generated columns, CHECKs, indexes and views that call functions, functions
//! that call functions made after them, foreign keys to unique indexes), then read by `pull`
//! and by `import`; what they write, compiled, generated and applied to an empty database, must
//! give the same database (`support::reproduces`: introspection and `pg_dump --schema-only`).
//! The corpus is `tests/fixtures/databases/`; the random databases mix the same dependencies.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/mod.rs"]
mod support;

use strata::script::{Piece, pieces};
use strata::testing::TestDb;
use strata_codegen::render;

/// The namespaces a database's authors made, `public` first.
fn namespaces(client: &mut postgres::Client) -> Vec<String> {
    let rows = client
        .query(
            "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' \
             ORDER BY nspname <> 'public', nspname",
            &[],
        )
        .unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// Runs a script as psql would, each statement on its own.
fn apply_script(client: &mut postgres::Client, sql: &str) -> Result<(), String> {
    for piece in pieces(sql).map_err(|e| e.to_string())? {
        if let Piece::Statement { text, .. } = piece {
            client.batch_execute(text).map_err(|e| format!("{text}: {e:?}"))?;
        }
    }
    Ok(())
}

/// The database `sql` makes, read back through `pull` (the live source and the TOML target)
/// and through `strata import`; `Err` says which failed and how.
fn round_trips(name: &str, sql: &str) -> Result<(), String> {
    let original = TestDb::new();
    let mut client = original.client();
    apply_script(&mut client, sql).map_err(|e| format!("the script does not apply: {e}"))?;
    let namespaces = namespaces(&mut client);
    let read = support::introspect(&mut client, name, &namespaces);
    let work = tempfile::tempdir().unwrap();
    let pulled = work.path().join("pulled");
    std::fs::create_dir(&pulled).unwrap();
    for (file, text) in render::toml::files(&read) {
        std::fs::write(pulled.join(file), text).unwrap();
    }
    let mut counts = support::Counts::new();
    support::reproduces(&original, &read, &namespaces, &pulled, &mut counts).map_err(|e| format!("pull: {e}"))?;
    let (file, imported) = (work.path().join("input.sql"), work.path().join("imported"));
    std::fs::write(&file, sql).unwrap();
    let scratch = TestDb::new();
    let args = ["import", file.to_str().unwrap(), "--out", imported.to_str().unwrap(), "--name", name];
    let output = cli::strata(&[&args[..], &["--dev-url", &scratch.url()]].concat());
    if output.status.code() != Some(0) {
        return Err(format!("import: {}{}", cli::text(&output.stdout), cli::text(&output.stderr)));
    }
    support::reproduces(&original, &read, &namespaces, &imported, &mut counts).map_err(|e| format!("import: {e}"))
}

/// The corpus; `STRATA_DATABASES_DIR=DIR` runs the `.sql` files of another folder instead (a
/// corpus of schemas none of us wrote, say).
#[test]
fn every_database_of_the_corpus_round_trips() {
    let dir = std::env::var("STRATA_DATABASES_DIR").unwrap_or_else(|_| "tests/fixtures/databases".into());
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "sql"));
    files.sort();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let result = round_trips(&name, &std::fs::read_to_string(path).unwrap());
        eprintln!(
            "{}: {}",
            path.display(),
            result.as_ref().map_or_else(|e| e.lines().next().unwrap_or(""), |()| "round-trips")
        );
        if let Err(e) = result {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    eprintln!(
        "databases: {}/{} of the corpus round-trip through pull and import",
        files.len() - failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Random databases whose objects reach across kinds, each script written in an order
/// PostgreSQL accepts (functions first, bodies unchecked, as pg_dump writes them; the objects'
/// declaration order shuffled otherwise). `STRATA_DATABASES_CASES=N` runs more; a failure
/// prints its seed, and `STRATA_DATABASES_SEED=S` runs that one.
#[test]
fn random_databases_round_trip() {
    let seeds: Vec<u64> = match std::env::var("STRATA_DATABASES_SEED") {
        Ok(seed) => vec![seed.parse().expect("a number")],
        Err(_) => {
            let cases = std::env::var("STRATA_DATABASES_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(50);
            (0..cases).map(|case| 0xdb_0000 + case).collect()
        }
    };
    let mut failures = Vec::new();
    for &seed in &seeds {
        let sql = random_database(seed);
        if let Err(e) = round_trips("random", &sql) {
            failures.push(format!("seed {seed}: {e}\n\n{sql}"));
        }
    }
    eprintln!("random databases: {}/{} round-trip through pull and import", seeds.len() - failures.len(), seeds.len());
    assert!(failures.is_empty(), "{} failed; the first:\n{}", failures.len(), failures[0]);
}

/// One database: 2 to 6 functions (SQL with a string body, `RETURN`, `BEGIN ATOMIC`, PL/pgSQL),
/// each of which may call one made after it; a domain checked by one; 2 to 5 tables whose
/// defaults, generated columns, CHECKs and expression indexes call them, a foreign key to an
/// earlier table's unique index; a view that calls one; a trigger; a policy; a partitioned
/// table over a union type and a sequence; a view over a set-returning function; comments.
fn random_database(seed: u64) -> String {
    let mut rng = support::Rng(seed);
    let mut sql = String::from("SET check_function_bodies = off;\nCREATE SCHEMA app;\n");
    let ns = |rng: &mut support::Rng| if rng.chance(50) { "public" } else { "app" };
    // f{i}(integer) returns integer, immutable, and may call an f{j} with j > i.
    let n_functions = 2 + rng.below(5) as usize;
    let functions: Vec<String> = (0..n_functions).map(|i| format!("{}.f{i}", ns(&mut rng))).collect();
    let mut definitions = Vec::new();
    for (i, name) in functions.iter().enumerate() {
        let later = n_functions - i - 1;
        let callee = (later > 0 && rng.chance(60)).then(|| &functions[i + 1 + rng.below(later as u64) as usize]);
        let inner = callee.map_or("x".to_string(), |g| format!("{g}(x)"));
        let expr = format!("{inner} + {}", rng.below(9) + 1);
        let body = match rng.below(4) {
            0 => format!("LANGUAGE sql IMMUTABLE AS $$ SELECT {expr} $$"),
            // A standard body is checked when made: only over what exists already.
            1 if callee.is_none() => format!("LANGUAGE sql IMMUTABLE RETURN {expr}"),
            2 if callee.is_none() => format!("LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT {expr}; END"),
            _ => format!("LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN {expr}; END $$"),
        };
        definitions.push(format!("CREATE FUNCTION {name}(x integer) RETURNS integer {body};\n"));
    }
    // Declared in a shuffled order (string bodies are not checked, and standard ones call
    // nothing), so any order applies.
    while !definitions.is_empty() {
        let k = rng.below(definitions.len() as u64) as usize;
        sql.push_str(&definitions.remove(k));
    }
    let mut f = || functions[rng.below(n_functions as u64) as usize].clone();
    let mut calls: Vec<String> = (0..60).map(|_| f()).collect();
    let mut rng = support::Rng(seed ^ 0xff);
    let mut call = move || calls.pop().unwrap();
    sql.push_str(&format!("CREATE DOMAIN app.score AS integer CHECK ({}(VALUE) > 0);\n", call()));
    let mut tables: Vec<String> = Vec::new();
    for t in 0..2 + rng.below(4) as usize {
        let table = format!("{}.t{t}", ns(&mut rng));
        let mut columns = vec![
            "id integer PRIMARY KEY".to_string(),
            "code integer NOT NULL".to_string(),
            format!("n integer NOT NULL DEFAULT {}(1)", call()),
        ];
        if rng.chance(50) {
            columns.push(format!("m integer GENERATED ALWAYS AS ({}(n)) STORED", call()));
        }
        if rng.chance(50) {
            columns.push("s app.score".to_string());
        }
        if rng.chance(50) {
            columns.push(format!("CONSTRAINT t{t}_n_check CHECK ({}(n) > 0)", call()));
        }
        if !tables.is_empty() && rng.chance(60) {
            let to = &tables[rng.below(tables.len() as u64) as usize];
            columns.push("parent integer".to_string());
            columns.push(format!("CONSTRAINT t{t}_parent_fkey FOREIGN KEY (parent) REFERENCES {to} (code)"));
        }
        sql.push_str(&format!("CREATE TABLE {table} (\n    {}\n);\n", columns.join(",\n    ")));
        sql.push_str(&format!("CREATE UNIQUE INDEX t{t}_code_key ON {table} (code);\n"));
        if rng.chance(50) {
            sql.push_str(&format!("CREATE INDEX t{t}_expr ON {table} ({}(n)) WHERE {}(code) > 0;\n", call(), call()));
        }
        if rng.chance(30) {
            sql.push_str(&format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n"));
            sql.push_str(&format!("CREATE POLICY t{t}_positive ON {table} USING ({}(n) > 0);\n", call()));
        }
        tables.push(table);
    }
    sql.push_str(&format!("CREATE VIEW app.v AS SELECT id, {}(n) AS value FROM {};\n", call(), tables[0]));
    if rng.chance(50) {
        sql.push_str(
            "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n; RETURN NEW; END $$;\n",
        );
        sql.push_str(&format!(
            "CREATE TRIGGER touch BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION app.touch();\n",
            tables[0]
        ));
    }
    // A union type and a sequence that a partitioned table's defaults use; its index calls a
    // function, one partition has an index of its own; a set-returning function over the
    // first table, read by a view, and a view over that view; comments.
    if rng.chance(60) {
        sql.push_str("CREATE TYPE app.state AS ENUM ('new', 'done');\nCREATE SEQUENCE app.event_ids;\n");
        sql.push_str(&format!(
            "CREATE TABLE app.events (\n    id bigint NOT NULL DEFAULT nextval('app.event_ids'),\n    at date NOT NULL,\n    \
             state app.state NOT NULL DEFAULT 'new',\n    n integer NOT NULL DEFAULT {}(2),\n    PRIMARY KEY (id, at)\n) \
             PARTITION BY RANGE (at);\n",
            call()
        ));
        sql.push_str(
            "CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
        );
        sql.push_str(
            "CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n",
        );
        sql.push_str(&format!("CREATE INDEX events_n ON app.events ({}(n));\n", call()));
        if rng.chance(50) {
            sql.push_str("CREATE INDEX events_2025_state ON app.events_2025 (state) WITH (fillfactor = 70);\n");
        }
    }
    if rng.chance(60) {
        let first = &tables[0];
        sql.push_str(&format!(
            "CREATE FUNCTION app.recent(k integer) RETURNS SETOF {first} LANGUAGE sql STABLE AS $$ SELECT * FROM {first} ORDER BY id DESC LIMIT k $$;\n"
        ));
        sql.push_str("CREATE VIEW app.latest AS SELECT id, code FROM app.recent(5);\n");
        sql.push_str(&format!("CREATE VIEW public.latest_codes AS SELECT {}(code) AS code FROM app.latest;\n", call()));
    }
    if rng.chance(50) {
        sql.push_str(&format!("COMMENT ON TABLE {} IS 'The first table';\n", tables[0]));
        sql.push_str(&format!("COMMENT ON COLUMN {}.code IS 'Its code';\n", tables[0]));
        sql.push_str("COMMENT ON VIEW app.v IS 'Values';\n");
    }
    sql
}

/// `strata adopt` on a database built by hand: the first migration is recorded, not run; the
/// project then migrates it forward like any other. A database that differs from the model is
/// refused with its differences, and nothing is recorded.
#[test]
fn a_database_built_by_hand_is_adopted_and_migrated_forward() {
    let sql = std::fs::read_to_string("tests/fixtures/databases/tenancy.sql").unwrap();
    let db = TestDb::new();
    apply_script(&mut db.client(), &sql).unwrap();
    let project = tempfile::tempdir().unwrap();
    let file = project.path().join("strata.toml");
    std::fs::write(&file, "").unwrap();
    let url = db.url();
    let run = |args: &[&str]| {
        let output = cli::strata(&[args, &["--project", file.to_str().unwrap()]].concat());
        (output.status.code(), format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr)))
    };
    let (code, out) = run(&["adopt", "--database-url", &url, "--name", "tenancy"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("recorded 0001_init as applied (not run)"), "{out}");
    let recorded = |db: &TestDb| -> Vec<String> {
        let rows = db.client().query("SELECT name FROM strata.migrations ORDER BY version", &[]).unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    assert_eq!(recorded(&db), ["init"]);
    let (code, out) = run(&["migrate", "status", "--schema", "tenancy", "--database-url", &url]);
    assert_eq!(code, Some(0), "{out}");

    // Forward: a table added to the schema folder becomes 0002, which is all `up` runs.
    let extra = "[tables.audit]\n[tables.audit.columns]\nid = { type = \"bigint\", primary_key = true }\n";
    std::fs::write(project.path().join("schema/tenancy/audit.toml"), extra).unwrap();
    let (code, out) = run(&["generate", "--name", "audit"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&["migrate", "up", "--schema", "tenancy", "--database-url", &url]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("ran 0002_audit") && !out.contains("ran 0001"), "{out}");
    assert_eq!(recorded(&db), ["init", "audit"]);
    let (code, out) = run(&["verify", "--no-apply", "--schema", "tenancy", "--database-url", &url]);
    assert_eq!(code, Some(0), "{out}");

    // A database that is not at 0002 (restored from an older dump, then changed by hand).
    let other = TestDb::new();
    apply_script(&mut other.client(), &sql).unwrap();
    other.client().batch_execute("ALTER TABLE tickets ADD COLUMN note text").unwrap();
    let (code, out) = run(&["migrate", "baseline", "--schema", "tenancy", "--database-url", &other.url()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("nothing was recorded") && out.contains("public.audit"), "{out}");
    let exists: bool =
        other.client().query_one("SELECT to_regclass('strata.migrations') IS NOT NULL", &[]).unwrap().get(0);
    assert!(!exists || recorded(&other).is_empty(), "a refused baseline recorded something");
    // At 0001 it is not either: the column is extra.
    let (code, out) = run(&["migrate", "baseline", "--to", "1", "--schema", "tenancy", "--database-url", &other.url()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("note"), "{out}");
    other.client().batch_execute("ALTER TABLE tickets DROP COLUMN note").unwrap();
    let (code, out) = run(&["migrate", "baseline", "--to", "1", "--schema", "tenancy", "--database-url", &other.url()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(recorded(&other), ["init"]);
    // `strata init NAME --database-url` starts a project from a database the same way.
    let started = TestDb::new();
    apply_script(&mut started.client(), &sql).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let dir = fresh.path().join("project");
    let init = ["init", "tickets", "--dir", dir.to_str().unwrap(), "--database-url", &started.url()];
    let output = cli::strata(&init);
    let text = format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(dir.join("strata.toml").is_file() && dir.join("schema/tickets").is_dir(), "{text}");
    assert!(dir.join("generated/tickets/migrations/0001_init/up.sql").is_file(), "{text}");
    assert_eq!(recorded(&started), ["init"]);

    let again = ["migrate", "baseline", "--to", "1", "--schema", "tenancy", "--database-url", &other.url()];
    let (code, out) = run(&again);
    assert_eq!(code, Some(1), "a second baseline is refused: {out}");
    assert!(out.contains("applied migrations already"), "{out}");
}

/// What strata cannot express yet is reported by `pull`, one line each, and everything else is
/// still read: the folder is written and reproduces the rest.
#[test]
fn what_strata_cannot_express_is_reported_and_the_rest_is_read() {
    let db = TestDb::new();
    let sql = "CREATE TABLE shapes (id int PRIMARY KEY, kind text NOT NULL);
               CREATE TABLE circles (radius numeric NOT NULL) INHERITS (shapes);
               CREATE TABLE bookings (id int PRIMARY KEY, room int NOT NULL, code text);
               CREATE RULE bookings_kept AS ON DELETE TO bookings DO INSTEAD NOTHING;
               CREATE STATISTICS bookings_room_code (dependencies) ON room, code FROM bookings;
               ALTER TABLE bookings ALTER COLUMN room SET STATISTICS 500;
               CREATE TABLE nothing ();";
    db.client().batch_execute(sql).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("pulled");
    let output = cli::strata(&["pull", "--database-url", &db.url(), "--out", out.to_str().unwrap()]);
    let text = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for expected in [
        "left out, strata cannot express it yet: rule bookings_kept on public.bookings",
        "extended statistics public.bookings_room_code",
        "inheritance: public.circles inherits public.shapes",
        "column public.bookings.room has statistics target 500",
        "table public.nothing has no columns",
        "5 object(s) left out",
    ] {
        assert!(text.contains(expected), "`{expected}` not in:\n{text}");
    }
    let compiled = strata_codegen::io::compile_folder(&out).unwrap();
    let schema = compiled.schema.expect("the folder compiles");
    let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["shapes", "circles", "bookings"]);
}
