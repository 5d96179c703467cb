//! Everything but tables: `[schema]`, namespaces, roles and privileges, types and sequences,
//! routines, views and jobs.

use super::tables::{check_fields, index_fields, trigger_fields};
use super::{Doc, Fields, Names, V, type_name, word};
use crate::model::*;

pub(super) fn schema_file(schema: &Schema, at: Names) -> String {
    let mut doc = Doc::default();
    let extensions: Vec<V> = schema
        .extensions
        .iter()
        .map(|e| match &e.namespace {
            Some(ns) => V::Inline(Fields::default().str("name", &e.name).str("namespace", ns)),
            None => V::Str(e.name.clone()),
        })
        .collect();
    let mut fields = Fields::default().str("name", &schema.name);
    if schema.postgres != 15 {
        fields = fields.num("postgres", Some(schema.postgres));
    }
    if !extensions.is_empty() {
        fields = fields.put("extensions", V::List(extensions));
    }
    if schema.namespace != PUBLIC {
        fields = fields.str("namespace", &schema.namespace);
    }
    doc.section(&["schema"], fields.opt("doc", schema.doc.clone()), true);
    let ignore = crate::model::IGNORE_KINDS
        .iter()
        .fold(Fields::default(), |fields, &kind| fields.strs(kind, schema.ignore.of(kind).into_iter().flatten()));
    doc.section(&["schema", "ignore"], ignore, false);
    for n in &schema.namespaces {
        let fields = Fields::default().opt("owner", n.owner.as_ref().map(|o| o.name.clone())).opt("doc", n.doc.clone());
        doc.section(&["namespaces", &n.name], fields, n.name != PUBLIC);
    }
    for r in &schema.roles {
        let fields = Fields::default()
            .flag("login", r.login)
            .num("inherit", (!r.inherit).then_some(false))
            .strs("member_of", r.member_of.iter().map(|m| &m.name))
            .opt("doc", r.doc.clone());
        doc.section(&["roles", &r.name], fields, true);
    }
    // Revokes first, as the SQL target runs them: they take away PostgreSQL's defaults.
    for g in schema.grants.iter().filter(|g| g.revoke).chain(schema.grants.iter().filter(|g| !g.revoke)) {
        doc.item(&[if g.revoke { "revokes" } else { "grants" }], grant(g, at));
    }
    for d in &schema.default_privileges {
        let fields = Fields::default()
            .opt("for_role", d.for_role.as_ref().map(|r| r.name.clone()))
            .opt("namespace", d.namespace.clone())
            .strs("privileges", &d.privileges)
            .str("on", word(&d.on))
            .strs(if d.revoke { "from" } else { "to" }, d.to.iter().map(|r| &r.name))
            .flag("with_grant_option", d.with_grant_option);
        doc.item(&["default_privileges"], fields);
    }
    doc.text
}

fn grant(g: &Grant, at: Names) -> Fields {
    let fields = Fields::default().strs("privileges", &g.privileges);
    let in_namespace = |fields: Fields, on: &str, ns: &str| {
        let fields = fields.str("on", on);
        if ns == at.default { fields } else { fields.str("namespace", ns) }
    };
    let listed = |fields: Fields, key: &str, refs: &[Ref]| fields.strs(key, refs.iter().map(|r| at.r(r)));
    let fields = match &g.on {
        GrantOn::Schema(ns) => in_namespace(fields, "schema", ns),
        GrantOn::AllTables(ns) => in_namespace(fields, "all tables", ns),
        GrantOn::AllSequences(ns) => in_namespace(fields, "all sequences", ns),
        GrantOn::AllFunctions(ns) => in_namespace(fields, "all functions", ns),
        GrantOn::Tables(refs) => listed(fields, "tables", refs),
        GrantOn::Sequences(refs) => listed(fields, "sequences", refs),
        GrantOn::Functions(refs) => listed(fields, "functions", refs),
        GrantOn::Types(refs) => listed(fields, "types", refs),
    };
    fields
        .strs("columns", g.columns.iter().map(|c| &c.name))
        .strs(if g.revoke { "from" } else { "to" }, g.to.iter().map(|r| &r.name))
        .flag("with_grant_option", g.with_grant_option)
}

pub(super) fn types_file(schema: &Schema, at: Names) -> String {
    let mut doc = Doc::default();
    for e in &schema.enums {
        let fields = Fields::default().strs("values", &e.values);
        let fields = match &e.repr {
            EnumRepr::Type => fields.str("as", "type"),
            EnumRepr::Check { storage } if *storage == ColumnType::Scalar(Scalar::Text) => fields,
            EnumRepr::Check { storage } => fields.str("type", type_name(storage, at)),
        };
        doc.section(&["enums", &at.of(&e.namespace, &e.name)], fields.opt("doc", e.doc.clone()), true);
    }
    for d in &schema.domains {
        let checks: Vec<V> = d.checks.iter().map(|c| V::Inline(check_fields(c))).collect();
        let mut fields = Fields::default()
            .str("type", type_name(&d.base, at))
            .flag("not_null", d.not_null)
            .opt("default", d.default.as_ref().map(|e| e.sql.clone()));
        if !checks.is_empty() {
            fields = fields.put("checks", V::List(checks));
        }
        let fields = fields.opt("collate", d.collation.as_ref().map(|c| c.name.clone())).opt("doc", d.doc.clone());
        doc.section(&["domains", &at.of(&d.namespace, &d.name)], fields, true);
    }
    for c in &schema.composites {
        let fields = c.fields.iter().fold(Fields::default(), |f, field| {
            let ty = type_name(&field.ty, at);
            match &field.collation {
                None => f.str(&field.name, ty),
                Some(coll) => {
                    f.put(&field.name, V::Inline(Fields::default().str("type", ty).str("collate", &coll.name)))
                }
            }
        });
        let fields = Fields::default().put("fields", V::Inline(fields)).opt("doc", c.doc.clone());
        doc.section(&["composites", &at.of(&c.namespace, &c.name)], fields, true);
    }
    for r in &schema.ranges {
        let name = |n: &Option<Named>| n.as_ref().map(|n| n.name.clone());
        let fields = Fields::default()
            .str("subtype", type_name(&r.subtype, at))
            .opt("subtype_diff", name(&r.subtype_diff))
            .opt("subtype_opclass", name(&r.subtype_opclass))
            .opt("collate", name(&r.collation))
            .opt("multirange", name(&r.multirange))
            .opt("doc", r.doc.clone());
        doc.section(&["ranges", &at.of(&r.namespace, &r.name)], fields, true);
    }
    for s in &schema.sequences {
        let o = &s.options;
        let fields = Fields::default()
            .opt("as", o.data_type.map(SequenceType::sql))
            .num("start", o.start)
            .num("increment", o.increment)
            .num("min", o.min)
            .num("max", o.max)
            .num("cache", o.cache)
            .flag("cycle", o.cycle)
            .opt("owned_by", s.owned_by.as_ref().map(|o| format!("{}.{}", at.r(&o.table), o.column.name)))
            .opt("doc", s.doc.clone());
        doc.section(&["sequences", &at.of(&s.namespace, &s.name)], fields, true);
    }
    doc.text
}

/// Keys for routines: the name itself, then `name_2`, `name_3`, ... for overloads (with `name`).
struct Keys(Vec<String>);

impl Keys {
    fn take(&mut self, namespace: &str, name: &str, at: Names) -> (String, bool) {
        let mut key = at.of(namespace, name);
        let mut n = 1;
        while self.0.contains(&key) {
            n += 1;
            key = at.of(namespace, &format!("{name}_{n}"));
        }
        self.0.push(key.clone());
        (key, n > 1)
    }
}

pub(super) fn routines_file(schema: &Schema, at: Names) -> String {
    let mut doc = Doc::default();
    let mut keys = Keys(Vec::new());
    for f in &schema.functions {
        let (key, renamed) = keys.take(&f.namespace, &f.name, at);
        let mut fields = Fields::default().opt("name", renamed.then(|| f.name.clone())).flag("procedure", f.procedure);
        if !f.args.is_empty() {
            fields = fields.str("args", &f.args);
        }
        if !f.procedure {
            fields = fields.str("returns", &f.returns);
        }
        if f.language != "sql" {
            fields = fields.str("language", &f.language);
        }
        let fields = fields
            .opt("volatility", f.volatility.as_deref().map(word))
            .flag("strict", f.strict)
            .flag("leakproof", f.leakproof)
            .opt("parallel", f.parallel.as_deref().map(word))
            .num("cost", f.cost)
            .num("rows", f.rows)
            .flag("security_definer", f.security_definer)
            .opt("search_path", f.search_path.clone())
            .options("set", &f.settings)
            .str("body", &f.body)
            .opt("doc", f.doc.clone());
        doc.section(&["functions", &key], fields, true);
    }
    for a in &schema.aggregates {
        let (key, renamed) = keys.take(&a.namespace, &a.name, at);
        let fields = Fields::default()
            .opt("name", renamed.then(|| a.name.clone()))
            .str("args", &a.args)
            .str("sfunc", &a.sfunc.name)
            .str("stype", &a.stype)
            .opt("initcond", a.initcond.clone())
            .opt("finalfunc", a.finalfunc.as_ref().map(|n| n.name.clone()))
            .opt("combinefunc", a.combinefunc.as_ref().map(|n| n.name.clone()))
            .opt("parallel", a.parallel.as_deref().map(word))
            .opt("doc", a.doc.clone());
        doc.section(&["aggregates", &key], fields, true);
    }
    for j in &schema.jobs {
        doc.section(
            &["jobs", &j.name],
            Fields::default().str("schedule", &j.schedule).str("command", &j.command.sql),
            true,
        );
    }
    doc.text
}

pub(super) fn views_file(schema: &Schema, at: Names) -> String {
    let mut doc = Doc::default();
    for v in &schema.views {
        let key = at.of(&v.namespace, &v.name);
        let fields = Fields::default()
            .flag("materialized", v.materialized)
            .options("with", &v.options)
            .num("with_data", (!v.with_data).then_some(false))
            .opt("doc", v.doc.clone())
            .str("query", &v.query.sql);
        doc.section(&["views", &key], fields, true);
        for i in &v.indexes {
            doc.item(&["views", &key, "indexes"], index_fields(i));
        }
        for t in &v.triggers {
            doc.item(&["views", &key, "triggers"], trigger_fields(t, at));
        }
    }
    doc.text
}
