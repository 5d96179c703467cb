//! Sequences (`[sequences.NAME]`) and identity columns' options.

use super::*;

pub(super) const SEQUENCE_KEYS: &[&str] =
    &["as", "start", "increment", "min", "max", "cache", "cycle", "owned_by", "doc"];
pub(super) const IDENTITY_KEYS: &[&str] = &["generated", "start", "increment", "min", "max", "cache", "cycle"];
const GENERATED: [(&str, bool); 2] = [("always", true), ("by default", false)];

pub(super) fn lower_sequence(w: &mut Walker, d: &Decl) -> Option<Sequence> {
    let t = w.table("sequence", d.value)?;
    let f = w.fields(t, SEQUENCE_KEYS);
    let mut options = lower_options(w, &f);
    options.data_type = f.get("as").and_then(|v| w.choice("as", v, &SequenceType::ALL));
    let owned_by = f.get("owned_by").and_then(|v| {
        let text = w.string("owned_by", v)?;
        let span = w.span(v);
        match text.rsplit_once('.') {
            Some((table, column)) => {
                Some(OwnedBy { table: Ref::parse(table, span), column: Named { name: column.trim().into(), span } })
            }
            None => {
                let expected = "`table.column` or `namespace.table.column`";
                w.report(Diagnostic::wrong_value_type("owned_by", expected, "a name without a column", span));
                None
            }
        }
    });
    Some(Sequence {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        options,
        owned_by,
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

/// `identity = "always" | "by default"`, or a table with `generated` and sequence options.
pub(super) fn lower_identity(w: &mut Walker, v: &Value) -> Option<Identity> {
    let span = w.span(v);
    match v.get_ref() {
        DeValue::Table(t) => {
            let f = w.fields(t, IDENTITY_KEYS);
            let always = require(w, &f.get("generated"), "generated", "an identity", v)?;
            let always = w.choice("generated", always, &GENERATED)?;
            Some(Identity { always, options: lower_options(w, &f), span })
        }
        _ => Some(Identity { always: w.choice("identity", v, &GENERATED)?, options: SequenceOptions::default(), span }),
    }
}

fn lower_options(w: &mut Walker, f: &Fields) -> SequenceOptions {
    let mut int = |key: &str| f.get(key).and_then(|v| w.integer(key, v));
    let (start, increment, min, max, cache) = (int("start"), int("increment"), int("min"), int("max"), int("cache"));
    SequenceOptions { data_type: None, start, increment, min, max, cache, cycle: w.flag(f, "cycle") }
}
