//! `union_type!` and `json_shape!`. `union_type!`: a union type as a Rust enum spelled as the database spells it, with Display,
//! FromStr, serde (as a string), and postgres ToSql/FromSql for both storages (text with a CHECK, or a
//! PostgreSQL ENUM). Generated code invokes it once per union type instead of repeating the impls.

/// Declares the enum and its impls. `("agent_level")` is the SQL name, used in error messages.
#[macro_export]
macro_rules! union_type {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($sql:literal) { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($variant,)+
        }

        // serde as the database spells it: a string, in every format.
        impl $crate::reexports::serde::Serialize for $name {
            fn serialize<S: $crate::reexports::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::reexports::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::reexports::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as $crate::reexports::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(<D::Error as $crate::reexports::serde::de::Error>::custom)
            }
        }

        impl $crate::de::Declared for $name {
            fn read(de: &mut dyn $crate::de::Erased<'_>) -> Result<Self, $crate::de::FieldError> {
                $crate::de::parse(<String as $crate::de::Value>::read(de)?)
            }

            fn read_option(de: &mut dyn $crate::de::Erased<'_>) -> Result<Option<Self>, $crate::de::FieldError> {
                <Option<String> as $crate::de::Value>::read(de)?.map($crate::de::parse).transpose()
            }
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
        $crate::serde_declared!($name);

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

/// `Declared` for a type that serde reads whole (a shape, a composite struct).
#[doc(hidden)]
#[macro_export]
macro_rules! serde_declared {
    ($name:ident) => {
        impl $crate::de::Declared for $name {
            fn read(de: &mut dyn $crate::de::Erased<'_>) -> Result<Self, $crate::de::FieldError> {
                $crate::reexports::erased_serde::deserialize(de)
            }

            fn read_option(de: &mut dyn $crate::de::Erased<'_>) -> Result<Option<Self>, $crate::de::FieldError> {
                $crate::reexports::erased_serde::deserialize(de)
            }
        }
    };
}
