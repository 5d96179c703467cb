//! strata's proc-macros. Thin wrappers: the work is in `strata_codegen::macros`, testable
//! without a compiler plugin.

use proc_macro::TokenStream;

/// Expands to exactly what `strata generate` writes to `generated/<name>/models.rs` for the
/// schema folder at this path (relative to the crate's Cargo.toml). Schema errors become
/// compile errors quoting file:line:column; editing a TOML file recompiles.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    strata_codegen::macros::schema_inner(input.into()).into()
}

/// A table described in Rust: the struct is the row, `#[strata(...)]` attributes carry what the
/// TOML format says (docs/format.md). Generates the insert and patch structs with `validate()`,
/// a redacting `Debug`, and the queries; schema errors are compile errors at the attribute.
#[proc_macro_derive(Table, attributes(strata))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    strata_codegen::macros::derive_table(input.into()).into()
}

/// `embed_migrations!("generated/<schema>/migrations")`: a `strata::migrate::Migrator` over the
/// folder's migrations (relative to the crate's Cargo.toml), their SQL in the binary, so an
/// application migrates at startup: `embed_migrations!(...).up(&mut client, None)`.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    strata_codegen::macros::embed_migrations_inner(input.into()).into()
}
