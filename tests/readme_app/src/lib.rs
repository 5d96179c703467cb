//! README.md's application: the models of schema/app, from build.rs and from the macro.

/// The models `build.rs` wrote (`strata_codegen::Builder`).
pub mod app {
    include!(concat!(env!("OUT_DIR"), "/app.rs"));
}

/// The same models, expanded in place by the macro (no build.rs needed).
pub mod expanded {
    strata::schema!("schema/app");
}

use app::{Agent, AgentPatch, NewAgent, NewWorkspace, Workspace};

/// Creates a workspace and an agent in it (each validated first), then renames the agent.
pub fn hire_and_rename(client: strata::reexports::postgres::Client) -> Result<Agent, strata::Error> {
    let mut db = strata::Client::new(client); // statements prepared once per connection
    let workspace = Workspace::insert(&mut db, &NewWorkspace::new("Research"))?;
    let new_agent = NewAgent::new(workspace.id, "Ada", "argon2-hash").with_trust_score("87.5".parse().unwrap());
    let agent = Agent::insert(&mut db, &new_agent)?; // validated, then INSERT ... RETURNING
    let renamed = AgentPatch { name: Some("Renamed".into()), ..Default::default() };
    Ok(Agent::update(&mut db, &agent.id, &renamed)?.expect("the agent exists"))
}

#[cfg(test)]
mod tests {
    use strata::Table as _;

    #[test]
    fn the_readme_code_runs_on_a_live_database() {
        let compiled = strata_codegen::io::compile_folder(std::path::Path::new("schema/app")).unwrap();
        let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
        let db = strata::testing::TestDb::new();
        let mut client = db.client();
        client.batch_execute(&strata_codegen::generate::files(&schema)[0].1).unwrap();
        let agent = super::hire_and_rename(client).unwrap();
        assert_eq!((agent.name.as_str(), agent.trust_score.to_string().as_str()), ("Renamed", "87.50"));
        assert!(!format!("{agent:?}").contains("argon2"), "the sensitive column is redacted");
        assert_eq!(super::expanded::Agent::TABLE, super::app::Agent::TABLE, "build.rs and the macro agree");
    }
}

/// The same helpers on tokio-postgres and a pool (feature `async`).
pub mod pooled;
