//! A query described once, run by any executor: the SQL and bindings of a generated helper as a
//! [`Query`] value, and the [`Db`] trait that runs it.
//!
//! `strata::table` builds every query (insert, get, update, upsert, batch insert, ...) for any
//! [`Table`](crate::Table); generated helpers hand it to `db.run(...)`. A synchronous [`Conn`]
//! runs it and returns the result; an asynchronous connection (feature `async`) returns a future
//! of it. So each query exists once, whatever runs it, and a generated helper is one line:
//!
//! ```text
//! pub fn get<'a, D: strata::Db>(db: &'a mut D, id: &'a Uuid) -> D::Out<'a, Option<User>> {
//!     db.run(strata::table::get::<Self>(vec![id.into()]))
//! }
//! ```

use std::borrow::Cow;

use postgres::Row;
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};

use crate::Error;
use crate::conn::Conn;

/// One bound value of a query. It borrows what the caller passed for as long as the query lives,
/// so a query can be run later (by an async executor) without copying values; the few values
/// helpers take by value or unsized (`&str`, `Option<&T>`, a limit) are held here directly.
#[derive(Clone, Copy, Debug)]
pub struct Param<'a>(Value<'a>);

#[derive(Clone, Copy)]
enum Value<'a> {
    Ref(&'a (dyn ToSql + Sync)),
    Opt(Option<&'a (dyn ToSql + Sync)>),
    Text(Option<&'a str>),
    Int(i64),
}

impl std::fmt::Debug for Value<'_> {
    /// Values are never shown: a parameter may be a sensitive column's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Param")
    }
}

impl<'a> Param<'a> {
    /// The value as the `postgres` crate binds it.
    pub(crate) fn value(&self) -> &(dyn ToSql + Sync) {
        self
    }
}

impl<'a, T: ToSql + Sync> From<&'a T> for Param<'a> {
    fn from(value: &'a T) -> Self {
        Param(Value::Ref(value))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param(Value::Text(Some(value)))
    }
}

impl<'a, T: ToSql + Sync> From<Option<&'a T>> for Param<'a> {
    fn from(value: Option<&'a T>) -> Self {
        Param(Value::Opt(value.map(|v| v as &(dyn ToSql + Sync))))
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Param(Value::Text(value))
    }
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param(Value::Int(value))
    }
}

impl<'a> From<&'a (dyn ToSql + Sync)> for Param<'a> {
    fn from(value: &'a (dyn ToSql + Sync)) -> Self {
        Param(Value::Ref(value))
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        // Only reached through `to_sql_checked` below, which checks the inner value's type.
        match self.0 {
            Value::Ref(v) | Value::Opt(Some(v)) => v.to_sql_checked(ty, out),
            Value::Text(Some(s)) => s.to_sql_checked(ty, out),
            Value::Int(n) => n.to_sql_checked(ty, out),
            Value::Opt(None) | Value::Text(None) => Ok(IsNull::Yes),
        }
    }

    /// Every type: the inner value is checked when it is bound.
    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, ty: &Type) -> Format {
        match self.0 {
            Value::Ref(v) | Value::Opt(Some(v)) => v.encode_format(ty),
            _ => Format::Binary,
        }
    }

    to_sql_checked!();
}

/// One statement with its bound values.
#[derive(Debug)]
pub struct Statement<'a> {
    pub sql: Cow<'a, str>,
    pub params: Vec<Param<'a>>,
}

impl<'a> Statement<'a> {
    pub fn new(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>) -> Self {
        Statement { sql: sql.into(), params }
    }

    /// The values as the `postgres` crate takes them.
    pub fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(Param::value).collect()
    }
}

/// How a statement's result is read: which of the client's calls runs it, and what turns its
/// answer into the query's output.
pub enum Read<O> {
    /// Every row.
    Rows(fn(Vec<Row>) -> Result<O, postgres::Error>),
    /// At most one row.
    Opt(fn(Option<Row>) -> Result<O, postgres::Error>),
    /// Exactly one row.
    One(fn(Row) -> Result<O, postgres::Error>),
    /// How many rows it touched.
    Count(fn(u64) -> O),
}

/// The rows of a batch that go to the database together: one multi-row `INSERT`, or one binary
/// `COPY` (for many rows).
#[derive(Debug)]
pub enum Batch<'a> {
    Insert(Statement<'a>),
    /// `COPY <table> (<columns>) FROM STDIN BINARY`; the column types are those of the
    /// parameters of `types_of` (a one-row `INSERT` of the same columns), as the server says.
    Copy {
        copy: String,
        types_of: String,
        rows: Vec<Vec<Param<'a>>>,
    },
}

/// The work of a query.
pub enum Work<'a, O> {
    /// One statement.
    Statement(Statement<'a>, Read<O>),
    /// Several parts in one transaction (a savepoint inside one): all or nothing; read from how
    /// many rows they wrote.
    Batch(Vec<Batch<'a>>, fn(u64) -> O),
    /// Nothing to send: the answer is known (an empty batch, a soft delete on a table without).
    Known(O),
}

/// A query: its work, and the table's constraints that name the field of a database error.
pub struct Query<'a, O> {
    pub work: Work<'a, O>,
    pub constraints: &'static [(&'static str, &'static str)],
}

impl<O> std::fmt::Debug for Query<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.work {
            Work::Statement(statement, _) => f.debug_tuple("Query").field(statement).finish(),
            Work::Batch(parts, _) => f.debug_tuple("Query").field(parts).finish(),
            Work::Known(_) => f.write_str("Query(known)"),
        }
    }
}

impl<O> Query<'_, O> {
    /// The error of a statement of this query, naming the field of a constraint it broke.
    pub fn failed(&self, e: postgres::Error) -> Error {
        Error::from_db(e, self.constraints)
    }
}

/// What generated helpers run on. A synchronous [`Conn`] (a `postgres` client or transaction,
/// [`crate::Client`]) returns the result; an asynchronous connection (feature `async`) returns a
/// future of it. `Out<'a, O>` is that result or future.
pub trait Db {
    type Out<'a, O: Send + 'a>
    where
        Self: 'a;

    /// Runs `query` (a query that could not be built, such as a row that failed validation,
    /// comes out as its error, and nothing is sent).
    fn run<'a, O: Send + 'a>(&'a mut self, query: Result<Query<'a, O>, Error>) -> Self::Out<'a, O>;
}

impl<C: Conn> Db for C {
    type Out<'a, O: Send + 'a>
        = Result<O, Error>
    where
        Self: 'a;

    fn run<'a, O: Send + 'a>(&'a mut self, query: Result<Query<'a, O>, Error>) -> Result<O, Error> {
        let Query { work, constraints } = query?;
        let failed = |e| Error::from_db(e, constraints);
        match work {
            Work::Statement(statement, read) => run_on(self, &statement, read).map_err(failed),
            Work::Batch(parts, read) => batch_on(self, &parts).map(read).map_err(failed),
            Work::Known(out) => Ok(out),
        }
    }
}

/// Runs one statement on a synchronous connection.
fn run_on<O>(db: &mut impl Conn, statement: &Statement<'_>, read: Read<O>) -> Result<O, postgres::Error> {
    let prepared = db.statement(&statement.sql)?;
    let values = statement.values();
    match read {
        Read::Rows(read) => read(db.query(&prepared, &values)?),
        Read::Opt(read) => read(db.query_opt(&prepared, &values)?),
        Read::One(read) => read(db.query_one(&prepared, &values)?),
        Read::Count(read) => Ok(read(db.execute(&prepared, &values)?)),
    }
}

/// Runs a batch's parts in one transaction on a synchronous connection; how many rows it wrote.
fn batch_on(db: &mut impl Conn, parts: &[Batch<'_>]) -> Result<u64, postgres::Error> {
    use crate::conn::Tx;
    let mut tx = db.transaction()?;
    let mut written = 0;
    for part in parts {
        written += match part {
            Batch::Insert(statement) => {
                let prepared = tx.statement(&statement.sql)?;
                tx.execute(&prepared, &statement.values())?
            }
            Batch::Copy { copy, types_of, rows } => {
                let types = tx.statement(types_of)?.params().to_vec();
                let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(tx.copy_in(copy)?, &types);
                for row in rows {
                    writer.write(&row.iter().map(Param::value).collect::<Vec<_>>())?;
                }
                writer.finish()?
            }
        };
    }
    tx.commit()?;
    Ok(written)
}
