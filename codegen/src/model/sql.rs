//! The SQL spelling of model objects: how SQL names a routine, an aggregate or a column type,
//! and which routines a name written in a grant means. The statements themselves are the SQL
//! target's (`render/sql`).

use std::collections::HashSet;

use super::calendar::to_char_format;
use super::{
    Aggregate, ColumnType, EnumRepr, Function, IndexTarget, PUBLIC, Partitioning, Premake, QName, Ref, Scalar, Schema,
    Table,
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

/// The relations SQL in a schema may read by name: its tables, partitions and views, in the
/// namespaces it knows. System catalogs (`pg_*`) and other namespaces are not its to know, so
/// they count as found.
pub struct Readable<'s> {
    default: &'s str,
    namespaces: Vec<&'s str>,
    /// In declaration order, for did-you-mean.
    relations: Vec<QName>,
    known: HashSet<QName>,
}

impl<'s> Readable<'s> {
    pub fn of(schema: &'s Schema) -> Readable<'s> {
        let mut relations: Vec<QName> = schema.tables.iter().map(|t| t.qname()).collect();
        let partitions = schema.tables.iter().flat_map(|t| t.partition.iter().flat_map(|p| &p.partitions));
        relations.extend(partitions.map(|p| p.qname()));
        relations.extend(schema.views.iter().map(|v| v.qname()));
        let known = relations.iter().cloned().collect();
        Readable { default: &schema.namespace, namespaces: schema.namespace_names(), relations, known }
    }

    /// Whether `text` (`name` or `namespace.name`, as `sql::deps::relations` gives it) is found:
    /// unqualified, on `path` (a function's own `search_path`), else on the search path the
    /// generated SQL sets (public, then the default namespace).
    pub fn has(&self, text: &str, path: Option<&str>) -> bool {
        let q = QName::parse(text, "");
        if q.name.starts_with("pg_") {
            return true;
        }
        match q.namespace.as_str() {
            "" => match path {
                Some(path) => {
                    let path: Vec<&str> = path.split(',').map(|n| n.trim().trim_matches(['"', '\''])).collect();
                    // A namespace strata does not know (or `$user`) may hold it.
                    path.iter().any(|n| !self.namespaces.contains(n) || self.known.contains(&QName::new(n, &q.name)))
                }
                None => [self.default, PUBLIC].iter().any(|n| self.known.contains(&QName::new(n, &q.name))),
            },
            n if self.namespaces.contains(&n) => self.known.contains(&q),
            _ => true,
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.relations.iter().map(QName::to_string).collect()
    }
}
