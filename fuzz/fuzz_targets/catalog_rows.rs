//! The introspection reader on any catalog answer (a hostile database, a damaged one): rows are
//! read into a model without a panic, and the folder `strata pull` writes of it generates one
//! statement under each header.
//!
//! Input: the answers to the live source's queries in order, separated by U+001C; rows by
//! U+001D; columns by U+001A; U+0018 alone is NULL.
#![no_main]

mod common;

use strata_codegen::source::live::{self, Catalog, Rows};

struct Answers<'a>(std::str::Split<'a, char>);

impl Catalog for Answers<'_> {
    fn rows(&mut self, _sql: &str) -> Result<Rows, String> {
        let answer = self.0.next().unwrap_or("");
        let cell = |c: &str| (c != "\u{18}").then(|| c.to_string());
        Ok(answer.split('\u{1d}').filter(|r| !r.is_empty()).map(|r| r.split('\u{1a}').map(cell).collect()).collect())
    }
}

libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(read) = live::introspect(&mut Answers(text.split('\u{1c}')), "fuzz", &["public"]) else { return };
    common::one_statement_each(common::through_toml(&read), "a pulled schema");
});
