//! The SQL spelling of model objects: how SQL names a routine, an aggregate or a column type,
//! and which routines a name written in a grant means. The statements themselves are the SQL
//! target's (`render/sql`).

use super::calendar::to_char_format;
use super::{
    Aggregate, ColumnType, EnumRepr, Function, IndexTarget, Partitioning, Premake, Ref, Scalar, Schema, Table,
};
use crate::sql::deps::argument_types;
use crate::sql::{literal, qualified};

impl Function {
    /// FUNCTION or PROCEDURE.
    pub fn kind(&self) -> &'static str {
        if self.procedure { "PROCEDURE" } else { "FUNCTION" }
    }

    /// The routine's identity as SQL names it: `ns.name(integer, text)` (the argument list as
    /// written when it does not parse, which a check reports).
    pub fn signature(&self) -> String {
        let types = argument_types(&self.args, self.procedure).map_or_else(|| self.args.clone(), |t| t.join(", "));
        format!("{}({types})", qualified(&self.namespace, &self.name))
    }
}

impl Aggregate {
    /// The aggregate as `DROP AGGREGATE` and `COMMENT ON AGGREGATE` name it: `name(argument types)`.
    pub fn signature(&self) -> String {
        format!("{}({})", qualified(&self.namespace, &self.name), self.args.trim())
    }
}

impl Schema {
    /// The SQL spelling of a column type; a CHECK-form union type is stored as its storage type.
    pub fn sql_type(&self, ty: &ColumnType) -> String {
        match ty {
            ColumnType::Array(inner) => format!("{}[]", self.sql_type(inner)),
            ColumnType::Scalar(Scalar::Domain(q) | Scalar::Composite(q) | Scalar::Range(q)) => {
                qualified(&q.namespace, &q.name)
            }
            ColumnType::Scalar(Scalar::Enum(name)) => match self.enum_(name).map(|e| &e.repr) {
                Some(EnumRepr::Check { storage }) => self.sql_type(storage),
                _ => qualified(&name.namespace, &name.name),
            },
            ColumnType::Scalar(s) => s.to_string(),
        }
    }

    /// The routines a grant's `name` or `name(types)` may mean: those of that name, and of those
    /// types when given.
    pub fn routines(&self, r: &Ref) -> Vec<&Function> {
        let (name, types) = match r.name.split_once('(') {
            Some((name, args)) => (name, argument_types(args.strip_suffix(')').unwrap_or(args), false)),
            None => (r.name.as_str(), None),
        };
        let same = |f: &&Function| {
            f.namespace == r.namespace
                && f.name == name
                && types.as_ref().is_none_or(|t| argument_types(&f.args, f.procedure).as_ref() == Some(t))
        };
        self.functions.iter().filter(same).collect()
    }
}

/// strata's upkeep function, which keeps one table's partitions (made from the schema's
/// declarations, in its default namespace).
pub const UPKEEP_FUNCTION: &str = "strata_upkeep_partitions";
/// The function that keeps every table strata manages, which pg_cron runs.
pub const UPKEEP_ALL: &str = "strata_partition_upkeep";

/// `strata_upkeep_partitions(...)` for one table with its declared upkeep, at time `at` (SQL).
pub fn upkeep_call(schema: &Schema, table: &Table, p: &Partitioning, premake: &Premake, at: &str) -> String {
    format!(
        "{}({}, {}, {}, {}, {}, {}, {}, {}, {at})",
        qualified(&schema.namespace, UPKEEP_FUNCTION),
        literal(&qualified(&table.namespace, &table.name)),
        literal(key_column(p)),
        literal(premake.interval.unit()),
        premake.ahead,
        premake.past,
        literal(&to_char_format(&premake.name, &table.name)),
        or_null(p.retention.as_ref()),
        or_null(p.archive.as_ref()),
    )
}

/// The partition key's one column (the checks make sure it is one).
pub(crate) fn key_column(p: &Partitioning) -> &str {
    match p.key.first() {
        Some(IndexTarget::Column(c)) => &c.name,
        _ => "",
    }
}

/// A text setting as a SQL literal, or NULL.
pub(crate) fn or_null(value: Option<&String>) -> String {
    value.map_or("NULL".to_string(), |v| literal(v))
}
