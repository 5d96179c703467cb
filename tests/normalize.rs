//! PostgreSQL is the oracle of `strata_codegen::sql::normalize`: every expression every system
//! declares (column defaults, generated columns, CHECKs, including those strata derives from
//! union types and rules, partial-index predicates, policies' USING and WITH CHECK) is applied
//! to a live server, read back as PostgreSQL prints it, and must normalize to the same text as
//! the declaration. The counts per kind are printed.

#[path = "support/mod.rs"]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use strata::testing::TestDb;
use strata_codegen::io;
use strata_codegen::sql::normalize;

#[test]
fn every_declared_expression_normalizes_as_postgresql_prints_it() {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut server: BTreeMap<&str, usize> = BTreeMap::new();
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.expect("schema has errors");
        let db = TestDb::new();
        let mut client = db.client();
        let (schema, _) = support::apply(&mut client, &declared);
        let ns = support::USER_NAMESPACES;
        // (kind, namespace.table, name) -> the expression as PostgreSQL prints it.
        let queries = [
            format!(
                "SELECT CASE WHEN a.attgenerated = 's' THEN 'generated' ELSE 'default' END, \
                 c.relnamespace::regnamespace::text || '.' || c.relname, a.attname::text, pg_get_expr(d.adbin, d.adrelid), \
                 format_type(a.atttypid, a.atttypmod) \
                 FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum \
                 JOIN pg_class c ON c.oid = d.adrelid WHERE c.relnamespace IN {ns} AND NOT c.relispartition"
            ),
            format!(
                "SELECT 'check', c.relnamespace::regnamespace::text || '.' || c.relname, k.conname::text, \
                 pg_get_constraintdef(k.oid), NULL::text FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
                 WHERE k.contype = 'c' AND c.relnamespace IN {ns} AND NOT c.relispartition"
            ),
            format!(
                "SELECT 'predicate', c.relnamespace::regnamespace::text || '.' || c.relname, i.relname::text, \
                 pg_get_expr(x.indpred, x.indrelid), NULL::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_class c ON c.oid = x.indrelid WHERE x.indpred IS NOT NULL AND c.relnamespace IN {ns} \
                 AND NOT i.relispartition"
            ),
            format!(
                "SELECT 'using', c.relnamespace::regnamespace::text || '.' || c.relname, p.polname::text, \
                 pg_get_expr(p.polqual, p.polrelid), NULL::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
                 WHERE p.polqual IS NOT NULL AND c.relnamespace IN {ns} \
                 UNION ALL SELECT 'with_check', c.relnamespace::regnamespace::text || '.' || c.relname, \
                 p.polname::text, pg_get_expr(p.polwithcheck, p.polrelid), NULL::text FROM pg_policy p \
                 JOIN pg_class c ON c.oid = p.polrelid WHERE p.polwithcheck IS NOT NULL AND c.relnamespace IN {ns}"
            ),
        ];
        // The expression as PostgreSQL prints it, and a default's column type.
        let mut printed: HashMap<(String, String, String), (String, Option<String>)> = HashMap::new();
        for q in &queries {
            for row in client.query(q.as_str(), &[]).unwrap() {
                printed.insert((row.get(0), row.get(1), row.get(2)), (row.get(3), row.get(4)));
            }
        }
        let mut compare = |kind: &'static str, table: String, name: &str, declared: &str| {
            let entry = counts.entry(kind).or_default();
            entry.1 += 1;
            let Some((text, ty)) = printed.get(&(kind.to_string(), table.clone(), name.to_string())) else {
                mismatches.push(format!("{}: {kind} {table}.{name}: not in the catalog", schema.name));
                return;
            };
            // `CHECK (expr)` and a trailing `NOT VALID` are the constraint's, not the expression's.
            let text = text.strip_prefix("CHECK ").unwrap_or(text);
            let text = text.strip_suffix(" NOT VALID").unwrap_or(text);
            // A constant whose text the type rewrites (`'12:00+02'` is printed `'12:00:00+02'`,
            // `'0.00'` as money `'$0.00'`) only the server can compare: as the verify command will.
            if normalize::same(declared, text) {
                entry.0 += 1;
            } else if let Some(ty) = ty.as_deref().filter(|ty| support::equal_as(&mut client, declared, text, ty)) {
                entry.0 += 1;
                *server.entry(kind).or_default() += 1;
                eprintln!("normalize: {kind} {table}.{name}: {declared} and {text} are equal {ty}s (by the server)");
            } else {
                mismatches.push(format!(
                    "{}: {kind} {table}.{name}\n  declared: {declared}\n  printed:  {text}\n  as:       {:?} vs {:?}",
                    schema.name,
                    normalize::expr(declared),
                    normalize::expr(text)
                ));
            }
        };
        for t in &schema.tables {
            let table = format!("{}.{}", t.namespace, t.name);
            for c in &t.columns {
                if let Some(d) = &c.default {
                    compare("default", table.clone(), &c.name, &d.sql);
                }
                if let Some(g) = &c.generated {
                    compare("generated", table.clone(), &c.name, &g.sql);
                }
            }
            for k in &t.checks {
                compare("check", table.clone(), &k.name, &k.expr.sql);
            }
            for i in &t.indexes {
                if let Some(p) = &i.predicate {
                    compare("predicate", table.clone(), &i.name, &p.sql);
                }
            }
            for p in &t.policies {
                if let Some(u) = &p.using {
                    compare("using", table.clone(), &p.name, &u.sql);
                }
                if let Some(w) = &p.with_check {
                    compare("with_check", table.clone(), &p.name, &w.sql);
                }
            }
        }
    }
    for (kind, (matched, total)) in &counts {
        let by_server = server.get(kind).copied().unwrap_or(0);
        eprintln!("normalize: {kind}: {matched}/{total} equal ({by_server} of them by the server)");
    }
    for kind in ["default", "generated", "check", "predicate", "using", "with_check"] {
        assert!(counts.get(kind).is_some_and(|(_, total)| *total > 0), "no {kind} was compared");
    }
    assert!(mismatches.is_empty(), "{} expression(s) differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

/// Interval constants normalize to the value PostgreSQL stores: random intervals of every unit
/// are printed by the server, and `normalize::same` must say two of them are the same exactly
/// when the server stores them alike (its text output of each is equal).
#[test]
fn interval_constants_are_equal_exactly_when_postgresql_stores_them_alike() {
    // Each field once (PostgreSQL refuses a repeated one), in one of its spellings; whole
    // numbers of years and months, quarters elsewhere.
    const FIELDS: [&[&str]; 7] = [
        &["years", "year", "y"],
        &["mons", "months"],
        &["weeks", "w"],
        &["days", "d"],
        &["hours", "hrs", "h"],
        &["minutes", "min", "mins"],
        &["seconds", "secs", "s", "ms", "milliseconds"],
    ];
    let db = TestDb::new();
    let mut client = db.client();
    let mut rng = support::Rng(0x1e7e_4a15);
    let mut random = || {
        let mut parts = Vec::new();
        let mut clock_free = true;
        for (f, spellings) in FIELDS.iter().enumerate() {
            if !rng.chance(35) {
                continue;
            }
            let amount = rng.below(3000) as f64 / if f < 2 || rng.chance(50) { 1.0 } else { 4.0 };
            parts.push(format!("{amount} {}", rng.pick(spellings)));
            clock_free &= f < 4;
        }
        if clock_free && (parts.is_empty() || rng.chance(30)) {
            parts.push(format!("{:02}:{:02}:{:02}", rng.below(30), rng.below(60), rng.below(60)));
        }
        parts.join(" ")
    };
    let intervals: Vec<String> = (0..400).map(|_| random()).collect();
    let (mut agreed, mut pairs) = (0, 0);
    let mut wrong = Vec::new();
    let printed: Vec<String> =
        intervals.iter().map(|i| client.query_one("SELECT ($1::text)::interval::text", &[i]).unwrap().get(0)).collect();
    for (i, text) in intervals.iter().enumerate() {
        // As declared against as PostgreSQL prints it back.
        let (declared, read) = (format!("x < interval '{text}'"), format!("(x < '{}'::interval)", printed[i]));
        pairs += 1;
        if normalize::same(&declared, &read) {
            agreed += 1;
        } else {
            wrong.push(format!("{declared}  vs  {read}"));
        }
        // Against the next one: same for strata exactly when the server stores them alike.
        let j = (i + 1) % intervals.len();
        let other = format!("x < interval '{}'", intervals[j]);
        pairs += 1;
        if normalize::same(&declared, &other) == (printed[i] == printed[j]) {
            agreed += 1;
        } else {
            wrong.push(format!("{declared}  vs  {other} (server: {} / {})", printed[i], printed[j]));
        }
    }
    eprintln!("normalize: interval constants: {agreed}/{pairs} verdicts agree with PostgreSQL");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
