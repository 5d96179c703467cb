//! What running a change risks on a live database, printed with each statement of a migration.

use super::{Change, TableChange};
use crate::model::{QName, Scalar, Schema};
use crate::plan::Step;
use crate::render::sql::Constraint;

/// A risk of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hazard {
    /// Rows, columns or values are gone afterwards: refused unless allowed.
    DeletesData,
    /// Fails if rows already there do not fit (NOT NULL, a narrower type, a CHECK).
    MayFailOnRows,
    /// Takes an ACCESS EXCLUSIVE lock: reads and writes of the table wait.
    LocksTable,
    /// Writes the whole table again.
    RewritesTable,
    /// Builds an index, blocking writes while it does (not CONCURRENTLY).
    BuildsIndex,
    /// Reads every row to validate, under the lock it takes.
    ValidatesRows,
    /// Changes who may read or write what.
    ChangesAuthorization,
    /// Runs alone, outside the migration's transactions: a concurrent index build that fails
    /// leaves an INVALID index behind (drop it and run again).
    OutsideTransaction,
}

impl Hazard {
    pub fn text(self) -> &'static str {
        match self {
            Hazard::DeletesData => "deletes data",
            Hazard::MayFailOnRows => "may fail on existing rows",
            Hazard::LocksTable => "ACCESS EXCLUSIVE lock",
            Hazard::RewritesTable => "rewrites the table",
            Hazard::BuildsIndex => "builds an index",
            Hazard::ValidatesRows => "validates every row",
            Hazard::ChangesAuthorization => "changes authorization",
            Hazard::OutsideTransaction => "runs outside a transaction",
        }
    }
}

/// Whether `change` runs alone, outside a transaction: an index built or dropped CONCURRENTLY
/// on a table that stays (writes go on meanwhile; a partitioned table has no CONCURRENTLY), and
/// a new union value, which must be committed before anything uses it (SQLSTATE 55P04).
pub fn runs_alone(old: &Schema, new: &Schema, change: &Change<'_>) -> bool {
    let stays =
        |q: &QName| old.table(q).zip(new.table(q)).is_some_and(|(o, n)| o.partition.is_none() && n.partition.is_none());
    // An index rebuilt around a union type replaced under its table stays in the swap's
    // transaction, which locks the table anyway (`diff::swapped_columns`).
    let stays = |q: &QName| stays(q) && !super::swapped_columns(old, new).iter().any(|(t, _)| t.qname() == *q);
    match change {
        Change::Create(Step::CreateIndex { on, .. }) | Change::Drop(Step::CreateIndex { on, .. }) => stays(on),
        // A partition's own index on a partition that stays: a leaf has CONCURRENTLY.
        Change::Create(Step::CreatePartitionIndex { on, .. }) => {
            old.partition(on).is_some() && new.partition(on).is_some()
        }
        Change::AddEnumValue { .. } | Change::KeyIndex { .. } => true,
        // A validation runs once the ADD has committed, so the ADD's ACCESS EXCLUSIVE lock is not
        // held through the scan; validating again is harmless after an interruption.
        Change::Alter {
            change: TableChange::ValidateConstraint(_) | TableChange::ValidateNotNullCheck(_) | TableChange::Backfill(_),
            ..
        } => true,
        _ => false,
    }
}

/// Whether PostgreSQL changes a column of type `from` to `to` where it stands: the stored bytes
/// read the same and every value fits (a varchar made longer, unbounded or text, text made an
/// unbounded varchar, a numeric given more digits at the same scale or made unconstrained), so
/// no row is rewritten or can fail. Anything else is taken to rewrite.
fn in_place(from: &crate::model::ColumnType, to: &crate::model::ColumnType) -> bool {
    use crate::model::ColumnType::Scalar as S;
    match (from, to) {
        (S(Scalar::Varchar(Some(n))), S(Scalar::Varchar(Some(m)))) => m >= n,
        (S(Scalar::Varchar(_) | Scalar::Text), S(Scalar::Varchar(None) | Scalar::Text)) => true,
        (S(Scalar::Numeric(Some((p, s)))), S(Scalar::Numeric(Some((q, t))))) => {
            q >= p && s.unwrap_or(0) == t.unwrap_or(0)
        }
        (S(Scalar::Numeric(_)), S(Scalar::Numeric(None))) => true,
        _ => false,
    }
}

/// The hazards of `change`, a change from `old` to `new`. What is made new (a table, and what
/// is on it) risks nothing: only what touches objects `old` has. Making a whole schema from
/// nothing, or taking it back to nothing (the first migration's up and down), is what the
/// migration is for: it has none.
pub fn hazards(old: &Schema, new: &Schema, change: &Change<'_>) -> Vec<Hazard> {
    use Hazard::*;
    let empty = |s: &Schema| s.tables.is_empty() && s.views.is_empty() && s.functions.is_empty() && s.grants.is_empty();
    if empty(old) || empty(new) {
        return Vec::new();
    }
    let existed = |q: &QName| old.table(q).is_some();
    let mut h =
        match change {
            Change::Drop(Step::CreateTable { .. } | Step::CreatePartition { .. }) => vec![DeletesData, LocksTable],
            // DROP TRIGGER, and CREATE or DROP POLICY, take ACCESS EXCLUSIVE (tests/migrate.rs
            // observes every hazard on PostgreSQL).
            Change::Drop(Step::CreateIndex { .. } | Step::CreatePartitionIndex { .. } | Step::CreateTrigger { .. }) => {
                vec![LocksTable]
            }
            Change::Drop(Step::CreatePolicy { .. } | Step::EnableRls { .. }) => vec![ChangesAuthorization, LocksTable],
            Change::Drop(Step::Grant(_) | Step::DefaultPrivileges(_))
            | Change::Create(Step::Grant(_) | Step::DefaultPrivileges(_)) => vec![ChangesAuthorization],
            Change::Create(Step::CreatePolicy { table, .. } | Step::EnableRls { table, .. }) => {
                if existed(&table.qname()) { vec![ChangesAuthorization, LocksTable] } else { vec![] }
            }
            Change::Create(Step::CreateIndex { on, .. }) if existed(on) => vec![BuildsIndex],
            // Partitions made under the parent's lock, rows moved out of DEFAULT, and with a
            // retention, partitions past it dropped (or archived) at once.
            Change::Create(Step::PartitionUpkeep { table }) if existed(&table.qname()) => {
                let drops = table.partition.as_ref().is_some_and(|p| p.retention.is_some() && p.archive.is_none());
                if drops { vec![DeletesData, LocksTable] } else { vec![LocksTable] }
            }
            Change::Create(Step::AddForeignKey { on, fk }) if existed(on) && !fk.not_valid => {
                vec![ValidatesRows, MayFailOnRows]
            }
            Change::Create(Step::AddCheck { on, check }) if existed(on) && !check.not_valid => {
                vec![ValidatesRows, MayFailOnRows, LocksTable]
            }
            Change::ReplaceEnum { old: o, new: n, .. } => {
                let removes = o.values.iter().any(|v| !n.values.contains(v));
                let mut h = vec![RewritesTable, LocksTable];
                if removes {
                    h.extend([DeletesData, MayFailOnRows]);
                }
                h
            }
            Change::Rename(_) => vec![LocksTable],
            Change::Alter { table, change } => match change {
                // A generated column's values are derived from the others: none is lost.
                TableChange::DropColumn(c) if c.generated.is_some() => vec![LocksTable],
                TableChange::DropColumn(_) => vec![DeletesData, LocksTable],
                TableChange::AddColumn(c) => {
                    let counted = c.identity.is_some()
                        || c.generated.is_some()
                        || matches!(c.ty.scalar(), Scalar::Serial | Scalar::BigSerial);
                    let mut h = vec![LocksTable];
                    if counted {
                        h.push(RewritesTable);
                    }
                    if !c.nullable && c.default.is_none() && c.generated.is_none() && c.identity.is_none() {
                        h.push(MayFailOnRows);
                    }
                    h
                }
                TableChange::SetType(n) => {
                    let o = old.table(&table.qname()).and_then(|t| t.columns.iter().find(|o| o.name == n.name));
                    match o {
                        Some(o) if o.collation == n.collation && in_place(&o.ty, &n.ty) => vec![LocksTable],
                        _ => vec![RewritesTable, MayFailOnRows, LocksTable],
                    }
                }
                // The rows are read under the validation's lock, which lets writes go on.
                TableChange::ValidateNotNullCheck(_) | TableChange::ValidateConstraint(_) => {
                    vec![ValidatesRows, MayFailOnRows]
                }
                // A CHECK added NOT VALID, and SET NOT NULL trusting it: brief ACCESS EXCLUSIVE locks.
                TableChange::AddNotNullCheck(_) | TableChange::SetNotNull(_) => vec![LocksTable],
                TableChange::AddColumnToFill(_) => vec![LocksTable],
                // Fails when the backfill gives a row NULL: SET NOT NULL would then fail.
                TableChange::Backfill(_) => vec![MayFailOnRows, OutsideTransaction],
                // A foreign key's takes SHARE ROW EXCLUSIVE (writes wait a moment), a CHECK's ACCESS EXCLUSIVE.
                TableChange::AddConstraintNotValid(Constraint::ForeignKey(_)) => vec![],
                TableChange::AddConstraintNotValid(_) => vec![LocksTable],
                TableChange::AddIdentity(_) | TableChange::SetUnlogged(_) => vec![RewritesTable, LocksTable],
                TableChange::AddConstraint(c) => match c {
                    Constraint::PrimaryKey(_) | Constraint::Unique(_) | Constraint::Exclusion(_) => {
                        vec![BuildsIndex, MayFailOnRows, LocksTable]
                    }
                    Constraint::Check(_) | Constraint::ForeignKey(_) if c.not_valid() => vec![LocksTable],
                    Constraint::Check(_) | Constraint::ForeignKey(_) => vec![ValidatesRows, MayFailOnRows, LocksTable],
                },
                _ => vec![LocksTable],
            },
            _ => vec![],
        };
    if runs_alone(old, new, change) {
        // Built or dropped CONCURRENTLY: writes go on meanwhile.
        h.retain(|h| !matches!(h, BuildsIndex | LocksTable));
        if let Change::Create(Step::CreateIndex { index, .. } | Step::CreatePartitionIndex { index, .. }) = change
            && index.unique
        {
            h.push(MayFailOnRows);
        }
        h.push(OutsideTransaction);
    }
    h.sort();
    h.dedup();
    h
}
