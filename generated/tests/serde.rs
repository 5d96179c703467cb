//! Rows through serde: every AgentFlow table and tables of the other systems with the remaining
//! column types (inet, date, bytea, arrays) go to JSON and back, as a map and as a sequence
//! (the form binary formats use). Rows come from a live PostgreSQL, built from the model.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use serde_json::{Value, json};
use strata::Table;
use strata::de::Row;
use strata::reexports::serde::Serialize;
use strata::reexports::serde::de::DeserializeOwned;
use strata::testing::TestDb;
use strata_codegen::io;
use strata_codegen::model::Schema;
use strata_codegen::render::sql::qualified;
use strata_generated::{agentflow, agentworks, aiplatform, autosdlc};

struct System {
    db: postgres::Client,
    schema: Schema,
    _test_db: TestDb,
}

fn system(name: &str) -> System {
    let declared = io::compile_folder(&Path::new("../schema").join(name)).unwrap().schema.unwrap();
    let test_db = TestDb::new();
    let mut db = test_db.client();
    let (schema, _) = support::apply(&mut db, &declared);
    System { db, schema, _test_db: test_db }
}

/// A row of `T` built from the model goes to JSON and back; a row with sensitive columns is
/// written without them, so reading it back fails on the first one, by name.
fn round_trip<T: Table + Row + Serialize + DeserializeOwned>(s: &mut System) {
    let table = s.schema.tables.iter().find(|t| qualified(&t.namespace, &t.name) == T::TABLE).unwrap().clone();
    let query = support::row_query(&mut s.db, &s.schema, &table, T::COLUMNS);
    let row = T::from_row(&s.db.query_one(&query, &[]).unwrap()).unwrap();
    let json = serde_json::to_value(&row).unwrap();
    let sensitive: Vec<_> = table.columns.iter().filter(|c| c.sensitive).collect();
    for c in &sensitive {
        assert!(json.get(&c.name).is_none(), "{}: {} is written", table.name, c.name);
    }
    let as_seq = Value::Array(T::FIELDS.iter().map(|f| json.get(f).cloned().unwrap_or(Value::Null)).collect());
    if sensitive.is_empty() {
        assert_eq!(serde_json::from_value::<T>(json).unwrap(), row, "{}: as a map", table.name);
        assert_eq!(serde_json::from_value::<T>(as_seq).unwrap(), row, "{}: as a sequence", table.name);
    } else if let Some(required) = sensitive.iter().find(|c| !c.nullable) {
        let err = serde_json::from_value::<T>(json).unwrap_err().to_string();
        assert_eq!(err, format!("missing field `{}`", required.name), "{}", table.name);
    } else {
        // Nullable sensitive columns come back NULL: the rest is as written.
        let read = serde_json::from_value::<T>(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), json, "{}", table.name);
    }
}

#[test]
fn rows_of_every_column_type_go_to_json_and_back() {
    let mut s = system("agentflow");
    round_trip::<agentflow::User>(&mut s);
    round_trip::<agentflow::Workspace>(&mut s);
    round_trip::<agentflow::Project>(&mut s);
    round_trip::<agentflow::Agent>(&mut s);
    round_trip::<agentflow::Session>(&mut s);
    round_trip::<agentflow::Event>(&mut s);
    round_trip::<agentflow::Kpi>(&mut s);
    round_trip::<agentflow::Task>(&mut s);
    round_trip::<agentflow::WikiEntry>(&mut s);
    round_trip::<agentflow::AgentCredential>(&mut s);
    let mut s = system("agentworks");
    round_trip::<agentworks::AuditLog>(&mut s);
    round_trip::<agentworks::Agent>(&mut s);
    round_trip::<agentworks::UsageEvent>(&mut s);
    round_trip::<agentworks::BillingAccount>(&mut s);
    let mut s = system("autosdlc");
    round_trip::<autosdlc::User>(&mut s);
    round_trip::<autosdlc::Session>(&mut s);
    let mut s = system("aiplatform");
    round_trip::<aiplatform::ApiKey>(&mut s);
    round_trip::<aiplatform::MarketplaceListing>(&mut s);
    round_trip::<aiplatform::Invoice>(&mut s);
}

fn session() -> Value {
    json!({
        "id": "7a8f1c3e-0000-4000-8000-000000000001",
        "agent_id": "7a8f1c3e-0000-4000-8000-000000000002",
        "project_id": "7a8f1c3e-0000-4000-8000-000000000003",
        "status": "started",
        "started_at": "2026-11-22T10:00:00",
        "stopped_at": null,
        "duration_seconds": 30,
        "tasks_worked_on": [],
        "metadata": {},
        "created_at": "2026-11-22T10:00:00",
        "updated_at": "2026-11-22T10:00:00",
    })
}

#[test]
fn reading_a_row_is_as_strict_as_serde_derive() {
    let read = |v: Value| serde_json::from_value::<agentflow::Session>(v).map_err(|e| e.to_string());
    let ok = read(session()).unwrap();
    assert_eq!((ok.status, ok.duration_seconds), (agentflow::SessionStatus::Started, Some(30)));

    // Unknown keys are ignored; an absent nullable column is NULL; an absent required one is an error.
    let mut other = session();
    other["unknown"] = json!(1);
    other.as_object_mut().unwrap().remove("stopped_at");
    assert_eq!(read(other).unwrap(), ok);
    let mut missing = session();
    missing.as_object_mut().unwrap().remove("agent_id");
    assert_eq!(read(missing).unwrap_err(), "missing field `agent_id`");

    // A union value outside the type, and a value of the wrong type, say so.
    let mut wrong = session();
    wrong["status"] = json!("paused");
    assert_eq!(read(wrong).unwrap_err(), "\"paused\" is not a session_status");
    let mut wrong = session();
    wrong["duration_seconds"] = json!("long");
    assert_eq!(read(wrong).unwrap_err(), "invalid type: string \"long\", expected i32");

    // From text, a key given twice is an error, with its position.
    let text = r#"{"status": "started", "status": "stopped"}"#;
    let err = serde_json::from_str::<agentflow::Session>(text).unwrap_err().to_string();
    assert_eq!(err, "duplicate field `status` at line 1 column 32");
}
