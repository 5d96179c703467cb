//! Any text as a Rust schema source (`#[derive(strata::Table)]` structs): reported, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let compiled = strata_codegen::compile_rust("fuzz", "fuzz.rs", text);
    let _ = compiled.diagnostics.render(&compiled.sources);
});
