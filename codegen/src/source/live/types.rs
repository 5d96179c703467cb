//! Rows of declared types (domains, composite and range types) and sequences.

use super::*;

/// A domain, composite or range type (`types.sql`).
pub(super) fn declared_type(schema: &mut Schema, r: &Row) -> Result<(), String> {
    let (namespace, name, doc, span) = (r.text(1), r.text(2), r.opt(9), Span::default());
    match r.text(0).as_str() {
        "d" => {
            let checks = r.list(7).into_iter().filter(|c| !c.is_empty()).map(|c| {
                let (name, definition) = c.split_once(RECORD).unwrap_or((&c, ""));
                let body = definition.strip_prefix("CHECK ").unwrap_or(definition);
                let origin = CheckOrigin::Declared;
                Check { name: name.to_string(), expr: expr(body.to_string()), origin, not_valid: false, doc: None }
            });
            schema.domains.push(Domain {
                base: crate::source::parse_type(&r.text(3))?,
                not_null: r.flag(4),
                default: r.opt(5).map(expr),
                checks: checks.collect(),
                collation: named(r.opt(6)),
                namespace,
                name,
                doc,
                span,
            });
        }
        "c" => {
            let mut fields = Vec::new();
            for f in r.list(3) {
                let parts: Vec<&str> = f.split(RECORD).collect();
                let ty = crate::source::parse_type(parts.get(1).copied().unwrap_or_default())?;
                let collation = named(parts.get(2).map(|c| c.to_string()));
                fields.push(CompositeField { name: parts[0].to_string(), ty, collation, span });
            }
            schema.composites.push(Composite { namespace, name, fields, doc, span });
        }
        _ => schema.ranges.push(RangeType {
            subtype: crate::source::parse_type(&r.text(3))?,
            subtype_opclass: named(r.opt(4)),
            collation: named(r.opt(5)),
            subtype_diff: named(r.opt(6)),
            multirange: named(r.opt(7)),
            namespace,
            name,
            doc,
            span,
        }),
    }
    Ok(())
}

pub(super) fn sequence(r: &Row) -> Result<Sequence, String> {
    let number = |i: usize| r.text(i).parse::<i64>().map_err(|e| format!("sequence {}: {e}", r.text(1)));
    let data_type = match r.text(2).as_str() {
        "smallint" => SequenceType::SmallInt,
        "integer" => SequenceType::Integer,
        _ => SequenceType::BigInt,
    };
    let owned_by = r.opt(10).map(|table| OwnedBy {
        table: Ref { namespace: r.text(9), name: table, span: Span::default() },
        column: Named { name: r.text(11), span: Span::default() },
    });
    Ok(Sequence {
        namespace: r.text(0),
        name: r.text(1),
        options: SequenceOptions {
            data_type: Some(data_type),
            start: Some(number(3)?),
            increment: Some(number(4)?),
            min: Some(number(5)?),
            max: Some(number(6)?),
            cache: Some(number(7)?),
            cycle: r.flag(8),
        },
        owned_by,
        doc: r.opt(12),
        span: Span::default(),
    })
}
