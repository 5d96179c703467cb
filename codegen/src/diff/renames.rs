//! Renames, from the `renamed_from` hints: never guessed. A table or column the new schema says
//! was called something else, whose old name the old schema has and whose new name it lacks, is
//! renamed in place; the rest of the diff then runs against the old schema with those names
//! changed, so nothing of what was renamed is dropped.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Index, QName, Schema, Table};
use crate::render::sql::Constraint;
use crate::sql::ident;

/// A rename, as its own statement before every other change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    Table {
        from: QName,
        to: String,
    },
    /// A column of `table` (its name once the tables are renamed).
    Column {
        table: QName,
        from: String,
        to: String,
    },
    /// A constraint of `table` defined alike under another name.
    Constraint {
        table: QName,
        from: String,
        to: String,
    },
    /// An index (of a table of `namespace`) defined alike under another name.
    Index {
        namespace: String,
        from: String,
        to: String,
    },
}

/// The renames from `old` to `new` (a hint on either side: the down migration reads the new
/// schema's hints backwards), and `old` with them made.
/// Without renames `old` is borrowed as it is (the common case: no copy of the schema).
pub fn renamed<'a>(old: &'a Schema, new: &Schema) -> (Cow<'a, Schema>, Vec<Rename>) {
    let mut renames = Vec::new();
    let mut old = Cow::Borrowed(old);
    let has = |s: &Schema, q: &QName| s.table(q).is_some();
    // Tables: (name in old, name in new).
    let mut pairs: Vec<(QName, QName)> = Vec::new();
    for t in &new.tables {
        if let Some(from) = &t.renamed_from {
            pairs.push((QName::new(&t.namespace, from), t.qname()));
        }
    }
    for t in &old.tables {
        if let Some(to) = &t.renamed_from {
            pairs.push((t.qname(), QName::new(&t.namespace, to)));
        }
    }
    for (from, to) in pairs {
        if from == to || !has(&old, &from) || has(&old, &to) || has(new, &from) || !has(new, &to) {
            continue;
        }
        rename_table(old.to_mut(), &from, &to.name);
        renames.push(Rename::Table { from, to: to.name });
    }
    // Where each table of `old` is (renaming tables moves none).
    let at: HashMap<(String, String), usize> =
        old.tables.iter().enumerate().map(|(i, t)| ((t.namespace.clone(), t.name.clone()), i)).collect();
    let position = |n: &Table| at.get(&(n.namespace.clone(), n.name.clone())).copied();
    // Columns of the tables both have (once renamed).
    for n in &new.tables {
        let Some(o) = position(n) else { continue };
        let mut columns: Vec<(String, String)> = Vec::new();
        columns.extend(n.columns.iter().filter_map(|c| Some((c.renamed_from.clone()?, c.name.clone()))));
        columns.extend(old.tables[o].columns.iter().filter_map(|c| Some((c.name.clone(), c.renamed_from.clone()?))));
        for (from, to) in columns {
            let table = &old.tables[o];
            if from == to
                || table.column(&from).is_none()
                || table.column(&to).is_some()
                || n.column(&from).is_some()
                || n.column(&to).is_none()
            {
                continue;
            }
            rename_column(old.to_mut(), o, &from, &to);
            renames.push(Rename::Column { table: n.qname(), from, to });
        }
    }
    // Constraints and indexes of the tables both have, defined alike under another name (a
    // renamed table's `<table>_pkey`): renamed too, as dropping a key others reference cannot be.
    for n in &new.tables {
        let Some(o) = position(n) else { continue };
        let unnamed = |c: Constraint, name: &str| c.sql().replacen(&format!("CONSTRAINT {} ", ident(name)), "", 1);
        let mut pairs: Vec<(String, String, bool)> = Vec::new();
        for c in Constraint::all(&old.tables[o]) {
            let taken = |name: &str| Constraint::all(&old.tables[o]).any(|x| x.name() == name);
            if Constraint::all(n).any(|x| x.name() == c.name()) {
                continue;
            }
            let twin = Constraint::all(n).find(|x| !taken(x.name()) && unnamed(*x, x.name()) == unnamed(c, c.name()));
            pairs.extend(twin.map(|x| (c.name().to_string(), x.name().to_string(), false)));
        }
        let index_unnamed = |i: &Index| Index { name: String::new(), doc: None, span: Default::default(), ..i.clone() };
        for i in &old.tables[o].indexes {
            if n.indexes.iter().any(|x| x.name == i.name) {
                continue;
            }
            let taken = |name: &str| old.tables[o].indexes.iter().any(|x| x.name == name);
            let twin = n.indexes.iter().find(|x| !taken(&x.name) && same_index(&index_unnamed(x), &index_unnamed(i)));
            pairs.extend(twin.map(|x| (i.name.clone(), x.name.clone(), true)));
        }
        for (from, to, index) in pairs {
            rename_object(&mut old.to_mut().tables[o], &from, &to);
            renames.push(if index {
                Rename::Index { namespace: n.namespace.clone(), from, to }
            } else {
                Rename::Constraint { table: n.qname(), from, to }
            });
        }
    }
    (old, renames)
}

/// Two indexes alike but for their names and comments (spans aside).
fn same_index(a: &Index, b: &Index) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// A constraint or index of `table` under another name.
fn rename_object(table: &mut Table, from: &str, to: &str) {
    let set = |name: &mut String| {
        if name == from {
            *name = to.to_string();
        }
    };
    table.primary_key.iter_mut().for_each(|k| set(&mut k.name));
    table.uniques.iter_mut().for_each(|k| set(&mut k.name));
    table.exclusions.iter_mut().for_each(|k| set(&mut k.name));
    table.checks.iter_mut().for_each(|k| set(&mut k.name));
    table.foreign_keys.iter_mut().for_each(|k| set(&mut k.name));
    table.indexes.iter_mut().for_each(|k| set(&mut k.name));
}

/// Whether a reference names `q`.
fn names(r: &crate::model::Ref, q: &QName) -> bool {
    r.namespace == q.namespace && r.name == q.name
}

fn rename_table(schema: &mut Schema, from: &QName, to: &str) {
    schema.forget_positions();
    for g in &mut schema.grants {
        if let crate::model::GrantOn::Tables(refs) = &mut g.on {
            refs.iter_mut().filter(|r| names(r, from)).for_each(|r| r.name = to.to_string());
        }
    }
    for s in &mut schema.sequences {
        s.owned_by.iter_mut().filter(|o| names(&o.table, from)).for_each(|o| o.table.name = to.to_string());
    }
    for t in &mut schema.tables {
        if t.qname() == *from {
            t.name = to.to_string();
        }
        for fk in &mut t.foreign_keys {
            if fk.ref_table.namespace == from.namespace && fk.ref_table.name == from.name {
                fk.ref_table.name = to.to_string();
            }
        }
    }
}

/// Renames a column of `schema.tables[t]` wherever the model names it by name (not inside SQL
/// text, which PostgreSQL rewrites itself and the diff compares as written).
fn rename_column(schema: &mut Schema, t: usize, from: &str, to: &str) {
    let q = schema.tables[t].qname();
    let rename = |n: &mut crate::model::Named| {
        if n.name == from {
            n.name = to.to_string();
        }
    };
    let table: &mut Table = &mut schema.tables[t];
    for c in &mut table.columns {
        if c.name == from {
            c.name = to.to_string();
        }
    }
    table.primary_key.iter_mut().flat_map(|k| &mut k.columns).for_each(rename);
    table.uniques.iter_mut().flat_map(|u| &mut u.columns).for_each(rename);
    table.foreign_keys.iter_mut().flat_map(|f| &mut f.columns).for_each(rename);
    for i in &mut table.indexes {
        i.include.iter_mut().for_each(rename);
        for k in &mut i.keys {
            if let crate::model::IndexTarget::Column(c) = &mut k.target {
                rename(c);
            }
        }
    }
    table.soft_delete.iter_mut().for_each(rename);
    for g in &mut schema.grants {
        if matches!(&g.on, crate::model::GrantOn::Tables(refs) if refs.iter().any(|r| names(r, &q))) {
            g.columns.iter_mut().for_each(rename);
        }
    }
    for s in &mut schema.sequences {
        s.owned_by.iter_mut().filter(|o| names(&o.table, &q)).for_each(|o| rename(&mut o.column));
    }
    for other in &mut schema.tables {
        for fk in &mut other.foreign_keys {
            if fk.ref_table.namespace == q.namespace && fk.ref_table.name == q.name {
                fk.ref_columns.iter_mut().for_each(rename);
            }
        }
    }
}
