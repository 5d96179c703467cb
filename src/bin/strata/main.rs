//! The `strata` command line: `generate` writes what the schemas describe, `check` fails when
//! anything written is stale, `verify` compares the declaration with a live database, `pull`
//! and `import` write a schema folder from a database or a SQL script, `migrate` moves a
//! database along the migrations.
//! Exit codes: 0 fine, 1 schema errors, stale files or differences, 2 usage errors, 3 no
//! database (unreachable, refused, or a scratch server that cannot start).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use strata_codegen::migrations::{ChainError, History, Next};
use strata_codegen::project::{self, Project};
use strata_codegen::{Compiled, generate, io, render};

/// The compiler allocates many small values on two threads: mimalloc serves them faster than
/// the system allocator (the CLI's whole run, measured by `cargo bench --bench cli`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod adopt;
mod apply;
mod confined;
mod db;
mod diff;
mod init;
mod lint;
mod migrate;
mod reverse;
mod verify;

#[derive(Parser)]
#[command(name = "strata", version, about = "Schema-as-code for PostgreSQL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write generated/<name>/ (schema.sql, migrations/, models.rs) for every schema under the
    /// schema folder. Migrations that exist are kept; a schema that changed since the last one
    /// needs --name for the next.
    Generate(GenerateArgs),
    /// Regenerate in memory and exit 1 with a diff when anything under generated/ is stale,
    /// or when a schema has errors. The command CI runs.
    Check(Options),
    /// Apply the generated migrations to a scratch database, read it back, and exit 1 with the
    /// differences when it is not what the schema declares. With --database-url and --no-apply,
    /// compare a running database as it is instead (drift detection).
    Verify(VerifyArgs),
    /// Read a database's schema and write it as a new schema folder of TOML files.
    Pull(reverse::PullArgs),
    /// Bring a database made before strata into the project: pull it into schema/NAME, generate
    /// its first migration, and record that migration as applied there once the database is
    /// proven to hold its model (otherwise print the differences and record nothing).
    Adopt(adopt::AdoptArgs),
    /// Apply a SQL script (pg_dump --schema-only output, structure.sql, DDL) to a scratch
    /// database, and write what it created as a new schema folder of TOML files.
    Import(reverse::ImportArgs),
    /// Change a development database to hold the declaration, without migration files: the
    /// plan (what `diff` prints, with hazards) is printed and run once confirmed; a plan that
    /// deletes data is refused unless --allow-data-loss. `migrate reset` takes the database
    /// back to the migration chain.
    Apply(apply::ApplyArgs),
    /// Print the SQL that takes one schema to another (schema folders, migration snapshots,
    /// databases), writing nothing.
    Diff(diff::DiffArgs),
    /// Report the statements of migration SQL that lock, rewrite, delete data or may fail on a
    /// live table (exit 1 when there is any).
    Lint(lint::LintArgs),
    /// Apply, undo or list a database's migrations (`up`, `down`, `status`, `redo`): each
    /// exactly once, in its own transaction with its record row, under an advisory lock.
    Migrate(migrate::MigrateArgs),
    /// Write each system's data dictionary and ER diagram (generated/NAME/docs/: README.md with
    /// a Mermaid diagram, er.svg drawn by Graphviz, index.html with a search box). With
    /// `docs = true` in strata.toml, `generate` writes them and `check` checks them.
    Docs(Options),
    /// The long explanation of a diagnostic code (`strata explain E0002`): what it means, a
    /// mistake that gets it, and the fix.
    Explain {
        /// A code such as E0002 or W0001.
        code: String,
    },
    /// Start a project: strata.toml and schema/NAME/schema.toml, a commented example that
    /// generates and applies as it is. Refuses to overwrite anything.
    Init(init::InitArgs),
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    options: Options,
    /// The name of the next migration (`add_workflows` writes migrations/0002_add_workflows/),
    /// when a schema changed since its last migration.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Let the next migration delete data (drop a table or column, remove a union value).
    #[arg(long)]
    allow_destructive: bool,
    /// Move migrations (folder names: a merged branch's, which share numbers with the other
    /// branch's) after the others: they are removed and their change generated again, from the
    /// merged chain's last model, as the next migration (named --name, else after the last
    /// moved). A database that ran one is refused by `migrate` with both names (reset it).
    #[arg(long, value_name = "MIGRATION", conflicts_with = "custom")]
    rebase: Vec<String>,
    /// Replace the migrations up to VERSION by one of that version (NNNN_squashed) that makes
    /// what they made from nothing: databases that ran them have run it, new ones run it alone,
    /// one part way through them is told to finish them first.
    #[arg(long, value_name = "VERSION", conflicts_with_all = ["custom", "rebase"])]
    squash: Option<i64>,
    /// Write the next migration by hand (a data backfill between two schema versions): an
    /// empty up.sql and down.sql after the last migration, for you to fill in. It must leave
    /// the schema as it found it (`verify` checks), and is checksummed once it has run.
    #[arg(long, requires = "name")]
    custom: bool,
    /// The next migration's own lock_timeout, written into it: `strata migrate` uses it for
    /// that migration instead of its --lock-timeout.
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    lock_timeout: Option<std::time::Duration>,
    /// The next migration's own statement_timeout, written into it.
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    statement_timeout: Option<std::time::Duration>,
}

/// A command line's number of seconds (`2.5`).
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    let s: f64 = text.parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(s).map_err(|_| format!("`{text}` is not a number of seconds"))
}

#[derive(Args)]
struct VerifyArgs {
    #[command(flatten)]
    options: Options,
    /// A server strata may create a scratch database on (and drop it after) [default: the
    /// STRATA_DEV_URL environment variable, else a server strata starts: a container where a
    /// Docker engine answers, else PostgreSQL's own binaries].
    #[arg(long, value_name = "URL", conflicts_with = "no_apply")]
    dev_url: Option<String>,
    /// The database to compare as it is (with --no-apply) [default: the DATABASE_URL
    /// environment variable].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Apply nothing: compare the database at --database-url with the declaration.
    #[arg(long)]
    no_apply: bool,
}

#[derive(Args)]
struct Options {
    /// Folder holding one subfolder of .toml files per schema [default: from strata.toml, else schema].
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// Folder the generated files go to, one subfolder per schema [default: from strata.toml, else generated].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only this schema (the name of its folder).
    #[arg(long, value_name = "NAME")]
    schema: Option<String>,
    /// A schema described in Rust (`#[derive(strata::Table)]` structs, `union_type!`s), named
    /// after the file, instead of the schema folders. Its Rust comes from the derive, so only SQL
    /// and migrations are written. Repeatable. strata.toml's `rust` list is used when neither
    /// this nor --schemas is given.
    #[arg(long, value_name = "FILE")]
    rust: Vec<PathBuf>,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The project file naming schema folders, Rust sources and the output folder.
    #[arg(long, value_name = "FILE", default_value = project::FILE)]
    project: PathBuf,
}

/// What one run covers: the options resolved against the project file.
struct Plan {
    schemas: Option<PathBuf>,
    out: PathBuf,
    rust: Vec<PathBuf>,
    /// Every system of the project, so an output folder no system produces is stale.
    complete: bool,
    /// The data dictionary and ER diagram too (`docs = true` in strata.toml).
    docs: bool,
}

impl Plan {
    /// Subfolders of a system's output that `generate` and `check` leave to another command:
    /// `docs/` is `strata docs`'s unless strata.toml says `docs = true`.
    fn kept(&self) -> &'static [&'static str] {
        if self.docs { &[] } else { &["docs"] }
    }
}

impl Options {
    fn plan(&self) -> Result<Plan, Failure> {
        let project = match fs::read_to_string(&self.project) {
            Ok(text) => Project::parse(&self.project, &text).map_err(Failure::Usage)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Project::default(),
            Err(e) => return Err(Failure::Usage(format!("{}: {e}", self.project.display()))),
        };
        let out = self.out.clone().unwrap_or(project.out);
        // Flags that name sources replace the project's; `--schema` narrows either.
        Ok(if self.schemas.is_none() && self.rust.is_empty() {
            Plan {
                schemas: Some(project.schemas),
                out,
                rust: project.rust,
                complete: self.schema.is_none(),
                docs: project.docs,
            }
        } else {
            Plan {
                schemas: self.schemas.clone(),
                out,
                rust: self.rust.clone(),
                complete: self.schema.is_none() && self.rust.is_empty(),
                docs: project.docs,
            }
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::`) on stdout: CI shows each on
    /// the line of the pull request it is about.
    Github,
}

/// What went wrong, by exit code.
enum Failure {
    /// Schema errors or stale output: exit 1.
    Schema,
    /// Bad arguments or unreadable folders: exit 2.
    Usage(String),
    /// No database to verify against: exit 3.
    Database(String),
}

fn main() -> ExitCode {
    // The work runs where deep expressions fit (`strata_codegen::stack`), not on the main
    // thread's 8 MiB.
    let work = std::thread::Builder::new().stack_size(strata_codegen::stack::SIZE).spawn(command);
    match work.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            ExitCode::from(2)
        }
    }
}

fn command() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // The parser's own messages repeat a mistyped argument, which may be a URL.
        Err(e) if e.use_stderr() => {
            eprint!("{}", db::without_passwords(&e.render().to_string()));
            return ExitCode::from(e.exit_code() as u8);
        }
        Err(e) => e.exit(),
    };
    let result = match &cli.command {
        Command::Generate(args) => {
            // A rebased migration keeps its name unless another is given.
            let moved_name = args.rebase.last().and_then(|d| strata_script::folder::parse_dir(d)).map(|(_, n)| n);
            let next = Next {
                name: args.name.as_deref().or(moved_name),
                allow_destructive: args.allow_destructive,
                lock_timeout: args.lock_timeout,
                statement_timeout: args.statement_timeout,
                custom: args.custom,
            };
            let reshape = match (args.squash, args.rebase.as_slice()) {
                (Some(to), _) => Reshape::Squash(to),
                (None, []) => Reshape::Keep,
                (None, moved) => Reshape::Rebase(moved),
            };
            run(&args.options, Some((next, reshape)))
        }
        Command::Check(opts) => run(opts, None),
        Command::Verify(args) => verify::run(args),
        Command::Pull(args) => reverse::pull(args),
        Command::Adopt(args) => adopt::run(args),
        Command::Import(args) => reverse::import(args),
        Command::Diff(args) => diff::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::Init(args) => init::run(args),
        Command::Docs(opts) => docs(opts),
        Command::Explain { code } => match strata_codegen::diagnostics::Diagnostic::explain(code) {
            Some(e) => {
                print!("{}", e.render(&code.to_ascii_uppercase()));
                Ok(())
            }
            None => Err(Failure::Usage(format!(
                "`{code}` is not a strata diagnostic code ({})",
                strata_codegen::diagnostics::Diagnostic::codes()
            ))),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Schema) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {}", db::without_passwords(&message));
            ExitCode::from(2)
        }
        Err(Failure::Database(message)) => {
            eprintln!("error: {}", db::without_passwords(&message));
            ExitCode::from(3)
        }
    }
}

/// How `generate` reshapes the migrations that exist before it adds the next one.
#[derive(Clone, Copy)]
enum Reshape<'a> {
    Keep,
    /// These (folder names) are removed, and their change made again as the next migration.
    Rebase(&'a [String]),
    /// Those up to this version are replaced by one.
    Squash(i64),
}

/// `generate` (with what it may add to the migrations, and how it reshapes those that exist)
/// when `write` is some, else `check`.
fn run(opts: &Options, write: Option<(Next, Reshape)>) -> Result<(), Failure> {
    let plan = opts.plan()?;
    let systems = systems(opts, &plan)?;
    let reshape = write.map_or(Reshape::Keep, |(_, reshape)| reshape);
    let write = write.map(|(next, _)| next);
    let one_schema = write.is_some_and(|next| next.custom) || !matches!(reshape, Reshape::Keep);
    if one_schema && systems.len() > 1 {
        return Err(Failure::Usage("--custom, --rebase and --squash work on one schema: give --schema NAME".into()));
    }
    // A generate holds the output folder's turn from reading its migrations to writing the
    // next: two runs at once take turns instead of each writing over what the other read.
    let turn = match write {
        Some(_) => Some(io::Turn::wait(&plan.out).map_err(|e| Failure::Usage(e.to_string()))?),
        None => None,
    };
    // Each system's migrations are read (the last one's model, a large part of the run, with
    // them) while the schemas compile: they do not depend on each other.
    let (compiled, histories) = std::thread::scope(|s| {
        let histories = strata_codegen::stack::spawn(s, || {
            systems.iter().map(|(name, ..)| history(&plan.out.join(name), reshape)).collect::<Vec<_>>()
        });
        (compile_reported(opts, &systems, true), histories.join().expect("reading the migrations panicked"))
    });
    let compiled = compiled?;
    let mut stale = false;
    let mut outputs = Vec::new();
    for ((name, c, rust), history) in compiled.iter().zip(histories) {
        let Compiled { schema: Some(schema), .. } = c else { continue };
        let out = plan.out.join(name);
        let history = history?;
        let last = history.as_ref().ok().and_then(|h| h.last_folder().map(str::to_string));
        let files = history.and_then(|history| generate::files_after(schema, history, write.unwrap_or_default()));
        let mut files = match files {
            Ok(files) => files,
            Err(e) => {
                eprintln!("error: {}: {e}", out.display());
                stale = true;
                continue;
            }
        };
        if plan.docs {
            let docs = render::docs::files(schema).map_err(|e| Failure::Usage(format!("{}: {e}", out.display())))?;
            files.extend(docs);
        }
        if write.is_some() {
            lint_new_migration(&out, &files, last.as_deref());
        }
        outputs.push((out, files, *rust));
    }
    if stale {
        eprintln!("error: nothing was written");
        return Err(Failure::Schema);
    }
    for (out, mut files, rust) in outputs {
        if rust {
            files.retain(|(f, _)| f != generate::MODELS);
        }
        if let Some(turn) = &turn {
            let written = io::write_folder_in(turn, &out, &files, plan.kept())
                .map_err(|e| Failure::Usage(format!("{}: {e}", out.display())))?;
            let what = if written { "wrote" } else { "unchanged:" };
            eprintln!("{what} {} ({} files)", out.display(), files.len());
        } else {
            stale |= report_stale(&out, &files, plan.kept());
        }
    }
    if plan.complete {
        let names: Vec<&str> = compiled.iter().map(|(n, _, _)| n.as_str()).collect();
        for orphan in orphans(&plan.out, &names) {
            if turn.is_some() {
                fs::remove_dir_all(&orphan).map_err(|e| Failure::Usage(format!("{}: {e}", orphan.display())))?;
                eprintln!("removed {} (no schema produces it any more)", orphan.display());
            } else {
                stale = true;
                println!("{}: no schema produces it any more; `strata generate` removes it", orphan.display());
            }
        }
    }
    if stale {
        eprintln!("error: generated files are stale; run `strata generate` and commit the result");
        return Err(Failure::Schema);
    }
    Ok(())
}

/// Prints the lint's findings (`strata lint`) on the migration a generate adds after `last`:
/// what it does that deletes data or breaks readers, which the headers' hazards name too.
fn lint_new_migration(out: &Path, files: &[(String, String)], last: Option<&str>) {
    let (migrations, up) =
        (format!("{}/", strata_script::folder::MIGRATIONS), format!("/{}", strata_script::folder::UP));
    for (path, sql) in files {
        let Some(folder) = path.strip_prefix(&migrations).and_then(|p| p.strip_suffix(&up)) else { continue };
        if last.is_some_and(|last| folder <= last) {
            continue;
        }
        for f in strata_codegen::lint::lint(sql).unwrap_or_default() {
            eprintln!("{}", f.render(&out.join(path).display().to_string()));
        }
    }
}

/// Every schema the plan names, compiled, with its diagnostics printed (as JSON on stdout when
/// `json_diagnostics`); `Failure::Schema` when any has errors.
fn compile_reported(
    opts: &Options,
    systems: &[(String, PathBuf, bool)],
    json_diagnostics: bool,
) -> Result<Vec<(String, Compiled, bool)>, Failure> {
    let mut compiled = Vec::new();
    let mut json = Vec::new();
    let mut errors = false;
    for (name, c, rust) in compile_all(systems)? {
        errors |= c.diagnostics.has_errors();
        match opts.format {
            Format::Json if json_diagnostics => {
                json.extend(c.diagnostics.to_json(&c.sources).as_array().cloned().unwrap_or_default())
            }
            Format::Github => print!("{}", c.diagnostics.to_github(&c.sources)),
            _ => eprint!("{}", c.diagnostics.render(&c.sources)),
        }
        compiled.push((name, c, rust));
    }
    if opts.format == Format::Json && json_diagnostics {
        println!("{}", serde_json::Value::Array(json));
    }
    if errors {
        let n: usize = compiled.iter().map(|(_, c, _)| c.diagnostics.errors()).sum();
        eprintln!("error: {n} schema error(s); nothing was written");
        return Err(Failure::Schema);
    }
    Ok(compiled)
}

/// The systems the plan names: (name, where it is described, whether in Rust).
fn systems(opts: &Options, plan: &Plan) -> Result<Vec<(String, PathBuf, bool)>, Failure> {
    let mut all = Vec::new();
    let rust_named = opts.schema.as_ref().is_some_and(|s| plan.rust.iter().any(|p| p.file_stem() == Some(s.as_ref())));
    if let Some(schemas) = plan.schemas.as_ref().filter(|_| !rust_named) {
        for dir in schema_folders(opts, schemas)? {
            all.push((dir.file_name().unwrap_or_default().to_string_lossy().into_owned(), dir, false));
        }
    }
    for path in &plan.rust {
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if opts.schema.as_ref().is_none_or(|s| *s == name) {
            all.push((name, path.clone(), true));
        }
    }
    if all.is_empty() && opts.schema.is_none() {
        let folder = plan.schemas.as_deref().unwrap_or(Path::new("schema"));
        return Err(Failure::Usage(format!(
            "no schema in {}: expected one subfolder of .toml files per system ({}/<name>/schema.toml), or Rust sources in strata.toml's `rust` list",
            folder.display(),
            folder.display()
        )));
    }
    Ok(all)
}

/// Each system compiled: (name, result, whether it was described in Rust).
fn compile_all(systems: &[(String, PathBuf, bool)]) -> Result<Vec<(String, Compiled, bool)>, Failure> {
    let compile = |(name, path, rust): &(String, PathBuf, bool)| {
        let compiled = if *rust {
            let text = fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
            strata_codegen::compile_rust(name, &path.display().to_string(), &text)
        } else {
            io::compile_folder(path).map_err(|e| Failure::Usage(e.to_string()))?
        };
        Ok((name.clone(), compiled, *rust))
    };
    systems.iter().map(compile).collect()
}

/// The migrations under `out`, checked, with the last one's model read; an unreadable folder
/// is a usage error, a chain that cannot be extended an error of the system.
/// The migrations under `out`, reshaped as `generate` was asked.
fn history(out: &Path, reshape: Reshape) -> Result<Result<History, ChainError>, Failure> {
    let existing = io::read_migrations(out).map_err(|e| Failure::Usage(e.to_string()))?;
    Ok(match reshape {
        Reshape::Keep => History::of(existing),
        Reshape::Rebase(moved) => History::rebased(existing, moved),
        Reshape::Squash(to) => History::squashed(existing, to),
    })
}

/// Output folders under `out` that strata wrote (their schema.sql starts with its header) and
/// no compiled system produces any more, such as the folder of a renamed schema.
fn orphans(out: &Path, names: &[&str]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| !names.contains(&e.file_name().to_string_lossy().as_ref()))
        .map(|e| e.path())
        .filter(|p| {
            let sql = fs::read_to_string(p.join("schema.sql")).unwrap_or_default();
            sql.starts_with(strata_codegen::render::sql::HEADER)
        })
        .collect();
    found.sort();
    found
}

fn schema_folders(opts: &Options, schemas: &Path) -> Result<Vec<PathBuf>, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::Usage(format!("cannot read schema folder {}: {e}", schemas.display()));
    let all = io::schema_folders(schemas).map_err(unreadable)?;
    match &opts.schema {
        None => Ok(all),
        Some(name) => match all.iter().find(|d| d.file_name().is_some_and(|n| n == name.as_str())) {
            Some(dir) => Ok(vec![dir.clone()]),
            None => {
                let names: Vec<String> =
                    all.iter().filter_map(|d| d.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
                Err(Failure::Usage(format!("no schema `{name}` in {}; found: {}", schemas.display(), names.join(", "))))
            }
        },
    }
}

/// Prints a unified diff for every file under `out` that differs from what would be generated,
/// is missing, or would be removed; returns whether there was any.
/// `strata docs`: each system's docs/ folder, written whatever strata.toml says.
fn docs(opts: &Options) -> Result<(), Failure> {
    let plan = opts.plan()?;
    for (name, c, _) in compile_reported(opts, &systems(opts, &plan)?, true)? {
        let Some(schema) = &c.schema else { continue };
        let out = plan.out.join(&name).join("docs");
        let failed = |e: std::io::Error| Failure::Usage(format!("{}: {e}", out.display()));
        let files: Vec<(String, String)> = render::docs::files(schema)
            .map_err(failed)?
            .into_iter()
            .map(|(path, text)| (path.trim_start_matches("docs/").to_string(), text))
            .collect();
        let what = if io::write_folder(&out, &files).map_err(failed)? { "wrote" } else { "unchanged:" };
        eprintln!("{what} {} ({} files)", out.display(), files.len());
    }
    Ok(())
}

fn report_stale(out: &Path, files: &[(String, String)], kept: &[&str]) -> bool {
    let mut stale = false;
    let mut stdout = std::io::stdout().lock();
    for stray in io::strays(out) {
        stale = true;
        writeln!(
            stdout,
            "{}: left by an interrupted `strata generate`; the next `strata generate` removes it",
            stray.display()
        )
        .ok();
    }
    for (rel, want) in files {
        let path = out.join(rel);
        let have = fs::read_to_string(&path).unwrap_or_default();
        if have != *want {
            stale = true;
            let diff = similar::TextDiff::from_lines(&have, want);
            let shown = path.display().to_string();
            write!(stdout, "{}", diff.unified_diff().header(&shown, &format!("{shown} (generated)"))).ok();
        }
    }
    for extra in io::files_in(out, kept) {
        let rel = extra.strip_prefix(out).unwrap_or(&extra).to_string_lossy().replace('\\', "/");
        if !files.iter().any(|(f, _)| *f == rel) {
            stale = true;
            writeln!(stdout, "{}: not generated by strata any more; `strata generate` removes it", extra.display())
                .ok();
        }
    }
    stale
}
