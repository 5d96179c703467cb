//! The strata compiler: schema sources -> model -> checks -> targets.
//!
//! Everything here is pure except `io`, the one edge that reads a schema folder and writes
//! generated files; the CLI, the macros and build scripts call it.

pub mod builder;
pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod generate;
pub mod io;
pub mod lint;
pub mod macros;
pub mod migrations;
pub mod model;
pub mod plan;
pub mod project;
pub mod render;
pub mod rust_names;
pub mod source;
pub mod sql;
pub mod stack;
pub mod verify;

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

/// Compiles a Rust schema source (`#[derive(strata::Table)]` structs and `union_type!`s) named
/// `name`: it is translated to TOML and compiled as such, and diagnostics point into the Rust.
pub fn compile_rust(schema: &str, path: &str, text: &str) -> Compiled {
    let mut sources = Sources::default();
    let rust = sources.add(path, text);
    let span_of = |s: proc_macro2::Span| diagnostics::Span::new(rust, s.byte_range());
    let translated = syn::parse_file(text).and_then(|file| source::rust::translate_file(&file, schema));
    let translation = match translated {
        Ok(t) => t,
        Err(e) => {
            let diagnostics =
                e.into_iter().map(|e| diagnostics::Diagnostic::rust_source(&e.to_string(), span_of(e.span())));
            return Compiled { sources, schema: None, diagnostics: Diagnostics(diagnostics.collect()).sorted() };
        }
    };
    let toml = sources.add(format!("{path} (as TOML)"), translation.toml.clone());
    let mut compiled = compile_toml(sources, &[toml]);
    let remap = |span: &mut diagnostics::Span| {
        if span.file == toml {
            *span = span_of(translation.origin(span.start as usize));
        }
    };
    for d in &mut compiled.diagnostics.0 {
        if let Some(span) = &mut d.span {
            remap(span);
        }
        if let Some((span, _)) = &mut d.related {
            remap(span);
        }
    }
    compiled.diagnostics = std::mem::take(&mut compiled.diagnostics).sorted();
    compiled
}

/// Compiles TOML given as text, one `(name, text)` per file: for tests and benchmarks.
pub fn compile_toml_str<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Compiled {
    let mut sources = Sources::default();
    let ids: Vec<FileId> = files.into_iter().map(|(name, text)| sources.add(name, text)).collect();
    compile_toml(sources, &ids)
}
