//! Whether PostgreSQL can change a column's type with `USING column::new_type`: an explicit
//! cast from the old type to the new (pg_cast, or the I/O conversion every type has to and
//! from the string types). Judged offline for the types strata knows; `tests/migrate.rs`
//! proves the judgement against a live server's `CAST` for every pair of them.

use crate::model::{ColumnType, Scalar};

/// Families of types whose casts follow the same rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// text, varchar, char: I/O conversion to and from every type.
    Text,
    Int,
    /// numeric, real, double precision.
    Decimal,
    Boolean,
    Date,
    Timestamp,
    Time,
    Interval,
    Json,
    Jsonb,
    /// inet, cidr.
    Network,
    /// Cast only to and from the string types: uuid, bytea, tsvector, a union type.
    Alone,
}

fn family(s: &Scalar) -> Option<Family> {
    Some(match s {
        Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_) => Family::Text,
        Scalar::SmallInt | Scalar::Integer | Scalar::BigInt => Family::Int,
        Scalar::Numeric(_) | Scalar::Real | Scalar::Double => Family::Decimal,
        Scalar::Boolean => Family::Boolean,
        Scalar::Date => Family::Date,
        Scalar::Timestamp | Scalar::Timestamptz => Family::Timestamp,
        Scalar::Time => Family::Time,
        Scalar::Interval => Family::Interval,
        Scalar::Json => Family::Json,
        Scalar::Jsonb => Family::Jsonb,
        Scalar::Inet | Scalar::Cidr => Family::Network,
        Scalar::Uuid | Scalar::Bytea | Scalar::Tsvector | Scalar::Enum(_) => Family::Alone,
        _ => return None,
    })
}

/// `Some(false)` when PostgreSQL has no cast from `from` to `to` (a migration `USING
/// column::to` would fail), `Some(true)` when it has one, `None` for types not judged here
/// (domains, composites, ranges, extensions' and other built-in types).
pub fn castable(from: &ColumnType, to: &ColumnType) -> Option<bool> {
    use Family::*;
    match (from, to) {
        (ColumnType::Array(a), ColumnType::Array(b)) => castable(a, b),
        (ColumnType::Array(a), ColumnType::Scalar(b)) | (ColumnType::Scalar(b), ColumnType::Array(a)) => {
            family(b)?;
            // Only as text, element by element no further than its own type.
            castable(a, a).map(|_| family(b) == Some(Text))
        }
        (ColumnType::Scalar(a), ColumnType::Scalar(b)) => {
            if a == b {
                return Some(true);
            }
            let (f, g) = (family(a)?, family(b)?);
            Some(match (f, g) {
                (Text, _) | (_, Text) => true,
                (Int | Decimal, Int | Decimal) => true,
                // Only integer (int4) and boolean cast to each other.
                (Int, Boolean) => *a == Scalar::Integer,
                (Boolean, Int) => *b == Scalar::Integer,
                (Date | Timestamp, Date | Timestamp) => true,
                (Timestamp, Time) | (Time, Interval) | (Interval, Time) => true,
                (Json, Jsonb) | (Jsonb, Json) => true,
                (Jsonb, Int | Decimal | Boolean) => true,
                (Network, Network) => true,
                // Two different types of one family otherwise (two union types, uuid and
                // bytea), or of two families, have none.
                _ => false,
            })
        }
    }
}
