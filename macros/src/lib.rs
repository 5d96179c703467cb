//! `schema!("schema/agentflow")`: the models of a schema folder, expanded in place.
//! A thin wrapper: the work is `strata_codegen::macros::schema_inner`.

use proc_macro::TokenStream;

/// Expands to exactly what `strata generate` writes to `generated/<name>/models.rs` for the
/// schema folder at this path (relative to the crate's Cargo.toml). Schema errors become
/// compile errors quoting file:line:column; editing a TOML file recompiles.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    strata_codegen::macros::schema_inner(input.into()).into()
}
