//! `strata pull` and `strata import`: a database, or a SQL script applied to a scratch database
//! (PostgreSQL is the parser), read by the live source and written as a schema folder by the
//! TOML target. Nothing is written unless all of it succeeded and the files compile.

use std::path::{Path, PathBuf};

use clap::Args;
use postgres::Client;
use strata::live::PgCatalogs;
use strata::script::Statement;
use strata_codegen::model::{IGNORE_KINDS, Ignore, PUBLIC, Schema, glob};
use strata_codegen::source::{self, live};
use strata_codegen::{io, render};
use strata_script::{self as script, Piece};

use crate::Failure;
use crate::confined::Confined;
use crate::db::{connect, message, no_database, scratch_server};

/// Where the folder goes and what it holds.
#[derive(Args)]
pub struct Output {
    /// The schema folder to write (refused when it exists and is not empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A namespace to read; repeatable, the first is the schema's default [default: every
    /// namespace that is neither PostgreSQL's nor an extension's, `public` first].
    #[arg(long = "namespace", value_name = "NAME")]
    pub namespaces: Vec<String>,
    /// The system's name [default: the name of the --out folder].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Objects the schema leaves to others, not read: KIND:PATTERN, KIND one of namespaces,
    /// relations, indexes, functions, roles, extensions; `*` and `?` in PATTERN (`indexes:hotfix_*`).
    /// Repeatable; written to `[schema.ignore]`, so verify, diff and apply leave them alone too.
    #[arg(long = "ignore", value_name = "KIND:PATTERN")]
    pub ignore: Vec<String>,
}

#[derive(Args)]
pub struct PullArgs {
    #[command(flatten)]
    output: Output,
    /// The database to read [default: the DATABASE_URL environment variable].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The SQL script: pg_dump --schema-only output, a Rails structure.sql, hand-written DDL.
    file: PathBuf,
    #[command(flatten)]
    output: Output,
    /// A server strata may create a scratch database on (and drop it after) [default: the
    /// STRATA_DEV_URL environment variable, else a server strata starts].
    #[arg(long, value_name = "URL", conflicts_with = "offline")]
    dev_url: Option<String>,
    /// Read the script with sqlparser instead of a server: no database needed, but only the
    /// statements sqlparser and this reader understand; each other one is reported at its line.
    #[arg(long)]
    offline: bool,
}

pub fn pull(args: &PullArgs) -> Result<(), Failure> {
    let url = args.database_url.clone().or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()));
    let url = url.ok_or_else(|| Failure::Usage("pull reads a database: give --database-url URL".into()))?;
    pull_into(&args.output, &url)
}

/// The database at `url` written as the schema folder `output` says.
pub fn pull_into(output: &Output, url: &str) -> Result<(), Failure> {
    let name = output.check()?;
    let mut client = connect(url, "--database-url")?;
    let ignore = output.ignore()?;
    let schema = read(&mut client, || connect(url, "--database-url"), &name, &output.namespaces, &ignore)?;
    output.write(&schema)
}

pub fn import(args: &ImportArgs) -> Result<(), Failure> {
    let name = args.output.check()?;
    let file = &args.file;
    let sql = std::fs::read_to_string(file).map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
    if args.offline {
        return import_offline(args, &name, &sql);
    }
    let statements = statements(file, &sql)?;
    let server = scratch_server(args.dev_url.as_deref())?;
    let confined = Confined::create(&server, &format!("strata_import_{}", std::process::id()))?;
    if !confined.apply(file, &statements, &file.display().to_string())? {
        return Err(Failure::Schema);
    }
    let mut client = confined.connect()?;
    let ignore = args.output.ignore()?;
    let schema = read(&mut client, || confined.connect(), &name, &args.output.namespaces, &ignore)?;
    args.output.write(&schema)
}

/// `import --offline`: the script read by the SQL source; every statement it cannot read is
/// reported, and then nothing is written.
fn import_offline(args: &ImportArgs, name: &str, sql: &str) -> Result<(), Failure> {
    let namespace = match args.output.namespaces.as_slice() {
        [] => PUBLIC,
        [one] => one.as_str(),
        _ => {
            return Err(Failure::Usage(
                "--offline reads every namespace of the script: give at most one --namespace, its default".into(),
            ));
        }
    };
    let ignore = args.output.ignore()?;
    match source::sql::import(name, namespace, sql) {
        Ok(mut schema) => {
            ignore.remove_from(&mut schema);
            schema.ignore = ignore;
            args.output.write(&schema)
        }
        Err(unread) => {
            let file = args.file.display();
            for u in &unread {
                eprintln!("{file}:{}:{}: {}", u.line, u.column, u.reason);
            }
            eprintln!(
                "error: {} statement(s) could not be read offline; nothing was written. Without --offline, \
                 PostgreSQL reads the script (on a scratch database) and every statement it accepts imports",
                unread.len()
            );
            Err(Failure::Schema)
        }
    }
}

impl Output {
    /// The system's name, once the folder is known to be free.
    fn check(&self) -> Result<String, Failure> {
        let out = &self.out;
        if std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(Failure::Usage(format!(
                "{} exists and is not empty; strata writes a new schema folder (move it away or name another)",
                out.display()
            )));
        }
        if out.exists() && !out.is_dir() {
            return Err(Failure::Usage(format!("{} exists and is not a folder", out.display())));
        }
        let name = self.name.clone().or_else(|| out.file_name().map(|n| n.to_string_lossy().into_owned()));
        name.filter(|n| !n.is_empty())
            .ok_or_else(|| Failure::Usage(format!("{}: give the system a --name", out.display())))
    }

    /// Writes the schema folder, once the TOML it holds is known to compile.
    /// The `--ignore` patterns by kind.
    pub fn ignore(&self) -> Result<Ignore, Failure> {
        let mut ignore = Ignore::default();
        for given in &self.ignore {
            let kinds = IGNORE_KINDS.join(", ");
            let (kind, pattern) = given
                .split_once(':')
                .ok_or_else(|| Failure::Usage(format!("--ignore {given}: give KIND:PATTERN, KIND one of {kinds}")))?;
            let patterns = ignore
                .of_mut(kind)
                .ok_or_else(|| Failure::Usage(format!("--ignore {given}: `{kind}` is not one of {kinds}")))?;
            patterns.push(pattern.to_string());
        }
        Ok(ignore)
    }

    fn write(&self, schema: &Schema) -> Result<(), Failure> {
        let files = render::toml::files(schema);
        let trial = tempfile::tempdir().map_err(|e| Failure::Usage(format!("a temporary folder: {e}")))?;
        for (file, text) in &files {
            std::fs::write(trial.path().join(file), text).map_err(|e| Failure::Usage(format!("{file}: {e}")))?;
        }
        let compiled = io::compile_folder(trial.path()).map_err(|e| Failure::Usage(e.to_string()))?;
        if compiled.schema.is_none() {
            eprint!("{}", compiled.diagnostics.render(&compiled.sources));
            eprintln!("error: the schema read does not compile as strata TOML (a strata bug); nothing was written");
            return Err(Failure::Schema);
        }
        io::write_folder(&self.out, &files).map_err(|e| Failure::Usage(format!("{}: {e}", self.out.display())))?;
        let views = schema.views.len();
        let routines = schema.functions.len() + schema.aggregates.len();
        eprintln!(
            "wrote {} ({} files): {} tables, {views} views, {routines} routines, {} types in {} namespace(s)",
            self.out.display(),
            files.len(),
            schema.tables.len(),
            schema.enums.len() + schema.domains.len() + schema.composites.len() + schema.ranges.len(),
            namespaces(schema),
        );
        Ok(())
    }
}

fn namespaces(schema: &Schema) -> usize {
    let mut all: Vec<&str> = schema.tables.iter().map(|t| t.namespace.as_str()).collect();
    all.extend(schema.namespaces.iter().map(|n| n.name.as_str()));
    all.sort();
    all.dedup();
    all.len()
}

/// The namespaces asked for (all must exist), or every user namespace, read into a schema over
/// several connections made by `connect`.
pub fn read(
    client: &mut Client,
    connect: impl FnMut() -> Result<Client, Failure>,
    name: &str,
    asked: &[String],
    ignore: &Ignore,
) -> Result<Schema, Failure> {
    let failed = |e: postgres::Error| no_database("reading the catalog", &message(&e));
    let rows = client
        .query(
            "SELECT n.nspname::text FROM pg_namespace n
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
             ORDER BY n.nspname <> 'public', n.nspname",
            &[],
        )
        .map_err(failed)?;
    let present: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let missing: Vec<&String> = asked.iter().filter(|n| !present.contains(n)).collect();
    if !missing.is_empty() {
        let missing: Vec<String> = missing.iter().map(|n| format!("`{n}`")).collect();
        return Err(Failure::Usage(format!(
            "namespace {} does not exist in the database; it has: {}",
            missing.join(", "),
            present.join(", ")
        )));
    }
    // Unless asked for, the runner's record (`strata migrate`) is not the user's.
    let mut namespaces: Vec<&str> = match asked.is_empty() {
        true => present.iter().map(String::as_str).filter(|n| *n != "strata").collect(),
        false => asked.iter().map(String::as_str).collect(),
    };
    namespaces.retain(|n| !ignore.namespaces.iter().any(|p| glob(p, n)));
    if namespaces.is_empty() {
        namespaces.push(PUBLIC);
    }
    let mut catalogs = PgCatalogs::connect(connect)?;
    let mut schema =
        live::introspect(&mut catalogs, name, &namespaces).map_err(|e| no_database("reading the catalog", &e))?;
    ignore.remove_from(&mut schema);
    schema.ignore = ignore.clone();
    // Reported below: a table without columns is not one the format can declare.
    schema.tables.retain(|t| !t.columns.is_empty());
    let left_out = live::left_out(&mut catalogs, &namespaces).map_err(|e| no_database("reading the catalog", &e))?;
    for what in &left_out {
        eprintln!("warning: left out, strata cannot express it yet: {what}");
    }
    if !left_out.is_empty() {
        eprintln!("warning: {} object(s) left out; everything else is read", left_out.len());
    }
    Ok(schema)
}

/// The script's statements; psql's `\restrict` and `\unrestrict` (which pg_dump writes around
/// its output) and the script's own transaction control (`BEGIN; ... COMMIT;`: the import runs
/// it in transactions of its own) are skipped, any other meta-command is refused at its line.
fn statements<'s>(file: &Path, sql: &'s str) -> Result<Vec<Statement<'s>>, Failure> {
    let pieces = script::pieces(sql).map_err(|e| {
        eprintln!("{}:{}: {}", file.display(), e.line, e.message);
        Failure::Schema
    })?;
    let mut statements = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Statement { text, .. } if transaction_control(text) => {}
            Piece::Statement { line, text } => {
                if let Some(why) = not_schema(text) {
                    eprintln!("{}:{line}: {why}", file.display());
                    return Err(Failure::Schema);
                }
                statements.push(Statement { line, header: "", sql: text, transaction: !runs_alone(text) })
            }
            Piece::Meta { text, .. } if text.starts_with("\\restrict") || text.starts_with("\\unrestrict") => {}
            Piece::Meta { line, text } => {
                eprintln!("{}:{line}: `{text}` is a psql meta-command, not SQL: remove it", file.display());
                return Err(Failure::Schema);
            }
        }
    }
    Ok(statements)
}

/// `BEGIN`, `START TRANSACTION`, `COMMIT` or `END` (with their optional words).
fn transaction_control(text: &str) -> bool {
    let words: Vec<String> = script::words(text).map(str::to_ascii_uppercase).collect();
    match words.first().map(String::as_str) {
        Some("BEGIN" | "COMMIT" | "END") => {
            words[1..].iter().all(|w| matches!(w.as_str(), "TRANSACTION" | "WORK" | "AND" | "NO" | "CHAIN"))
        }
        Some("START") => words.get(1).is_some_and(|w| w == "TRANSACTION"),
        _ => false,
    }
}

/// Why a statement has no place in a schema script, if it has none: data (COPY, whose rows
/// follow it as text that is no SQL), or what acts on the server beyond one database.
fn not_schema(text: &str) -> Option<String> {
    let words: Vec<String> = script::words(text).take(2).map(str::to_ascii_uppercase).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["ROLLBACK", ..] | ["ABORT", ..] => {
            Some("the script undoes its own work (ROLLBACK): remove it, and what it would undo".into())
        }
        ["COPY", ..] => Some(
            "COPY is data, not schema: import reads a schema script (pg_dump --schema-only); load rows separately"
                .into(),
        ),
        ["ALTER", "SYSTEM"] | ["CREATE" | "ALTER" | "DROP", "DATABASE" | "TABLESPACE"] | ["DROP", "ROLE" | "USER"] => {
            Some(format!("{} {} acts on the server, not on a schema: remove it from the script", words[0], words[1]))
        }
        _ => None,
    }
}

/// Whether a statement of a user's script must run outside a transaction, as psql would run it:
/// a CONCURRENTLY build or drop, or a new union value (usable only once committed).
fn runs_alone(text: &str) -> bool {
    // Words outside comments and quotes: `/* CONCURRENTLY */` does not take a statement out of
    // its transaction.
    let words: Vec<String> = script::words(text).map(str::to_ascii_uppercase).collect();
    let starts = |prefix: &[&str]| words.len() >= prefix.len() && words.iter().zip(prefix).all(|(w, p)| w == p);
    words.iter().any(|w| w == "CONCURRENTLY")
        || (starts(&["ALTER", "TYPE"]) && words.windows(2).any(|w| w == ["ADD", "VALUE"]))
}
