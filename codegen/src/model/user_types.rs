//! The types a schema declares: union types (and how each is stored), domains, composite and
//! range types.

use super::*;

/// A union type: a closed set of string values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub namespace: String,
    pub name: String,
    pub values: Vec<String>,
    pub repr: EnumRepr,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE DOMAIN name AS base`: a type whose values are its base type's that meet its CHECKs
/// (which read the value as `VALUE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub namespace: String,
    pub name: String,
    pub base: ColumnType,
    pub not_null: bool,
    pub default: Option<Expr>,
    pub checks: Vec<Check>,
    pub collation: Option<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE TYPE name AS (field type, ...)`: a row value of named fields, usable as a column type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Composite {
    pub namespace: String,
    pub name: String,
    pub fields: Vec<CompositeField>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompositeField {
    pub name: String,
    pub ty: ColumnType,
    pub collation: Option<Named>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE TYPE name AS RANGE (SUBTYPE = ...)`: ranges of values of an ordered subtype, and
/// the multirange type PostgreSQL creates beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RangeType {
    pub namespace: String,
    pub name: String,
    pub subtype: ColumnType,
    /// The btree operator class that orders the subtype, when not its default one.
    pub subtype_opclass: Option<Named>,
    pub collation: Option<Named>,
    /// A function `(subtype, subtype) -> double precision` that GiST indexes use, as written:
    /// unqualified, it is found on the search path (built-in ones in `pg_catalog`).
    pub subtype_diff: Option<Named>,
    /// The multirange type's name, when not PostgreSQL's default (`range` -> `multirange`).
    pub multirange: Option<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

impl RangeType {
    /// The multirange type's name: declared, or PostgreSQL's default (`range` becomes
    /// `multirange` in the name, else `_multirange` is appended).
    pub fn multirange_name(&self) -> String {
        match &self.multirange {
            Some(m) => m.name.clone(),
            None if self.name.contains("range") => self.name.replacen("range", "multirange", 1),
            None => format!("{}_multirange", self.name),
        }
    }
}

/// How a union type is stored in PostgreSQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EnumRepr {
    /// A plain column of `storage` type with `CHECK (col IN (...))`, the seeds' form:
    /// adding a value is a constraint change, not an `ALTER TYPE`.
    Check { storage: ColumnType },
    /// `CREATE TYPE name AS ENUM (...)`.
    Type,
}
