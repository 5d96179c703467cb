//! The generated AgentFlow models against a live PostgreSQL: insert, read back, delete, soft
//! delete; validation that agrees with the database on the rules both enforce; redaction.

use std::str::FromStr;

use strata::reexports::postgres::Client;
use strata::reexports::rust_decimal::Decimal;
use strata::reexports::uuid::Uuid;
use strata::testing::TestDb;
use strata::{Error, Validate};
use strata_generated::agentflow::*;

fn database() -> (TestDb, Client) {
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(include_str!("../agentflow/schema.sql")).unwrap();
    (db, client)
}

/// Built with the constructor (required fields) and setters, as applications should: a new
/// nullable or defaulted column breaks nothing here.
fn new_user(email: &str) -> NewUser {
    NewUser::new(email, "$2b$12$hash", "Ada")
}

#[test]
fn insert_structs_have_a_constructor_and_setters() {
    let user = NewUser::new("a@example.com", "h", "A").with_avatar_url("https://example.com/a.png");
    let literal = NewUser {
        id: None,
        email: "a@example.com".into(),
        password_hash: "h".into(),
        name: "A".into(),
        avatar_url: Some("https://example.com/a.png".into()),
        created_at: None,
        updated_at: None,
        deleted_at: None,
    };
    assert_eq!(user, literal);
    let (_db, mut c) = database();
    let stored = User::insert(&mut c, &user).unwrap();
    assert_eq!(stored.avatar_url.as_deref(), Some("https://example.com/a.png"));
}

/// A user, and a workspace it owns.
fn owner_and_workspace(c: &mut Client, email: &str) -> (User, Uuid) {
    let user = User::insert(c, &new_user(email)).unwrap();
    let sql = "INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id";
    let ws = c.query_one(sql, &[&user.id]).unwrap().get(0);
    (user, ws)
}

fn new_agent(workspace_id: Uuid, code: &str) -> NewAgent {
    NewAgent {
        id: None,
        workspace_id,
        project_id: None,
        agent_level: AgentLevel::Organization,
        agent_code: code.into(),
        name: format!("Agent {code}"),
        role_title: "CTO".into(),
        status: Some(AgentStatus::Probation),
        trust_score: Some(Decimal::from_str("87.50").unwrap()),
        api_key_hash: "secret-hash".into(),
        public_key: None,
        capabilities: Some(strata::reexports::serde_json::json!(["python"])),
        settings: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

#[test]
fn insert_get_delete_and_soft_delete() {
    let (_db, mut c) = database();
    let user = User::insert(&mut c, &new_user("ada@example.com")).unwrap();
    assert_eq!(User::get(&mut c, &user.id).unwrap().as_ref(), Some(&user));
    let workspace = Workspace::insert(
        &mut c,
        &NewWorkspace {
            id: None,
            owner_id: user.id,
            name: "Acme".into(),
            slug: "acme".into(),
            description: None,
            settings: None,
            created_at: None,
            updated_at: None,
            deleted_at: None,
        },
    )
    .unwrap();
    let agent = Agent::insert(&mut c, &new_agent(workspace.id, "agent-cto-001")).unwrap();
    assert_eq!(agent.status, AgentStatus::Probation);
    assert_eq!(agent.trust_score, Decimal::from_str("87.50").unwrap());
    assert_eq!(Agent::get(&mut c, &agent.id).unwrap(), Some(agent.clone()));
    assert!(Agent::soft_delete(&mut c, &agent.id).unwrap());
    assert!(!Agent::soft_delete(&mut c, &agent.id).unwrap(), "already deleted");
    assert_eq!(Agent::get(&mut c, &agent.id).unwrap(), None, "soft-deleted rows are hidden");
    assert_eq!(Agent::count(&mut c).unwrap(), 0);
    assert!(Agent::restore(&mut c, &agent.id).unwrap());
    let restored = Agent::get(&mut c, &agent.id).unwrap().expect("restored");
    assert_eq!((restored.deleted_at, restored.name.as_str()), (None, agent.name.as_str()));
    assert!(restored.updated_at > agent.updated_at, "the set_on_update trigger ran");
    assert!(Agent::soft_delete(&mut c, &agent.id).unwrap());
    assert_eq!(Agent::delete(&mut c, &agent.id).unwrap(), 1, "delete reaches soft-deleted rows");
    assert_eq!(Agent::get(&mut c, &agent.id).unwrap(), None);
}

#[test]
fn validation_reports_every_violation_and_postgres_agrees() {
    let (_db, mut c) = database();
    let (_, ws) = owner_and_workspace(&mut c, "bob@example.com");
    let mut bad = new_agent(ws, "Not A Slug!");
    bad.name = String::new();
    bad.trust_score = Some(Decimal::from_str("100.01").unwrap());
    let err = bad.validate().unwrap_err();
    let rules: Vec<(&str, &str)> = err.0.iter().map(|v| (v.field, v.rule)).collect();
    assert_eq!(rules, [("agent_code", "pattern"), ("name", "min_length"), ("trust_score", "range")]);
    assert!(matches!(Agent::insert(&mut c, &bad), Err(Error::Invalid(_))), "nothing is sent when invalid");
    // Each broken rule alone is rejected by PostgreSQL too, and the valid row is accepted.
    let good = new_agent(ws, "agent-dev-002");
    assert!(good.validate().is_ok());
    let cases = [("agent_code", "'Not A Slug!'"), ("name", "''"), ("trust_score", "100.01")];
    for (column, value) in cases {
        let sql = format!(
            "INSERT INTO agents (workspace_id, agent_level, agent_code, name, role_title, api_key_hash) \
             VALUES ('{ws}', 'organization', 'agent-x', 'X', 'R', 'h') RETURNING id"
        );
        let mut tx = c.transaction().unwrap();
        let id: Uuid = tx.query_one(&sql, &[]).unwrap().get(0);
        let err = tx.batch_execute(&format!("UPDATE agents SET {column} = {value} WHERE id = '{id}'")).unwrap_err();
        assert_eq!(err.code().map(|c| c.code()), Some("23514"), "{column}: a CHECK violation");
        tx.rollback().unwrap();
    }
    assert!(Agent::insert(&mut c, &good).is_ok());
}

#[test]
fn sensitive_columns_are_redacted_and_not_serialized() {
    let (_db, mut c) = database();
    let user = User::insert(&mut c, &new_user("eve@example.com")).unwrap();
    let debug = format!("{user:?}");
    assert!(debug.contains("password_hash: [redacted]") && !debug.contains("$2b$12$hash"), "{debug}");
    let json = strata::reexports::serde_json::to_string(&user).unwrap();
    assert!(!json.contains("password_hash") && json.contains("eve@example.com"), "{json}");
}

#[test]
fn union_types_spell_as_the_database_does() {
    assert_eq!(TaskStatus::InProgress.to_string(), "in_progress");
    assert_eq!(PriorityLevel::from_str("P0"), Ok(PriorityLevel::P0));
    assert!(PriorityLevel::from_str("P9").is_err());
    assert_eq!(EventType::ALL.len(), 17);
    let json = strata::reexports::serde_json::to_string(&WikiEntryStatus::PendingApproval).unwrap();
    assert_eq!(json, "\"pending_approval\"");
}

#[test]
fn update_find_list_and_count() {
    let (_db, mut c) = database();
    let (user, ws) = owner_and_workspace(&mut c, "kim@example.com");
    let mut ids: Vec<Uuid> =
        (0..5).map(|i| Agent::insert(&mut c, &new_agent(ws, &format!("agent-{i}"))).unwrap().id).collect();
    ids.sort();

    // Only the fields set change; Some(None) sets NULL; an invalid patch is refused before SQL.
    let patch = AgentPatch { name: Some("Renamed".into()), public_key: Some(Some("pk".into())), ..Default::default() };
    let updated = Agent::update(&mut c, &ids[0], &patch).unwrap().unwrap();
    assert_eq!((updated.name.as_str(), updated.public_key.as_deref()), ("Renamed", Some("pk")));
    assert_eq!(updated.agent_code, Agent::get(&mut c, &ids[0]).unwrap().unwrap().agent_code);
    let cleared =
        Agent::update(&mut c, &ids[0], &AgentPatch { public_key: Some(None), ..Default::default() }).unwrap().unwrap();
    assert_eq!(cleared.public_key, None);
    let bad = AgentPatch { trust_score: Some(Decimal::from_str("101").unwrap()), ..Default::default() };
    assert!(matches!(Agent::update(&mut c, &ids[0], &bad), Err(Error::Invalid(_))));

    // Finders for unique keys, keyset pages by foreign key, counts without soft-deleted rows.
    let found = Agent::find_by_workspace_id_and_agent_code(&mut c, &ws, "agent-3").unwrap().unwrap();
    assert_eq!(found.agent_code, "agent-3");
    assert_eq!(User::find_by_email(&mut c, "kim@example.com").unwrap().map(|u| u.id), Some(user.id));
    let first = Agent::list_by_workspace_id(&mut c, &ws, None, 2).unwrap();
    let rest = Agent::list_by_workspace_id(&mut c, &ws, Some(&first[1].id), 10).unwrap();
    let paged: Vec<Uuid> = first.iter().chain(&rest).map(|a| a.id).collect();
    assert_eq!(paged, ids);
    assert_eq!(Agent::count(&mut c).unwrap(), 5);
    Agent::soft_delete(&mut c, &ids[4]).unwrap();
    assert_eq!(Agent::count(&mut c).unwrap(), 4);
    assert_eq!(Agent::list_by_workspace_id(&mut c, &ws, None, 10).unwrap().len(), 4);

    // A partial unique index (one active session per agent) finds under its predicate.
    let sql = "INSERT INTO projects (workspace_id, name, slug) VALUES ($1, 'P', 'p') RETURNING id";
    let project: Uuid = c.query_one(sql, &[&ws]).unwrap().get(0);
    let sql = "INSERT INTO sessions (agent_id, project_id, started_at, stopped_at) VALUES ($1, $2, now() - interval '2 hours', now() - interval '1 hour')";
    c.execute(sql, &[&ids[1], &project]).unwrap();
    assert_eq!(Session::find_by_agent_id(&mut c, &ids[1]).unwrap(), None, "a stopped session is not the active one");
    let sql = "INSERT INTO sessions (agent_id, project_id) VALUES ($1, $2) RETURNING id";
    let active: Uuid = c.query_one(sql, &[&ids[1], &project]).unwrap().get(0);
    assert_eq!(Session::find_by_agent_id(&mut c, &ids[1]).unwrap().map(|s| s.id), Some(active));
}

#[test]
fn statements_are_prepared_once_per_client_and_outlive_transactions() {
    let (_db, client) = database();
    let mut c = strata::Client::new(client);
    let user = User::insert(&mut c, &new_user("cache@example.com")).unwrap();
    let prepared = c.cached_statements();
    assert_eq!(prepared, 1, "the insert");
    for i in 0..3 {
        // Prepared inside a transaction that rolls back, then reused outside it.
        let mut tx = strata::Conn::transaction(&mut c).unwrap();
        User::insert(&mut tx, &new_user(&format!("rolled-{i}@example.com"))).unwrap();
        assert!(User::get(&mut tx, &user.id).unwrap().is_some());
        drop(tx);
        assert_eq!(User::get(&mut c, &user.id).unwrap().as_ref(), Some(&user));
    }
    assert_eq!(c.cached_statements(), prepared + 1, "insert and get, each prepared once");
    assert_eq!(User::count(&mut c).unwrap(), 1, "the rolled-back inserts are gone");
}

#[test]
fn kpi_metrics_are_typed_shapes_with_defaults_and_rules() {
    let (_db, mut c) = database();
    let (_, ws) = owner_and_workspace(&mut c, "kpi@example.com");
    let agent = Agent::insert(&mut c, &new_agent(ws, "agent-kpi")).unwrap();
    let metrics = KpiMetrics {
        tasks_completed: 12,
        code_quality_score: 87.5,
        custom_metrics: Some([("reviews".to_string(), 3.0)].into()),
        ..Default::default()
    };
    let new = NewKpi {
        id: None,
        agent_id: agent.id,
        recorded_at: None,
        metrics: metrics.clone(),
        trend_data: None,
        calculated_at: None,
        created_at: None,
    };
    let kpi = Kpi::insert(&mut c, &new).unwrap();
    assert_eq!(kpi.metrics, metrics);
    // The column's default '{}' reads back as the shape's defaults.
    assert_eq!(kpi.trend_data, KpiTrends { tasks_completed_trend: Trend::Stable, ..Default::default() });
    // Stored with the document's keys; keys left out take their defaults when read.
    let stored: strata::reexports::serde_json::Value =
        c.query_one("SELECT metrics FROM kpis WHERE id = $1", &[&kpi.id]).unwrap().get(0);
    assert_eq!(stored["tasksCompleted"], 12);
    assert_eq!(stored["customMetrics"]["reviews"], 3.0);
    c.execute("UPDATE kpis SET metrics = '{\"bugsIntroduced\": 2}' WHERE id = $1", &[&kpi.id]).unwrap();
    let read = Kpi::get(&mut c, &kpi.id).unwrap().unwrap();
    assert_eq!((read.metrics.bugs_introduced, read.metrics.tasks_completed), (2, 0));
    // Rules of the shape are the column's rules.
    let mut bad = new.clone();
    bad.metrics.code_quality_score = 150.0;
    bad.metrics.feature_completion_rate = -0.5;
    let violations = bad.validate().unwrap_err().0;
    let found: Vec<(&str, &str)> = violations.iter().map(|v| (v.field, v.rule)).collect();
    assert_eq!(found, [("metrics", "range"), ("metrics", "range")]);
    assert_eq!(violations[0].message, "metrics: codeQualityScore is outside [0, 100]", "messages never carry values");
}
