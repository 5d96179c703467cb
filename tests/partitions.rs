//! Partitioned tables against a live PostgreSQL: rows land in the partition their key selects,
//! the DEFAULT partition takes the rest, and without one an out-of-range row is rejected.

use postgres::Client;
use strata::testing::TestDb;
use strata_codegen::{compile_toml_str, generate};

const SCHEMA: &str = r#"
[schema]
name = "parts"

[tables.events]
primary_key = ["id", "at"]
[tables.events.columns]
id = { type = "bigint" }
at = "date"
[tables.events.partition]
by = "range"
key = ["at"]
interval = "month"
from = "2026-01-01"
count = 3
default = true
retention = "6 months"

[tables.weekly]
primary_key = ["id", "at"]
[tables.weekly.columns]
id = "bigint"
at = "timestamptz"
[tables.weekly.partition]
by = "range"
key = ["at"]
interval = "week"
from = "2025-12-01"
count = 2
retention = "100 years"

[tables.regional]
primary_key = ["id", "region"]
[tables.regional.columns]
id = "bigint"
region = "text"
[tables.regional.partition]
by = "list"
key = ["region"]
[[tables.regional.partition.partitions]]
name = "regional_eu"
values = ["de", "fr"]
[[tables.regional.partition.partitions]]
name = "regional_us"
values = ["us"]

[tables.sharded]
primary_key = ["id"]
[tables.sharded.columns]
id = "bigint"
[tables.sharded.partition]
by = "hash"
key = ["id"]
modulus = 4
"#;

fn setup() -> (TestDb, Client) {
    let compiled = compile_toml_str([("parts.toml", SCHEMA)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(&generate::files(&schema)[0].1).unwrap();
    (db, client)
}

/// The partition a freshly inserted row of `table` landed in.
fn lands_in(client: &mut Client, insert: &str, table: &str) -> String {
    client.batch_execute(insert).unwrap();
    let sql = format!("SELECT tableoid::regclass::text FROM {table} ORDER BY ctid DESC LIMIT 1");
    let rows = client.query(&sql, &[]).unwrap();
    rows[0].get(0)
}

#[test]
fn rows_land_in_the_partition_their_key_selects() {
    let (_db, mut c) = setup();
    let mut land = |values: &str, table: &str| {
        let insert = format!("DELETE FROM {table}; INSERT INTO {table} VALUES {values}");
        lands_in(&mut c, &insert, table)
    };
    assert_eq!(land("(1, '2026-01-01')", "events"), "events_y2026m01");
    assert_eq!(land("(2, '2026-02-28')", "events"), "events_y2026m02");
    assert_eq!(land("(3, '2026-03-31')", "events"), "events_y2026m03");
    assert_eq!(land("(4, '2026-04-01')", "events"), "events_default", "past the last range");
    assert_eq!(land("(5, '2025-12-31')", "events"), "events_default", "before the first range");
    assert_eq!(land("(1, '2025-12-01 00:00+00')", "weekly"), "weekly_y2025w49");
    assert_eq!(land("(2, '2025-12-10 12:00+00')", "weekly"), "weekly_y2025w50");
    assert_eq!(land("(1, 'fr')", "regional"), "regional_eu");
    assert_eq!(land("(2, 'us')", "regional"), "regional_us");
    let mut shards = std::collections::BTreeSet::new();
    for id in 0..64 {
        shards.insert(land(&format!("({id})"), "sharded"));
    }
    assert_eq!(shards.into_iter().collect::<Vec<_>>(), ["sharded_p0", "sharded_p1", "sharded_p2", "sharded_p3"]);
}

#[test]
fn without_a_default_partition_an_out_of_range_row_is_rejected() {
    let (_db, mut c) = setup();
    let err = c.batch_execute("INSERT INTO weekly VALUES (1, '2026-03-01')").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("no partition of relation \"weekly\" found"), "{err}");
    let err = c.batch_execute("INSERT INTO regional VALUES (1, 'jp')").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("no partition of relation \"regional\" found"), "{err}");
}

#[test]
fn the_seed_design_is_rejected_by_strata_before_postgres_sees_it() {
    // Seed 004's executions: PRIMARY KEY (id) on a table partitioned by created_at.
    let seed = r#"
[schema]
name = "seed"
[tables.executions.columns]
id = { type = "uuid", primary_key = true }
created_at = { type = "timestamptz", default = "now()" }
[tables.executions.partition]
by = "range"
key = ["created_at"]
default = true
"#;
    let compiled = compile_toml_str([("seed.toml", seed)]);
    let rendered = compiled.diagnostics.render(&compiled.sources);
    assert!(compiled.schema.is_none());
    assert!(rendered.contains("does not include the partition key `created_at`"), "{rendered}");
    assert!(rendered.contains(r#"primary_key = ["id", "created_at"]"#), "the message names the fix: {rendered}");
    // And PostgreSQL agrees: the same DDL written by hand fails.
    let db = TestDb::new();
    let err = db
        .client()
        .batch_execute(
            "CREATE TABLE executions (id uuid PRIMARY KEY, created_at timestamptz) PARTITION BY RANGE (created_at)",
        )
        .unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("must include all partitioning columns"), "{err}");
}

#[test]
fn the_retention_helper_lists_partitions_past_retention() {
    let (_db, mut c) = setup();
    // Expected from the clock, as the server sees it: a partition is past retention when its
    // upper bound is at least `retention` ago; never the DEFAULT partition.
    let want: Vec<String> = c
        .query(
            "SELECT 'events_y2026m0' || m FROM generate_series(1, 3) AS m \
             WHERE make_date(2026, m + 1, 1)::timestamptz <= now() - interval '6 months' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let have: Vec<String> = c
        .query("SELECT partition::text FROM strata_expired_partitions() ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!want.is_empty(), "the test needs expired partitions to mean anything");
    assert_eq!(have, want, "weekly partitions are kept 100 years, events 6 months");
}
