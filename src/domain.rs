//! `domain_type!`: a domain as a Rust newtype over its base type's Rust type. It travels as the
//! base type (generated queries cast domain columns to it), reads and serializes as it, and its
//! `validate()` (generated beside it) enforces the domain's rules.

use postgres::types::{Kind, Type};

/// The type a domain's values travel as: the domain's base type (a composite's field of a
/// domain type is described by the domain), or the type itself.
pub fn base(ty: &Type) -> &Type {
    match ty.kind() {
        Kind::Domain(base) => base,
        _ => ty,
    }
}

/// Declares the impls of `pub struct Name(pub Inner)`; `value` adds `ToValue`, for a base type
/// that translated CHECKs can read.
#[macro_export]
macro_rules! domain_type {
    ($name:ident ($inner:ty) $(, $value:ident)?) => {
        impl $crate::reexports::postgres::types::ToSql for $name {
            fn to_sql(
                &self,
                ty: &$crate::reexports::postgres::types::Type,
                out: &mut $crate::reexports::postgres::types::private::BytesMut,
            ) -> Result<$crate::reexports::postgres::types::IsNull, Box<dyn ::std::error::Error + Sync + Send>> {
                <$inner as $crate::reexports::postgres::types::ToSql>::to_sql(&self.0, $crate::domain::base(ty), out)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <$inner as $crate::reexports::postgres::types::ToSql>::accepts($crate::domain::base(ty))
            }

            $crate::reexports::postgres::types::to_sql_checked!();
        }

        impl<'a> $crate::reexports::postgres::types::FromSql<'a> for $name {
            fn from_sql(
                ty: &$crate::reexports::postgres::types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn ::std::error::Error + Sync + Send>> {
                <$inner as $crate::reexports::postgres::types::FromSql>::from_sql($crate::domain::base(ty), raw).map($name)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <$inner as $crate::reexports::postgres::types::FromSql>::accepts($crate::domain::base(ty))
            }
        }

        impl $crate::de::Declared for $name {
            fn read(de: &mut dyn $crate::de::Erased<'_>) -> Result<Self, $crate::de::FieldError> {
                <$inner as $crate::de::Value>::read(de).map($name)
            }

            fn read_option(de: &mut dyn $crate::de::Erased<'_>) -> Result<Option<Self>, $crate::de::FieldError> {
                <Option<$inner> as $crate::de::Value>::read(de).map(|v| v.map($name))
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }

        $($crate::domain_type!(@$value $name);)?
    };
    (@value $name:ident) => {
        impl $crate::sql_value::ToValue for $name {
            fn to_value(&self) -> $crate::sql_value::Value<'_> {
                $crate::sql_value::ToValue::to_value(&self.0)
            }
        }
    };
}
