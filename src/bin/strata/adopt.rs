//! `strata adopt`: a database made before strata becomes one of the project's schemas, with its
//! first migration recorded as applied there. Pull (the schema folder), generate (the first
//! migration and its model), then baseline: the record is written only once the database is
//! proven to hold that model (the verify comparison); otherwise the differences are printed
//! and nothing is recorded.

use std::path::{Path, PathBuf};

use clap::Args;
use strata_codegen::migrations::Next;
use strata_codegen::project;

use crate::db::connect;
use crate::reverse::{self, Output};
use crate::{Failure, Format, Options};

#[derive(Args)]
pub struct AdoptArgs {
    /// The database to adopt [default: the DATABASE_URL environment variable].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// The schema's name: its folder under the project's schema folder, and its generated one.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// A namespace to read; repeatable, the first is the schema's default [default: every
    /// namespace that is neither PostgreSQL's nor an extension's, `public` first].
    #[arg(long = "namespace", value_name = "NAME")]
    namespaces: Vec<String>,
    /// Objects the schema leaves to others (as `pull --ignore KIND:PATTERN`); repeatable.
    #[arg(long = "ignore", value_name = "KIND:PATTERN")]
    ignore: Vec<String>,
    /// Where the record of applied migrations is kept (as `migrate --record`).
    #[arg(long, value_name = "NAMESPACE.TABLE", default_value = "strata.migrations")]
    record: String,
    /// The project file naming the schema and output folders.
    #[arg(long, value_name = "FILE", default_value = project::FILE)]
    project: PathBuf,
}

pub fn run(args: &AdoptArgs) -> Result<(), Failure> {
    let url = args.database_url.clone().or_else(|| std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()));
    let url = url.ok_or_else(|| Failure::Usage("adopt reads a database: give --database-url URL".into()))?;
    adopt(&url, &args.name, (&args.namespaces, &args.ignore), &args.record, &args.project)
}

/// The database at `url` adopted as the schema `name` of the project `project`.
pub fn adopt(
    url: &str,
    name: &str,
    (namespaces, ignore): (&[String], &[String]),
    record: &str,
    project: &Path,
) -> Result<(), Failure> {
    let options = Options {
        schemas: None,
        out: None,
        schema: Some(name.to_string()),
        rust: Vec::new(),
        format: Format::Human,
        project: project.to_path_buf(),
    };
    let plan = options.plan()?;
    let schemas = plan.schemas.clone().unwrap_or_else(|| PathBuf::from("schema"));
    let output = Output {
        out: schemas.join(name),
        namespaces: namespaces.to_vec(),
        name: Some(name.to_string()),
        ignore: ignore.to_vec(),
    };
    reverse::pull_into(&output, url)?;
    let first = Next::default();
    crate::run(&options, Some((first, crate::Reshape::Keep)))?;
    let folder = plan.out.join(name).join(strata_script::folder::MIGRATIONS);
    let migrator = crate::migrate::folder_migrator(&folder, record)?;
    let mut client = connect(url, "--database-url")?;
    crate::migrate::baseline(&migrator, &folder, &output.ignore()?, url, &mut client, None, false)
}
