//! The `strata` command line: `generate` writes what the schemas describe, `check` fails when
//! anything written is stale. Exit codes: 0 fine, 1 schema errors or stale files, 2 usage errors.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use strata_codegen::{Compiled, generate, io};

#[derive(Parser)]
#[command(name = "strata", version, about = "Schema-as-code for PostgreSQL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write generated/<name>/ (schema.sql, migrations/) for every schema under the schema folder.
    Generate(Options),
    /// Regenerate in memory and exit 1 with a diff when anything under generated/ is stale,
    /// or when a schema has errors. The command CI runs.
    Check(Options),
}

#[derive(Args)]
struct Options {
    /// Folder holding one subfolder of .toml files per schema.
    #[arg(long, default_value = "schema", value_name = "DIR")]
    schemas: PathBuf,
    /// Folder the generated files go to, one subfolder per schema.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    out: PathBuf,
    /// Only this schema (the name of its folder).
    #[arg(long, value_name = "NAME")]
    schema: Option<String>,
    /// A schema described in Rust (`#[derive(strata::Table)]` structs, `union_type!`s), named
    /// after the file, instead of the schema folders. Its Rust comes from the derive, so only SQL
    /// and migrations are written. Repeatable.
    #[arg(long, value_name = "FILE")]
    rust: Vec<PathBuf>,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// What went wrong, by exit code.
enum Failure {
    /// Schema errors or stale output: exit 1.
    Schema,
    /// Bad arguments or unreadable folders: exit 2.
    Usage(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(opts) => run(opts, true),
        Command::Check(opts) => run(opts, false),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Schema) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(opts: &Options, write: bool) -> Result<(), Failure> {
    let mut compiled = Vec::new();
    let mut json = Vec::new();
    let mut errors = false;
    for (name, c, rust) in compile_all(opts)? {
        errors |= c.diagnostics.has_errors();
        match opts.format {
            Format::Human => eprint!("{}", c.diagnostics.render(&c.sources)),
            Format::Json => json.extend(c.diagnostics.to_json(&c.sources).as_array().cloned().unwrap_or_default()),
        }
        compiled.push((name, c, rust));
    }
    if opts.format == Format::Json {
        println!("{}", serde_json::Value::Array(json));
    }
    if errors {
        let n: usize = compiled.iter().map(|(_, c, _)| c.diagnostics.errors()).sum();
        eprintln!("error: {n} schema error(s); nothing was written");
        return Err(Failure::Schema);
    }
    let mut stale = false;
    for (name, c, rust) in &compiled {
        let Compiled { schema: Some(schema), .. } = c else { continue };
        let out = opts.out.join(name);
        let mut files = generate::files(schema);
        if *rust {
            files.retain(|(f, _)| f != generate::MODELS);
        }
        if write {
            io::write_folder(&out, &files).map_err(|e| Failure::Usage(format!("{}: {e}", out.display())))?;
            eprintln!("wrote {} ({} files)", out.display(), files.len());
        } else {
            stale |= report_stale(&out, &files);
        }
    }
    if stale {
        eprintln!("error: generated files are stale; run `strata generate` and commit the result");
        return Err(Failure::Schema);
    }
    Ok(())
}

/// Every schema the options name, compiled: (name, result, whether it was described in Rust).
fn compile_all(opts: &Options) -> Result<Vec<(String, Compiled, bool)>, Failure> {
    if !opts.rust.is_empty() {
        let mut all = Vec::new();
        for path in &opts.rust {
            let text = fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            all.push((name.clone(), strata_codegen::compile_rust(&name, &path.display().to_string(), &text), true));
        }
        return Ok(all);
    }
    let mut all = Vec::new();
    for dir in schema_folders(opts)? {
        let c = io::compile_folder(&dir).map_err(|e| Failure::Usage(e.to_string()))?;
        all.push((dir.file_name().unwrap_or_default().to_string_lossy().into_owned(), c, false));
    }
    Ok(all)
}

fn schema_folders(opts: &Options) -> Result<Vec<PathBuf>, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::Usage(format!("cannot read schema folder {}: {e}", opts.schemas.display()));
    let all = io::schema_folders(&opts.schemas).map_err(unreadable)?;
    match &opts.schema {
        None => Ok(all),
        Some(name) => match all.iter().find(|d| d.file_name().is_some_and(|n| n == name.as_str())) {
            Some(dir) => Ok(vec![dir.clone()]),
            None => {
                let names: Vec<String> =
                    all.iter().filter_map(|d| d.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
                Err(Failure::Usage(format!(
                    "no schema `{name}` in {}; found: {}",
                    opts.schemas.display(),
                    names.join(", ")
                )))
            }
        },
    }
}

/// Prints a unified diff for every file under `out` that differs from what would be generated,
/// is missing, or would be removed; returns whether there was any.
fn report_stale(out: &Path, files: &[(String, String)]) -> bool {
    let mut stale = false;
    let mut stdout = std::io::stdout().lock();
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
    for extra in walk(out) {
        let rel = extra.strip_prefix(out).unwrap_or(&extra).to_string_lossy().replace('\\', "/");
        if !files.iter().any(|(f, _)| *f == rel) {
            stale = true;
            writeln!(stdout, "{}: not generated by strata any more; `strata generate` removes it", extra.display())
                .ok();
        }
    }
    stale
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out.sort();
    out
}
