//! The live source: a database's catalog, read into the `Schema` model by a fixed number of
//! queries (the `.sql` files beside this one), whatever the size of the schema.
//!
//! It knows no client library: a `Catalog` answers each query with rows of text, so the
//! compiler stays free of a connection and the CLI and tests bring theirs (`strata::live`).
//! Read so far: namespaces, enum types, tables (comment, UNLOGGED, storage options, row-level
//! security), columns (exact type, NOT NULL, default, identity, generated expression,
//! collation, comment; a serial read back as one), primary keys, unique, CHECK and foreign-key
//! constraints with names and DEFERRABLE / NOT VALID state, indexes (method, keys and
//! expressions, order, operator class, predicate, INCLUDE, WITH), policies, sequences (and
//! identity columns' options), domains, composite and range types, views and materialized
//! views (query, options, WITH NO DATA, indexes), functions and procedures with their options,
//! triggers (on tables and views, with every option), extensions, partitioned tables (method,
//! key, partitions with bounds, storage and objects of their own), exclusion constraints,
//! replica identity, aggregates, roles, namespace owners, and privileges (one grant per object
//! and grantee; default privileges). Not read: comments on objects other than those above,
//! owners of tables and routines (the model has none).
//! Expressions are kept as PostgreSQL prints them; compare them through `crate::sql::normalize`.

mod partitions;
mod routines;
mod security;
mod tables;
mod types;

use std::collections::HashMap;

use crate::diagnostics::Span;
use crate::model::*;
use partitions::*;
use routines::*;
use security::*;
use tables::*;
use types::*;

/// A query's answer: each row's columns as text, NULL as `None`.
pub type Rows = Vec<Vec<Option<String>>>;

/// Answers catalog queries.
pub trait Catalog {
    fn rows(&mut self, sql: &str) -> Result<Rows, String>;

    /// The answers to independent queries, in their order. A catalog with several
    /// connections may run them side by side; by default, one after another.
    fn rows_all(&mut self, queries: &[String]) -> Vec<Result<Rows, String>> {
        queries.iter().map(|q| self.rows(q)).collect()
    }
}

/// The queries, in the order `introspect` runs them: one round trip each.
pub const QUERIES: [(&str, &str); 19] = [
    ("namespaces", include_str!("queries/namespaces.sql")),
    ("enums", include_str!("queries/enums.sql")),
    ("tables", include_str!("queries/tables.sql")),
    ("columns", include_str!("queries/columns.sql")),
    ("constraints", include_str!("queries/constraints.sql")),
    ("indexes", include_str!("queries/indexes.sql")),
    ("policies", include_str!("queries/policies.sql")),
    ("sequences", include_str!("queries/sequences.sql")),
    ("types", include_str!("queries/types.sql")),
    ("views", include_str!("queries/views.sql")),
    ("routines", include_str!("queries/routines.sql")),
    ("triggers", include_str!("queries/triggers.sql")),
    ("extensions", include_str!("queries/extensions.sql")),
    ("partitions", include_str!("queries/partitions.sql")),
    ("exclusions", include_str!("queries/exclusions.sql")),
    ("aggregates", include_str!("queries/aggregates.sql")),
    ("roles", include_str!("queries/roles.sql")),
    ("privileges", include_str!("queries/privileges.sql")),
    ("default_privileges", include_str!("queries/default_privileges.sql")),
];

/// What the namespaces hold that strata cannot express yet (rules, extended statistics, table
/// inheritance, ...), each as a person reads it: `pull` and `import` report it rather than lose
/// it silently. In the whole database: event triggers and publications.
pub fn left_out(catalog: &mut dyn Catalog, namespaces: &[&str]) -> Result<Vec<String>, String> {
    let list: Vec<String> = namespaces.iter().map(|n| crate::sql::literal(n)).collect();
    let sql = include_str!("queries/left_out.sql").replace("{namespaces}", &list.join(", "));
    let rows = catalog.rows(&sql).map_err(|e| format!("catalog query `left_out`: {e}"))?;
    Ok(rows.into_iter().map(|r| Row(r).text(0)).collect())
}

/// Separates list items inside one text column (`chr(31)`), and the parts of an index key (`chr(30)`).
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// The namespaces a schema's objects may live in, as `introspect` takes them: its default
/// first, then those it declares, and `public`, where extensions put their objects.
pub fn namespaces_of(schema: &Schema) -> Vec<String> {
    let mut namespaces = vec![schema.namespace.clone()];
    for n in schema.namespaces.iter().map(|n| &n.name).chain([&PUBLIC.to_string()]) {
        if !namespaces.contains(n) {
            namespaces.push(n.clone());
        }
    }
    namespaces
}

/// The objects of `namespaces` (the first is the schema's default) as a `Schema` named `name`.
pub fn introspect(catalog: &mut dyn Catalog, name: &str, namespaces: &[&str]) -> Result<Schema, String> {
    let list: Vec<String> = namespaces.iter().map(|n| crate::sql::literal(n)).collect();
    let default = namespaces.first().copied().unwrap_or(PUBLIC);
    // Names and expressions are printed as the schema's own SQL spells them: with its default
    // namespace on the search path (for this transaction only).
    let path = crate::sql::ident(default);
    // JIT compiling these queries (a server's default above a cost they reach on large schemas)
    // takes longer than running them: 1.3 s instead of 0.2 s for `indexes` on 1,000 tables.
    let wrapped: Vec<String> = QUERIES
        .iter()
        .map(|(_, sql)| {
            let sql = sql.replace("{namespaces}", &list.join(", "));
            format!("BEGIN READ ONLY; SET LOCAL search_path = {path}; SET LOCAL jit = off; {sql}; COMMIT")
        })
        .collect();
    let mut answers = Vec::with_capacity(QUERIES.len());
    for ((what, _), rows) in QUERIES.iter().zip(catalog.rows_all(&wrapped)) {
        let rows = rows.map_err(|e| format!("catalog query `{what}`: {e}"))?;
        answers.push(rows.into_iter().map(Row).collect::<Vec<_>>());
    }
    let [
        namespace_rows,
        enum_rows,
        table_rows,
        column_rows,
        constraint_rows,
        index_rows,
        policy_rows,
        sequence_rows,
        type_rows,
        view_rows,
        routine_rows,
        trigger_rows,
        extension_rows,
        partition_rows,
        exclusion_rows,
        aggregate_rows,
        role_rows,
        privilege_rows,
        default_privilege_rows,
    ] = <[Vec<Row>; 19]>::try_from(answers).map_err(|_| "a catalog query is missing".to_string())?;
    let mut schema = Schema::new(name, default);
    for r in &namespace_rows {
        let name = r.text(0);
        // `public` as every database has it (with its stock comment) is not the schema's.
        let doc = r.opt(2).filter(|d| !(name == PUBLIC && d == "standard public schema"));
        let owner = named(r.opt(1));
        if name != PUBLIC || doc.is_some() || owner.is_some() {
            schema.namespaces.push(Namespace { name, owner, doc, span: Span::default() });
        }
    }
    for r in &enum_rows {
        schema.enums.push(Enum {
            namespace: r.text(0),
            name: r.text(1),
            values: r.list(2),
            repr: EnumRepr::Type,
            doc: r.opt(3),
            span: Span::default(),
        });
    }
    for r in &table_rows {
        let mut t = Table::new(&r.text(0), &r.text(1));
        (t.doc, t.unlogged, t.storage) = (r.opt(2), r.flag(3), r.options(4));
        t.replica_identity = match r.text(7).as_str() {
            "f" => Some(ReplicaIdentity::Full),
            "n" => Some(ReplicaIdentity::Nothing),
            "i" => named(r.opt(8)).map(ReplicaIdentity::Index),
            _ => None,
        };
        if r.flag(5) || r.flag(6) {
            let (tenant, setting, tenant_roles) = (None, String::new(), Vec::new());
            t.rls = Some(Rls {
                enabled: r.flag(5),
                force: r.flag(6),
                tenant,
                setting,
                tenant_roles,
                span: Span::default(),
            });
        }
        schema.tables.push(t);
    }
    // Every later row names its table by (namespace, name): found by one lookup, not a scan.
    let positions: HashMap<(String, String), usize> =
        schema.tables.iter().enumerate().map(|(i, t)| ((t.namespace.clone(), t.name.clone()), i)).collect();
    let table_named = |namespace: &str, name: &str| positions.get(&(namespace.to_string(), name.to_string())).copied();
    let table_at = |r: &Row| table_named(r.0.first()?.as_deref()?, r.0.get(1)?.as_deref()?);
    for r in &column_rows {
        let Some(t) = table_at(r) else { continue };
        let column = column(r)?;
        schema.tables[t].columns.push(column);
    }
    // A constraint of no table is a partition's own, read with the partitions.
    let mut partition_constraints = Vec::new();
    for r in &constraint_rows {
        match table_at(r) {
            Some(t) => constraint(&mut schema.tables[t], r),
            None => partition_constraints.push(r),
        }
    }
    // An index on no table is on a materialized view or a partition, read below.
    let mut other_indexes = Vec::new();
    for r in &index_rows {
        match table_at(r) {
            Some(t) => schema.tables[t].indexes.push(index(r)),
            None => other_indexes.push(r),
        }
    }
    for r in &policy_rows {
        let Some(t) = table_at(r) else { continue };
        schema.tables[t].policies.push(policy(r));
    }
    for r in &sequence_rows {
        let s = sequence(r)?;
        // An identity column's own sequence holds its options.
        let owner = s.owned_by.as_ref().filter(|_| r.text(13) == "i").and_then(|o| {
            let t = table_named(&o.table.namespace, &o.table.name)?;
            Some((t, schema.tables[t].columns.iter().position(|c| c.name == o.column.name)?))
        });
        match owner.and_then(|(t, c)| schema.tables[t].columns[c].identity.as_mut()) {
            Some(id) => id.options = SequenceOptions { data_type: None, ..s.options },
            None => schema.sequences.push(s),
        }
    }
    super::fold_serials(&mut schema);
    for r in &type_rows {
        declared_type(&mut schema, r)?;
    }
    schema.views = view_rows.iter().map(view).collect();
    let mut partition_indexes = Vec::new();
    for r in other_indexes {
        match schema.views.iter_mut().find(|v| v.namespace == r.text(0) && v.name == r.text(1)) {
            Some(v) => v.indexes.push(index(r)),
            None => partition_indexes.push(r),
        }
    }
    schema.functions = routine_rows.iter().map(routine).collect();
    let mut partition_triggers = Vec::new();
    for r in &trigger_rows {
        let trigger = trigger(r, default);
        let (namespace, name) = (r.text(0), r.text(1));
        if let Some(t) = table_at(r) {
            schema.tables[t].triggers.push(trigger);
        } else if let Some(v) = schema.views.iter_mut().find(|v| v.namespace == namespace && v.name == name) {
            v.triggers.push(trigger);
        } else {
            partition_triggers.push((namespace, name, trigger));
        }
    }
    for r in &partition_rows {
        let Some(t) = table_at(r) else { continue };
        partition(&mut schema.tables[t], r);
    }
    partition_objects(&mut schema, &partition_constraints, &partition_indexes);
    for (namespace, name, trigger) in partition_triggers {
        let partitions = schema.tables.iter_mut().flat_map(|t| t.partition.iter_mut().flat_map(|p| &mut p.partitions));
        if let Some(p) = partitions.into_iter().find(|p| p.namespace == namespace && p.name == name) {
            p.triggers.push(trigger);
        }
    }
    schema.aggregates = aggregate_rows.iter().map(aggregate).collect();
    for r in &exclusion_rows {
        let Some(t) = table_at(r) else { continue };
        schema.tables[t].exclusions.push(exclusion(r));
    }
    let span = Span::default();
    schema.extensions =
        extension_rows.iter().map(|r| Extension { name: r.text(0), namespace: r.opt(1), span }).collect();
    schema.roles = role_rows.iter().map(role).collect();
    schema.grants = grants(&privilege_rows);
    schema.default_privileges = default_privileges(&default_privilege_rows);
    schema.resolve_type_names();
    Ok(schema)
}

fn named(name: Option<String>) -> Option<Named> {
    name.map(|name| Named { name, span: Span::default() })
}

/// One answer row.
struct Row(Vec<Option<String>>);

impl Row {
    fn opt(&self, i: usize) -> Option<String> {
        self.0.get(i).cloned().flatten()
    }

    fn text(&self, i: usize) -> String {
        self.opt(i).unwrap_or_default()
    }

    fn flag(&self, i: usize) -> bool {
        self.opt(i).as_deref() == Some("true")
    }

    fn list(&self, i: usize) -> Vec<String> {
        self.opt(i).map(|s| s.split(UNIT).map(str::to_string).collect()).unwrap_or_default()
    }

    /// `name=value` items (reloptions): storage parameters and view options.
    fn options(&self, i: usize) -> Vec<(String, String)> {
        self.list(i).into_iter().filter_map(|o| o.split_once('=').map(|(k, v)| (k.into(), v.into()))).collect()
    }

    fn named(&self, i: usize) -> Vec<Named> {
        self.list(i).into_iter().map(|name| Named { name, span: Span::default() }).collect()
    }
}

fn expr(sql: String) -> Expr {
    Expr::new(sql, Span::default())
}
