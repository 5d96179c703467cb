//! Rows of partitioned tables: their partitions and bounds, and each partition's own keys and indexes.

use super::*;

/// A partitioned table's key (first row) and one partition (each row that names one).
pub(super) fn partition(t: &mut Table, r: &Row) {
    let span = Span::default();
    if t.partition.is_none() {
        let key = r.text(2);
        let (method, columns) = key.split_once(' ').unwrap_or((&key, ""));
        let method = match method {
            "LIST" => PartitionMethod::List,
            "HASH" => PartitionMethod::Hash,
            _ => PartitionMethod::Range,
        };
        let inner = columns.trim().strip_prefix('(').and_then(|c| c.strip_suffix(')')).unwrap_or(columns);
        let key = top_level(inner).iter().map(|k| key_target(k)).collect();
        t.partition = Some(Partitioning {
            method,
            key,
            partitions: Vec::new(),
            retention: None,
            managed_by: None,
            premake: None,
            archive: None,
            span,
        });
    }
    let Some(name) = r.opt(4) else { return };
    let printed = r.text(5);
    let values = |s: &str| top_level(s.trim().strip_prefix('(').and_then(|v| v.strip_suffix(')')).unwrap_or(s));
    let bound = if printed == "DEFAULT" {
        PartitionBound::Default
    } else if let Some(range) = printed.strip_prefix("FOR VALUES FROM ") {
        let (from, to) = range.split_once(" TO ").unwrap_or((range, ""));
        PartitionBound::Range { from: values(from), to: values(to) }
    } else if let Some(list) = printed.strip_prefix("FOR VALUES IN ") {
        PartitionBound::In(values(list))
    } else {
        let numbers: Vec<u32> = printed.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
        PartitionBound::Hash {
            modulus: numbers.first().copied().unwrap_or(0),
            remainder: numbers.get(1).copied().unwrap_or(0),
        }
    };
    let mut p = Partition::new(&r.text(3), name, bound, span);
    p.storage = r.options(6);
    if let Some(partitioning) = &mut t.partition {
        partitioning.partitions.push(p);
    }
}

/// The items of a comma-separated list outside parentheses and quotes: `'a, b', f(x, y)`.
pub(super) fn top_level(list: &str) -> Vec<String> {
    let (mut items, mut item, mut depth, mut quoted) = (Vec::new(), String::new(), 0, false);
    for c in list.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(item.trim().to_string());
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    if !item.trim().is_empty() {
        items.push(item.trim().to_string());
    }
    items
}

/// What partitions have of their own: CHECKs and foreign keys not inherited from the parent,
/// indexes not attached to one of the parent's, and the names of those attached when they are
/// not the ones PostgreSQL would choose.
pub(super) fn partition_objects(schema: &mut Schema, constraints: &[&Row], indexes: &[&Row]) {
    let mut at = HashMap::new();
    for (ti, t) in schema.tables.iter().enumerate() {
        for (pi, p) in t.partition.iter().flat_map(|p| &p.partitions).enumerate() {
            at.insert((p.namespace.clone(), p.name.clone()), (ti, pi));
        }
    }
    fn partition<'s>(
        schema: &'s mut Schema,
        at: &HashMap<(String, String), (usize, usize)>,
        r: &Row,
    ) -> Option<&'s mut Partition> {
        let (ti, pi) = at.get(&(r.text(0), r.text(1)))?;
        schema.tables[*ti].partition.as_mut()?.partitions.get_mut(*pi)
    }
    for r in constraints {
        let Some(p) = partition(schema, &at, r) else { continue };
        let mut own = Table::new(&p.namespace, &p.name);
        constraint(&mut own, r);
        p.checks.append(&mut own.checks);
        p.foreign_keys.append(&mut own.foreign_keys);
    }
    for r in indexes {
        let Some(p) = partition(schema, &at, r) else { continue };
        let index = index(r);
        match r.opt(10) {
            None => p.indexes.push(index),
            Some(parent) if index.name != Index::chosen_name(&p.name, &index.keys) => {
                p.index_names.push((Named { name: parent, span: Span::default() }, index.name))
            }
            Some(_) => {}
        }
    }
}
