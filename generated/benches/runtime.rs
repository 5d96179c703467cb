//! The generated code's costs, side by side in one run:
//! - `validate()` on AgentFlow's NewAgent vs the same rules written with the `validator` crate;
//! - a generated insert + get vs the same hand-written `postgres` calls on one connection;
//! - expanding `schema!` (models as tokens) for the largest system.
//!
//! Run with `cargo bench -p strata-generated --bench runtime`.

use std::str::FromStr;
use std::sync::LazyLock;

use criterion::{Criterion, criterion_group, criterion_main};
use strata::reexports::rust_decimal::Decimal;
use strata::reexports::uuid::Uuid;
use strata::{Table as _, Validate};
use strata_generated::agentflow::*;
use validator::Validate as _;

static SLUG: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new("^[a-z0-9-]+$").unwrap());

/// NewAgent's rules, written by hand with `validator`.
#[derive(validator::Validate)]
struct AgentByHand {
    #[validate(length(min = 1, max = 100), regex(path = *SLUG))]
    agent_code: String,
    #[validate(length(min = 1, max = 255))]
    name: String,
    #[validate(length(min = 1, max = 255))]
    role_title: String,
    #[validate(length(max = 255))]
    api_key_hash: String,
    #[validate(range(min = 0.0, max = 100.0))]
    trust_score: Option<f64>,
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
        agent_code: new.agent_code.clone(),
        name: new.name.clone(),
        role_title: new.role_title.clone(),
        api_key_hash: new.api_key_hash.clone(),
        trust_score: Some(87.5),
    };
    let mut group = c.benchmark_group("validate NewAgent");
    group.bench_function("strata generated", |b| b.iter(|| std::hint::black_box(&new).validate()));
    group.bench_function("validator crate", |b| b.iter(|| std::hint::black_box(&by_hand).validate()));
    group.finish();
}

fn insert_and_get(c: &mut Criterion) {
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
    let ws: Uuid = client
        .query_one("INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id", &[&owner])
        .unwrap()
        .get(0);
    let mut group = c.benchmark_group("insert + get an agent");
    let mut n = 0u64;
    group.bench_function("strata generated", |b| {
        b.iter(|| {
            n += 1;
            let mut new = agent(ws);
            new.agent_code = format!("g-{n}");
            new.name = format!("g {n}");
            let row = Agent::insert(&mut client, &new).unwrap();
            Agent::get(&mut client, &row.id).unwrap().unwrap()
        })
    });
    group.bench_function("hand-written postgres", |b| {
        b.iter(|| {
            n += 1;
            let mut new = agent(ws);
            new.name = format!("h {n}");
            let id: Uuid = client
                .query_one(
                    "INSERT INTO agents (workspace_id, project_id, agent_level, agent_code, name, role_title, status, trust_score, api_key_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &[&new.workspace_id, &new.project_id, &"organization", &format!("h-{n}"), &new.name, &new.role_title, &"active", &new.trust_score, &new.api_key_hash],
                )
                .unwrap()
                .get(0);
            client.query_one(&format!("SELECT {} FROM agents WHERE id = $1", Agent::COLUMNS), &[&id]).unwrap()
        })
    });
    group.finish();
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
