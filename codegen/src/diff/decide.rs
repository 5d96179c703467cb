//! How each change runs, decided on the typed changes before anything is printed: whether an
//! index is built CONCURRENTLY or, on a partitioned table that stays, `ON ONLY` the parent and
//! per partition; whether a change runs outside a transaction; what it risks. The SQL target
//! prints a `Decided` as it is; the refusals of the migration chain read the same list.

use super::{Change, Hazard, TableChange, hazards, runs_alone};
use crate::model::{Index, QName, Schema};
use crate::plan::Step;
use crate::render::sql::Constraint;

/// How an index is built or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Inside the migration's transaction, as `plan::create` makes it.
    InTransaction,
    /// `CONCURRENTLY`, outside a transaction, leaving writes alone; `IF [NOT] EXISTS`, so it may
    /// run again after an interruption (the runner drops an INVALID index first).
    Concurrently,
    /// `ON ONLY` a partitioned parent: invalid and empty until each partition's is attached.
    OnlyParent,
    /// A key added `USING INDEX` its `Change::KeyIndex`, built before: a brief lock, no scan.
    UsingIndex,
}

/// A change with how it runs.
#[derive(Debug, Clone)]
pub struct Decided<'s> {
    pub change: Change<'s>,
    /// How an index it builds or drops is built or dropped (`InTransaction` for other changes).
    pub build: Build,
    pub hazards: Vec<Hazard>,
    /// Whether it may share a transaction with its neighbours.
    pub transaction: bool,
}

/// `changes` from `old` to `new`, each with how it runs: an index added to a table that stays is
/// built CONCURRENTLY, or per partition where the table is partitioned (`per_partition`); so is
/// the index of a primary key or unique constraint added to a table that stays, which the key
/// then takes over (`ADD ... USING INDEX`), instead of building it under ACCESS EXCLUSIVE.
pub fn decide<'s>(old: &'s Schema, new: &'s Schema, changes: Vec<Change<'s>>) -> Vec<Decided<'s>> {
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        if let Change::Create(Step::CreateIndex { on, index }) = &change
            && let Some(steps) = per_partition(old, new, on, index)
        {
            out.extend(steps);
            continue;
        }
        // A partitioned table has neither CONCURRENTLY nor USING INDEX.
        if let Change::Alter { table, change: TableChange::AddConstraint(key) } = &change
            && matches!(key, Constraint::PrimaryKey(_) | Constraint::Unique(_))
            && table.partition.is_none()
        {
            let index = Change::KeyIndex { table, key: *key };
            let hazards = vec![Hazard::MayFailOnRows, Hazard::OutsideTransaction];
            out.push(Decided { change: index, build: Build::Concurrently, hazards, transaction: false });
            out.push(Decided {
                change,
                build: Build::UsingIndex,
                hazards: vec![Hazard::LocksTable],
                transaction: true,
            });
            continue;
        }
        let alone = runs_alone(old, new, &change);
        let index = matches!(
            change,
            Change::Create(Step::CreateIndex { .. } | Step::CreatePartitionIndex { .. })
                | Change::Drop(Step::CreateIndex { .. })
        );
        let build = if index && alone { Build::Concurrently } else { Build::InTransaction };
        let hazards = hazards(old, new, &change);
        out.push(Decided { change, build, hazards, transaction: !alone });
    }
    out
}

/// An index added to a partitioned table that stays, without locking it while the index is
/// built (a partitioned table has no CONCURRENTLY): the parent's index made `ON ONLY` (invalid,
/// empty), each partition's built CONCURRENTLY under the name PostgreSQL would give it (or its
/// own, `index_names`), then attached, which makes the parent's valid. `None` where that cannot
/// be done exactly: partitions made by someone else (`managed_by`), which strata does not know,
/// or a name PostgreSQL would number because another relation has it.
fn per_partition<'s>(old: &Schema, new: &'s Schema, on: &QName, index: &'s Index) -> Option<Vec<Decided<'s>>> {
    // The old table first: a first migration has none (no search through the new tables).
    old.table(on)?.partition.as_ref()?;
    let table = new.table(on)?;
    let partitioning = table.partition.as_ref().filter(|p| p.managed_by.is_none())?;
    let mut names = Vec::new();
    for p in &partitioning.partitions {
        let own = p.index_names.iter().find(|(parent, _)| parent.name == index.name).map(|(_, own)| own.clone());
        let made_before = own.is_some(); // by its own step (`Step::CreatePartitionIndex`)
        let name = own.unwrap_or_else(|| Index::chosen_name(&p.name, &index.keys));
        if !made_before && new.relation_names(&p.namespace).contains(&name.as_str()) {
            return None;
        }
        names.push((p, name, made_before));
    }
    let quiet = |change, build| Decided { change, build, hazards: vec![], transaction: true };
    let parent = Change::Create(Step::CreateIndex { on: on.clone(), index });
    let mut out = vec![quiet(parent, Build::OnlyParent)];
    for (p, name, made_before) in &names {
        if !made_before {
            let copy = Index { name: name.clone(), ..index.clone() };
            out.push(Decided {
                change: Change::PartitionIndex { on: p.qname(), index: Box::new(copy), parent: on.clone(), of: index },
                build: Build::Concurrently,
                // Writes go on while it builds; a unique one fails on rows that collide.
                hazards: if index.unique {
                    vec![Hazard::MayFailOnRows, Hazard::OutsideTransaction]
                } else {
                    vec![Hazard::OutsideTransaction]
                },
                transaction: false,
            });
        }
    }
    for (p, name, _) in names {
        let attach = Change::AttachIndex {
            parent: QName::new(&on.namespace, &index.name),
            index: QName::new(&p.namespace, &name),
        };
        out.push(quiet(attach, Build::InTransaction));
    }
    Some(out)
}
