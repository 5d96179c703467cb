//! Any text as a TOML schema: the compiler reports, it never panics or hangs.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let compiled = strata_codegen::compile_toml_str([("fuzz.toml", text)]);
    let _ = compiled.diagnostics.render(&compiled.sources);
});
