//! Agreement test: strata's verdict on a trigger (`check/triggers.rs`) against PostgreSQL's.
//!
//! Random triggers (timing, events, level, WHEN, transition tables, constraint and deferrable,
//! disabled) on a table, a partitioned table, a view and a materialized view are put in the
//! model, judged by strata's checks, rendered by the SQL target whatever the verdict, and
//! created on a live server in a savepoint rolled back after. Every verdict must agree.

mod support;

use strata::testing::TestDb;
use strata_codegen::model::{Deferrable, Expr, Ref, Schema, Trigger, TriggerTiming};
use strata_codegen::{check, compile_toml_str, generate, plan, render::sql};
use support::Rng;

const CASES: usize = 3000;

const BASE: &str = r#"
[schema]
name = "triggers"

[tables.moves.columns]
id = { type = "integer", primary_key = true }
qty = "integer"

[tables.log]
primary_key = ["id", "at"]
partition = { by = "range", key = ["at"], default = true }
[tables.log.columns]
id = "integer"
at = "date"
qty = "integer"

[functions.audit]
returns = "trigger"
language = "plpgsql"
body = "BEGIN RETURN NULL; END;"

[views.move_view]
query = "SELECT id, qty FROM moves"

[views.move_totals]
query = "SELECT sum(qty) AS qty FROM moves"
materialized = true
"#;

fn trigger(rng: &mut Rng) -> Trigger {
    let timing =
        rng.pick(&[TriggerTiming::Before, TriggerTiming::After, TriggerTiming::After, TriggerTiming::InsteadOf]);
    let mut events: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let e = rng.pick(&["INSERT", "UPDATE", "DELETE", "TRUNCATE", "UPDATE OF qty"]).to_string();
        // An event once; PostgreSQL takes UPDATE or UPDATE OF, not both.
        let clash = events.iter().any(|x| *x == e || (x.starts_with("UPDATE") && e.starts_with("UPDATE")));
        if !clash {
            events.push(e);
        }
    }
    let when = [
        None,
        None,
        None,
        Some("NEW.qty > 0"),
        Some("OLD.qty > 0"),
        Some("OLD.qty IS DISTINCT FROM NEW.qty"),
        Some("true"),
    ];
    let name = |rng: &mut Rng| Some(rng.pick(&["moved", "gone"]).to_string());
    let (old_table, new_table) = match rng.below(10) {
        0 => (name(rng), None),
        1 => (None, name(rng)),
        2 => (name(rng), name(rng)),
        _ => (None, None),
    };
    let constraint = rng.chance(12).then(|| rng.pick(&[Deferrable::No, Deferrable::Immediate, Deferrable::Deferred]));
    Trigger {
        name: "t".into(),
        timing,
        events,
        for_each_row: rng.chance(60),
        when: rng.pick(&when).map(|sql| Expr::new(sql, Default::default())),
        function: Ref { namespace: "public".into(), name: "audit".into(), span: Default::default() },
        args: if rng.chance(30) { vec!["a".into(), "it's".into()] } else { Vec::new() },
        old_table,
        new_table,
        constraint,
        enabled: rng.chance(85),
        doc: None,
        span: Default::default(),
    }
}

/// `schema` with `trigger` on its table or view number `target`.
fn with_trigger(schema: &Schema, target: u64, trigger: Trigger) -> Schema {
    let mut schema = schema.clone();
    match target {
        0 | 1 => schema.tables[target as usize].triggers.push(trigger),
        n => schema.views[n as usize - 2].triggers.push(trigger),
    }
    schema
}

#[test]
fn trigger_verdicts_agree_with_postgres() {
    let base = compile_toml_str([("triggers.toml", BASE)]).schema.expect("the base schema is valid");
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(&generate::files(&base)[0].1).unwrap();
    let mut rng = Rng(0x7219_9e55);
    let mut tx = client.transaction().unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..CASES {
        let schema = with_trigger(&base, rng.below(4), trigger(&mut rng));
        let diags = check::check(&schema);
        let codes: Vec<&str> = diags.0.iter().map(|d| d.code).collect();
        assert!(codes.iter().all(|c| *c == "E0039"), "case {case}: other diagnostics {:?}", diags.0);
        let ours = diags.0.first().map(|d| d.message.clone());
        let steps = plan::create(&schema);
        let statements = sql::statements(&schema, &steps);
        let ddl: Vec<&str> = statements
            .iter()
            .filter(|s| s.description.starts_with("CreateTrigger") || s.description.starts_with("DisableTrigger"))
            .filter(|s| s.description.ends_with(".t"))
            .map(|s| s.sql.as_str())
            .collect();
        tx.batch_execute("SAVEPOINT one").unwrap();
        let theirs = ddl
            .iter()
            .try_for_each(|sql| tx.batch_execute(sql))
            .map_err(|e| format!("{:?}", e.as_db_error().map(|d| (d.message(), d.detail()))));
        tx.batch_execute("ROLLBACK TO SAVEPOINT one").unwrap();
        match (ours, theirs) {
            (None, Ok(())) => accepted += 1,
            (Some(_), Err(_)) => refused += 1,
            (ours, theirs) => panic!("case {case}: {}\nstrata: {ours:?}\nPostgreSQL: {theirs:?}", ddl.join(";\n")),
        }
    }
    eprintln!("triggers: {CASES} cases, {accepted} accepted by both, {refused} refused by both");
    assert!(accepted > CASES / 10 && refused > CASES / 10, "too few of one kind: {accepted} / {refused}");
}
