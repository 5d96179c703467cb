//! What the proc-macros expand to, as functions over `proc_macro2` so they can be tested
//! without a compiler plugin (the diesel_derives pattern).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

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
