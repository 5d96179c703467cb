//! The tenant helper of the generated code: a transaction scoped to one tenant sees and writes
//! only that tenant's rows, as the application's role that owns nothing.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use strata::reexports::postgres::Client;
use strata::reexports::uuid::Uuid;
use strata::testing::TestDb;
use strata_codegen::io;
use strata_codegen::model::Schema;
use strata_generated::agentic::*;

fn new_agent(tenant: Uuid, slug: &str) -> NewAgent {
    NewAgent {
        id: None,
        tenant_id: tenant,
        name: format!("Agent {slug}"),
        slug: slug.into(),
        description: None,
        model_provider: None,
        model_name: None,
        temperature: None,
        max_tokens: None,
        system_prompt: None,
        capabilities: None,
        tools: None,
        timeout_seconds: None,
        max_iterations: None,
        memory_enabled: None,
        status: None,
        version: None,
        tags: None,
        config: None,
        metadata: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

/// Agentic applied to a new database, with `n` tenants.
fn agentic_with_tenants(n: usize) -> (TestDb, Client, Schema, Vec<Uuid>) {
    let declared = io::compile_folder(Path::new("../schema/agentic")).unwrap().schema.unwrap();
    let db = TestDb::new();
    let mut c = db.client();
    support::apply(&mut c, &declared);
    let insert = "INSERT INTO tenants (name, slug) VALUES ($1, $1) RETURNING id";
    let tenants = (0..n).map(|i| c.query_one(insert, &[&format!("t{i}")]).unwrap().get(0)).collect();
    (db, c, declared, tenants)
}

#[test]
fn in_tenant_scopes_reads_and_writes() {
    let (_db, mut c, _, tenants) = agentic_with_tenants(2);
    // The application's role: not a superuser, owns nothing, so the policies apply.
    c.batch_execute("SET ROLE agentic_app").unwrap();
    for (i, tenant) in tenants.iter().enumerate() {
        Agent::in_tenant(&mut c, tenant, |tx| {
            Agent::insert(tx, &new_agent(*tenant, &format!("agent-{i}"))).map(|_| ())
        })
        .unwrap();
    }
    for (i, tenant) in tenants.iter().enumerate() {
        let (count, slugs) = Agent::in_tenant(&mut c, tenant, |tx| {
            let rows = tx.query("SELECT slug FROM agents", &[])?;
            Ok((Agent::count(tx)?, rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>()))
        })
        .unwrap();
        assert_eq!((count, slugs), (1, vec![format!("agent-{i}")]), "tenant {i} sees only its agent");
        let other = tenants[1 - i];
        let err = Agent::in_tenant(&mut c, tenant, |tx| Agent::insert(tx, &new_agent(other, "intruder")).map(|_| ()))
            .unwrap_err();
        assert!(err.to_string().contains("row-level security"), "{err}");
    }
    // Outside a tenant transaction the setting is gone: nothing is visible.
    assert_eq!(Agent::count(&mut c).unwrap(), 0);
}

/// The same on tokio-postgres: `strata::async_conn::with_setting` on a connection that prepares
/// once, in a spawned task (the whole is `Send`), as the application's role.
#[test]
fn async_with_setting_scopes_reads_and_writes() {
    use strata::async_conn::with_setting;
    let (db, _, _, tenants) = agentic_with_tenants(2);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = db.url();
    let task = runtime.spawn(async move {
        let mut db = strata::async_conn::connect(&url).await.unwrap();
        db.batch_execute("SET ROLE agentic_app").await.unwrap();
        for (i, tenant) in tenants.iter().enumerate() {
            let new = new_agent(*tenant, &format!("agent-{i}"));
            with_setting(&mut db, Agent::TENANT_SETTING, &tenant.to_string(), |tx| {
                Box::pin(async move { Agent::insert(tx, &new).await.map(|_| ()) })
            })
            .await
            .unwrap();
        }
        for (i, tenant) in tenants.iter().enumerate() {
            let id = *tenant;
            let seen = with_setting(&mut db, Agent::TENANT_SETTING, &tenant.to_string(), |tx| {
                Box::pin(async move { Agent::list_by_tenant_id(tx, &id, None, 10).await })
            })
            .await
            .unwrap();
            let slugs: Vec<&str> = seen.iter().map(|a| a.slug.as_str()).collect();
            assert_eq!(slugs, [format!("agent-{i}")], "tenant {i} sees only its agent");
            let intruder = new_agent(tenants[1 - i], "intruder");
            let err = with_setting(&mut db, Agent::TENANT_SETTING, &tenant.to_string(), |tx| {
                Box::pin(async move { Agent::insert(tx, &intruder).await.map(|_| ()) })
            })
            .await
            .unwrap_err();
            assert!(err.to_string().contains("row-level security"), "{err}");
        }
        assert_eq!(Agent::count(&mut db).await.unwrap(), 0, "outside a tenant transaction nothing is visible");
    });
    runtime.block_on(task).unwrap();
}

/// What users run in their own CI (`strata::tenancy::prove` over the generated `visit_tables`):
/// it proves every tenant table of the system as the application's role, and fails, naming the
/// table, once a policy lets other tenants' rows through.
#[test]
fn the_isolation_proof_users_run_holds_and_fails_when_a_policy_leaks() {
    let (_db, mut c, declared, tenants) = agentic_with_tenants(1);
    let tenant = tenants[0];
    c.execute("INSERT INTO agents (tenant_id, name, slug) VALUES ($1, 'A', 'a')", &[&tenant]).unwrap();
    let tenant_tables = declared.tables.iter().filter(|t| t.rls.as_ref().is_some_and(|r| r.tenant.is_some())).count();

    let refused = strata::tenancy::prove(&mut c, strata_generated::agentic::visit_tables).unwrap_err();
    assert!(refused.contains("bypasses row-level security"), "{refused}");
    c.batch_execute("SET ROLE agentic_app").unwrap();
    let proved = strata::tenancy::prove(&mut c, strata_generated::agentic::visit_tables).unwrap();
    assert_eq!(proved.len(), tenant_tables, "{proved:?}");

    c.batch_execute(
        "RESET ROLE; CREATE POLICY leak ON agents USING (true); \
         CREATE POLICY leak ON conversations FOR INSERT WITH CHECK (true); SET ROLE agentic_app",
    )
    .unwrap();
    let leaked = strata::tenancy::prove(&mut c, strata_generated::agentic::visit_tables).unwrap_err();
    let lines: Vec<&str> = leaked.lines().collect();
    assert_eq!(lines.len(), 2, "{leaked}");
    assert!(
        lines[0].starts_with("agents: scoped to one tenant, ") && lines[0].ends_with(" of other tenants are visible")
    );
    assert!(lines[1].starts_with("conversations: the policy let a row of another tenant through"), "{leaked}");
}
