//! The live source's connections: `postgres::Client`s answer the catalog queries of
//! `strata_codegen::source::live`, every column read as text.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use strata_codegen::source::live::{Catalog, Rows};

/// A connected database, as the live source reads it.
pub struct PgCatalog<'a>(pub &'a mut postgres::Client);

impl Catalog for PgCatalog<'_> {
    fn rows(&mut self, sql: &str) -> Result<Rows, String> {
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

/// Several connections to one database: `rows_all` runs the queries on all of them at once,
/// each connection taking the next query not yet taken, so that the costly ones (columns,
/// constraints, indexes) run side by side on the server's cores. Each query is its own
/// read-only transaction, as on one connection.
pub struct PgCatalogs(pub Vec<postgres::Client>);

impl PgCatalogs {
    /// How many connections introspection opens: one per costly query.
    pub const CONNECTIONS: usize = 3;

    /// `CONNECTIONS` connections made by `connect`.
    pub fn connect<E>(mut connect: impl FnMut() -> Result<postgres::Client, E>) -> Result<PgCatalogs, E> {
        (0..Self::CONNECTIONS).map(|_| connect()).collect::<Result<_, _>>().map(PgCatalogs)
    }
}

impl Catalog for PgCatalogs {
    fn rows(&mut self, sql: &str) -> Result<Rows, String> {
        let client = self.0.first_mut().ok_or("no connection")?;
        PgCatalog(client).rows(sql)
    }

    fn rows_all(&mut self, queries: &[String]) -> Vec<Result<Rows, String>> {
        let next = AtomicUsize::new(0);
        let answers: Vec<Mutex<Option<Result<Rows, String>>>> = queries.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for client in &mut self.0 {
                let (next, answers) = (&next, &answers);
                s.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(query) = queries.get(i) else { break };
                        let answer = PgCatalog(client).rows(query);
                        *answers[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
                    }
                });
            }
        });
        let unanswered = || Err("no connection answered".to_string());
        answers
            .into_iter()
            .map(|a| a.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(unanswered))
            .collect()
    }
}
