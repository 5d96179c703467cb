//! Every table of every system through its generated helpers, against a live PostgreSQL: a
//! valid row built from the model is inserted, read back equal, updated, soft-deleted and
//! restored where declared, and deleted. Statements go through one caching `strata::Client`.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::TestDb;
use strata::{Table, table};
use strata_codegen::io;
use strata_codegen::model::Schema;
use strata_codegen::render::sql::qualified;

struct Crud {
    db: strata::Client,
    schema: Schema,
    skipped: Vec<String>,
    system: &'static str,
    /// Tables that went through every step, and tables without a primary key (insert and count only).
    done: Vec<String>,
    keyless: Vec<String>,
    left_out: Vec<String>,
}

impl strata::Visit for Crud {
    fn visit<T: Table>(&mut self) {
        let Some(table) = self.schema.tables.iter().find(|t| qualified(&t.namespace, &t.name) == T::TABLE).cloned()
        else {
            panic!("{}: {} is not in the model", self.system, T::TABLE)
        };
        let name = format!("{}.{}", self.system, table.name);
        if self.skipped.iter().any(|s| s.starts_with(&format!("column {}.", table.name))) {
            strata::testing::skipped(format_args!("{name}: its generated struct has a column the server cannot hold"));
            self.left_out.push(table.name.clone());
            return;
        }
        let db = &mut self.db;
        let query = support::row_query(db, &self.schema, &table, T::COLUMNS);
        let built = T::from_row(&db.query_one(&query, &[]).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut tx = strata::Conn::transaction(db).unwrap();
        let keyed = match cycle::<T>(&mut tx, &name, &built.to_new()) {
            Err(e @ (strata::Error::Db(_) | strata::Error::Constraint(_))) if !table.rows.is_empty() => {
                // Seed rows may fill the unique keys (one row per plan type): a seed row then
                // goes round instead, in a transaction that is rolled back.
                eprintln!("{name}: {e}; a seed row goes round instead");
                drop(tx);
                let mut tx = strata::Conn::transaction(db).unwrap();
                let sql = format!("SELECT {} FROM {} LIMIT 1", T::COLUMNS, T::TABLE);
                let seed: T = table::opt(&mut tx, &sql, &[]).unwrap().unwrap();
                assert_eq!(table::delete::<T>(&mut tx, &seed.key()).unwrap(), 1, "{name}: delete the seed row");
                cycle::<T>(&mut tx, &name, &seed.to_new()).unwrap_or_else(|e| panic!("{name}: {e}"))
            }
            Err(e) => panic!("{name}: {e}"),
            Ok(keyed) => {
                strata::Tx::commit(tx).unwrap();
                keyed
            }
        };
        for c in table.columns.iter().filter(|c| c.sensitive) {
            let shown = format!("{built:?}");
            assert!(shown.contains(&format!("{}: [redacted]", c.name)), "{name}: {shown}");
        }
        if keyed { &mut self.done } else { &mut self.keyless }.push(table.name.clone());
    }
}

/// Inserts `new`, reads it back, updates it with every column, soft-deletes and restores it where
/// declared, and deletes it; `false` when the table has no primary key (insert and count only).
fn cycle<T: Table>(db: &mut impl strata::Conn, name: &str, new: &T::New) -> Result<bool, strata::Error> {
    let inserted = table::insert::<T>(db, new)?;
    // Generated columns are computed on insert: compare what was given.
    assert_eq!(&inserted.to_new(), new, "{name}: inserted row");
    if T::KEY.is_empty() {
        assert!(table::count::<T>(db)? >= 1, "{name}");
        return Ok(false);
    }
    assert_eq!(table::reload(db, &inserted)?.as_ref(), Some(&inserted), "{name}: read back");
    let key = inserted.key();
    let updated = table::update::<T>(db, &key, &inserted.to_patch())?.expect("the row to update");
    assert_eq!(table::reload(db, &updated)?.as_ref(), Some(&updated), "{name}: read back after update");
    if T::SOFT_DELETE.is_some() {
        assert!(table::mark_deleted::<T>(db, &key, true)?, "{name}: soft delete");
        assert_eq!(table::get::<T>(db, &key)?, None, "{name}: soft-deleted rows are hidden");
        assert!(table::mark_deleted::<T>(db, &key, false)?, "{name}: restore");
        assert!(table::get::<T>(db, &key)?.is_some(), "{name}: restored");
    }
    assert_eq!(table::delete::<T>(db, &key)?, 1, "{name}: delete");
    assert_eq!(table::get::<T>(db, &key)?, None, "{name}: deleted");
    Ok(true)
}

fn crud(system: &'static str, visit: fn(&mut Crud)) {
    let declared = io::compile_folder(&Path::new("../schema").join(system)).unwrap().schema.unwrap();
    let test_db = TestDb::new();
    let mut client = test_db.client();
    let (schema, skipped) = support::apply(&mut client, &declared);
    let mut crud = Crud {
        db: strata::Client::new(client),
        schema,
        skipped,
        system,
        done: Vec::new(),
        keyless: Vec::new(),
        left_out: Vec::new(),
    };
    visit(&mut crud);
    let tables = crud.schema.tables.len();
    eprintln!(
        "{system}: {} of {tables} tables inserted, read back, updated and deleted through generated helpers; \
         keyless (insert + count): {:?}; {} statements prepared once",
        crud.done.len(),
        crud.keyless,
        crud.db.cached_statements()
    );
    assert_eq!(crud.done.len() + crud.keyless.len() + crud.left_out.len(), tables, "every table visited");
    assert!(!crud.done.is_empty());
}

#[test]
fn agentflow() {
    crud("agentflow", strata_generated::agentflow::visit_tables);
}

#[test]
fn agentic() {
    crud("agentic", strata_generated::agentic::visit_tables);
}

#[test]
fn agentworks() {
    crud("agentworks", strata_generated::agentworks::visit_tables);
}

#[test]
fn aiplatform() {
    crud("aiplatform", strata_generated::aiplatform::visit_tables);
}

#[test]
fn autosdlc() {
    crud("autosdlc", strata_generated::autosdlc::visit_tables);
}

#[test]
fn kinds() {
    crud("kinds", strata_generated::kinds::visit_tables);
}
