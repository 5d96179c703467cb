//! `union_type!` and `json_shape!`. `union_type!`: a union type as a Rust enum spelled as the database spells it, with Display,
//! FromStr, serde, and postgres ToSql/FromSql for both storages (text with a CHECK, or a
//! PostgreSQL ENUM). Generated code invokes it once per union type instead of repeating the impls.

/// Declares the enum and its impls. `("agent_level")` is the SQL name, used in error messages.
#[macro_export]
macro_rules! union_type {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($sql:literal) { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, $crate::reexports::serde::Serialize, $crate::reexports::serde::Deserialize)]
        #[serde(crate = "strata::reexports::serde")]
        $vis enum $name {
            $(#[serde(rename = $value)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The database spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| format!("{s:?} is not a {}", $sql))
            }
        }

        impl $crate::reexports::postgres::types::ToSql for $name {
            fn to_sql(
                &self,
                ty: &$crate::reexports::postgres::types::Type,
                out: &mut $crate::reexports::postgres::types::private::BytesMut,
            ) -> Result<$crate::reexports::postgres::types::IsNull, Box<dyn ::std::error::Error + Sync + Send>> {
                <&str as $crate::reexports::postgres::types::ToSql>::to_sql(&self.as_str(), ty, out)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <&str as $crate::reexports::postgres::types::ToSql>::accepts(ty)
                    || matches!(ty.kind(), $crate::reexports::postgres::types::Kind::Enum(_))
            }

            $crate::reexports::postgres::types::to_sql_checked!();
        }

        impl<'a> $crate::reexports::postgres::types::FromSql<'a> for $name {
            fn from_sql(
                _: &$crate::reexports::postgres::types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn ::std::error::Error + Sync + Send>> {
                Ok(::std::str::from_utf8(raw)?.parse::<$name>()?)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <&str as $crate::reexports::postgres::types::FromSql>::accepts(ty)
                    || matches!(ty.kind(), $crate::reexports::postgres::types::Kind::Enum(_))
            }
        }

        impl $crate::sql_value::ToValue for $name {
            fn to_value(&self) -> $crate::sql_value::Value<'_> {
                $crate::sql_value::Value::text(self.as_str())
            }
        }
    };
}

/// `json_shape!(KpiMetrics)`: a shape struct (serde) travels as json/jsonb through `postgres`.
#[macro_export]
macro_rules! json_shape {
    ($name:ident) => {
        impl $crate::reexports::postgres::types::ToSql for $name {
            fn to_sql(
                &self,
                ty: &$crate::reexports::postgres::types::Type,
                out: &mut $crate::reexports::postgres::types::private::BytesMut,
            ) -> Result<$crate::reexports::postgres::types::IsNull, Box<dyn ::std::error::Error + Sync + Send>> {
                $crate::reexports::postgres::types::Json(self).to_sql(ty, out)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <$crate::reexports::postgres::types::Json<$name> as $crate::reexports::postgres::types::ToSql>::accepts(ty)
            }

            $crate::reexports::postgres::types::to_sql_checked!();
        }

        impl<'a> $crate::reexports::postgres::types::FromSql<'a> for $name {
            fn from_sql(
                ty: &$crate::reexports::postgres::types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn ::std::error::Error + Sync + Send>> {
                <$crate::reexports::postgres::types::Json<$name> as $crate::reexports::postgres::types::FromSql>::from_sql(ty, raw)
                    .map(|json| json.0)
            }

            fn accepts(ty: &$crate::reexports::postgres::types::Type) -> bool {
                <$crate::reexports::postgres::types::Json<$name> as $crate::reexports::postgres::types::FromSql>::accepts(ty)
            }
        }
    };
}
