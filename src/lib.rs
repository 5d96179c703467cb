//! The strata runtime: what generated code and its tests use at run time.
//!
//! It never depends on the compiler (`strata-codegen`); the CLI, behind the default `cli`
//! feature, does. Generated code depends on `strata` with `default-features = false`.

mod conn;
pub mod de;
pub mod sql_value;
pub mod table;
mod union_type;
mod validate;

pub use conn::{Client, Conn, Params, Transaction, Tx};
pub use table::{Columns, Table, Visit};
pub use validate::{Redacted, Validate, Violation, Violations};

/// What a generated query helper can fail with.
#[derive(Debug)]
pub enum Error {
    /// The value broke rules of the declaration; nothing was sent to the database.
    Invalid(Violations),
    Db(postgres::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(v) => write!(f, "invalid: {v}"),
            Error::Db(e) => match e.as_db_error() {
                Some(db) => write!(f, "database: {}", db.message()),
                None => write!(f, "database: {e}"),
            },
        }
    }
}

impl std::error::Error for Error {}

impl From<Violations> for Error {
    fn from(v: Violations) -> Self {
        Error::Invalid(v)
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Db(e)
    }
}

/// Runs `f` in a transaction in which `setting` (such as `app.current_tenant_id`) is `value`.
/// The value is bound as a parameter to `set_config(..., true)`, so it cannot inject SQL and it
/// ends with the transaction: a pooled connection never carries one tenant into the next request.
pub fn with_setting<C: Conn, T>(
    conn: &mut C,
    setting: &str,
    value: &str,
    f: impl FnOnce(&mut C::Tx<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut tx = conn.transaction()?;
    let statement = tx.statement("SELECT set_config($1, $2, true)")?;
    tx.execute(&statement, &[&setting, &value])?;
    let out = f(&mut tx)?;
    tx.commit()?;
    Ok(out)
}

/// The crates generated code uses, re-exported so it depends on `strata` alone.
pub mod reexports {
    pub use chrono;
    pub use erased_serde;
    pub use postgres;
    pub use regex;
    pub use rust_decimal;
    pub use serde;
    pub use serde_json;
    pub use uuid;
}

#[cfg(feature = "testing")]
pub mod testing;

/// `schema!("schema/<system>")`: the generated models of a schema folder, in place.
#[cfg(feature = "macros")]
pub use strata_macros::schema;

/// `#[derive(strata::Table)]`: a table described in Rust (the trait of the same name is what it implements).
#[cfg(feature = "macros")]
pub use strata_macros::Table;
