//! `strata verify`: the declaration against a live database. By default the generated
//! migrations are applied, in one transaction, to a scratch database (on --dev-url, else on a
//! server started for the moment) that is dropped afterwards; with --no-apply the database at
//! --database-url is read as it is. Either way it is read back by the live source and compared.

use postgres::{Client, NoTls};
use strata::live::PgCatalog;
use strata::scratch::Server;
use strata_codegen::model::Schema;
use strata_codegen::source::live;
use strata_codegen::{Compiled, generate, verify};

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
    let compiled = compile_reported(opts, &plan, false)?;
    let target = match (args.no_apply, args.dev_url.clone().or_else(|| env("STRATA_DEV_URL"))) {
        (true, _) => Target::Running(database_url.unwrap_or_default()),
        (false, Some(url)) => {
            Target::Scratch(Box::new(Server::from_url(&url).map_err(|e| no_database("--dev-url", &e))?))
        }
        (false, None) => Target::Scratch(Box::new(Server::scratch().map_err(Failure::Database)?)),
    };
    let mut reports = Vec::new();
    let mut differ = false;
    for (i, (name, c, _)) in compiled.iter().enumerate() {
        let Compiled { schema: Some(schema), sources, .. } = c else { continue };
        let (declared, read) = match &target {
            Target::Running(url) => {
                let mut client = connect(url, "--database-url")?;
                read_back(&mut client, schema)?
            }
            Target::Scratch(server) => {
                let scratch = Scratch::create(server, &format!("strata_verify_{}_{i}", std::process::id()))?;
                let mut client = scratch.connect()?;
                if !apply(&mut client, &plan.out.join(name), schema)? {
                    differ = true;
                    continue;
                }
                read_back(&mut client, schema)?
            }
        };
        let differences = verify::differences(&declared, &read);
        differ |= !differences.is_empty();
        let objects = verify::facts(&declared).len();
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

/// A database created for one schema's verification, dropped with the value.
struct Scratch<'a> {
    server: &'a Server,
    name: String,
}

impl<'a> Scratch<'a> {
    fn create(server: &'a Server, name: &str) -> Result<Scratch<'a>, Failure> {
        let mut admin = server.admin().map_err(|e| no_database("the scratch server", &e))?;
        // One statement each: DROP DATABASE cannot run in the transaction of a multi-statement query.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name} TEMPLATE template0"),
        ] {
            admin.batch_execute(&sql).map_err(|e| {
                no_database("the scratch server", &format!("cannot create a scratch database: {}", message(&e)))
            })?;
        }
        Ok(Scratch { server, name: name.to_string() })
    }

    fn connect(&self) -> Result<Client, Failure> {
        let config = self.server.config(&self.name);
        config.connect(NoTls).map_err(|e| no_database("the scratch database", &message(&e)))
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        if let Ok(mut admin) = self.server.admin() {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

fn connect(url: &str, flag: &str) -> Result<Client, Failure> {
    let config: postgres::Config = url.parse().map_err(|e| Failure::Usage(format!("{flag}: invalid URL: {e}")))?;
    config.connect(NoTls).map_err(|e| no_database(flag, &message(&e)))
}

/// What the server said, or why it could not be reached (`postgres::Error` alone prints
/// only "db error").
fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// The database could not be used; the URL is never repeated (it may hold a password).
fn no_database(which: &str, why: &str) -> Failure {
    Failure::Database(format!("{which}: {why}"))
}

/// Applies every generated migration, in order, in one transaction: each file in one round
/// trip. When PostgreSQL refuses one, nothing is kept, and the statements are run again one at a
/// time (rolled back) to report the refusal at its line of the migration file (as written under
/// `out`). `Ok(false)` when refused.
fn apply(client: &mut Client, out: &std::path::Path, schema: &Schema) -> Result<bool, Failure> {
    let mut migrations: Vec<(String, String)> = generate::files(schema)
        .into_iter()
        .filter(|(path, _)| path.starts_with("migrations/") && path.ends_with("/up.sql"))
        .collect();
    migrations.sort();
    let failed = |e: postgres::Error| no_database("the scratch database", &message(&e));
    let mut tx = client.transaction().map_err(failed)?;
    let whole = migrations.iter().try_for_each(|(_, sql)| tx.batch_execute(sql));
    let Err(refused) = whole else {
        tx.commit().map_err(failed)?;
        return Ok(true);
    };
    tx.rollback().map_err(failed)?;
    let mut tx = client.transaction().map_err(failed)?;
    for (path, sql) in &migrations {
        for (line, statement) in strata_codegen::render::sql::statements_by_line(sql) {
            let Err(e) = tx.batch_execute(statement) else { continue };
            let Some(db) = e.as_db_error() else { return Err(failed(e)) };
            let within = match db.position() {
                Some(postgres::error::ErrorPosition::Original(at)) => {
                    statement.chars().take(*at as usize).filter(|&c| c == '\n').count()
                }
                _ => 0,
            };
            let hint = db.hint().map(|h| format!("\n  hint: {h}")).unwrap_or_default();
            eprintln!("{}:{}: PostgreSQL rejects it: {}{hint}", out.join(path).display(), line + within, db.message());
            eprintln!("error: schema `{}` does not apply; nothing was kept", schema.name);
            return Ok(false);
        }
    }
    // Refused as a whole, accepted statement by statement: the refusal, without its line.
    eprintln!("error: schema `{}` does not apply ({}); nothing was kept", schema.name, message(&refused));
    Ok(false)
}

/// The schema's namespaces read back, with the declaration settled against what was read.
fn read_back(client: &mut Client, schema: &Schema) -> Result<(Schema, Schema), Failure> {
    let namespaces = live::namespaces_of(schema);
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    let read = live::introspect(&mut PgCatalog(client), &schema.name, &namespaces)
        .map_err(|e| no_database("reading the catalog", &e))?;
    let mut declared = schema.clone();
    verify::settle(&mut PgCatalog(client), &mut declared, &read);
    Ok((declared, read))
}
