//! `strata diff`: the SQL that takes one schema to another, printed, nothing written. Either side
//! is a schema folder, a migration's snapshot (`model.json`), a folder of migrations (its last
//! snapshot), or a live database (its catalog, as `strata verify --no-apply` reads it). A
//! declaration diffed with a database is first created in a scratch database and read back
//! (Atlas's dev database), so that both sides are spelled as the catalog prints them and equal
//! schemas give no SQL.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Args;
use postgres::Client;
use strata::live::PgCatalogs;
use strata_codegen::{io, migrations, model::Schema};

use crate::db::{self, Scratch, Script, connect, scratch_server};
use crate::{Failure, Format};

#[derive(Args)]
pub struct DiffArgs {
    /// Where the database is: a schema folder, a model.json, a migrations folder (or an output
    /// folder holding one), or a database URL (postgres://...).
    #[arg(long, value_name = "SOURCE")]
    from: String,
    /// Where it should be: the same kinds of source.
    #[arg(long, value_name = "SOURCE")]
    to: String,
    /// A server strata may create a scratch database on, when a declaration is diffed with a
    /// database [default: STRATA_DEV_URL, else a server strata starts].
    #[arg(long, value_name = "URL")]
    dev_url: Option<String>,
    /// How the migration is printed: as the SQL file, or as a JSON array of its statements
    /// (`description`, `sql`, `hazards`, `transaction`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &DiffArgs) -> Result<(), Failure> {
    if args.format == Format::Github {
        return Err(Failure::Usage("--format github is for check, verify and lint".into()));
    }
    let (from, to) = match (url(&args.from), url(&args.to)) {
        (None, None) => (read("--from", &args.from)?, read("--to", &args.to)?),
        (Some(from), None) => {
            let to = read("--to", &args.to)?;
            (read_live(from, "--from", &to)?, as_created(&to, args.dev_url.as_deref())?)
        }
        (None, Some(to)) => {
            let from = read("--from", &args.from)?;
            (as_created(&from, args.dev_url.as_deref())?, read_live(to, "--to", &from)?)
        }
        (Some(from), Some(to)) => {
            let (mut from, mut to) = (read_database(from, "--from")?, read_database(to, "--to")?);
            let named: BTreeSet<String> = named_roles(&from).chain(named_roles(&to)).collect();
            for side in [&mut from, &mut to] {
                side.roles.retain(|r| named.contains(&r.name));
            }
            (from, to)
        }
    };
    let statements = migrations::statements(&from, &to);
    match args.format {
        // Refused above: a diff is SQL, not diagnostics on lines.
        Format::Human | Format::Github => {
            let title = format!("schema {}: from {} to {}", to.name, shown(&args.from), shown(&args.to));
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

/// The source when it names a database: a URL, or a connection string (`host=... dbname=...`)
/// that is no path. Never repeated in messages: it may hold a password.
fn url(source: &str) -> Option<&str> {
    let is_url = source.starts_with("postgres://") || source.starts_with("postgresql://");
    let conninfo =
        || source.contains('=') && !std::path::Path::new(source).exists() && source.parse::<postgres::Config>().is_ok();
    (is_url || conninfo()).then_some(source)
}

/// A source as the title shows it: a database by its name only.
fn shown(source: &str) -> String {
    match url(source).and_then(|u| u.parse::<postgres::Config>().ok()) {
        Some(config) => format!("database {}", config.get_dbname().unwrap_or("postgres")),
        None => source.to_string(),
    }
}

/// The namespaces of `declared`, read from the databases `connect` makes. Roles are the
/// cluster's, not the database's: only the declared ones are read.
fn introspect(connect: impl FnMut() -> Result<Client, Failure>, declared: &Schema) -> Result<Schema, Failure> {
    let mut read = db::read_namespaces_of(&mut PgCatalogs::connect(connect)?, declared, &[])?;
    read.roles.retain(|r| declared.roles.iter().any(|d| d.name == r.name));
    read.take_upkeep_from(declared);
    Ok(read)
}

/// The roles a database's objects name (grants, default privileges, policies, owners): of
/// the cluster's roles, those that belong to its schema.
fn named_roles(schema: &Schema) -> impl Iterator<Item = String> + '_ {
    let grants = schema.grants.iter().flat_map(|g| &g.to);
    let defaults = schema.default_privileges.iter().flat_map(|d| d.to.iter().chain(&d.for_role));
    let policies = schema.tables.iter().flat_map(|t| t.policies.iter().flat_map(|p| &p.to));
    let owners = schema.namespaces.iter().filter_map(|n| n.owner.as_ref());
    grants.chain(defaults).chain(policies).chain(owners).map(|r| r.name.clone())
}

/// The namespaces `declared` has, read from the database at `url`.
pub fn read_live(url: &str, flag: &str, declared: &Schema) -> Result<Schema, Failure> {
    introspect(|| connect(url, flag), declared)
}

/// `declared` as a database holds it: created in a scratch database and read back.
pub fn as_created(declared: &Schema, dev_url: Option<&str>) -> Result<Schema, Failure> {
    let server = scratch_server(dev_url)?;
    let scratch = Scratch::create(&server, &format!("strata_diff_{}", std::process::id()))?;
    let mut client = scratch.connect()?;
    let empty = migrations::empty(declared);
    let sql = migrations::file("diff", &migrations::statements(&empty, declared));
    let script = Script::of(format!("schema {} as created", declared.name).into(), &sql)?;
    if !db::apply(&mut client, &[script], &format!("schema `{}`", declared.name))? {
        return Err(Failure::Schema);
    }
    introspect(|| scratch.connect(), declared)
}

/// Every user namespace of the database at `url`.
fn read_database(url: &str, flag: &str) -> Result<Schema, Failure> {
    let mut client = connect(url, flag)?;
    crate::reverse::read(&mut client, || connect(url, flag), "database", &[], &Default::default())
}

fn read(flag: &str, source: &str) -> Result<Schema, Failure> {
    let usage = |what: String| Failure::Usage(format!("{flag}: {what}"));
    let path = Path::new(source);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| usage(e.to_string()))?;
        return migrations::read_snapshot(source, &text).map_err(|e| usage(e.to_string()));
    }
    // A folder of migrations, or an output folder holding one: its last snapshot.
    let out = if path.file_name().is_some_and(|n| n == strata_script::folder::MIGRATIONS) {
        path.parent().unwrap_or(path)
    } else {
        path
    };
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
