//! Sources: each turns one kind of schema description into the `Schema` model.

pub mod live;
pub mod rust;
pub mod sql;
pub mod toml;

use crate::model::*;

/// A type name as the reverse sources read it (as `format_type` prints it, or as written); a name of no built-in type is kept unquoted.
pub(crate) fn parse_type(printed: &str) -> Result<ColumnType, String> {
    let mut ty = ColumnType::parse(printed).map_err(|e| format!("type `{printed}`: {e:?}"))?;
    if let Scalar::Unresolved(name) = ty.scalar_mut() {
        *name = name.replace('"', "");
    }
    Ok(ty)
}

/// A `serial` is an integer column defaulting to `nextval` of a sequence it owns, with the
/// name and options `serial` gives it: read back as that, the sequence is the column's own again.
pub(crate) fn fold_serials(schema: &mut Schema) {
    let Schema { tables, sequences, .. } = schema;
    for t in tables.iter_mut() {
        for c in &mut t.columns {
            let (serial, data_type) = match c.ty {
                ColumnType::Scalar(Scalar::Integer) => (Scalar::Serial, SequenceType::Integer),
                ColumnType::Scalar(Scalar::BigInt) => (Scalar::BigSerial, SequenceType::BigInt),
                _ => continue,
            };
            let Some(default) = &c.default else { continue };
            let Some(name) = default.sql.strip_prefix("nextval('").and_then(|s| s.strip_suffix("'::regclass)")) else {
                continue;
            };
            let q = QName::parse(&name.replace('"', ""), &t.namespace);
            let plain = SequenceOptions { data_type: Some(data_type), ..SequenceOptions::default() }.resolve();
            // Only the sequence `serial` would have made: its name, its options, no comment.
            let own_name = QName::new(&t.namespace, &crate::model::object_name(&t.name, &c.name, "seq"));
            let owned = |s: &Sequence| {
                s.qname() == q
                    && q == own_name
                    && s.doc.is_none()
                    && s.owned_by.as_ref().is_some_and(|o| {
                        o.table.namespace == t.namespace && o.table.name == t.name && o.column.name == c.name
                    })
                    && s.options.resolve() == plain
            };
            if let Some(at) = sequences.iter().position(owned) {
                sequences.remove(at);
                c.ty = ColumnType::Scalar(serial);
                c.default = None;
            }
        }
    }
}
