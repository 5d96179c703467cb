//! How each change is named: the header line above its statement in a migration, and the name
//! `allow_destructive` lists a change by.

use super::{Build, Change, Decided, Rename, TableChange};
use crate::plan::Step;

impl Change<'_> {
    pub fn description(&self) -> String {
        match self {
            Change::Create(step) => step.description(),
            Change::Drop(step) => format!("Undo {}", step.description()),
            Change::Alter { table, change } => format!("{} ON {}", change.description(), table.qname()),
            Change::AddEnumValue { enum_, value, .. } => format!("AddEnumValue {}.{value}", enum_.qname()),
            Change::ReplaceEnum { new, .. } => format!("ReplaceEnum {}", new.qname()),
            Change::Rename(Rename::Table { from, to }) => format!("RenameTable {from} TO {to}"),
            Change::Rename(Rename::Column { table, from, to }) => format!("RenameColumn {table}.{from} TO {to}"),
            Change::Rename(Rename::Constraint { table, from, to }) => {
                format!("RenameConstraint {table}.{from} TO {to}")
            }
            Change::Rename(Rename::Index { from, to, .. }) => format!("RenameIndex {from} TO {to}"),
            Change::PartitionIndex { on, index, parent, of } => {
                let own = Step::CreateIndex { on: on.clone(), index };
                format!(
                    "{} (of {})",
                    own.description(),
                    Step::CreateIndex { on: parent.clone(), index: of }.description()
                )
            }
            Change::AttachIndex { parent, index } => format!("AttachIndex {index} TO {parent}"),
            Change::KeyIndex { table, key } => format!("CreateKeyIndex {} ON {}", key.name(), table.qname()),
        }
    }
}

impl Decided<'_> {
    /// The change's name, and `ON ONLY` the parent for a parent's index built per partition, and
    /// `USING INDEX` for a key over the index built before it.
    pub fn description(&self) -> String {
        match (&self.change, self.build) {
            (Change::Create(Step::CreateIndex { on, .. }), Build::OnlyParent) => {
                format!("{} ON ONLY {on}", self.change.description())
            }
            (_, Build::UsingIndex) => format!("{} USING INDEX", self.change.description()),
            _ => self.change.description(),
        }
    }
}

impl TableChange<'_> {
    fn description(&self) -> String {
        match self {
            TableChange::AddColumn(c) | TableChange::AddColumnToFill(c) => format!("AddColumn {}", c.name),
            TableChange::Backfill(c) => format!("Backfill {}", c.name),
            TableChange::DropColumn(c) => format!("DropColumn {}", c.name),
            TableChange::SetType(c) => format!("AlterColumnType {}", c.name),
            TableChange::SetDefault(c) => format!("SetDefault {}", c.name),
            TableChange::DropDefault(c) => format!("DropDefault {}", c.name),
            TableChange::AddNotNullCheck(c) => format!("AddNotNullCheck {}", c.name),
            TableChange::ValidateNotNullCheck(c) => format!("ValidateNotNullCheck {}", c.name),
            TableChange::SetNotNull(c) => format!("SetNotNull {}", c.name),
            TableChange::DropNotNull(c) => format!("DropNotNull {}", c.name),
            TableChange::AddIdentity(c) => format!("AddIdentity {}", c.name),
            TableChange::DropIdentity(c) => format!("DropIdentity {}", c.name),
            TableChange::AddConstraint(c) => format!("AddConstraint {}", c.name()),
            TableChange::AddConstraintNotValid(c) => format!("AddConstraint {} NOT VALID", c.name()),
            TableChange::ValidateConstraint(c) => format!("ValidateConstraint {}", c.name()),
            TableChange::DropConstraint(c) => format!("DropConstraint {}", c.name()),
            TableChange::SetUnlogged(true) => "SetUnlogged".to_string(),
            TableChange::SetUnlogged(false) => "SetLogged".to_string(),
            TableChange::SetStorage(_) => "SetStorage".to_string(),
            TableChange::ResetStorage(_) => "ResetStorage".to_string(),
        }
    }
}
