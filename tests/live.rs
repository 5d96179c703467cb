//! Generated SQL against a live PostgreSQL: every system applies with no error and no warning,
//! the catalog then holds exactly what the model declares, and the down migration undoes it all.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use postgres::Client;
use strata::testing::TestDb;
use strata_codegen::model::{ColumnType, Schema};
use strata_codegen::{compile_toml_str, generate, io, sql};

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
    let ns = support::USER_NAMESPACES;
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
        // Routines by identity (name and argument types), with their options; aggregates have
        // lines of their own, and a range type's constructors belong to it (deptype 'i').
        format!(
            "SELECT 'function ' || CASE WHEN pronamespace = 'public'::regnamespace THEN '' \
             ELSE pronamespace::regnamespace::text || '.' END || proname || '(' || oidvectortypes(proargtypes) || ') ' \
             || prokind::text || ' ' || provolatile::text || CASE WHEN proisstrict THEN ' strict' ELSE '' END \
             || CASE WHEN proleakproof THEN ' leakproof' ELSE '' END || ' parallel ' || proparallel::text \
             || ' cost ' || procost || ' rows ' || prorows || COALESCE(' set ' || array_to_string(proconfig, '; '), '') \
             || CASE WHEN obj_description(p.oid, 'pg_proc') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_proc p WHERE pronamespace IN {ns} AND prokind <> 'a' \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e', 'i'))"
        ),
        // Arguments as `encode` prints them: each followed by `\000`.
        "SELECT 'trigger ' || tgrelid::regclass || '.' || tgname || CASE WHEN tgenabled = 'D' THEN ' disabled' ELSE '' END \
         || ' args ' || encode(tgargs, 'escape') || COALESCE(' old ' || tgoldtable, '') || COALESCE(' new ' || tgnewtable, '') \
         FROM pg_trigger WHERE NOT tgisinternal AND tgparentid = 0"
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
             WHERE c.relnamespace IN {ns} AND c.relkind <> 'S'"
        ),
        format!(
            "SELECT state || ' ' || conrelid::regclass || '.' || conname \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid, \
             unnest(ARRAY[CASE WHEN NOT k.convalidated THEN 'notvalid' END, \
                          CASE WHEN k.confmatchtype = 'f' THEN 'matchfull' END]) state \
             WHERE connamespace IN {ns} AND NOT c.relispartition AND k.conparentid = 0 AND state IS NOT NULL"
        ),
        // Every sequence with its options as PostgreSQL resolved them, its owning column
        // (serial and OWNED BY; an identity column's is shown by `identity`) and comment.
        format!(
            "SELECT 'sequence ' || {c} || ' ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || \
             ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache || \
             CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END \
             FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace IN {ns}"
        ),
        format!(
            "SELECT 'owned ' || {c} || ' ' || d.refobjid::regclass || '.' || a.attname FROM pg_depend d \
             JOIN pg_class c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass AND c.relkind = 'S' \
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
             WHERE c.relnamespace IN {ns} AND d.deptype = 'a'"
        ),
        format!(
            "SELECT 'identity ' || {c} || '.' || a.attname || CASE a.attidentity WHEN 'a' THEN ' always' ELSE ' by default' END \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace IN {ns} AND a.attidentity <> '' AND NOT c.relispartition"
        ),
        format!(
            "SELECT 'comment sequence ' || {c} FROM pg_description d \
             JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND c.relkind = 'S' \
             WHERE c.relnamespace IN {ns}"
        ),
        // Comments on constraints, triggers and policies, by the name of their table.
        format!(
            "SELECT 'comment constraint ' || k.conrelid::regclass || '.' || k.conname FROM pg_description d \
             JOIN pg_constraint k ON k.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass \
             WHERE k.connamespace IN {ns} \
             UNION ALL SELECT 'comment trigger ' || t.tgrelid::regclass || '.' || t.tgname FROM pg_description d \
             JOIN pg_trigger t ON t.oid = d.objoid AND d.classoid = 'pg_trigger'::regclass \
             UNION ALL SELECT 'comment policy ' || p.polrelid::regclass || '.' || p.polname FROM pg_description d \
             JOIN pg_policy p ON p.oid = d.objoid AND d.classoid = 'pg_policy'::regclass"
        ),
        // Replica identity other than the default, collations other than the type's, and
        // extensions installed in a namespace of the schema's.
        format!(
            "SELECT 'replica ' || {c} || ' ' || c.relreplident::text FROM pg_class c \
             WHERE c.relnamespace IN {ns} AND c.relreplident <> 'd' AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
             UNION ALL SELECT 'replica index ' || {i} FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             WHERE i.relnamespace IN {ns} AND x.indisreplident"
        ),
        format!(
            "SELECT 'collate ' || {c} || '.' || a.attname || ' ' || l.collname FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid \
             JOIN pg_collation l ON l.oid = a.attcollation \
             WHERE c.relnamespace IN {ns} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
             AND a.attnum > 0 AND a.attcollation <> t.typcollation"
        ),
        format!(
            "SELECT 'extension ' || e.extname || ' in ' || n.nspname FROM pg_extension e \
             JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.oid IN {ns} AND n.nspname <> 'public'"
        ),
        // Domains with their base type, NOT NULL, default and constraints.
        format!(
            "SELECT 'domain ' || CASE WHEN typnamespace = 'public'::regnamespace THEN '' \
             ELSE typnamespace::regnamespace::text || '.' END || typname || ' ' || format_type(typbasetype, typtypmod) \
             || CASE WHEN typnotnull THEN ' not null' ELSE '' END || CASE WHEN typdefault IS NULL THEN '' ELSE ' default' END \
             || CASE WHEN obj_description(t.oid, 'pg_type') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_type t WHERE typnamespace IN {ns} AND typtype = 'd' \
             UNION ALL SELECT 'domain constraint ' || contypid::regtype || '.' || conname FROM pg_constraint \
             WHERE connamespace IN {ns} AND contypid <> 0"
        ),
        // Composite types with their fields in order, range types with their options, and
        // aggregates with their functions and state.
        format!(
            "SELECT 'composite ' || t.oid::regtype::text || ' (' || string_agg(a.attname || ' ' || \
             format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> at.typcollation \
             THEN ' collate ' || l.collname ELSE '' END, ', ' ORDER BY a.attnum) || ')' \
             || CASE WHEN obj_description(t.oid, 'pg_type') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 JOIN pg_type at ON at.oid = a.atttypid \
             LEFT JOIN pg_collation l ON l.oid = a.attcollation \
             WHERE t.typnamespace IN {ns} GROUP BY t.oid"
        ),
        format!(
            "SELECT 'range ' || r.rngtypid::regtype::text || ' of ' || format_type(r.rngsubtype, NULL) \
             || ' multirange ' || r.rngmultitypid::regtype::text \
             || CASE WHEN r.rngsubdiff = 0 THEN '' ELSE ' diff ' || r.rngsubdiff::regproc::text END \
             || CASE WHEN obj_description(r.rngtypid, 'pg_type') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid WHERE t.typnamespace IN {ns}"
        ),
        format!(
            "SELECT 'aggregate ' || p.oid::regprocedure::text || ' sfunc ' || g.aggtransfn::regproc::text \
             || ' stype ' || format_type(g.aggtranstype, NULL) \
             || CASE WHEN g.aggfinalfn = 0 THEN '' ELSE ' final ' || g.aggfinalfn::regproc::text END \
             || CASE WHEN g.aggcombinefn = 0 THEN '' ELSE ' combine ' || g.aggcombinefn::regproc::text END \
             || coalesce(' init ' || g.agginitval, '') || ' parallel ' || p.proparallel::text \
             || CASE WHEN obj_description(p.oid, 'pg_proc') IS NULL THEN '' ELSE ' commented' END \
             FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid WHERE p.pronamespace IN {ns} \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid \
                             AND d.deptype = 'e')"
        ),
        // What a partition has of its own: constraints not copied from its parent, storage.
        format!(
            "SELECT 'partconstraint ' || contype::text || ' ' || conrelid::regclass || '.' || conname \
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
             WHERE connamespace IN {ns} AND c.relispartition AND k.conparentid = 0 AND k.coninhcount = 0"
        ),
        format!(
            "SELECT 'partoption ' || {c} || ' ' || o FROM pg_class c, unnest(c.reloptions) o \
             WHERE c.relnamespace IN {ns} AND c.relkind IN ('r', 'p') AND c.relispartition"
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
    use strata_codegen::model::{Deferrable, PUBLIC, QName, ReplicaIdentity};
    let mut out = BTreeSet::new();
    // As the catalog queries print names: bare in public, else qualified; `q` quoted as regclass.
    let raw = |ns: &str, name: &str| QName::new(ns, name).to_string();
    let q = |ns: &str, name: &str| sql::qualified(ns, name);
    for d in &schema.domains {
        let name = raw(&d.namespace, &d.name);
        let not_null = if d.not_null { " not null" } else { "" };
        let default = if d.default.is_some() { " default" } else { "" };
        let commented = if d.doc.is_some() { " commented" } else { "" };
        let base = catalog_type(&schema.sql_type(&d.base));
        out.insert(format!("domain {name} {base}{not_null}{default}{commented}"));
        for c in &d.checks {
            out.insert(format!("domain constraint {}.{}", q(&d.namespace, &d.name), c.name));
        }
    }
    let commented = |doc: &Option<String>| if doc.is_some() { " commented" } else { "" };
    for c in &schema.composites {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| {
                let collate = f.collation.as_ref().map(|l| format!(" collate {}", l.name)).unwrap_or_default();
                format!("{} {}{collate}", f.name, catalog_type(&schema.sql_type(&f.ty)))
            })
            .collect();
        out.insert(format!("composite {} ({}){}", raw(&c.namespace, &c.name), fields.join(", "), commented(&c.doc)));
    }
    for r in &schema.ranges {
        let diff = r.subtype_diff.as_ref().map(|f| format!(" diff {}", f.name)).unwrap_or_default();
        out.insert(format!(
            "range {} of {} multirange {}{diff}{}",
            raw(&r.namespace, &r.name),
            catalog_type(&schema.sql_type(&r.subtype)),
            raw(&r.namespace, &r.multirange_name()),
            commented(&r.doc)
        ));
    }
    for a in &schema.aggregates {
        let types: Vec<String> =
            a.args.split(',').map(|t| catalog_type(&schema.sql_type(&ColumnType::parse(t).unwrap()))).collect();
        let name = raw(&a.namespace, &a.name);
        let function = |key: &str, f: &Option<strata_codegen::model::Named>| {
            f.as_ref().map(|f| format!(" {key} {}", f.name)).unwrap_or_default()
        };
        let parallel = match a.parallel.as_deref() {
            Some("SAFE") => "s",
            Some("RESTRICTED") => "r",
            _ => "u",
        };
        out.insert(format!(
            "aggregate {name}({}) sfunc {} stype {}{}{}{} parallel {parallel}{}",
            types.join(", "),
            a.sfunc.name,
            catalog_type(&schema.sql_type(&ColumnType::parse(&a.stype).unwrap())),
            function("final", &a.finalfunc),
            function("combine", &a.combinefunc),
            a.initcond.as_ref().map(|i| format!(" init {i}")).unwrap_or_default(),
            commented(&a.doc)
        ));
    }
    for e in &schema.extensions {
        if let Some(n) = e.namespace.as_ref().filter(|n| *n != PUBLIC) {
            out.insert(format!("extension {} in {n}", e.name));
        }
    }
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
    let triggers = |out: &mut BTreeSet<String>, on: &str, triggers: &[strata_codegen::model::Trigger]| {
        for tr in triggers {
            let disabled = if tr.enabled { "" } else { " disabled" };
            let args: String = tr.args.iter().map(|a| format!("{a}\\000")).collect();
            let old = tr.old_table.as_ref().map(|n| format!(" old {n}")).unwrap_or_default();
            let new = tr.new_table.as_ref().map(|n| format!(" new {n}")).unwrap_or_default();
            out.insert(format!("trigger {on}.{}{disabled} args {args}{old}{new}", tr.name));
            if tr.doc.is_some() {
                out.insert(format!("comment trigger {on}.{}", tr.name));
            }
            if let Some(d) = tr.constraint {
                out.insert(format!("constraint t {on}.{}", tr.name));
                deferrable(out, on, &tr.name, d);
            }
        }
    };
    for v in &schema.views {
        let name = raw(&v.namespace, &v.name);
        triggers(&mut out, &q(&v.namespace, &v.name), &v.triggers);
        options(&mut out, &name, &v.options);
        if v.materialized && !v.with_data {
            out.insert(format!("unpopulated {name}"));
        }
        out.insert(format!("view {name}"));
        if v.doc.is_some() {
            out.insert(format!("comment {name}."));
        }
        v.indexes.iter().for_each(|i| _ = out.insert(format!("index {}", raw(&v.namespace, &i.name))));
        for i in v.indexes.iter().filter(|i| i.doc.is_some()) {
            out.insert(format!("comment {}.", raw(&v.namespace, &i.name)));
        }
    }
    for f in &schema.functions {
        let volatility = match f.volatility.as_deref() {
            Some("IMMUTABLE") => 'i',
            Some("STABLE") => 's',
            _ => 'v',
        };
        let returns = f.returns.trim_start().to_ascii_lowercase();
        let set_returning = returns.starts_with("setof ") || returns.starts_with("table");
        let rows = f.rows.unwrap_or(if set_returning { 1000 } else { 0 });
        let parallel = f.parallel.as_deref().map_or('u', |p| p.to_ascii_lowercase().chars().next().unwrap());
        let settings = f.search_path.iter().map(|p| ("search_path", p.clone()));
        let settings: Vec<String> = settings
            .chain(f.settings.iter().map(|(k, v)| (k.as_str(), v.trim_matches('\'').to_string())))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.insert(format!(
            "function {} {} {volatility}{}{} parallel {parallel} cost {} rows {rows}{}{}",
            routine(schema, f),
            if f.procedure { 'p' } else { 'f' },
            if f.strict { " strict" } else { "" },
            if f.leakproof { " leakproof" } else { "" },
            f.cost.unwrap_or(100),
            if settings.is_empty() { String::new() } else { format!(" set {}", settings.join("; ")) },
            if f.doc.is_some() { " commented" } else { "" },
        ));
    }
    let sequence = |out: &mut BTreeSet<String>, name: &str, options: &strata_codegen::model::SequenceOptions| {
        let s = options.resolve().expect("options the checks accepted");
        let cycle = if s.cycle { " cycle" } else { "" };
        out.insert(format!(
            "sequence {name} {} start {} increment {} min {} max {} cache {}{cycle}",
            s.data_type.sql(),
            s.start,
            s.increment,
            s.min,
            s.max,
            s.cache
        ));
    };
    for s in &schema.sequences {
        let name = raw(&s.namespace, &s.name);
        sequence(&mut out, &name, &s.options);
        if let Some(o) = &s.owned_by {
            out.insert(format!("owned {name} {}.{}", q(&o.table.namespace, &o.table.name), o.column.name));
        }
        if s.doc.is_some() {
            out.insert(format!("comment sequence {name}"));
        }
    }
    for t in &schema.tables {
        let (name, quoted) = (raw(&t.namespace, &t.name), q(&t.namespace, &t.name));
        out.insert(format!("table {name}"));
        options(&mut out, &name, &t.storage);
        if t.unlogged {
            out.insert(format!("unlogged {name}"));
        }
        match &t.replica_identity {
            None | Some(ReplicaIdentity::Default) => {}
            Some(ReplicaIdentity::Full) => _ = out.insert(format!("replica {name} f")),
            Some(ReplicaIdentity::Nothing) => _ = out.insert(format!("replica {name} n")),
            Some(ReplicaIdentity::Index(i)) => {
                out.insert(format!("replica {name} i"));
                out.insert(format!("replica index {}", raw(&t.namespace, &i.name)));
            }
        }
        for c in t.columns.iter().filter(|c| c.collation.is_some()) {
            out.insert(format!("collate {name}.{} {}", c.name, c.collation.as_ref().unwrap().name));
        }
        t.uniques.iter().for_each(|u| deferrable(&mut out, &quoted, &u.name, u.deferrable));
        t.exclusions.iter().for_each(|x| deferrable(&mut out, &quoted, &x.name, x.deferrable));
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
            if let (Some(seq), Some(options)) = (c.implicit_sequence(t), c.implicit_sequence_options()) {
                let seq = raw(&seq.namespace, &seq.name);
                sequence(&mut out, &seq, &options);
                match &c.identity {
                    Some(i) => {
                        _ = out.insert(format!(
                            "identity {name}.{} {}",
                            c.name,
                            if i.always { "always" } else { "by default" }
                        ))
                    }
                    None => _ = out.insert(format!("owned {seq} {quoted}.{}", c.name)),
                }
            }
            let pk = t.primary_key.iter().flat_map(|pk| &pk.columns).any(|k| k.name == c.name);
            let ty = catalog_type(&schema.sql_type(&c.ty));
            out.insert(format!("column {name}.{} {ty}{}", c.name, if c.nullable && !pk { "" } else { " not null" }));
            if c.doc.is_some() {
                out.insert(format!("comment {name}.{}", c.name));
            }
        }
        let mut constraint = |kind: char, c: &str| out.insert(format!("constraint {kind} {quoted}.{c}"));
        t.primary_key.iter().for_each(|pk| _ = constraint('p', &pk.name));
        t.uniques.iter().for_each(|u| _ = constraint('u', &u.name));
        t.exclusions.iter().for_each(|x| _ = constraint('x', &x.name));
        t.checks.iter().for_each(|c| _ = constraint('c', &c.name));
        t.foreign_keys.iter().for_each(|f| _ = constraint('f', &f.name));
        let key_indexes = t.primary_key.iter().map(|pk| &pk.name).chain(t.uniques.iter().map(|u| &u.name));
        let key_indexes = key_indexes.chain(t.exclusions.iter().map(|x| &x.name));
        for index in key_indexes.chain(t.indexes.iter().map(|i| &i.name)) {
            out.insert(format!("index {}", raw(&t.namespace, index)));
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            let part = q(&p.namespace, &p.name);
            out.insert(format!("partition {quoted} {part}"));
            p.checks.iter().for_each(|c| _ = out.insert(format!("partconstraint c {part}.{}", c.name)));
            p.foreign_keys.iter().for_each(|f| _ = out.insert(format!("partconstraint f {part}.{}", f.name)));
            p.indexes.iter().for_each(|i| _ = out.insert(format!("index {}", raw(&p.namespace, &i.name))));
            for (k, v) in &p.storage {
                out.insert(format!("partoption {} {k}={}", raw(&p.namespace, &p.name), v.trim_matches('\'')));
            }
        }
        triggers(&mut out, &quoted, &t.triggers);
        for p in &t.policies {
            out.insert(format!("policy {quoted}.{}", p.name));
            if p.doc.is_some() {
                out.insert(format!("comment policy {quoted}.{}", p.name));
            }
        }
        let keys = t.primary_key.iter().map(|k| (&k.name, &k.doc));
        let keys = keys.chain(t.uniques.iter().map(|u| (&u.name, &u.doc)));
        let keys = keys.chain(t.exclusions.iter().map(|x| (&x.name, &x.doc)));
        let keys = keys.chain(t.checks.iter().map(|c| (&c.name, &c.doc)));
        for (name, _) in keys.chain(t.foreign_keys.iter().map(|f| (&f.name, &f.doc))).filter(|(_, d)| d.is_some()) {
            out.insert(format!("comment constraint {quoted}.{name}"));
        }
        for p in t.partition.iter().flat_map(|p| &p.partitions) {
            let part = q(&p.namespace, &p.name);
            let own =
                p.checks.iter().map(|c| (&c.name, &c.doc)).chain(p.foreign_keys.iter().map(|f| (&f.name, &f.doc)));
            for (name, _) in own.filter(|(_, d)| d.is_some()) {
                out.insert(format!("comment constraint {part}.{name}"));
            }
            for i in p.indexes.iter().filter(|i| i.doc.is_some()) {
                out.insert(format!("comment {}.", raw(&p.namespace, &i.name)));
            }
        }
        for i in t.indexes.iter().filter(|i| i.doc.is_some()) {
            out.insert(format!("comment {}.", raw(&t.namespace, &i.name)));
        }
        if let Some(rls) = t.rls.as_ref().filter(|r| r.enabled) {
            out.insert(format!("rls {name}{}", if rls.force { " forced" } else { "" }));
        }
    }
    out
}

/// A routine as the catalog queries print it: `name(double precision, text)`.
fn routine(schema: &Schema, f: &strata_codegen::model::Function) -> String {
    let types: Vec<String> = strata_codegen::sql::deps::argument_types(&f.args, f.procedure)
        .unwrap()
        .iter()
        .map(|t| match strata_codegen::model::ColumnType::parse(t) {
            Ok(ty) => catalog_type(&schema.sql_type(&ty)),
            Err(_) => t.clone(),
        })
        .collect();
    format!("{}({})", strata_codegen::model::QName::new(&f.namespace, &f.name), types.join(", "))
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

/// Takes out of `have` the partitions upkeep made of each table strata keeps (they are made
/// relative to the clock, not declared), after checking there are as many as `premake` says:
/// the current period's, `ahead` after it and up to `past` before it.
fn premade(schema: &Schema, have: &mut BTreeSet<String>) {
    for t in &schema.tables {
        let Some(p) = t.partition.as_ref().filter(|p| p.strata_upkeep().is_some()) else { continue };
        let m = p.premake.as_ref().unwrap();
        let prefix = format!("partition {} ", sql::qualified(&t.namespace, &t.name));
        let declared: Vec<String> =
            p.partitions.iter().map(|d| format!("{prefix}{}", sql::qualified(&d.namespace, &d.name))).collect();
        let made: Vec<String> =
            have.iter().filter(|l| l.starts_with(&prefix) && !declared.contains(l)).cloned().collect();
        let (least, most) = (m.ahead as usize + 1, (m.past + m.ahead) as usize + 1);
        assert!((least..=most).contains(&made.len()), "{}: {} premade partitions: {made:?}", t.name, made.len());
        made.iter().for_each(|l| _ = have.remove(l));
    }
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
        let mut have = catalog(&mut client);
        premade(&schema, &mut have);
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
        let mut again = catalog(&mut client);
        premade(&schema, &mut again);
        assert_eq!(again, want, "{}: up after down differs", schema.name);
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
    let (_db, mut client) = kinds_client();
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

/// The kinds system applied to a fresh database.
fn kinds_client() -> (TestDb, Client) {
    let compiled = io::compile_folder(Path::new("schema/kinds")).unwrap();
    let schema = compiled.schema.expect("kinds has no errors");
    let db = TestDb::new();
    let mut client = db.client();
    apply(&mut client, &generate::files(&schema)[0].1, "kinds");
    (db, client)
}

#[test]
fn triggers_and_sequences_behave_as_declared() {
    let (_db, mut client) = kinds_client();
    let audit = |client: &mut Client| -> Vec<(String, i64)> {
        let rows = client.query("SELECT what, rows FROM stock_audit ORDER BY id", &[]).unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let pairs = |items: &[(&str, i64)]| items.iter().map(|(w, n)| (w.to_string(), *n)).collect::<Vec<_>>();
    // One statement of three rows: the statement trigger sees all three in its transition
    // table; the deferred constraint trigger fires per row at commit; the disabled one never.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("INSERT INTO stock_moves (item, qty) VALUES ('bolt', 5), ('bolt', 2), ('nut', 1)").unwrap();
    let before_commit: i64 =
        tx.query_one("SELECT count(*) FROM stock_audit WHERE what = 'commit'", &[]).unwrap().get(0);
    assert_eq!(before_commit, 0, "the deferred constraint trigger fired before commit");
    tx.commit().unwrap();
    assert_eq!(audit(&mut client), pairs(&[("insert", 3), ("commit", 1), ("commit", 1), ("commit", 1)]));
    client.batch_execute("DELETE FROM stock_audit").unwrap();
    // UPDATE OF qty with WHEN: only rows whose qty changes; an update of item fires nothing.
    client.batch_execute("UPDATE stock_moves SET qty = qty WHERE item = 'nut'; UPDATE stock_moves SET item = 'nuts' WHERE item = 'nut'").unwrap();
    assert_eq!(audit(&mut client), pairs(&[]));
    client.batch_execute("UPDATE stock_moves SET qty = qty + 1 WHERE item = 'bolt'").unwrap();
    assert_eq!(audit(&mut client), pairs(&[("qty", 1), ("qty", 1)]));
    client.batch_execute("DELETE FROM stock_audit").unwrap();
    // The view's INSTEAD OF trigger turns an insert into a stock move.
    client.batch_execute("INSERT INTO stock_levels VALUES ('washer', 9)").unwrap();
    let qty: i32 = client.query_one("SELECT qty FROM stock_levels WHERE item = 'washer'", &[]).unwrap().get(0);
    assert_eq!(qty, 9);
    client.batch_execute("DELETE FROM stock_audit; DELETE FROM stock_moves WHERE item = 'bolt'").unwrap();
    assert_eq!(audit(&mut client), pairs(&[("delete", 2)]));

    // Identity: ALWAYS refuses a given value, BY DEFAULT takes one; the shared sequence numbers
    // both tables from one series; the owned sequence goes with its column.
    let err = client.batch_execute("INSERT INTO invoices (id, total) VALUES (7, 1)").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("cannot insert a non-DEFAULT value"), "{err}");
    client.batch_execute("INSERT INTO invoices (total) VALUES (1); INSERT INTO receipts (id) VALUES (5)").unwrap();
    client.batch_execute("INSERT INTO receipts DEFAULT VALUES; INSERT INTO invoices (total) VALUES (2)").unwrap();
    let numbers: Vec<i32> = client
        .query("SELECT number FROM invoices UNION ALL SELECT number FROM receipts ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(numbers, [1000, 1001, 1002, 1003]);
    let ids: Vec<i32> =
        client.query("SELECT id FROM receipts ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(ids, [5, 100]);
    client.batch_execute("ALTER TABLE tickets DROP COLUMN number").unwrap();
    let left: i64 =
        client.query_one("SELECT count(*) FROM pg_class WHERE relname = 'ticket_numbers'", &[]).unwrap().get(0);
    assert_eq!(left, 0, "an owned sequence outlived its column");
}

#[test]
fn exclusion_constraints_refuse_overlaps_as_declared() {
    let (_db, mut client) = kinds_client();
    let booking = "INSERT INTO room_bookings (id, room_id, during, cancelled) VALUES";
    // Deferred: an overlap inside a transaction is refused only at commit.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&format!("{booking} (1, 7, '[2026-01-01 10:00, 2026-01-01 11:00)', false)")).unwrap();
    tx.batch_execute(&format!("{booking} (2, 7, '[2026-01-01 10:30, 2026-01-01 12:00)', false)")).unwrap();
    let err = tx.commit().unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("room_bookings_room_id_during_excl"));
    // Another room, or a cancelled booking (outside the WHERE), does not conflict.
    client
        .batch_execute(&format!(
            "{booking} (1, 7, '[2026-01-01 10:00, 2026-01-01 11:00)', false), \
             (2, 8, '[2026-01-01 10:30, 2026-01-01 12:00)', false), \
             (3, 7, '[2026-01-01 10:30, 2026-01-01 12:00)', true)"
        ))
        .unwrap();
    // Not deferrable: the overlap of an expression is refused at once.
    let shift = "INSERT INTO shifts (id, worker, starts_at, ends_at) VALUES";
    client.batch_execute(&format!("{shift} (1, 5, '2026-01-01 08:00', '2026-01-01 16:00')")).unwrap();
    let err = client.batch_execute(&format!("{shift} (2, 5, '2026-01-01 15:00', '2026-01-01 20:00')")).unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("shifts_no_overlap"));
    client.batch_execute(&format!("{shift} (3, 5, '2026-01-01 16:00', '2026-01-01 20:00')")).unwrap();
}

#[test]
fn a_partition_keeps_what_it_declares_of_its_own() {
    let (_db, mut client) = kinds_client();
    // Its copy of the parent's index was attached, under its own name, not made anew.
    let attached: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid \
             WHERE h.inhparent = 'readings_sensor_idx'::regclass ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(attached, ["readings_2025_by_sensor", "readings_2026_sensor_idx"]);
    // Its CHECK and foreign key hold in it alone.
    client.batch_execute("INSERT INTO sensors VALUES (1, 'roof')").unwrap();
    client.batch_execute("INSERT INTO readings VALUES (1, '2026-03-01', 99, NULL)").unwrap();
    let err = client.batch_execute("INSERT INTO readings VALUES (2, '2025-03-01', 1, NULL)").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("readings_2025_settled"));
    let err = client.batch_execute("INSERT INTO readings VALUES (3, '2025-03-01', 99, 1.5)").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("readings_2025_sensor_fkey"));
    client.batch_execute("INSERT INTO readings VALUES (4, '2025-03-01', 1, 1.5)").unwrap();
}

#[test]
fn routines_behave_as_declared() {
    let (_db, mut client) = kinds_client();
    // Overloads: one name, chosen by the arguments; STRICT gives NULL for a NULL argument.
    let row =
        client.query_one("SELECT area(1.0)::numeric(6,4), area(2.0, 3.0), area(NULL::double precision)", &[]).unwrap();
    assert_eq!(row.get::<_, rust_decimal::Decimal>(0).to_string(), "3.1416");
    assert_eq!(row.get::<_, f64>(1), 6.0);
    assert_eq!(row.get::<_, Option<f64>>(2), None);
    // A procedure is CALLed; a set-returning function is read as a table.
    client.batch_execute("CALL record_move('bolt', 3); CALL record_move('bolt', 4)").unwrap();
    let n: i64 = client.query_one("SELECT count(*) FROM moves_of('bolt')", &[]).unwrap().get(0);
    assert_eq!(n, 2);
}

#[test]
fn privileges_hold_as_declared() {
    let (_db, mut client) = kinds_client();
    client.batch_execute("SET ROLE kinds_reader").unwrap();
    // Column privileges: the granted columns, and no other.
    client.batch_execute("SELECT id, handle FROM accounts").unwrap();
    let err = client.batch_execute("SELECT bio FROM accounts").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("permission denied"), "{err}");
    // EXECUTE revoked from PUBLIC, then granted on one overload only.
    client.batch_execute("SELECT area(1.0)").unwrap();
    let err = client.batch_execute("SELECT area(1.0, 2.0)").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("permission denied"), "{err}");
    // WITH GRANT OPTION: the reader may pass SELECT on the view on.
    client.batch_execute("GRANT SELECT ON stock_levels TO kinds_auditor").unwrap();
    client.batch_execute("RESET ROLE").unwrap();
}

/// SQL strata's parser cannot read is a warning naming the construct (W0007), written as it is
/// and applied: PostgreSQL accepts each, and still refuses a row that breaks one.
#[test]
fn expressions_strata_cannot_read_are_left_to_postgres() {
    let source = r#"
[schema]
name = "unread"
[tables.unread_checks.columns]
id = { type = "integer", primary_key = true }
name = { type = "text", check = "TRIM(BOTH FROM name) <> ''" }
fragment = { type = "xml", check = "fragment IS NOT DOCUMENT" }
label = { type = "text", check = "normalize(label, NFC) = label" }
"#;
    let compiled = compile_toml_str([("unread.toml", source)]);
    let warnings: Vec<&str> = compiled.diagnostics.0.iter().map(|d| d.code).collect();
    assert_eq!(warnings, ["W0007", "W0007"], "{:?}", compiled.diagnostics.0);
    let schema = compiled.schema.expect("warnings only");
    let db = TestDb::new();
    let mut client = db.client();
    apply(&mut client, &generate::files(&schema)[0].1, "unread");
    client.batch_execute("INSERT INTO unread_checks VALUES (1, ' a ', 'x<y/>', 'é')").unwrap();
    let err = client.batch_execute("INSERT INTO unread_checks VALUES (2, '   ', 'x', 'b')").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("unread_checks_name_check"));
}

#[test]
fn domains_hold_as_declared() {
    let (_db, mut client) = kinds_client();
    // NOT NULL and the CHECK of the domain hold in every column of it; its default fills in.
    client.batch_execute("INSERT INTO wallets (id, owner) VALUES (1, 'ann')").unwrap();
    let balance: rust_decimal::Decimal =
        client.query_one("SELECT balance FROM wallets WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(balance.to_string(), "0.00");
    let err = client.batch_execute("INSERT INTO wallets (id, owner) VALUES (2, '  ')").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("handle_not_blank"));
    let err = client.batch_execute("INSERT INTO wallets (id, owner, balance) VALUES (3, 'bo', -1)").unwrap_err();
    assert_eq!(err.as_db_error().unwrap().constraint(), Some("amount_not_negative"));
}

#[test]
fn composite_range_and_aggregate_types_work_as_declared() {
    let (_db, mut client) = kinds_client();
    let text = |client: &mut Client, sql: &str| -> String { client.query_one(sql, &[]).unwrap().get(0) };
    // Aggregates fold with their own state functions, from their initial state.
    let product = "SELECT product(x)::text FROM (VALUES (2::numeric), (3), (NULL), (4)) v(x)";
    assert_eq!(text(&mut client, product), "24");
    assert_eq!(text(&mut client, "SELECT longest(x) FROM (VALUES ('ab'), ('abcd'), ('abc')) v(x)"), "abcd");
    assert_eq!(text(&mut client, "SELECT all_true(x)::text FROM (VALUES (true), (false)) v(x)"), "false");
    // A range type and its multirange under the declared name; its SUBTYPE_DIFF serves GiST.
    assert_eq!(text(&mut client, "SELECT (float_range(1, 2) @> 1.5::float8)::text"), "true");
    assert_eq!(text(&mut client, "SELECT float_ranges(float_range(1, 2), float_range(2, 3))::text"), "{[1,3)}");
    client.batch_execute("CREATE INDEX deliveries_window ON deliveries USING gist (\"window\")").unwrap();
    // A composite keeps its fields, the nested one too, and a domain field keeps its rules.
    client
        .batch_execute(
            "INSERT INTO deliveries (id, address, shipment) VALUES (1, ROW('Main St', 'Oslo', '01234', 2), \
             ROW(ROW(NULL, 'Bergen', NULL, NULL), '{1.5,2.25}', '2026-12-02'))",
        )
        .unwrap();
    let city =
        "SELECT (address).city || '/' || ((shipment).destination).city || '/' || (shipment).weights[2] FROM deliveries";
    assert_eq!(text(&mut client, city), "Oslo/Bergen/2.25");
    let err = client.batch_execute(
        "INSERT INTO deliveries (id, address, tagged) VALUES (2, ROW(NULL, NULL, NULL, NULL), ROW('  ', 1))",
    );
    assert_eq!(err.unwrap_err().as_db_error().unwrap().constraint(), Some("handle_not_blank"));
}

#[test]
fn postgres_refuses_a_composite_that_holds_itself_as_e0070_does() {
    // strata refuses the declaration (E0070); PostgreSQL refuses the type it would make.
    let db = TestDb::new();
    let mut client = db.client();
    client
        .batch_execute("CREATE TYPE node AS (label text); CREATE TYPE edge AS (weight integer, target node)")
        .unwrap();
    let err = client.batch_execute("ALTER TYPE node ADD ATTRIBUTE child edge").unwrap_err();
    assert!(err.as_db_error().unwrap().message().contains("cannot be made a member of itself"), "{err}");
    let source = "[schema]\nname = \"t\"\n[composites.node]\nfields = { label = \"text\", child = \"edge\" }\n\
                  [composites.edge]\nfields = { weight = \"integer\", target = \"node\" }\n";
    let compiled = compile_toml_str([("cycle.toml", source)]);
    let codes: Vec<&str> = compiled.diagnostics.0.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"E0070"), "{codes:?}");
}

#[test]
fn ranges_travel_in_binary_with_every_kind_of_bound() {
    use strata::Range;
    let db = TestDb::new();
    let mut client = db.client();
    // Each value read into a Range, written back as a parameter, and printed by PostgreSQL.
    fn round<T>(client: &mut Client, literal: &str, ty: &str) -> String
    where
        T: for<'a> postgres::types::FromSql<'a> + postgres::types::ToSql + Sync,
    {
        let value: Range<T> = client.query_one(&format!("SELECT {literal}::{ty}"), &[]).unwrap().get(0);
        client.query_one(&format!("SELECT $1::{ty}::text"), &[&value]).unwrap().get(0)
    }
    for (literal, ty) in
        [("'empty'", "int4range"), ("'[1,)'", "int4range"), ("'(,5]'", "int4range"), ("'(,)'", "int8range")]
    {
        let want: String = client.query_one(&format!("SELECT {literal}::{ty}::text"), &[]).unwrap().get(0);
        let have = match ty {
            "int4range" => round::<i32>(&mut client, literal, ty),
            _ => round::<i64>(&mut client, literal, ty),
        };
        assert_eq!(have, want, "{literal}::{ty}");
    }
    assert_eq!(round::<rust_decimal::Decimal>(&mut client, "'(1.5,2.25]'", "numrange"), "(1.5,2.25]");
    assert_eq!(
        round::<chrono::NaiveDate>(&mut client, "'[2026-01-01,2026-02-01)'", "daterange"),
        "[2026-01-01,2026-02-01)"
    );
    let made = Range::new(3, 7);
    let text: String = client.query_one("SELECT $1::int4range::text", &[&made]).unwrap().get(0);
    assert_eq!(text, "[3,7)");
    let empty: String = client.query_one("SELECT $1::int4range::text", &[&Range::<i32>::empty()]).unwrap().get(0);
    assert_eq!(empty, "empty");
}
