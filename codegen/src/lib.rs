//! The strata compiler: schema sources -> model -> checks -> targets.
//!
//! Everything here is pure except `io`, the one edge that reads a schema folder and writes
//! generated files; the CLI, the macros and build scripts call it.

pub mod builder;
pub mod check;
pub mod diagnostics;
pub mod generate;
pub mod io;
pub mod macros;
pub mod model;
pub mod plan;
pub mod render;
pub mod source;
pub mod sql_deps;

pub use builder::Builder;
use diagnostics::{Diagnostics, FileId, Sources};
use model::Schema;

/// One schema compiled: its source text (to render diagnostics), the model when it has no
/// errors, and every diagnostic, errors and warnings, sorted by position.
pub struct Compiled {
    pub sources: Sources,
    pub schema: Option<Schema>,
    pub diagnostics: Diagnostics,
}

/// Parses the TOML files of one schema and checks the result.
pub fn compile_toml(sources: Sources, files: &[FileId]) -> Compiled {
    let mut diagnostics = Diagnostics::default();
    let schema = source::toml::parse(&sources, files, &mut diagnostics);
    if let Some(schema) = &schema {
        diagnostics.0.extend(check::check(schema).0);
    }
    let diagnostics = diagnostics.sorted();
    let schema = schema.filter(|_| !diagnostics.has_errors());
    Compiled { sources, schema, diagnostics }
}

/// Compiles TOML given as text, one `(name, text)` per file: for tests and benchmarks.
pub fn compile_toml_str<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Compiled {
    let mut sources = Sources::default();
    let ids: Vec<FileId> = files.into_iter().map(|(name, text)| sources.add(name, text)).collect();
    compile_toml(sources, &ids)
}
