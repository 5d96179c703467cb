//! The generated code's costs, side by side in one run:
//! - `validate()` on AgentFlow's NewAgent vs the same rules written with the `validator` crate;
//! - a generated insert + get vs the same hand-written `postgres` calls on one connection;
//! - expanding `schema!` (models as tokens) for the largest system.
//!
//! Run with `cargo bench -p strata-generated --bench runtime`.

use std::str::FromStr;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use strata::reexports::rust_decimal::Decimal;
use strata::reexports::uuid::Uuid;
use strata::{Table as _, Validate};
use strata_generated::agentflow::*;
use validator::Validate as _;

static SLUG: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new("^[a-z0-9-]+$").unwrap());

/// NewAgent's rules, written by hand with `validator`: the same rules, including the two that
/// need custom functions (numeric(5,2) range and digits as stored, and the agent_level_scope CHECK).
#[derive(validator::Validate)]
#[validate(schema(function = "level_scope"))]
struct AgentByHand {
    agent_level: AgentLevel,
    project_id: Option<Uuid>,
    #[validate(length(min = 1, max = 100), regex(path = *SLUG))]
    agent_code: String,
    #[validate(length(min = 1, max = 255))]
    name: String,
    #[validate(length(min = 1, max = 255))]
    role_title: String,
    #[validate(length(max = 255))]
    api_key_hash: String,
    #[validate(custom(function = "score_as_stored"))]
    trust_score: Option<Decimal>,
}

fn score_as_stored(value: &Decimal) -> Result<(), validator::ValidationError> {
    let stored =
        value.round_dp_with_strategy(2, strata::reexports::rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    if stored < Decimal::ZERO || stored > Decimal::ONE_HUNDRED {
        return Err(validator::ValidationError::new("range"));
    }
    if stored.abs() >= Decimal::ONE_THOUSAND {
        return Err(validator::ValidationError::new("numeric"));
    }
    Ok(())
}

fn level_scope(a: &AgentByHand) -> Result<(), validator::ValidationError> {
    match (a.agent_level, a.project_id) {
        (AgentLevel::Organization, None) | (AgentLevel::Project, Some(_)) => Ok(()),
        _ => Err(validator::ValidationError::new("agents_agent_level_scope")),
    }
}

fn agent(workspace_id: Uuid) -> NewAgent {
    NewAgent {
        id: None,
        workspace_id,
        project_id: None,
        agent_level: AgentLevel::Organization,
        agent_code: "agent-dev-001".into(),
        name: "Alice - Senior Python Developer".into(),
        role_title: "Senior Python Developer".into(),
        status: Some(AgentStatus::Active),
        trust_score: Some(Decimal::from_str("87.50").unwrap()),
        api_key_hash: "$2b$12$abcdefghijklmnopqrstuv".into(),
        public_key: None,
        capabilities: None,
        settings: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

fn validation(c: &mut Criterion) {
    let new = agent(Uuid::nil());
    let by_hand = AgentByHand {
        agent_level: new.agent_level,
        project_id: new.project_id,
        agent_code: new.agent_code.clone(),
        name: new.name.clone(),
        role_title: new.role_title.clone(),
        api_key_hash: new.api_key_hash.clone(),
        trust_score: new.trust_score,
    };
    let mut group = c.benchmark_group("validate NewAgent");
    group.bench_function("strata generated", |b| b.iter(|| std::hint::black_box(&new).validate()));
    group.bench_function("validator crate", |b| b.iter(|| std::hint::black_box(&by_hand).validate()));
    group.finish();
}

fn insert_and_get(c: &mut Criterion) {
    let db = strata::testing::TestDb::new();
    let mut client = strata::Client::new(db.client());
    client.batch_execute(include_str!("../agentflow/schema.sql")).unwrap();
    let owner: Uuid = client
        .query_one(
            "INSERT INTO users (email, password_hash, name) VALUES ('o@example.com', 'h', 'O') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let ws: Uuid = client
        .query_one("INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id", &[&owner])
        .unwrap()
        .get(0);
    // The same statements strata sends (every column returned, soft-deleted rows filtered out),
    // prepared once, as a careful hand would.
    let insert = client
        .prepare(&format!(
            "INSERT INTO agents (workspace_id, project_id, agent_level, agent_code, name, role_title, status, trust_score, api_key_hash, public_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {}",
            Agent::COLUMNS
        ))
        .unwrap();
    let select =
        client.prepare(&format!("SELECT {} FROM agents WHERE id = $1 AND deleted_at IS NULL", Agent::COLUMNS)).unwrap();
    let generated = |client: &mut strata::Client, n: u64| {
        let mut new = agent(ws);
        new.agent_code = format!("g-{n}");
        new.name = format!("g {n}");
        let row = Agent::insert(client, &new).unwrap();
        Agent::get(client, &row.id).unwrap().unwrap()
    };
    let by_hand = |client: &mut strata::Client, n: u64| {
        let mut new = agent(ws);
        new.agent_code = format!("h-{n}");
        new.name = format!("h {n}");
        let params: [&(dyn strata::reexports::postgres::types::ToSql + Sync); 10] = [
            &new.workspace_id,
            &new.project_id,
            &new.agent_level,
            &new.agent_code,
            &new.name,
            &new.role_title,
            &new.status,
            &new.trust_score,
            &new.api_key_hash,
            &new.public_key,
        ];
        // Read into the same struct, as hand-written code returning rows would.
        let row = Agent::from_row(&client.query_one(&insert, &params).unwrap()).unwrap();
        Agent::from_row(&client.query_one(&select, &[&row.id]).unwrap()).unwrap()
    };
    // The server drifts (the table grows, autovacuum runs), so neither side may run alone: each
    // iteration runs both, in turns, and times one. Both then see the same server.
    let mut group = c.benchmark_group("insert + get an agent");
    let mut n = 0u64;
    // `pairs` runs of both sides, each going first in half of them: every call's time, per side.
    let mut alternate = |client: &mut strata::Client, pairs: usize| {
        let mut times = [Vec::with_capacity(pairs), Vec::with_capacity(pairs)];
        for i in 0..pairs {
            for side in [i % 2, 1 - i % 2] {
                n += 1;
                let start = Instant::now();
                if side == 0 {
                    generated(client, n)
                } else {
                    by_hand(client, n)
                };
                times[side].push(start.elapsed());
            }
        }
        times
    };
    for (side, name) in ["strata generated, strata::Client", "hand-written postgres, prepared once"].iter().enumerate()
    {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| alternate(&mut client, iters as usize)[side].iter().sum())
        });
    }
    // The overhead, from medians of single calls (criterion's means above include outliers).
    let [ours, theirs] = alternate(&mut client, 2_000);
    let (ours, theirs) = (median(ours), median(theirs));
    let overhead = (ours.as_secs_f64() / theirs.as_secs_f64() - 1.0) * 100.0;
    println!(
        "insert + get, 2,000 alternating pairs: generated {ours:?}, hand-written {theirs:?} (medians): overhead {overhead:+.1} %"
    );
    group.finish();
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn expansion(c: &mut Criterion) {
    let schema =
        strata_codegen::io::compile_folder(std::path::Path::new("../schema/agentworks")).unwrap().schema.unwrap();
    c.bench_function("schema! expansion, agentworks (26 tables)", |b| {
        b.iter(|| strata_codegen::macros::models_tokens(&schema, &[]).unwrap())
    });
}

criterion_group!(benches, validation, insert_and_get, expansion);
criterion_main!(benches);
