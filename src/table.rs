//! What every generated table implements, and its queries written once, generically.
//!
//! Generated code holds only what differs per table (names, SQL text, field bindings); the query
//! logic lives here, compiled once per row type instead of written out per table. Each function
//! builds a [`Query`]; a [`Db`](crate::Db) runs it, synchronously or not.

use std::borrow::Cow;

use postgres::Row;
use postgres::types::ToSql;

use crate::query::{Batch, Param, Query, Read, Statement, Work};
use crate::{Error, Validate};

/// A table's row struct, and what the generic queries need to know of the table.
/// Rows are `Send` and `Sync`, so an async helper's future can move between threads.
pub trait Table: Sized + Send + Sync + std::fmt::Debug + PartialEq {
    /// The table's name, quoted for SQL.
    const TABLE: &'static str;
    /// The columns, in declaration order, as the queries select them.
    const COLUMNS: &'static str;
    /// The primary key condition over `$1`, `$2`, ... in key order; empty without a key.
    const KEY: &'static str;
    /// The soft-delete column (quoted) where the table declares one: its rows are then left out
    /// of `get`, `count`, finders and lists once marked.
    const SOFT_DELETE: Option<&'static str> = None;
    /// The table's constraints that belong to one field, `(constraint, field)`: what names the
    /// field of an `Error::Constraint`.
    const CONSTRAINTS: &'static [(&'static str, &'static str)] = &[];
    /// Whether the table has row-level security: a batch insert then never uses `COPY`, which
    /// PostgreSQL refuses under a policy.
    const ROW_SECURITY: bool = false;
    /// The keys a row can be upserted on: the primary key, then each unique key that can decide
    /// an `ON CONFLICT` (one `upsert_by_<key>` helper each).
    const KEYS: &'static [Key] = &[];
    /// The table's tenant policy (the `tenant` shorthand), which `strata::tenancy::prove` proves.
    const TENANT: Option<crate::tenancy::Tenant> = None;

    /// What an insert takes.
    type New: Validate + Send + Sync + std::fmt::Debug + PartialEq;
    /// What an update takes.
    type Patch: Validate + Default + Send + Sync + std::fmt::Debug + PartialEq;

    fn from_row(row: &Row) -> Result<Self, postgres::Error>;

    /// The primary key's values, in key order (empty without a key).
    fn key(&self) -> Vec<Param<'_>>;

    /// The insert that would store this row again (generated columns are left out).
    fn to_new(&self) -> Self::New;

    /// The patch that sets every column outside the primary key to this row's value.
    fn to_patch(&self) -> Self::Patch;

    /// The columns an insert names, with their values: the ones set, and the required ones.
    fn bind_new<'a>(new: &'a Self::New, columns: &mut Columns<'a>);

    /// The columns a patch sets.
    fn bind_patch<'a>(patch: &'a Self::Patch, columns: &mut Columns<'a>);
}

/// A primary or unique key, as an upsert names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The `ON CONFLICT` target: `(a, b)`, with the predicate of a partial unique index.
    pub target: &'static str,
    /// The key's columns, quoted for SQL.
    pub columns: &'static [&'static str],
}

/// Visits every table of a schema (generated `visit_tables`), for code generic over tables.
pub trait Visit {
    fn visit<T: Table>(&mut self);
}

/// The columns a write names, each with its bound value, after any parameters already bound.
pub struct Columns<'a> {
    names: Vec<(&'static str, &'static str)>,
    params: Vec<Param<'a>>,
}

impl<'a> Columns<'a> {
    /// Columns bound after `params` (a key: `$1`...).
    pub fn after(params: Vec<Param<'a>>) -> Self {
        Columns { names: Vec::with_capacity(16), params }
    }

    /// `column` (quoted) is `value`.
    pub fn set(&mut self, column: &'static str, value: &'a (dyn ToSql + Sync)) {
        self.set_as(column, "", value);
    }

    /// `column` is `value` sent as text and cast (`::text::interval`), for types the `postgres`
    /// crate has no Rust mapping for.
    pub fn set_as(&mut self, column: &'static str, cast: &'static str, value: &'a (dyn ToSql + Sync)) {
        self.names.push((column, cast));
        self.params.push(value.into());
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The number of the first parameter of these columns.
    fn first(&self) -> usize {
        self.params.len() - self.names.len() + 1
    }

    /// `c1, c2`.
    fn list(&self) -> String {
        self.names.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
    }

    /// `($1, $2::text::t)`, numbered from `first`.
    fn tuple(&self, first: usize) -> String {
        let values: Vec<String> =
            self.names.iter().enumerate().map(|(i, (_, cast))| format!("${}{cast}", first + i)).collect();
        format!("({})", values.join(", "))
    }

    /// `(c1, c2) VALUES ($1, $2::text::t)`, numbering after the parameters bound first.
    fn values(&self) -> String {
        format!("({}) VALUES {}", self.list(), self.tuple(self.first()))
    }

    /// `c1 = $2, c2 = $3::text::t`.
    fn assignments(&self) -> String {
        let first = self.first();
        let sets: Vec<String> =
            self.names.iter().enumerate().map(|(i, (name, cast))| format!("{name} = ${}{cast}", first + i)).collect();
        sets.join(", ")
    }
}

/// A query, or why it was not built (a row that failed validation).
pub type Built<'a, O> = Result<Query<'a, O>, Error>;

/// One statement on `T`'s table, read by `read`.
fn statement<'a, T: Table, O>(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>, read: Read<O>) -> Built<'a, O> {
    Ok(Query { work: Work::Statement(Statement::new(sql, params), read), constraints: T::CONSTRAINTS })
}

/// The rows `sql` returns, read as `T`.
pub fn all<'a, T: Table>(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>) -> Built<'a, Vec<T>> {
    statement::<T, _>(sql, params, Read::Rows(|rows| rows.iter().map(T::from_row).collect()))
}

/// The row `sql` returns, if any, read as `T`.
pub fn opt<'a, T: Table>(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>) -> Built<'a, Option<T>> {
    statement::<T, _>(sql, params, Read::Opt(|row| row.as_ref().map(T::from_row).transpose()))
}

/// The one row `sql` returns, read as `T`.
fn one<'a, T: Table>(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>) -> Built<'a, T> {
    statement::<T, _>(sql, params, Read::One(|row| T::from_row(&row)))
}

/// How many rows `sql` touched.
pub fn execute<'a, T: Table>(sql: impl Into<Cow<'a, str>>, params: Vec<Param<'a>>) -> Built<'a, u64> {
    statement::<T, _>(sql, params, Read::Count(|n| n))
}

/// ` AND <live condition>` for a table with soft delete, else nothing.
fn live<T: Table>(prefix: &str) -> String {
    T::SOFT_DELETE.map(|c| format!(" {prefix} {c} IS NULL")).unwrap_or_default()
}

/// The columns `new` sets, bound.
fn bound<T: Table>(new: &T::New) -> Columns<'_> {
    let mut columns = Columns::after(Vec::new());
    T::bind_new(new, &mut columns);
    columns
}

/// Inserts `new` (validated first) and returns the stored row.
pub fn insert<T: Table>(new: &T::New) -> Built<'_, T> {
    new.validate()?;
    insert_unvalidated(new)
}

/// Inserts `new` as it is, leaving every rule to the database: for rows checked already, and
/// for comparing `validate()` with PostgreSQL's verdict.
pub fn insert_unvalidated<T: Table>(new: &T::New) -> Built<'_, T> {
    let columns = bound::<T>(new);
    let sql = if columns.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES RETURNING {}", T::TABLE, T::COLUMNS)
    } else {
        format!("INSERT INTO {} {} RETURNING {}", T::TABLE, columns.values(), T::COLUMNS)
    };
    one::<T>(sql, columns.params)
}

/// Inserts `new` (validated first) or, where a row already holds its values of `key`, sets that
/// row's other columns to what `new` sets. Returns the stored row.
pub fn upsert<'a, T: Table>(new: &'a T::New, key: &Key) -> Built<'a, T> {
    new.validate()?;
    let columns = bound::<T>(new);
    let set = |name: &str| format!("{name} = EXCLUDED.{name}");
    let mut sets: Vec<String> =
        columns.names.iter().filter(|(name, _)| !key.columns.contains(name)).map(|(name, _)| set(name)).collect();
    if sets.is_empty() {
        // Nothing else to set: the row is still returned (DO NOTHING would return none).
        sets = key.columns.iter().map(|name| set(name)).collect();
    }
    let sql = format!(
        "INSERT INTO {} {} ON CONFLICT {} DO UPDATE SET {} RETURNING {}",
        T::TABLE,
        columns.values(),
        key.target,
        sets.join(", "),
        T::COLUMNS
    );
    one::<T>(sql, columns.params)
}

/// Rows a batch sends in one binary `COPY` from this many on (fewer go as multi-row `INSERT`s,
/// which need no second round trip for the column types).
pub const COPY_FROM: usize = 1000;

/// At most this many rows per multi-row `INSERT`.
const ROWS_PER_INSERT: usize = 500;

/// Inserts every row of `rows` (each validated first: one invalid row and nothing is sent) in one
/// transaction, all or nothing: runs of rows that set the same columns go as one binary `COPY`
/// when long enough, else as multi-row `INSERT`s. Returns how many rows were written.
pub fn insert_many<T: Table>(rows: &[T::New]) -> Built<'_, u64> {
    for (i, row) in rows.iter().enumerate() {
        row.validate().map_err(|v| Error::InvalidRow(i, v))?;
    }
    if rows.is_empty() {
        return Ok(Query { work: Work::Known(0), constraints: T::CONSTRAINTS });
    }
    let bound: Vec<Columns<'_>> = rows.iter().map(bound::<T>).collect();
    let mut parts = Vec::new();
    for run in bound.chunk_by(|a, b| a.names == b.names) {
        let head = &run[0];
        let copy = run.len() >= COPY_FROM
            && !head.is_empty()
            && !T::ROW_SECURITY
            && head.names.iter().all(|(_, cast)| cast.is_empty());
        if copy {
            parts.push(Batch::Copy {
                copy: format!("COPY {} ({}) FROM STDIN BINARY", T::TABLE, head.list()),
                types_of: format!("INSERT INTO {} {}", T::TABLE, head.values()),
                rows: run.iter().map(|c| c.params.clone()).collect(),
            });
            continue;
        }
        if head.is_empty() {
            let sql = format!("INSERT INTO {} DEFAULT VALUES", T::TABLE);
            parts.extend(run.iter().map(|_| Batch::Insert(Statement::new(sql.clone(), Vec::new()))));
            continue;
        }
        // PostgreSQL binds at most 65,535 parameters per statement.
        let per = ROWS_PER_INSERT.min(65_535 / head.names.len()).max(1);
        for chunk in run.chunks(per) {
            let tuples: Vec<String> = (0..chunk.len()).map(|i| head.tuple(1 + i * head.names.len())).collect();
            let sql = format!("INSERT INTO {} ({}) VALUES {}", T::TABLE, head.list(), tuples.join(", "));
            parts.push(Batch::Insert(Statement::new(
                sql,
                chunk.iter().flat_map(|c| c.params.iter().copied()).collect(),
            )));
        }
    }
    Ok(Query { work: Work::Batch(parts, |n| n), constraints: T::CONSTRAINTS })
}

/// The row with this primary key, if any (and not soft-deleted).
pub fn get<T: Table>(key: Vec<Param<'_>>) -> Built<'_, Option<T>> {
    opt::<T>(format!("SELECT {} FROM {} WHERE {}{}", T::COLUMNS, T::TABLE, T::KEY, live::<T>("AND")), key)
}

/// Sets the patch's fields (validated first) on the row with this primary key; returns the row.
pub fn update<'a, T: Table>(key: Vec<Param<'a>>, patch: &'a T::Patch) -> Built<'a, Option<T>> {
    patch.validate()?;
    update_unvalidated(key, patch)
}

/// Sets the patch's fields as they are, leaving every rule to the database (for comparing
/// `validate()` with PostgreSQL's verdict).
pub fn update_unvalidated<'a, T: Table>(key: Vec<Param<'a>>, patch: &'a T::Patch) -> Built<'a, Option<T>> {
    let mut columns = Columns::after(key);
    T::bind_patch(patch, &mut columns);
    if columns.is_empty() {
        return get(columns.params);
    }
    let sql = format!("UPDATE {} SET {} WHERE {} RETURNING {}", T::TABLE, columns.assignments(), T::KEY, T::COLUMNS);
    opt::<T>(sql, columns.params)
}

/// Deletes the row with this primary key; returns how many rows went (0 or 1).
pub fn delete<T: Table>(key: Vec<Param<'_>>) -> Built<'_, u64> {
    execute::<T>(format!("DELETE FROM {} WHERE {}", T::TABLE, T::KEY), key)
}

/// Marks the row deleted (now) or, with `deleted` false, live again; returns whether a row changed.
pub fn mark_deleted<T: Table>(key: Vec<Param<'_>>, deleted: bool) -> Built<'_, bool> {
    let Some(column) = T::SOFT_DELETE else {
        return Ok(Query { work: Work::Known(false), constraints: T::CONSTRAINTS });
    };
    let (value, was) = if deleted { ("now()", "IS NULL") } else { ("NULL", "IS NOT NULL") };
    let sql = format!("UPDATE {} SET {column} = {value} WHERE {} AND {column} {was}", T::TABLE, T::KEY);
    statement::<T, _>(sql, key, Read::Count(|n| n == 1))
}

/// How many rows there are (soft-deleted rows left out).
pub fn count<'a, T: Table>() -> Built<'a, i64> {
    let sql = format!("SELECT count(*) FROM {}{}", T::TABLE, live::<T>("WHERE"));
    statement::<T, _>(sql, Vec::new(), Read::One(|row| row.try_get(0)))
}

/// The row this row's primary key finds now, if any.
pub fn reload<T: Table>(row: &T) -> Built<'_, Option<T>> {
    get(row.key())
}
