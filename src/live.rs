//! The live source's connection: a `postgres::Client` answers the catalog queries of
//! `strata_codegen::source::live`, every column read as text.

use strata_codegen::source::live::Catalog;

/// A connected database, as the live source reads it.
pub struct PgCatalog<'a>(pub &'a mut postgres::Client);

impl Catalog for PgCatalog<'_> {
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        // The simple protocol: every value arrives as text, whatever its type.
        let messages = self.0.simple_query(sql).map_err(|e| e.to_string())?;
        let rows = messages.into_iter().filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => {
                Some((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect())
            }
            _ => None,
        });
        Ok(rows.collect())
    }
}
