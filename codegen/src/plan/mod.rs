//! Plans: the ordered steps that build a schema, decided here so renderers only print.

use std::collections::HashSet;

use crate::model::{Enum, ForeignKey, Index, Named, Schema, Table};

/// One step of a plan. Steps are applied in the order of the plan, undone in reverse.
#[derive(Debug, Clone)]
pub enum Step<'s> {
    /// First: types and tables may use what an extension provides.
    CreateExtension(&'s Named),
    /// Before tables: columns use the type.
    CreateEnum(&'s Enum),
    /// In foreign-key order, carrying the foreign keys whose targets already exist.
    CreateTable {
        table: &'s Table,
        deferred: Vec<usize>,
    },
    /// A foreign key that is part of a cycle, added once both tables exist.
    AddForeignKey {
        table: &'s Table,
        fk: &'s ForeignKey,
    },
    /// After all tables, so the table exists and bulk-loaded data need not maintain it.
    CreateIndex {
        table: &'s Table,
        index: &'s Index,
    },
    /// Last: comments only describe objects that exist.
    Comment {
        table: &'s Table,
        column: Option<&'s str>,
        text: &'s str,
    },
    CommentOnType {
        name: &'s str,
        text: &'s str,
    },
}

impl Step<'_> {
    /// The `-- CreateTable users` style header that precedes each statement.
    pub fn description(&self) -> String {
        match self {
            Step::CreateExtension(e) => format!("CreateExtension {}", e.name),
            Step::CreateEnum(e) => format!("CreateEnum {}", e.name),
            Step::CreateTable { table, .. } => format!("CreateTable {}", table.name),
            Step::AddForeignKey { table, fk } => format!("AddForeignKey {}.{}", table.name, fk.name),
            Step::CreateIndex { index, .. } => format!("CreateIndex {}", index.name),
            Step::Comment { table, column: None, .. } => format!("Comment {}", table.name),
            Step::Comment { table, column: Some(c), .. } => format!("Comment {}.{c}", table.name),
            Step::CommentOnType { name, .. } => format!("Comment {name}"),
        }
    }
}

/// The order tables are created in, and per table the positions of its foreign keys that must
/// wait until every table exists. Tables keep declaration order except where a table must wait for one it references;
/// when every remaining table waits on another (a cycle), the first declared goes next and its
/// foreign keys to tables not yet created are deferred.
fn table_order(schema: &Schema) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = schema.tables.len();
    let mut created: HashSet<&str> = HashSet::with_capacity(n);
    let mut order = Vec::with_capacity(n);
    let mut deferred = vec![Vec::new(); n];
    let mut remaining: Vec<usize> = (0..n).collect();
    let waits_on = |t: &Table, created: &HashSet<&str>| {
        t.foreign_keys.iter().any(|fk| fk.ref_table.name != t.name && !created.contains(fk.ref_table.name.as_str()))
    };
    while !remaining.is_empty() {
        let pos = remaining.iter().position(|&i| !waits_on(&schema.tables[i], &created)).unwrap_or(0);
        let i = remaining.remove(pos);
        let table = &schema.tables[i];
        for (k, fk) in table.foreign_keys.iter().enumerate() {
            if fk.ref_table.name != table.name && !created.contains(fk.ref_table.name.as_str()) {
                deferred[i].push(k);
            }
        }
        created.insert(&table.name);
        order.push(i);
    }
    (order, deferred)
}

/// The plan that creates `schema` in an empty database.
pub fn create(schema: &Schema) -> Vec<Step<'_>> {
    let (order, deferred) = table_order(schema);
    let mut steps: Vec<Step> = schema.extensions.iter().map(Step::CreateExtension).collect();
    steps.extend(schema.enums.iter().filter(|e| e.repr == crate::model::EnumRepr::Type).map(Step::CreateEnum));
    for &i in &order {
        steps.push(Step::CreateTable { table: &schema.tables[i], deferred: deferred[i].clone() });
    }
    for &i in &order {
        let table = &schema.tables[i];
        steps.extend(deferred[i].iter().map(|&k| Step::AddForeignKey { table, fk: &table.foreign_keys[k] }));
    }
    for &i in &order {
        let table = &schema.tables[i];
        steps.extend(table.indexes.iter().map(|index| Step::CreateIndex { table, index }));
    }
    for e in &schema.enums {
        if let (crate::model::EnumRepr::Type, Some(text)) = (&e.repr, &e.doc) {
            steps.push(Step::CommentOnType { name: &e.name, text });
        }
    }
    for &i in &order {
        let table = &schema.tables[i];
        if let Some(text) = &table.doc {
            steps.push(Step::Comment { table, column: None, text });
        }
        for c in &table.columns {
            if let Some(text) = &c.doc {
                steps.push(Step::Comment { table, column: Some(&c.name), text });
            }
        }
    }
    steps
}
