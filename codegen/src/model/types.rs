//! Column types: the PostgreSQL types the seeds use, parsed from and printed as SQL type names.

use std::fmt;

/// A column's type: a scalar or an array of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    Scalar(Scalar),
    Array(Box<ColumnType>),
}

/// As its SQL name: `varchar(255)`, `uuid[]`, `ledger.entry_kind`.
impl serde::Serialize for ColumnType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From its SQL name; a declared type's name stays `Scalar::Unresolved` until
/// `Schema::resolve_type_names` runs (as after reading a snapshot).
impl<'de> serde::Deserialize<'de> for ColumnType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ColumnType::parse(&text).map_err(|e| serde::de::Error::custom(format!("type `{text}`: {e:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    Uuid,
    Text,
    Varchar(Option<u32>),
    Char(Option<u32>),
    Boolean,
    SmallInt,
    Integer,
    BigInt,
    Serial,
    BigSerial,
    /// `numeric(precision, scale)`; both optional as in PostgreSQL.
    Numeric(Option<(u32, Option<u32>)>),
    Real,
    Double,
    Date,
    Time,
    Timestamp,
    Timestamptz,
    Interval,
    Json,
    Jsonb,
    Inet,
    Cidr,
    Bytea,
    Tsvector,
    /// A built-in type strata stores and reads as text (`money`, `xml`, `bit(n)`, `timetz`,
    /// `macaddr`, `oid`, the range types, and `timestamp(p)` / `timestamptz(p)` / `time(p)`):
    /// its canonical name and modifiers.
    Builtin(BuiltinType),
    /// A union type declared in the schema.
    Enum(super::QName),
    /// A domain declared in the schema: its base type with its constraints.
    Domain(super::QName),
    /// A composite type declared in the schema.
    Composite(super::QName),
    /// A range type declared in the schema.
    Range(super::QName),
    /// A type that an extension provides, e.g. `vector(1536)`.
    Extension(ExtensionType),
    /// A name that is neither built in nor known yet; resolved to `Enum` or rejected by lowering.
    Unresolved(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionType {
    pub name: String,
    pub modifiers: Vec<u32>,
    /// The extension that must be declared for the type to exist.
    pub extension: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinType {
    pub name: &'static str,
    pub modifiers: Vec<u32>,
}

impl BuiltinType {
    /// The subtype of a built-in range type (`int4range` → integer); `None` for other types.
    pub fn range_subtype(&self) -> Option<Scalar> {
        Some(match self.name {
            "int4range" => Scalar::Integer,
            "int8range" => Scalar::BigInt,
            "numrange" => Scalar::Numeric(None),
            "tsrange" => Scalar::Timestamp,
            "tstzrange" => Scalar::Timestamptz,
            "daterange" => Scalar::Date,
            _ => return None,
        })
    }
}

/// The built-in types held as `Scalar::Builtin`: (accepted spelling, canonical name, how many
/// modifiers it takes at most, the largest modifier).
const TEXT_BUILTINS: &[(&str, &str, usize, u32)] = &[
    ("timetz", "timetz", 1, 6),
    ("time with time zone", "timetz", 1, 6),
    ("money", "money", 0, 0),
    ("xml", "xml", 0, 0),
    ("bit", "bit", 1, 83_886_080),
    ("varbit", "varbit", 1, 83_886_080),
    ("bit varying", "varbit", 1, 83_886_080),
    ("oid", "oid", 0, 0),
    ("macaddr", "macaddr", 0, 0),
    ("macaddr8", "macaddr8", 0, 0),
    ("int4range", "int4range", 0, 0),
    ("int8range", "int8range", 0, 0),
    ("numrange", "numrange", 0, 0),
    ("tsrange", "tsrange", 0, 0),
    ("tstzrange", "tstzrange", 0, 0),
    ("daterange", "daterange", 0, 0),
    // PostgreSQL's own types that real schemas use: object names and references, WAL
    // positions, text search queries, geometry, JSON paths, snapshots.
    ("name", "name", 0, 0),
    ("regclass", "regclass", 0, 0),
    ("regproc", "regproc", 0, 0),
    ("regprocedure", "regprocedure", 0, 0),
    ("regtype", "regtype", 0, 0),
    ("regnamespace", "regnamespace", 0, 0),
    ("regrole", "regrole", 0, 0),
    ("regconfig", "regconfig", 0, 0),
    ("pg_lsn", "pg_lsn", 0, 0),
    ("tsquery", "tsquery", 0, 0),
    ("point", "point", 0, 0),
    ("line", "line", 0, 0),
    ("lseg", "lseg", 0, 0),
    ("box", "box", 0, 0),
    ("path", "path", 0, 0),
    ("polygon", "polygon", 0, 0),
    ("circle", "circle", 0, 0),
    ("jsonpath", "jsonpath", 0, 0),
    ("pg_snapshot", "pg_snapshot", 0, 0),
    ("txid_snapshot", "txid_snapshot", 0, 0),
];

/// Extension types strata knows, and the extension each needs.
const EXTENSION_TYPES: &[(&str, &str)] = &[
    ("vector", "vector"),
    ("halfvec", "vector"),
    ("sparsevec", "vector"),
    ("citext", "citext"),
    ("ltree", "ltree"),
    ("hstore", "hstore"),
    ("cube", "cube"),
    ("geometry", "postgis"),
    ("geography", "postgis"),
];

/// Names accepted for each built-in type, first the canonical one; also the did-you-mean list.
pub const BUILTIN_TYPE_NAMES: &[&str] = &[
    "uuid",
    "text",
    "varchar",
    "character varying",
    "char",
    "character",
    "boolean",
    "bool",
    "smallint",
    "int2",
    "integer",
    "int",
    "int4",
    "bigint",
    "int8",
    "serial",
    "serial4",
    "bigserial",
    "serial8",
    "numeric",
    "decimal",
    "real",
    "float4",
    "double precision",
    "float8",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "timestamp with time zone",
    "timestamp without time zone",
    "interval",
    "json",
    "jsonb",
    "inet",
    "cidr",
    "bytea",
    "tsvector",
    "timetz",
    "money",
    "xml",
    "bit",
    "varbit",
    "oid",
    "macaddr",
    "macaddr8",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "name",
    "regclass",
    "regproc",
    "regprocedure",
    "regtype",
    "regnamespace",
    "regrole",
    "regconfig",
    "pg_lsn",
    "tsquery",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "jsonpath",
    "pg_snapshot",
    "txid_snapshot",
];

/// Why a type name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    Syntax,
    /// Modifiers given to a type that takes none, or too many.
    Modifiers(&'static str),
    /// `varchar(0)`, `numeric(3,5)` and the like.
    OutOfRange(String),
}

impl ColumnType {
    /// Parses a SQL type name such as `varchar(255)`, `numeric(5,2)`, `uuid[]` or `vector(1536)`.
    /// Unknown names become `Scalar::Unresolved` for the caller to resolve.
    pub fn parse(text: &str) -> Result<ColumnType, TypeError> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            return Ok(ColumnType::Array(Box::new(ColumnType::parse(inner)?)));
        }
        // PostgreSQL writes a time type's precision before the zone: `timestamp(3) with time zone`.
        for zone in [" with time zone", " without time zone"] {
            if let Some((head, mods)) = text.strip_suffix(zone).and_then(|t| t.split_once('('))
                && mods.ends_with(')')
            {
                return ColumnType::parse(&format!("{head}{zone}({mods}"));
            }
        }
        let (name, mods) = match text.find('(') {
            Some(open) => {
                let close = text.strip_suffix(')').ok_or(TypeError::Syntax)?;
                let mods = close[open + 1..]
                    .split(',')
                    .map(|m| m.trim().parse::<u32>().map_err(|_| TypeError::Syntax))
                    .collect::<Result<Vec<_>, _>>()?;
                (text[..open].trim(), mods)
            }
            None => (text, Vec::new()),
        };
        let original = name;
        let name = name.to_ascii_lowercase();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.contains(['(', ')', '[', ']']) {
            return Err(TypeError::Syntax);
        }
        let none = |ty: Scalar| {
            if mods.is_empty() { Ok(ty) } else { Err(TypeError::Modifiers("takes no length or precision")) }
        };
        let length = |make: fn(Option<u32>) -> Scalar, ty: &str| match mods[..] {
            [] => Ok(make(None)),
            [n] if (1..=10_485_760).contains(&n) => Ok(make(Some(n))),
            [n] => Err(TypeError::OutOfRange(format!("{ty}({n}): the length must be between 1 and 10485760"))),
            _ => Err(TypeError::Modifiers("takes one length")),
        };
        let scalar = match name.as_str() {
            "uuid" => none(Scalar::Uuid)?,
            "text" => none(Scalar::Text)?,
            "varchar" | "character varying" => length(Scalar::Varchar, "varchar")?,
            "char" | "character" => length(Scalar::Char, "char")?,
            "boolean" | "bool" => none(Scalar::Boolean)?,
            "smallint" | "int2" => none(Scalar::SmallInt)?,
            "integer" | "int" | "int4" => none(Scalar::Integer)?,
            "bigint" | "int8" => none(Scalar::BigInt)?,
            "serial" | "serial4" => none(Scalar::Serial)?,
            "bigserial" | "serial8" => none(Scalar::BigSerial)?,
            "numeric" | "decimal" => match mods[..] {
                [] => Scalar::Numeric(None),
                [p] if (1..=1000).contains(&p) => Scalar::Numeric(Some((p, None))),
                [p, s] if (1..=1000).contains(&p) && s <= p => Scalar::Numeric(Some((p, Some(s)))),
                [p, s] if (1..=1000).contains(&p) => {
                    return Err(TypeError::OutOfRange(format!(
                        "numeric({p},{s}): the scale {s} is larger than the precision {p}"
                    )));
                }
                [p, ..] if mods.len() <= 2 => {
                    return Err(TypeError::OutOfRange(format!(
                        "numeric({p}): the precision must be between 1 and 1000"
                    )));
                }
                _ => return Err(TypeError::Modifiers("takes a precision and a scale")),
            },
            "real" | "float4" => none(Scalar::Real)?,
            "double precision" | "float8" => none(Scalar::Double)?,
            "date" => none(Scalar::Date)?,
            // With a precision, the time types are held as text (their Rust type is a String).
            "time"
            | "time without time zone"
            | "timestamp"
            | "timestamp without time zone"
            | "timestamptz"
            | "timestamp with time zone"
                if !mods.is_empty() =>
            {
                let canonical = match name.as_str() {
                    "time" | "time without time zone" => "time",
                    "timestamptz" | "timestamp with time zone" => "timestamptz",
                    _ => "timestamp",
                };
                match mods[..] {
                    [p] if p <= 6 => Scalar::Builtin(BuiltinType { name: canonical, modifiers: mods }),
                    [p] => {
                        return Err(TypeError::OutOfRange(format!(
                            "{canonical}({p}): the precision must be between 0 and 6"
                        )));
                    }
                    _ => return Err(TypeError::Modifiers("takes one precision")),
                }
            }
            "time" | "time without time zone" => none(Scalar::Time)?,
            "timestamp" | "timestamp without time zone" => none(Scalar::Timestamp)?,
            "timestamptz" | "timestamp with time zone" => none(Scalar::Timestamptz)?,
            "interval" => none(Scalar::Interval)?,
            "json" => none(Scalar::Json)?,
            "jsonb" => none(Scalar::Jsonb)?,
            "inet" => none(Scalar::Inet)?,
            "cidr" => none(Scalar::Cidr)?,
            "bytea" => none(Scalar::Bytea)?,
            "tsvector" => none(Scalar::Tsvector)?,
            other if TEXT_BUILTINS.iter().any(|(n, ..)| *n == other) => {
                let &(_, canonical, most, max) = TEXT_BUILTINS.iter().find(|(n, ..)| *n == other).unwrap();
                if mods.len() > most {
                    return Err(TypeError::Modifiers(if most == 0 {
                        "takes no length or precision"
                    } else {
                        "takes one modifier"
                    }));
                }
                if let Some(&m) =
                    mods.iter().find(|&&m| m > max || (canonical.starts_with("bit") || canonical == "varbit") && m == 0)
                {
                    return Err(TypeError::OutOfRange(format!("{canonical}({m}): the modifier must be at most {max}")));
                }
                Scalar::Builtin(BuiltinType { name: canonical, modifiers: mods })
            }
            other => match EXTENSION_TYPES.iter().find(|(n, _)| *n == other) {
                Some(&(name, extension)) => {
                    Scalar::Extension(ExtensionType { name: name.to_string(), modifiers: mods, extension })
                }
                // Union types keep their exact spelling: they may be quoted identifiers.
                None if mods.is_empty() => Scalar::Unresolved(original.to_string()),
                None => return Err(TypeError::Syntax),
            },
        };
        Ok(ColumnType::Scalar(scalar))
    }

    /// The innermost scalar of an array type, or the type itself.
    pub fn scalar(&self) -> &Scalar {
        match self {
            ColumnType::Scalar(s) => s,
            ColumnType::Array(inner) => inner.scalar(),
        }
    }

    pub fn scalar_mut(&mut self) -> &mut Scalar {
        match self {
            ColumnType::Scalar(s) => s,
            ColumnType::Array(inner) => inner.scalar_mut(),
        }
    }

    /// The type a foreign key to a column of this type must have: `serial` is stored as `integer`.
    pub fn storage(&self) -> ColumnType {
        match self {
            ColumnType::Scalar(Scalar::Serial) => ColumnType::Scalar(Scalar::Integer),
            ColumnType::Scalar(Scalar::BigSerial) => ColumnType::Scalar(Scalar::BigInt),
            other => other.clone(),
        }
    }

    /// Whether a foreign key column of this type may reference a key of type `key`: PostgreSQL
    /// needs an equality operator of the key's btree family for the pair, directly or after an
    /// implicit cast of this type. Integers of any width reference each other; integers and
    /// numerics reference numeric and floats; text, varchar and char each other; date, timestamp
    /// and timestamptz each other; time references interval. (`tests/values.rs` proves the table
    /// against PostgreSQL, pair by pair.)
    pub fn references_compatible(&self, key: &ColumnType) -> bool {
        use Scalar::*;
        let (ColumnType::Scalar(fk), ColumnType::Scalar(pk)) = (self.storage(), key.storage()) else {
            return self.same_family(key);
        };
        let integer = |s: &Scalar| matches!(s, SmallInt | Integer | BigInt);
        let text = |s: &Scalar| matches!(s, Text | Varchar(_) | Char(_));
        let datetime = |s: &Scalar| matches!(s, Date | Timestamp | Timestamptz);
        match (&fk, &pk) {
            (a, b) if integer(a) && integer(b) => true,
            (a, Numeric(_)) => integer(a) || matches!(a, Numeric(_)),
            (a, Real | Double) => integer(a) || matches!(a, Numeric(_) | Real | Double),
            (a, b) if text(a) && text(b) => true,
            (a, b) if datetime(a) && datetime(b) => true,
            (Time, Interval) => true,
            _ => self.same_family(key),
        }
    }

    /// The same type family, ignoring length, precision and scale.
    pub fn same_family(&self, other: &ColumnType) -> bool {
        use Scalar::*;
        match (self.storage(), other.storage()) {
            (ColumnType::Array(a), ColumnType::Array(b)) => a.same_family(&b),
            (ColumnType::Scalar(a), ColumnType::Scalar(b)) => match (&a, &b) {
                (Varchar(_) | Text, Varchar(_) | Text) => true,
                (Char(_), Char(_)) | (Numeric(_), Numeric(_)) => true,
                (Extension(x), Extension(y)) => x.name == y.name,
                _ => a == b,
            },
            _ => false,
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Scalar(s) => s.fmt(f),
            ColumnType::Array(inner) => write!(f, "{inner}[]"),
        }
    }
}

/// The canonical SQL spelling; enums print their bare name (the SQL target quotes it).
impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_len = |f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u32>| match n {
            Some(n) => write!(f, "{name}({n})"),
            None => f.write_str(name),
        };
        match self {
            Scalar::Uuid => f.write_str("uuid"),
            Scalar::Text => f.write_str("text"),
            Scalar::Varchar(n) => with_len(f, "varchar", n),
            Scalar::Char(n) => with_len(f, "char", n),
            Scalar::Boolean => f.write_str("boolean"),
            Scalar::SmallInt => f.write_str("smallint"),
            Scalar::Integer => f.write_str("integer"),
            Scalar::BigInt => f.write_str("bigint"),
            Scalar::Serial => f.write_str("serial"),
            Scalar::BigSerial => f.write_str("bigserial"),
            Scalar::Numeric(None) => f.write_str("numeric"),
            Scalar::Numeric(Some((p, None))) => write!(f, "numeric({p})"),
            Scalar::Numeric(Some((p, Some(s)))) => write!(f, "numeric({p},{s})"),
            Scalar::Real => f.write_str("real"),
            Scalar::Double => f.write_str("double precision"),
            Scalar::Date => f.write_str("date"),
            Scalar::Time => f.write_str("time"),
            Scalar::Timestamp => f.write_str("timestamp"),
            Scalar::Timestamptz => f.write_str("timestamptz"),
            Scalar::Interval => f.write_str("interval"),
            Scalar::Json => f.write_str("json"),
            Scalar::Jsonb => f.write_str("jsonb"),
            Scalar::Inet => f.write_str("inet"),
            Scalar::Cidr => f.write_str("cidr"),
            Scalar::Bytea => f.write_str("bytea"),
            Scalar::Tsvector => f.write_str("tsvector"),
            Scalar::Builtin(b) if b.modifiers.is_empty() => f.write_str(b.name),
            Scalar::Builtin(b) => {
                let mods: Vec<String> = b.modifiers.iter().map(u32::to_string).collect();
                write!(f, "{}({})", b.name, mods.join(","))
            }
            Scalar::Enum(name) | Scalar::Domain(name) | Scalar::Composite(name) | Scalar::Range(name) => name.fmt(f),
            Scalar::Unresolved(name) => f.write_str(name),
            Scalar::Extension(ext) => {
                f.write_str(&ext.name)?;
                if !ext.modifiers.is_empty() {
                    let mods: Vec<String> = ext.modifiers.iter().map(u32::to_string).collect();
                    write!(f, "({})", mods.join(","))?;
                }
                Ok(())
            }
        }
    }
}
