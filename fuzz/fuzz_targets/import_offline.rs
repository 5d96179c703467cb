//! The offline SQL source (`strata import --offline`) on any script: read without a panic, and
//! when it reads, the folder it writes generates one statement under each header.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(read) = strata_codegen::source::sql::import("fuzz", "public", text) else { return };
    common::one_statement_each(common::through_toml(&read), "an imported script");
});
