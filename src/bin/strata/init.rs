//! `strata init [NAME]`: a project to start from, strata.toml and a commented example schema
//! folder (`init/`) that generates and applies as it is; with `--database-url`, an existing
//! database adopted instead (`adopt.rs`). Nothing that exists is overwritten.

use std::path::PathBuf;

use clap::Args;
use strata_codegen::io;

use crate::Failure;

#[derive(Args)]
pub struct InitArgs {
    /// The system's name: its folder under schema/ and its `[schema] name`.
    #[arg(default_value = "app")]
    name: String,
    /// The folder the project is made in.
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Start from this existing database instead of the example: it is adopted (`strata
    /// adopt`: pulled into schema/NAME, its first migration generated and recorded as applied
    /// there once the database is proven to hold it).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

pub fn run(args: &InitArgs) -> Result<(), Failure> {
    let name = &args.name;
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        let why = "a name of lower-case letters, digits and `_`, starting with a letter";
        return Err(Failure::Usage(format!("`{name}` is not a system name: use {why} (`shop`, `billing_v2`)")));
    }
    let project = args.dir.join("strata.toml");
    let folder = args.dir.join("schema").join(name);
    for path in [&project, &folder] {
        if path.exists() {
            return Err(Failure::Usage(format!(
                "{} exists: strata init never overwrites; run it in a new folder or with --dir",
                path.display()
            )));
        }
    }
    if let Some(url) = &args.database_url {
        std::fs::create_dir_all(&args.dir).map_err(|e| Failure::Usage(format!("{}: {e}", args.dir.display())))?;
        std::fs::write(&project, include_str!("init/strata.toml"))
            .map_err(|e| Failure::Usage(format!("{}: {e}", project.display())))?;
        println!("wrote {}", project.display());
        return crate::adopt::adopt(url, name, (&[], &[]), "strata.migrations", &project);
    }
    let schema = include_str!("init/schema.toml").replace("NAME", name);
    let written = |e: std::io::Error| Failure::Usage(e.to_string());
    io::write_folder(&folder, &[("schema.toml".to_string(), schema)]).map_err(written)?;
    std::fs::write(&project, include_str!("init/strata.toml"))
        .map_err(|e| Failure::Usage(format!("{}: {e}", project.display())))?;
    println!("wrote {} and {}/schema.toml", project.display(), folder.display());
    println!("next: strata generate   (writes generated/{name}/: schema.sql, migrations/0001_init, models.rs)");
    Ok(())
}
