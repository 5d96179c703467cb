//! Every schema strata accepts renders SQL in which each statement parses as one statement: no
//! accepted name or fragment can end a statement and start another.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let compiled = strata_codegen::compile_toml_str([("fuzz.toml", text)]);
    let Some(schema) = compiled.schema else { return };
    for (path, sql) in strata_codegen::generate::files(&schema) {
        if path.ends_with(".sql")
            && let Err(e) = strata_codegen::render::sql::statements_parse(&sql)
        {
            panic!("{path} of an accepted schema: {e}");
        }
    }
});
