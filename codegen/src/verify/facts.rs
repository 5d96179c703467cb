//! A schema as facts: one per object the live source reads, named by kind and qualified name,
//! with its properties in words both sources spell alike (types by name, expressions
//! normalized, what PostgreSQL fills in folded away), so that comparing two schemas is
//! comparing facts.

use crate::diagnostics::Span;
use crate::model::*;
use crate::sql::normalize;

/// One object: what it is, its name, its properties in a fixed order, and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub kind: &'static str,
    pub name: String,
    pub props: Vec<(&'static str, String)>,
    pub span: Span,
}

/// Every fact of a schema, in the order of its objects.
pub fn facts(schema: &Schema) -> Vec<Fact> {
    // Every kind the model holds, named: a new one is a compile error here until it is compared.
    let Schema {
        name: _,
        postgres: _,
        doc: _, // the database's comment is not the schema's to declare
        namespace: _,
        namespaces: _,
        extensions: _,
        enums: _,
        domains: _,
        composites: _,
        ranges: _,
        shapes: _, // the Rust target's: PostgreSQL stores any JSON
        tables: _,
        sequences: _,
        roles: _,
        grants: _,
        default_privileges: _,
        functions: _,
        aggregates: _,
        views: _,
        jobs: _,              // pg_cron's, in its own database
        allow_destructive: _, // the next migration's, never the database's
        ignore: _,            // applied to the database as it is read (`Ignore::remove_from`)
        rust_names: _,
        positions: _,
    } = schema;
    let mut out = Facts(Vec::new());
    for n in schema.namespaces.iter().filter(|n| n.name != PUBLIC) {
        let owner = n.owner.as_ref().map(|o| o.name.clone());
        out.add("namespace", n.name.clone(), n.span, vec![("owner", opt(&owner)), ("comment", opt(&n.doc))]);
    }
    for e in schema.enums.iter().filter(|e| e.repr == EnumRepr::Type) {
        let props = vec![("values", e.values.join(", ")), ("comment", opt(&e.doc))];
        out.add("union type", qualified(&e.namespace, &e.name), e.span, props);
    }
    for e in &schema.extensions {
        let namespace = e.namespace.as_deref().unwrap_or(&schema.namespace).to_string();
        out.add("extension", e.name.clone(), e.span, vec![("namespace", namespace)]);
    }
    types(schema, &mut out);
    routines(schema, &mut out);
    for v in &schema.views {
        let options = v.options.iter().map(|(k, o)| format!("{k}={}", o.trim_matches('\''))).collect();
        let query = normalize::query(&v.query.sql).unwrap_or_else(|| v.query.sql.trim().to_string());
        let props = vec![
            ("materialized", v.materialized.to_string()),
            ("options", list(options)),
            ("with data", v.with_data.to_string()),
            ("comment", opt(&v.doc)),
            ("query", query),
        ];
        out.add("view", qualified(&v.namespace, &v.name), v.span, props);
    }
    for s in &schema.sequences {
        let owner = s.owned_by.as_ref().map(|o| format!("{}.{}.{}", o.table.namespace, o.table.name, o.column.name));
        let props = vec![
            ("options", format!("{:?}", s.options.resolve())),
            ("owned by", opt(&owner)),
            ("comment", opt(&s.doc)),
        ];
        out.add("sequence", qualified(&s.namespace, &s.name), s.span, props);
    }
    let partitions = schema.tables.iter().flat_map(|t| t.partition.iter().flat_map(|p| &p.partitions));
    let triggers = schema
        .tables
        .iter()
        .map(|t| (t.qname(), &t.triggers))
        .chain(partitions.map(|p| (p.qname(), &p.triggers)))
        .chain(schema.views.iter().map(|v| (v.qname(), &v.triggers)));
    for (on, on_triggers) in triggers {
        for tr in on_triggers {
            let props = vec![
                ("timing", format!("{:?}", tr.timing)),
                ("events", tr.events.join(", ")),
                ("for each row", tr.for_each_row.to_string()),
                ("when", opt(&tr.when.as_ref().map(|w| expr(&w.sql)))),
                ("function", qualified(&tr.function.namespace, &tr.function.name)),
                ("arguments", list(tr.args.clone())),
                ("old table", opt(&tr.old_table)),
                ("new table", opt(&tr.new_table)),
                ("constraint", opt(&tr.constraint.as_ref().map(deferrable))),
                ("enabled", tr.enabled.to_string()),
                ("comment", opt(&tr.doc)),
            ];
            out.add("trigger", format!("{}.{}.{}", on.namespace, on.name, tr.name), tr.span, props);
        }
    }
    for t in &schema.tables {
        table(schema, t, &mut out);
    }
    // A role's doc is not written to the cluster (a comment on a role is shared by every
    // database of it), so it is not a fact.
    for r in &schema.roles {
        let props = vec![
            ("login", r.login.to_string()),
            ("inherit", r.inherit.to_string()),
            ("member of", names(&r.member_of)),
        ];
        out.add("role", r.name.clone(), r.span, props);
    }
    out.0.extend(super::privileges::object_privileges(schema));
    out.0.extend(super::privileges::default_privileges(schema));
    out.0
}

struct Facts(Vec<Fact>);

impl Facts {
    fn add(&mut self, kind: &'static str, name: String, span: Span, props: Vec<(&'static str, String)>) {
        self.0.push(Fact { kind, name, props, span });
    }
}

fn types(schema: &Schema, out: &mut Facts) {
    for d in &schema.domains {
        let checks = d.checks.iter().map(|c| format!("{} {}", c.name, expr(&c.expr.sql))).collect();
        let props = vec![
            ("type", d.base.to_string()),
            ("not null", d.not_null.to_string()),
            ("default", opt(&d.default.as_ref().map(|e| expr(&e.sql)))),
            ("collation", opt(&d.collation.as_ref().map(|c| c.name.clone()))),
            ("checks", list(checks)),
            ("comment", opt(&d.doc)),
        ];
        out.add("domain", qualified(&d.namespace, &d.name), d.span, props);
    }
    for c in &schema.composites {
        let fields = c
            .fields
            .iter()
            .map(|f| match &f.collation {
                Some(l) => format!("{} {} COLLATE {}", f.name, f.ty, l.name),
                None => format!("{} {}", f.name, f.ty),
            })
            .collect();
        let props = vec![("fields", list(fields)), ("comment", opt(&c.doc))];
        out.add("composite type", qualified(&c.namespace, &c.name), c.span, props);
    }
    for r in &schema.ranges {
        let props = vec![
            ("subtype", r.subtype.to_string()),
            ("operator class", opt(&r.subtype_opclass.as_ref().map(|o| o.name.clone()))),
            ("collation", opt(&r.collation.as_ref().map(|c| c.name.clone()))),
            ("subtype_diff", opt(&r.subtype_diff.as_ref().map(|f| f.name.clone()))),
            ("multirange", r.multirange_name()),
            ("comment", opt(&r.doc)),
        ];
        out.add("range type", qualified(&r.namespace, &r.name), r.span, props);
    }
}

/// A routine by its namespace, name and argument types: `public.area(double precision, double precision)`.
pub(super) fn routine_name(f: &Function) -> String {
    let types = crate::sql::deps::argument_types(&f.args, f.procedure).unwrap_or_default();
    format!("{}({})", qualified(&f.namespace, &f.name), types.join(", "))
}

fn routines(schema: &Schema, out: &mut Facts) {
    for f in &schema.functions {
        let props = vec![
            ("procedure", f.procedure.to_string()),
            ("returns", normalize::routine_types(&f.returns)),
            ("language", f.language.clone()),
            ("volatility", opt(&f.volatility)),
            ("strict", f.strict.to_string()),
            ("leakproof", f.leakproof.to_string()),
            ("parallel", opt(&f.parallel)),
            ("cost", opt(&f.cost.map(|c| c.to_string()))),
            ("rows", opt(&f.rows.map(|r| r.to_string()))),
            ("security definer", f.security_definer.to_string()),
            ("search_path", opt(&f.search_path)),
            ("settings", list(f.settings.iter().map(|(k, v)| format!("{k}={v}")).collect())),
            ("comment", opt(&f.doc)),
        ];
        out.add("routine", routine_name(f), f.span, props);
    }
    for a in &schema.aggregates {
        // The state type and argument types as PostgreSQL names them.
        let props = vec![
            ("sfunc", a.sfunc.name.clone()),
            ("stype", normalize::routine_types(&a.stype)),
            ("finalfunc", opt(&a.finalfunc.as_ref().map(|f| f.name.clone()))),
            ("combinefunc", opt(&a.combinefunc.as_ref().map(|f| f.name.clone()))),
            ("initcond", opt(&a.initcond)),
            ("parallel", opt(&a.parallel)),
            ("comment", opt(&a.doc)),
        ];
        let name = format!("{}({})", qualified(&a.namespace, &a.name), normalize::routine_types(&a.args));
        out.add("aggregate", name, a.span, props);
    }
}

fn table(schema: &Schema, t: &Table, out: &mut Facts) {
    let q = qualified(&t.namespace, &t.name);
    let props = vec![("unlogged", t.unlogged.to_string()), ("storage", storage(&t.storage)), ("comment", opt(&t.doc))];
    out.add("table", q.clone(), t.span, props);
    for c in &t.columns {
        // Identity with its sequence's options as PostgreSQL fills them in.
        let identity = c.identity.as_ref().map(|i| {
            let generated = if i.always { "always" } else { "by default" };
            match c.implicit_sequence_options().map(|o| o.resolve()) {
                Some(Ok(o)) => format!(
                    "{generated} (start {}, increment {}, min {}, max {}, cache {}{})",
                    o.start,
                    o.increment,
                    o.min,
                    o.max,
                    o.cache,
                    if o.cycle { ", cycle" } else { "" }
                ),
                _ => generated.to_string(),
            }
        });
        let props = vec![
            ("type", column_type(schema, c)),
            ("nullable", c.nullable.to_string()),
            ("default", opt(&c.default.as_ref().map(|d| expr(&d.sql)))),
            ("generated", opt(&c.generated.as_ref().map(|g| expr(&g.sql)))),
            ("identity", opt(&identity)),
            ("collation", opt(&c.collation.as_ref().map(|l| l.name.clone()))),
            ("comment", opt(&c.doc)),
        ];
        out.add("column", format!("{q}.{}", c.name), c.span, props);
    }
    if let Some(p) = &t.partition {
        let key = p.key.iter().map(target).collect();
        out.add("partitioning", q.clone(), p.span, vec![("method", format!("{:?}", p.method)), ("key", list(key))]);
        for part in &p.partitions {
            let values = |v: &[String]| list(v.iter().map(|v| expr(v)).collect());
            let bound = match &part.bound {
                PartitionBound::Range { from, to } => format!("from {} to {}", values(from), values(to)),
                PartitionBound::In(v) => format!("in {}", values(v)),
                other => format!("{other:?}"),
            };
            // Its copies of the parent's indexes by name, where the name is not PostgreSQL's choice.
            let named = part.index_names.iter().filter(|(parent, own)| {
                let keys = t.indexes.iter().find(|i| i.name == parent.name).map(|i| i.keys.as_slice());
                keys.is_none_or(|keys| *own != Index::chosen_name(&part.name, keys))
            });
            let props = vec![
                ("of", q.clone()),
                ("bound", bound),
                ("storage", storage(&part.storage)),
                ("index names", list(named.map(|(parent, own)| format!("{}={own}", parent.name)).collect())),
            ];
            let pq = qualified(&part.namespace, &part.name);
            out.add("partition", pq.clone(), part.span, props);
            let mut own = Table::new(&part.namespace, &part.name);
            (own.checks, own.foreign_keys) = (part.checks.clone(), part.foreign_keys.clone());
            constraints(&own, &pq, out);
            for i in &part.indexes {
                index(i, &pq, out);
            }
        }
    }
    if let Some(identity) = &t.replica_identity {
        let identity = match identity {
            ReplicaIdentity::Index(i) => format!("index {}", i.name),
            other => format!("{other:?}"),
        };
        out.add("replica identity", q.clone(), t.span, vec![("identity", identity)]);
    }
    if let Some(rls) = &t.rls {
        let props = vec![("enabled", rls.enabled.to_string()), ("forced", rls.force.to_string())];
        out.add("row-level security", q.clone(), rls.span, props);
    }
    for p in &t.policies {
        let props = vec![
            ("permissive", p.permissive.to_string()),
            ("command", format!("{:?}", p.command)),
            ("to", list(p.to.iter().map(|r| r.name.clone()).collect())),
            ("using", opt(&p.using.as_ref().map(|u| expr(&u.sql)))),
            ("with check", opt(&p.with_check.as_ref().map(|w| expr(&w.sql)))),
            ("comment", opt(&p.doc)),
        ];
        out.add("policy", format!("{q}.{}", p.name), p.span, props);
    }
    constraints(t, &q, out);
    for i in &t.indexes {
        index(i, &q, out);
    }
}

fn index(i: &Index, q: &str, out: &mut Facts) {
    let props = vec![
        ("method", i.method.clone()),
        ("unique", i.unique.to_string()),
        ("nulls not distinct", i.nulls_not_distinct.to_string()),
        ("keys", list(i.keys.iter().map(key).collect())),
        ("where", opt(&i.predicate.as_ref().map(|p| expr(&p.sql)))),
        ("include", names(&i.include)),
        ("with", storage(&i.with)),
        ("comment", opt(&i.doc)),
    ];
    out.add("index", format!("{q}.{}", i.name), i.span, props);
}

fn constraints(t: &Table, q: &str, out: &mut Facts) {
    if let Some(pk) = &t.primary_key {
        let props = vec![("columns", names(&pk.columns)), ("comment", opt(&pk.doc))];
        out.add("primary key", format!("{q}.{}", pk.name), pk.span, props);
    }
    for u in &t.uniques {
        let props = vec![
            ("columns", names(&u.columns)),
            ("nulls not distinct", u.nulls_not_distinct.to_string()),
            ("deferrable", deferrable(&u.deferrable)),
            ("comment", opt(&u.doc)),
        ];
        out.add("unique", format!("{q}.{}", u.name), u.span, props);
    }
    for x in &t.exclusions {
        let elements = x.elements.iter().map(|e| format!("{} WITH {}", key(&e.key), e.operator)).collect();
        let props = vec![
            ("method", x.method.clone()),
            ("elements", list(elements)),
            ("include", names(&x.include)),
            ("with", storage(&x.with)),
            ("where", opt(&x.predicate.as_ref().map(|p| expr(&p.sql)))),
            ("deferrable", deferrable(&x.deferrable)),
            ("comment", opt(&x.doc)),
        ];
        out.add("exclusion", format!("{q}.{}", x.name), x.span, props);
    }
    for k in &t.checks {
        let props =
            vec![("check", expr(&k.expr.sql)), ("not valid", k.not_valid.to_string()), ("comment", opt(&k.doc))];
        out.add("check", format!("{q}.{}", k.name), k.expr.span, props);
    }
    for fk in &t.foreign_keys {
        let props = vec![
            ("columns", names(&fk.columns)),
            (
                "references",
                format!("{} ({})", qualified(&fk.ref_table.namespace, &fk.ref_table.name), names(&fk.ref_columns)),
            ),
            ("on delete", format!("{:?}", fk.on_delete)),
            ("on update", format!("{:?}", fk.on_update)),
            ("deferrable", deferrable(&fk.deferrable)),
            ("match full", fk.match_full.to_string()),
            ("not valid", fk.not_valid.to_string()),
            ("comment", opt(&fk.doc)),
        ];
        out.add("foreign key", format!("{q}.{}", fk.name), fk.span, props);
    }
}

/// Storage parameters as `name=value`, a value without the quotes a declaration may give it.
fn storage(options: &[(String, String)]) -> String {
    list(options.iter().map(|(k, v)| format!("{k}={}", v.trim_matches('\''))).collect())
}

fn deferrable(d: &Deferrable) -> String {
    match d {
        Deferrable::No => "not deferrable",
        Deferrable::Immediate => "deferrable",
        Deferrable::Deferred => "deferrable initially deferred",
    }
    .into()
}

fn expr(sql: &str) -> String {
    normalize::expr(sql).unwrap_or_else(|| sql.trim().to_string())
}

pub(super) fn qualified(namespace: &str, name: &str) -> String {
    format!("{namespace}.{name}")
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "none".into())
}

fn list(items: Vec<String>) -> String {
    format!("[{}]", items.join(", "))
}

fn names(items: &[Named]) -> String {
    list(items.iter().map(|n| n.name.clone()).collect())
}

fn target(t: &IndexTarget) -> String {
    match t {
        IndexTarget::Column(c) => c.name.clone(),
        IndexTarget::Expr(e) => expr(&e.sql),
    }
}

/// An index key: its column or normalized expression, order, NULLS placement and operator class.
fn key(k: &IndexKey) -> String {
    let mut out = target(&k.target);
    if k.descending {
        out.push_str(" DESC");
    }
    match k.nulls_first.unwrap_or(k.descending) {
        true if !k.descending => out.push_str(" NULLS FIRST"),
        false if k.descending => out.push_str(" NULLS LAST"),
        _ => {}
    }
    if let Some(opclass) = &k.opclass {
        out.push(' ');
        out.push_str(opclass);
    }
    out
}

/// A column's type as stored: a union type kept as a CHECK is its storage type.
fn column_type(schema: &Schema, c: &Column) -> String {
    let stored = match c.ty.scalar() {
        Scalar::Enum(q) => match schema.enum_(q).map(|e| &e.repr) {
            Some(EnumRepr::Check { storage }) if matches!(c.ty, ColumnType::Array(_)) => {
                ColumnType::Array(Box::new(storage.clone()))
            }
            Some(EnumRepr::Check { storage }) => storage.clone(),
            _ => c.ty.clone(),
        },
        _ => c.ty.clone(),
    };
    stored.to_string()
}
