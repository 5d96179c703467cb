//! Generated SQL against a live PostgreSQL: every system applies with no error and no warning,
//! the catalog then holds exactly what the model declares, and the down migration undoes it all.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use postgres::Client;
use strata::testing::TestDb;
use strata_codegen::model::Schema;
use strata_codegen::{compile_toml_str, generate, io, render::sql};

/// What the catalog says exists in `public`, as sorted `kind name` lines.
fn catalog(client: &mut Client) -> BTreeSet<String> {
    // Partitions are listed by name only; their columns, constraints and indexes are the parent's.
    let queries = [
        "SELECT 'table ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace \
         AND relkind IN ('r', 'p') AND NOT relispartition",
        "SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || \
         CASE WHEN a.attnotnull THEN ' not null' ELSE '' END \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
         AND a.attnum > 0 AND NOT a.attisdropped",
        "SELECT 'constraint ' || contype::text || ' ' || conrelid::regclass || '.' || conname FROM pg_constraint k \
         JOIN pg_class c ON c.oid = k.conrelid \
         WHERE connamespace = 'public'::regnamespace AND NOT c.relispartition AND k.conparentid = 0",
        "SELECT 'index ' || i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         WHERE i.relnamespace = 'public'::regnamespace AND NOT i.relispartition",
        "SELECT 'partition ' || h.inhparent::regclass || ' ' || h.inhrelid::regclass FROM pg_inherits h \
         JOIN pg_class c ON c.oid = h.inhrelid WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')",
        "SELECT 'view ' || relname FROM pg_class c WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm') \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')",
        "SELECT 'function ' || proname FROM pg_proc p WHERE pronamespace = 'public'::regnamespace \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
        "SELECT 'trigger ' || tgrelid::regclass || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal AND tgparentid = 0",
        "SELECT 'policy ' || polrelid::regclass || '.' || polname FROM pg_policy",
        "SELECT 'rls ' || relname || CASE WHEN relforcerowsecurity THEN ' forced' ELSE '' END FROM pg_class \
         WHERE relnamespace = 'public'::regnamespace AND relrowsecurity",
        "SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'",
        "SELECT 'unlogged ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace \
         AND relkind IN ('r', 'p') AND relpersistence = 'u' AND NOT relispartition",
        "SELECT 'option ' || c.relname || ' ' || o FROM pg_class c, unnest(c.reloptions) o \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition \
         UNION ALL SELECT 'option ' || c.relname || ' toast.' || o FROM pg_class c JOIN pg_class x ON x.oid = c.reltoastrelid, \
         unnest(x.reloptions) o WHERE c.relnamespace = 'public'::regnamespace AND NOT c.relispartition",
        "SELECT 'unpopulated ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace \
         AND relkind = 'm' AND NOT relispopulated",
        "SELECT 'deferrable ' || conrelid::regclass || '.' || conname || CASE WHEN condeferred THEN ' deferred' ELSE ' immediate' END \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
         WHERE connamespace = 'public'::regnamespace AND condeferrable AND NOT c.relispartition AND k.conparentid = 0",
        "SELECT 'comment ' || c.relname || '.' || COALESCE(a.attname, '') FROM pg_description d \
         JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 \
         WHERE c.relnamespace = 'public'::regnamespace",
    ];
    let mut out = BTreeSet::new();
    for q in queries {
        for row in client.query(q, &[]).unwrap() {
            out.insert(row.get::<_, String>(0));
        }
    }
    out
}

/// The same lines, computed from the model: what the catalog must show after applying it.
fn expected(schema: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let q = |name: &str| sql::ident(name).into_owned();
    for e in schema.enums.iter().filter(|e| e.repr == strata_codegen::model::EnumRepr::Type) {
        out.insert(format!("type {}", e.name));
    }
    use strata_codegen::model::Deferrable;
    // reloptions as PostgreSQL stores them: `name=value`, strings unquoted.
    let options = |out: &mut BTreeSet<String>, name: &str, params: &[(String, String)]| {
        for (k, v) in params {
            out.insert(format!("option {name} {k}={}", v.trim_matches('\'')));
        }
    };
    let deferrable = |out: &mut BTreeSet<String>, table: &str, name: &str, d: Deferrable| match d {
        Deferrable::No => {}
        Deferrable::Immediate => _ = out.insert(format!("deferrable {}.{name} immediate", q(table))),
        Deferrable::Deferred => _ = out.insert(format!("deferrable {}.{name} deferred", q(table))),
    };
    for v in &schema.views {
        options(&mut out, &v.name, &v.options);
        if v.materialized && !v.with_data {
            out.insert(format!("unpopulated {}", v.name));
        }
        out.insert(format!("view {}", v.name));
        if v.doc.is_some() {
            out.insert(format!("comment {}.", v.name));
        }
        v.indexes.iter().for_each(|i| _ = out.insert(format!("index {}", i.name)));
    }
    for f in &schema.functions {
        out.insert(format!("function {}", f.name));
    }
    for t in &schema.tables {
        out.insert(format!("table {}", t.name));
        options(&mut out, &t.name, &t.storage);
        if t.unlogged {
            out.insert(format!("unlogged {}", t.name));
        }
        t.uniques.iter().for_each(|u| deferrable(&mut out, &t.name, &u.name, u.deferrable));
        t.foreign_keys.iter().for_each(|f| deferrable(&mut out, &t.name, &f.name, f.deferrable));
        if t.doc.is_some() {
            out.insert(format!("comment {}.", t.name));
        }
        for c in &t.columns {
            let pk = t.primary_key.iter().flat_map(|pk| &pk.columns).any(|k| k.name == c.name);
            let ty = catalog_type(&sql::sql_type(schema, &c.ty));
            out.insert(format!(
                "column {}.{} {ty}{}",
                t.name,
                c.name,
                if c.nullable && !pk { "" } else { " not null" }
            ));
            if c.doc.is_some() {
                out.insert(format!("comment {}.{}", t.name, c.name));
            }
        }
        let mut constraint = |kind: char, name: &str| out.insert(format!("constraint {kind} {}.{name}", q(&t.name)));
        t.primary_key.iter().for_each(|pk| _ = constraint('p', &pk.name));
        t.uniques.iter().for_each(|u| _ = constraint('u', &u.name));
        t.checks.iter().for_each(|c| _ = constraint('c', &c.name));
        t.foreign_keys.iter().for_each(|f| _ = constraint('f', &f.name));
        let key_indexes = t.primary_key.iter().map(|pk| &pk.name).chain(t.uniques.iter().map(|u| &u.name));
        for name in key_indexes.chain(t.indexes.iter().map(|i| &i.name)) {
            out.insert(format!("index {name}"));
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            out.insert(format!("partition {} {}", q(&t.name), q(&p.name)));
        }
        for tr in &t.triggers {
            out.insert(format!("trigger {}.{}", q(&t.name), tr.name));
        }
        for p in &t.policies {
            out.insert(format!("policy {}.{}", q(&t.name), p.name));
        }
        if let Some(rls) = t.rls.as_ref().filter(|r| r.enabled) {
            out.insert(format!("rls {}{}", t.name, if rls.force { " forced" } else { "" }));
        }
    }
    out
}

/// strata's type spelling in `format_type`'s words.
fn catalog_type(ty: &str) -> String {
    let (base, array) = ty.strip_suffix("[]").map_or((ty, ""), |b| (b, "[]"));
    let base = match base.split('(').next().unwrap() {
        "varchar" => base.replacen("varchar", "character varying", 1),
        "char" => base.replacen("char", "character", 1),
        name @ ("timestamp" | "timestamptz" | "time") if base.contains('(') => {
            let precision = &base[name.len()..];
            match name {
                "timestamp" => format!("timestamp{precision} without time zone"),
                "timestamptz" => format!("timestamp{precision} with time zone"),
                _ => format!("time{precision} without time zone"),
            }
        }
        "timestamp" => "timestamp without time zone".into(),
        "timestamptz" => "timestamp with time zone".into(),
        "time" => "time without time zone".into(),
        "timetz" => "time with time zone".into(),
        "varbit" => base.replacen("varbit", "bit varying", 1),
        "serial" => "integer".into(),
        "bigserial" => "bigint".into(),
        _ => base.to_string(),
    };
    format!("{base}{array}")
}

fn apply(client: &mut Client, sql: &str, what: &str) {
    client.batch_execute(sql).unwrap_or_else(|e| panic!("{what} failed to apply: {e:?}"));
}

#[test]
fn every_system_applies_cleanly_and_the_catalog_matches_the_model() {
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        let db = TestDb::new();
        let (mut client, notices) = db.client_with_notices();
        let (schema, skipped) = support::applicable(&mut client, &declared);
        let files = generate::files(&schema);
        let file = |name: &str| &files.iter().find(|(p, _)| p == name).unwrap().1;
        let empty = catalog(&mut client);
        assert!(empty.is_empty(), "a fresh database has objects: {empty:?}");

        apply(&mut client, file("schema.sql"), &format!("{}/schema.sql", schema.name));
        assert_eq!(notices.lock().unwrap().as_slice(), &[] as &[String], "{}: server notices", schema.name);
        let want = expected(&schema);
        let have = catalog(&mut client);
        let missing: Vec<_> = want.difference(&have).collect();
        let extra: Vec<_> = have.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: drift\nmissing: {missing:#?}\nextra: {extra:#?}",
            schema.name
        );
        let tables = have.iter().filter(|l| l.starts_with("table ")).count();
        assert_eq!(tables, schema.tables.len());

        apply(&mut client, file("migrations/0001_init/down.sql"), "down");
        assert_eq!(catalog(&mut client), empty, "{}: down left objects behind", schema.name);
        apply(&mut client, file("migrations/0001_init/up.sql"), "up");
        assert_eq!(catalog(&mut client), want, "{}: up after down differs", schema.name);
        assert!(notices.lock().unwrap().is_empty(), "{}: notices {:?}", schema.name, notices.lock().unwrap());
        if !skipped.is_empty() {
            eprintln!("{}: applied and compared without {} object(s) (SKIPPED above)", schema.name, skipped.len());
        }
    }
}

#[test]
fn identifier_quoting_agrees_with_postgres() {
    let db = TestDb::new();
    let mut client = db.client();
    let mut names: Vec<String> = sql::reserved_words().iter().map(|w| w.to_string()).collect();
    names.extend(
        ["type", "name", "Users", "user name", "2fa", "_ok", "a$b", "quo\"te", "café", "select1"].map(String::from),
    );
    for name in names {
        let theirs: String = client.query_one("SELECT quote_ident($1)", &[&name]).unwrap().get(0);
        assert_eq!(sql::ident(&name), theirs, "quoting of {name:?}");
    }
}

#[test]
fn awkward_names_and_literals_apply_and_read_back() {
    let toml = r#"
[schema]
name = "awkward"

[enums."Order State"]
values = ["new", "it's done"]
as = "type"

[tables.user]
doc = "Reserved table name; a comment with 'quotes'"
[tables.user.columns]
id = { type = "bigserial", primary_key = true }
"Select" = { type = "text", default = "'O''Brien'", doc = "It's upper case" }
"group by" = { type = "varchar(20)", nullable = true, pattern = "^[a-z']*$" }

[tables.order]
[tables.order.columns]
id = { type = "integer", primary_key = true }
user_id = { type = "bigint", references = "user.id", on_delete = "cascade" }
state = { type = "Order State", default = "'it''s done'" }
"timestamp" = { type = "timestamptz", default = "now()" }
[[tables.order.indexes]]
columns = ["user_id", { column = "timestamp", order = "desc", nulls = "last" }]
"#;
    let compiled = compile_toml_str([("awkward.toml", toml)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let files = generate::files(&schema);
    let db = TestDb::new();
    let (mut client, notices) = db.client_with_notices();
    apply(&mut client, &files[0].1, "awkward schema");
    assert!(notices.lock().unwrap().is_empty());
    assert_eq!(catalog(&mut client), expected(&schema));
    client.batch_execute(r#"INSERT INTO "user" ("group by") VALUES ('it''s')"#).unwrap();
    let row = client.query_one(r#"SELECT "Select", obj_description('"user"'::regclass) FROM "user""#, &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "O'Brien");
    assert_eq!(row.get::<_, String>(1), "Reserved table name; a comment with 'quotes'");
    let err = client.batch_execute(r#"INSERT INTO "user" ("group by") VALUES ('UPPER')"#).unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("user_group by_pattern"));
}
