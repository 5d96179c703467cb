//! Every schema strata accepts renders SQL in which each statement is one statement: no accepted
//! name or fragment can end a statement and start another. Each statement parses, unless the
//! schema holds an expression sqlparser cannot read (W0007), written as it is; then its tokens
//! prove it.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|text: &str| {
    common::one_statement_each(strata_codegen::compile_toml_str([("fuzz.toml", text)]), "an accepted schema");
});
