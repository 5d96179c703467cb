//! A developer's loop and repairs, through the CLI on a live server: `strata apply` (the
//! declaration onto a development database, no files), `strata migrate reset` (back to the
//! chain), and `strata migrate resolve` (a migration that stopped part-way, recorded as applied
//! or rolled back only once the database agrees).

#[path = "support/cli.rs"]
mod cli;

use std::path::PathBuf;

use strata::testing::TestDb;

/// A project in a temporary folder: strata.toml and schema/shop/schema.toml.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(schema: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("strata.toml"), "").unwrap();
        let project = Project { dir };
        project.declare(schema);
        project
    }

    fn declare(&self, schema: &str) {
        let folder = self.dir.path().join("schema/shop");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("schema.toml"), schema).unwrap();
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("strata.toml")
    }

    fn migrations(&self) -> PathBuf {
        self.dir.path().join("generated/shop/migrations")
    }

    /// `strata ARGS --project FILE`: (exit code, stdout and stderr).
    fn run(&self, args: &[&str]) -> (Option<i32>, String) {
        let file = self.file();
        let output = cli::strata(&[args, &["--project", file.to_str().unwrap()]].concat());
        (output.status.code(), format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr)))
    }

    /// `run`, which must succeed: what it printed.
    fn ok(&self, args: &[&str]) -> String {
        let (code, out) = self.run(args);
        assert_eq!(code, Some(0), "{args:?}: {out}");
        out
    }

    /// `migrate`, which must succeed: what it printed.
    fn migrate_ok(&self, args: &[&str], db: &TestDb) -> String {
        let (code, out) = self.migrate(args, db);
        assert_eq!(code, Some(0), "{args:?}: {out}");
        out
    }

    /// `strata migrate ARGS` against `db`.
    fn migrate(&self, args: &[&str], db: &TestDb) -> (Option<i32>, String) {
        let url = db.url();
        let dir = self.migrations();
        self.run(&[&["migrate"], args, &["--dir", dir.to_str().unwrap(), "--database-url", &url]].concat())
    }
}

const ITEMS: &str = r#"[schema]
name = "shop"

[tables.items.columns]
id = { type = "bigint", primary_key = true }
name = { type = "text" }
"#;

fn column_exists(db: &TestDb, table: &str, column: &str) -> bool {
    let sql = "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = $1 AND column_name = $2)";
    db.client().query_one(sql, &[&table, &column]).unwrap().get(0)
}

fn recorded(db: &TestDb) -> Vec<(i64, String, Option<i32>)> {
    let rows = db.client().query("SELECT version, name, steps_done FROM strata.migrations ORDER BY version", &[]);
    rows.unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

/// The declaration changed without a migration is applied to a development database (the plan
/// printed, refused when it deletes data unless allowed, asked for without `--yes`); the
/// database then holds it. `migrate reset` drops it all (refused while tables hold rows,
/// unless allowed) and runs the chain, which is all the database holds afterwards.
#[test]
fn apply_changes_a_development_database_and_reset_brings_it_back_to_the_chain() {
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    let db = TestDb::new();
    let dev = TestDb::new();
    let (url, dev_url) = (db.url(), dev.url());
    project.migrate_ok(&["up"], &db);

    project.declare(&format!(
        "{ITEMS}price = {{ type = \"numeric(10,2)\", nullable = true }}\n\n[tables.tags.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n"
    ));
    let apply =
        |extra: &[&str]| project.run(&[&["apply", "--database-url", &url, "--dev-url", &dev_url], extra].concat());
    let (code, out) = apply(&["--dry-run"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("ADD COLUMN price numeric(10,2)") && out.contains("CREATE TABLE tags"), "{out}");
    assert!(!column_exists(&db, "items", "price"), "a dry run ran nothing");
    let (code, out) = apply(&[]);
    assert_eq!(code, Some(2), "without a terminal, apply asks for --yes: {out}");
    assert!(out.contains("give --yes") && !column_exists(&db, "items", "price"), "{out}");
    let (code, out) = apply(&["--yes"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("ran 2 statement(s)") && column_exists(&db, "items", "price"), "{out}");
    assert!(out.contains("warning: the database has a migration record"), "{out}");
    assert!(!out.contains(&url) && !out.contains(&dev_url), "a URL was printed: {out}");
    project.ok(&["verify", "--no-apply", "--database-url", &url]);
    let (code, out) = apply(&["--yes"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("nothing to do"), "{out}");

    // Taking the column away deletes what it holds: refused, then allowed.
    db.client().batch_execute("INSERT INTO items VALUES (1, 'pen', 2.50)").unwrap();
    project.declare(&format!("{ITEMS}\n[tables.tags.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n"));
    let (code, out) = apply(&["--yes"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("deletes data") && out.contains("price") && column_exists(&db, "items", "price"), "{out}");
    let (code, out) = apply(&["--yes", "--allow-data-loss"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!column_exists(&db, "items", "price"));
    assert_eq!(recorded(&db), [(1, "init".to_string(), None)], "apply leaves the record alone");

    // Back to the chain: 0001 only, so no `tags`; the rows go only when allowed.
    let (code, out) = project.migrate(&["reset"], &db);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("would delete the rows of") && out.contains("items"), "{out}");
    assert!(column_exists(&db, "tags", "id"), "a refused reset ran nothing");
    let out = project.migrate_ok(&["reset", "--dry-run", "--allow-data-loss"], &db);
    assert!(out.contains("DROP TABLE tags") && out.contains("would apply 0001_init"), "{out}");
    assert!(column_exists(&db, "tags", "id"), "a dry run ran nothing");
    let out = project.migrate_ok(&["reset", "--allow-data-loss"], &db);
    assert!(out.contains("ran 0001_init"), "{out}");
    assert!(!column_exists(&db, "tags", "id"));
    let rows: i64 = db.client().query_one("SELECT count(*) FROM items", &[]).unwrap().get(0);
    assert_eq!(rows, 0);
    assert_eq!(recorded(&db), [(1, "init".to_string(), None)]);
    project.migrate_ok(&["status"], &db);
    // A database that holds nothing resets without the flag.
    project.migrate_ok(&["reset"], &db);
}

/// A migration whose unique index build fails on duplicates after its first step committed is
/// interrupted, with the build's INVALID index left behind. `resolve` records it only when the
/// database holds what it claims: rolled back once the column and the invalid index are gone
/// (and `up` then runs it again), applied once the index was built by hand.
#[test]
fn an_interrupted_migration_is_resolved_only_when_the_database_agrees() {
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    let unique = format!(
        "{ITEMS}note = {{ type = \"text\", nullable = true }}\n\n[[tables.items.indexes]]\nname = \"items_name_key\"\ncolumns = [\"name\"]\nunique = true\n"
    );
    project.declare(&unique);
    project.ok(&["generate", "--name", "unique_names"]);
    let up = std::fs::read_to_string(project.migrations().join("0002_unique_names/up.sql")).unwrap();
    assert!(up.contains("CREATE UNIQUE INDEX CONCURRENTLY"), "{up}");

    for (resolution, repair) in [
        ("--rolled-back", "DROP INDEX CONCURRENTLY items_name_key; ALTER TABLE items DROP COLUMN note"),
        (
            "--applied",
            "DROP INDEX CONCURRENTLY items_name_key; DELETE FROM items WHERE id = 2; CREATE UNIQUE INDEX items_name_key ON items (name)",
        ),
    ] {
        let db = TestDb::new();
        project.migrate_ok(&["up", "--to", "1"], &db);
        db.client().batch_execute("INSERT INTO items VALUES (1, 'pen'), (2, 'pen')").unwrap();
        let (code, out) = project.migrate(&["up"], &db);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("1 of its 2 steps stay done"), "{out}");
        assert_eq!(recorded(&db)[1], (2, "unique_names".to_string(), Some(1)));

        // Neither claim holds yet: the column is there, and the index is INVALID.
        for claim in ["--applied", "--rolled-back"] {
            let (code, out) = project.migrate(&["resolve", claim, "2"], &db);
            assert_eq!(code, Some(1), "{out}");
            assert!(out.contains("nothing was recorded") && out.contains("items_name_key is INVALID"), "{out}");
        }
        let (code, out) = project.migrate(&["resolve", "--applied", "1"], &db);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("0001_init is not interrupted"), "{out}");
        assert_eq!(recorded(&db)[1].2, Some(1), "nothing was recorded");

        // One statement at a time, as a person at psql repairs (a concurrent drop runs alone).
        for statement in repair.split("; ") {
            db.client().batch_execute(statement).unwrap();
        }
        let out = project.migrate_ok(&["resolve", resolution, "2"], &db);
        if resolution == "--rolled-back" {
            assert_eq!(recorded(&db).len(), 1, "{out}");
            let out = project.migrate_ok(&["status"], &db);
            assert!(out.contains("pending") && out.contains("0002_unique_names"), "{out}");
            db.client().batch_execute("DELETE FROM items WHERE id = 2").unwrap();
            project.migrate_ok(&["up"], &db);
        }
        assert_eq!(recorded(&db)[1], (2, "unique_names".to_string(), None));
        project.migrate_ok(&["status"], &db);
        project.ok(&["verify", "--no-apply", "--database-url", &db.url()]);
    }
}

/// Two branches each numbered a migration 0002; the database applied one, and the merged folder
/// holds the other under that number: the runner refuses and names both, and reset is the way
/// out for a development database.
#[test]
fn a_database_that_applied_another_branchs_migration_is_refused_with_both_names() {
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    project.declare(&format!("{ITEMS}phone = {{ type = \"text\", nullable = true }}\n"));
    project.ok(&["generate", "--name", "add_phone"]);
    let db = TestDb::new();
    project.migrate_ok(&["up"], &db);
    // The other branch's 0002 replaces this one in the folder.
    std::fs::remove_dir_all(project.migrations().join("0002_add_phone")).unwrap();
    project.declare(&format!("{ITEMS}gift = {{ type = \"text\", nullable = true }}\n"));
    project.ok(&["generate", "--name", "add_gift"]);
    for args in [&["up"][..], &["status"]] {
        let (code, out) = project.migrate(args, &db);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("0002 was applied as 0002_add_phone") && out.contains("0002_add_gift"), "{args:?}: {out}");
    }
    assert!(!column_exists(&db, "items", "gift"), "nothing ran");
    let out = project.migrate_ok(&["reset"], &db);
    assert!(column_exists(&db, "items", "gift") && !column_exists(&db, "items", "phone"), "{out}");
    assert_eq!(recorded(&db).len(), 2);
}

/// What others made in the database (a hotfix index, a table pg_partman keeps with its children
/// and its template in pg_partman's namespace, pg_partman itself, a function of a legacy job) is
/// named in `[schema.ignore]`: `verify` does not report it, `diff` and `apply` do not drop it,
/// `migrate reset` keeps it (a hotfix index on one of the schema's tables goes with the table), and `pull --ignore` leaves it out and writes the list. Without the
/// list, verify reports each.
#[test]
fn objects_the_schema_leaves_to_others_are_not_its_own() {
    let ignore = "[schema.ignore]\nindexes = [\"hotfix_*\"]\nrelations = [\"legacy_events*\"]\nnamespaces = \
                  [\"partman\"]\nfunctions = [\"legacy_*\"]\nextensions = [\"pg_partman\"]\n";
    let with_ignore = ITEMS.replacen("name = \"shop\"\n", &format!("name = \"shop\"\n\n{ignore}"), 1);
    let project = Project::new(&with_ignore);
    project.ok(&["generate"]);
    let db = TestDb::new();
    let dev = TestDb::new();
    let (url, dev_url) = (db.url(), dev.url());
    project.migrate_ok(&["up"], &db);
    db.client()
        .batch_execute(
            "CREATE INDEX hotfix_items_name ON items (name);
             CREATE SCHEMA partman;
             CREATE EXTENSION pg_partman SCHEMA partman;
             CREATE TABLE legacy_events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
             SELECT partman.create_parent(p_parent_table => 'public.legacy_events', p_control => 'at', \
             p_type => 'native', p_interval => 'daily', p_premake => 2);
             CREATE FUNCTION legacy_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM legacy_events';",
        )
        .unwrap();
    let children: i64 = db
        .client()
        .query_one("SELECT count(*) FROM pg_inherits WHERE inhparent = 'legacy_events'::regclass", &[])
        .unwrap()
        .get(0);
    assert!(children >= 3, "pg_partman made the partitions");

    project.ok(&["verify", "--no-apply", "--database-url", &url]);
    let bare = |args: &[&str]| {
        let output = cli::strata(args);
        (output.status.code(), format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr)))
    };
    let folder = project.dir.path().join("schema/shop");
    let (code, out) = bare(&["diff", "--from", &url, "--to", folder.to_str().unwrap(), "--dev-url", &dev_url]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("0 statement(s)"), "{out}");
    let out = project.ok(&["apply", "--yes", "--database-url", &url, "--dev-url", &dev_url]);
    assert!(out.contains("nothing to do"), "{out}");
    let out = project.migrate_ok(&["reset"], &db);
    let kept: bool = db
        .client()
        .query_one(
            "SELECT to_regclass('legacy_events') IS NOT NULL AND to_regprocedure('legacy_count()') IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(kept, "reset dropped what the schema leaves to others: {out}");
    // An index on a table of the schema goes with the table, which reset makes again.
    db.client().batch_execute("CREATE INDEX hotfix_items_name ON items (name)").unwrap();

    let pulled = project.dir.path().join("pulled");
    let mut pull = vec!["pull", "--database-url", &url, "--out", pulled.to_str().unwrap(), "--name", "shop"];
    for i in ["indexes:hotfix_*", "relations:legacy_events*", "namespaces:partman", "functions:legacy_*"] {
        pull.extend(["--ignore", i]);
    }
    pull.extend(["--ignore", "extensions:pg_partman"]);
    let (code, out) = bare(&pull);
    assert_eq!(code, Some(0), "{out}");
    let written = std::fs::read_to_string(pulled.join("schema.toml")).unwrap();
    assert!(written.contains("[schema.ignore]") && written.contains("\"hotfix_*\""), "{written}");
    let all: String = std::fs::read_dir(&pulled)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    for left in ["hotfix_items_name", "tables.legacy_events", "legacy_count()", "partman.template"] {
        assert!(!all.contains(left), "{left} was pulled: {all}");
    }
    let declared = written.split("[schema.ignore]").next().unwrap();
    assert!(!declared.contains("extensions"), "pg_partman was pulled: {written}");
    let (code, out) = bare(&["pull", "--database-url", &url, "--out", "x", "--ignore", "tables:t"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("`tables` is not one of"), "{out}");

    // Without the list, each is the schema's: verify reports them.
    project.declare(ITEMS);
    let (code, out) = project.run(&["verify", "--no-apply", "--database-url", &url]);
    assert_eq!(code, Some(1), "{out}");
    for drift in ["hotfix_items_name", "legacy_events", "legacy_count", "pg_partman"] {
        assert!(out.contains(drift), "{drift} not reported: {out}");
    }
}

/// `generate --custom` writes an empty migration after the last for its author: a backfill of
/// 100,000 rows between two schema versions runs in the chain like any other, `check` accepts
/// its edits until it has run and the runner refuses them after; one that changes the schema
/// behind the declaration's back fails `verify`, naming it.
#[test]
fn a_hand_written_migration_backfills_rows_in_the_chain() {
    let schema = format!("{ITEMS}price = {{ type = \"numeric(10,2)\", nullable = true }}\n");
    let project = Project::new(&schema);
    project.ok(&["generate"]);
    let db = TestDb::new();
    let dev = TestDb::new();
    project.migrate_ok(&["up"], &db);
    db.client().batch_execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100000) g").unwrap();

    let (code, out) = project.run(&["generate", "--custom"]);
    assert_eq!(code, Some(2), "--custom needs --name: {out}");
    project.ok(&["generate", "--custom", "--name", "backfill_prices"]);
    let folder = project.migrations().join("0002_backfill_prices");
    let up = std::fs::read_to_string(folder.join("up.sql")).unwrap();
    assert!(up.contains("written by hand"), "{up}");
    std::fs::write(
        folder.join("up.sql"),
        format!("{up}-- Backfill\nUPDATE items SET price = 1.50 WHERE price IS NULL;\n"),
    )
    .unwrap();
    std::fs::write(folder.join("down.sql"), "-- Undo the backfill\nUPDATE items SET price = NULL;\n").unwrap();
    project.ok(&["check"]);
    project.ok(&["generate"]);
    assert!(!project.migrations().join("0003_backfill_prices").exists());

    let out = project.migrate_ok(&["up"], &db);
    assert!(out.contains("ran 0002_backfill_prices"), "{out}");
    let left: i64 = db.client().query_one("SELECT count(*) FROM items WHERE price IS NULL", &[]).unwrap().get(0);
    assert_eq!(left, 0);
    project.ok(&["verify", "--dev-url", &dev.url()]);
    // Once it has run, it is checksummed like any other.
    let written = std::fs::read_to_string(folder.join("up.sql")).unwrap();
    std::fs::write(folder.join("up.sql"), format!("{written}-- More\nSELECT 1;\n")).unwrap();
    let (code, out) = project.migrate(&["status"], &db);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("0002_backfill_prices/up.sql was edited after it was applied"), "{out}");
    std::fs::write(folder.join("up.sql"), written).unwrap();

    // A hand-written step that changes the schema is reported.
    project.ok(&["generate", "--custom", "--name", "sneaky"]);
    std::fs::write(
        project.migrations().join("0003_sneaky/up.sql"),
        "-- Sneak\nALTER TABLE items ADD COLUMN sneaky text;\n",
    )
    .unwrap();
    let (code, out) = project.run(&["verify", "--dev-url", &dev.url()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("0003_sneaky is written by hand and changes the schema") && out.contains("sneaky"), "{out}");

    // The schema changed: its migration comes first.
    project.declare(&format!("{schema}note = {{ type = \"text\", nullable = true }}\n"));
    let (code, out) = project.run(&["generate", "--custom", "--name", "later"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("generate that change first"), "{out}");
}

/// A declared backfill that gives a row NULL stops its migration with the count, interrupted
/// after the column was added; once the row is fixed by hand, `up` resumes and finishes it.
#[test]
fn a_backfill_that_gives_null_stops_with_the_count_and_resumes() {
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    let db = TestDb::new();
    project.migrate_ok(&["up"], &db);
    db.client().batch_execute("INSERT INTO items VALUES (1, 'pen'), (2, 'ink'), (3, 'pad')").unwrap();
    project.declare(&format!("{ITEMS}label = {{ type = \"text\", backfill = \"NULLIF(upper(name), 'INK')\" }}\n"));
    project.ok(&["generate", "--name", "labels"]);
    let (code, out) = project.migrate(&["up"], &db);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("backfill of items.label: it gives NULL for 1 row(s)"), "{out}");
    assert!(out.contains("stay done"), "the column was added before: {out}");
    db.client().batch_execute("UPDATE items SET name = 'INKWELL' WHERE id = 2").unwrap();
    project.migrate_ok(&["up"], &db);
    let labels: Vec<String> =
        db.client().query("SELECT label FROM items ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(labels, ["PEN", "INKWELL", "PAD"]);
}

/// Two branches each add migration 0002 (main `add_phone`, the branch `add_gift`), each with a
/// development database; main's database is at main's 0002. After the merge, generate, check
/// and the runner stop naming both; `generate --rebase 0002_add_gift` makes it 0003 from the
/// merged chain; main's database and main's development database then go up to it, the
/// branch's (which ran the old 0002_add_gift) is refused with both names and reset; every
/// record is complete and every database verifies.
#[test]
fn two_branches_merged_are_rebased_and_every_database_follows() {
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    let phone = format!("{ITEMS}phone = {{ type = \"text\", nullable = true }}\n");
    let gift = "gift = { type = \"text\", nullable = true }\n";
    let (main_db, main_dev, branch_dev) = (TestDb::new(), TestDb::new(), TestDb::new());
    // The branch: 0002_add_gift, run on its development database.
    project.declare(&format!("{ITEMS}{gift}"));
    project.ok(&["generate", "--name", "add_gift"]);
    project.migrate_ok(&["up"], &branch_dev);
    let branch_folder = project.migrations().join("0002_add_gift");
    let stash = project.dir.path().join("stash");
    std::fs::rename(&branch_folder, &stash).unwrap();
    // Main: 0002_add_phone, on main's database and main's development database.
    project.declare(&phone);
    project.ok(&["generate", "--name", "add_phone"]);
    for db in [&main_db, &main_dev] {
        project.migrate_ok(&["up"], db);
    }
    // The merge: both folders, both columns declared.
    std::fs::rename(&stash, &branch_folder).unwrap();
    project.declare(&format!("{phone}{gift}"));
    for args in [&["check"][..], &["generate", "--name", "more"]] {
        let (code, out) = project.run(args);
        assert_eq!(code, Some(1), "{args:?}: {out}");
        assert!(out.contains("0002_add_gift, 0002_add_phone") && out.contains("strata generate --rebase"), "{out}");
    }
    let (code, out) = project.migrate(&["up"], &main_db);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("numbered 0002"), "{out}");

    let (code, out) = project.run(&["generate", "--rebase", "0002_nothing"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("no such migration"), "{out}");
    project.ok(&["generate", "--rebase", "0002_add_gift"]);
    assert!(!branch_folder.exists(), "the moved migration is gone");
    let up = std::fs::read_to_string(project.migrations().join("0003_add_gift/up.sql")).unwrap();
    assert!(up.contains("ADD COLUMN gift") && !up.contains("phone"), "{up}");
    project.ok(&["check"]);

    for db in [&main_db, &main_dev] {
        let out = project.migrate_ok(&["up"], db);
        assert!(out.contains("ran 0003_add_gift"), "{out}");
    }
    let (code, out) = project.migrate(&["up"], &branch_dev);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("0002 was applied as 0002_add_gift") && out.contains("0002_add_phone"), "{out}");
    project.migrate_ok(&["reset"], &branch_dev);
    let names = |db: &TestDb| recorded(db).into_iter().map(|(_, name, steps)| (name, steps)).collect::<Vec<_>>();
    for db in [&main_db, &main_dev, &branch_dev] {
        let want = ["init", "add_phone", "add_gift"].map(|n| (n.to_string(), None));
        assert_eq!(names(db), want);
        project.ok(&["verify", "--no-apply", "--database-url", &db.url()]);
    }
}

/// Copies a folder tree.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The agentic platform's four phases squashed into 0004_squashed: a database that ran all
/// four has run it (status clean, nothing to run, verify clean, and `down` undoes it with the
/// four record rows), a new one runs it alone, one at phase 2 is told to finish the phases
/// with the folder from before the squash; `check` accepts the squashed folder.
#[test]
fn agentics_four_phases_squashed_serve_old_and_new_databases() {
    let before = std::path::Path::new("generated/agentic/migrations").canonicalize().unwrap();
    let project = Project::new(ITEMS);
    std::fs::remove_dir_all(project.dir.path().join("schema/shop")).unwrap();
    copy_tree(std::path::Path::new("schema/agentic"), &project.dir.path().join("schema/agentic"));
    copy_tree(std::path::Path::new("generated/agentic"), &project.dir.path().join("generated/agentic"));
    let (at_two, at_four, new) = (TestDb::new(), TestDb::new(), TestDb::new());
    let old_folder = |args: &[&str], db: &TestDb| {
        let output = cli::strata(
            &[&["migrate"], args, &["--dir", before.to_str().unwrap(), "--database-url", &db.url()]].concat(),
        );
        assert!(output.status.success(), "{}", cli::text(&output.stderr));
    };
    old_folder(&["up", "--to", "2"], &at_two);
    old_folder(&["up"], &at_four);

    let (code, out) = project.run(&["generate", "--schema", "agentic", "--squash", "5"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("no migration has that version"), "{out}");
    project.ok(&["generate", "--schema", "agentic", "--squash", "4"]);
    let folder = project.dir.path().join("generated/agentic/migrations");
    let left: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["0004_squashed"]);
    let up = std::fs::read_to_string(folder.join("0004_squashed/up.sql")).unwrap();
    assert!(up.contains("-- strata:squashes 0001_phase1 0002_phase2 0003_phase3 0004_phase4"), "{up}");
    project.ok(&["check", "--schema", "agentic"]);

    let migrate = |args: &[&str], db: &TestDb| {
        let url = db.url();
        project.run(&[&["migrate"], args, &["--dir", folder.to_str().unwrap(), "--database-url", &url]].concat())
    };
    let (code, out) = migrate(&["up"], &new);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("ran 0004_squashed"), "{out}");
    let (code, out) = migrate(&["status"], &at_four);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = migrate(&["up"], &at_four);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("nothing to do"), "{out}");
    for db in [&new, &at_four] {
        project.ok(&["verify", "--no-apply", "--schema", "agentic", "--database-url", &db.url()]);
    }
    let (code, out) = migrate(&["up"], &at_two);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("at 0002_phase2, part way through the migrations 0004_squashed replaced"), "{out}");
    let (code, out) = migrate(&["down", "--allow-data-loss"], &at_four);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("undid 0004_squashed"), "{out}");
    assert!(recorded(&at_four).is_empty(), "the four rows went with it");
}

/// A migration killed in its `CREATE UNIQUE INDEX CONCURRENTLY` (its backend terminated while
/// the build waits for a writer), after its first step committed: interrupted, with the build's
/// INVALID index left. `resolve --applied` is refused until the index is built by hand, then
/// records it; the database then verifies.
#[test]
fn a_killed_concurrent_build_is_resolved_once_repaired() {
    let v1 = format!("{ITEMS}\n[tables.other.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n");
    let project = Project::new(&v1);
    project.ok(&["generate"]);
    project.declare(&format!(
        "{v1}note = {{ type = \"text\", nullable = true }}\n\n[[tables.items.indexes]]\nname = \"items_name_key\"\ncolumns = [\"name\"]\nunique = true\n"
    ));
    project.ok(&["generate", "--name", "unique_names"]);
    let db = TestDb::new();
    project.migrate_ok(&["up", "--to", "1"], &db);
    // A writer's open transaction: the concurrent build waits for it to end.
    let mut writer = db.client();
    writer.batch_execute("BEGIN; INSERT INTO items VALUES (1, 'pen')").unwrap();
    let dir = project.migrations();
    let runner = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["migrate", "up", "--dir", dir.to_str().unwrap(), "--database-url", &db.url()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut watcher = db.client();
    let started = std::time::Instant::now();
    let terminated = loop {
        let row = watcher
            .query_opt(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'CREATE UNIQUE INDEX CONCURRENTLY%' \
                 AND wait_event_type IS NOT NULL AND datname = current_database()",
                &[],
            )
            .unwrap();
        if let Some(row) = row {
            break row.get::<_, bool>(0);
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the build never started waiting");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(terminated);
    assert!(!runner.wait_with_output().unwrap().status.success());
    writer.batch_execute("ROLLBACK").unwrap();
    assert_eq!(recorded(&db)[1], (2, "unique_names".to_string(), Some(1)), "interrupted after its first step");

    let (code, out) = project.migrate(&["resolve", "--applied", "2"], &db);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("items_name_key is INVALID"), "{out}");
    for repair in
        ["DROP INDEX CONCURRENTLY items_name_key", "CREATE UNIQUE INDEX CONCURRENTLY items_name_key ON items (name)"]
    {
        db.client().batch_execute(repair).unwrap();
    }
    project.migrate_ok(&["resolve", "--applied", "2"], &db);
    assert_eq!(recorded(&db)[1], (2, "unique_names".to_string(), None));
    project.migrate_ok(&["status"], &db);
    project.ok(&["verify", "--no-apply", "--database-url", &db.url()]);
}

/// pg_cron, installed by an administrator in pg_cron's own database (on a server that preloads
/// it), is an extension the schema does not declare: reported by verify until
/// `[schema.ignore] extensions` names it, and never dropped by apply; its `cron` tables are the
/// extension's and never read.
#[test]
fn pg_cron_installed_by_an_administrator_is_left_alone() {
    if !strata::testing::Server::local_has_module("pg_cron") {
        strata::testing::missing(
            "STRATA_REQUIRE_PG_CRON",
            "pg_cron_installed_by_an_administrator_is_left_alone",
            "pg_cron",
            "Debian: postgresql-15-cron",
        );
        return;
    }
    let server = strata::testing::Server::start_local_with(&[
        ("shared_preload_libraries", "pg_cron"),
        ("cron.database_name", "postgres"),
    ])
    .unwrap_or_else(|e| panic!("cannot start a server with pg_cron: {e}"));
    let url = strata::testing::url(&server.config("postgres"));
    let dev = TestDb::new();
    let project = Project::new(ITEMS);
    project.ok(&["generate"]);
    let migrations = project.migrations();
    project.ok(&["migrate", "up", "--dir", migrations.to_str().unwrap(), "--database-url", &url]);
    let mut admin = server.config("postgres").connect(postgres::NoTls).unwrap();
    admin.batch_execute("CREATE EXTENSION pg_cron; SELECT cron.schedule('nightly', '0 3 * * *', 'SELECT 1')").unwrap();

    let (code, out) = project.run(&["verify", "--no-apply", "--database-url", &url]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("pg_cron"), "{out}");
    project.declare(&ITEMS.replacen(
        "name = \"shop\"\n",
        "name = \"shop\"\n\n[schema.ignore]\nextensions = [\"pg_cron\"]\n",
        1,
    ));
    project.ok(&["verify", "--no-apply", "--database-url", &url]);
    let out = project.ok(&["apply", "--yes", "--database-url", &url, "--dev-url", &dev.url()]);
    assert!(out.contains("nothing to do"), "{out}");
    let jobs: i64 = admin.query_one("SELECT count(*) FROM cron.job", &[]).unwrap().get(0);
    assert_eq!(jobs, 1, "pg_cron and its job stay");
}
