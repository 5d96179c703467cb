//! The async path's costs against hand-written tokio-postgres, side by side in one run, each pair
//! alternating which side goes first (the server drifts as tables grow):
//! - insert + get of an agent through the generated helpers on a deadpool-postgres connection vs
//!   the same statements prepared once by hand on that connection;
//! - `insert_many` of 100,000 users (binary COPY) vs a hand-written binary COPY of the same rows;
//! - a pool checkout + get vs the same get on a connection held.
//!
//! Run with `cargo bench -p strata-generated --bench async_runtime`.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use strata::Table as _;
use strata::reexports::tokio_postgres::binary_copy::BinaryCopyInWriter;
use strata::reexports::tokio_postgres::types::{ToSql, Type};
use strata::reexports::uuid::Uuid;
use strata_generated::agentflow::*;

struct Setup {
    /// Held to the end of each benchmark: dropping it drops the database.
    _db: strata::testing::TestDb,
    runtime: tokio::runtime::Runtime,
    pool: strata::async_conn::Pool,
    conn: strata::async_conn::Object,
    workspace: Uuid,
}

fn setup() -> Setup {
    let db = strata::testing::TestDb::new();
    let mut client = db.client();
    client.batch_execute(include_str!("../agentflow/schema.sql")).unwrap();
    let owner: Uuid = client
        .query_one(
            "INSERT INTO users (email, password_hash, name) VALUES ('o@example.com', 'h', 'O') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let workspace = client
        .query_one("INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id", &[&owner])
        .unwrap()
        .get(0);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let pool = strata::async_conn::pool(&db.url(), 2).unwrap();
    let conn = runtime.block_on(pool.get()).unwrap();
    Setup { _db: db, runtime, pool, conn, workspace }
}

fn agent(workspace_id: Uuid, n: u64) -> NewAgent {
    NewAgent::new(workspace_id, AgentLevel::Organization, format!("a-{n}"), format!("a {n}"), "Developer", "$2b$12$h")
}

/// `pairs` runs of both sides, each going first in half of them: every run's time, per side.
fn alternate(pairs: usize, mut side: impl FnMut(usize)) -> [Vec<Duration>; 2] {
    let mut times = [Vec::with_capacity(pairs), Vec::with_capacity(pairs)];
    for i in 0..pairs {
        for s in [i % 2, 1 - i % 2] {
            let start = Instant::now();
            side(s);
            times[s].push(start.elapsed());
        }
    }
    times
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(what: &str, [ours, theirs]: [Vec<Duration>; 2], names: [&str; 2]) {
    let (ours, theirs) = (median(ours), median(theirs));
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    println!("{what}: {} {ours:?}, {} {theirs:?} (medians): {:+.1} %", names[0], names[1], (ratio - 1.0) * 100.0);
}

fn insert_and_get(c: &mut Criterion) {
    let Setup { _db, runtime, mut conn, workspace, .. } = setup();
    let (insert, select) = runtime.block_on(async {
        let insert = format!(
            "INSERT INTO agents (workspace_id, agent_level, agent_code, name, role_title, api_key_hash) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
            Agent::COLUMNS
        );
        let select = format!("SELECT {} FROM agents WHERE id = $1 AND deleted_at IS NULL", Agent::COLUMNS);
        (conn.prepare(&insert).await.unwrap(), conn.prepare(&select).await.unwrap())
    });
    // Agent codes are unique per workspace: numbered across every call of `alternate`.
    let next = std::cell::Cell::new(0);
    let mut run = |side: usize| {
        next.set(next.get() + 1);
        let new = agent(workspace, next.get());
        runtime.block_on(async {
            if side == 0 {
                let row = Agent::insert(&mut conn, &new).await.unwrap();
                Agent::get(&mut conn, &row.id).await.unwrap().unwrap()
            } else {
                let params: [&(dyn ToSql + Sync); 6] = [
                    &new.workspace_id,
                    &new.agent_level,
                    &new.agent_code,
                    &new.name,
                    &new.role_title,
                    &new.api_key_hash,
                ];
                let row = Agent::from_row(&conn.query_one(&insert, &params).await.unwrap()).unwrap();
                Agent::from_row(&conn.query_one(&select, &[&row.id]).await.unwrap()).unwrap()
            }
        });
    };
    let names = ["strata generated, async", "hand-written tokio-postgres, prepared once"];
    let mut group = c.benchmark_group("async insert + get an agent");
    for (side, name) in names.iter().enumerate() {
        group.bench_function(*name, |b| b.iter_custom(|iters| alternate(iters as usize, &mut run)[side].iter().sum()));
    }
    group.finish();
    report("async insert + get, 2,000 alternating pairs", alternate(2_000, &mut run), names);
}

fn batch_insert(_: &mut Criterion) {
    const ROWS: u64 = 100_000;
    let Setup { _db, runtime, mut conn, .. } = setup();
    let round = std::cell::Cell::new(0);
    let run = |side: usize| {
        round.set(round.get() + 1);
        let users: Vec<NewUser> =
            (0..ROWS).map(|i| NewUser::new(format!("u{i}-{}@example.com", round.get()), "h", "U")).collect();
        runtime.block_on(async {
            if side == 0 {
                assert_eq!(User::insert_many(&mut conn, &users).await.unwrap(), ROWS);
            } else {
                let tx = conn.transaction().await.unwrap();
                let sink = tx.copy_in("COPY users (email, password_hash, name) FROM STDIN BINARY").await.unwrap();
                let writer = BinaryCopyInWriter::new(sink, &[Type::VARCHAR, Type::VARCHAR, Type::VARCHAR]);
                let mut writer = std::pin::pin!(writer);
                for u in &users {
                    writer.as_mut().write(&[&u.email, &u.password_hash, &u.name]).await.unwrap();
                }
                assert_eq!(writer.finish().await.unwrap(), ROWS);
                tx.commit().await.unwrap();
            }
        });
    };
    report(
        "insert 100,000 users, 6 alternating pairs",
        alternate(6, run),
        ["strata insert_many (validated, COPY)", "hand-written binary COPY"],
    );
}

fn pool_checkout(_: &mut Criterion) {
    let Setup { _db, runtime, pool, mut conn, workspace } = setup();
    let row = runtime.block_on(Agent::insert(&mut conn, &agent(workspace, 0))).unwrap();
    let run = |side: usize| {
        runtime.block_on(async {
            if side == 0 {
                let mut pooled = pool.get().await.unwrap();
                Agent::get(&mut pooled, &row.id).await.unwrap().unwrap();
            } else {
                Agent::get(&mut conn, &row.id).await.unwrap().unwrap();
            }
        });
    };
    // The held connection is one of the pool's two: the other is checked out and back each time.
    report(
        "get an agent, 2,000 alternating pairs",
        alternate(2_000, run),
        ["pool checkout + get", "get on a held connection"],
    );
}

criterion_group!(benches, insert_and_get, batch_insert, pool_checkout);
criterion_main!(benches);
