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

use std::collections::HashMap;

use crate::diagnostics::Span;
use crate::model::*;

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
    for r in &trigger_rows {
        let trigger = trigger(r, default);
        let (namespace, name) = (r.text(0), r.text(1));
        if let Some(t) = table_at(r) {
            schema.tables[t].triggers.push(trigger);
        } else if let Some(v) = schema.views.iter_mut().find(|v| v.namespace == namespace && v.name == name) {
            v.triggers.push(trigger);
        }
    }
    for r in &partition_rows {
        let Some(t) = table_at(r) else { continue };
        partition(&mut schema.tables[t], r);
    }
    partition_objects(&mut schema, &partition_constraints, &partition_indexes);
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

fn role(r: &Row) -> Role {
    Role {
        name: r.text(0),
        login: r.flag(1),
        inherit: r.flag(2),
        member_of: r.named(3),
        doc: r.opt(4),
        span: Span::default(),
    }
}

/// One grant per object, grantee and grant option (`privileges.sql` rows come in that order),
/// and a revoke from PUBLIC where its default EXECUTE or USAGE no longer holds.
fn grants(rows: &[Row]) -> Vec<Grant> {
    let mut out: Vec<Grant> = Vec::new();
    for r in rows {
        let span = Span::default();
        let object = Ref { namespace: r.text(1), name: r.text(2), span };
        let on = match r.text(0).as_str() {
            "r" => GrantOn::Tables(vec![object]),
            "S" => GrantOn::Sequences(vec![object]),
            "f" => GrantOn::Functions(vec![object]),
            "T" => GrantOn::Types(vec![object]),
            _ => GrantOn::Schema(r.text(1)),
        };
        let grant = Grant {
            revoke: r.text(6) == "revoked",
            privileges: vec![r.text(5)],
            on,
            columns: named(r.opt(3)).into_iter().collect(),
            to: vec![Named { name: r.text(4), span }],
            with_grant_option: r.flag(6),
            span,
        };
        match out.last_mut() {
            Some(last) if Grant { privileges: last.privileges.clone(), ..grant.clone() } == *last => {
                last.privileges.extend(grant.privileges)
            }
            _ => out.push(grant),
        }
    }
    out
}

/// Default privileges (`default_privileges.sql`), one entry per role, namespace, kind, grantee
/// and grant option.
fn default_privileges(rows: &[Row]) -> Vec<DefaultPrivileges> {
    let mut out: Vec<DefaultPrivileges> = Vec::new();
    for r in rows {
        let on = match r.text(2).as_str() {
            "r" => "TABLES",
            "S" => "SEQUENCES",
            "f" => "FUNCTIONS",
            "T" => "TYPES",
            _ => "SCHEMAS",
        };
        let entry = DefaultPrivileges {
            for_role: named(r.opt(0)),
            namespace: r.opt(1),
            revoke: r.text(5) == "revoked",
            privileges: vec![r.text(4)],
            on: on.to_string(),
            to: vec![Named { name: r.text(3), span: Span::default() }],
            with_grant_option: r.flag(5),
            span: Span::default(),
        };
        match out.last_mut() {
            Some(last) if DefaultPrivileges { privileges: last.privileges.clone(), ..entry.clone() } == *last => {
                last.privileges.extend(entry.privileges)
            }
            _ => out.push(entry),
        }
    }
    out
}

fn named(name: Option<String>) -> Option<Named> {
    name.map(|name| Named { name, span: Span::default() })
}

/// A domain, composite or range type (`types.sql`).
fn declared_type(schema: &mut Schema, r: &Row) -> Result<(), String> {
    let (namespace, name, doc, span) = (r.text(1), r.text(2), r.opt(9), Span::default());
    match r.text(0).as_str() {
        "d" => {
            let checks = r.list(7).into_iter().filter(|c| !c.is_empty()).map(|c| {
                let (name, definition) = c.split_once(RECORD).unwrap_or((&c, ""));
                let body = definition.strip_prefix("CHECK ").unwrap_or(definition);
                let origin = CheckOrigin::Declared;
                Check { name: name.to_string(), expr: expr(body.to_string()), origin, not_valid: false, doc: None }
            });
            schema.domains.push(Domain {
                base: super::parse_type(&r.text(3))?,
                not_null: r.flag(4),
                default: r.opt(5).map(expr),
                checks: checks.collect(),
                collation: named(r.opt(6)),
                namespace,
                name,
                doc,
                span,
            });
        }
        "c" => {
            let mut fields = Vec::new();
            for f in r.list(3) {
                let parts: Vec<&str> = f.split(RECORD).collect();
                let ty = super::parse_type(parts.get(1).copied().unwrap_or_default())?;
                let collation = named(parts.get(2).map(|c| c.to_string()));
                fields.push(CompositeField { name: parts[0].to_string(), ty, collation, span });
            }
            schema.composites.push(Composite { namespace, name, fields, doc, span });
        }
        _ => schema.ranges.push(RangeType {
            subtype: super::parse_type(&r.text(3))?,
            subtype_opclass: named(r.opt(4)),
            collation: named(r.opt(5)),
            subtype_diff: named(r.opt(6)),
            multirange: named(r.opt(7)),
            namespace,
            name,
            doc,
            span,
        }),
    }
    Ok(())
}

fn trigger(r: &Row, default: &str) -> Trigger {
    let bits: u32 = r.text(3).parse().unwrap_or(0);
    let timing = match (bits & 2 != 0, bits & 64 != 0) {
        (_, true) => TriggerTiming::InsteadOf,
        (true, _) => TriggerTiming::Before,
        _ => TriggerTiming::After,
    };
    let columns = r.list(12);
    let mut events = Vec::new();
    for (bit, event) in [(4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE")] {
        if bits & bit != 0 {
            events.push(match (event, columns.is_empty()) {
                ("UPDATE", false) => format!("UPDATE OF {}", columns.join(", ")),
                _ => event.to_string(),
            });
        }
    }
    // The arguments arrive as `encode(..., 'escape')` prints them: each ended by `\000`.
    let args = r.text(6);
    let args = args.strip_suffix("\\000").map(|a| a.split("\\000").map(str::to_string).collect()).unwrap_or_default();
    // WHEN is only in the printed definition: `... WHEN (condition) EXECUTE FUNCTION ...`.
    let definition = r.text(13);
    let when = definition
        .split_once(" WHEN (")
        .and_then(|(_, rest)| rest.rsplit_once(") EXECUTE "))
        .map(|(w, _)| expr(w.to_string()));
    let constraint = r.flag(9).then(|| deferrable_at(r.flag(10), r.flag(11)));
    let function = Ref::parse(&r.text(4), Span::default());
    let function = Ref {
        namespace: if function.namespace.is_empty() { default.to_string() } else { function.namespace },
        ..function
    };
    Trigger {
        name: r.text(2),
        timing,
        events,
        for_each_row: bits & 1 != 0,
        when,
        function,
        args,
        old_table: r.opt(7),
        new_table: r.opt(8),
        constraint,
        enabled: r.text(5) != "D",
        doc: r.opt(14),
        span: Span::default(),
    }
}

/// A partitioned table's key (first row) and one partition (each row that names one).
fn partition(t: &mut Table, r: &Row) {
    let span = Span::default();
    if t.partition.is_none() {
        let key = r.text(2);
        let (method, columns) = key.split_once(' ').unwrap_or((&key, ""));
        let method = match method {
            "LIST" => PartitionMethod::List,
            "HASH" => PartitionMethod::Hash,
            _ => PartitionMethod::Range,
        };
        let inner = columns.trim().strip_prefix('(').and_then(|c| c.strip_suffix(')')).unwrap_or(columns);
        let key = top_level(inner).iter().map(|k| key_target(k)).collect();
        t.partition = Some(Partitioning {
            method,
            key,
            partitions: Vec::new(),
            retention: None,
            managed_by: None,
            premake: None,
            archive: None,
            span,
        });
    }
    let Some(name) = r.opt(4) else { return };
    let printed = r.text(5);
    let values = |s: &str| top_level(s.trim().strip_prefix('(').and_then(|v| v.strip_suffix(')')).unwrap_or(s));
    let bound = if printed == "DEFAULT" {
        PartitionBound::Default
    } else if let Some(range) = printed.strip_prefix("FOR VALUES FROM ") {
        let (from, to) = range.split_once(" TO ").unwrap_or((range, ""));
        PartitionBound::Range { from: values(from), to: values(to) }
    } else if let Some(list) = printed.strip_prefix("FOR VALUES IN ") {
        PartitionBound::In(values(list))
    } else {
        let numbers: Vec<u32> = printed.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
        PartitionBound::Hash {
            modulus: numbers.first().copied().unwrap_or(0),
            remainder: numbers.get(1).copied().unwrap_or(0),
        }
    };
    let mut p = Partition::new(&r.text(3), name, bound, span);
    p.storage = r.options(6);
    if let Some(partitioning) = &mut t.partition {
        partitioning.partitions.push(p);
    }
}

/// The items of a comma-separated list outside parentheses and quotes: `'a, b', f(x, y)`.
fn top_level(list: &str) -> Vec<String> {
    let (mut items, mut item, mut depth, mut quoted) = (Vec::new(), String::new(), 0, false);
    for c in list.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(item.trim().to_string());
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    if !item.trim().is_empty() {
        items.push(item.trim().to_string());
    }
    items
}

fn aggregate(r: &Row) -> Aggregate {
    let parallel = match r.text(8).as_str() {
        "s" => Some("SAFE".to_string()),
        "r" => Some("RESTRICTED".to_string()),
        _ => None,
    };
    Aggregate {
        namespace: r.text(0),
        name: r.text(1),
        args: r.text(2),
        sfunc: Named { name: r.text(3), span: Span::default() },
        stype: r.text(4),
        finalfunc: named(r.opt(5)),
        combinefunc: named(r.opt(6)),
        initcond: r.opt(7),
        parallel,
        doc: r.opt(9),
        span: Span::default(),
    }
}

fn exclusion(r: &Row) -> Exclusion {
    let elements = r
        .list(4)
        .iter()
        .map(|e| {
            let (key, rest) = index_key(e);
            ExclusionElement { key, operator: rest.first().copied().unwrap_or_default().to_string() }
        })
        .collect();
    Exclusion {
        name: r.text(2),
        method: r.text(3),
        elements,
        include: r.named(5),
        with: r.options(6),
        predicate: r.opt(7).map(expr),
        deferrable: deferrable_at(r.flag(8), r.flag(9)),
        doc: r.opt(10),
        span: Span::default(),
    }
}

fn view(r: &Row) -> View {
    View {
        namespace: r.text(0),
        name: r.text(1),
        query: expr(r.text(3).trim().trim_end_matches(';').to_string()),
        materialized: r.flag(2),
        indexes: Vec::new(),
        options: r.options(4),
        with_data: r.flag(5),
        triggers: Vec::new(),
        doc: r.opt(6),
        span: Span::default(),
    }
}

fn routine(r: &Row) -> Function {
    let procedure = r.flag(2);
    let returns = if procedure { String::new() } else { r.text(4) };
    let mut f = Function::new(&r.text(0), &r.text(1), r.text(3), returns, &r.text(5), r.text(14));
    f.procedure = procedure;
    f.volatility = match r.text(6).as_str() {
        "i" => Some("IMMUTABLE".into()),
        "s" => Some("STABLE".into()),
        _ => None,
    };
    f.strict = r.flag(7);
    f.leakproof = r.flag(8);
    f.parallel = match r.text(9).as_str() {
        "s" => Some("SAFE".into()),
        "r" => Some("RESTRICTED".into()),
        _ => None,
    };
    // PostgreSQL's defaults (cost 100, 1000 rows for a set-returning function) are not said.
    f.cost = r.text(10).parse::<f64>().ok().map(|c| c as u32).filter(|&c| c != 100);
    f.rows = r.text(11).parse::<f64>().ok().map(|c| c as u32).filter(|&c| c != 0 && c != 1000);
    f.security_definer = r.flag(12);
    for setting in r.list(13) {
        let Some((name, value)) = setting.split_once('=') else { continue };
        if name == "search_path" {
            f.search_path = Some(value.to_string());
        } else {
            f.settings.push((name.to_string(), crate::sql::literal(value)));
        }
    }
    f.doc = r.opt(15);
    f
}

fn policy(r: &Row) -> Policy {
    let command = match r.text(4).as_str() {
        "r" => PolicyCommand::Select,
        "a" => PolicyCommand::Insert,
        "w" => PolicyCommand::Update,
        "d" => PolicyCommand::Delete,
        _ => PolicyCommand::All,
    };
    // A policy for PUBLIC names no role.
    let to = r.named(5).into_iter().filter(|n| n.name != "public").collect();
    Policy {
        name: r.text(2),
        permissive: r.flag(3),
        command,
        to,
        using: r.opt(6).map(expr),
        with_check: r.opt(7).map(expr),
        doc: r.opt(8),
        span: Span::default(),
    }
}

fn sequence(r: &Row) -> Result<Sequence, String> {
    let number = |i: usize| r.text(i).parse::<i64>().map_err(|e| format!("sequence {}: {e}", r.text(1)));
    let data_type = match r.text(2).as_str() {
        "smallint" => SequenceType::SmallInt,
        "integer" => SequenceType::Integer,
        _ => SequenceType::BigInt,
    };
    let owned_by = r.opt(10).map(|table| OwnedBy {
        table: Ref { namespace: r.text(9), name: table, span: Span::default() },
        column: Named { name: r.text(11), span: Span::default() },
    });
    Ok(Sequence {
        namespace: r.text(0),
        name: r.text(1),
        options: SequenceOptions {
            data_type: Some(data_type),
            start: Some(number(3)?),
            increment: Some(number(4)?),
            min: Some(number(5)?),
            max: Some(number(6)?),
            cache: Some(number(7)?),
            cycle: r.flag(8),
        },
        owned_by,
        doc: r.opt(12),
        span: Span::default(),
    })
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

/// A column; a type name that is none of PostgreSQL's resolves to a type read here once all are
/// (`Schema::resolve_type_names`), or stays a name (a type this source does not read).
fn column(r: &Row) -> Result<Column, String> {
    let ty = super::parse_type(&r.text(3)).map_err(|e| format!("column {}.{}: {e}", r.text(1), r.text(2)))?;
    let (default, generated) = match r.text(7).as_str() {
        "s" => (None, r.opt(5).map(expr)),
        _ => (r.opt(5).map(expr), None),
    };
    let identity = match r.text(6).as_str() {
        "a" | "d" => {
            Some(Identity { always: r.text(6) == "a", options: SequenceOptions::default(), span: Span::default() })
        }
        _ => None,
    };
    Ok(Column {
        nullable: !r.flag(4),
        default,
        generated,
        identity,
        collation: r.opt(8).map(|name| Named { name, span: Span::default() }),
        doc: r.opt(9),
        ..Column::new(&r.text(2), ty)
    })
}

fn deferrable(r: &Row) -> Deferrable {
    deferrable_at(r.flag(5), r.flag(6))
}

fn deferrable_at(deferrable: bool, deferred: bool) -> Deferrable {
    match (deferrable, deferred) {
        (false, _) => Deferrable::No,
        (true, false) => Deferrable::Immediate,
        (true, true) => Deferrable::Deferred,
    }
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// A constraint into its table (exclusion constraints have a query of their own).
fn constraint(t: &mut Table, r: &Row) {
    let (name, doc, span) = (r.text(2), r.opt(15), Span::default());
    let definition = r.text(4);
    match r.text(3).as_str() {
        "p" => t.primary_key = Some(PrimaryKey { name, columns: r.named(8), doc, span }),
        "u" => t.uniques.push(Unique {
            name,
            columns: r.named(8),
            nulls_not_distinct: r.flag(16),
            deferrable: deferrable(r),
            doc,
            span,
        }),
        "c" => {
            let body = definition.strip_prefix("CHECK ").unwrap_or(&definition);
            let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
            let not_valid = !r.flag(7);
            t.checks.push(Check { name, expr: expr(body.to_string()), origin: CheckOrigin::Declared, not_valid, doc });
        }
        "f" => t.foreign_keys.push(ForeignKey {
            name,
            columns: r.named(8),
            ref_table: Ref { namespace: r.text(9), name: r.text(10), span },
            ref_columns: r.named(11),
            on_delete: action(&r.text(12)),
            on_update: action(&r.text(13)),
            deferrable: deferrable(r),
            match_full: r.text(14) == "f",
            not_valid: !r.flag(7),
            doc,
            span,
        }),
        _ => {}
    }
}

/// A key of an index or a partitioning as printed: a plain column is its (possibly quoted)
/// name; anything else is an expression.
fn key_target(key: &str) -> IndexTarget {
    let unquoted = key.strip_prefix('"').and_then(|p| p.strip_suffix('"')).map(|p| p.replace("\"\"", "\""));
    match unquoted {
        Some(name) => IndexTarget::Column(Named { name, span: Span::default() }),
        None if is_plain_word(key) => IndexTarget::Column(Named { name: key.into(), span: Span::default() }),
        None => IndexTarget::Expr(expr(key.to_string())),
    }
}

/// One key of an index as `indexes.sql` and `exclusions.sql` print it: the key, DESC, NULLS
/// FIRST and a non-default operator class, separated by `RECORD`; then anything else.
fn index_key(printed: &str) -> (IndexKey, Vec<&str>) {
    let parts: Vec<&str> = printed.split(RECORD).collect();
    let key = parts.first().copied().unwrap_or_default();
    let descending = parts.get(1) == Some(&"true");
    let nulls_first = parts.get(2) == Some(&"true");
    let key = IndexKey {
        target: key_target(key),
        opclass: parts.get(3).filter(|o| !o.is_empty()).map(|o| o.to_string()),
        descending,
        // NULLS FIRST is the default for DESC and NULLS LAST for ASC: only the other is said.
        nulls_first: (nulls_first != descending).then_some(nulls_first),
    };
    (key, parts.into_iter().skip(4).collect())
}

/// What partitions have of their own: CHECKs and foreign keys not inherited from the parent,
/// indexes not attached to one of the parent's, and the names of those attached when they are
/// not the ones PostgreSQL would choose.
fn partition_objects(schema: &mut Schema, constraints: &[&Row], indexes: &[&Row]) {
    let mut at = HashMap::new();
    for (ti, t) in schema.tables.iter().enumerate() {
        for (pi, p) in t.partition.iter().flat_map(|p| &p.partitions).enumerate() {
            at.insert((p.namespace.clone(), p.name.clone()), (ti, pi));
        }
    }
    fn partition<'s>(
        schema: &'s mut Schema,
        at: &HashMap<(String, String), (usize, usize)>,
        r: &Row,
    ) -> Option<&'s mut Partition> {
        let (ti, pi) = at.get(&(r.text(0), r.text(1)))?;
        schema.tables[*ti].partition.as_mut()?.partitions.get_mut(*pi)
    }
    for r in constraints {
        let Some(p) = partition(schema, &at, r) else { continue };
        let mut own = Table::new(&p.namespace, &p.name);
        constraint(&mut own, r);
        p.checks.append(&mut own.checks);
        p.foreign_keys.append(&mut own.foreign_keys);
    }
    for r in indexes {
        let Some(p) = partition(schema, &at, r) else { continue };
        let index = index(r);
        match r.opt(10) {
            None => p.indexes.push(index),
            Some(parent) if index.name != Index::chosen_name(&p.name, &index.keys) => {
                p.index_names.push((Named { name: parent, span: Span::default() }, index.name))
            }
            Some(_) => {}
        }
    }
}

fn index(r: &Row) -> Index {
    let keys = r.list(5).iter().map(|k| index_key(k).0).collect();
    Index {
        name: r.text(2),
        keys,
        method: r.text(3),
        unique: r.flag(4),
        predicate: r.opt(6).map(expr),
        include: r.named(7),
        with: r.options(8),
        doc: r.opt(9),
        span: Span::default(),
    }
}
