//! The differ's changes as SQL: steps made or undone, ALTER TABLE actions, new union values.

use super::{column_def, ident, identity_clause, literal, qualified, rel, step_sql, undo_sql, with};
use crate::diff::{Change, Hazard, Rename, TableChange, hazards, runs_alone};
use crate::model::{Index, QName, Schema, Table};
use crate::plan::Step;

/// One change as SQL, with what running it risks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSql {
    pub description: String,
    pub sql: String,
    pub hazards: Vec<Hazard>,
    /// Whether it may share a transaction with the others (see `diff::runs_alone`).
    pub transaction: bool,
}

impl ChangeSql {
    /// The header line: the description, and the hazards after it.
    pub fn header(&self) -> String {
        match self.hazards.as_slice() {
            [] => self.description.clone(),
            h => {
                format!("{} (hazards: {})", self.description, h.iter().map(|h| h.text()).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

/// Each change as SQL: creates against `new`, drops against `old`.
pub fn changes(old: &Schema, new: &Schema, changes: &[Change<'_>]) -> Vec<ChangeSql> {
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        if let Change::Create(Step::CreateIndex { on, index }) = change
            && let Some(steps) = per_partition(old, new, on, index)
        {
            out.extend(steps);
            continue;
        }
        out.extend(one(old, new, change));
    }
    out
}

/// `change` as one statement.
fn one(old: &Schema, new: &Schema, change: &Change<'_>) -> Option<ChangeSql> {
    sql_of(old, new, change).map(|(description, sql)| {
        let alone = runs_alone(old, new, change);
        // An index built or dropped alone is built or dropped CONCURRENTLY, and may run again
        // after an interruption (the runner drops an INVALID index first).
        let sql = match change {
            Change::Create(Step::CreateIndex { .. }) if alone => concurrently(&sql),
            Change::Drop(Step::CreateIndex { .. }) if alone => {
                sql.replacen("INDEX ", "INDEX CONCURRENTLY IF EXISTS ", 1)
            }
            _ => sql,
        };
        ChangeSql { description, sql, hazards: hazards(old, new, change), transaction: !alone }
    })
}

/// `CREATE INDEX` as a build that leaves writes alone and may run again after an interruption.
fn concurrently(create: &str) -> String {
    create.replacen("INDEX ", "INDEX CONCURRENTLY IF NOT EXISTS ", 1)
}

/// An index added to a partitioned table that stays, without locking it while the index is
/// built (a partitioned table has no CONCURRENTLY): the parent's index made `ON ONLY` (invalid,
/// empty), each partition's built CONCURRENTLY under the name PostgreSQL would give it (or its
/// own, `index_names`), then attached, which makes the parent's valid. `None` where that cannot
/// be done exactly: partitions made by someone else (`managed_by`), which strata does not know,
/// or a name PostgreSQL would number because another relation has it.
fn per_partition(old: &Schema, new: &Schema, on: &QName, index: &Index) -> Option<Vec<ChangeSql>> {
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
    let parent = Step::CreateIndex { on: on.clone(), index };
    let description = parent.description();
    let mut out = vec![ChangeSql {
        description: format!("{description} ON ONLY {on}"),
        sql: step_sql(new, &parent).replacen(" ON ", " ON ONLY ", 1),
        hazards: vec![],
        transaction: true,
    }];
    for (p, name, made_before) in &names {
        if *made_before {
            continue;
        }
        let copy = Index { name: name.clone(), ..index.clone() };
        let step = Step::CreateIndex { on: p.qname(), index: &copy };
        out.push(ChangeSql {
            description: format!("{} (of {description})", step.description()),
            sql: concurrently(&step_sql(new, &step)),
            hazards: vec![Hazard::BuildsIndex, Hazard::OutsideTransaction],
            transaction: false,
        });
    }
    for (p, name, _) in &names {
        out.push(ChangeSql {
            description: format!(
                "AttachIndex {} TO {}",
                QName::new(&p.namespace, name),
                QName::new(&on.namespace, &index.name)
            ),
            sql: format!(
                "ALTER INDEX {} ATTACH PARTITION {}",
                qualified(&on.namespace, &index.name),
                qualified(&p.namespace, name)
            ),
            hazards: vec![],
            transaction: true,
        });
    }
    Some(out)
}

fn sql_of(old: &Schema, new: &Schema, change: &Change<'_>) -> Option<(String, String)> {
    match change {
        Change::Create(step) => Some((step.description(), step_sql(new, step))),
        Change::Drop(step) => Some((format!("Undo {}", step.description()), drop_sql(old, step)?)),
        Change::Alter { table, change } => Some(alter(new, table, change)),
        Change::AddEnumValue { enum_, value, before } => {
            let before = before.map(|b| format!(" BEFORE {}", literal(b))).unwrap_or_default();
            Some((
                format!("AddEnumValue {}.{value}", enum_.qname()),
                format!(
                    "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{before}",
                    qualified(&enum_.namespace, &enum_.name),
                    literal(value)
                ),
            ))
        }
        Change::Rename(Rename::Table { from, to }) => Some((
            format!("RenameTable {from} TO {to}"),
            format!("ALTER TABLE {} RENAME TO {}", qualified(&from.namespace, &from.name), ident(to)),
        )),
        Change::Rename(Rename::Column { table, from, to }) => Some((
            format!("RenameColumn {table}.{from} TO {to}"),
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                qualified(&table.namespace, &table.name),
                ident(from),
                ident(to)
            ),
        )),
        Change::Rename(Rename::Constraint { table, from, to }) => Some((
            format!("RenameConstraint {table}.{from} TO {to}"),
            format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                qualified(&table.namespace, &table.name),
                ident(from),
                ident(to)
            ),
        )),
        Change::Rename(Rename::Index { namespace, from, to }) => Some((
            format!("RenameIndex {from} TO {to}"),
            format!("ALTER INDEX {} RENAME TO {}", qualified(namespace, from), ident(to)),
        )),
        Change::ReplaceEnum { new: e, columns, .. } => {
            Some((format!("ReplaceEnum {}", e.qname()), replace_enum(e, columns)))
        }
    }
}

/// A union type replaced under its columns: the old type renamed aside, the new one created,
/// each column cast to it through text (its default set again after), the old type dropped.
fn replace_enum(e: &crate::model::Enum, columns: &[(&Table, &crate::model::Column)]) -> String {
    let name = qualified(&e.namespace, &e.name);
    let aside = format!("{}__strata_old", e.name);
    let values: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
    let mut sql = vec![
        format!("ALTER TYPE {name} RENAME TO {}", ident(&aside)),
        format!("CREATE TYPE {name} AS ENUM ({})", values.join(", ")),
    ];
    for (t, c) in columns {
        let (table, column) = (rel(t), ident(&c.name));
        let array = if matches!(c.ty, crate::model::ColumnType::Array(_)) { "[]" } else { "" };
        if c.default.is_some() {
            sql.push(format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"));
        }
        sql.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} TYPE {name}{array} USING {column}::text{array}::{name}{array}"
        ));
        if let Some(d) = &c.default {
            sql.push(format!("ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {}", d.sql));
        }
    }
    sql.push(format!("DROP TYPE {}", qualified(&e.namespace, &aside)));
    sql.join(";\n")
}

/// The statement that undoes a step on its own (its container staying); none for what is
/// never undone: roles and their memberships (the cluster's), seed rows (data), the search path.
pub fn drop_sql(schema: &Schema, step: &Step<'_>) -> Option<String> {
    if let Some(reverse) = undo_sql(schema, step) {
        return Some(reverse);
    }
    let relation = |q: &crate::model::QName| qualified(&q.namespace, &q.name);
    Some(match step {
        Step::AddCheck { on, check } => format!("ALTER TABLE {} DROP CONSTRAINT {}", relation(on), ident(&check.name)),
        // Attached to the parent's index, it went with it when that was dropped first.
        Step::CreatePartitionIndex { on, name, .. } => {
            format!("DROP INDEX IF EXISTS {}", qualified(&on.namespace, name))
        }
        Step::CreateIndex { on, index } => format!("DROP INDEX {}", qualified(&on.namespace, &index.name)),
        Step::SetReplicaIdentity { table, .. } => format!("ALTER TABLE {} REPLICA IDENTITY DEFAULT", rel(table)),
        Step::CreatePartition { partition, .. } => format!("DROP TABLE {}", relation(&partition.qname())),
        Step::DisableTrigger { on, trigger } => {
            format!("ALTER TABLE {} ENABLE TRIGGER {}", relation(on), ident(&trigger.name))
        }
        Step::EnableRls { table, force: false } => format!("ALTER TABLE {} DISABLE ROW LEVEL SECURITY", rel(table)),
        Step::EnableRls { table, force: true } => format!("ALTER TABLE {} NO FORCE ROW LEVEL SECURITY", rel(table)),
        Step::Comment { table, column: None, .. } => format!("COMMENT ON TABLE {} IS NULL", rel(table)),
        Step::Comment { table, column: Some(c), .. } => {
            format!("COMMENT ON COLUMN {}.{} IS NULL", rel(table), ident(c))
        }
        Step::CommentOn { kind, target, .. } => format!("COMMENT ON {kind} {target} IS NULL"),
        _ => return None,
    })
}

fn alter(new: &Schema, table: &Table, change: &TableChange<'_>) -> (String, String) {
    let column = |c: &crate::model::Column| ident(&c.name).into_owned();
    let (what, action) = match change {
        TableChange::AddColumn(c) => (format!("AddColumn {}", c.name), format!("ADD COLUMN {}", column_def(new, c))),
        TableChange::DropColumn(c) => (format!("DropColumn {}", c.name), format!("DROP COLUMN {}", column(c))),
        TableChange::SetType(c) => {
            let ty = new.sql_type(&c.ty);
            let collate = c.collation.as_ref().map(|n| format!(" COLLATE {}", ident(&n.name))).unwrap_or_default();
            (
                format!("AlterColumnType {}", c.name),
                format!("ALTER COLUMN {name} TYPE {ty}{collate} USING {name}::{ty}", name = column(c)),
            )
        }
        TableChange::SetDefault(c) => (
            format!("SetDefault {}", c.name),
            format!("ALTER COLUMN {} SET DEFAULT {}", column(c), c.default.as_ref().map_or("NULL", |d| d.sql.as_str())),
        ),
        TableChange::DropDefault(c) => {
            (format!("DropDefault {}", c.name), format!("ALTER COLUMN {} DROP DEFAULT", column(c)))
        }
        TableChange::SetNotNull(c) => {
            let check = ident(&crate::model::object_name(&table.name, &c.name, "not_null")).into_owned();
            let t = rel(table);
            let sql = [
                format!("ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({} IS NOT NULL) NOT VALID", column(c)),
                format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"),
                format!("ALTER TABLE {t} ALTER COLUMN {} SET NOT NULL", column(c)),
                format!("ALTER TABLE {t} DROP CONSTRAINT {check}"),
            ];
            return (format!("SetNotNull {} ON {}", c.name, table.qname()), sql.join(";\n"));
        }
        TableChange::DropNotNull(c) => {
            (format!("DropNotNull {}", c.name), format!("ALTER COLUMN {} DROP NOT NULL", column(c)))
        }
        TableChange::AddIdentity(c) => {
            let identity = c.identity.as_ref().map(identity_clause).unwrap_or_default();
            (format!("AddIdentity {}", c.name), format!("ALTER COLUMN {} ADD{identity}", column(c)))
        }
        TableChange::DropIdentity(c) => {
            (format!("DropIdentity {}", c.name), format!("ALTER COLUMN {} DROP IDENTITY", column(c)))
        }
        TableChange::AddConstraint(c) => {
            let not_valid = if c.not_valid() { " NOT VALID" } else { "" };
            (format!("AddConstraint {}", c.name()), format!("ADD {}{not_valid}", c.sql()))
        }
        TableChange::AddConstraintNotValid(c) => {
            (format!("AddConstraint {} NOT VALID", c.name()), format!("ADD {} NOT VALID", c.sql()))
        }
        TableChange::ValidateConstraint(c) => {
            (format!("ValidateConstraint {}", c.name()), format!("VALIDATE CONSTRAINT {}", ident(c.name())))
        }
        TableChange::DropConstraint(c) => {
            (format!("DropConstraint {}", c.name()), format!("DROP CONSTRAINT {}", ident(c.name())))
        }
        TableChange::SetUnlogged(true) => ("SetUnlogged".to_string(), "SET UNLOGGED".to_string()),
        TableChange::SetUnlogged(false) => ("SetLogged".to_string(), "SET LOGGED".to_string()),
        TableChange::SetStorage(params) => ("SetStorage".to_string(), format!("SET{}", &with(params)[" WITH".len()..])),
        TableChange::ResetStorage(names) => {
            let names: Vec<_> = names.iter().map(|n| ident(n)).collect();
            ("ResetStorage".to_string(), format!("RESET ({})", names.join(", ")))
        }
    };
    (format!("{what} ON {}", table.qname()), format!("ALTER TABLE {} {action}", rel(table)))
}
