//! Partitions that keep up with time, against a live PostgreSQL: strata's upkeep function is run
//! over 24 simulated months (its clock is an argument) on every time-partitioned table of the
//! seeds, with rows written at each step. Every row lands in a real partition, never in DEFAULT;
//! partitions past retention are gone (or archived, rows and all) and no other row is lost; a
//! second upkeep run at the same time as another waits for it and then changes nothing. Rows
//! already in DEFAULT move to the partition made for them, unless foreign keys reference the table.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;

use postgres::Client;
use strata::testing::TestDb;
use strata_codegen::model::{Scalar, Schema, Table};
use strata_codegen::sql::{literal, qualified};
use strata_codegen::{compile_toml_str, generate, io};
use support::Rng;

/// The seeds whose partitions strata keeps.
fn kept_systems() -> Vec<Schema> {
    let folders = io::schema_folders(Path::new("schema")).unwrap();
    let schemas = folders.iter().map(|dir| io::compile_folder(dir).unwrap().schema.unwrap());
    schemas.filter(|s| !kept_tables(s).is_empty()).collect()
}

fn kept_tables(schema: &Schema) -> Vec<&Table> {
    schema.tables.iter().filter(|t| t.partition.as_ref().is_some_and(|p| p.strata_upkeep().is_some())).collect()
}

/// A table's children: (qualified name, upper bound as text, rows), DEFAULT's bound `DEFAULT`.
fn children(client: &mut Client, table: &str) -> Vec<(String, String, i64)> {
    let rows = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname), \
                    coalesce((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1], \
                             pg_get_expr(c.relpartbound, c.oid)) \
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE i.inhparent = $1::text::regclass ORDER BY 1",
            &[&table],
        )
        .unwrap();
    rows.iter()
        .map(|r| {
            let name: String = r.get(0);
            let count: i64 = client.query_one(&format!("SELECT count(*) FROM {name}"), &[]).unwrap().get(0);
            (name, r.get(1), count)
        })
        .collect()
}

/// Whether `bound` (a partition's upper bound) is at or before `at` minus `retention`.
fn expired(client: &mut Client, bound: &str, at: &str, retention: &str) -> bool {
    let sql = "SELECT $1::text::timestamptz <= $2::text::timestamptz - $3::text::interval";
    client.query_one(sql, &[&bound, &at, &retention]).unwrap().get(0)
}

#[test]
fn two_years_of_upkeep_keep_every_row_in_a_real_partition() {
    let mut rng = Rng(14);
    let systems = kept_systems();
    assert!(systems.len() >= 4, "the seeds keep partitions in {} systems", systems.len());
    let (mut runs, mut rows_written, mut dropped, mut archived) = (0, 0, 0, 0);
    for declared in systems {
        let db = TestDb::new();
        let mut client = db.client();
        let (schema, _) = support::apply(&mut client, &declared);
        let kept = kept_tables(&schema);
        let start: String = client.query_one("SELECT now()::text", &[]).unwrap().get(0);
        // Applying made every premade partition: upkeep now has nothing to do.
        let again = client.query("SELECT * FROM strata_partition_upkeep($1::text::timestamptz)", &[&start]).unwrap();
        assert!(again.is_empty(), "{}: upkeep right after apply changed {} partitions", schema.name, again.len());
        for month in 1..=24 {
            let days = rng.below(27); // a day of each month in turn
            let at: String = client
                .query_one(
                    "SELECT (date_trunc('month', $1::text::timestamptz) + $2::text::interval)::text",
                    &[&start, &format!("{month} months {days} days 7 hours")],
                )
                .unwrap()
                .get(0);
            // What must go (partitions past retention) and what must stay, measured before.
            let mut before = HashMap::new();
            for t in &kept {
                let q = qualified(&t.namespace, &t.name);
                before.insert(q.clone(), children(&mut client, &q));
            }
            let step = format!("{} at {at}", schema.name);
            let done = if month == 12 {
                concurrent_upkeep(&db, &at, &step)
            } else {
                client
                    .query(
                        "SELECT parent::text, partition, action FROM strata_partition_upkeep($1::text::timestamptz)",
                        &[&at],
                    )
                    .unwrap()
                    .len()
            };
            runs += 1;
            assert!(done > 0, "{step}: upkeep made no partition for the new month");
            for t in &kept {
                let p = t.partition.as_ref().unwrap();
                let q = qualified(&t.namespace, &t.name);
                let after = children(&mut client, &q);
                let was = &before[&q];
                for (name, bound, count) in was {
                    let past =
                        p.retention.as_ref().is_some_and(|r| bound != "DEFAULT" && expired(&mut client, bound, &at, r));
                    let now = after.iter().find(|(n, _, _)| n == name);
                    match (past, now, &p.archive) {
                        (false, Some((_, _, c)), _) => assert_eq!(c, count, "{step}: {name} lost rows"),
                        (false, None, _) => panic!("{step}: {name} is gone, inside {q}'s retention"),
                        (true, Some(_), _) => panic!("{step}: {name} is past {q}'s retention and still there"),
                        (true, None, None) => dropped += 1,
                        (true, None, Some(archive)) => {
                            let moved = format!("{archive}.{}", name.rsplit('.').next().unwrap());
                            let c: i64 =
                                client.query_one(&format!("SELECT count(*) FROM {moved}"), &[]).unwrap().get(0);
                            assert_eq!(c, *count, "{step}: {name} archived as {moved} with other rows");
                            archived += 1;
                        }
                    }
                }
            }
            // Rows across the periods now premade, from the current one's start to the last.
            for t in &kept {
                let p = t.partition.as_ref().unwrap();
                let premake = p.premake.as_ref().unwrap();
                let key = t.partition_key_columns()[0];
                for _ in 0..3 {
                    let ahead = rng.below(u64::from(premake.ahead) * 10) as f64 / 10.0;
                    let value: String = client
                        .query_one(
                            "SELECT (date_trunc($2, $1::text::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' \
                                     + $3::text::interval)::text",
                            &[&at, &premake.interval.unit(), &format!("{ahead} {}", premake.interval.unit())],
                        )
                        .unwrap()
                        .get(0);
                    // The row's other required times a day after its key (`period_end > period_start`).
                    let mut fixed = HashMap::from([(key.to_string(), format!("{}::timestamptz", literal(&value)))]);
                    let times = t.columns.iter().filter(|c| {
                        c.name != key
                            && !c.nullable
                            && !c.has_default()
                            && matches!(c.ty.scalar(), Scalar::Timestamptz | Scalar::Timestamp | Scalar::Date)
                    });
                    for c in times {
                        fixed.insert(c.name.clone(), format!("{}::timestamptz + interval '1 day'", literal(&value)));
                    }
                    support::try_insert_row(&mut client, &schema, t, &fixed)
                        .unwrap_or_else(|e| panic!("{step}: a row of {} at {value}: {:?}", t.name, e.as_db_error()));
                    rows_written += 1;
                }
            }
            for t in &kept {
                let q = qualified(&t.namespace, &t.name);
                for (name, bound, count) in children(&mut client, &q) {
                    assert!(bound != "DEFAULT" || count == 0, "{step}: {count} rows of {q} in DEFAULT {name}");
                }
            }
        }
    }
    println!(
        "upkeep: {runs} runs, {rows_written} rows written, none in DEFAULT; {dropped} partitions dropped and \
         {archived} archived past retention"
    );
    assert!(dropped > 0 && archived > 0, "retention was enforced: {dropped} dropped, {archived} archived");
}

/// Two upkeep runs at `at`: the second starts while the first's transaction is open, waits for
/// its lock, and then finds nothing to do. Returns how many partitions the first changed.
fn concurrent_upkeep(db: &TestDb, at: &str, step: &str) -> usize {
    let mut first = db.client();
    let mut tx = first.transaction().unwrap();
    let changed = tx.query("SELECT * FROM strata_partition_upkeep($1::text::timestamptz)", &[&at]).unwrap().len();
    let (config, at2) = (db.config(), at.to_string());
    let second = std::thread::spawn(move || {
        let mut c = config.connect(postgres::NoTls).unwrap();
        c.query("SELECT * FROM strata_partition_upkeep($1::text::timestamptz)", &[&at2]).unwrap().len()
    });
    let mut watch = db.client();
    let waiting = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(25));
        let sql =
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'";
        watch.query_one(sql, &[]).unwrap().get::<_, i64>(0) == 1
    });
    assert!(waiting, "{step}: the second upkeep did not wait for the first");
    tx.commit().unwrap();
    assert_eq!(second.join().unwrap(), 0, "{step}: the second upkeep changed partitions the first had made");
    changed
}

const MOVING: &str = r#"
[schema]
name = "moving"

[tables.events]
primary_key = ["id", "at"]
[tables.events.columns]
id = "bigint"
at = "timestamptz"
note = "text"
loud = { type = "text", generated = "upper(note)" }
[tables.events.partition]
by = "range"
key = ["at"]
interval = "month"
premake = 1
default = true

[tables.runs]
primary_key = ["id", "at"]
[tables.runs.columns]
id = "bigint"
at = "date"
[tables.runs.partition]
by = "range"
key = ["at"]
interval = "day"
premake = 2
default = true

[tables.steps]
primary_key = ["id"]
[tables.steps.columns]
id = "bigint"
run_id = "bigint"
run_at = "date"
[[tables.steps.foreign_keys]]
columns = ["run_id", "run_at"]
references = "runs(id, at)"
on_delete = "cascade"
"#;

#[test]
fn rows_in_default_move_to_the_partition_made_for_them() {
    let compiled = compile_toml_str([("moving.toml", MOVING)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(&generate::files(&schema)[0].1).unwrap();
    // Rows of a period two months ahead, which upkeep has not made yet, land in DEFAULT.
    client
        .batch_execute(
            "INSERT INTO events (id, at, note) SELECT g, date_trunc('month', now()) + interval '2 months 3 days', 'n' || g \
               FROM generate_series(1, 5) g;
             INSERT INTO runs VALUES (1, current_date + 5);
             INSERT INTO steps VALUES (1, 1, current_date + 5);",
        )
        .unwrap();
    let in_default = |c: &mut Client, t: &str| -> i64 {
        c.query_one(&format!("SELECT count(*) FROM {t}_default"), &[]).unwrap().get(0)
    };
    assert_eq!(in_default(&mut client, "events"), 5);
    let later = "SELECT partition, action FROM strata_partition_upkeep(now() + interval '2 months')";
    let rows = client.query(later, &[]).unwrap();
    let actions: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let moved = actions.iter().find(|(_, a)| a.contains("moved")).unwrap_or_else(|| panic!("{actions:?}"));
    assert!(moved.1.contains("5 rows moved"), "{moved:?}");
    assert_eq!(in_default(&mut client, "events"), 0);
    let kept: (i64, i64) = client
        .query_one("SELECT count(*), count(*) FILTER (WHERE loud = upper(note)) FROM events", &[])
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(kept, (5, 5), "the moved rows are all there, generated columns computed again");
    // runs is referenced by steps: moving would run ON DELETE CASCADE, so its rows stay, said.
    let (mut noticing, notices) = db.client_with_notices();
    let rows = noticing.query("SELECT partition, action FROM strata_partition_upkeep(current_date + 4)", &[]).unwrap();
    let blocked: Vec<String> =
        rows.iter().map(|r| r.get::<_, String>(1)).filter(|a| a.starts_with("blocked")).collect();
    assert_eq!(blocked.len(), 1, "one day of runs has rows in DEFAULT");
    assert!(notices.lock().unwrap().iter().any(|n| n.contains("foreign keys reference")), "the warning is raised");
    assert_eq!(in_default(&mut client, "runs"), 1);
    let steps: i64 = client.query_one("SELECT count(*) FROM steps", &[]).unwrap().get(0);
    assert_eq!(steps, 1, "no step was deleted by a cascade");
}

const PARTMAN: &str = r#"
[schema]
name = "partman_kept"
extensions = [{ name = "pg_partman", namespace = "partman" }]

[namespaces.partman]
doc = "pg_partman's functions and configuration."

[tables.events]
primary_key = ["id", "at"]
[tables.events.columns]
id = "bigint"
at = "timestamptz"
[tables.events.partition]
by = "range"
key = ["at"]
interval = "month"
premake = 3
past = 24
retention = "6 months"
managed_by = "pg_partman"
"#;

/// pg_partman keeps the table from the configuration strata gives it: `create_parent` makes the
/// months from `past` before now to `premake` after, its `run_maintenance` drops those past
/// retention, rows of every month left land in real partitions, and the table reads back equal
/// to the declaration (its children left alone).
#[test]
fn pg_partman_keeps_the_partitions_strata_configures() {
    let db = TestDb::new();
    let mut client = db.client();
    let available = client.query_opt("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'", &[]).unwrap();
    if available.is_none() {
        strata::testing::missing(
            "STRATA_REQUIRE_PG_PARTMAN",
            "pg_partman_keeps_the_partitions_strata_configures",
            "pg_partman",
            "Debian: postgresql-15-partman",
        );
        return;
    }
    let compiled = compile_toml_str([("partman.toml", PARTMAN)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    client.batch_execute(&generate::files(&schema)[0].1).unwrap();
    let months = |c: &mut Client| -> Vec<String> {
        let rows = c
            .query(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
                 WHERE i.inhparent = 'events'::regclass AND c.relname <> 'events_default' ORDER BY 1",
                &[],
            )
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    assert_eq!(months(&mut client).len(), 24 + 1 + 3, "made from 24 months back to 3 ahead");
    // The hourly job strata schedules for pg_partman, run by hand.
    let job = schema.jobs.iter().find(|j| j.name == "partman_kept-partman-maintenance").expect("a maintenance job");
    client.batch_execute(&job.command.sql).unwrap();
    let kept = months(&mut client);
    assert!((6..=11).contains(&kept.len()), "retention of 6 months left {kept:?}");
    // A row on each remaining month's first day, and one in the middle.
    client
        .batch_execute(
            "INSERT INTO events (id, at) SELECT g, date_trunc('month', now()) + (g - 5) * interval '1 month' \
               FROM generate_series(0, 8) g;",
        )
        .unwrap();
    let stray: i64 = client.query_one("SELECT count(*) FROM events_default", &[]).unwrap().get(0);
    assert_eq!(stray, 0, "every row in a month pg_partman made");
    let config: (String, bool) = client
        .query_one(
            "SELECT retention, infinite_time_partitions FROM partman.part_config WHERE parent_table = 'public.events'",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(config, ("6 months".to_string(), true));
    let read = support::introspect(&mut client, &schema.name, &["public".to_string()]);
    let differences = strata_codegen::verify::differences(&schema, &read);
    let partitions: Vec<_> = differences.iter().filter(|d| d.kind == "partition").collect();
    assert!(partitions.is_empty(), "pg_partman's children are left alone: {partitions:?}");
}

/// `pull` writes premade partitions back as they were declared (`premake`, `past`, `name`,
/// retention and archive): the seeds' kept tables, written as TOML and read again, are equal.
#[test]
fn premade_partitions_are_written_back_as_toml() {
    use strata_codegen::model::{UPKEEP_ALL, UPKEEP_FUNCTION};
    for schema in kept_systems() {
        // What lowering derives from `premake` is derived again from what is written.
        let mut written = schema.clone();
        let derived = [UPKEEP_FUNCTION, UPKEEP_ALL, "strata_expired_partitions"];
        written.functions.retain(|f| !derived.contains(&f.name.as_str()));
        written.jobs.retain(|j| !j.name.ends_with("-partition-upkeep"));
        let files = strata_codegen::render::toml::files(&written);
        let again = compile_toml_str(files.iter().map(|(f, t)| (f.as_str(), t.as_str())));
        let again =
            again.schema.unwrap_or_else(|| panic!("{}: {}", schema.name, again.diagnostics.render(&again.sources)));
        for t in kept_tables(&schema) {
            let back = again.tables.iter().find(|b| b.qname() == t.qname()).unwrap();
            // As the model's snapshots compare it: without where it was declared.
            let json = |t: &Table| serde_json::to_string(&t.partition).unwrap();
            assert_eq!(json(back), json(t), "{}: {}", schema.name, t.name);
        }
        let upkeep = |s: &Schema| {
            s.functions.iter().filter(|f| f.name == UPKEEP_ALL).map(|f| f.body.clone()).collect::<Vec<_>>()
        };
        assert_eq!(upkeep(&again), upkeep(&schema), "{}: the upkeep of every kept table", schema.name);
    }
}

/// The case that made upkeep necessary: AgentWorks created from its first migration, whose weekly
/// run-log partitions ended in January 2026, puts today's log rows in DEFAULT. Its migration 0002
/// starts upkeep, which makes this week's partition and those ahead and moves the rows into them.
#[test]
fn agentworks_migration_0002_moves_todays_logs_out_of_default() {
    let schema = io::compile_folder(Path::new("schema/agentworks")).unwrap().schema.unwrap();
    let logs = schema.tables.iter().find(|t| t.name == "agent_run_logs").unwrap();
    let db = TestDb::new();
    let mut client = db.client();
    let migrate = |client: &mut Client, name: &str| {
        let sql = std::fs::read_to_string(format!("generated/agentworks/migrations/{name}/up.sql")).unwrap();
        strata::script::run(client, &strata::script::statements(&sql).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {:?}", e.error));
    };
    migrate(&mut client, "0001_init");
    let now = HashMap::from([("created_at".to_string(), "now()".to_string())]);
    for _ in 0..3 {
        support::insert_row(&mut client, &schema, logs, &now);
    }
    let in_default =
        |c: &mut Client| -> i64 { c.query_one("SELECT count(*) FROM agent_run_logs_default", &[]).unwrap().get(0) };
    assert_eq!(in_default(&mut client), 3, "today's log rows wait in DEFAULT after 0001");
    migrate(&mut client, "0002_premade_partitions");
    assert_eq!(in_default(&mut client), 0, "0002 moved them out");
    let week: String = client
        .query_one("SELECT to_char(now() AT TIME ZONE 'UTC', '\"agent_run_logs_y\"IYYY\"w\"IW')", &[])
        .unwrap()
        .get(0);
    let there: i64 = client.query_one(&format!("SELECT count(*) FROM {week}"), &[]).unwrap().get(0);
    assert_eq!(there, 3, "in this week's partition, {week}");
}
