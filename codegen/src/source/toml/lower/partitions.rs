//! Partitioning: methods, generated and premade ranges, explicit partitions.

use super::*;

pub(super) const PARTITION_KEYS: &[&str] = &[
    "by",
    "key",
    "interval",
    "from",
    "count",
    "premake",
    "past",
    "name",
    "default",
    "modulus",
    "retention",
    "retention_action",
    "archive",
    "managed_by",
    "partitions",
];
/// What `retention_action` may say: partitions past retention are dropped, or moved to `archive`.
const RETENTION_ACTIONS: [(&str, bool); 2] = [("drop", false), ("archive", true)];
pub(super) const PARTITION_ITEM_KEYS: &[&str] = &[
    "name",
    "from",
    "to",
    "values",
    "modulus",
    "remainder",
    "default",
    "with",
    "checks",
    "foreign_keys",
    "indexes",
    "index_names",
    "triggers",
];
pub(super) fn lower_partitioning(w: &mut Walker, table: &str, v: &Value) -> Option<Partitioning> {
    let t = w.table("partition", v)?;
    let f = w.fields(t, PARTITION_KEYS);
    let by = require(w, &f.get("by"), "by", "a partition", v)?;
    let method = w.choice("by", by, &PartitionMethod::ALL)?;
    let key_value = require(w, &f.get("key"), "key", "a partition", v)?;
    let key: Vec<IndexTarget> = w
        .array("key", key_value)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| lower_index_key(w, k, INDEX_KEY_KEYS))
        .map(|k| k.target)
        .collect();
    if key.is_empty() {
        w.report(Diagnostic::empty_list("key", w.span(key_value)));
        return None;
    }
    let mut partitions = Vec::new();
    let mut premake = None;
    let at = w.span(v);
    let pattern = |w: &mut Walker, interval: Interval| match f.get("name") {
        Some(n) => w.string("name", n),
        None => Some(interval.default_pattern().to_string()),
    };
    // Made at run time, relative to the clock: `interval`, `premake`, `past`, optional `name`.
    if let Some(ahead) = f.get("premake") {
        let ahead = w.count("premake", ahead)?;
        let interval = require(w, &f.get("interval"), "interval", "premade partitions", v)?;
        let interval = w.choice("interval", interval, &Interval::ALL)?;
        for fixed in ["from", "count"].into_iter().filter_map(|k| f.get(k)) {
            let why = "they are made relative to the server's clock, while `from` and `count` fix them to dates";
            let help =
                "remove `from` and `count` (`past` says how many earlier partitions to make), or remove `premake`";
            w.report(Diagnostic::invalid_premake(table, why, help, w.span(fixed)));
        }
        let past = f.get("past").and_then(|p| w.count("past", p)).unwrap_or(0);
        premake = Some(Premake { interval, ahead, past, name: pattern(w, interval)? });
    } else if let Some(past) = f.get("past") {
        w.report(Diagnostic::invalid_option(
            "a partitioned table",
            "past",
            "it counts premade partitions: add `premake`",
            w.span(past),
        ));
    }
    // Generated ranges: `interval`, `from`, `count`, optional `name` pattern.
    if let Some(interval) = f.get("interval").filter(|_| premake.is_none()) {
        let interval = w.choice("interval", interval, &Interval::ALL)?;
        let from = require(w, &f.get("from"), "from", "generated partitions", v)?;
        let count =
            require(w, &f.get("count"), "count", "generated partitions", v).and_then(|c| w.count("count", c))?;
        let text = w.string("from", from)?;
        let Some(mut start) = Date::parse(&text) else {
            w.report(Diagnostic::invalid_value("from", &text, &["a date such as 2026-01-01"], w.span(from)));
            return None;
        };
        let pattern = pattern(w, interval)?;
        for _ in 0..count {
            let end = start.step(interval);
            let bound = PartitionBound::Range {
                from: vec![crate::sql::literal(&start.to_string())],
                to: vec![crate::sql::literal(&end.to_string())],
            };
            partitions.push(Partition::new("", start.name(&pattern, table), bound, at));
            start = end;
        }
    }
    // Hash partitions: `modulus = n` makes n partitions, remainders 0..n.
    if let Some(m) = f.get("modulus").and_then(|m| w.count("modulus", m)) {
        for remainder in 0..m {
            let bound = PartitionBound::Hash { modulus: m, remainder };
            let name = format!("{table}_p{remainder}");
            partitions.push(Partition::new("", name, bound, at));
        }
    }
    for item in f.get("partitions").and_then(|p| w.array("partitions", p)).unwrap_or_default() {
        if let Some(p) = lower_partition(w, item) {
            partitions.push(p);
        }
    }
    if f.get("default").and_then(|d| w.boolean("default", d)).unwrap_or(false) {
        let name = format!("{table}_default");
        partitions.push(Partition::new("", name, PartitionBound::Default, at));
    }
    let archives = f.get("retention_action").and_then(|a| w.choice("retention_action", a, &RETENTION_ACTIONS));
    let archive = match (archives, f.get("archive")) {
        (Some(true), Some(ns)) => w.string("archive", ns),
        (Some(true), None) => {
            w.report(Diagnostic::missing_key("archive", "`retention_action = \"archive\"`", at));
            None
        }
        (_, Some(ns)) => {
            let why = "it names where partitions past retention go: add `retention_action = \"archive\"`";
            w.report(Diagnostic::invalid_option("a partitioned table", "archive", why, w.span(ns)));
            None
        }
        (_, None) => None,
    };
    // Premade partitions are strata's to keep unless another tool is named.
    let managed_by = f.get("managed_by").and_then(|m| w.string("managed_by", m));
    let managed_by = managed_by.or_else(|| premake.as_ref().map(|_| crate::model::STRATA_UPKEEP.to_string()));
    Some(Partitioning {
        method,
        key,
        partitions,
        retention: f.get("retention").and_then(|r| w.string("retention", r)),
        managed_by,
        premake,
        archive,
        span: at,
    })
}

/// An explicit partition: its bound, and what it has of its own (storage, checks, foreign keys,
/// indexes, names of its copies of the parent's indexes).
pub(super) fn lower_partition(w: &mut Walker, item: &Value) -> Option<Partition> {
    let t = w.table("partitions", item)?;
    let f = w.fields(t, PARTITION_ITEM_KEYS);
    let name = require(w, &f.get("name"), "name", "a partition", item)?;
    let Ref { namespace, name, .. } = w.reference("name", name)?;
    let bound = if f.get("default").and_then(|d| w.boolean("default", d)).unwrap_or(false) {
        PartitionBound::Default
    } else if let Some(values) = f.get("values") {
        PartitionBound::In(bound_values(w, "values", values)?)
    } else if let Some(m) = f.get("modulus") {
        let modulus = w.count("modulus", m)?;
        let remainder = require(w, &f.get("remainder"), "remainder", "a hash partition", item)?;
        let remainder = w.count("remainder", remainder)?;
        PartitionBound::Hash { modulus, remainder }
    } else {
        let from = require(w, &f.get("from"), "from", "a range partition", item)?;
        let from = bound_values(w, "from", from)?;
        let to = require(w, &f.get("to"), "to", "a range partition", item)?;
        let to = bound_values(w, "to", to)?;
        PartitionBound::Range { from, to }
    };
    let mut partition = Partition::new(&namespace, name, bound, w.span(item));
    partition.storage = f.get("with").map(|v| lower_with(w, "with", v)).unwrap_or_default();
    for item in f.get("checks").and_then(|v| w.array("checks", v)).unwrap_or_default() {
        partition.checks.extend(lower_check(w, item));
    }
    for item in f.get("foreign_keys").and_then(|v| w.array("foreign_keys", v)).unwrap_or_default() {
        partition.foreign_keys.extend(lower_foreign_key(w, &partition.name, item));
    }
    for item in f.get("indexes").and_then(|v| w.array("indexes", v)).unwrap_or_default() {
        partition.indexes.extend(lower_index(w, &partition.name, item));
    }
    for (parent, own) in f.get("index_names").and_then(|v| w.table("index_names", v)).into_iter().flat_map(|t| t.iter())
    {
        let parent = Named { name: parent.get_ref().to_string(), span: w.span(parent) };
        partition.index_names.extend(w.string("index_names", own).map(|own| (parent, own)));
    }
    for item in f.get("triggers").and_then(|v| w.array("triggers", v)).unwrap_or_default() {
        partition.triggers.extend(super::routines::lower_trigger(w, item));
    }
    Some(partition)
}

/// Bound values as SQL literals: strings quoted, numbers as written; one value or an array.
pub(super) fn bound_values(w: &mut Walker, key: &str, v: &Value) -> Option<Vec<String>> {
    let one = |w: &mut Walker, v: &Value| match v.get_ref() {
        DeValue::String(_) => w.string(key, v).map(|s| crate::sql::literal(&s)),
        _ => w.number(key, v),
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().map(|it| one(w, it)).collect(),
        _ => one(w, v).map(|x| vec![x]),
    }
}
