//! validate() and PostgreSQL agree: random insert rows near every boundary of AgentFlow's
//! agents and workspaces are judged by the generated validate() and by the database (an INSERT
//! in a transaction that is rolled back). On every row both verdicts must be the same.

use std::cell::{Cell, RefCell};
use std::str::FromStr;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use strata::Validate;
use strata::reexports::postgres::Client;
use strata::reexports::rust_decimal::Decimal;
use strata::reexports::uuid::Uuid;
use strata::testing::TestDb;
use strata_generated::agentflow::*;

/// Strings near a length boundary, some breaking the slug pattern, some multi-byte.
fn text(max: usize) -> impl Strategy<Value = String> {
    let lengths = prop_oneof![Just(0usize), Just(1), Just(max - 1), Just(max), Just(max + 1), 0..=max + 1];
    let alphabets = prop::sample::select(vec!["abc-0123456789", "ABC xyz!", "é日-a", "a\\nb"]);
    (lengths, alphabets, any::<u64>()).prop_map(|(len, alphabet, seed)| {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len).map(|i| chars[(seed as usize).wrapping_add(i * 7) % chars.len()]).collect()
    })
}

/// Scores around the range edges 0 and 100, with more decimals than numeric(5,2) keeps.
fn score() -> impl Strategy<Value = Option<Decimal>> {
    let edges = prop::sample::select(vec![
        "0", "-0.004", "-0.005", "-0.01", "100", "100.004", "100.005", "99.999", "1000", "50.5",
    ]);
    prop_oneof![
        Just(None),
        edges.prop_map(|s| Some(Decimal::from_str(s).unwrap())),
        (-20000i64..20000).prop_map(|c| Some(Decimal::new(c, 2)))
    ]
}

struct Fixture {
    _db: TestDb,
    client: Client,
    workspace: Uuid,
    owner: Uuid,
    project: Uuid,
}

fn fixture() -> RefCell<Fixture> {
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(include_str!("../agentflow/schema.sql")).unwrap();
    let owner: Uuid = client
        .query_one(
            "INSERT INTO users (email, password_hash, name) VALUES ('o@example.com', 'h', 'O') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let workspace: Uuid = client
        .query_one("INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id", &[&owner])
        .unwrap()
        .get(0);
    let project: Uuid = client
        .query_one("INSERT INTO projects (workspace_id, name, slug) VALUES ($1, 'P', 'p') RETURNING id", &[&workspace])
        .unwrap()
        .get(0);
    RefCell::new(Fixture { _db: db, client, workspace, owner, project })
}

/// Whether PostgreSQL accepts the row; the transaction is rolled back either way.
fn postgres_accepts(
    client: &mut Client,
    insert: impl FnOnce(&mut strata::reexports::postgres::Transaction) -> bool,
) -> bool {
    let mut tx = client.transaction().unwrap();
    let ok = insert(&mut tx);
    tx.rollback().unwrap();
    ok
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: 1500, failure_persistence: None, ..Config::default() })
}

#[test]
fn agents_agree() {
    let fx = fixture();
    let (tried, rejected) = (Cell::new(0), Cell::new(0));
    // The cross-column rule agents_agent_level_scope: organization agents have no project.
    let rows = ((text(100), text(255), text(255), text(255), score()), any::<bool>(), any::<bool>());
    runner()
        .run(&rows, |((code, name, role, key, trust), project_level, with_project)| {
            let fx = &mut *fx.borrow_mut();
            let level = if project_level { AgentLevel::Project } else { AgentLevel::Organization };
            let new = NewAgent {
                id: None, workspace_id: fx.workspace, project_id: with_project.then_some(fx.project), agent_level: level,
                agent_code: code, name, role_title: role, status: None, trust_score: trust, api_key_hash: key,
                public_key: None, capabilities: None, settings: None, created_at: None, updated_at: None, deleted_at: None,
            };
            let valid = new.validate().is_ok();
            let accepted = postgres_accepts(&mut fx.client, |tx| {
                tx.query_one(
                    "INSERT INTO agents (workspace_id, agent_level, agent_code, name, role_title, api_key_hash, trust_score, project_id) \
                     VALUES ($1, $7, $2, $3, $4, $5, COALESCE($6, 50.00), $8) RETURNING id",
                    &[&new.workspace_id, &new.agent_code, &new.name, &new.role_title, &new.api_key_hash, &new.trust_score, &new.agent_level, &new.project_id],
                )
                .is_ok()
            });
            tried.set(tried.get() + 1);
            rejected.set(rejected.get() + usize::from(!accepted));
            prop_assert_eq!(valid, accepted, "validate() says {:?}, PostgreSQL {}: {:?}", new.validate(), accepted, new);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "agents: {} rows, all agreed; {} rejected by both, {} accepted by both",
        tried.get(),
        rejected.get(),
        tried.get() - rejected.get()
    );
    assert!(rejected.get() > 0 && rejected.get() < tried.get(), "the rows cover both verdicts");
}

#[test]
fn workspaces_agree() {
    let fx = fixture();
    let (tried, rejected) = (Cell::new(0), Cell::new(0));
    runner()
        .run(&(text(255), text(100)), |(name, slug)| {
            let fx = &mut *fx.borrow_mut();
            let new = NewWorkspace {
                id: None,
                owner_id: fx.owner,
                name,
                slug,
                description: None,
                settings: None,
                created_at: None,
                updated_at: None,
                deleted_at: None,
            };
            let valid = new.validate().is_ok();
            // The unique slug is not a value rule: the fixture's own `w` collides by design.
            let accepted = postgres_accepts(&mut fx.client, |tx| {
                tx.query_one(
                    "INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, $2, $3) RETURNING id",
                    &[&new.owner_id, &new.name, &new.slug],
                )
                .is_ok()
            }) || (new.slug == "w" && valid);
            tried.set(tried.get() + 1);
            rejected.set(rejected.get() + usize::from(!accepted));
            prop_assert_eq!(
                valid,
                accepted,
                "validate() says {:?}, PostgreSQL {}: {:?}",
                new.validate(),
                accepted,
                new
            );
            Ok(())
        })
        .unwrap();
    eprintln!("workspaces: {} rows, all agreed; {} rejected by both", tried.get(), rejected.get());
    assert!(rejected.get() > 0 && rejected.get() < tried.get(), "the rows cover both verdicts");
}
