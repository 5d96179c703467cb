//! The live source against the declarations: every system is generated, applied to a live
//! server, read back by `source::live::introspect` (a fixed number of catalog queries), and each
//! object kind the live source reads must come back as declared. Per kind, matched/total counts
//! are printed; a deliberate drift made by hand (a column added, an index dropped, a foreign
//! key made NOT DEFERRABLE, a policy's USING changed) is read back as exactly that drift.

#[path = "support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use strata::live::PgCatalog;
use strata::testing::TestDb;
use strata_codegen::model::{ColumnType, EnumRepr, IndexTarget, PUBLIC, PartitionBound, Scalar, Schema};
use strata_codegen::{io, normalize, source::live};

/// What the live source reads of a schema, one line per object or property, in words both
/// sides spell alike: types by name, expressions normalized, defaults PostgreSQL fills in
/// (a serial's `nextval`, NULLS FIRST of DESC) folded away.
fn lines(schema: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let expr = |sql: &str| normalize::expr(sql).unwrap_or_else(|| sql.trim().to_string());
    let names =
        |items: &[strata_codegen::model::Named]| items.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(",");
    for n in schema.namespaces.iter().filter(|n| n.name != PUBLIC) {
        out.insert(format!("namespace {} doc={:?}", n.name, n.doc));
    }
    for e in schema.enums.iter().filter(|e| e.repr == EnumRepr::Type) {
        out.insert(format!("enum {}.{} {:?} doc={:?}", e.namespace, e.name, e.values, e.doc));
    }
    for a in &schema.aggregates {
        // The state type and argument types as PostgreSQL names them.
        out.insert(format!(
            "aggregate {}.{}({}) sfunc={} stype={} final={:?} combine={:?} init={:?} {:?} doc={:?}",
            a.namespace,
            a.name,
            normalize::routine_types(&a.args),
            a.sfunc.name,
            normalize::routine_types(&a.stype),
            a.finalfunc.as_ref().map(|f| &f.name),
            a.combinefunc.as_ref().map(|f| &f.name),
            a.initcond,
            a.parallel,
            a.doc
        ));
    }
    for e in &schema.extensions {
        out.insert(format!("extension {} in {}", e.name, e.namespace.as_deref().unwrap_or(&schema.namespace)));
    }
    let triggers = schema
        .tables
        .iter()
        .map(|t| (t.qname(), &t.triggers))
        .chain(schema.views.iter().map(|v| (v.qname(), &v.triggers)));
    for (on, list) in triggers {
        for tr in list {
            let when = tr.when.as_ref().map(|w| expr(&w.sql));
            out.insert(format!(
                "trigger {}.{}.{} {:?} {:?} row={} when={when:?} function={}.{} args={:?} old={:?} new={:?} constraint={:?} enabled={} doc={:?}",
                on.namespace,
                on.name,
                tr.name,
                tr.timing,
                tr.events,
                tr.for_each_row,
                tr.function.namespace,
                tr.function.name,
                tr.args,
                tr.old_table,
                tr.new_table,
                tr.constraint,
                tr.enabled,
                tr.doc
            ));
        }
    }
    for d in &schema.domains {
        let checks: Vec<String> = d.checks.iter().map(|c| format!("{} {}", c.name, expr(&c.expr.sql))).collect();
        out.insert(format!(
            "domain {}.{} {} not_null={} default={:?} collate={:?} checks={checks:?} doc={:?}",
            d.namespace,
            d.name,
            d.base,
            d.not_null,
            d.default.as_ref().map(|e| expr(&e.sql)),
            d.collation.as_ref().map(|c| &c.name),
            d.doc
        ));
    }
    for c in &schema.composites {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| format!("{} {} {:?}", f.name, f.ty, f.collation.as_ref().map(|l| &l.name)))
            .collect();
        out.insert(format!("composite {}.{} {fields:?} doc={:?}", c.namespace, c.name, c.doc));
    }
    for r in &schema.ranges {
        out.insert(format!(
            "range {}.{} {} opclass={:?} collate={:?} diff={:?} multirange={} doc={:?}",
            r.namespace,
            r.name,
            r.subtype,
            r.subtype_opclass.as_ref().map(|o| &o.name),
            r.collation.as_ref().map(|c| &c.name),
            r.subtype_diff.as_ref().map(|f| &f.name),
            r.multirange_name(),
            r.doc
        ));
    }
    for v in &schema.views {
        let options: Vec<String> = v.options.iter().map(|(k, o)| format!("{k}={}", o.trim_matches('\''))).collect();
        out.insert(format!(
            "view {}.{} materialized={} options={options:?} with_data={} doc={:?} query={:?}",
            v.namespace,
            v.name,
            v.materialized,
            v.with_data,
            v.doc,
            normalize::query(&v.query.sql).unwrap_or_else(|| v.query.sql.trim().to_string())
        ));
    }
    for f in &schema.functions {
        let types = strata_codegen::sql_deps::argument_types(&f.args, f.procedure).unwrap_or_default();
        let returns = normalize::routine_types(&f.returns);
        out.insert(format!(
            "routine {}.{}({}) procedure={} returns={returns} language={} {:?} strict={} leakproof={} {:?} cost={:?} rows={:?} definer={} search_path={:?} set={:?} doc={:?}",
            f.namespace,
            f.name,
            types.join(", "),
            f.procedure,
            f.language,
            f.volatility,
            f.strict,
            f.leakproof,
            f.parallel,
            f.cost,
            f.rows,
            f.security_definer,
            f.search_path,
            f.settings,
            f.doc
        ));
    }
    for s in &schema.sequences {
        let owner = s.owned_by.as_ref().map(|o| format!("{}.{}.{}", o.table.namespace, o.table.name, o.column.name));
        out.insert(format!(
            "sequence {}.{} {:?} owned_by={owner:?} doc={:?}",
            s.namespace,
            s.name,
            s.options.resolve(),
            s.doc
        ));
    }
    for t in &schema.tables {
        let q = format!("{}.{}", t.namespace, t.name);
        let storage: Vec<String> = t.storage.iter().map(|(k, v)| format!("{k}={}", v.trim_matches('\''))).collect();
        out.insert(format!("table {q} unlogged={} storage={storage:?} doc={:?}", t.unlogged, t.doc));
        for c in &t.columns {
            let ty = column_type(schema, c);
            let default = c.default.as_ref().map(|d| expr(&d.sql));
            let generated = c.generated.as_ref().map(|g| expr(&g.sql));
            let identity = c.identity.as_ref().map(|i| if i.always { "always" } else { "by default" });
            let collation = c.collation.as_ref().map(|l| l.name.as_str());
            out.insert(format!(
                "column {q}.{} {ty} null={} default={default:?} generated={generated:?} identity={identity:?} collate={collation:?} doc={:?}",
                c.name, c.nullable, c.doc
            ));
        }
        if let Some(p) = &t.partition {
            let key: Vec<String> = p
                .key
                .iter()
                .map(|k| match k {
                    IndexTarget::Column(c) => c.name.clone(),
                    IndexTarget::Expr(e) => expr(&e.sql),
                })
                .collect();
            out.insert(format!("partitioning {q} {:?} key={key:?}", p.method));
            for part in &p.partitions {
                let bound = match &part.bound {
                    PartitionBound::Range { from, to } => {
                        let (from, to): (Vec<_>, Vec<_>) =
                            (from.iter().map(|v| expr(v)).collect(), to.iter().map(|v| expr(v)).collect());
                        format!("from {from:?} to {to:?}")
                    }
                    PartitionBound::In(values) => {
                        format!("in {:?}", values.iter().map(|v| expr(v)).collect::<Vec<_>>())
                    }
                    other => format!("{other:?}"),
                };
                let storage: Vec<String> =
                    part.storage.iter().map(|(k, v)| format!("{k}={}", v.trim_matches('\''))).collect();
                out.insert(format!("partition {q} {}.{} {bound} storage={storage:?}", part.namespace, part.name));
            }
        }
        if let Some(identity) = &t.replica_identity {
            let identity = match identity {
                strata_codegen::model::ReplicaIdentity::Index(i) => format!("index {}", i.name),
                other => format!("{other:?}"),
            };
            out.insert(format!("replica identity {q} {identity}"));
        }
        if let Some(rls) = &t.rls {
            out.insert(format!("rls {q} enabled={} force={}", rls.enabled, rls.force));
        }
        for p in &t.policies {
            let to: Vec<&str> = p.to.iter().map(|r| r.name.as_str()).collect();
            out.insert(format!(
                "policy {q}.{} permissive={} {:?} to={to:?} using={:?} with_check={:?} doc={:?}",
                p.name,
                p.permissive,
                p.command,
                p.using.as_ref().map(|u| expr(&u.sql)),
                p.with_check.as_ref().map(|w| expr(&w.sql)),
                p.doc
            ));
        }
        if let Some(pk) = &t.primary_key {
            out.insert(format!("primary key {q}.{} ({}) doc={:?}", pk.name, names(&pk.columns), pk.doc));
        }
        for u in &t.uniques {
            out.insert(format!(
                "unique {q}.{} ({}) nulls_not_distinct={} {:?} doc={:?}",
                u.name,
                names(&u.columns),
                u.nulls_not_distinct,
                u.deferrable,
                u.doc
            ));
        }
        for x in &t.exclusions {
            let elements: Vec<String> =
                x.elements.iter().map(|e| format!("{} WITH {}", key_line(&e.key, &expr), e.operator)).collect();
            let with: Vec<String> = x.with.iter().map(|(k, v)| format!("{k}={}", v.trim_matches('\''))).collect();
            out.insert(format!(
                "exclusion {q}.{} {} {elements:?} include={} with={with:?} where={:?} {:?} doc={:?}",
                x.name,
                x.method,
                names(&x.include),
                x.predicate.as_ref().map(|p| expr(&p.sql)),
                x.deferrable,
                x.doc
            ));
        }
        for k in &t.checks {
            out.insert(format!("check {q}.{} {} not_valid={} doc={:?}", k.name, expr(&k.expr.sql), k.not_valid, k.doc));
        }
        for fk in &t.foreign_keys {
            out.insert(format!(
                "foreign key {q}.{} ({}) -> {}.{} ({}) {:?} {:?} {:?} full={} not_valid={} doc={:?}",
                fk.name,
                names(&fk.columns),
                fk.ref_table.namespace,
                fk.ref_table.name,
                names(&fk.ref_columns),
                fk.on_delete,
                fk.on_update,
                fk.deferrable,
                fk.match_full,
                fk.not_valid,
                fk.doc
            ));
        }
        for i in &t.indexes {
            let keys: Vec<String> = i.keys.iter().map(|k| key_line(k, &expr)).collect();
            let with: Vec<String> = i.with.iter().map(|(k, v)| format!("{k}={}", v.trim_matches('\''))).collect();
            out.insert(format!(
                "index {q}.{} {} unique={} keys={keys:?} where={:?} include={} with={with:?} doc={:?}",
                i.name,
                i.method,
                i.unique,
                i.predicate.as_ref().map(|p| expr(&p.sql)),
                names(&i.include),
                i.doc
            ));
        }
    }
    out
}

/// An index key: its column or normalized expression, order, NULLS placement and operator class.
fn key_line(k: &strata_codegen::model::IndexKey, expr: &dyn Fn(&str) -> String) -> String {
    let target = match &k.target {
        IndexTarget::Column(c) => c.name.clone(),
        IndexTarget::Expr(e) => expr(&e.sql),
    };
    let nulls_first = k.nulls_first.unwrap_or(k.descending);
    format!("{target} desc={} nulls_first={nulls_first} opclass={:?}", k.descending, k.opclass)
}

/// A column's type as stored: a union type kept as a CHECK is its storage type.
fn column_type(schema: &Schema, c: &strata_codegen::model::Column) -> String {
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

/// A default whose text its type rewrites (`'12:00+02'` is read back `'12:00:00+02'`, money
/// `'0.00'` as `'$0.00'`) is compared by the server, as the verify command will have to; when
/// equal, the declaration takes the text read back. Returns how many were.
fn settle_constants(client: &mut postgres::Client, declared: &mut Schema, read: &Schema) -> usize {
    let mut settled = 0;
    for t in &mut declared.tables {
        let Some(r) = read.table(&t.qname()) else { continue };
        for c in &mut t.columns {
            let (Some(d), Some(rc)) = (c.default.as_mut(), r.column(&c.name)) else { continue };
            let Some(printed) = rc.default.as_ref().filter(|p| !normalize::same(&d.sql, &p.sql)) else { continue };
            if support::equal_as(client, &d.sql, &printed.sql, &rc.ty.to_string()) {
                d.sql = printed.sql.clone();
                settled += 1;
            }
        }
    }
    settled
}

/// A view's query is printed with the casts PostgreSQL's parser inserted (`oid::regclass`, a
/// `count` widened for a division): the declared query is printed by the server too (as a
/// temporary view), and when the two printings are equal the declaration takes the one read.
fn settle_views(client: &mut postgres::Client, declared: &mut Schema, read: &Schema) -> usize {
    let mut settled = 0;
    for v in &mut declared.views {
        let Some(r) = read.views.iter().find(|r| r.namespace == v.namespace && r.name == v.name) else { continue };
        if normalize::query(&v.query.sql) == normalize::query(&r.query.sql) {
            continue;
        }
        let sql = format!("CREATE TEMP VIEW strata_probe AS {}", v.query.sql);
        let printed: Option<String> = client.batch_execute(&sql).ok().and_then(|_| {
            let row = client.query_one("SELECT pg_get_viewdef('strata_probe'::regclass, true)", &[]).ok()?;
            client.batch_execute("DROP VIEW strata_probe").ok()?;
            Some(row.get(0))
        });
        if printed.is_some_and(|p| normalize::query(&p) == normalize::query(&r.query.sql)) {
            v.query.sql = r.query.sql.clone();
            settled += 1;
        }
    }
    settled
}

/// A partition bound's values are printed in their type's output form (`'2026-01-01'` on a
/// timestamptz key is `'2026-01-01 00:00:00+00'`): the server compares them as values of the key
/// column's type; when every one is equal the declaration takes the bound read.
fn settle_bounds(client: &mut postgres::Client, declared: &mut Schema, read: &Schema) -> usize {
    // The key column's type, for each table partitioned by one column.
    let types: Vec<(strata_codegen::model::QName, String)> = declared
        .tables
        .iter()
        .filter_map(|t| {
            let Some([IndexTarget::Column(c)]) = t.partition.as_ref().map(|p| p.key.as_slice()) else { return None };
            let c = t.column(&c.name)?;
            Some((t.qname(), strata_codegen::render::sql::sql_type(declared, &c.ty.storage())))
        })
        .collect();
    let mut settled = 0;
    for t in &mut declared.tables {
        let Some(rt) = read.table(&t.qname()) else { continue };
        let Some((_, ty)) = types.iter().find(|(q, _)| *q == t.qname()) else { continue };
        let (Some(p), Some(rp)) = (t.partition.as_mut(), rt.partition.as_ref()) else { continue };
        for part in &mut p.partitions {
            let Some(rpart) = rp.partitions.iter().find(|r| r.name == part.name) else { continue };
            let pairs: Vec<(&String, &String)> = match (&part.bound, &rpart.bound) {
                (PartitionBound::Range { from, to }, PartitionBound::Range { from: rf, to: rt }) => {
                    from.iter().zip(rf).chain(to.iter().zip(rt)).collect()
                }
                (PartitionBound::In(a), PartitionBound::In(b)) if a.len() == b.len() => a.iter().zip(b).collect(),
                _ => continue,
            };
            let equal = |client: &mut postgres::Client, (a, b): (&String, &String)| {
                a == b || support::equal_as(client, a, b, ty)
            };
            if part.bound != rpart.bound && pairs.into_iter().all(|pair| equal(client, pair)) {
                part.bound = rpart.bound.clone();
                settled += 1;
            }
        }
    }
    settled
}

fn introspect(client: &mut postgres::Client, schema: &Schema) -> Schema {
    let mut namespaces: Vec<&str> = vec![&schema.namespace];
    namespaces.extend(schema.namespaces.iter().map(|n| n.name.as_str()).filter(|n| *n != schema.namespace));
    if !namespaces.contains(&PUBLIC) {
        namespaces.push(PUBLIC);
    }
    live::introspect(&mut PgCatalog(client), &schema.name, &namespaces).unwrap()
}

#[test]
fn every_system_reads_back_as_declared() {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut drift = Vec::new();
    let mut by_server = 0;
    let mut views_by_server = 0;
    let mut bounds_by_server = 0;
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        let db = TestDb::new();
        let mut client = db.client();
        let (mut schema, _) = support::apply(&mut client, &declared);
        let read = introspect(&mut client, &schema);
        by_server += settle_constants(&mut client, &mut schema, &read);
        views_by_server += settle_views(&mut client, &mut schema, &read);
        bounds_by_server += settle_bounds(&mut client, &mut schema, &read);
        let (want, have) = (lines(&schema), lines(&read));
        for line in &want {
            let kind = line.split(' ').next().unwrap().to_string();
            let entry = counts.entry(kind).or_default();
            entry.1 += 1;
            if have.contains(line) {
                entry.0 += 1;
            }
        }
        drift.extend(want.difference(&have).map(|l| format!("{}: [-] {l}", schema.name)));
        drift.extend(have.difference(&want).map(|l| format!("{}: [+] {l}", schema.name)));
    }
    for (kind, (matched, total)) in &counts {
        eprintln!("introspect: {kind}: {matched}/{total} read back as declared");
    }
    eprintln!(
        "introspect: {by_server} default(s), {views_by_server} view(s) and {bounds_by_server} partition bound(s) equal by the server only"
    );
    assert!(drift.is_empty(), "{} line(s) differ:\n{}", drift.len(), drift.join("\n"));
}

#[test]
fn a_change_made_by_hand_is_read_back_as_that_change() {
    let declared = io::compile_folder(Path::new("schema/kinds")).unwrap().schema.unwrap();
    let db = TestDb::new();
    let mut client = db.client();
    let (schema, _) = support::apply(&mut client, &declared);
    let before = lines(&introspect(&mut client, &schema));
    client
        .batch_execute(
            "ALTER TABLE accounts ADD COLUMN nickname text; DROP INDEX ledger.entries_account_idx; \
             ALTER TABLE transfers ALTER CONSTRAINT transfers_account_id_fkey NOT DEFERRABLE; \
             ALTER POLICY notes_own_rows ON notes USING (owner = session_user)",
        )
        .unwrap();
    let after = lines(&introspect(&mut client, &schema));
    let removed: Vec<&String> = before.difference(&after).collect();
    let added: Vec<&String> = after.difference(&before).collect();
    assert_eq!(removed.len(), 3, "{removed:#?}");
    assert!(removed.iter().any(|l| l.starts_with("index ledger.entries.entries_account_idx ")), "{removed:#?}");
    assert!(removed.iter().any(|l| l.starts_with("foreign key public.transfers.transfers_account_id_fkey ")));
    assert!(
        removed.iter().any(|l| l.starts_with("policy public.notes.notes_own_rows ") && l.contains("current_user")),
        "{removed:#?}"
    );
    assert_eq!(added.len(), 3, "{added:#?}");
    assert!(added.iter().any(|l| l.starts_with("column public.accounts.nickname text null=true")), "{added:#?}");
    assert!(added.iter().any(|l| l.contains("transfers_account_id_fkey") && l.contains(" No ")), "{added:#?}");
    assert!(added.iter().any(|l| l.starts_with("policy public.notes.notes_own_rows ") && l.contains("session_user")));
}

#[test]
fn the_number_of_catalog_queries_does_not_grow_with_the_schema() {
    struct Counting<'a>(PgCatalog<'a>, usize);
    impl live::Catalog for Counting<'_> {
        fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
            self.1 += 1;
            self.0.rows(sql)
        }
    }
    let mut round_trips = Vec::new();
    for system in ["schema/kinds", "schema/agentic"] {
        let declared = io::compile_folder(Path::new(system)).unwrap().schema.unwrap();
        let db = TestDb::new();
        let mut client = db.client();
        let (schema, _) = support::apply(&mut client, &declared);
        let mut counting = Counting(PgCatalog(&mut client), 0);
        let read = live::introspect(&mut counting, &schema.name, &[&schema.namespace]).unwrap();
        assert!(!read.tables.is_empty());
        round_trips.push((schema.tables.len(), counting.1));
    }
    eprintln!("introspect: round trips per schema (tables, queries): {round_trips:?}");
    assert!(round_trips.iter().all(|&(_, queries)| queries == live::QUERIES.len()), "{round_trips:?}");
}
