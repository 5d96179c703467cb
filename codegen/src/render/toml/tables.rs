//! `[tables.NAME]`: columns, keys, constraints, indexes, partitions, row-level security and
//! triggers. What PostgreSQL names by default for one column goes on the column.

use super::{Doc, Fields, Names, V, type_name, word, written};
use crate::model::*;

pub(super) fn table(doc: &mut Doc, t: &Table, at: Names) {
    let key = at.of(&t.namespace, &t.name);
    let column_pk = t
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1 && pk.name == format!("{}_pkey", t.name) && pk.doc.is_none());
    let column_unique = |u: &Unique| {
        u.columns.len() == 1
            && u.name == format!("{}_{}_key", t.name, u.columns[0].name)
            && !u.nulls_not_distinct
            && u.deferrable == Deferrable::No
            && u.doc.is_none()
    };
    let column_fk = |fk: &ForeignKey| {
        fk.columns.len() == 1
            && fk.ref_columns.len() == 1
            && fk.name == format!("{}_{}_fkey", t.name, fk.columns[0].name)
            && !fk.match_full
            && !fk.not_valid
            && fk.doc.is_none()
    };

    let mut fields = Fields::default().opt("doc", t.doc.clone());
    if let Some(pk) = t.primary_key.as_ref().filter(|_| column_pk.is_none()) {
        let columns = V::strs(pk.columns.iter().map(|c| &c.name));
        fields = if pk.name == format!("{}_pkey", t.name) && pk.doc.is_none() {
            fields.put("primary_key", columns)
        } else {
            let inner = Fields::default().str("name", &pk.name).put("columns", columns).opt("doc", pk.doc.clone());
            fields.put("primary_key", V::Inline(inner))
        };
    }
    fields = fields
        .opt("soft_delete", t.soft_delete.as_ref().map(|s| s.name.clone()))
        .flag("unlogged", t.unlogged)
        .options("with", &t.storage);
    fields = match &t.replica_identity {
        None | Some(ReplicaIdentity::Default) => fields,
        Some(ReplicaIdentity::Full) => fields.str("replica_identity", "full"),
        Some(ReplicaIdentity::Nothing) => fields.str("replica_identity", "nothing"),
        Some(ReplicaIdentity::Index(i)) => {
            fields.put("replica_identity", V::Inline(Fields::default().str("index", &i.name)))
        }
    };
    if let Some(rls) = &t.rls {
        // The tenant shorthand's policy is among the policies, so only the flags are written.
        let inner = Fields::default()
            .put("enabled", V::Raw(rls.enabled.to_string()))
            .put("force", V::Raw(rls.force.to_string()));
        fields = fields.put("rls", V::Inline(inner));
    }
    doc.section(&["tables", &key], fields, true);

    let mut columns = Fields::default();
    for c in &t.columns {
        let mut f = Fields::default().str("type", type_name(&c.ty, at)).flag("nullable", c.nullable);
        f = f.flag("primary_key", column_pk.is_some_and(|pk| pk.columns[0].name == c.name));
        f = f.flag("unique", t.uniques.iter().any(|u| column_unique(u) && u.columns[0].name == c.name));
        f = f.opt("default", c.default.as_ref().map(|e| e.sql.clone()));
        f = f.opt("generated", c.generated.as_ref().map(|e| e.sql.clone()));
        if let Some(id) = &c.identity {
            let generated = if id.always { "always" } else { "by default" };
            let options = identity_options(c, &id.options);
            f = if options.is_empty() {
                f.str("identity", generated)
            } else {
                let mut inner = Fields::default().str("generated", generated);
                inner.0.extend(options.0);
                f.put("identity", V::Inline(inner))
            };
        }
        if let Some(fk) = t.foreign_keys.iter().find(|fk| column_fk(fk) && fk.columns[0].name == c.name) {
            let target = format!("{}.{}", at.r(&fk.ref_table), fk.ref_columns[0].name);
            f = actions(f.str("references", target), fk).deferrable(fk.deferrable);
        }
        f = f.opt("collate", c.collation.as_ref().map(|n| n.name.clone())).opt("doc", c.doc.clone());
        f = f.flag("sensitive", c.sensitive);
        columns =
            if f.0.len() == 1 { columns.put(&c.name, f.0.remove(0).1) } else { columns.put(&c.name, V::Inline(f)) };
    }
    doc.section(&["tables", &key, "columns"], columns, false);

    let uniques = t.uniques.iter().filter(|u| !column_unique(u)).fold(Fields::default(), |f, u| {
        let columns = V::strs(u.columns.iter().map(|c| &c.name));
        if !u.nulls_not_distinct && u.deferrable == Deferrable::No && u.doc.is_none() {
            return f.put(&u.name, columns);
        }
        let inner = Fields::default()
            .put("columns", columns)
            .flag("nulls_not_distinct", u.nulls_not_distinct)
            .deferrable(u.deferrable)
            .opt("doc", u.doc.clone());
        f.put(&u.name, V::Inline(inner))
    });
    doc.section(&["tables", &key, "unique"], uniques, false);
    for c in &t.checks {
        doc.item(&["tables", &key, "checks"], check_fields(c));
    }
    for fk in t.foreign_keys.iter().filter(|fk| !column_fk(fk)) {
        doc.item(&["tables", &key, "foreign_keys"], fk_fields(fk, at));
    }
    for x in &t.exclusions {
        let elements = x.elements.iter().map(|e| V::Inline(key_fields(&e.key).str("with", &e.operator))).collect();
        let fields = Fields::default()
            .str("name", &x.name)
            .opt("using", (x.method != "gist").then(|| x.method.clone()))
            .put("elements", V::List(elements))
            .strs("include", x.include.iter().map(|c| &c.name))
            .options("with", &x.with)
            .opt("where", x.predicate.as_ref().map(|e| e.sql.clone()))
            .deferrable(x.deferrable)
            .opt("doc", x.doc.clone());
        doc.item(&["tables", &key, "exclude"], fields);
    }
    for i in &t.indexes {
        doc.item(&["tables", &key, "indexes"], index_fields(i));
    }
    if let Some(p) = &t.partition {
        partitioning(doc, t, p, &key, at);
    }
    for p in &t.policies {
        let fields = Fields::default()
            .str("name", &p.name)
            .opt("as", (!p.permissive).then_some("restrictive"))
            .opt("for", (p.command != PolicyCommand::All).then(|| word(p.command.sql())))
            .strs("to", p.to.iter().map(|r| &r.name))
            .opt("using", p.using.as_ref().map(written))
            .opt("with_check", p.with_check.as_ref().map(written))
            .opt("doc", p.doc.clone());
        doc.item(&["tables", &key, "policies"], fields);
    }
    for tr in &t.triggers {
        doc.item(&["tables", &key, "triggers"], trigger_fields(tr, at));
    }
}

fn partitioning(doc: &mut Doc, t: &Table, p: &Partitioning, key: &str, at: Names) {
    let keys = p.key.iter().map(|k| match k {
        IndexTarget::Column(c) => V::Str(c.name.clone()),
        IndexTarget::Expr(e) => V::Inline(Fields::default().str("expr", &e.sql)),
    });
    let premake = p.premake.as_ref();
    let fields = Fields::default()
        .str("by", word(p.method.sql()))
        .put("key", V::List(keys.collect()))
        .opt("interval", premake.map(|m| m.interval.unit().to_string()))
        .num("premake", premake.map(|m| m.ahead))
        .num("past", premake.map(|m| m.past).filter(|&n| n > 0))
        .opt(
            "name",
            premake
                .map(|m| m.name.clone())
                .filter(|n| Some(n.as_str()) != premake.map(|m| m.interval.default_pattern())),
        )
        .opt("retention", p.retention.clone())
        .opt("retention_action", p.archive.as_ref().map(|_| "archive".to_string()))
        .opt("archive", p.archive.clone())
        .opt("managed_by", p.managed_by.clone().filter(|m| premake.is_none() || m != crate::model::STRATA_UPKEEP));
    doc.section(&["tables", key, "partition"], fields, true);
    for part in &p.partitions {
        let name = if part.namespace == t.namespace { part.name.clone() } else { at.of(&part.namespace, &part.name) };
        let bound = |values: &[String]| match values {
            [one] => V::sql(one),
            many => V::List(many.iter().map(|v| V::sql(v)).collect()),
        };
        let mut f = Fields::default().str("name", name);
        f = match &part.bound {
            PartitionBound::Default => f.put("default", V::Raw("true".into())),
            PartitionBound::In(values) => f.put("values", V::List(values.iter().map(|v| V::sql(v)).collect())),
            PartitionBound::Range { from, to } => f.put("from", bound(from)).put("to", bound(to)),
            PartitionBound::Hash { modulus, remainder } => {
                f.num("modulus", Some(modulus)).num("remainder", Some(remainder))
            }
        };
        f = f.options("with", &part.storage);
        let list = |items: Vec<Fields>| V::List(items.into_iter().map(V::Inline).collect());
        if !part.checks.is_empty() {
            f = f.put("checks", list(part.checks.iter().map(check_fields).collect()));
        }
        if !part.foreign_keys.is_empty() {
            f = f.put("foreign_keys", list(part.foreign_keys.iter().map(|fk| fk_fields(fk, at)).collect()));
        }
        if !part.indexes.is_empty() {
            f = f.put("indexes", list(part.indexes.iter().map(index_fields).collect()));
        }
        if !part.index_names.is_empty() {
            let names = part.index_names.iter().fold(Fields::default(), |n, (parent, own)| n.str(&parent.name, own));
            f = f.put("index_names", V::Inline(names));
        }
        if !part.triggers.is_empty() {
            f = f.put("triggers", list(part.triggers.iter().map(|tr| trigger_fields(tr, at)).collect()));
        }
        doc.item(&["tables", key, "partition", "partitions"], f);
    }
}

pub(super) fn check_fields(c: &Check) -> Fields {
    Fields::default()
        .str("name", &c.name)
        .str("expr", written(&c.expr))
        .flag("not_valid", c.not_valid)
        .opt("doc", c.doc.clone())
}

fn fk_fields(fk: &ForeignKey, at: Names) -> Fields {
    let refs: Vec<&str> = fk.ref_columns.iter().map(|c| c.name.as_str()).collect();
    let fields = Fields::default()
        .str("name", &fk.name)
        .put("columns", V::strs(fk.columns.iter().map(|c| &c.name)))
        .str("references", format!("{}({})", at.r(&fk.ref_table), refs.join(", ")));
    actions(fields, fk)
        .deferrable(fk.deferrable)
        .opt("match", fk.match_full.then_some("full"))
        .flag("not_valid", fk.not_valid)
        .opt("doc", fk.doc.clone())
}

fn actions(fields: Fields, fk: &ForeignKey) -> Fields {
    let action = |a: FkAction| (a != FkAction::NoAction).then(|| word(a.sql()));
    fields.opt("on_delete", action(fk.on_delete)).opt("on_update", action(fk.on_update))
}

/// An identity column's sequence options that are not what PostgreSQL fills in for its type.
fn identity_options(c: &Column, options: &SequenceOptions) -> Fields {
    let data_type = c.implicit_sequence_options().and_then(|o| o.data_type);
    let resolved = |o: SequenceOptions| SequenceOptions { data_type, ..o }.resolve().ok();
    let (Some(plain), Some(o)) = (resolved(SequenceOptions::default()), resolved(options.clone())) else {
        return Fields::default();
    };
    // The start follows the bounds: written only when it is not where they make it begin.
    let start = SequenceOptions {
        data_type,
        increment: Some(o.increment),
        min: Some(o.min),
        max: Some(o.max),
        ..Default::default()
    };
    let differs = |a: i64, b: i64| (a != b).then_some(a);
    Fields::default()
        .num("start", resolved(start).and_then(|s| differs(o.start, s.start)))
        .num("increment", differs(o.increment, plain.increment))
        .num("min", differs(o.min, plain.min))
        .num("max", differs(o.max, plain.max))
        .num("cache", differs(o.cache, plain.cache))
        .flag("cycle", o.cycle)
}

/// One key of an index or exclusion element: `column` or `expr`, with what it says beyond that.
fn key_fields(k: &IndexKey) -> Fields {
    let f = match &k.target {
        IndexTarget::Column(c) => Fields::default().str("column", &c.name),
        IndexTarget::Expr(e) => Fields::default().str("expr", &e.sql),
    };
    f.opt("order", k.descending.then_some("desc"))
        .opt("nulls", k.nulls_first.map(|first| if first { "first" } else { "last" }))
        .opt("opclass", k.opclass.clone())
}

pub(super) fn index_fields(i: &Index) -> Fields {
    let keys = i.keys.iter().map(|k| match &k.target {
        IndexTarget::Column(c) if !k.descending && k.nulls_first.is_none() && k.opclass.is_none() => {
            V::Str(c.name.clone())
        }
        _ => V::Inline(key_fields(k)),
    });
    Fields::default()
        .str("name", &i.name)
        .put("columns", V::List(keys.collect()))
        .opt("using", (i.method != "btree").then(|| i.method.clone()))
        .flag("unique", i.unique)
        .flag("nulls_not_distinct", i.nulls_not_distinct)
        .opt("where", i.predicate.as_ref().map(|e| e.sql.clone()))
        .strs("include", i.include.iter().map(|c| &c.name))
        .options("with", &i.with)
        .opt("doc", i.doc.clone())
}

pub(super) fn trigger_fields(t: &Trigger, at: Names) -> Fields {
    // Events as the format writes them: `update of a, b`, the columns as they are.
    let events = t.events.iter().map(|e| match e.strip_prefix("UPDATE OF ") {
        Some(columns) => format!("update of {columns}"),
        None => word(e),
    });
    let referencing = Fields::default().opt("old", t.old_table.clone()).opt("new", t.new_table.clone());
    let mut f = Fields::default()
        .str("name", &t.name)
        .str("timing", word(t.timing.sql()))
        .put("events", V::strs(events))
        .opt("for_each", (!t.for_each_row).then_some("statement"))
        .opt("when", t.when.as_ref().map(|e| e.sql.clone()))
        .str("function", at.r(&t.function))
        .strs("args", &t.args);
    if !referencing.is_empty() {
        f = f.put("referencing", V::Inline(referencing));
    }
    if let Some(deferrable) = t.constraint {
        f = f.flag("constraint", true).deferrable(deferrable);
    }
    f.num("enabled", (!t.enabled).then_some(false)).opt("doc", t.doc.clone())
}
