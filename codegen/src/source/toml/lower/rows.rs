//! Seed rows.

use super::*;

/// A seed row: each value a TOML scalar turned into a SQL literal (strings quoted).
pub(super) fn lower_row(w: &mut Walker, item: &Value) -> Option<SeedRow> {
    let t = w.table("rows", item)?;
    let mut values = Vec::new();
    for (key, v) in t.iter() {
        let literal = match v.get_ref() {
            DeValue::String(_) => w.string(key.get_ref(), v).map(|s| crate::sql::literal(&s)),
            DeValue::Boolean(b) => Some(b.to_string()),
            DeValue::Integer(_) | DeValue::Float(_) => w.number(key.get_ref(), v),
            _ => {
                w.string(key.get_ref(), v);
                None
            }
        };
        values.push((Named { name: key.get_ref().to_string(), span: w.span(v) }, literal?));
    }
    Some(SeedRow { values, span: w.span(item) })
}
