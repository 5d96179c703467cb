//! The live source against the declarations: every system is generated, applied to a live
//! server, read back by `source::live::introspect` (a fixed number of catalog queries), and each
//! object kind the live source reads must come back as declared. Per kind, matched/total counts
//! are printed; a deliberate drift made by hand (a column added, an index dropped, a foreign
//! key made NOT DEFERRABLE, a policy's USING changed) is read back as exactly that drift.

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;

use strata::live::PgCatalog;
use strata::testing::TestDb;
use strata_codegen::model::Schema;
use strata_codegen::{io, source::live, verify};

fn introspect(client: &mut postgres::Client, schema: &Schema) -> Schema {
    let namespaces = live::namespaces_of(schema);
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    live::introspect(&mut PgCatalog(client), &schema.name, &namespaces).unwrap()
}

#[test]
fn every_system_reads_back_as_declared() {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut drift = Vec::new();
    let mut by_server = verify::Settled::default();
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let compiled = io::compile_folder(&dir).unwrap();
        let declared = compiled.schema.expect("schema has errors");
        let db = TestDb::new();
        let mut client = db.client();
        let (mut schema, _) = support::apply(&mut client, &declared);
        let read = introspect(&mut client, &schema);
        let settled = verify::settle(&mut PgCatalog(&mut client), &mut schema, &read);
        by_server.defaults += settled.defaults;
        by_server.checks += settled.checks;
        by_server.views += settled.views;
        by_server.bounds += settled.bounds;
        let differences = verify::differences(&schema, &read);
        for fact in verify::facts(&schema) {
            let entry = counts.entry(fact.kind).or_default();
            entry.1 += 1;
            if !differences.iter().any(|d| d.kind == fact.kind && d.name == fact.name) {
                entry.0 += 1;
            }
        }
        if !differences.is_empty() {
            drift.push(format!("{}:\n{}", schema.name, verify::render(&differences, &compiled.sources)));
        }
    }
    for (kind, (matched, total)) in &counts {
        eprintln!("introspect: {kind}: {matched}/{total} read back as declared");
    }
    let verify::Settled { defaults, checks, views, bounds } = by_server;
    eprintln!(
        "introspect: {defaults} default(s), {checks} check(s), {views} view(s) and {bounds} partition bound(s) equal by the server only"
    );
    assert!(drift.is_empty(), "{}", drift.join("\n"));
}

/// Each drift of the issue, made by hand on an applied schema, is reported as exactly that
/// drift, naming the declaration; the report is the snapshot.
#[test]
fn a_change_made_by_hand_is_reported_as_that_change() {
    let compiled = io::compile_folder(Path::new("schema/kinds")).unwrap();
    let declared = compiled.schema.unwrap();
    let db = TestDb::new();
    let mut client = db.client();
    let (mut schema, _) = support::apply(&mut client, &declared);
    client
        .batch_execute(
            "ALTER TABLE accounts ADD COLUMN nickname text; DROP INDEX ledger.entries_account_idx; \
             ALTER TABLE transfers ALTER CONSTRAINT transfers_account_id_fkey NOT DEFERRABLE; \
             ALTER POLICY notes_own_rows ON notes USING (owner = session_user); \
             ALTER TABLE stock_moves DISABLE TRIGGER stock_moves_qty_changed",
        )
        .unwrap();
    let read = introspect(&mut client, &schema);
    verify::settle(&mut PgCatalog(&mut client), &mut schema, &read);
    insta::assert_snapshot!(verify::render(&verify::differences(&schema, &read), &compiled.sources));
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
