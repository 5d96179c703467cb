//! `strata migrate up | down | status | redo | baseline | resolve | reset`: the runtime's
//! `Migrator` over a folder of generated migrations, against the database at `--database-url`
//! (or DATABASE_URL). What only records (baseline, resolve) is recorded only once the database
//! is read back and found to hold the model it claims (`holds`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use strata::migrate::{self, Down, Migrator};
use strata_codegen::model::{Ignore, Schema};
use strata_codegen::project::{self, Project};
use strata_codegen::source::live;
use strata_codegen::{lint, migrations, verify};

use crate::Failure;
use crate::db::{config, connect, no_database};

#[derive(Args)]
pub struct MigrateArgs {
    #[command(subcommand)]
    action: Action,
    /// The migrations folder [default: <out>/<schema>/migrations, the project's out folder].
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The schema whose migrations run (needed unless --dir is given or the project has one).
    #[arg(long, global = true, value_name = "NAME")]
    schema: Option<String>,
    /// The database [default: the DATABASE_URL environment variable].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Print what would run, in order, with each statement's hazards; run nothing.
    #[arg(long, global = true)]
    dry_run: bool,
    /// How long a statement waits for a lock before its migration gives up and is retried
    /// (a migration generated with its own timeout uses that).
    #[arg(long, global = true, value_name = "SECONDS", default_value = "10", value_parser = crate::seconds)]
    lock_timeout: Duration,
    /// How long any statement may run [default: no limit, unless the migration sets one].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = crate::seconds)]
    statement_timeout: Option<Duration>,
    /// Where the record of applied migrations is kept.
    #[arg(long, global = true, value_name = "NAMESPACE.TABLE", default_value = "strata.migrations")]
    record: String,
    /// Apply a pending migration older than the newest applied one instead of refusing.
    #[arg(long, global = true)]
    allow_out_of_order: bool,
    /// Undo migrations whose down deletes data (drops a table that has rows, or a column with
    /// values in it); without it, such a down is refused with what it would delete.
    #[arg(long, global = true)]
    allow_data_loss: bool,
    /// The project file naming the output folder.
    #[arg(long, global = true, value_name = "FILE", default_value = project::FILE)]
    project: PathBuf,
}

#[derive(Subcommand)]
enum Action {
    /// Apply the pending migrations, oldest first.
    Up {
        /// Stop after this version.
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
    /// Undo applied migrations, newest first: the newest one unless --to or --steps says.
    Down {
        /// Undo every migration after this version (0: all).
        #[arg(long, value_name = "VERSION", conflicts_with = "steps")]
        to: Option<i64>,
        /// Undo this many.
        #[arg(long, value_name = "N")]
        steps: Option<usize>,
    },
    /// List applied and pending migrations and what is wrong (exit 1 when anything is).
    Status,
    /// Undo the newest migration and apply it again.
    Redo,
    /// Record the migrations up to a version as applied without running them, once the
    /// database is proven to hold that version's model (the verify comparison); otherwise print
    /// the differences and record nothing. For a database made before strata, or restored from
    /// a dump of that version.
    Baseline {
        /// The version the database is at [default: the newest migration].
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
    /// Mark a migration that stopped part-way (`status` says interrupted or undoing) as applied
    /// or as rolled back, once the database was repaired by hand. Recorded only when the
    /// database holds that version's model (--applied) or the one before it (--rolled-back);
    /// otherwise the differences are printed and nothing is recorded.
    Resolve {
        /// The version whose every statement is now in the database.
        #[arg(long, value_name = "VERSION", conflicts_with = "rolled_back", required_unless_present = "rolled_back")]
        applied: Option<i64>,
        /// The version none of whose statements is left in the database: `up` runs it again.
        #[arg(long, value_name = "VERSION")]
        rolled_back: Option<i64>,
    },
    /// Drop what the database holds in the schema's namespaces, and the record, then apply every
    /// migration from the first: a development database back on the chain (after `strata
    /// apply`, or another branch's migrations). Refused when a table holds rows, unless
    /// --allow-data-loss.
    Reset,
}

pub fn run(args: &MigrateArgs) -> Result<(), Failure> {
    let migrator = args.migrator()?;
    let url = args.database_url.clone().or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()));
    let url = url.ok_or_else(|| Failure::Usage("migrate needs a database: give --database-url URL".into()))?;
    let mut client = connect(&url, "--database-url")?;
    let migrator = migrator.cluster_lock(config(&url, "--database-url")?);
    let status = migrator.status(&mut client).map_err(failed)?;
    if let Action::Status = args.action {
        return print_status(&migrator, &status);
    }
    match args.action {
        Action::Baseline { to } => {
            return baseline(&migrator, &args.folder()?, &args.ignore(), &url, &mut client, to, args.dry_run);
        }
        Action::Resolve { applied, rolled_back } => {
            let how = match (applied, rolled_back) {
                (Some(version), _) => (version, migrate::Resolution::Applied),
                (None, Some(version)) => (version, migrate::Resolution::RolledBack),
                (None, None) => unreachable!("clap requires one"),
            };
            let (folder, ignore) = (args.folder()?, args.ignore());
            return resolve(&migrator, &status, (&folder, &ignore), &url, &mut client, how, args.dry_run);
        }
        Action::Reset => {
            let (folder, ignore) = (args.folder()?, args.ignore());
            return reset(&migrator, (&folder, &ignore), &url, &mut client, args);
        }
        _ => {}
    }
    if args.dry_run {
        return dry_run(&migrator, &status, &args.action);
    }
    if !args.allow_data_loss {
        refuse_data_loss(&mut client, &undone(&migrator, &status, &args.action))?;
    }
    let done = match args.action {
        Action::Up { to } => migrator.up(&mut client, to),
        Action::Down { to, steps } => {
            let how_far = match (to, steps) {
                (Some(to), _) => Down::To(to),
                (None, steps) => Down::Steps(steps.unwrap_or(1)),
            };
            migrator.down(&mut client, how_far)
        }
        // The newest applied one, again, and nothing after it.
        Action::Redo => migrator.down(&mut client, Down::Steps(1)).and_then(|mut done| {
            let redone = migrator.up(&mut client, status.applied.last().map(|a| a.version))?;
            done.extend(redone);
            Ok(done)
        }),
        Action::Status | Action::Baseline { .. } | Action::Resolve { .. } | Action::Reset => {
            unreachable!("answered above")
        }
    }
    .map_err(failed)?;
    if done.is_empty() {
        eprintln!("nothing to do: the database is at the newest migration");
    }
    for d in &done {
        let verb = if d.undone { "undid" } else { "ran" };
        eprintln!("{verb} {} ({} ms)", d.migration, d.duration.as_millis());
    }
    Ok(())
}

/// Refuses (running nothing) when the downs of `migrations` would delete data the database
/// holds now: a dropped table with rows, a dropped column with a value in some row. A table
/// that does not exist yet (an earlier down would create it) holds nothing.
fn refuse_data_loss(client: &mut postgres::Client, migrations: &[&migrate::Migration]) -> Result<(), Failure> {
    let mut lost = Vec::new();
    for m in migrations {
        let deletes = lint::deletes(&m.down).map_err(|e| Failure::Usage(format!("{}/down.sql: {e}", m.dir())))?;
        for d in deletes {
            let (what, query) = match &d {
                lint::Deletes::Table(t) => (format!("table {t}"), format!("SELECT FROM {t}")),
                lint::Deletes::Column { table, column } => {
                    (format!("column {table}.{column}"), format!("SELECT FROM {table} WHERE {column} IS NOT NULL"))
                }
            };
            // Counted up to a bound: the message says how much, without reading a huge table.
            let counted = format!("SELECT count(*) FROM ({query} LIMIT {}) AS held", LOST_ROWS_SHOWN + 1);
            if let Ok(row) = client.query_one(&counted, &[]) {
                let rows: i64 = row.get(0);
                if rows > 0 {
                    let many = if rows > LOST_ROWS_SHOWN { "more than " } else { "" };
                    let held = if matches!(d, lint::Deletes::Table(_)) { "rows" } else { "rows with a value" };
                    lost.push(format!("  {} drops {what}: {many}{} {held}", m.dir(), rows.min(LOST_ROWS_SHOWN)));
                }
            }
        }
    }
    if lost.is_empty() {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "undoing would delete data; nothing was run:\n{}\nback it up first, then give --allow-data-loss to undo anyway",
        lost.join("\n")
    )))
}

/// How many rows a refusal counts before it says "more than".
const LOST_ROWS_SHOWN: i64 = 1_000_000;

/// The applied migrations `action` undoes, newest first.
fn undone<'m>(migrator: &'m Migrator, status: &migrate::Status, action: &Action) -> Vec<&'m migrate::Migration> {
    let mut applied: Vec<_> =
        migrator.migrations().iter().filter(|m| status.applied.iter().any(|a| a.version == m.version)).rev().collect();
    match action {
        Action::Down { to: Some(to), .. } => applied.retain(|m| m.version > *to),
        Action::Down { steps, .. } => applied.truncate(steps.unwrap_or(1)),
        Action::Redo => applied.truncate(1),
        Action::Up { .. } | Action::Status | Action::Baseline { .. } | Action::Resolve { .. } | Action::Reset => {
            applied.clear()
        }
    }
    applied
}

/// `migrate baseline`: the database read back and compared with the model of the migration
/// it is said to be at; recorded only when nothing differs (with `dry_run`, never).
pub fn baseline(
    migrator: &Migrator,
    folder: &Path,
    ignore: &Ignore,
    url: &str,
    client: &mut postgres::Client,
    to: Option<i64>,
    dry_run: bool,
) -> Result<(), Failure> {
    let newest = migrator.migrations().last().map(|m| m.version);
    let to = to.or(newest).ok_or_else(|| Failure::Usage("the migrations folder holds no migration".into()))?;
    let Some(m) = migrator.migrations().iter().find(|m| m.version == to) else {
        return Err(failed(migrate::Error::NoSuchVersion(to)));
    };
    let model = model_of(folder, m, ignore)?;
    let objects = holds(url, client, &model, &model, &format!("baseline: the database is not at {}", m.dir()))?;
    if dry_run {
        for m in migrator.migrations().iter().filter(|m| m.version <= to) {
            println!("-- would record {} as applied (not run)", m.dir());
        }
        return Ok(());
    }
    for d in migrator.baseline(client, to).map_err(failed)? {
        eprintln!("recorded {} as applied (not run)", d.migration);
    }
    eprintln!(
        "baseline: the database holds the {objects} objects of {}, and nothing else in their namespaces",
        m.dir()
    );
    Ok(())
}

/// `migrate resolve`: an interrupted migration recorded as applied (the database holds its
/// model) or rolled back (the database holds the model before it, and nothing it made).
fn resolve(
    migrator: &Migrator,
    status: &migrate::Status,
    (folder, ignore): (&Path, &Ignore),
    url: &str,
    client: &mut postgres::Client,
    (version, how): (i64, migrate::Resolution),
    dry_run: bool,
) -> Result<(), Failure> {
    let migrations = migrator.migrations();
    let at = migrations.iter().position(|m| m.version == version);
    let Some(at) = at else { return Err(failed(migrate::Error::NoSuchVersion(version))) };
    let m = &migrations[at];
    // Said before reading the database: the runner checks it again under its lock.
    if !status.applied.iter().any(|a| a.version == version && a.stopped()) {
        return Err(failed(migrate::Error::NotInterrupted(m.dir())));
    }
    let model = model_of(folder, m, ignore)?;
    let (expected, what) = match how {
        migrate::Resolution::Applied => (model.clone(), "applied"),
        migrate::Resolution::RolledBack => match at.checked_sub(1) {
            Some(before) => (model_of(folder, &migrations[before], ignore)?, "rolled back"),
            None => {
                let mut empty = migrations::empty(&model);
                empty.ignore = ignore.clone();
                (empty, "rolled back")
            }
        },
    };
    let not = format!("resolve: {} is not {what}: the database differs from what that leaves", m.dir());
    holds(url, client, &expected, &model, &not)?;
    if dry_run {
        println!("-- would record {} as {what}", m.dir());
        return Ok(());
    }
    let done = migrator.resolve(client, version, how).map_err(failed)?;
    match how {
        migrate::Resolution::Applied => eprintln!("recorded {} as applied", done.migration),
        migrate::Resolution::RolledBack => {
            eprintln!("recorded {} as rolled back: `strata migrate up` runs it again", done.migration)
        }
    }
    Ok(())
}

/// `migrate reset`: what the schema's namespaces hold dropped (as the differ drops it, so
/// `public` and roles stay), the record dropped, and every migration applied from the first.
fn reset(
    migrator: &Migrator,
    (folder, ignore): (&Path, &Ignore),
    url: &str,
    client: &mut postgres::Client,
    args: &MigrateArgs,
) -> Result<(), Failure> {
    let newest = migrator
        .migrations()
        .last()
        .ok_or_else(|| Failure::Usage("the migrations folder holds no migration".into()))?;
    let model = model_of(folder, newest, ignore)?;
    let (_, mut held) = crate::verify::read_back(|| connect(url, "--database-url"), &model)?;
    // Roles are the cluster's: other databases may use them.
    held.roles.clear();
    let drops = migrations::statements(&held, &migrations::empty(&held));
    if !args.allow_data_loss {
        let full = tables_with_rows(client, &held)?;
        if !full.is_empty() {
            return Err(Failure::Usage(format!(
                "reset would delete the rows of {}; nothing was run: back them up first, then give --allow-data-loss",
                full.join(", ")
            )));
        }
    }
    let record = args.record_name()?;
    let sql = format!(
        "{}\n-- The record of applied migrations\nDROP TABLE IF EXISTS {record};\n",
        migrations::file("reset: drop what the database holds", &drops)
    );
    if args.dry_run {
        print!("{sql}");
        for m in migrator.migrations() {
            println!("-- would apply {}", m.dir());
        }
        return Ok(());
    }
    let script = crate::db::Script::of("reset".into(), &sql)?;
    if !crate::db::apply(client, &[script], "the reset")? {
        return Err(Failure::Schema);
    }
    eprintln!("dropped {} object(s) and the record", drops.len());
    for d in migrator.up(client, None).map_err(failed)? {
        eprintln!("ran {} ({} ms)", d.migration, d.duration.as_millis());
    }
    Ok(())
}

/// The tables of `schema` that hold a row in the database.
fn tables_with_rows(client: &mut postgres::Client, schema: &Schema) -> Result<Vec<String>, Failure> {
    let mut full = Vec::new();
    for t in &schema.tables {
        let name = t.qname().to_string();
        let query = format!("SELECT EXISTS (SELECT FROM {})", strata_codegen::sql::qualified(&t.namespace, &t.name));
        let row = client
            .query_one(&query, &[])
            .map_err(|e| crate::db::no_database("--database-url", &crate::db::message(&e)))?;
        if row.get(0) {
            full.push(name);
        }
    }
    Ok(full)
}

/// The model a migration leads to (its snapshot), read from databases leaving out `ignore`
/// (which a snapshot does not hold).
fn model_of(folder: &Path, m: &migrate::Migration, ignore: &Ignore) -> Result<Schema, Failure> {
    let snapshot = folder.join(m.dir()).join(strata_script::folder::MODEL);
    let text = std::fs::read_to_string(&snapshot)
        .map_err(|e| Failure::Usage(format!("{}: {e} (generate writes it)", snapshot.display())))?;
    let mut model = migrations::read_snapshot(&m.dir(), &text).map_err(|e| Failure::Usage(e.to_string()))?;
    model.ignore = ignore.clone();
    Ok(model)
}

/// The number of objects of `model` when the database at `url` holds it and nothing else in its
/// namespaces and those of `also` (the verify comparison), with no index left INVALID by an
/// interrupted concurrent build. Otherwise `not` and the differences are printed: exit 1.
fn holds(url: &str, client: &mut postgres::Client, model: &Schema, also: &Schema, not: &str) -> Result<usize, Failure> {
    let also = live::namespaces_of(also);
    let (declared, read) = crate::verify::read_back_in(|| connect(url, "--database-url"), model, &also)?;
    let (differences, objects) = verify::compare(&declared, &read);
    let mut namespaces = live::namespaces_of(model);
    namespaces.extend(also);
    let invalid: Vec<String> = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = ANY($1) ORDER BY 1",
            &[&namespaces],
        )
        .map_err(|e| crate::db::no_database("--database-url", &crate::db::message(&e)))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if differences.is_empty() && invalid.is_empty() {
        return Ok(objects);
    }
    eprintln!("{not}: {} difference(s); nothing was recorded", differences.len() + invalid.len());
    print!("{}", verify::render(&differences, &Default::default()));
    for index in invalid {
        println!(
            "[!] index {index} is INVALID (an interrupted CREATE INDEX CONCURRENTLY left it): \
             DROP INDEX CONCURRENTLY {index}, then build it again if the migration should have"
        );
    }
    Err(Failure::Schema)
}

impl MigrateArgs {
    /// The migrations folder: --dir, else the schema's under the project's out folder.
    fn folder(&self) -> Result<PathBuf, Failure> {
        Ok(match (&self.dir, &self.schema) {
            (Some(dir), _) => dir.clone(),
            (None, schema) => {
                let out = self.project()?.out;
                let schema = match schema {
                    Some(s) => s.clone(),
                    None => only_schema(&out)?,
                };
                out.join(schema).join(strata_script::folder::MIGRATIONS)
            }
        })
    }

    /// The project file, or the defaults when there is none.
    fn project(&self) -> Result<Project, Failure> {
        match std::fs::read_to_string(&self.project) {
            Ok(text) => Project::parse(&self.project, &text).map_err(Failure::Usage),
            Err(_) => Ok(Project::default()),
        }
    }

    /// The `[schema.ignore]` of the project's declaration of this schema (snapshots do not hold
    /// it): none when the project has no such schema folder, or it does not compile.
    fn ignore(&self) -> Ignore {
        let Ok(folder) = self.folder() else { return Ignore::default() };
        let name = self.schema.clone().or_else(|| Some(folder.parent()?.file_name()?.to_string_lossy().into_owned()));
        let schemas = self.project().map(|p| p.schemas).unwrap_or_default();
        let Some(dir) = name.map(|n| schemas.join(n)).filter(|d| d.is_dir()) else { return Ignore::default() };
        let compiled = strata_codegen::io::compile_folder(&dir).ok().and_then(|c| c.schema);
        compiled.map(|s| s.ignore).unwrap_or_default()
    }

    /// The record table, quoted (`--record NAMESPACE.TABLE`).
    fn record_name(&self) -> Result<String, Failure> {
        let (namespace, table) = record_table(&self.record)?;
        Ok(strata_codegen::sql::qualified(namespace, table))
    }

    fn migrator(&self) -> Result<Migrator, Failure> {
        let dir = self.folder()?;
        Ok(folder_migrator(&dir, &self.record)?
            .lock_timeout(self.lock_timeout)
            .statement_timeout(self.statement_timeout)
            .allow_out_of_order(self.allow_out_of_order))
    }
}

/// The migrations of `dir`, recorded in `record` (`--record NAMESPACE.TABLE`).
pub fn folder_migrator(dir: &std::path::Path, record: &str) -> Result<Migrator, Failure> {
    let (namespace, table) = record_table(record)?;
    Ok(Migrator::from_dir(dir).map_err(|e| Failure::Usage(e.to_string()))?.record_in(namespace, table))
}

/// `--record NAMESPACE.TABLE` as (namespace, table).
fn record_table(record: &str) -> Result<(&str, &str), Failure> {
    record.split_once('.').ok_or_else(|| Failure::Usage(format!("--record {record}: give NAMESPACE.TABLE")))
}

/// The one schema folder under `out` that has migrations.
fn only_schema(out: &std::path::Path) -> Result<String, Failure> {
    let with_migrations: Vec<String> = std::fs::read_dir(out)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join(strata_script::folder::MIGRATIONS).is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    match with_migrations.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Failure::Usage(format!("{} holds no migrations: give --dir", out.display()))),
        several => {
            Err(Failure::Usage(format!("several schemas have migrations ({}): give --schema NAME", several.join(", "))))
        }
    }
}

fn failed(e: migrate::Error) -> Failure {
    match e {
        // The server was reached and refused (a permission, say): the run failed, exit 1.
        migrate::Error::Db(e) if e.as_db_error().is_some() => {
            eprintln!("error: --database-url: {}", migrate::describe(&e));
            Failure::Schema
        }
        migrate::Error::Db(e) => no_database("--database-url", &migrate::describe(&e)),
        migrate::Error::Folder(why) => Failure::Usage(why),
        other => {
            eprintln!("error: {other}");
            Failure::Schema
        }
    }
}

fn print_status(migrator: &Migrator, status: &migrate::Status) -> Result<(), Failure> {
    for a in &status.applied {
        let state = match (a.steps_done, a.down_steps_done) {
            (Some(_), _) => "interrupted",
            (_, Some(_)) => "undoing",
            _ => "applied",
        };
        println!(
            "{state:<11} {:04}_{}  {} by {} ({} ms)",
            a.version, a.name, a.applied_at, a.applied_by, a.duration_ms
        );
    }
    for m in migrator.migrations().iter().filter(|m| status.pending.contains(&m.version)) {
        if !status.applied.iter().any(|a| a.version == m.version) {
            println!("{:<11} {}", "pending", m.dir());
        }
    }
    for p in &status.problems {
        eprintln!("error: {p}");
    }
    // A migration whose first steps committed and whose next one failed is half applied:
    // `up` resumes it, but the database is not at any version until then.
    let mut interrupted = false;
    for a in status.applied.iter().filter(|a| a.steps_done.is_some()) {
        interrupted = true;
        eprintln!(
            "error: {:04}_{} is interrupted: {} of its steps are done, the rest not; fix what stopped it, then \
             `strata migrate up` resumes it",
            a.version,
            a.name,
            a.steps_done.unwrap_or_default()
        );
    }
    if status.problems.is_empty() && !interrupted { Ok(()) } else { Err(Failure::Schema) }
}

fn dry_run(migrator: &Migrator, status: &migrate::Status, action: &Action) -> Result<(), Failure> {
    for p in &status.problems {
        eprintln!("error: {p}");
    }
    if !status.problems.is_empty() {
        return Err(Failure::Schema);
    }
    let downs = undone(migrator, status, action);
    let ups = match action {
        Action::Up { to } => migrator.pending(status, *to),
        Action::Redo => downs.clone(),
        _ => vec![],
    };
    for m in downs {
        println!("-- would undo {}\n{}", m.dir(), m.down);
    }
    for m in ups {
        println!("-- would apply {}\n{}", m.dir(), m.up);
    }
    Ok(())
}
