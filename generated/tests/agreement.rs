//! validate() and PostgreSQL agree, on every table of every system: random insert rows near every
//! boundary (lengths n and n+1, multi-byte and trailing-space text, range and precision edges
//! with rounding, each union value, NULLs, CHECK edges) are judged by the generated validate()
//! and by the database (an INSERT in a transaction that is rolled back, on the synchronous and
//! the async executor in turn). On every row where both
//! enforce the rule at stake, the verdicts must be the same; a disagreement fails with the row.
//!
//! Each row is a valid row built from the model with one to three columns replaced by
//! candidates from that column's boundary pool (proptest picks and shrinks).

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use strata::testing::{Body, Exec, Executor, TestDb};
use strata::{Table, Validate, table};
use strata_codegen::model::{ColumnType, EnumRepr, Scalar, Schema, Table as Model};
use strata_codegen::render::rust::{checks_in_rust, domain_checks_in_rust};
use strata_codegen::render::sql::{literal, qualified};

/// Rows tried per table.
const ROWS: u32 = 120;

/// Rules only the application checks: PostgreSQL has no verdict on them.
const APP_ONLY: [&str; 2] = ["email", "url"];

#[derive(Default)]
struct Counts {
    tried: u64,
    both_accept: u64,
    both_reject: u64,
    /// Rejected by PostgreSQL for something validate() does not check (a unique key, a foreign
    /// key, a CHECK it cannot translate), or not representable in the Rust type.
    not_comparable: u64,
    rules: BTreeSet<String>,
}

struct Agreement {
    db: strata::Client,
    /// What judges each row's insert: every executor in turn, row by row.
    executors: Vec<Executor>,
    schema: Schema,
    skipped: Vec<String>,
    counts: Counts,
}

impl strata::Visit for Agreement {
    fn visit<T: Table>(&mut self) {
        let model = self.schema.tables.iter().find(|t| qualified(&t.namespace, &t.name) == T::TABLE).cloned().unwrap();
        if self.skipped.iter().any(|s| s.starts_with(&format!("column {}.", model.name))) {
            return;
        }
        let base = support::row_exprs(&mut self.db, &self.schema, &model);
        let pools: Vec<Vec<String>> =
            model.columns.iter().zip(&base).map(|(c, b)| pool(&self.schema, &model, c, b)).collect();
        let in_rust: Vec<String> =
            checks_in_rust(&model).into_iter().chain(domain_checks_in_rust(&self.schema)).map(str::to_string).collect();
        let picks = proptest::collection::vec((0..model.columns.len(), any::<prop::sample::Index>()), 1..=3);
        // A fixed seed: CI sees the same rows every run (change it to explore others).
        let config = Config { cases: ROWS, failure_persistence: None, ..Config::default() };
        let rng = proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let this = std::cell::RefCell::new(&mut *self);
        let result = runner.run(&picks, |picks| {
            let mut this = this.borrow_mut();
            let mut exprs = base.clone();
            for (column, index) in &picks {
                if model.columns[*column].generated.is_none() {
                    exprs[*column] = index.get(&pools[*column]).clone();
                }
            }
            let row = describe(&model, &exprs);
            this.counts.tried += 1;
            let query = support::select_row(&this.schema, &model, &exprs, T::COLUMNS);
            let built =
                match this.db.query_one(&query, &[]).map_err(strata::Error::Db).and_then(|r| Ok(T::from_row(&r)?)) {
                    Ok(built) => built,
                    Err(_) => {
                        this.counts.not_comparable += 1;
                        return Ok(());
                    }
                };
            let new = built.to_new();
            let ours: Vec<String> = match new.validate() {
                Ok(()) => Vec::new(),
                Err(v) => {
                    // A failed CHECK counts under its name: `check amount_not_negative`.
                    v.0.iter()
                        .filter(|v| !APP_ONLY.contains(&v.rule))
                        .map(|v| {
                            format!(
                                "{} {}{}",
                                v.field,
                                v.rule,
                                v.constraint.map(|c| format!(" {c}")).unwrap_or_default()
                            )
                        })
                        .collect()
                }
            };
            let turn = this.counts.tried as usize % this.executors.len();
            let theirs = this.executors[turn].run(Verdict::<T> { new: &new });
            let counts = &mut this.counts;
            match (ours.is_empty(), theirs) {
                (true, Ok(_)) => counts.both_accept += 1,
                (false, Err(e)) if is_rule(&e) => {
                    counts.both_reject += 1;
                    counts
                        .rules
                        .extend(ours.iter().map(|r| r.split_once(' ').map_or(r.clone(), |(_, rule)| rule.to_string())));
                }
                (true, Err(e)) if is_rule(&e) && enforced_in_rust(&e, &in_rust) => {
                    return Err(TestCaseError::fail(format!("PostgreSQL rejects, validate() accepts: {e:?}\n{row}")));
                }
                (_, Err(_)) => counts.not_comparable += 1,
                (false, Ok(_)) => {
                    return Err(TestCaseError::fail(format!(
                        "validate() rejects ({}), PostgreSQL accepts\n{row}",
                        ours.join(", ")
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{}: {e}", model.name);
        }
    }
}

/// Whether PostgreSQL rejected the row for breaking a rule on its values (as opposed to a key).
fn is_rule(e: &strata::Error) -> bool {
    // string too long, numeric out of range, check violation, not-null violation, invalid value
    e.postgres()
        .and_then(|e| e.code())
        .is_some_and(|c| ["22001", "22003", "23514", "23502", "22P02"].contains(&c.code()))
}

/// PostgreSQL's verdict on inserting `new` as it is, in a transaction that is rolled back.
struct Verdict<'a, T: Table> {
    new: &'a T::New,
}

impl<T: Table> Body for Verdict<'_, T> {
    type Out = Result<T, strata::Error>;

    async fn run<E: Exec>(self, db: &mut E) -> Result<T, strata::Error> {
        let mut tx = db.begin().await?;
        tx.go(table::insert_unvalidated::<T>(self.new)).await
    }
}

/// Whether the rule PostgreSQL reports is one validate() also checks.
fn enforced_in_rust(e: &strata::Error, in_rust: &[String]) -> bool {
    match e.postgres().and_then(|e| e.as_db_error()) {
        Some(db) if db.code().code() == "23514" => db.constraint().is_some_and(|c| in_rust.iter().any(|r| r == c)),
        Some(_) => true,
        None => false,
    }
}

fn describe(model: &Model, exprs: &[String]) -> String {
    let cols: Vec<String> = model.columns.iter().zip(exprs).map(|(c, e)| format!("  {} = {e}", c.name)).collect();
    format!("{}:\n{}", model.name, cols.join("\n"))
}

/// Text of `len` characters from `alphabet`.
fn text(len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    (0..len).map(|i| chars[(i * 7) % chars.len()]).collect()
}

/// Boundary candidates for one column, as SQL expressions; the valid base value among them.
fn pool(schema: &Schema, model: &Model, c: &strata_codegen::model::Column, base: &str) -> Vec<String> {
    let mut pool = vec![base.to_string()];
    if c.nullable {
        pool.push("NULL".into());
    }
    let in_check = model.checks.iter().any(|k| k.expr.sql.contains(&c.name));
    // A domain column's candidates are its base type's, near its own CHECKs' edges too.
    let ColumnType::Scalar(scalar) = &schema.base_type(&c.ty) else { return pool };
    match scalar {
        Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_) => {
            let max = match scalar {
                Scalar::Varchar(Some(n)) | Scalar::Char(Some(n)) => Some(*n as usize),
                _ => None,
            };
            let min = c.rules.min_length.unwrap_or(0) as usize;
            let mut lengths = vec![0, 1, min.saturating_sub(1), min, min + 1];
            if let Some(n) = max {
                lengths.extend([n - 1, n, n + 1, n + 2]);
            }
            for len in lengths {
                for alphabet in ["abc-0123456789", "ABC xyz!", "é日-a"] {
                    pool.push(literal(&text(len, alphabet)));
                }
            }
            if let Some(n) = max {
                // Excess trailing spaces are cut, not an error.
                pool.push(literal(&format!("{}  ", text(n, "abc"))));
                pool.push(literal(&format!("{} x", text(n, "abc"))));
            }
        }
        Scalar::Numeric(precision) => {
            let scale = precision.and_then(|(_, s)| s).unwrap_or(0) as i32;
            let step = format!("1e{}", -scale);
            let mut edges = vec!["0".to_string(), step.clone(), format!("-{step}")];
            if let Some((p, _)) = precision {
                let digits = *p as i32 - scale;
                if digits <= 27 {
                    let limit = format!("1e{digits}");
                    edges.extend([
                        format!("({limit} - {step})"),
                        limit.clone(),
                        format!("({limit} - {step} * 0.6)"),
                        format!("({limit} - {step} * 0.4)"),
                        format!("-({limit} - {step})"),
                    ]);
                }
            }
            range_edges(c, &step, &mut edges);
            pool.extend(edges.into_iter().map(|e| format!("{e}::numeric")));
        }
        Scalar::SmallInt | Scalar::Integer | Scalar::BigInt => {
            let mut edges = vec!["0".to_string(), "-1".into(), "1".into()];
            range_edges(c, "1", &mut edges);
            pool.extend(edges);
        }
        Scalar::Real | Scalar::Double => {
            let mut edges = vec!["0".to_string(), "-1".into()];
            range_edges(c, "0.001", &mut edges);
            pool.extend(edges);
        }
        Scalar::Boolean => pool.extend(["true".into(), "false".into()]),
        Scalar::Enum(name) => {
            let e = schema.enum_(name).unwrap();
            for v in &e.values {
                pool.push(match e.repr {
                    EnumRepr::Check { .. } => literal(v),
                    EnumRepr::Type => format!("{}::{}", literal(v), qualified(&name.namespace, &name.name)),
                });
            }
        }
        Scalar::Date | Scalar::Timestamp | Scalar::Timestamptz if in_check => {
            pool.extend([format!("({base}) + interval '1 day'"), format!("({base}) - interval '1 day'")]);
        }
        _ => {}
    }
    pool
}

/// A declared range's bounds, one step outside, and half a step outside (rounding).
fn range_edges(c: &strata_codegen::model::Column, step: &str, edges: &mut Vec<String>) {
    let Some(range) = &c.rules.range else { return };
    for (bound, sign) in [(&range.min, "-"), (&range.max, "+")] {
        if let Some(b) = bound {
            edges.extend([format!("({b})"), format!("({b} {sign} {step})"), format!("({b} {sign} {step} * 0.5)")]);
        }
    }
}

fn agree(system: &str, visit: fn(&mut Agreement)) {
    let declared = strata_codegen::io::compile_folder(&Path::new("../schema").join(system)).unwrap().schema.unwrap();
    let test_db = TestDb::new();
    let mut client = test_db.client();
    let (schema, skipped) = support::apply(&mut client, &declared);
    let executors = Executor::all(&test_db);
    let mut a = Agreement { db: strata::Client::new(client), executors, schema, skipped, counts: Counts::default() };
    visit(&mut a);
    let c = &a.counts;
    let compared = c.both_accept + c.both_reject;
    eprintln!(
        "{system}: {} rows tried, {compared} compared, all agreed ({} accepted by both, {} rejected by both), \
         {} not comparable; rules seen rejected by both: {:?}",
        c.tried, c.both_accept, c.both_reject, c.not_comparable, c.rules
    );
    assert!(c.both_accept > 0 && c.both_reject > 0, "{system}: both verdicts occur");
}

#[test]
fn agentflow() {
    agree("agentflow", strata_generated::agentflow::visit_tables);
}

#[test]
fn agentic() {
    agree("agentic", strata_generated::agentic::visit_tables);
}

#[test]
fn agentworks() {
    agree("agentworks", strata_generated::agentworks::visit_tables);
}

#[test]
fn aiplatform() {
    agree("aiplatform", strata_generated::aiplatform::visit_tables);
}

#[test]
fn autosdlc() {
    agree("autosdlc", strata_generated::autosdlc::visit_tables);
}

#[test]
fn kinds() {
    agree("kinds", strata_generated::kinds::visit_tables);
}
