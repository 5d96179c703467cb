//! README.md's application, started: it migrates the database it is given (the migrations are
//! compiled into the binary), then does its work. Replicas started at once take turns on the
//! runner's lock, and each migration is applied once.

use strata::reexports::postgres::{Client, Config, NoTls};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let config: Config = url.parse()?;
    let mut client = Client::connect(&url, NoTls)?;
    let migrator = strata::embed_migrations!("generated/app/migrations").cluster_lock(config);
    for done in migrator.up(&mut client, None)? {
        eprintln!("migrated {} in {} ms", done.migration, done.duration.as_millis());
    }
    let agent = strata_readme_app::hire_and_rename(client)?;
    println!("hired and renamed {}", agent.name);
    Ok(())
}
