//! What every generated table implements, and its queries written once, generically.
//!
//! Generated code holds only what differs per table (names, SQL text, field bindings); the query
//! logic lives here, compiled once per row type instead of written out per table.

use postgres::Row;
use postgres::types::ToSql;

use crate::conn::{Conn, Params};
use crate::{Error, Validate};

/// A table's row struct, and what the generic queries need to know of the table.
pub trait Table: Sized + std::fmt::Debug + PartialEq {
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

    /// What an insert takes.
    type New: Validate + std::fmt::Debug + PartialEq;
    /// What an update takes.
    type Patch: Validate + Default + std::fmt::Debug + PartialEq;

    fn from_row(row: &Row) -> Result<Self, postgres::Error>;

    /// The primary key's values, in key order (empty without a key).
    fn key(&self) -> Vec<&(dyn ToSql + Sync)>;

    /// The insert that would store this row again (generated columns are left out).
    fn to_new(&self) -> Self::New;

    /// The patch that sets every column outside the primary key to this row's value.
    fn to_patch(&self) -> Self::Patch;

    /// The columns an insert names, with their values: the ones set, and the required ones.
    fn bind_new<'a>(new: &'a Self::New, columns: &mut Columns<'a>);

    /// The columns a patch sets.
    fn bind_patch<'a>(patch: &'a Self::Patch, columns: &mut Columns<'a>);
}

/// Visits every table of a schema (generated `visit_tables`), for code generic over tables.
pub trait Visit {
    fn visit<T: Table>(&mut self);
}

/// The columns a write names, each with its bound value, after any parameters already bound.
pub struct Columns<'a> {
    names: Vec<(&'static str, &'static str)>,
    params: Vec<&'a (dyn ToSql + Sync)>,
}

impl<'a> Columns<'a> {
    /// Columns bound after `params` (a key: `$1`...).
    pub fn after(params: &Params<'a>) -> Self {
        Columns { names: Vec::with_capacity(16), params: params.to_vec() }
    }

    /// `column` (quoted) is `value`.
    pub fn set(&mut self, column: &'static str, value: &'a (dyn ToSql + Sync)) {
        self.set_as(column, "", value);
    }

    /// `column` is `value` sent as text and cast (`::text::interval`), for types the `postgres`
    /// crate has no Rust mapping for.
    pub fn set_as(&mut self, column: &'static str, cast: &'static str, value: &'a (dyn ToSql + Sync)) {
        self.names.push((column, cast));
        self.params.push(value);
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `(c1, c2) VALUES ($1, $2::text::t)`, numbering after the parameters bound first.
    fn values(&self) -> String {
        let first = self.params.len() - self.names.len() + 1;
        let mut columns = String::new();
        let mut values = String::new();
        for (i, (name, cast)) in self.names.iter().enumerate() {
            if i > 0 {
                columns.push_str(", ");
                values.push_str(", ");
            }
            columns.push_str(name);
            values.push_str(&format!("${}{cast}", first + i));
        }
        format!("({columns}) VALUES ({values})")
    }

    /// `c1 = $2, c2 = $3::text::t`.
    fn assignments(&self) -> String {
        let first = self.params.len() - self.names.len() + 1;
        let sets: Vec<String> =
            self.names.iter().enumerate().map(|(i, (name, cast))| format!("{name} = ${}{cast}", first + i)).collect();
        sets.join(", ")
    }
}

/// The rows `sql` returns, read as `T`.
pub fn all<T: Table>(db: &mut impl Conn, sql: &str, params: &Params<'_>) -> Result<Vec<T>, Error> {
    let mut run = || -> Result<Vec<T>, postgres::Error> {
        let statement = db.statement(sql)?;
        db.query(&statement, params)?.iter().map(T::from_row).collect()
    };
    run().map_err(failed::<T>)
}

/// A database error of a statement on `T`'s table, naming the field of a constraint it broke.
fn failed<T: Table>(e: postgres::Error) -> Error {
    Error::from_db(e, T::CONSTRAINTS)
}

/// The row `sql` returns, if any, read as `T`.
pub fn opt<T: Table>(db: &mut impl Conn, sql: &str, params: &Params<'_>) -> Result<Option<T>, Error> {
    let mut run = || -> Result<Option<T>, postgres::Error> {
        let statement = db.statement(sql)?;
        db.query_opt(&statement, params)?.map(|row| T::from_row(&row)).transpose()
    };
    run().map_err(failed::<T>)
}

/// How many rows `sql` touched.
pub fn execute<T: Table>(db: &mut impl Conn, sql: &str, params: &Params<'_>) -> Result<u64, Error> {
    let mut run = || -> Result<u64, postgres::Error> {
        let statement = db.statement(sql)?;
        db.execute(&statement, params)
    };
    run().map_err(failed::<T>)
}

/// ` AND <live condition>` for a table with soft delete, else nothing.
fn live<T: Table>(prefix: &str) -> String {
    T::SOFT_DELETE.map(|c| format!(" {prefix} {c} IS NULL")).unwrap_or_default()
}

/// Inserts `new` (validated first) and returns the stored row.
pub fn insert<T: Table>(db: &mut impl Conn, new: &T::New) -> Result<T, Error> {
    new.validate()?;
    insert_unvalidated(db, new)
}

/// Inserts `new` as it is, leaving every rule to the database: for rows checked already, and
/// for comparing `validate()` with PostgreSQL's verdict.
pub fn insert_unvalidated<T: Table>(db: &mut impl Conn, new: &T::New) -> Result<T, Error> {
    let mut columns = Columns::after(&[]);
    T::bind_new(new, &mut columns);
    let sql = if columns.is_empty() {
        format!("INSERT INTO {} DEFAULT VALUES RETURNING {}", T::TABLE, T::COLUMNS)
    } else {
        format!("INSERT INTO {} {} RETURNING {}", T::TABLE, columns.values(), T::COLUMNS)
    };
    let mut run = || -> Result<T, postgres::Error> {
        let statement = db.statement(&sql)?;
        T::from_row(&db.query_one(&statement, &columns.params)?)
    };
    run().map_err(failed::<T>)
}

/// The row with this primary key, if any (and not soft-deleted).
pub fn get<T: Table>(db: &mut impl Conn, key: &Params<'_>) -> Result<Option<T>, Error> {
    opt(db, &format!("SELECT {} FROM {} WHERE {}{}", T::COLUMNS, T::TABLE, T::KEY, live::<T>("AND")), key)
}

/// Sets the patch's fields (validated first) on the row with this primary key; returns the row.
pub fn update<T: Table>(db: &mut impl Conn, key: &Params<'_>, patch: &T::Patch) -> Result<Option<T>, Error> {
    patch.validate()?;
    let mut columns = Columns::after(key);
    T::bind_patch(patch, &mut columns);
    if columns.is_empty() {
        return get(db, key);
    }
    let sql = format!("UPDATE {} SET {} WHERE {} RETURNING {}", T::TABLE, columns.assignments(), T::KEY, T::COLUMNS);
    opt(db, &sql, &columns.params)
}

/// Deletes the row with this primary key; returns how many rows went (0 or 1).
pub fn delete<T: Table>(db: &mut impl Conn, key: &Params<'_>) -> Result<u64, Error> {
    execute::<T>(db, &format!("DELETE FROM {} WHERE {}", T::TABLE, T::KEY), key)
}

/// Marks the row deleted (now) or, with `deleted` false, live again; returns whether a row changed.
pub fn mark_deleted<T: Table>(db: &mut impl Conn, key: &Params<'_>, deleted: bool) -> Result<bool, Error> {
    let Some(column) = T::SOFT_DELETE else { return Ok(false) };
    let (value, was) = if deleted { ("now()", "IS NULL") } else { ("NULL", "IS NOT NULL") };
    let sql = format!("UPDATE {} SET {column} = {value} WHERE {} AND {column} {was}", T::TABLE, T::KEY);
    Ok(execute::<T>(db, &sql, key)? == 1)
}

/// How many rows there are (soft-deleted rows left out).
pub fn count<T: Table>(db: &mut impl Conn) -> Result<i64, Error> {
    let mut run = || -> Result<i64, postgres::Error> {
        let statement = db.statement(&format!("SELECT count(*) FROM {}{}", T::TABLE, live::<T>("WHERE")))?;
        db.query_one(&statement, &[])?.try_get(0)
    };
    run().map_err(failed::<T>)
}

/// The row this row's primary key finds now, if any.
pub fn reload<T: Table>(db: &mut impl Conn, row: &T) -> Result<Option<T>, Error> {
    get(db, &row.key())
}
