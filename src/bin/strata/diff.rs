//! `strata diff`: the SQL that takes one schema to another, printed, nothing written. Either side
//! is a schema folder, a migration's snapshot (`model.json`), or a folder of migrations (its last
//! snapshot).

use std::path::Path;

use clap::Args;
use strata_codegen::{io, migrations, model::Schema};

use crate::{Failure, Format};

#[derive(Args)]
pub struct DiffArgs {
    /// Where the database is: a schema folder, a model.json, or a migrations folder (or an
    /// output folder holding one).
    #[arg(long, value_name = "SOURCE")]
    from: String,
    /// Where it should be: the same kinds of source.
    #[arg(long, value_name = "SOURCE")]
    to: String,
    /// How the migration is printed: as the SQL file, or as a JSON array of its statements
    /// (`description`, `sql`, `hazards`, `transaction`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &DiffArgs) -> Result<(), Failure> {
    let (from, to) = (read("--from", &args.from)?, read("--to", &args.to)?);
    let statements = migrations::statements(&from, &to);
    match args.format {
        Format::Human => {
            let title = format!("schema {}: from {} to {}", to.name, args.from, args.to);
            print!("{}", migrations::file(&title, &statements));
        }
        Format::Json => {
            let json: Vec<serde_json::Value> = statements
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "description": s.description,
                        "sql": s.sql,
                        "hazards": s.hazards.iter().map(|h| h.text()).collect::<Vec<_>>(),
                        "transaction": s.transaction,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&json).expect("JSON values serialize"));
        }
    }
    eprintln!("{} statement(s)", statements.len());
    Ok(())
}

fn read(flag: &str, source: &str) -> Result<Schema, Failure> {
    if source.starts_with("postgres://") || source.starts_with("postgresql://") {
        // The live model spells some things otherwise (a grant per object, index expressions as
        // the catalog prints them): diffed as they are, equal schemas would differ. (The URL is
        // not repeated: it may hold a password.)
        return Err(Failure::Usage(format!(
            "{flag}: a database is not a diff source yet; `strata verify --database-url URL --no-apply` compares one with the schema"
        )));
    }
    let usage = |what: String| Failure::Usage(format!("{flag}: {what}"));
    let path = Path::new(source);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| usage(e.to_string()))?;
        return migrations::read_snapshot(source, &text).map_err(|e| usage(e.to_string()));
    }
    // A folder of migrations, or an output folder holding one: its last snapshot.
    let out = if path.file_name().is_some_and(|n| n == "migrations") { path.parent().unwrap_or(path) } else { path };
    let existing = io::read_migrations(out).map_err(|e| usage(e.to_string()))?;
    if let Some(last) = existing.last() {
        let missing = || usage(format!("migrations/{} has no {}", last.dir, migrations::SNAPSHOT));
        let text = last.snapshot.as_deref().ok_or_else(missing)?;
        return migrations::read_snapshot(&last.dir, text).map_err(|e| usage(e.to_string()));
    }
    let compiled = io::compile_folder(path).map_err(|e| usage(e.to_string()))?;
    eprint!("{}", compiled.diagnostics.render(&compiled.sources));
    compiled.schema.ok_or(Failure::Schema)
}
