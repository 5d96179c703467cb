//! `strata apply`: the dev loop without migration files (Drizzle's `push`, Atlas's `schema
//! apply`). The declaration is diffed with the database as it is (both spelled as the catalog
//! prints them, as `strata diff` does), the plan is printed with each statement's hazards, and
//! it runs once confirmed; a plan that deletes data is refused unless allowed. The database is
//! then read back and must hold the declaration. The migration record is not touched: `strata
//! migrate reset` takes a development database back to the chain.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use strata_codegen::diff::Hazard;
use strata_codegen::{Compiled, migrations, verify};

use crate::db::{self, Script, connect};
use crate::diff::{as_created, read_live};
use crate::{Failure, Options, compile_reported};

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    options: Options,
    /// The development database to change [default: the DATABASE_URL environment variable].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// A server strata may create a scratch database on, where the declaration is created and
    /// read back to be compared [default: STRATA_DEV_URL, else a server strata starts].
    #[arg(long, value_name = "URL")]
    dev_url: Option<String>,
    /// Run a plan that deletes data (drops a table or a column, removes a union value).
    #[arg(long)]
    allow_data_loss: bool,
    /// Print the plan; run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run the plan without asking (for scripts; without a terminal, apply asks for it).
    #[arg(long, short = 'y')]
    yes: bool,
}

pub fn run(args: &ApplyArgs) -> Result<(), Failure> {
    let opts = &args.options;
    let url = args.database_url.clone().or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()));
    let url = url.ok_or_else(|| Failure::Usage("apply needs a database: give --database-url URL".into()))?;
    let plan = opts.plan()?;
    let compiled = compile_reported(opts, &crate::systems(opts, &plan)?, false)?;
    let schema = match compiled.as_slice() {
        [(_, Compiled { schema: Some(schema), .. }, _)] => schema,
        [(_, Compiled { schema: None, .. }, _)] => return Err(Failure::Schema),
        [] => return Err(Failure::Usage("no schema to apply".into())),
        several => {
            let names: Vec<&str> = several.iter().map(|(name, ..)| name.as_str()).collect();
            return Err(Failure::Usage(format!("several schemas ({}): give --schema NAME", names.join(", "))));
        }
    };
    let mut declared = as_created(schema, args.dev_url.as_deref())?;
    declared.ignore = schema.ignore.clone();
    let held = read_live(&url, "--database-url", &declared)?;
    let statements = migrations::statements(&held, &declared);
    if statements.is_empty() {
        eprintln!("apply {}: the database holds the schema already; nothing to do", schema.name);
        return Ok(());
    }
    let file = migrations::file(&format!("schema {}: apply", schema.name), &statements);
    print!("{file}");
    let deleting: Vec<&str> = statements
        .iter()
        .filter(|s| s.hazards.contains(&Hazard::DeletesData))
        .map(|s| s.description.as_str())
        .collect();
    if !deleting.is_empty() && !args.allow_data_loss {
        eprintln!(
            "error: the plan deletes data; nothing was run:\n  {}\nback it up first, then give --allow-data-loss",
            deleting.join("\n  ")
        );
        return Err(Failure::Schema);
    }
    if args.dry_run {
        eprintln!("apply {}: {} statement(s) would run (--dry-run)", schema.name, statements.len());
        return Ok(());
    }
    if !args.yes && !confirmed(statements.len())? {
        eprintln!("apply {}: nothing was run", schema.name);
        return Err(Failure::Schema);
    }
    let mut client = connect(&url, "--database-url")?;
    let migrated = client.query_one("SELECT to_regclass('strata.migrations') IS NOT NULL", &[]);
    if migrated.is_ok_and(|row| row.get(0)) {
        eprintln!(
            "warning: the database has a migration record: after apply it is at no migration of the chain; \
             `strata migrate reset` puts a development database back on it"
        );
    }
    let script = Script::of("apply plan".into(), &file)?;
    if !db::apply(&mut client, &[script], &format!("the plan for schema `{}`", schema.name))? {
        eprintln!("apply {}: the statements before it ran; fix the cause and apply again", schema.name);
        return Err(Failure::Schema);
    }
    // Read back: the database must now hold the declaration, as the scratch database did.
    let now = read_live(&url, "--database-url", &declared)?;
    let (differences, objects) = verify::compare(&declared, &now);
    if !differences.is_empty() {
        eprintln!("apply {}: the plan ran, but {} difference(s) remain:", schema.name, differences.len());
        print!("{}", verify::render(&differences, &Default::default()));
        return Err(Failure::Schema);
    }
    eprintln!(
        "apply {}: ran {} statement(s); the database holds the {objects} declared objects",
        schema.name,
        statements.len()
    );
    Ok(())
}

/// Asks on the terminal; without one, refuses to guess.
fn confirmed(statements: usize) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage("apply asks before it runs the plan: give --yes to run it without asking".into()));
    }
    eprint!("run these {statements} statement(s)? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| Failure::Usage(format!("stdin: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
