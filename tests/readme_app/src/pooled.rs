//! The README's async example: the generated helpers on tokio-postgres and a pool.

use crate::app::{Agent, AgentPatch, NewAgent, NewWorkspace, Workspace};

/// Creates a workspace and its team in one batch (all or nothing), then names the first agent
/// lead, on a pooled connection, which keeps its prepared statements from one checkout to the next.
pub async fn hire_team(pool: &strata::async_conn::Pool, names: &[&str]) -> Result<Agent, strata::Error> {
    let mut db = pool.get().await?;
    let workspace = Workspace::insert(&mut db, &NewWorkspace::new("Platform")).await?;
    let team: Vec<NewAgent> = names.iter().map(|name| NewAgent::new(workspace.id, *name, "argon2-hash")).collect();
    Agent::insert_many(&mut db, &team).await?;
    let first = Agent::list_by_workspace_id(&mut db, &workspace.id, None, 1).await?.remove(0);
    let lead = AgentPatch { name: Some("Lead".into()), ..Default::default() };
    Ok(Agent::update(&mut db, &first.id, &lead).await?.expect("the agent exists"))
}
