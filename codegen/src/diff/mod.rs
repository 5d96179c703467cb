//! The differ: the changes that turn one schema into another, in the plan's vocabulary.
//!
//! Creating is diffing from nothing: `diff(empty, schema)` is exactly the plan that creates the
//! schema, and every later migration is made of the same steps. What the new schema's plan
//! creates that the old one lacks is created in the new plan's order; what the old plan created
//! that the new one lacks is undone in the reverse of the old plan's order (so foreign keys go
//! before their tables, views before what they read); a table both have is altered in place.
//! An object whose definition changed is dropped and created again, unless PostgreSQL can
//! change it where it stands (a comment, a function's body, a union type's new value).

mod casts;
mod decide;
mod describe;
mod hazards;
mod keys;
mod renames;
mod tables;

use std::collections::{HashMap, HashSet};

pub use casts::castable;
pub use decide::{Build, Decided, decide};
pub use hazards::{Hazard, hazards, runs_alone};
pub use keys::Key;
pub use renames::{Rename, renamed};
pub use tables::{TableChange, TableDiff};

use crate::model::{Column, Enum, EnumRepr, GrantOn, PartitionBound, QName, Scalar, Schema, Table};
use crate::plan::{self, Step};
use crate::render::sql::{step_sql, undo_sql};

/// One change, rendered as one statement.
#[derive(Debug, Clone)]
pub enum Change<'s> {
    /// A step of the new schema's plan.
    Create(Step<'s>),
    /// A step of the old schema's plan, undone.
    Drop(Step<'s>),
    /// An ALTER TABLE action on a table both schemas have.
    Alter { table: &'s Table, change: TableChange<'s> },
    /// `ALTER TYPE ... ADD VALUE`, before the value that follows it (at the end: none).
    AddEnumValue { enum_: &'s Enum, value: &'s str, before: Option<&'s str> },
    /// A union type that loses or reorders values: PostgreSQL cannot remove one, so a new type
    /// takes the old one's place under `columns` (of tables both schemas have), cast through text.
    ReplaceEnum { old: &'s Enum, new: &'s Enum, columns: Vec<(&'s Table, &'s Column)> },
    /// A table or column renamed (from a `renamed_from` hint), before everything else.
    Rename(Rename),
    /// A partition's copy of an index added to its partitioned parent `parent` (`of`), built on
    /// its own before it is attached (`decide`).
    PartitionIndex { on: QName, index: Box<crate::model::Index>, parent: QName, of: &'s crate::model::Index },
    /// A partition's index attached to its parent's, which is valid once every one is.
    AttachIndex { parent: QName, index: QName },
    /// The unique index of a key added to a table that has rows, built CONCURRENTLY under the
    /// key's name; `ADD CONSTRAINT ... USING INDEX` then takes it over (`Build::UsingIndex`).
    KeyIndex { table: &'s Table, key: crate::render::sql::Constraint<'s> },
}

/// The changes from `old` to `new`, in the order they must run, without renames: see
/// `migrations::statements`, which makes the renames first and diffs from the renamed model.
pub fn diff<'s>(old: &'s Schema, new: &'s Schema) -> Vec<Change<'s>> {
    let old_steps = plan::create(old);
    let new_steps = plan::create(new);
    let old_keys: Vec<Option<Key>> = old_steps.iter().map(|s| keys::key(old, s)).collect();
    let new_keys: Vec<Option<Key>> = new_steps.iter().map(|s| keys::key(new, s)).collect();
    let old_at: HashMap<&Key, usize> =
        old_keys.iter().enumerate().filter_map(|(i, k)| Some((k.as_ref()?, i))).collect();
    let new_at: HashMap<&Key, usize> =
        new_keys.iter().enumerate().filter_map(|(i, k)| Some((k.as_ref()?, i))).collect();

    // Tables both schemas have, and how each changes.
    let old_tables: HashMap<(&str, &str), &Table> = old.tables.iter().map(|t| (at(t), t)).collect();
    let mut altered: HashMap<(&str, &str), TableDiff> = HashMap::new();
    for t in &new.tables {
        if let Some(o) = old_tables.get(&at(t)) {
            altered.insert(at(t), tables::diff(old, o, new, t));
        }
    }
    // Union types replaced under their columns: PostgreSQL would rebuild what reads a column
    // with a constant of the old type (`operator does not exist: state <> state__strata_old`),
    // so the CHECKs reading it are taken off and put back, its table's views and policies are
    // rebuilt around it (reshaped), and so are its partial and expression indexes and its
    // triggers' WHEN (below), all in the swap's transaction.
    let swapped = swapped_columns(old, new);
    let replaced = replaced_enums(old, new);
    let swapped_tables: HashSet<(&str, &str)> = swapped.iter().map(|(t, _)| at(t)).collect();
    for (t, c) in &swapped {
        if let (Some(d), Some(o)) = (altered.get_mut(&at(t)), old_tables.get(&at(t))) {
            tables::around_swap(o, t, c, d);
        }
    }
    let in_place = |q: (&str, &str)| altered.get(&q).is_some_and(|d| !d.recreate);
    // A table altered in place owns its constraints: they change with it, not as steps.
    let table_owned = |step: &Step| match step {
        Step::CreateTable { table, .. } => in_place(at(table)),
        Step::AddForeignKey { on, .. } | Step::AddCheck { on, .. } => in_place((&on.namespace, &on.name)),
        _ => false,
    };
    // Partitions of a table some tool keeps (strata's upkeep, pg_partman, the application) come
    // and go at run time: those only one side has are left alone, with the grants naming only
    // them (a database's `ON ALL TABLES` reaches its partitions), unless a DEFAULT is declared.
    let (alone, children) = left_alone(old, new);
    let left_alone = |s: &Step| match s {
        Step::CreatePartition { partition, .. } => alone.contains(&(&partition.namespace, &partition.name)),
        Step::Grant(g) => match &g.on {
            GrantOn::Tables(names) => names.iter().all(|r| children.contains(&(&r.namespace, &r.name))),
            _ => false,
        },
        _ => false,
    };
    // The altered tables' changes of one kind, in the new schema's table order.
    let of_altered = |pick: for<'d> fn(&'d TableDiff<'s>) -> &'d Vec<TableChange<'s>>| -> Vec<Change<'s>> {
        let mut changes = Vec::new();
        for t in &new.tables {
            let Some(d) = altered.get(&at(t)).filter(|d| !d.recreate) else { continue };
            changes.extend(pick(d).iter().map(|c| Change::Alter { table: t, change: c.clone() }));
        }
        changes
    };

    // What the old plan made that must go: gone from the new one, changed beyond altering,
    // or inside or built on something that goes.
    let mut gone: HashSet<Key> = HashSet::new();
    let mut reshaped: HashMap<Key, &[&str]> = HashMap::new();
    for (&(namespace, name), d) in &altered {
        gone.extend(d.gone.iter().cloned());
        if d.recreate {
            gone.insert(Key::table(&QName::new(namespace, name)));
        } else if !d.reshaped.is_empty() {
            reshaped.insert(Key::table(&QName::new(namespace, name)), &d.reshaped);
        }
    }
    let mut reemit: HashSet<usize> = HashSet::new();
    // Union types replaced under their columns: what is given on them is given again.
    let mut renewed: HashSet<Key> = HashSet::new();
    for (i, step) in old_steps.iter().enumerate() {
        let Some(key) = &old_keys[i] else { continue };
        if table_owned(step) {
            continue;
        }
        if let (Step::CreateEnum(o), Some(Step::CreateEnum(n))) = (step, new_at.get(key).map(|&j| &new_steps[j]))
            && o.repr == EnumRepr::Type
            && n.repr == EnumRepr::Type
            && !is_extension(&o.values, &n.values)
        {
            renewed.insert(key.clone());
        }
        match new_at.get(key) {
            None if left_alone(step) => {}
            None => {
                gone.insert(key.clone());
            }
            Some(&j) => match compare(old, step, new, &new_steps[j]) {
                Same::Yes => {}
                Same::Reemit => {
                    reemit.insert(j);
                }
                Same::No => {
                    gone.insert(key.clone());
                }
            },
        }
        let on_swapped = |on: &QName| swapped_tables.contains(&(on.namespace.as_str(), on.name.as_str()));
        match step {
            Step::CreateIndex { on, index } if on_swapped(on) && index.reads_expressions() => {
                gone.insert(key.clone());
            }
            Step::CreateTrigger { on, trigger } if on_swapped(on) && trigger.when.is_some() => {
                gone.insert(key.clone());
            }
            Step::CreateFunction(f) if !replaced.is_empty() && names_type(f, &replaced) => {
                gone.insert(key.clone());
            }
            _ => {}
        }
        // Inside something that goes, or built on something that goes or changes shape.
        let nothing_goes = gone.is_empty() && reshaped.is_empty();
        if !nothing_goes
            && (keys::containers(step).iter().any(|c| gone.contains(c))
                || keys::dependencies(old, step)
                    .iter()
                    .any(|d| gone.contains(d) || reshaped.get(d).is_some_and(|columns| reads_any(step, columns))))
        {
            gone.insert(key.clone());
        }
    }

    let made = |j: usize| new_keys[j].as_ref().is_some_and(|k| !old_at.contains_key(k) || gone.contains(k));
    let fresh = fresh_namespaces(&new_steps, made, &altered);
    // Default privileges change what objects made later get: objects this migration makes get
    // what the first migration gives them (defaults set after them) when the defaults are taken
    // back first and set again at the end.
    if !fresh.is_empty() {
        for (i, step) in old_steps.iter().enumerate() {
            if let (Step::DefaultPrivileges(_), Some(key)) = (step, &old_keys[i]) {
                gone.insert(key.clone());
            }
        }
    }

    let mut changes = Vec::new();
    let is_table_step = |s: &Step| {
        matches!(
            s,
            Step::CreateTable { .. }
                | Step::CreatePartition { .. }
                | Step::AddForeignKey { .. }
                | Step::AddCheck { .. }
        )
    };
    // Undo, last made first; foreign keys of altered tables before any table changes.
    let mut fk_drops_done = false;
    for (i, step) in old_steps.iter().enumerate().rev() {
        if is_table_step(step) && !fk_drops_done {
            fk_drops_done = true;
            changes.extend(of_altered(|d| &d.fk_drops));
        }
        if let Step::CreateTable { table, .. } = step
            && in_place(at(table))
        {
            let d = &altered[&at(table)];
            changes.extend(d.drops.iter().map(|c| Change::Alter { table, change: c.clone() }));
            continue;
        }
        let Some(key) = &old_keys[i] else { continue };
        if table_owned(step) || !gone.contains(key) {
            continue;
        }
        // Taken along by a container that goes, and nothing to undo of its own.
        let taken = keys::containers(step).iter().any(|c| gone.contains(c));
        if taken && undo_sql(old, step).is_none() {
            continue;
        }
        if crate::render::sql::drop_sql(old, step).is_some() {
            changes.push(Change::Drop(step.clone()));
        }
    }
    if !fk_drops_done {
        changes.extend(of_altered(|d| &d.fk_drops));
    }

    // Make, in the new plan's order; foreign keys of altered tables once every table exists.
    let mut creates = Vec::new();
    // After the last table step (a function a table needs may come among them).
    let last_table = new_steps.iter().rposition(is_table_step);
    let mut fk_adds_done = false;
    for (j, step) in new_steps.iter().enumerate() {
        if last_table.is_some_and(|last| j > last) && !fk_adds_done {
            fk_adds_done = true;
            creates.extend(of_altered(|d| &d.fk_adds));
        }
        if let Step::CreateTable { table, .. } = step
            && in_place(at(table))
        {
            let d = &altered[&at(table)];
            creates.extend(d.adds.iter().map(|c| Change::Alter { table, change: c.clone() }));
            continue;
        }
        let Some(key) = &new_keys[j] else { continue };
        if table_owned(step) {
            continue;
        }
        match old_at.get(key) {
            None if left_alone(step) => {}
            None => creates.push(Change::Create(step.clone())),
            Some(_)
                if gone.contains(key)
                    || (!renewed.is_empty() && keys::containers(step).iter().any(|c| renewed.contains(c))) =>
            {
                creates.push(Change::Create(step.clone()))
            }
            // `ON ALL ... IN SCHEMA` covers what exists when it runs: given again for what is new.
            Some(_) if matches!(step, Step::Grant(g) if fresh.contains(&all_in(&g.on))) => {
                creates.push(Change::Create(step.clone()))
            }
            Some(&i) => {
                if let (Step::CreateEnum(o), Step::CreateEnum(n)) = (&old_steps[i], step) {
                    if is_extension(&o.values, &n.values) {
                        creates.extend(added_values(o, n));
                    } else if reemit.contains(&j) {
                        let columns = enum_columns(old, new, &n.qname());
                        creates.push(Change::ReplaceEnum { old: o, new: n, columns });
                    }
                } else if let (Step::CreateNamespace(_), Step::CreateNamespace(n)) = (&old_steps[i], step) {
                    if let Some(owner) = n.owner.as_ref().filter(|_| reemit.contains(&j)) {
                        creates.push(Change::Create(Step::AlterNamespaceOwner { namespace: n, owner }));
                    }
                } else if reemit.contains(&j) {
                    creates.push(Change::Create(step.clone()));
                }
            }
        }
    }
    if !fk_adds_done {
        creates.extend(of_altered(|d| &d.fk_adds));
    }
    // The session's settings lead the plan and hold for what it makes.
    if !creates.is_empty() {
        let settings = new_steps.iter().take_while(|s| matches!(s, Step::SetSearchPath(_) | Step::UncheckedBodies));
        creates.splice(0..0, settings.map(|s| Change::Create(s.clone())));
    }
    changes.extend(creates);
    // New union values lead, each committed alone (SQLSTATE 55P04): they only widen a type, and
    // no transaction boundary then falls between a constraint dropped and the same added again.
    let (mut values, rest): (Vec<_>, Vec<_>) =
        changes.into_iter().partition(|c| matches!(c, Change::AddEnumValue { .. }));
    values.extend(rest);
    values
}

/// Whether `step`, built on a table whose `columns` are dropped or retyped, reads one of them:
/// a policy whose expressions (without a subquery, which may read the table again) name none of
/// them stays; anything else is taken to read them.
fn reads_any(step: &Step, columns: &[&str]) -> bool {
    let Step::CreatePolicy { policy, .. } = step else { return true };
    policy.using.iter().chain(&policy.with_check).any(|e| match e.ast() {
        Some(ast) if !crate::sql::deps::has_subquery(ast) => {
            crate::sql::deps::columns_read(ast).iter().any(|(_, c)| columns.contains(&c.as_str()))
        }
        _ => true,
    })
}

/// How an old step compares with the new step of the same key.
enum Same {
    Yes,
    /// Changed, and running the new step again changes it in place.
    Reemit,
    /// Changed: dropped and made again.
    No,
}

fn compare(old: &Schema, o: &Step, new: &Schema, n: &Step) -> Same {
    // Comments are most of a schema's steps: their keys are equal, so their texts decide.
    if let (
        Step::Comment { text: a, .. } | Step::CommentOn { text: a, .. },
        Step::Comment { text: b, .. } | Step::CommentOn { text: b, .. },
    ) = (o, n)
    {
        return if a == b { Same::Yes } else { Same::Reemit };
    }
    // Indexes are most of the rest: one defined alike makes the same statement.
    if let (Step::CreateIndex { on: a, index: i }, Step::CreateIndex { on: b, index: j }) = (o, n)
        && a == b
        && i.defined_as(j)
    {
        return Same::Yes;
    }
    if step_sql(old, o) == step_sql(new, n) {
        return Same::Yes;
    }
    match (o, n) {
        (Step::Comment { .. } | Step::CommentOn { .. }, _)
        | (Step::CreateRole(_), _)
        | (Step::GrantMembership(_), _)
        | (Step::AlterNamespaceOwner { .. }, _)
        | (Step::SetSequenceOwner { .. }, _)
        | (Step::SetReplicaIdentity { .. }, _)
        | (Step::CreateNamespace(_), _) => Same::Reemit,
        // CREATE OR REPLACE keeps a routine's identity when its result and arguments stay.
        (Step::CreateFunction(a), Step::CreateFunction(b)) if a.returns == b.returns && a.args == b.args => {
            Same::Reemit
        }
        // Values are added in place, or the type is replaced under its columns (`added_values`).
        (Step::CreateEnum(a), Step::CreateEnum(b)) if a.repr == EnumRepr::Type && b.repr == EnumRepr::Type => {
            Same::Reemit
        }
        // As PostgreSQL means them: a policy read back from the catalog is printed otherwise
        // each time it is stored again (an `IN` list inside it, casts).
        (Step::CreatePolicy { policy: a, .. }, Step::CreatePolicy { policy: b, .. }) if same_policy(a, b) => Same::Yes,
        _ => Same::No,
    }
}

/// Whether two policies differ only in how their expressions are spelled.
fn same_policy(a: &crate::model::Policy, b: &crate::model::Policy) -> bool {
    let names = |p: &crate::model::Policy| p.to.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let same = |x: &Option<crate::model::Expr>, y: &Option<crate::model::Expr>| match (x, y) {
        (Some(x), Some(y)) => crate::sql::normalize::same(&x.sql, &y.sql),
        (x, y) => x.is_none() && y.is_none(),
    };
    (a.permissive, a.command, names(a)) == (b.permissive, b.command, names(b))
        && same(&a.using, &b.using)
        && same(&a.with_check, &b.with_check)
}

/// Whether `new` holds every value of `old` in the same order (values only added).
fn is_extension(old: &[String], new: &[String]) -> bool {
    let mut rest = new.iter();
    old.iter().all(|v| rest.any(|n| n == v))
}

/// `ADD VALUE` for each value `new` adds to `old`, placed before the old value it precedes.
fn added_values<'s>(old: &Enum, new: &'s Enum) -> Vec<Change<'s>> {
    let mut changes = Vec::new();
    for (k, v) in new.values.iter().enumerate() {
        if old.values.contains(v) {
            continue;
        }
        let before = new.values[k + 1..].iter().find(|n| old.values.contains(n)).map(String::as_str);
        changes.push(Change::AddEnumValue { enum_: new, value: v, before });
    }
    changes
}

/// The columns (of tables both schemas have) whose union type is replaced under them: a
/// `CREATE TYPE` enum of both that loses or reorders values (`Change::ReplaceEnum`).
pub fn swapped_columns<'s>(old: &Schema, new: &'s Schema) -> Vec<(&'s Table, &'s Column)> {
    replaced_enums(old, new).into_iter().flat_map(|n| enum_columns(old, new, &n.qname())).collect()
}

/// The `CREATE TYPE` enums of both schemas that lose or reorder values (`Change::ReplaceEnum`).
fn replaced_enums<'s>(old: &Schema, new: &'s Schema) -> Vec<&'s Enum> {
    if old.enums.is_empty() {
        return Vec::new();
    }
    let replaced = |n: &Enum| {
        let o = old.enum_(&n.qname());
        n.repr == EnumRepr::Type
            && o.is_some_and(|o| {
                o.repr == EnumRepr::Type && o.values != n.values && !is_extension(&o.values, &n.values)
            })
    };
    new.enums.iter().filter(|n| replaced(n)).collect()
}

/// Whether a routine's arguments or result name one of `types` (a word of them is the type's
/// name, qualified or not): it is dropped before they are replaced and made again after, since
/// its signature would go on naming the old type.
fn names_type(f: &crate::model::Function, types: &[&Enum]) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '"'))
            .map(|w| w.replace('"', ""))
            .collect()
    };
    let used: Vec<String> = words(&f.args).into_iter().chain(words(&f.returns)).collect();
    types.iter().any(|e| used.iter().any(|w| *w == e.name || *w == e.qname().to_string()))
}

/// The columns of the new schema's tables that exist in the old one too and are of the union
/// type `q` (or arrays of it).
fn enum_columns<'s>(old: &Schema, new: &'s Schema, q: &QName) -> Vec<(&'s Table, &'s Column)> {
    let existed = |t: &Table| old.table(&t.qname()).is_some();
    let of_type = |c: &Column| matches!(c.ty.scalar(), Scalar::Enum(e) if e == q);
    new.tables
        .iter()
        .filter(|t| existed(t))
        .flat_map(|t| t.columns.iter().filter(|c| of_type(c)).map(move |c| (t, c)))
        .collect()
}

/// For `ON ALL TABLES | SEQUENCES | FUNCTIONS IN SCHEMA ns`: (the kind, ns); else nothing.
fn all_in(on: &GrantOn) -> (&'static str, &str) {
    match on {
        GrantOn::AllTables(n) => ("TABLES", n),
        GrantOn::AllSequences(n) => ("SEQUENCES", n),
        GrantOn::AllFunctions(n) => ("FUNCTIONS", n),
        _ => ("", ""),
    }
}

/// The (kind, namespace) pairs in which the change makes relations, sequences or routines.
fn fresh_namespaces<'a>(
    steps: &'a [Step<'_>],
    made: impl Fn(usize) -> bool,
    altered: &'a HashMap<(&str, &str), TableDiff<'_>>,
) -> HashSet<(&'static str, &'a str)> {
    let counted = |c: &Column| c.identity.is_some() || matches!(c.ty.scalar(), Scalar::Serial | Scalar::BigSerial);
    let mut fresh = HashSet::new();
    for (_, step) in steps.iter().enumerate().filter(|(j, _)| made(*j)) {
        match step {
            Step::CreateTable { table, .. } => {
                fresh.insert(("TABLES", table.namespace.as_str()));
                if table.columns.iter().any(counted) {
                    fresh.insert(("SEQUENCES", table.namespace.as_str()));
                }
            }
            Step::CreatePartition { partition, .. } => {
                fresh.insert(("TABLES", partition.namespace.as_str()));
            }
            Step::CreateView(v) => {
                fresh.insert(("TABLES", v.namespace.as_str()));
            }
            Step::CreateSequence(s) => {
                fresh.insert(("SEQUENCES", s.namespace.as_str()));
            }
            Step::CreateFunction(f) => {
                fresh.insert(("FUNCTIONS", f.namespace.as_str()));
            }
            Step::CreateAggregate(a) => {
                fresh.insert(("FUNCTIONS", a.namespace.as_str()));
            }
            _ => {}
        }
    }
    for (&(namespace, _), d) in altered {
        let adds = d.adds.iter().filter_map(|c| match c {
            TableChange::AddColumn(c) | TableChange::AddIdentity(c) => Some(*c),
            _ => None,
        });
        if adds.into_iter().any(counted) {
            fresh.insert(("SEQUENCES", namespace));
        }
    }
    fresh
}

type Names<'s> = HashSet<(&'s str, &'s str)>;

/// The partitions the differ leaves alone: of a table both schemas have, kept at run time on
/// either side (`managed_by`), those the old one alone has, and those the new one alone has
/// when the old one was kept (its children are the tool's), DEFAULT aside. Then every child of
/// such a table on either side, whose grants are left alone (the parent's decide access).
fn left_alone<'s>(old: &'s Schema, new: &'s Schema) -> (Names<'s>, Names<'s>) {
    let kept = Table::partitions_kept;
    fn parts(t: &Table) -> impl Iterator<Item = &crate::model::Partition> {
        t.partition.iter().flat_map(|p| &p.partitions)
    }
    let partitioned: HashMap<(&str, &str), &Table> =
        new.tables.iter().filter(|t| t.partition.is_some()).map(|t| (at(t), t)).collect();
    let (mut alone, mut children) = (HashSet::new(), HashSet::new());
    for o in old.tables.iter().filter(|t| t.partition.is_some()) {
        let Some(n) = partitioned.get(&at(o)) else { continue };
        if !kept(o) && !kept(n) {
            continue;
        }
        let named = |t: &'s Table| {
            parts(t).filter(|p| p.bound != PartitionBound::Default).map(|p| (p.namespace.as_str(), p.name.as_str()))
        };
        children.extend(named(o).chain(named(n)));
        let has = |t: &Table, name: &str| parts(t).any(|p| p.name == name);
        alone.extend(parts(o).filter(|p| !has(n, &p.name)).map(|p| (p.namespace.as_str(), p.name.as_str())));
        if kept(o) {
            let fresh = parts(n).filter(|p| !has(o, &p.name) && p.bound != PartitionBound::Default);
            alone.extend(fresh.map(|p| (p.namespace.as_str(), p.name.as_str())));
        }
    }
    (alone, children)
}

/// A table's (namespace, name), to look it up without allocating.
fn at(t: &Table) -> (&str, &str) {
    (&t.namespace, &t.name)
}
