//! `Deserialize` for generated rows, written once here instead of derived per table.
//!
//! serde's derive writes a visitor of several hundred lines per struct, generic over the
//! format; with a hundred tables that was a third of the generated crate's build time. A row
//! instead lists its fields and deserializes one field by index through a type-erased
//! deserializer (`erased_serde`), so each table adds a little non-generic code and the visitor
//! below is the only one. The format's hints pass through unchanged: self-describing formats
//! (JSON) and sequence formats (bincode-like) both work.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The type-erased deserializer a row reads one field from, and what it fails with.
pub use erased_serde::{Deserializer as Erased, Error as FieldError};

/// A generated row that deserializes through [`deserialize`].
pub trait Row: Sized {
    /// The struct's name, for the format and for messages.
    const NAME: &'static str;
    /// The fields' serialized names, in declaration order.
    const FIELDS: &'static [&'static str];
    /// One `Option` per field: what has been read so far.
    type Fields: Default;

    /// Reads field number `index` (an index into `FIELDS`) from `de` into `fields`.
    fn read_field(fields: &mut Self::Fields, index: usize, de: &mut dyn Erased<'_>) -> Result<(), FieldError>;

    /// The row, or the name of a required field that never came.
    fn from_fields(fields: Self::Fields) -> Result<Self, &'static str>;
}

/// Reads one field into its slot; a second value for the same field is an error, as with serde's derive.
pub fn field<T: Value>(slot: &mut Option<T>, name: &'static str, de: &mut dyn Erased<'_>) -> Result<(), FieldError> {
    fill(slot, name, || T::read(de))
}

fn fill<T>(
    slot: &mut Option<T>,
    name: &'static str,
    read: impl FnOnce() -> Result<T, FieldError>,
) -> Result<(), FieldError> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(read()?);
    Ok(())
}

/// [`field`] for a type outside [`Value`] (a nested array): plain serde, instantiated where used.
pub fn any<T: DeserializeOwned>(
    slot: &mut Option<T>,
    name: &'static str,
    de: &mut dyn Erased<'_>,
) -> Result<(), FieldError> {
    fill(slot, name, || erased_serde::deserialize(de))
}

/// A column's Rust type, read from an erased deserializer.
///
/// Implemented here for every scalar type a column maps to (and their `Option`, `Vec` and
/// `Option<Vec>`), so those readers are compiled once, in this crate; a crate of generated
/// rows then instantiates no serde code per column type, only per declared type.
pub trait Value: Sized {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError>;
}

/// A type the generated code declares: a union type (read as its text, through the `String`
/// readers here) or a jsonb shape (read with serde). `union_type!` and `json_shape!` implement it.
pub trait Declared: DeserializeOwned {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError>;
    fn read_option(de: &mut dyn Erased<'_>) -> Result<Option<Self>, FieldError>;
}

/// A union type's value from its text.
pub fn parse<T: std::str::FromStr<Err = String>>(text: String) -> Result<T, FieldError> {
    text.parse().map_err(de::Error::custom)
}

macro_rules! scalar_values {
    ($($t:ty),+ $(,)?) => {$(
        impl Value for $t {
            fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
                erased_serde::deserialize(de)
            }
        }
        impl Value for Option<$t> {
            fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
                erased_serde::deserialize(de)
            }
        }
        impl Value for Vec<$t> {
            fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
                erased_serde::deserialize(de)
            }
        }
        impl Value for Option<Vec<$t>> {
            fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
                erased_serde::deserialize(de)
            }
        }
    )+};
}

scalar_values!(
    bool,
    i16,
    i32,
    i64,
    f32,
    f64,
    String,
    Vec<u8>,
    uuid::Uuid,
    rust_decimal::Decimal,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>,
    serde_json::Value,
    std::net::IpAddr,
);

impl<T: Declared> Value for T {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
        T::read(de)
    }
}

impl<T: Declared> Value for Option<T> {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
        T::read_option(de)
    }
}

// Arrays of declared types are rare: plain serde.
impl<T: Declared> Value for Vec<T> {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
        erased_serde::deserialize(de)
    }
}

impl<T: Declared> Value for Option<Vec<T>> {
    fn read(de: &mut dyn Erased<'_>) -> Result<Self, FieldError> {
        erased_serde::deserialize(de)
    }
}

/// The body of each generated row's `Deserialize::deserialize`.
pub fn deserialize<'de, R: Row, D: de::Deserializer<'de>>(deserializer: D) -> Result<R, D::Error> {
    deserializer.deserialize_struct(R::NAME, R::FIELDS, RowVisitor::<R>(PhantomData))
}

struct RowVisitor<R>(PhantomData<R>);

impl<'de, R: Row> Visitor<'de> for RowVisitor<R> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct {}", R::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<R, A::Error> {
        let mut fields = R::Fields::default();
        while let Some(key) = map.next_key_seed(FieldIndex(R::FIELDS))? {
            match key {
                Some(index) => map.next_value_seed(FieldSeed::<R> { fields: &mut fields, index })?,
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        R::from_fields(fields).map_err(de::Error::missing_field)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<R, A::Error> {
        let mut fields = R::Fields::default();
        for index in 0..R::FIELDS.len() {
            if seq.next_element_seed(FieldSeed::<R> { fields: &mut fields, index })?.is_none() {
                return Err(de::Error::invalid_length(index, &self));
            }
        }
        R::from_fields(fields).map_err(de::Error::missing_field)
    }
}

/// A key: the index of the field it names (by name, or by number as some formats write it),
/// `None` for a key the row does not have (ignored, as serde's derive does).
struct FieldIndex(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| *f == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.as_bytes() == key))
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(index).ok().filter(|i| *i < self.0.len()))
    }
}

/// Hands one field's value to the row, erased.
struct FieldSeed<'a, R: Row> {
    fields: &'a mut R::Fields,
    index: usize,
}

impl<'de, R: Row> DeserializeSeed<'de> for FieldSeed<'_, R> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        R::read_field(self.fields, self.index, &mut erased).map_err(de::Error::custom)
    }
}
