//! `Schema`'s lookups by name: positions hashed once, so that a lookup made per column, per
//! foreign key or per change costs the same at 10 tables as at 10,000 (issue 33 measured a scan
//! per lookup at a third of `strata generate`'s time).
//!
//! Every lookup of a declared object by its qualified name goes through here; a scan of a
//! schema's list inside a loop is what this replaces (`tests/tidy.rs` refuses new ones).

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Composite, Domain, Enum, Partition, QName, RangeType, Schema, Table};

/// The positions of a schema's tables, partitions and user types by qualified name.
///
/// Built on the first lookup, extended by what was appended since (a source adding tables as it
/// reads them), built anew when a list shrank; a clone starts empty and every index is equal.
/// A renaming in place calls `Schema::forget_positions`.
#[derive(Debug, Default)]
pub struct Positions(Mutex<Built>);

#[derive(Debug, Default)]
struct Built {
    lengths: [usize; 5],
    tables: HashMap<QName, usize>,
    /// The table and the position among its partitions.
    partitions: HashMap<QName, (usize, usize)>,
    enums: HashMap<QName, usize>,
    domains: HashMap<QName, usize>,
    composites: HashMap<QName, usize>,
    ranges: HashMap<QName, usize>,
}

impl Clone for Positions {
    fn clone(&self) -> Positions {
        Positions::default()
    }
}

impl PartialEq for Positions {
    fn eq(&self, _: &Positions) -> bool {
        true
    }
}

fn lengths(s: &Schema) -> [usize; 5] {
    [s.tables.len(), s.enums.len(), s.domains.len(), s.composites.len(), s.ranges.len()]
}

/// Adds the positions of `names` from `from` on. The first of two objects with one name wins,
/// as a scan finds it (the checks refuse both).
fn add<'a>(map: &mut HashMap<QName, usize>, from: usize, names: impl Iterator<Item = (&'a String, &'a String)>) {
    for (i, (namespace, name)) in names.enumerate().skip(from) {
        map.entry(QName::new(namespace, name)).or_insert(i);
    }
}

impl Built {
    /// Brings the index up to `s`: what was appended since is added (a source reads a table,
    /// looks one up, reads the next), anything else builds it anew.
    fn update(&mut self, s: &Schema) {
        let now = lengths(s);
        if now.iter().zip(self.lengths).any(|(now, then)| *now < then) {
            *self = Built::default();
        }
        let [tables, enums, domains, composites, ranges] = self.lengths;
        for (t, table) in s.tables.iter().enumerate().skip(tables) {
            for (p, part) in partitions(table).iter().enumerate() {
                self.partitions.entry(part.qname()).or_insert((t, p));
            }
        }
        add(&mut self.tables, tables, s.tables.iter().map(|t| (&t.namespace, &t.name)));
        add(&mut self.enums, enums, s.enums.iter().map(|e| (&e.namespace, &e.name)));
        add(&mut self.domains, domains, s.domains.iter().map(|d| (&d.namespace, &d.name)));
        add(&mut self.composites, composites, s.composites.iter().map(|c| (&c.namespace, &c.name)));
        add(&mut self.ranges, ranges, s.ranges.iter().map(|r| (&r.namespace, &r.name)));
        self.lengths = now;
    }
}

/// `at` if the object there is the one sought; else where a scan finds it: a stale index costs
/// time, never an answer. A debug build checks that a miss is one (the tests then catch a
/// renaming in place that did not forget the index).
fn pick_position<T>(list: &[T], at: Option<usize>, is: impl Fn(&T) -> bool) -> Option<usize> {
    match at {
        Some(i) if is(&list[i]) => Some(i),
        Some(_) => list.iter().position(is),
        None => {
            debug_assert!(!list.iter().any(&is), "Schema::positions is stale: forget_positions after a renaming");
            None
        }
    }
}

fn partitions(t: &Table) -> &[Partition] {
    t.partition.as_ref().map(|p| p.partitions.as_slice()).unwrap_or_default()
}

impl Schema {
    /// What `find` picks out of the schema's index, brought up to date first when the lists
    /// have grown or shrunk since.
    fn position<T>(&self, find: impl FnOnce(&Built) -> Option<T>) -> Option<T> {
        let mut built = self.positions.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if built.lengths != lengths(self) {
            built.update(self);
        }
        find(&built)
    }

    /// Drops the index: a table, partition or type was renamed in place.
    pub fn forget_positions(&mut self) {
        *self.positions.0.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()) = Built::default();
    }

    pub fn table(&self, q: &QName) -> Option<&Table> {
        self.table_position(q).map(|i| &self.tables[i])
    }

    /// Where the table named `q` is in `tables`, for a source that changes it.
    pub fn table_position(&self, q: &QName) -> Option<usize> {
        pick_position(&self.tables, self.position(|b| b.tables.get(q).copied()), |t| t.is(q))
    }

    /// The partition named `q`, with the table it is a partition of.
    pub fn partition(&self, q: &QName) -> Option<(&Table, &Partition)> {
        let at = self.position(|b| b.partitions.get(q).copied());
        if let Some((t, p)) = at
            && let Some(part) = partitions(&self.tables[t]).get(p).filter(|p| p.is(q))
        {
            return Some((&self.tables[t], part));
        }
        // Partitions are added to a table already indexed (`PARTITION OF` read after it), so a
        // miss is looked for.
        self.tables.iter().find_map(|t| Some((t, partitions(t).iter().find(|p| p.is(q))?)))
    }

    pub fn enum_(&self, q: &QName) -> Option<&Enum> {
        self.enum_position(q).map(|i| &self.enums[i])
    }

    /// Where the union type named `q` is in `enums`, for a source that changes it.
    pub fn enum_position(&self, q: &QName) -> Option<usize> {
        pick_position(&self.enums, self.position(|b| b.enums.get(q).copied()), |e| e.is(q))
    }

    pub fn domain(&self, q: &QName) -> Option<&Domain> {
        pick_position(&self.domains, self.position(|b| b.domains.get(q).copied()), |d| d.is(q))
            .map(|i| &self.domains[i])
    }

    pub fn composite(&self, q: &QName) -> Option<&Composite> {
        self.composite_position(q).map(|i| &self.composites[i])
    }

    /// Where the composite type named `q` is in `composites`, for a source that changes it.
    pub fn composite_position(&self, q: &QName) -> Option<usize> {
        pick_position(&self.composites, self.position(|b| b.composites.get(q).copied()), |c| c.is(q))
    }

    pub fn range(&self, q: &QName) -> Option<&RangeType> {
        pick_position(&self.ranges, self.position(|b| b.ranges.get(q).copied()), |r| r.is(q)).map(|i| &self.ranges[i])
    }
}
