//! Sequences and identity columns, and PostgreSQL's rules for their options: what it fills in
//! when an option is left out, and which combinations it refuses.

use super::{Named, Ref};
use serde::{Deserialize, Serialize};

use crate::diagnostics::Span;

/// `CREATE SEQUENCE`: a counter of its own, which columns may default to (`nextval('name')`)
/// and several tables may share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub namespace: String,
    pub name: String,
    pub options: SequenceOptions,
    /// `OWNED BY table.column`: dropped with that column.
    pub owned_by: Option<OwnedBy>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedBy {
    pub table: Ref,
    pub column: Named,
}

/// `GENERATED ALWAYS | BY DEFAULT AS IDENTITY (options)`: the column's own sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// ALWAYS: an INSERT cannot give the value (without `OVERRIDING SYSTEM VALUE`).
    pub always: bool,
    /// The sequence's options; its type is the column's.
    pub options: SequenceOptions,
    #[serde(skip)]
    pub span: Span,
}

/// The integer type a sequence counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SequenceType {
    SmallInt,
    Integer,
    BigInt,
}

impl SequenceType {
    pub const ALL: [(&'static str, SequenceType); 3] =
        [("smallint", SequenceType::SmallInt), ("integer", SequenceType::Integer), ("bigint", SequenceType::BigInt)];

    pub fn sql(self) -> &'static str {
        match self {
            SequenceType::SmallInt => "smallint",
            SequenceType::Integer => "integer",
            SequenceType::BigInt => "bigint",
        }
    }

    fn bounds(self) -> (i64, i64) {
        match self {
            SequenceType::SmallInt => (i16::MIN.into(), i16::MAX.into()),
            SequenceType::Integer => (i32::MIN.into(), i32::MAX.into()),
            SequenceType::BigInt => (i64::MIN, i64::MAX),
        }
    }
}

/// A sequence's options as declared; `None` leaves the choice to PostgreSQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    /// `AS type` (bigint when absent); an identity column's sequence takes the column's type.
    pub data_type: Option<SequenceType>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: bool,
}

/// Every option with PostgreSQL's default filled in: what `pg_sequence` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedSequence {
    pub data_type: SequenceType,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

impl SequenceOptions {
    /// The options as PostgreSQL resolves them (`init_params` in its `sequence.c`), or why it
    /// refuses them, in its words.
    pub fn resolve(&self) -> Result<ResolvedSequence, String> {
        let data_type = self.data_type.unwrap_or(SequenceType::BigInt);
        let (lowest, highest) = data_type.bounds();
        let increment = self.increment.unwrap_or(1);
        if increment == 0 {
            return Err("INCREMENT must not be zero".into());
        }
        let ascending = increment > 0;
        let max = self.max.unwrap_or(if ascending { highest } else { -1 });
        let min = self.min.unwrap_or(if ascending { 1 } else { lowest });
        let ty = data_type.sql();
        if !(lowest..=highest).contains(&max) {
            return Err(format!("MAXVALUE ({max}) is out of range for sequence data type {ty}"));
        }
        if !(lowest..=highest).contains(&min) {
            return Err(format!("MINVALUE ({min}) is out of range for sequence data type {ty}"));
        }
        if min >= max {
            return Err(format!("MINVALUE ({min}) must be less than MAXVALUE ({max})"));
        }
        let start = self.start.unwrap_or(if ascending { min } else { max });
        if start < min {
            return Err(format!("START value ({start}) cannot be less than MINVALUE ({min})"));
        }
        if start > max {
            return Err(format!("START value ({start}) cannot be greater than MAXVALUE ({max})"));
        }
        let cache = self.cache.unwrap_or(1);
        if cache <= 0 {
            return Err(format!("CACHE ({cache}) must be greater than zero"));
        }
        Ok(ResolvedSequence { data_type, start, increment, min, max, cache, cycle: self.cycle })
    }
}
