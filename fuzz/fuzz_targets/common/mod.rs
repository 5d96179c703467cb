//! What the fuzz targets assert of a compiled schema.

use strata_codegen::Compiled;
use strata_codegen::model::Schema;

/// Every SQL file generated from `compiled` (when it compiled) holds one statement under each
/// header, as psql and the runner cut it, and each parses; unless the schema holds an expression
/// sqlparser cannot read (W0007), written as it is: then its tokens prove it.
pub fn one_statement_each(compiled: Compiled, what: &str) {
    let Some(schema) = compiled.schema else { return };
    let unread = compiled.diagnostics.0.iter().any(|d| d.code == "W0007");
    for (path, sql) in strata_codegen::generate::files(&schema).into_iter().filter(|(p, _)| p.ends_with(".sql")) {
        let one_each = match unread {
            false => strata_codegen::render::sql::statements_parse(&sql),
            true => strata_codegen::render::sql::statements_split(&sql),
        };
        if let Err(e) = one_each {
            panic!("{path} of {what}: {e}");
        }
    }
}

/// A model read from a database or a script, written as TOML (what `strata pull` and `strata
/// import` write) and compiled again, as users then generate from it. (Each target compiles
/// this module: those that read no model leave this unused.)
#[allow(dead_code)]
pub fn through_toml(read: &Schema) -> Compiled {
    let files = strata_codegen::render::toml::files(read);
    strata_codegen::compile_toml_str(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
}
