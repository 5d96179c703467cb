//! The differ's decided changes as SQL: steps made or undone, ALTER TABLE actions, new union
//! values, renames, and the per-partition build of an index. It prints; `diff::decide` decided.

use super::{column_def, create_index, ident, identity_clause, literal, qualified, rel, step_sql, undo_sql, with};
use crate::diff::{Build, Change, Decided, Hazard, Rename, TableChange};
use crate::model::{Schema, Table};
use crate::plan::Step;

/// One change as SQL, with what running it risks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSql {
    pub description: String,
    pub sql: String,
    pub hazards: Vec<Hazard>,
    /// Whether it may share a transaction with the others (see `diff::decide`).
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

/// Each decided change as SQL: creates against `new`, drops against `old`. Printing only: how
/// each runs was decided on the changes (`diff::decide`).
pub fn changes(old: &Schema, new: &Schema, decided: &[Decided<'_>]) -> Vec<ChangeSql> {
    decided
        .iter()
        .filter_map(|d| {
            Some(ChangeSql {
                sql: sql_of(old, new, &d.change, d.build)?,
                description: d.description(),
                hazards: d.hazards.clone(),
                transaction: d.transaction,
            })
        })
        .collect()
}

/// `change` as SQL; `None` for a step nothing undoes on its own.
fn sql_of(old: &Schema, new: &Schema, change: &Change<'_>, build: Build) -> Option<String> {
    Some(match change {
        Change::Create(Step::CreateIndex { on, index }) => create_index(on, index, build),
        Change::Create(Step::CreatePartitionIndex { on, index, name }) => {
            create_index(on, &crate::model::Index { name: name.to_string(), ..(*index).clone() }, build)
        }
        Change::Create(step) => step_sql(new, step),
        Change::Drop(Step::CreateIndex { on, index }) if build == Build::Concurrently => {
            format!("DROP INDEX CONCURRENTLY IF EXISTS {}", qualified(&on.namespace, &index.name))
        }
        Change::Drop(step) => drop_sql(old, step)?,
        Change::Alter { table, change: TableChange::AddConstraint(key) } if build == Build::UsingIndex => {
            let (kind, deferrable) = match key {
                super::Constraint::Unique(u) => ("UNIQUE", super::deferrable(u.deferrable)),
                _ => ("PRIMARY KEY", ""),
            };
            let name = ident(key.name());
            format!("ALTER TABLE {} ADD CONSTRAINT {name} {kind} USING INDEX {name}{deferrable}", rel(table))
        }
        Change::Alter { table, change } => alter(new, table, change),
        Change::AddEnumValue { enum_, value, before } => {
            let before = before.map(|b| format!(" BEFORE {}", literal(b))).unwrap_or_default();
            format!(
                "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{before}",
                qualified(&enum_.namespace, &enum_.name),
                literal(value)
            )
        }
        Change::Rename(Rename::Table { from, to }) => {
            format!("ALTER TABLE {} RENAME TO {}", qualified(&from.namespace, &from.name), ident(to))
        }
        Change::Rename(Rename::Column { table, from, to }) => format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            qualified(&table.namespace, &table.name),
            ident(from),
            ident(to)
        ),
        Change::Rename(Rename::Constraint { table, from, to }) => format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            qualified(&table.namespace, &table.name),
            ident(from),
            ident(to)
        ),
        Change::Rename(Rename::Index { namespace, from, to }) => {
            format!("ALTER INDEX {} RENAME TO {}", qualified(namespace, from), ident(to))
        }
        Change::ReplaceEnum { new: e, columns, .. } => replace_enum(e, columns),
        Change::PartitionIndex { on, index, .. } => create_index(on, index, build),
        Change::KeyIndex { table, key } => {
            let (columns, nulls) = match key {
                super::Constraint::Unique(u) => {
                    (&u.columns, if u.nulls_not_distinct { " NULLS NOT DISTINCT" } else { "" })
                }
                super::Constraint::PrimaryKey(pk) => (&pk.columns, ""),
                _ => unreachable!("only a primary key or a unique constraint is built this way (diff::decide)"),
            };
            format!(
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({}){nulls}",
                ident(key.name()),
                rel(table),
                super::columns(columns)
            )
        }
        Change::AttachIndex { parent, index } => format!(
            "ALTER INDEX {} ATTACH PARTITION {}",
            qualified(&parent.namespace, &parent.name),
            qualified(&index.namespace, &index.name)
        ),
    })
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

fn alter(new: &Schema, table: &Table, change: &TableChange<'_>) -> String {
    let column = |c: &crate::model::Column| ident(&c.name).into_owned();
    let action = match change {
        TableChange::AddColumn(c) => format!("ADD COLUMN {}", column_def(new, c)),
        TableChange::AddColumnToFill(c) => {
            let open = crate::model::Column { nullable: true, default: None, ..(*c).clone() };
            format!("ADD COLUMN {}", column_def(new, &open))
        }
        TableChange::Backfill(c) => return backfill(table, c),
        TableChange::DropColumn(c) => format!("DROP COLUMN {}", column(c)),
        TableChange::SetType(c) => {
            let ty = new.sql_type(&c.ty);
            let collate = c.collation.as_ref().map(|n| format!(" COLLATE {}", ident(&n.name))).unwrap_or_default();
            format!("ALTER COLUMN {name} TYPE {ty}{collate} USING {name}::{ty}", name = column(c))
        }
        TableChange::SetDefault(c) => {
            format!("ALTER COLUMN {} SET DEFAULT {}", column(c), c.default.as_ref().map_or("NULL", |d| d.sql.as_str()))
        }
        TableChange::DropDefault(c) => {
            format!("ALTER COLUMN {} DROP DEFAULT", column(c))
        }
        TableChange::AddNotNullCheck(c) => {
            format!("ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID", not_null_check(table, c), column(c))
        }
        TableChange::ValidateNotNullCheck(c) => format!("VALIDATE CONSTRAINT {}", not_null_check(table, c)),
        TableChange::SetNotNull(c) => {
            let t = rel(table);
            let sql = [
                format!("ALTER TABLE {t} ALTER COLUMN {} SET NOT NULL", column(c)),
                format!("ALTER TABLE {t} DROP CONSTRAINT {}", not_null_check(table, c)),
            ];
            return sql.join(";\n");
        }
        TableChange::DropNotNull(c) => {
            format!("ALTER COLUMN {} DROP NOT NULL", column(c))
        }
        TableChange::AddIdentity(c) => {
            let identity = c.identity.as_ref().map(identity_clause).unwrap_or_default();
            format!("ALTER COLUMN {} ADD{identity}", column(c))
        }
        TableChange::DropIdentity(c) => {
            format!("ALTER COLUMN {} DROP IDENTITY", column(c))
        }
        TableChange::AddConstraint(c) => {
            let not_valid = if c.not_valid() { " NOT VALID" } else { "" };
            format!("ADD {}{not_valid}", c.sql())
        }
        TableChange::AddConstraintNotValid(c) => {
            format!("ADD {} NOT VALID", c.sql())
        }
        TableChange::ValidateConstraint(c) => {
            format!("VALIDATE CONSTRAINT {}", ident(c.name()))
        }
        TableChange::DropConstraint(c) => {
            format!("DROP CONSTRAINT {}", ident(c.name()))
        }
        TableChange::SetUnlogged(true) => "SET UNLOGGED".to_string(),
        TableChange::SetUnlogged(false) => "SET LOGGED".to_string(),
        TableChange::SetStorage(params) => format!("SET{}", &with(params)[" WITH".len()..]),
        TableChange::ResetStorage(names) => {
            let names: Vec<_> = names.iter().map(|n| ident(n)).collect();
            format!("RESET ({})", names.join(", "))
        }
    };
    format!("ALTER TABLE {} {action}", rel(table))
}

/// How many rows a backfill writes per transaction: short enough that its row locks and WAL
/// stay small, long enough that a million rows take a hundred round trips of the loop.
const BACKFILL_BATCH: usize = 10_000;

/// `TableChange::Backfill`: a DO block that fills the column's NULLs from its `backfill` a batch
/// at a time, committing each (so it runs alone, outside a transaction), and stops with an error
/// when the expression gives a row NULL (the loop would never end, and SET NOT NULL would fail).
fn backfill(table: &Table, c: &crate::model::Column) -> String {
    let (t, col) = (rel(table), ident(&c.name));
    let expr = c.backfill.as_ref().map_or("NULL", |e| e.sql.as_str());
    // A partitioned table's ctids repeat across its partitions: rows are named with tableoid too.
    let rows = match table.partition {
        None => format!("ctid = ANY (ARRAY(SELECT ctid FROM {t} WHERE {col} IS NULL LIMIT {BACKFILL_BATCH}))"),
        Some(_) => {
            format!("(tableoid, ctid) IN (SELECT tableoid, ctid FROM {t} WHERE {col} IS NULL LIMIT {BACKFILL_BATCH})")
        }
    };
    let failure = crate::sql::literal(&format!("backfill of {}.{}: it gives NULL for % row(s)", table.name, c.name));
    let body = format!(
        "\nDECLARE\n    done bigint;\n    empty bigint;\nBEGIN\n    LOOP\n        \
         WITH batch AS (UPDATE {t} SET {col} = ({expr}) WHERE {rows} RETURNING {col} IS NULL AS empty)\n        \
         SELECT count(*), count(*) FILTER (WHERE batch.empty) INTO done, empty FROM batch;\n        \
         IF empty > 0 THEN\n            RAISE EXCEPTION {failure}, empty;\n        END IF;\n        \
         EXIT WHEN done = 0;\n        COMMIT;\n    END LOOP;\nEND\n"
    );
    let tag = super::dollar_tag(&body);
    format!("DO {tag}{body}{tag}")
}

/// The CHECK that carries a column's NOT NULL while it is validated (`TableChange::SetNotNull`).
fn not_null_check(table: &Table, c: &crate::model::Column) -> String {
    ident(&crate::model::object_name(&table.name, &c.name, "not_null")).into_owned()
}
