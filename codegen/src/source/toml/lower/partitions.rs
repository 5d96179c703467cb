//! Partitioning: methods, generated ranges, explicit partitions, and the retention helper.

use super::*;

pub(super) const PARTITION_KEYS: &[&str] =
    &["by", "key", "interval", "from", "count", "name", "default", "modulus", "retention", "managed_by", "partitions"];
pub(super) const PARTITION_ITEM_KEYS: &[&str] = &["name", "from", "to", "values", "modulus", "remainder", "default"];
/// With any retention declared, `strata_expired_partitions()` lists the range partitions whose
/// upper bound is older than their table's retention: what an archival job may detach or drop.
pub(super) fn derive_retention_helper(schema: &mut Schema) {
    use crate::render::sql::literal;
    let retained: Vec<String> = schema
        .tables
        .iter()
        .filter_map(|t| {
            let p = t.partition.as_ref().filter(|p| p.method == PartitionMethod::Range)?;
            let r = p.retention.as_ref()?;
            let table = crate::render::sql::qualified(&t.namespace, &t.name);
            Some(format!("({}, interval {})", literal(&table), literal(r)))
        })
        .collect();
    let Some(span) =
        schema.tables.iter().find_map(|t| t.partition.as_ref().filter(|p| p.retention.is_some())).map(|p| p.span)
    else {
        return;
    };
    let body = format!(
        "\nSELECT h.inhparent::regclass, h.inhrelid::regclass, r.retention\n\
         FROM pg_inherits h\n\
         JOIN pg_class c ON c.oid = h.inhrelid\n\
         JOIN (VALUES {}) AS r (parent, retention) ON h.inhparent = r.parent::regclass\n\
         WHERE (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= now() - r.retention\n\
         ORDER BY 1, 2\n",
        retained.join(", ")
    );
    schema.functions.push(Function {
        namespace: schema.namespace.clone(),
        name: "strata_expired_partitions".into(),
        args: String::new(),
        returns: "TABLE(parent regclass, partition regclass, retention interval)".into(),
        language: "sql".into(),
        volatility: Some("STABLE".into()),
        security_definer: false,
        search_path: None,
        body,
        doc: Some("Range partitions past their table's retention (strata: partition.retention).".into()),
        span,
    });
}

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
        .filter_map(|k| lower_index_key(w, k))
        .map(|k| k.target)
        .collect();
    if key.is_empty() {
        w.report(Diagnostic::empty_list("key", w.span(key_value)));
        return None;
    }
    let mut partitions = Vec::new();
    let at = w.span(v);
    // Generated ranges: `interval`, `from`, `count`, optional `name` pattern.
    if let Some(interval) = f.get("interval") {
        let interval = w.choice("interval", interval, &Interval::ALL)?;
        let from = require(w, &f.get("from"), "from", "generated partitions", v)?;
        let count =
            require(w, &f.get("count"), "count", "generated partitions", v).and_then(|c| w.count("count", c))?;
        let text = w.string("from", from)?;
        let Some(mut start) = Date::parse(&text) else {
            w.report(Diagnostic::invalid_value("from", &text, &["a date such as 2026-01-01"], w.span(from)));
            return None;
        };
        let pattern = match f.get("name") {
            Some(n) => w.string("name", n)?,
            None => interval.default_pattern().to_string(),
        };
        for _ in 0..count {
            let end = start.step(interval);
            let bound = PartitionBound::Range {
                from: vec![crate::render::sql::literal(&start.to_string())],
                to: vec![crate::render::sql::literal(&end.to_string())],
            };
            partitions.push(Partition { namespace: String::new(), name: start.name(&pattern, table), bound, span: at });
            start = end;
        }
    }
    // Hash partitions: `modulus = n` makes n partitions, remainders 0..n.
    if let Some(m) = f.get("modulus").and_then(|m| w.count("modulus", m)) {
        for remainder in 0..m {
            let bound = PartitionBound::Hash { modulus: m, remainder };
            let name = format!("{table}_p{remainder}");
            partitions.push(Partition { namespace: String::new(), name, bound, span: at });
        }
    }
    for item in f.get("partitions").and_then(|p| w.array("partitions", p)).unwrap_or_default() {
        if let Some(p) = lower_partition(w, item) {
            partitions.push(p);
        }
    }
    if f.get("default").and_then(|d| w.boolean("default", d)).unwrap_or(false) {
        let name = format!("{table}_default");
        partitions.push(Partition { namespace: String::new(), name, bound: PartitionBound::Default, span: at });
    }
    Some(Partitioning {
        method,
        key,
        partitions,
        retention: f.get("retention").and_then(|r| w.string("retention", r)),
        managed_by: f.get("managed_by").and_then(|m| w.string("managed_by", m)),
        span: at,
    })
}

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
    Some(Partition { namespace, name, bound, span: w.span(item) })
}

/// Bound values as SQL literals: strings quoted, numbers as written; one value or an array.
pub(super) fn bound_values(w: &mut Walker, key: &str, v: &Value) -> Option<Vec<String>> {
    let one = |w: &mut Walker, v: &Value| match v.get_ref() {
        DeValue::String(_) => w.string(key, v).map(|s| crate::render::sql::literal(&s)),
        _ => w.number(key, v),
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().map(|it| one(w, it)).collect(),
        _ => one(w, v).map(|x| vec![x]),
    }
}
