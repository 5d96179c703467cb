//! Partitions: PostgreSQL's own rules for partitioned tables, checked before it rejects them.
//! Unique keys must include the partition key, foreign keys to a partitioned table must
//! reference it, exclusion constraints wait for PostgreSQL 17, bounds must fit the method, and generated or listed ranges must not overlap.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::calendar::Date;
use crate::model::{
    IndexTarget, PG_PARTMAN, PartitionBound, PartitionMethod, Partitioning, QName, STRATA_UPKEEP, Scalar, Schema, Table,
};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let partitioned: HashMap<QName, &Table> =
        schema.tables.iter().filter(|t| t.partition.is_some()).map(|t| (t.qname(), t)).collect();
    for t in &schema.tables {
        if let Some(p) = &t.partition {
            unique_keys_include_partition_key(t, p, diags);
            bounds(t, p, diags);
            premade(schema, t, p, diags);
            for fk in t.foreign_keys.iter().filter(|fk| fk.not_valid) {
                diags.push(Diagnostic::not_valid_fk_on_partitioned(&t.name, &fk.name, fk.span));
            }
            for x in &t.exclusions {
                diags.push(Diagnostic::exclusion_on_partitioned(&t.name, &x.name, x.span));
            }
            let indexes: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
            for (parent, _) in p.partitions.iter().flat_map(|p| &p.index_names) {
                if !indexes.contains(&parent.name.as_str()) {
                    diags.push(Diagnostic::unknown_index(&t.name, &parent.name, &indexes, parent.span));
                }
            }
        }
        for fk in &t.foreign_keys {
            let Some(target) = partitioned.get(&fk.ref_table.qname()) else { continue };
            let missing: Vec<&str> = target
                .partition_key_columns()
                .into_iter()
                .filter(|k| !fk.ref_columns.iter().any(|c| c.name == *k))
                .collect();
            if !missing.is_empty() {
                diags.push(Diagnostic::fk_to_partitioned_without_key(&target.name, &missing, fk.span));
            }
        }
    }
}

/// Partitions made at run time: by range over one date or timestamp column, none listed but
/// DEFAULT, kept by strata or pg_partman (declared), names that fit and change every period, and
/// an archive namespace that exists.
fn premade(schema: &Schema, t: &Table, p: &Partitioning, diags: &mut Diagnostics) {
    let Some(premake) = &p.premake else { return };
    let mut wrong = |why: &str, help: &str| diags.push(Diagnostic::invalid_premake(&t.name, why, help, p.span));
    if p.method != PartitionMethod::Range {
        wrong("they are ranges of time", "use `by = \"range\"`");
    }
    let column = match p.key.as_slice() {
        [IndexTarget::Column(c)] => t.column(&c.name),
        _ => None,
    };
    if !column.is_some_and(|c| matches!(c.ty.scalar(), Scalar::Date | Scalar::Timestamp | Scalar::Timestamptz)) {
        wrong(
            "the key is not one date or timestamp column",
            "partition by one `date`, `timestamp` or `timestamptz` column",
        );
    }
    if p.partitions.iter().any(|part| part.bound != PartitionBound::Default) {
        wrong("partitions are listed too", "list none (`default = true` may stay): upkeep makes and drops the ranges");
    }
    match p.managed_by.as_deref() {
        Some(STRATA_UPKEEP) => {}
        Some(PG_PARTMAN) if schema.extensions.iter().any(|e| e.name == PG_PARTMAN) => {}
        Some(PG_PARTMAN) => wrong(
            "pg_partman is not a declared extension",
            "add `extensions = [\"pg_partman\"]` (with its namespace) to [schema]",
        ),
        _ => wrong(
            "another tool is named in `managed_by`",
            "set `managed_by` to \"strata\" or \"pg_partman\", or remove `premake`",
        ),
    }
    // The longest names a pattern gives, and two periods in a row, which must differ.
    let first = Date { year: 2026, month: 12, day: 28 };
    let (a, b) = (first.name(&premake.name, &t.name), first.step(premake.interval).name(&premake.name, &t.name));
    if a == b {
        wrong(
            &format!("`name` gives `{a}` for two periods in a row"),
            "put the date fields of the interval in `name` (`{yyyy}`, `{mm}`, `{dd}`, `{isoyyyy}`, `{ww}`)",
        );
    }
    if a.len() > 63 {
        diags.push(Diagnostic::identifier_too_long(&a, p.span));
    }
    let has_default = p.partitions.iter().any(|part| part.bound == PartitionBound::Default);
    if has_default && p.partman_upkeep().is_some() {
        let (why, help) = ("pg_partman makes its own DEFAULT partition", "remove `default`");
        diags.push(Diagnostic::invalid_premake(&t.name, why, help, p.span));
    }
    if premake.ahead == 0 && has_default {
        diags.push(Diagnostic::default_between_upkeeps(&t.name, p.span));
    }
    if let Some(ns) = &p.archive {
        let namespaces = schema.namespace_names();
        if !namespaces.contains(&ns.as_str()) {
            diags.push(Diagnostic::unknown_namespace(ns, &namespaces, p.span));
        }
    }
}

fn unique_keys_include_partition_key(t: &Table, p: &Partitioning, diags: &mut Diagnostics) {
    let by_expression = p.key.iter().any(|k| matches!(k, IndexTarget::Expr(_)));
    let key = t.partition_key_columns();
    let pk = t
        .primary_key
        .iter()
        .map(|pk| ("primary key", &pk.name, pk.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), pk.span));
    let uniques = t
        .uniques
        .iter()
        .map(|u| ("unique constraint", &u.name, u.columns.iter().map(|c| c.name.as_str()).collect(), u.span));
    let indexes = t.indexes.iter().filter(|i| i.unique).map(|i| {
        let cols = i.keys.iter().filter_map(|k| match &k.target {
            IndexTarget::Column(c) => Some(c.name.as_str()),
            IndexTarget::Expr(_) => None,
        });
        ("unique index", &i.name, cols.collect(), i.span)
    });
    for (kind, name, columns, span) in pk.chain(uniques).chain(indexes) {
        if by_expression {
            diags.push(Diagnostic::unique_on_expression_partition_key(kind, name, span));
            continue;
        }
        let missing: Vec<&str> = key.iter().copied().filter(|k| !columns.contains(k)).collect();
        if !missing.is_empty() {
            diags.push(Diagnostic::unique_without_partition_key(kind, name, &t.name, &missing, span));
        }
    }
}

fn bounds(t: &Table, p: &Partitioning, diags: &mut Diagnostics) {
    if !p.has_children() {
        diags.push(Diagnostic::partitioned_without_partitions(&t.name, p.span));
    }
    let method = format!("{:?}", p.method).to_lowercase();
    let mut ranges: Vec<(Sortable, Sortable, &str, Span)> = Vec::new();
    for part in &p.partitions {
        let wrong = |why: &str| Diagnostic::partition_bound_mismatch(&part.name, &method, why, part.span);
        match (&part.bound, p.method) {
            (PartitionBound::Default, PartitionMethod::Hash) => {
                diags.push(wrong("a hash-partitioned table has no DEFAULT partition"))
            }
            (PartitionBound::Default, _) => {}
            (PartitionBound::Range { from, to }, PartitionMethod::Range) => {
                if from.len() != p.key.len() || to.len() != p.key.len() {
                    diags.push(wrong(&format!(
                        "the key has {} column(s), the bounds {} and {}",
                        p.key.len(),
                        from.len(),
                        to.len()
                    )));
                } else if let (Some(lo), Some(hi)) = (Sortable::of(&from[0]), Sortable::of(&to[0]))
                    && p.key.len() == 1
                {
                    if lo >= hi {
                        diags.push(wrong(&format!("`from` {} is not below `to` {}", from[0], to[0])));
                    }
                    ranges.push((lo, hi, &part.name, part.span));
                }
            }
            (PartitionBound::In(values), PartitionMethod::List) if values.is_empty() => {
                diags.push(wrong("`values` is empty"))
            }
            (PartitionBound::In(_), PartitionMethod::List) => {}
            (PartitionBound::Hash { modulus, remainder }, PartitionMethod::Hash) => {
                if *modulus == 0 || remainder >= modulus {
                    diags.push(wrong(&format!("remainder {remainder} must be below modulus {modulus}")));
                }
            }
            (PartitionBound::Range { .. }, _) => diags.push(wrong("it has range bounds")),
            (PartitionBound::In(_), _) => diags.push(wrong("it has list values")),
            (PartitionBound::Hash { .. }, _) => diags.push(wrong("it has hash bounds")),
        }
    }
    // Values between ranges land in the DEFAULT partition when there is one: gaps are then fine.
    let has_default = p.partitions.iter().any(|part| part.bound == PartitionBound::Default);
    ranges.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    for pair in ranges.windows(2) {
        let ((_, hi, first, _), (lo, _, second, span)) = (&pair[0], &pair[1]);
        if lo < hi {
            diags.push(Diagnostic::partitions_overlap(second, first, *span));
        } else if lo > hi && !has_default {
            diags.push(Diagnostic::partitions_gap(&hi.0, &lo.0, *span));
        }
    }
}

/// A bound literal that compares in value order: a number, or a quoted ISO date or timestamp.
#[derive(Debug, Clone)]
struct Sortable(String, f64);

impl PartialEq for Sortable {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
    }
}

impl PartialOrd for Sortable {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.1.partial_cmp(&other.1)
    }
}

impl Sortable {
    fn of(literal: &str) -> Option<Sortable> {
        if let Ok(n) = literal.parse::<f64>() {
            return Some(Sortable(literal.to_string(), n));
        }
        let text = literal.strip_prefix('\'')?.strip_suffix('\'')?;
        let date = crate::model::calendar::Date::parse(text.get(..10)?)?;
        (text.len() == 10).then(|| Sortable(literal.to_string(), date.days() as f64))
    }
}
