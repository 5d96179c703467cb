//! Every table of every system through its generated helpers, against a live PostgreSQL: a
//! valid row built from the model is inserted, read back equal, updated, soft-deleted and
//! restored where declared, and deleted: once on a caching `strata::Client`, once on an async
//! deadpool-postgres connection, from one test body (`strata::testing::Body`).

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::Path;

use strata::testing::{Body, Exec, Executor, TestDb};
use strata::{Table, table};
use strata_codegen::io;
use strata_codegen::model::Schema;
use strata_codegen::render::sql::qualified;

struct Crud {
    executor: Executor,
    /// Builds each table's row (`support::row_query` asks the server for values).
    client: postgres::Client,
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
        let name = format!("{}.{} ({})", self.system, table.name, self.executor.name());
        if self.skipped.iter().any(|s| s.starts_with(&format!("column {}.", table.name))) {
            strata::testing::skipped(format_args!("{name}: its generated struct has a column the server cannot hold"));
            self.left_out.push(table.name.clone());
            return;
        }
        let sql = support::row_query(&mut self.client, &self.schema, &table, T::COLUMNS);
        let built: T = self.executor.run(Built { sql, name: &name, row: std::marker::PhantomData });
        let keyed = self.executor.run(Round { name: &name, built: &built, seeded: !table.rows.is_empty() });
        for c in table.columns.iter().filter(|c| c.sensitive) {
            let shown = format!("{built:?}");
            assert!(shown.contains(&format!("{}: [redacted]", c.name)), "{name}: {shown}");
        }
        if keyed { &mut self.done } else { &mut self.keyless }.push(table.name.clone());
    }
}

/// A valid row built from the model: what `sql` (`support::row_query`) selects.
struct Built<'a, T> {
    sql: String,
    name: &'a str,
    row: std::marker::PhantomData<T>,
}

impl<T: Table> Body for Built<'_, T> {
    type Out = T;

    async fn run<E: Exec>(self, db: &mut E) -> T {
        let name = self.name;
        db.go(table::opt::<T>(self.sql, vec![])).await.unwrap_or_else(|e| panic!("{name}: {e}")).expect("a row")
    }
}

/// One row through every helper, in a transaction that is rolled back.
struct Round<'a, T> {
    name: &'a str,
    built: &'a T,
    /// Whether the table has seed rows: they may fill the unique keys (one row per plan type),
    /// and a seed row then goes round instead.
    seeded: bool,
}

impl<T: Table> Body for Round<'_, T> {
    type Out = bool;

    async fn run<E: Exec>(self, db: &mut E) -> bool {
        let name = self.name;
        let mut tx = db.begin().await.unwrap();
        match cycle::<T, _>(&mut tx, name, &self.built.to_new()).await {
            Err(e @ (strata::Error::Db(_) | strata::Error::Constraint(_))) if self.seeded => {
                eprintln!("{name}: {e}; a seed row goes round instead");
                drop(tx);
                let mut tx = db.begin().await.unwrap();
                let sql = format!("SELECT {} FROM {} LIMIT 1", T::COLUMNS, T::TABLE);
                let seed: T = tx.go(table::opt::<T>(sql, vec![])).await.unwrap().unwrap();
                assert_eq!(tx.go(table::delete::<T>(seed.key())).await.unwrap(), 1, "{name}: delete the seed row");
                cycle::<T, _>(&mut tx, name, &seed.to_new()).await.unwrap_or_else(|e| panic!("{name}: {e}"))
            }
            Err(e) => panic!("{name}: {e}"),
            // Rolled back: each executor starts from the same rows.
            Ok(keyed) => keyed,
        }
    }
}

/// Inserts `new`, reads it back, updates it with every column, soft-deletes and restores it where
/// declared, and deletes it; `false` when the table has no primary key (insert and count only).
async fn cycle<T: Table, E: Exec>(db: &mut E, name: &str, new: &T::New) -> Result<bool, strata::Error> {
    let inserted = db.go(table::insert::<T>(new)).await?;
    // Generated columns are computed on insert: compare what was given.
    assert_eq!(&inserted.to_new(), new, "{name}: inserted row");
    if T::KEY.is_empty() {
        assert!(db.go(table::count::<T>()).await? >= 1, "{name}");
        return Ok(false);
    }
    assert_eq!(db.go(table::reload(&inserted)).await?.as_ref(), Some(&inserted), "{name}: read back");
    let key = inserted.key();
    let patch = inserted.to_patch();
    let updated = db.go(table::update::<T>(key.clone(), &patch)).await?.expect("the row to update");
    assert_eq!(db.go(table::reload(&updated)).await?.as_ref(), Some(&updated), "{name}: read back after update");
    if T::SOFT_DELETE.is_some() {
        assert!(db.go(table::mark_deleted::<T>(key.clone(), true)).await?, "{name}: soft delete");
        assert_eq!(db.go(table::get::<T>(key.clone())).await?, None, "{name}: soft-deleted rows are hidden");
        assert!(db.go(table::mark_deleted::<T>(key.clone(), false)).await?, "{name}: restore");
        assert!(db.go(table::get::<T>(key.clone())).await?.is_some(), "{name}: restored");
    }
    // Upsert on every key the row can be upserted on, each in a savepoint. A key finds the row
    // unless the row is outside it: a partial key's predicate does not hold, or a key column is
    // NULL (NULLs never collide); the insert then fails on another key. One key at least finds it.
    let before = db.go(table::count::<T>()).await?;
    let again = inserted.to_new();
    let mut found = 0;
    for k in T::KEYS {
        let mut savepoint = db.begin().await?;
        match savepoint.go(table::upsert::<T>(&again, k)).await {
            Ok(upserted) => {
                let read = savepoint.go(table::reload(&upserted)).await?;
                assert_eq!(read.as_ref(), Some(&upserted), "{name}: upsert on {}", k.target);
                assert_eq!(savepoint.go(table::count::<T>()).await?, before, "{name}: upsert on {}", k.target);
                savepoint.commit().await?;
                found += 1;
            }
            Err(strata::Error::Constraint(c)) if c.kind == "unique" => {}
            Err(e) => return Err(e),
        }
    }
    assert!(T::KEYS.is_empty() || found > 0, "{name}: no upsert found the row");
    assert_eq!(db.go(table::delete::<T>(key.clone())).await?, 1, "{name}: delete");
    assert_eq!(db.go(table::get::<T>(key)).await?, None, "{name}: deleted");
    // A batch of one, then a batch whose second row repeats the first's keys: all or nothing.
    assert_eq!(db.go(table::insert_many::<T>(std::slice::from_ref(&again))).await?, 1, "{name}: batch insert");
    assert_eq!(db.go(table::count::<T>()).await?, before, "{name}: batch inserted");
    if found > 0 {
        let twice = [again, inserted.to_new()];
        let refused = db.go(table::insert_many::<T>(&twice)).await;
        assert!(matches!(refused, Err(strata::Error::Constraint(_))), "{name}: a batch repeating a key: {refused:?}");
        assert_eq!(db.go(table::count::<T>()).await?, before, "{name}: the refused batch wrote nothing");
    }
    Ok(true)
}

/// Every table of `system` through every executor, each on its own connection.
fn crud(system: &'static str, visit: fn(&mut Crud)) {
    let declared = io::compile_folder(&Path::new("../schema").join(system)).unwrap().schema.unwrap();
    let test_db = TestDb::new();
    let mut client = test_db.client();
    let (schema, skipped) = support::apply(&mut client, &declared);
    for executor in Executor::all(&test_db) {
        let mut crud = Crud {
            executor,
            client: test_db.client(),
            schema: schema.clone(),
            skipped: skipped.clone(),
            system,
            done: Vec::new(),
            keyless: Vec::new(),
            left_out: Vec::new(),
        };
        visit(&mut crud);
        let tables = crud.schema.tables.len();
        eprintln!(
            "{system} ({}): {} of {tables} tables inserted, read back, updated and deleted through generated helpers; \
             keyless (insert + count): {:?}",
            crud.executor.name(),
            crud.done.len(),
            crud.keyless,
        );
        assert_eq!(crud.done.len() + crud.keyless.len() + crud.left_out.len(), tables, "every table visited");
        assert!(!crud.done.is_empty());
    }
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
