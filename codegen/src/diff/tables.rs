//! A table both schemas have: what ALTER TABLE changes it from one to the other.

use super::keys::Key;
use crate::model::{Column, ColumnType, Scalar, Schema, Table};
use crate::render::sql::Constraint;

/// One ALTER TABLE action. Columns and constraints are the new schema's when added or
/// changed, the old one's when dropped.
#[derive(Debug, Clone)]
pub enum TableChange<'s> {
    AddColumn(&'s Column),
    /// A NOT NULL column with a `backfill`, added to a table that stays: nullable and without
    /// its default first, then its default set, `Backfill`, and the NOT NULL changes.
    AddColumnToFill(&'s Column),
    /// The rows a table holds given the column's `backfill`, a batch per transaction (run alone).
    Backfill(&'s Column),
    DropColumn(&'s Column),
    /// `ALTER COLUMN ... TYPE new USING column::new` (a rewrite when the storage changes).
    SetType(&'s Column),
    SetDefault(&'s Column),
    DropDefault(&'s Column),
    /// `nullable` true → false, in three changes: a CHECK (col IS NOT NULL) added NOT VALID (a
    /// brief lock), validated in a transaction of its own (rows read under a lock that lets
    /// writes go on), then SET NOT NULL, which trusts the CHECK instead of scanning the table
    /// under its ACCESS EXCLUSIVE lock, and the CHECK dropped.
    AddNotNullCheck(&'s Column),
    ValidateNotNullCheck(&'s Column),
    SetNotNull(&'s Column),
    DropNotNull(&'s Column),
    AddIdentity(&'s Column),
    DropIdentity(&'s Column),
    AddConstraint(Constraint<'s>),
    /// A CHECK or foreign key added to a table with rows: `NOT VALID` first (a brief lock),
    /// then `ValidateConstraint`, in a transaction of its own once the ADD has committed, which
    /// reads the rows without blocking writes.
    AddConstraintNotValid(Constraint<'s>),
    ValidateConstraint(Constraint<'s>),
    DropConstraint(Constraint<'s>),
    /// `SET LOGGED` (false) or `SET UNLOGGED` (true).
    SetUnlogged(bool),
    /// `SET (name = value, ...)`.
    SetStorage(&'s [(String, String)]),
    /// `RESET (name, ...)`.
    ResetStorage(Vec<&'s str>),
}

/// How one table changes.
#[derive(Debug, Default)]
pub struct TableDiff<'s> {
    /// Its partitioning changed: PostgreSQL cannot alter that, the table is created anew.
    pub recreate: bool,
    /// Foreign keys dropped, before any table or column goes.
    pub fk_drops: Vec<TableChange<'s>>,
    /// Constraints and columns dropped, where the old table stood in the old plan.
    pub drops: Vec<TableChange<'s>>,
    /// Columns added and changed, and constraints added, where the new table stands.
    pub adds: Vec<TableChange<'s>>,
    /// Foreign keys added, once every table exists.
    pub fk_adds: Vec<TableChange<'s>>,
    /// Constraints and columns dropped (their comments go with them).
    pub gone: Vec<Key>,
    /// The columns dropped or retyped: what reads them is rebuilt around the change.
    pub reshaped: Vec<&'s str>,
}

impl TableDiff<'_> {
    pub fn is_empty(&self) -> bool {
        !self.recreate
            && self.fk_drops.is_empty()
            && self.drops.is_empty()
            && self.adds.is_empty()
            && self.fk_adds.is_empty()
    }
}

/// The changes from `old` (of `from`) to `new` (of `to`).
pub fn diff<'s>(from: &'s Schema, old: &'s Table, to: &'s Schema, new: &'s Table) -> TableDiff<'s> {
    let mut d = TableDiff::default();
    let shape = |t: &Table| t.partition.as_ref().map(|p| (p.method, serde_json::to_string(&p.key).unwrap_or_default()));
    if shape(old) != shape(new) {
        d.recreate = true;
        return d;
    }
    let q = new.qname();
    let old_constraints: Vec<Constraint> = Constraint::all(old).collect();
    let new_constraints: Vec<Constraint> = Constraint::all(new).collect();
    let same = |a: &Constraint, b: &Constraint| same_constraint(*a, *b) && a.not_valid() == b.not_valid();
    for c in &old_constraints {
        if !new_constraints.iter().any(|n| n.name() == c.name() && same(c, n)) {
            let list = if matches!(c, Constraint::ForeignKey(_)) { &mut d.fk_drops } else { &mut d.drops };
            list.push(TableChange::DropConstraint(*c));
            d.gone.push(Key::constraint(c.name(), &q));
        }
    }
    for o in &old.columns {
        let n = new.columns.iter().find(|n| n.name == o.name);
        // A generated column's expression cannot be altered: it is dropped and added again.
        if n.is_none_or(|n| n.generated.as_ref().map(|g| &g.sql) != o.generated.as_ref().map(|g| &g.sql)) {
            d.drops.push(TableChange::DropColumn(o));
            d.gone.push(Key::column(&o.name, &q));
            d.reshaped.push(&o.name);
        }
    }
    for n in &new.columns {
        let Some(o) = old.columns.iter().find(|o| o.name == n.name) else {
            if n.backfill.is_some() && !n.nullable && n.generated.is_none() && n.identity.is_none() {
                d.adds.push(TableChange::AddColumnToFill(n));
                if n.default.is_some() {
                    d.adds.push(TableChange::SetDefault(n));
                }
                d.adds.extend([
                    TableChange::Backfill(n),
                    TableChange::AddNotNullCheck(n),
                    TableChange::ValidateNotNullCheck(n),
                    TableChange::SetNotNull(n),
                ]);
            } else {
                d.adds.push(TableChange::AddColumn(n));
            }
            continue;
        };
        if o.generated.as_ref().map(|g| &g.sql) != n.generated.as_ref().map(|g| &g.sql) {
            d.adds.push(TableChange::AddColumn(n));
            continue;
        }
        if same_column(from, o, to, n) {
            continue;
        }
        let collation = |c: &Column| c.collation.as_ref().map(|c| c.name.clone());
        let retyped = from.sql_type(&o.ty) != to.sql_type(&n.ty) || collation(o) != collation(n);
        let identity = |c: &Column| c.identity.as_ref().map(|i| (i.always, i.options.clone()));
        let reidentified = identity(o) != identity(n);
        // Compared as PostgreSQL means them, so a default the catalog prints with its cast
        // (`'{}'::jsonb`) is not re-emitted on every run.
        let redefault = match (&o.default, &n.default) {
            (None, None) => false,
            (Some(a), Some(b)) => !crate::sql::normalize::same(&a.sql, &b.sql),
            _ => true,
        };
        if o.identity.is_some() && reidentified {
            d.adds.push(TableChange::DropIdentity(o));
        }
        // An integer widened or narrowed converts its default as it stands (PostgreSQL casts it
        // with the column); any other type change takes it off and sets it again after.
        let integer =
            |c: &Column| matches!(c.ty, ColumnType::Scalar(Scalar::SmallInt | Scalar::Integer | Scalar::BigInt));
        let redefault = redefault || (retyped && !(integer(o) && integer(n)));
        if o.default.is_some() && redefault {
            d.adds.push(TableChange::DropDefault(o));
        }
        if retyped {
            d.adds.push(TableChange::SetType(n));
            d.reshaped.push(&n.name);
        }
        if n.default.is_some() && redefault {
            d.adds.push(TableChange::SetDefault(n));
        }
        match (o.nullable, n.nullable) {
            (true, false) => d.adds.extend([
                TableChange::AddNotNullCheck(n),
                TableChange::ValidateNotNullCheck(n),
                TableChange::SetNotNull(n),
            ]),
            (false, true) => d.adds.push(TableChange::DropNotNull(n)),
            _ => {}
        }
        if n.identity.is_some() && reidentified {
            d.adds.push(TableChange::AddIdentity(n));
        }
    }
    for c in &new_constraints {
        if !old_constraints.iter().any(|o| o.name() == c.name() && same(c, o)) {
            let list = if matches!(c, Constraint::ForeignKey(_)) { &mut d.fk_adds } else { &mut d.adds };
            match c {
                // PostgreSQL 15 refuses NOT VALID on a partitioned table.
                Constraint::Check(_) | Constraint::ForeignKey(_) if !c.not_valid() && new.partition.is_none() => {
                    list.extend([TableChange::AddConstraintNotValid(*c), TableChange::ValidateConstraint(*c)])
                }
                _ => list.push(TableChange::AddConstraint(*c)),
            }
        }
    }
    if old.unlogged != new.unlogged {
        d.adds.push(TableChange::SetUnlogged(new.unlogged));
    }
    if old.storage != new.storage {
        let reset: Vec<&str> = old
            .storage
            .iter()
            .filter(|(k, _)| !new.storage.iter().any(|(n, _)| n == k))
            .map(|(k, _)| k.as_str())
            .collect();
        if !reset.is_empty() {
            d.adds.push(TableChange::ResetStorage(reset));
        }
        if !new.storage.is_empty() {
            d.adds.push(TableChange::SetStorage(&new.storage));
        }
    }
    d
}

/// Whether a column is declared alike in both schemas: as `column_def` would write it, without
/// writing it (most columns of most tables are unchanged).
fn same_column(from: &Schema, o: &Column, to: &Schema, n: &Column) -> bool {
    let text = |e: &Option<crate::model::Expr>| e.as_ref().map(|e| e.sql.clone());
    let identity = |c: &Column| c.identity.as_ref().map(|i| (i.always, i.options.clone()));
    let collation = |c: &Column| c.collation.as_ref().map(|c| c.name.clone());
    // A union type's SQL type depends on how the schema stores it, not on the column alone.
    let ty_same =
        o.ty == n.ty && (!matches!(o.ty.scalar(), Scalar::Enum(_)) || from.sql_type(&o.ty) == to.sql_type(&n.ty));
    ty_same
        && o.nullable == n.nullable
        && text(&o.default) == text(&n.default)
        && text(&o.generated) == text(&n.generated)
        && identity(o) == identity(n)
        && collation(o) == collation(n)
}

/// Whether two constraints of the same name are declared alike: as `Constraint::sql` would
/// write them, compared without writing the common kinds.
fn same_constraint(a: Constraint, b: Constraint) -> bool {
    fn names(n: &[crate::model::Named]) -> Vec<&str> {
        n.iter().map(|n| n.name.as_str()).collect()
    }
    match (a, b) {
        // As PostgreSQL means them: a CHECK read back from the catalog is printed otherwise each
        // time it is stored again (`IN` lists as `= ANY (ARRAY[...])`, with casts).
        (Constraint::Check(a), Constraint::Check(b)) => crate::sql::normalize::same(&a.expr.sql, &b.expr.sql),
        (Constraint::PrimaryKey(a), Constraint::PrimaryKey(b)) => names(&a.columns) == names(&b.columns),
        (Constraint::Unique(a), Constraint::Unique(b)) => {
            names(&a.columns) == names(&b.columns)
                && a.nulls_not_distinct == b.nulls_not_distinct
                && a.deferrable == b.deferrable
        }
        (Constraint::ForeignKey(a), Constraint::ForeignKey(b)) => {
            names(&a.columns) == names(&b.columns)
                && (&a.ref_table.namespace, &a.ref_table.name) == (&b.ref_table.namespace, &b.ref_table.name)
                && names(&a.ref_columns) == names(&b.ref_columns)
                && (a.on_delete, a.on_update, a.match_full, a.deferrable)
                    == (b.on_delete, b.on_update, b.match_full, b.deferrable)
        }
        _ => a.sql() == b.sql(),
    }
}

/// Around a union type replaced under column `c` of `new` (`diff::swapped_columns`): each CHECK
/// that reads the column is dropped before the swap and added again after it, validated in the
/// swap's transaction (which rewrites the table under its lock anyway: a validation of its own
/// would end the transaction with what is rebuilt after it still missing), and what reads the
/// table is rebuilt (`reshaped`). A generated column reading it is dropped and added again (its
/// values are derived from the others).
pub fn around_swap<'s>(old: &'s Table, new: &'s Table, c: &'s Column, d: &mut TableDiff<'s>) {
    d.reshaped.push(&c.name);
    // One that does not parse is taken to read it.
    let reads = |e: &crate::model::Expr| {
        e.ast().is_none_or(|ast| crate::sql::deps::columns_read(ast).iter().any(|(_, column)| *column == c.name))
    };
    for n in new.columns.iter().filter(|n| n.generated.as_ref().is_some_and(&reads)) {
        let Some(o) = old.columns.iter().find(|o| o.name == n.name) else { continue };
        if d.drops.iter().any(|x| matches!(x, TableChange::DropColumn(k) if k.name == o.name)) {
            continue;
        }
        d.drops.push(TableChange::DropColumn(o));
        d.gone.push(Key::column(&o.name, &new.qname()));
        d.adds.push(TableChange::AddColumn(n));
        d.reshaped.push(&n.name);
    }
    for n in new.checks.iter().filter(|n| reads(&n.expr)) {
        let Some(o) = old.checks.iter().find(|o| o.name == n.name) else { continue };
        let dropped = |list: &[TableChange]| {
            list.iter().any(|x| matches!(x, TableChange::DropConstraint(Constraint::Check(k)) if k.name == o.name))
        };
        if dropped(&d.drops) {
            continue;
        }
        d.drops.push(TableChange::DropConstraint(Constraint::Check(o)));
        d.adds.push(TableChange::AddConstraint(Constraint::Check(n)));
    }
}
