//! The plan's order across kinds. `create` lists steps kind by kind (types, tables, indexes,
//! functions, views, ...), which suits most schemas; real ones also reach across kinds: a
//! default, CHECK or index expression calls a function, a function's signature names a table's
//! row type, a foreign key needs a unique index. Each step names what it needs, and a step that
//! needs what comes later pulls it (with what that needs) forward to just before itself. So
//! nothing moves unless it must, and a plan already in order is left as it is.
//!
//! A SQL function's body is checked when it is created, so it needs what it reads, too. When
//! that makes a cycle (a table's default calls a function that reads the table), bodies are
//! not checked at creation ([`Step::UncheckedBodies`]), as pg_dump does; a SQL-standard body
//! (`RETURN`, `BEGIN ATOMIC`) is always checked, so what it reads is a need like any other.

use std::collections::HashMap;

use sqlparser::ast::Visit;

use super::Step;
use crate::model::{ColumnType, Expr, ForeignKey, Function, Index, IndexTarget, QName, Scalar, Schema, Table};
use crate::sql::deps::{functions_in, relations_in};

/// What a step makes or reads, as PostgreSQL looks it up. Relations, types and indexes share a
/// namespace of names (`pg_class`, `pg_type`); functions and aggregates have theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Relation,
    Function,
}

/// A need: a name as written (an empty namespace is found on the search path, in any of the
/// schema's namespaces), and whether only a checked function body has it.
struct Need {
    kind: Kind,
    name: QName,
    body: bool,
}

/// `steps` in an order where every step comes after what it needs.
pub(super) fn by_needs<'s>(schema: &'s Schema, steps: Vec<Step<'s>>) -> Vec<Step<'s>> {
    let mut by_name: HashMap<(Kind, &str, &str), Vec<usize>> = HashMap::new();
    let mut by_bare: HashMap<(Kind, &str), Vec<usize>> = HashMap::new();
    for (i, step) in steps.iter().enumerate() {
        for (kind, namespace, name) in made(step) {
            by_name.entry((kind, namespace, name)).or_default().push(i);
            by_bare.entry((kind, name)).or_default().push(i);
        }
    }
    let edges: Vec<Vec<(usize, bool)>> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut out = Vec::new();
            for need in needs(schema, step) {
                let found = if need.name.namespace.is_empty() {
                    by_bare.get(&(need.kind, need.name.name.as_str()))
                } else {
                    by_name.get(&(need.kind, need.name.namespace.as_str(), need.name.name.as_str()))
                };
                out.extend(found.into_iter().flatten().filter(|&&j| j != i).map(|&j| (j, need.body)));
            }
            out
        })
        .collect();
    // A checked body's need on a cycle (a function reading the table whose default calls it)
    // is let go: bodies are then not checked when made.
    let plain: Vec<Vec<usize>> = edges.iter().map(|e| e.iter().map(|&(j, _)| j).collect()).collect();
    let component = super::strongly_connected(&plain);
    let mut unchecked = false;
    let edges: Vec<Vec<usize>> = edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let on_cycle = |&&(j, body): &&(usize, bool)| body && component[i] == component[j];
            unchecked |= e.iter().any(|x| on_cycle(&x));
            e.iter().filter(|x| !on_cycle(x)).map(|&(j, _)| j).collect()
        })
        .collect();
    let order = pull_forward(&edges);
    // A body that reads what the schema does not declare (found on a caller's search path when
    // it runs, W0010) cannot be checked when made either.
    let readable = crate::model::Readable::of(schema);
    unchecked |= steps.iter().any(|step| match step {
        Step::CreateFunction(f) if f.language.eq_ignore_ascii_case("sql") && !f.standard_body() => {
            let read = crate::sql::deps::relations(&f.body).unwrap_or_default();
            read.iter().any(|r| !readable.has(r, f.search_path.as_deref()))
        }
        _ => false,
    });
    let mut slots: Vec<Option<Step<'s>>> = steps.into_iter().map(Some).collect();
    let mut out: Vec<Step<'s>> = Vec::with_capacity(slots.len() + 1);
    if unchecked {
        out.push(Step::UncheckedBodies);
    }
    out.extend(order.into_iter().map(|i| slots[i].take().expect("each step once")));
    out
}

/// Each step in plan order, after the steps it needs that are not placed yet (depth first,
/// without recursion). A need that closes a cycle is left unmet: PostgreSQL will say so.
fn pull_forward(edges: &[Vec<usize>]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Placed,
    }
    let mut state = vec![State::New; edges.len()];
    let mut order = Vec::with_capacity(edges.len());
    for root in 0..edges.len() {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match edges[node].get(*next) {
                Some(&j) => {
                    *next += 1;
                    if state[j] == State::New {
                        state[j] = State::Open;
                        stack.push((j, 0));
                    }
                }
                None => {
                    stack.pop();
                    state[node] = State::Placed;
                    order.push(node);
                }
            }
        }
    }
    order
}

/// What a step makes that another may need.
fn made<'a>(step: &'a Step<'_>) -> Vec<(Kind, &'a str, &'a str)> {
    match step {
        Step::CreateEnum(e) => vec![(Kind::Relation, &e.namespace, &e.name)],
        Step::CreateDomain(d) => vec![(Kind::Relation, &d.namespace, &d.name)],
        Step::CreateComposite(c) => vec![(Kind::Relation, &c.namespace, &c.name)],
        Step::CreateRange(r) => vec![(Kind::Relation, &r.namespace, &r.name)],
        Step::CreateSequence(s) => vec![(Kind::Relation, &s.namespace, &s.name)],
        Step::CreateTable { table, .. } => vec![(Kind::Relation, &table.namespace, &table.name)],
        Step::CreatePartition { partition, .. } => vec![(Kind::Relation, &partition.namespace, &partition.name)],
        Step::CreateView(v) => vec![(Kind::Relation, &v.namespace, &v.name)],
        Step::CreateIndex { on, index } => vec![(Kind::Relation, &on.namespace, &index.name)],
        Step::CreatePartitionIndex { on, name, .. } => vec![(Kind::Relation, &on.namespace, name)],
        Step::CreateFunction(f) => vec![(Kind::Function, &f.namespace, &f.name)],
        Step::CreateAggregate(a) => vec![(Kind::Function, &a.namespace, &a.name)],
        _ => Vec::new(),
    }
}

/// What a step needs made before it, beyond what the plan's order by kind already gives it.
fn needs(schema: &Schema, step: &Step<'_>) -> Vec<Need> {
    let mut needs = Needs(Vec::new());
    match step {
        Step::CreateDomain(d) => {
            needs.calls(d.default.iter().chain(d.checks.iter().map(|c| &c.expr)));
        }
        Step::CreateTable { table, deferred, later_checks } => {
            for c in &table.columns {
                needs.calls(c.default.iter().chain(&c.generated));
                needs.ty(&c.ty);
            }
            let checks = table.checks.iter().enumerate().filter(|(k, _)| !later_checks.contains(k));
            needs.calls(checks.map(|(_, c)| &c.expr));
            for (_, fk) in table.foreign_keys.iter().enumerate().filter(|(k, _)| !deferred.contains(k)) {
                needs.foreign_key(schema, fk);
            }
        }
        Step::CreatePartition { table, partition } => {
            needs.add(Kind::Relation, table.qname(), false);
            needs.calls(partition.checks.iter().filter(|c| !c.not_valid).map(|c| &c.expr));
        }
        Step::AddForeignKey { fk, .. } => needs.foreign_key(schema, fk),
        Step::AddCheck { check, .. } => needs.calls([&check.expr]),
        Step::CreateIndex { index, .. } | Step::CreatePartitionIndex { index, .. } => needs.index(index),
        Step::CreateFunction(f) => needs.function(f),
        Step::CreateAggregate(a) => {
            for f in std::iter::once(&a.sfunc).chain(&a.finalfunc).chain(&a.combinefunc) {
                needs.add(Kind::Function, QName::parse(&f.name.to_lowercase(), ""), false);
            }
        }
        Step::CreateView(v) => {
            if let Ok(statements) =
                sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, &v.query.sql)
            {
                needs.parsed(&statements, false);
            }
        }
        Step::CreateTrigger { trigger, .. } => {
            let f = &trigger.function;
            needs.add(Kind::Function, QName::new(&f.namespace, &f.name), false);
        }
        Step::CreatePolicy { policy, .. } => needs.calls(policy.using.iter().chain(&policy.with_check)),
        _ => {}
    }
    needs.0
}

struct Needs(Vec<Need>);

impl Needs {
    fn add(&mut self, kind: Kind, name: QName, body: bool) {
        self.0.push(Need { kind, name, body });
    }

    /// The functions and relations the expressions read.
    fn calls<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) {
        for e in exprs {
            if let Some(ast) = e.ast() {
                self.parsed(ast, false);
            }
        }
    }

    fn parsed(&mut self, parsed: &impl Visit, body: bool) {
        for f in functions_in(parsed) {
            self.add(Kind::Function, QName::parse(&f, ""), body);
        }
        for r in relations_in(parsed) {
            self.add(Kind::Relation, QName::parse(&r, ""), body);
        }
    }

    fn ty(&mut self, ty: &ColumnType) {
        if let Scalar::Composite(q) | Scalar::Domain(q) | Scalar::Range(q) | Scalar::Enum(q) = ty.scalar() {
            self.add(Kind::Relation, q.clone(), false);
        }
    }

    /// A foreign key needs its table, and the unique index its key is when no constraint is.
    fn foreign_key(&mut self, schema: &Schema, fk: &ForeignKey) {
        self.add(Kind::Relation, QName::new(&fk.ref_table.namespace, &fk.ref_table.name), false);
        if let Some((table, index)) = keyed_by_index(schema, fk) {
            self.add(Kind::Relation, QName::new(&table.namespace, &index.name), false);
        }
    }

    fn index(&mut self, index: &Index) {
        let exprs = index.keys.iter().filter_map(|k| match &k.target {
            IndexTarget::Expr(e) => Some(e),
            IndexTarget::Column(_) => None,
        });
        self.calls(exprs.chain(&index.predicate));
    }

    /// The types a function's signature names, and what its body reads when it is checked.
    fn function(&mut self, f: &Function) {
        for ty in signature_types(f) {
            self.add(Kind::Relation, QName::parse(&ty, ""), false);
        }
        let standard = f.standard_body();
        if !(standard || f.language.eq_ignore_ascii_case("sql")) {
            return;
        }
        let body = if f.atomic_body() {
            // The statements between BEGIN ATOMIC and END.
            let inner = f.body.trim().trim_end_matches(';').trim_end();
            let inner = inner.get(12..inner.len().saturating_sub(3)).unwrap_or("");
            inner.to_string()
        } else if let Some(expr) = f.returned() {
            format!("SELECT {expr}")
        } else {
            f.body.clone()
        };
        if let Ok(statements) = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, &body) {
            self.parsed(&statements, !standard);
        }
    }
}

/// The names of the types a function's arguments and result are of, as written (lower-cased
/// unless quoted), modifiers, array brackets and `SETOF` left out.
fn signature_types(f: &Function) -> Vec<String> {
    let returns = f.returns.trim();
    let mut types: Vec<String> = crate::sql::deps::argument_types(&f.args, f.procedure).unwrap_or_default();
    if !returns.to_ascii_lowercase().starts_with("table") {
        let setof = returns.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("setof "));
        types.push(if setof { returns[6..].to_string() } else { returns.to_string() });
    }
    types
        .iter()
        .map(|t| {
            let t = t.split(['(', '[']).next().unwrap_or("").trim();
            if t.starts_with('"') { t.replace('"', "") } else { t.to_lowercase() }
        })
        .filter(|t| !t.is_empty() && !t.contains(' '))
        .collect()
}

/// The referenced table and its unique index that a foreign key's referenced columns are, when
/// no primary key or unique constraint of that table is (`REFERENCES t (code)` over
/// `CREATE UNIQUE INDEX ON t (code)`).
pub(super) fn keyed_by_index<'s>(schema: &'s Schema, fk: &ForeignKey) -> Option<(&'s Table, &'s Index)> {
    if fk.ref_columns.is_empty() {
        return None;
    }
    let table = schema.table(&fk.ref_table.qname())?;
    let columns: Vec<&str> = fk.ref_columns.iter().map(|c| c.name.as_str()).collect();
    if table.has_key_constraint(&columns) {
        return None;
    }
    table.unique_index_over(&columns).map(|i| (table, i))
}
