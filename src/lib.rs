//! The strata runtime: what generated code and its tests use at run time.
//!
//! It never depends on the compiler (`strata-codegen`); the CLI, behind the default `cli`
//! feature, does. Generated code depends on `strata` with `default-features = false`.

/// The generated helpers on tokio-postgres and a pool (feature `async`).
#[cfg(feature = "async")]
pub mod async_conn;
#[doc(hidden)]
pub mod composite;
mod conn;
pub mod de;
#[doc(hidden)]
pub mod domain;
pub mod migrate;
pub mod query;
mod range;
pub mod script;
pub mod sql_value;
pub mod table;
pub mod tenancy;
mod union_type;
mod validate;

pub use conn::{Client, Conn, Params, Transaction, Tx};
pub use query::{Db, Param, Query};
pub use range::Range;
pub use table::{Columns, Key, Table, Visit};
pub use validate::{Redacted, Validate, Violation, Violations};

/// What every generated query helper fails with.
///
/// Its `Debug` leaves out what PostgreSQL's error carries about the row (`DETAIL: Failing row
/// contains (...)`, the key's values): a sensitive column's value must never reach a log.
pub enum Error {
    /// The value broke rules of the declaration; nothing was sent to the database.
    Invalid(Violations),
    /// A row of a batch (its index) broke rules of the declaration; nothing was sent.
    InvalidRow(usize, Violations),
    /// PostgreSQL refused a write for one of the table's constraints.
    Constraint(ConstraintViolation),
    /// Anything else the database or the connection reported.
    Db(postgres::Error),
    /// No connection could be had from a pool (feature `async`): why.
    Pool(String),
}

/// A constraint PostgreSQL enforced: which one, of what kind, and the field when strata knows it
/// (a unique violation on `users_email_key` names `email`). `Debug` shows no row values.
pub struct ConstraintViolation {
    pub constraint: String,
    /// `unique`, `foreign_key`, `check`, `not_null` or `exclusion`.
    pub kind: &'static str,
    pub field: Option<&'static str>,
    pub source: postgres::Error,
}

impl Error {
    /// The database's own error, when the database reported one.
    pub fn postgres(&self) -> Option<&postgres::Error> {
        match self {
            Error::Invalid(_) | Error::InvalidRow(..) | Error::Pool(_) => None,
            Error::Constraint(c) => Some(&c.source),
            Error::Db(e) => Some(e),
        }
    }

    /// A database error, as a `Constraint` when it names one; `fields` maps the table's
    /// constraint names to their fields (generated: `Table::CONSTRAINTS`).
    pub fn from_db(e: postgres::Error, fields: &[(&'static str, &'static str)]) -> Error {
        use postgres::error::SqlState;
        let Some(db) = e.as_db_error() else { return Error::Db(e) };
        let kind = match *db.code() {
            SqlState::UNIQUE_VIOLATION => "unique",
            SqlState::FOREIGN_KEY_VIOLATION => "foreign_key",
            SqlState::CHECK_VIOLATION => "check",
            SqlState::NOT_NULL_VIOLATION => "not_null",
            SqlState::EXCLUSION_VIOLATION => "exclusion",
            _ => return Error::Db(e),
        };
        let constraint = db.constraint().unwrap_or_default().to_string();
        let field = fields.iter().find(|(c, _)| *c == constraint).map(|(_, f)| *f).or_else(|| {
            let column = db.column()?;
            fields.iter().map(|(_, f)| *f).find(|f| *f == column)
        });
        Error::Constraint(ConstraintViolation { constraint, kind, field, source: e })
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = |e: &postgres::Error| e.as_db_error().map_or(e.to_string(), |db| without_values(db).into_owned());
        match self {
            Error::Invalid(v) => write!(f, "invalid: {v}"),
            Error::InvalidRow(i, v) => write!(f, "row {i}: invalid: {v}"),
            Error::Constraint(c) => match c.field {
                Some(field) => write!(f, "{field}: {}", message(&c.source)),
                None => write!(f, "database: {}", message(&c.source)),
            },
            Error::Db(e) => write!(f, "database: {}", message(e)),
            Error::Pool(e) => write!(f, "pool: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// The database error without the row's values: code, message, and where it happened.
struct WithoutRow<'a>(&'a postgres::Error);

impl std::fmt::Debug for WithoutRow<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => f
                .debug_struct("DbError")
                .field("code", &db.code().code())
                .field("message", &without_values(db))
                .field("table", &db.table())
                .field("column", &db.column())
                .field("constraint", &db.constraint())
                .finish_non_exhaustive(),
            None => write!(f, "{}", self.0),
        }
    }
}

/// PostgreSQL's message without the value it quotes: a data exception (SQLSTATE class 22:
/// `invalid input syntax for type cidr: "..."`, `value "..." is out of range`) repeats the text
/// it was given, which may be a sensitive column's, and names no column to tell.
fn without_values(db: &postgres::error::DbError) -> std::borrow::Cow<'_, str> {
    let message = db.message();
    if !db.code().code().starts_with("22") || !message.contains('"') {
        return message.into();
    }
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('"').enumerate() {
        // Odd parts are inside quotes (a quote left open: to the end).
        out.push_str(if i % 2 == 1 { "\"[redacted]\"" } else { part });
    }
    out.into()
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(v) => f.debug_tuple("Invalid").field(v).finish(),
            Error::InvalidRow(i, v) => f.debug_tuple("InvalidRow").field(i).field(v).finish(),
            Error::Constraint(c) => f.debug_tuple("Constraint").field(c).finish(),
            Error::Db(e) => f.debug_tuple("Db").field(&WithoutRow(e)).finish(),
            Error::Pool(e) => f.debug_tuple("Pool").field(e).finish(),
        }
    }
}

impl std::fmt::Debug for ConstraintViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConstraintViolation")
            .field("constraint", &self.constraint)
            .field("kind", &self.kind)
            .field("field", &self.field)
            .field("source", &WithoutRow(&self.source))
            .finish()
    }
}

impl From<Violations> for Error {
    fn from(v: Violations) -> Self {
        Error::Invalid(v)
    }
}

#[cfg(feature = "async")]
impl From<deadpool_postgres::PoolError> for Error {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => Error::Db(e),
            e => Error::Pool(e.to_string()),
        }
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
    #[cfg(feature = "async")]
    pub use {deadpool_postgres, tokio_postgres};
}

/// Reading a live database's catalog into the model (the CLI's side of the live source).
#[cfg(feature = "cli")]
pub mod live;

#[cfg(feature = "scratch")]
pub mod scratch;

#[cfg(feature = "testing")]
pub mod testing;

/// `embed_migrations!("generated/<schema>/migrations")`: a `migrate::Migrator` over migrations
/// compiled into the binary.
#[cfg(feature = "macros")]
pub use strata_macros::embed_migrations;
/// `schema!("schema/<system>")`: the generated models of a schema folder, in place.
#[cfg(feature = "macros")]
pub use strata_macros::schema;

/// `#[derive(strata::Table)]`: a table described in Rust (the trait of the same name is what it implements).
#[cfg(feature = "macros")]
pub use strata_macros::Table;
