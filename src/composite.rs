//! `composite_type!`: a composite type (`CREATE TYPE name AS (...)`) as a Rust struct that
//! travels in PostgreSQL's binary record format, field by field through each field's own
//! `ToSql`/`FromSql`. The format: a field count, then per field its type's OID, a length
//! (-1 for NULL) and the field's bytes.

use std::error::Error;

use postgres::types::private::BytesMut;
use postgres::types::{FromSql, IsNull, Kind, ToSql, Type};

type Failure = Box<dyn Error + Sync + Send>;

/// A field's SQL name and the `accepts` of its Rust type.
pub type FieldCheck<'a> = (&'a str, fn(&Type) -> bool);

/// Whether `ty` is the composite `name` with exactly these fields, each accepted by its Rust
/// type: what both `accepts` check, so a drifted type fails before any value is read.
pub fn accepts(ty: &Type, name: &str, fields: &[FieldCheck<'_>]) -> bool {
    match ty.kind() {
        Kind::Composite(actual) => {
            ty.name() == name
                && actual.len() == fields.len()
                && actual.iter().zip(fields).all(|(a, (n, accepts))| a.name() == *n && accepts(a.type_()))
        }
        _ => false,
    }
}

/// The fields of a composite value being read, in order.
pub struct Reader<'a> {
    fields: std::slice::Iter<'a, postgres::types::Field>,
    raw: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(ty: &'a Type, raw: &'a [u8]) -> Result<Reader<'a>, Failure> {
        let Kind::Composite(fields) = ty.kind() else { return Err(format!("{ty} is not a composite type").into()) };
        let mut reader = Reader { fields: fields.iter(), raw };
        let count = reader.int()?;
        if count as usize != fields.len() {
            return Err(format!("{ty} has {} fields but the value holds {count}", fields.len()).into());
        }
        Ok(reader)
    }

    fn int(&mut self) -> Result<i32, Failure> {
        let (head, rest) = self.raw.split_first_chunk::<4>().ok_or("a composite value ended early")?;
        self.raw = rest;
        Ok(i32::from_be_bytes(*head))
    }

    /// The next field, read as `T` (an `Option` for a field that may be NULL).
    pub fn field<T: FromSql<'a>>(&mut self) -> Result<T, Failure> {
        let field = self.fields.next().ok_or("a composite value has more fields than its type")?;
        let _oid = self.int()?;
        let len = self.int()?;
        let value = if len < 0 {
            None
        } else {
            let (value, rest) = self.raw.split_at_checked(len as usize).ok_or("a composite field ended early")?;
            self.raw = rest;
            Some(value)
        };
        T::from_sql_nullable(field.type_(), value)
    }
}

/// Writes a composite value: `new` with the type, then each field in order.
pub struct Writer<'a> {
    fields: std::slice::Iter<'a, postgres::types::Field>,
    out: &'a mut BytesMut,
}

impl<'a> Writer<'a> {
    pub fn new(ty: &'a Type, out: &'a mut BytesMut) -> Result<Writer<'a>, Failure> {
        let Kind::Composite(fields) = ty.kind() else { return Err(format!("{ty} is not a composite type").into()) };
        out.extend_from_slice(&(fields.len() as i32).to_be_bytes());
        Ok(Writer { fields: fields.iter(), out })
    }

    pub fn field<T: ToSql>(&mut self, value: &T) -> Result<(), Failure> {
        let field = self.fields.next().ok_or("a composite type has fewer fields than its Rust struct")?;
        self.out.extend_from_slice(&field.type_().oid().to_be_bytes());
        let at = self.out.len();
        self.out.extend_from_slice(&0i32.to_be_bytes());
        let len = match value.to_sql_checked(field.type_(), self.out)? {
            IsNull::Yes => -1,
            IsNull::No => (self.out.len() - at - 4) as i32,
        };
        self.out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }

    pub fn finish(self) -> Result<IsNull, Failure> {
        Ok(IsNull::No)
    }
}

/// Declares the impls of a composite struct. `("address")` is the SQL name (without its
/// namespace, as the `postgres` crate names types); each field gives its SQL name.
#[macro_export]
macro_rules! composite_type {
    ($name:ident ($sql:literal) { $($field:ident ($field_sql:literal): $ty:ty),+ $(,)? }) => {
        impl $crate::reexports::postgres::types::ToSql for $name {
            fn to_sql(
                &self,
                ty: &$crate::reexports::postgres::types::Type,
                out: &mut $crate::reexports::postgres::types::private::BytesMut,
            ) -> Result<$crate::reexports::postgres::types::IsNull, Box<dyn ::std::error::Error + Sync + Send>> {
                let mut writer = $crate::composite::Writer::new(ty, out)?;
                $(writer.field(&self.$field)?;)+
                writer.finish()
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                $crate::composite::accepts(ty, $sql, &[$(($field_sql, <$ty as $crate::reexports::postgres::types::ToSql>::accepts)),+])
            }

            $crate::reexports::postgres::types::to_sql_checked!();
        }

        impl<'a> $crate::reexports::postgres::types::FromSql<'a> for $name {
            fn from_sql(
                ty: &$crate::reexports::postgres::types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn ::std::error::Error + Sync + Send>> {
                let mut reader = $crate::composite::Reader::new(ty, raw)?;
                Ok($name { $($field: reader.field()?,)+ })
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                $crate::composite::accepts(ty, $sql, &[$(($field_sql, <$ty as $crate::reexports::postgres::types::FromSql>::accepts)),+])
            }
        }

        $crate::serde_declared!($name);
    };
}
