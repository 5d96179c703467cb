//! Functions, triggers, views and seed rows against a live PostgreSQL.

use strata::testing::TestDb;
use strata_codegen::{compile_toml_str, generate};

const SCHEMA: &str = r#"
[schema]
name = "objects"

[mixins.timestamps]
columns.created_at = { type = "timestamptz", default = "now()" }
columns.updated_at = { type = "timestamptz", default = "now()", set_on_update = "now()" }

[tables.retention]
mixins = ["timestamps"]
[tables.retention.columns]
id = { type = "serial", primary_key = true }
table_name = { type = "varchar(100)", unique = true }
retention_days = { type = "integer", range = [1, 3650] }
archive_enabled = { type = "boolean", default = "true" }
[[tables.retention.rows]]
table_name = "agent_outputs"
retention_days = 90
[[tables.retention.rows]]
table_name = "audit_logs"
retention_days = 2555
archive_enabled = false

[tables.tasks]
mixins = ["timestamps"]
[tables.tasks.columns]
id = { type = "bigserial", primary_key = true }
status = "text"
[[tables.tasks.triggers]]
name = "tasks_no_reopen"
timing = "before"
events = ["update of status"]
when = "OLD.status = 'done' AND NEW.status <> 'done'"
function = "refuse_reopen"

[functions.refuse_reopen]
returns = "trigger"
language = "plpgsql"
body = """
BEGIN
    RAISE EXCEPTION 'task % is done', OLD.id;
END;
"""

[functions.open_tasks]
returns = "bigint"
volatility = "stable"
security_definer = true
search_path = "public, pg_temp"
body = "SELECT count(*) FROM tasks WHERE status <> 'done'"
doc = "How many tasks are open, for roles that cannot read tasks."

[views.task_counts]
query = "SELECT status, count(*) AS n FROM tasks GROUP BY status"

[views.task_counts_daily]
materialized = true
query = "SELECT status, n FROM task_counts"
[[views.task_counts_daily.indexes]]
name = "task_counts_daily_status"
columns = ["status"]
unique = true
"#;

#[test]
fn functions_triggers_views_and_rows_work() {
    let compiled = compile_toml_str([("objects.toml", SCHEMA)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let files = generate::files(&schema);
    let db = TestDb::new();
    let (mut c, notices) = db.client_with_notices();
    c.batch_execute(&files[0].1).unwrap();
    assert!(notices.lock().unwrap().is_empty(), "{:?}", notices.lock().unwrap());

    // Seed rows are there, defaults filled in.
    let rows = c.query("SELECT table_name, retention_days, archive_enabled FROM retention ORDER BY id", &[]).unwrap();
    let rows: Vec<(String, i32, bool)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(rows, [("agent_outputs".into(), 90, true), ("audit_logs".into(), 2555, false)]);

    // set_on_update: updated_at moves on UPDATE, created_at does not.
    c.batch_execute("INSERT INTO tasks (status, created_at, updated_at) VALUES ('open', '2020-01-01', '2020-01-01')")
        .unwrap();
    c.batch_execute("UPDATE tasks SET status = 'done'").unwrap();
    let (created, updated): (String, String) = {
        let r = c
            .query_one("SELECT created_at::text, (updated_at > now() - interval '1 minute')::text FROM tasks", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert!(created.starts_with("2020-01-01"));
    assert_eq!(updated, "true");

    // A declared trigger with WHEN and UPDATE OF.
    let err = c.batch_execute("UPDATE tasks SET status = 'open'").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("is done"), "{err:?}");

    // A SECURITY DEFINER function and the views, the materialized one refreshed concurrently.
    c.batch_execute("INSERT INTO tasks (status) VALUES ('open'), ('open')").unwrap();
    assert_eq!(c.query_one("SELECT open_tasks()", &[]).unwrap().get::<_, i64>(0), 2);
    c.batch_execute(
        "REFRESH MATERIALIZED VIEW task_counts_daily; REFRESH MATERIALIZED VIEW CONCURRENTLY task_counts_daily",
    )
    .unwrap();
    let n: i64 = c.query_one("SELECT n FROM task_counts_daily WHERE status = 'open'", &[]).unwrap().get(0);
    assert_eq!(n, 2);

    // And the down migration removes all of it.
    c.batch_execute(&files[2].1).unwrap();
    let left: i64 = c
        .query_one(
            "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) + \
             (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

/// A role granted INSERT on tables with serial columns can insert: the grant covers their
/// sequences too (without it: `permission denied for sequence tags_id_seq`).
#[test]
fn table_grants_cover_the_sequences_of_serial_columns() {
    let toml = r#"
[schema]
name = "grants"
[roles.strata_objects_writer]
[roles.strata_objects_tagger]
[[grants]]
privileges = ["select", "insert"]
on = "all tables"
to = ["strata_objects_writer"]
[[grants]]
privileges = ["insert"]
tables = ["tags"]
to = ["strata_objects_tagger"]
[tables.tags.columns]
id = { type = "serial", primary_key = true }
name = "text"
[tables.events.columns]
id = { type = "bigserial", primary_key = true }
"#;
    let compiled = compile_toml_str([("grants.toml", toml)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let db = TestDb::new();
    let mut c = db.client();
    c.batch_execute(&generate::files(&schema)[0].1).unwrap();
    c.batch_execute("SET ROLE strata_objects_writer; INSERT INTO tags (name) VALUES ('a'); INSERT INTO events DEFAULT VALUES; RESET ROLE")
        .unwrap();
    c.batch_execute("SET ROLE strata_objects_tagger; INSERT INTO tags (name) VALUES ('b'); RESET ROLE").unwrap();
    let err = c.batch_execute("SET ROLE strata_objects_tagger; INSERT INTO events DEFAULT VALUES").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("permission denied for table events"), "{err:?}");
}

/// Deferrable keys behave as declared: a deferred foreign key is checked at COMMIT, so a
/// transaction may insert the child first; an unlogged table and the view options apply.
#[test]
fn deferrable_keys_unlogged_tables_and_view_options_work() {
    let dir = std::path::Path::new("schema/kinds");
    let compiled = strata_codegen::io::compile_folder(dir).unwrap();
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let db = TestDb::new();
    let mut c = db.client();
    c.batch_execute(&generate::files(&schema)[0].1).unwrap();
    c.batch_execute(
        "BEGIN; INSERT INTO transfers (id, account_id) VALUES (1, 7); \
         INSERT INTO accounts (id, handle, rank) VALUES (7, 'ada', 1); COMMIT;",
    )
    .unwrap();
    let err = c.batch_execute("BEGIN; INSERT INTO transfers (id, account_id) VALUES (2, 99); COMMIT;").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("transfers_account_id_fkey"), "{err:?}");
    c.batch_execute("ROLLBACK").ok();
    // The view's check_option refuses a row it would not show.
    let err = c.batch_execute("INSERT INTO visible_accounts (id, handle, rank) VALUES (8, 'bob', 0)").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("check option"), "{err:?}");
    // WITH NO DATA: unreadable until refreshed.
    assert!(c.batch_execute("SELECT * FROM account_ranks").is_err());
    c.batch_execute("REFRESH MATERIALIZED VIEW account_ranks").unwrap();
    let n: i64 = c.query_one("SELECT count(*) FROM account_ranks", &[]).unwrap().get(0);
    assert_eq!(n, 1);
}
