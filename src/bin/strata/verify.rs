//! `strata verify`: the declaration against a live database. By default the generated
//! migrations are applied, a batch of statements per round trip, to a scratch database (on --dev-url, else on a
//! server started for the moment) that is dropped afterwards; with --no-apply the database at
//! --database-url is read as it is. Either way it is read back by the live source and compared.

use postgres::Client;
use strata::live::PgCatalogs;
use strata::scratch::Server;
use strata_codegen::model::Schema;
use strata_codegen::{Compiled, migrations, verify};

use crate::db::{self, Scratch, Script, connect, scratch_server};
use crate::{Failure, Format, VerifyArgs, compile_reported};

pub fn run(args: &VerifyArgs) -> Result<(), Failure> {
    let opts = &args.options;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let database_url = args.database_url.clone().or_else(|| env("DATABASE_URL"));
    if args.no_apply && database_url.is_none() {
        return Err(Failure::Usage("--no-apply compares a running database: give --database-url URL".into()));
    }
    if args.database_url.is_some() && !args.no_apply {
        return Err(Failure::Usage(
            "verify applies migrations only to a scratch database it creates; to compare the database at \
             --database-url as it is, add --no-apply"
                .into(),
        ));
    }
    let plan = opts.plan()?;
    let compiled = compile_reported(opts, &crate::systems(opts, &plan)?, false)?;
    let target = match args.no_apply {
        true => Target::Running(database_url.unwrap_or_default()),
        false => Target::Scratch(Box::new(scratch_server(args.dev_url.as_deref())?)),
    };
    let mut reports = Vec::new();
    let mut differ = false;
    for (i, (name, c, _)) in compiled.iter().enumerate() {
        let Compiled { schema: Some(schema), sources, .. } = c else { continue };
        let (declared, read) = match &target {
            Target::Running(url) => read_back(|| connect(url, "--database-url"), schema)?,
            Target::Scratch(server) => {
                let scratch = Scratch::create(server, &format!("strata_verify_{}_{i}", std::process::id()))?;
                let mut client = scratch.connect()?;
                if !apply(&mut client, || scratch.connect(), &plan.out.join(name), schema)? {
                    differ = true;
                    continue;
                }
                read_back(|| scratch.connect(), schema)?
            }
        };
        let (differences, objects) = verify::compare(&declared, &read);
        differ |= !differences.is_empty();
        match opts.format {
            Format::Human if differences.is_empty() => {
                println!(
                    "verify {name}: the database holds the {objects} declared objects, and nothing else in their namespaces"
                )
            }
            Format::Human => {
                println!("verify {name}: {} difference(s)", differences.len());
                print!("{}", verify::render(&differences, sources));
            }
            Format::Github => {
                eprintln!("verify {name}: {} difference(s)", differences.len());
                print!("{}", verify::to_github(&differences, sources));
            }
            Format::Json => reports.push(serde_json::json!({
                "schema": name,
                "objects": objects,
                "differences": verify::to_json(&differences, sources),
            })),
        }
    }
    if opts.format == Format::Json {
        println!("{}", serde_json::Value::Array(reports));
    }
    if differ { Err(Failure::Schema) } else { Ok(()) }
}

/// Where the schema is read from.
enum Target {
    /// A running database, compared as it is.
    Running(String),
    /// A server to create scratch databases on.
    Scratch(Box<Server>),
}

/// Applies the migrations under `out` in order (see `db::apply`), or the first one when there are
/// none yet: the chain must lead to the schema. Refusals are reported at their line of the
/// migration file; after each migration written by hand, the database is read back (over
/// connections `connect` makes) and must still hold the model before it. `Ok(false)` when
/// refused or changed; a schema that changed since the last migration is an error that says so.
fn apply(
    client: &mut Client,
    connect: impl Fn() -> Result<Client, Failure>,
    out: &std::path::Path,
    schema: &Schema,
) -> Result<bool, Failure> {
    let failed = |e: migrations::ChainError| {
        eprintln!("error: {}: {e}", out.display());
        Failure::Schema
    };
    let existing = strata_codegen::io::read_migrations(out).map_err(|e| Failure::Usage(e.to_string()))?;
    let history = migrations::History::of(existing).map_err(failed)?;
    let mut hand_written = history.hand_written().map_err(failed)?;
    for (_, model) in &mut hand_written {
        model.ignore = schema.ignore.clone();
    }
    let ups = migrations::ups(schema, history, Default::default()).map_err(failed)?;
    for (path, sql) in &ups {
        let script = Script::of(out.join(path), sql)?;
        if !db::apply(client, &[script], &format!("schema `{}`", schema.name))? {
            return Ok(false);
        }
        let Some((dir, model)) = hand_written
            .iter()
            .find(|(dir, _)| path.starts_with(&format!("{}/{dir}/", strata_script::folder::MIGRATIONS)))
        else {
            continue;
        };
        let (declared, read) = read_back(&connect, model)?;
        let (differences, _) = verify::compare(&declared, &read);
        if !differences.is_empty() {
            eprintln!(
                "error: {}/{dir} is written by hand and changes the schema behind the declaration's back \
                 ({} difference(s) from the model before it); make schema changes in the schema and generate them",
                out.display(),
                differences.len()
            );
            eprint!("{}", verify::render(&differences, &Default::default()));
            return Ok(false);
        }
    }
    Ok(true)
}

/// The schema's namespaces read back (over several connections made by `connect`), with the
/// declaration settled against what was read.
pub fn read_back(
    connect: impl FnMut() -> Result<Client, Failure>,
    schema: &Schema,
) -> Result<(Schema, Schema), Failure> {
    read_back_in(connect, schema, &[])
}

/// `read_back`, reading the namespaces of `also` too (where a migration rolled back made
/// objects that must be gone).
pub fn read_back_in(
    connect: impl FnMut() -> Result<Client, Failure>,
    schema: &Schema,
    also: &[String],
) -> Result<(Schema, Schema), Failure> {
    let mut catalogs = PgCatalogs::connect(connect)?;
    let read = db::read_namespaces_of(&mut catalogs, schema, also)?;
    let mut declared = schema.clone();
    verify::settle(&mut catalogs, &mut declared, &read);
    Ok((declared, read))
}
