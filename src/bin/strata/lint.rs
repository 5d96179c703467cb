//! `strata lint FILE.sql...`: the risky statements of migration SQL, each at its line, with the
//! rule and how to do it safely; exit 1 when there is any.

use std::path::PathBuf;

use clap::Args;
use strata_codegen::lint;

use crate::{Failure, Format};

#[derive(Args)]
pub struct LintArgs {
    /// SQL files: hand-written migrations, or strata's own up.sql.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &LintArgs) -> Result<(), Failure> {
    let mut json = Vec::new();
    let mut any = false;
    for file in &args.files {
        let sql = std::fs::read_to_string(file).map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
        let findings = lint::lint(&sql).map_err(|e| Failure::Usage(format!("{}: {e}", file.display())))?;
        any |= !findings.is_empty();
        for f in findings {
            match args.format {
                Format::Human => println!("{}", f.render(&file.display().to_string())),
                Format::Github => {
                    let at = Some((file.to_str().unwrap_or_default(), f.line, f.column));
                    let message = format!("{}\nhelp: {}", f.message, f.help);
                    print!("{}", strata_codegen::diagnostics::github_annotation("warning", at, f.rule, &message));
                }
                Format::Json => json.push(serde_json::json!({
                    "file": file.display().to_string(), "line": f.line, "column": f.column,
                    "rule": f.rule, "message": f.message, "help": f.help,
                })),
            }
        }
    }
    if args.format == Format::Json {
        println!("{}", serde_json::Value::Array(json));
    }
    if any { Err(Failure::Schema) } else { Ok(()) }
}
