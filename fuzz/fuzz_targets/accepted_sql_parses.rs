//! Every schema strata accepts renders SQL in which each statement is one statement: no accepted
//! name or fragment can end a statement and start another. Each statement parses, unless the
//! schema holds an expression sqlparser cannot read (W0007), written as it is; then its tokens
//! prove it.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let compiled = strata_codegen::compile_toml_str([("fuzz.toml", text)]);
    let Some(schema) = compiled.schema else { return };
    let unread = compiled.diagnostics.0.iter().any(|d| d.code == "W0007");
    for (path, sql) in strata_codegen::generate::files(&schema).into_iter().filter(|(p, _)| p.ends_with(".sql")) {
        let one_each = match unread {
            false => strata_codegen::render::sql::statements_parse(&sql),
            true => strata_codegen::render::sql::statements_split(&sql),
        };
        if let Err(e) = one_each {
            panic!("{path} of an accepted schema: {e}");
        }
    }
});
