//! `Range<T>`: a value of a PostgreSQL range type (the built-in ones and those a schema
//! declares) whose subtype has a Rust type, travelling in PostgreSQL's binary range format: a
//! flags byte, then each finite bound as a length and the subtype's bytes.

use std::error::Error;

use postgres::types::private::BytesMut;
use postgres::types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};
use serde::de::DeserializeOwned;

const EMPTY: u8 = 0x01;
const LOWER_INCLUSIVE: u8 = 0x02;
const UPPER_INCLUSIVE: u8 = 0x04;
const LOWER_INFINITE: u8 = 0x08;
const UPPER_INFINITE: u8 = 0x10;

type Failure = Box<dyn Error + Sync + Send>;

/// A range: `empty`, or the values between `lower` and `upper` (`None` is unbounded), each
/// bound included or not. PostgreSQL keeps discrete ranges (`int4range`, `daterange`) in the
/// canonical `[lower, upper)` form, so a range read back may spell the same values otherwise.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Range<T> {
    pub empty: bool,
    pub lower: Option<T>,
    pub upper: Option<T>,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
}

impl<T> Range<T> {
    /// `[lower, upper)`, the form PostgreSQL's constructors make by default.
    pub fn new(lower: T, upper: T) -> Range<T> {
        Range { empty: false, lower: Some(lower), upper: Some(upper), lower_inclusive: true, upper_inclusive: false }
    }

    /// The range with no values.
    pub fn empty() -> Range<T> {
        Range { empty: true, lower: None, upper: None, lower_inclusive: false, upper_inclusive: false }
    }
}

fn subtype(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Range(subtype) => Some(subtype),
        _ => None,
    }
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Range<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Failure> {
        let sub = subtype(ty).ok_or_else(|| format!("{ty} is not a range type"))?;
        let (&flags, mut rest) = raw.split_first().ok_or("a range value is empty")?;
        if flags & EMPTY != 0 {
            return Ok(Range::empty());
        }
        let mut bound = |infinite: u8| -> Result<Option<T>, Failure> {
            if flags & infinite != 0 {
                return Ok(None);
            }
            let (len, after) = rest.split_first_chunk::<4>().ok_or("a range bound ended early")?;
            let (value, after) =
                after.split_at_checked(i32::from_be_bytes(*len) as usize).ok_or("a range bound ended early")?;
            rest = after;
            T::from_sql(sub, value).map(Some)
        };
        let lower = bound(LOWER_INFINITE)?;
        let upper = bound(UPPER_INFINITE)?;
        Ok(Range {
            empty: false,
            lower,
            upper,
            lower_inclusive: flags & LOWER_INCLUSIVE != 0,
            upper_inclusive: flags & UPPER_INCLUSIVE != 0,
        })
    }

    fn accepts(ty: &Type) -> bool {
        subtype(ty).is_some_and(T::accepts)
    }
}

impl<T: ToSql> ToSql for Range<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Failure> {
        let sub = subtype(ty).ok_or_else(|| format!("{ty} is not a range type"))?;
        if self.empty {
            out.extend_from_slice(&[EMPTY]);
            return Ok(IsNull::No);
        }
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        out.extend_from_slice(&[flag(self.lower.is_none(), LOWER_INFINITE)
            | flag(self.upper.is_none(), UPPER_INFINITE)
            | flag(self.lower_inclusive && self.lower.is_some(), LOWER_INCLUSIVE)
            | flag(self.upper_inclusive && self.upper.is_some(), UPPER_INCLUSIVE)]);
        for bound in [&self.lower, &self.upper].into_iter().flatten() {
            let at = out.len();
            out.extend_from_slice(&0i32.to_be_bytes());
            if let IsNull::Yes = bound.to_sql_checked(sub, out)? {
                return Err("a range bound is NULL".into());
            }
            let len = (out.len() - at - 4) as i32;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        subtype(ty).is_some_and(T::accepts)
    }

    to_sql_checked!();
}

/// Rows read a range with serde, as the struct above.
impl<T: DeserializeOwned> crate::de::Declared for Range<T> {
    fn read(de: &mut dyn crate::de::Erased<'_>) -> Result<Self, crate::de::FieldError> {
        erased_serde::deserialize(de)
    }

    fn read_option(de: &mut dyn crate::de::Erased<'_>) -> Result<Option<Self>, crate::de::FieldError> {
        erased_serde::deserialize(de)
    }
}
