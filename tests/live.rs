//! Generated SQL against a live PostgreSQL: every system applies with no error and no warning,
//! the catalog then holds exactly what the model declares, and the down migration undoes it all.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use postgres::Client;
use strata::testing::TestDb;
use strata_codegen::model::Schema;
use strata_codegen::{compile_toml_str, generate, io, render::sql};

/// The namespaces a schema's objects may live in: every one but PostgreSQL's own and those an
/// extension created.
const USER_NAMESPACES: &str = "(SELECT n.oid FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' \
     AND n.nspname <> 'information_schema' \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = n.oid AND d.deptype = 'e'))";

/// What the catalog says exists in the schema's namespaces, as sorted `kind name` lines; names
/// outside `public` are qualified.
fn catalog(client: &mut Client) -> BTreeSet<String> {
    // `relname` with its namespace unless that is public, unquoted (`regclass` quotes).
    let rel = |c: &str| {
        format!(
            "(CASE WHEN {c}.relnamespace = 'public'::regnamespace THEN '' \
             ELSE {c}.relnamespace::regnamespace::text || '.' END || {c}.relname)"
        )
    };
    let (c, i) = (rel("c"), rel("i"));
    let ns = USER_NAMESPACES;
    // Partitions are listed by name only; their columns, constraints and indexes are the parent's.
    let queries = [
        format!("SELECT 'table ' || {c} FROM pg_class c WHERE relnamespace IN {ns} AND relkind IN ('r', 'p') AND NOT relispartition"),
        format!(
            "SELECT 'column ' || {c} || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || \
             CASE WHEN a.attnotnull THEN ' not null' ELSE '' END \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace IN {ns} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
             AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        format!(
            "SELECT 'constraint ' || contype::text || ' ' || conrelid::regclass || '.' || conname FROM pg_constraint k \
             JOIN pg_class c ON c.oid = k.conrelid \
             WHERE connamespace IN {ns} AND NOT c.relispartition AND k.conparentid = 0"
        ),
        format!(
            "SELECT 'index ' || {i} FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             WHERE i.relnamespace IN {ns} AND NOT i.relispartition"
        ),
        format!(
            "SELECT 'partition ' || h.inhparent::regclass || ' ' || h.inhrelid::regclass FROM pg_inherits h \
             JOIN pg_class c ON c.oid = h.inhrelid WHERE c.relnamespace IN {ns} AND c.relkind IN ('r', 'p')"
        ),
        format!(
            "SELECT 'view ' || {c} FROM pg_class c WHERE relnamespace IN {ns} AND relkind IN ('v', 'm') \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
        ),
        format!(
            "SELECT 'function ' || CASE WHEN pronamespace = 'public'::regnamespace THEN '' \
             ELSE pronamespace::regnamespace::text || '.' END || proname FROM pg_proc p WHERE pronamespace IN {ns} \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        ),
        "SELECT 'trigger ' || tgrelid::regclass || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal AND tgparentid = 0"
            .to_string(),
        "SELECT 'policy ' || polrelid::regclass || '.' || polname FROM pg_policy".to_string(),
        format!(
            "SELECT 'rls ' || {c} || CASE WHEN relforcerowsecurity THEN ' forced' ELSE '' END FROM pg_class c \
             WHERE relnamespace IN {ns} AND relrowsecurity"
        ),
        format!(
            "SELECT 'type ' || CASE WHEN typnamespace = 'public'::regnamespace THEN '' \
             ELSE typnamespace::regnamespace::text || '.' END || typname FROM pg_type \
             WHERE typnamespace IN {ns} AND typtype = 'e'"
        ),
        format!(
            "SELECT 'unlogged ' || {c} FROM pg_class c WHERE relnamespace IN {ns} \
             AND relkind IN ('r', 'p') AND relpersistence = 'u' AND NOT relispartition"
        ),
        format!(
            "SELECT 'option ' || {c} || ' ' || o FROM pg_class c, unnest(c.reloptions) o \
             WHERE c.relnamespace IN {ns} AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition \
             UNION ALL SELECT 'option ' || {c} || ' toast.' || o FROM pg_class c JOIN pg_class x ON x.oid = c.reltoastrelid, \
             unnest(x.reloptions) o WHERE c.relnamespace IN {ns} AND NOT c.relispartition"
        ),
        format!("SELECT 'unpopulated ' || {c} FROM pg_class c WHERE relnamespace IN {ns} AND relkind = 'm' AND NOT relispopulated"),
        format!(
            "SELECT 'deferrable ' || conrelid::regclass || '.' || conname || CASE WHEN condeferred THEN ' deferred' ELSE ' immediate' END \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
             WHERE connamespace IN {ns} AND condeferrable AND NOT c.relispartition AND k.conparentid = 0"
        ),
        format!(
            "SELECT 'comment ' || {c} || '.' || COALESCE(a.attname, '') FROM pg_description d \
             JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass \
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 \
             WHERE c.relnamespace IN {ns}"
        ),
        format!(
            "SELECT state || ' ' || conrelid::regclass || '.' || conname \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid, \
             unnest(ARRAY[CASE WHEN NOT k.convalidated THEN 'notvalid' END, \
                          CASE WHEN k.confmatchtype = 'f' THEN 'matchfull' END]) state \
             WHERE connamespace IN {ns} AND NOT c.relispartition AND k.conparentid = 0 AND state IS NOT NULL"
        ),
        // Namespaces other than public, with their owner when not the applying user, and comment.
        format!(
            "SELECT 'namespace ' || n.nspname || CASE WHEN n.nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) \
             THEN ' owner ' || pg_get_userbyid(n.nspowner) ELSE '' END \
             || CASE WHEN obj_description(n.oid, 'pg_namespace') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_namespace n WHERE n.oid IN {ns} AND n.nspname <> 'public'"
        ),
        format!(
            "SELECT 'grant ' || n.nspname || ' ' || a.privilege_type || ' ' || pg_get_userbyid(a.grantee) \
             FROM pg_namespace n, aclexplode(n.nspacl) a \
             WHERE n.oid IN {ns} AND a.grantee <> n.nspowner AND a.grantee <> 0"
        ),
    ];
    let mut out = BTreeSet::new();
    for q in &queries {
        for row in client.query(q.as_str(), &[]).unwrap() {
            out.insert(row.get::<_, String>(0));
        }
    }
    out
}

/// The same lines, computed from the model: what the catalog must show after applying it.
fn expected(schema: &Schema) -> BTreeSet<String> {
    use strata_codegen::model::{Deferrable, PUBLIC, QName};
    let mut out = BTreeSet::new();
    // As the catalog queries print names: bare in public, else qualified; `q` quoted as regclass.
    let raw = |ns: &str, name: &str| QName::new(ns, name).to_string();
    let q = |ns: &str, name: &str| sql::qualified(ns, name);
    for n in schema.namespaces.iter().filter(|n| n.name != PUBLIC) {
        let owner = n.owner.as_ref().map(|o| format!(" owner {}", o.name)).unwrap_or_default();
        let commented = if n.doc.is_some() { " commented" } else { "" };
        out.insert(format!("namespace {}{owner}{commented}", n.name));
    }
    for g in &schema.grants {
        if let strata_codegen::model::GrantOn::Schema(n) = &g.on {
            let all = ["USAGE".to_string(), "CREATE".to_string()];
            let privileges = if g.privileges.iter().any(|p| p == "ALL") { &all[..] } else { &g.privileges[..] };
            for p in privileges {
                for r in &g.to {
                    out.insert(format!("grant {n} {p} {}", r.name));
                }
            }
        }
    }
    for e in schema.enums.iter().filter(|e| e.repr == strata_codegen::model::EnumRepr::Type) {
        out.insert(format!("type {}", raw(&e.namespace, &e.name)));
    }
    // reloptions as PostgreSQL stores them: `name=value`, strings unquoted.
    let options = |out: &mut BTreeSet<String>, name: &str, params: &[(String, String)]| {
        for (k, v) in params {
            out.insert(format!("option {name} {k}={}", v.trim_matches('\'')));
        }
    };
    let deferrable = |out: &mut BTreeSet<String>, table: &str, name: &str, d: Deferrable| match d {
        Deferrable::No => {}
        Deferrable::Immediate => _ = out.insert(format!("deferrable {table}.{name} immediate")),
        Deferrable::Deferred => _ = out.insert(format!("deferrable {table}.{name} deferred")),
    };
    for v in &schema.views {
        let name = raw(&v.namespace, &v.name);
        options(&mut out, &name, &v.options);
        if v.materialized && !v.with_data {
            out.insert(format!("unpopulated {name}"));
        }
        out.insert(format!("view {name}"));
        if v.doc.is_some() {
            out.insert(format!("comment {name}."));
        }
        v.indexes.iter().for_each(|i| _ = out.insert(format!("index {}", raw(&v.namespace, &i.name))));
    }
    for f in &schema.functions {
        out.insert(format!("function {}", raw(&f.namespace, &f.name)));
    }
    for t in &schema.tables {
        let (name, quoted) = (raw(&t.namespace, &t.name), q(&t.namespace, &t.name));
        out.insert(format!("table {name}"));
        options(&mut out, &name, &t.storage);
        if t.unlogged {
            out.insert(format!("unlogged {name}"));
        }
        t.uniques.iter().for_each(|u| deferrable(&mut out, &quoted, &u.name, u.deferrable));
        t.foreign_keys.iter().for_each(|f| deferrable(&mut out, &quoted, &f.name, f.deferrable));
        let not_valid = t.checks.iter().filter(|c| c.not_valid).map(|c| &c.name);
        for c in not_valid.chain(t.foreign_keys.iter().filter(|f| f.not_valid).map(|f| &f.name)) {
            out.insert(format!("notvalid {quoted}.{c}"));
        }
        for f in t.foreign_keys.iter().filter(|f| f.match_full) {
            out.insert(format!("matchfull {quoted}.{}", f.name));
        }
        if t.doc.is_some() {
            out.insert(format!("comment {name}."));
        }
        for c in &t.columns {
            let pk = t.primary_key.iter().flat_map(|pk| &pk.columns).any(|k| k.name == c.name);
            let ty = catalog_type(&sql::sql_type(schema, &c.ty));
            out.insert(format!("column {name}.{} {ty}{}", c.name, if c.nullable && !pk { "" } else { " not null" }));
            if c.doc.is_some() {
                out.insert(format!("comment {name}.{}", c.name));
            }
        }
        let mut constraint = |kind: char, c: &str| out.insert(format!("constraint {kind} {quoted}.{c}"));
        t.primary_key.iter().for_each(|pk| _ = constraint('p', &pk.name));
        t.uniques.iter().for_each(|u| _ = constraint('u', &u.name));
        t.checks.iter().for_each(|c| _ = constraint('c', &c.name));
        t.foreign_keys.iter().for_each(|f| _ = constraint('f', &f.name));
        let key_indexes = t.primary_key.iter().map(|pk| &pk.name).chain(t.uniques.iter().map(|u| &u.name));
        for index in key_indexes.chain(t.indexes.iter().map(|i| &i.name)) {
            out.insert(format!("index {}", raw(&t.namespace, index)));
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            out.insert(format!("partition {quoted} {}", q(&p.namespace, &p.name)));
        }
        for tr in &t.triggers {
            out.insert(format!("trigger {quoted}.{}", tr.name));
        }
        for p in &t.policies {
            out.insert(format!("policy {quoted}.{}", p.name));
        }
        if let Some(rls) = t.rls.as_ref().filter(|r| r.enabled) {
            out.insert(format!("rls {name}{}", if rls.force { " forced" } else { "" }));
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

#[test]
fn a_default_namespace_other_than_public_holds_every_unqualified_name() {
    let toml = r#"
[schema]
name = "elsewhere"
namespace = "app"

[enums.state]
values = ["open", "closed"]
as = "type"

[tables.users]
[tables.users.columns]
id = { type = "bigserial", primary_key = true }
state = { type = "state", default = "'open'" }
touched_at = { type = "timestamptz", default = "now()", set_on_update = "now()" }

[tables."public.notes"]
doc = "Still in public, beside the default namespace."
[tables."public.notes".columns]
id = { type = "integer", primary_key = true }
user_id = { type = "bigint", references = "app.users.id" }

[views.open_users]
query = "SELECT id FROM users WHERE state = 'open'"

[functions.user_count]
returns = "bigint"
search_path = "app"
body = "SELECT count(*) FROM users"
"#;
    let compiled = compile_toml_str([("elsewhere.toml", toml)]);
    let schema = compiled.schema.unwrap_or_else(|| panic!("{}", compiled.diagnostics.render(&compiled.sources)));
    let files = generate::files(&schema);
    let file = |name: &str| &files.iter().find(|(p, _)| p == name).unwrap().1;
    let db = TestDb::new();
    let (mut client, notices) = db.client_with_notices();
    apply(&mut client, file("schema.sql"), "elsewhere");
    assert!(notices.lock().unwrap().is_empty());
    // The catalog is read as a new session would, on PostgreSQL's own search path.
    client.batch_execute("RESET search_path").unwrap();
    let want = expected(&schema);
    assert!(want.contains("table app.users") && want.contains("namespace app"), "{want:#?}");
    assert_eq!(catalog(&mut client), want);
    // Unqualified names in declared SQL resolved to the default namespace when applied.
    client
        .batch_execute("RESET search_path; INSERT INTO app.users DEFAULT VALUES; INSERT INTO notes VALUES (1, 1)")
        .unwrap();
    let n: i64 = client.query_one("SELECT app.user_count()", &[]).unwrap().get(0);
    assert_eq!(n, 1);
    apply(&mut client, file("migrations/0001_init/down.sql"), "down");
    assert!(catalog(&mut client).is_empty(), "down left objects behind");
}

#[test]
fn not_valid_and_match_full_constraints_behave_as_declared() {
    let compiled = io::compile_folder(Path::new("schema/kinds")).unwrap();
    let schema = compiled.schema.expect("kinds has no errors");
    let files = generate::files(&schema);
    let db = TestDb::new();
    let mut client = db.client();
    apply(&mut client, &files[0].1, "kinds");
    client.batch_execute("INSERT INTO pair_keys VALUES (1, 1)").unwrap();
    // MATCH FULL: a key that is partly NULL is refused; wholly NULL or whole, accepted.
    let partly = client.batch_execute("INSERT INTO pair_links (id, a) VALUES (1, 1)").unwrap_err();
    assert_eq!(partly.as_db_error().unwrap().constraint(), Some("pair_links_a_b_fkey"));
    client.batch_execute("INSERT INTO pair_links (id) VALUES (2); INSERT INTO pair_links VALUES (3, 1, 1, 5)").unwrap();
    // NOT VALID still guards new rows; the rows there validate, and the state becomes valid.
    let err = client.batch_execute("INSERT INTO pair_links (id, weight) VALUES (4, 0)").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("pair_links_weight_positive"));
    client
        .batch_execute(
            "ALTER TABLE pair_links VALIDATE CONSTRAINT pair_links_weight_positive; \
             ALTER TABLE pair_links VALIDATE CONSTRAINT pair_links_a_b_fkey",
        )
        .unwrap();
    let invalid: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'pair_links'::regclass AND NOT convalidated",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(invalid, 0);
}
