//! What the proc-macros expand to, as functions over `proc_macro2` so they can be tested
//! without a compiler plugin (the diesel_derives pattern).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use strata_script::folder;

/// `schema!("schema/agentflow")`: the folder's models, plus an `include_bytes!` of every TOML
/// file so that editing one recompiles the crate.
pub fn schema_inner(input: TokenStream) -> TokenStream {
    syn::parse2::<syn::LitStr>(input).and_then(|lit| expand_schema(&lit)).unwrap_or_else(syn::Error::into_compile_error)
}

fn expand_schema(lit: &syn::LitStr) -> syn::Result<TokenStream> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let dir = root.join(lit.value());
    let compiled = crate::io::compile_folder(&dir)
        .map_err(|e| syn::Error::new(lit.span(), format!("cannot read schema folder {}: {e}", dir.display())))?;
    let Some(schema) = compiled.schema else {
        let rendered = compiled.diagnostics.render(&compiled.sources);
        return Err(syn::Error::new(lit.span(), format!("schema {} has errors:\n{rendered}", lit.value())));
    };
    models_tokens(&schema, &toml_files(&dir))
        .map_err(|e| syn::Error::new(lit.span(), format!("generated code does not parse: {e}")))
}

/// `strata::embed_migrations!("generated/<schema>/migrations")`: a `strata::migrate::Migrator`
/// over the migrations of the folder (relative to the crate's Cargo.toml), their SQL compiled
/// into the binary (`include_str!`, so an edited file recompiles; a new migration folder needs a
/// rebuild of the crate).
pub fn embed_migrations_inner(input: TokenStream) -> TokenStream {
    syn::parse2::<syn::LitStr>(input)
        .and_then(|lit| embed_migrations(&lit))
        .unwrap_or_else(syn::Error::into_compile_error)
}

fn embed_migrations(lit: &syn::LitStr) -> syn::Result<TokenStream> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let dir = root.join(lit.value());
    let error = |what: String| syn::Error::new(lit.span(), what);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| error(format!("cannot read migrations folder {}: {e}", dir.display())))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut migrations = Vec::new();
    for path in dirs {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let Some((version, rest)) = folder::parse_dir(&name) else {
            return Err(error(format!("{}: a migration folder is named NNNN_name", path.display())));
        };
        let file = |f: &str| {
            let p = path.join(f);
            if p.is_file() { Ok(p.display().to_string()) } else { Err(error(format!("{} is missing", p.display()))) }
        };
        let (up, down) = (file(folder::UP)?, file(folder::DOWN)?);
        migrations.push(quote! {
            ::strata::migrate::Migration::embedded(#version, #rest, include_str!(#up), include_str!(#down))
        });
    }
    Ok(quote! { ::strata::migrate::Migrator::new(vec![#(#migrations),*]) })
}

fn toml_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

/// The models of `schema` as tokens, with the recompile trackers for `files`.
pub fn models_tokens(schema: &crate::model::Schema, files: &[String]) -> Result<TokenStream, proc_macro2::LexError> {
    let models: TokenStream = crate::render::rust::models(schema).parse()?;
    Ok(quote! {
        #( const _: &[u8] = include_bytes!(#files); )*
        #models
    })
}

/// `#[derive(strata::Table)]`: the struct is a table described in Rust. Expands to what the
/// models of a TOML schema hold for that table, the row struct aside (it is the input): its
/// redacting `Debug`, `New<Row>` and `<Row>Patch` with `validate()`, and the queries. They are
/// put in a hidden module (so its imports cannot clash with the caller's) and re-exported.
pub fn derive_table(input: TokenStream) -> TokenStream {
    syn::parse2::<syn::ItemStruct>(input)
        .and_then(|item| expand_table(&item))
        .unwrap_or_else(syn::Error::into_compile_error)
}

fn expand_table(item: &syn::ItemStruct) -> syn::Result<TokenStream> {
    let (translation, table) = crate::source::rust::translate_struct(item, "derive")?;
    let compiled = crate::compile_toml_str([("derive", translation.toml.as_str())]);
    // Every error, each at the Rust tokens it is about.
    let errors = compiled.diagnostics.0.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).map(|d| {
        let span = d.span.map_or(translation.fallback, |s| translation.origin(s.start as usize));
        let help = d.help.as_ref().map(|h| format!("\nhelp: {h}")).unwrap_or_default();
        syn::Error::new(span, format!("error[{}]: {}{help}", d.code, d.message))
    });
    if let Some(error) = errors.reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        return Err(error);
    }
    let schema = compiled.schema.expect("a schema without errors");
    let t = schema.table(&schema.qualify(&table)).expect("the derived table");
    let row = &item.ident;
    let items: TokenStream = crate::render::rust::derived(&schema, t, &row.to_string())
        .parse()
        .map_err(|e| syn::Error::new(row.span(), format!("generated code does not parse: {e}")))?;
    let module = quote::format_ident!("__strata_{}", row);
    let (new, patch) = (quote::format_ident!("New{}", row), quote::format_ident!("{}Patch", row));
    let vis = &item.vis;
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_snake_case)]
        mod #module {
            use super::*;
            #items
        }
        #[allow(unused_imports)]
        #vis use #module::{#new, #patch};
    })
}
