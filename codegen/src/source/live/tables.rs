//! Rows of tables' columns, constraints, indexes and exclusion constraints, read into the model.

use super::*;

/// A column; a type name that is none of PostgreSQL's resolves to a type read here once all are
/// (`Schema::resolve_type_names`), or stays a name (a type this source does not read).
pub(super) fn column(r: &Row) -> Result<Column, String> {
    let ty = crate::source::parse_type(&r.text(3)).map_err(|e| format!("column {}.{}: {e}", r.text(1), r.text(2)))?;
    let (default, generated) = match r.text(7).as_str() {
        "s" => (None, r.opt(5).map(expr)),
        _ => (r.opt(5).map(expr), None),
    };
    let identity = match r.text(6).as_str() {
        "a" | "d" => {
            Some(Identity { always: r.text(6) == "a", options: SequenceOptions::default(), span: Span::default() })
        }
        _ => None,
    };
    Ok(Column {
        nullable: !r.flag(4),
        default,
        generated,
        identity,
        collation: r.opt(8).map(|name| Named { name, span: Span::default() }),
        doc: r.opt(9),
        ..Column::new(&r.text(2), ty)
    })
}

pub(super) fn deferrable(r: &Row) -> Deferrable {
    deferrable_at(r.flag(5), r.flag(6))
}

pub(super) fn deferrable_at(deferrable: bool, deferred: bool) -> Deferrable {
    match (deferrable, deferred) {
        (false, _) => Deferrable::No,
        (true, false) => Deferrable::Immediate,
        (true, true) => Deferrable::Deferred,
    }
}

pub(super) fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// A constraint into its table (exclusion constraints have a query of their own).
pub(super) fn constraint(t: &mut Table, r: &Row) {
    let (name, doc, span) = (r.text(2), r.opt(15), Span::default());
    let definition = r.text(4);
    match r.text(3).as_str() {
        "p" => t.primary_key = Some(PrimaryKey { name, columns: r.named(8), doc, span }),
        "u" => t.uniques.push(Unique {
            name,
            columns: r.named(8),
            nulls_not_distinct: r.flag(16),
            deferrable: deferrable(r),
            doc,
            span,
        }),
        "c" => {
            let body = definition.strip_prefix("CHECK ").unwrap_or(&definition);
            let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
            let not_valid = !r.flag(7);
            t.checks.push(Check { name, expr: expr(body.to_string()), origin: CheckOrigin::Declared, not_valid, doc });
        }
        "f" => t.foreign_keys.push(ForeignKey {
            name,
            columns: r.named(8),
            ref_table: Ref { namespace: r.text(9), name: r.text(10), span },
            ref_columns: r.named(11),
            on_delete: action(&r.text(12)),
            on_update: action(&r.text(13)),
            deferrable: deferrable(r),
            match_full: r.text(14) == "f",
            not_valid: !r.flag(7),
            doc,
            span,
        }),
        _ => {}
    }
}

/// A key of an index or a partitioning as printed: a plain column is its (possibly quoted)
/// name; anything else is an expression.
pub(super) fn key_target(key: &str) -> IndexTarget {
    let unquoted = key.strip_prefix('"').and_then(|p| p.strip_suffix('"')).map(|p| p.replace("\"\"", "\""));
    match unquoted {
        Some(name) => IndexTarget::Column(Named { name, span: Span::default() }),
        None if is_plain_word(key) => IndexTarget::Column(Named { name: key.into(), span: Span::default() }),
        None => IndexTarget::Expr(expr(key.to_string())),
    }
}

/// One key of an index as `indexes.sql` and `exclusions.sql` print it: the key, DESC, NULLS
/// FIRST and a non-default operator class, separated by `RECORD`; then anything else.
pub(super) fn index_key(printed: &str) -> (IndexKey, Vec<&str>) {
    let parts: Vec<&str> = printed.split(RECORD).collect();
    let key = parts.first().copied().unwrap_or_default();
    let descending = parts.get(1) == Some(&"true");
    let nulls_first = parts.get(2) == Some(&"true");
    let key = IndexKey {
        target: key_target(key),
        opclass: parts.get(3).filter(|o| !o.is_empty()).map(|o| o.to_string()),
        descending,
        // NULLS FIRST is the default for DESC and NULLS LAST for ASC: only the other is said.
        nulls_first: (nulls_first != descending).then_some(nulls_first),
    };
    (key, parts.into_iter().skip(4).collect())
}

pub(super) fn index(r: &Row) -> Index {
    let keys = r.list(5).iter().map(|k| index_key(k).0).collect();
    Index {
        name: r.text(2),
        keys,
        method: r.text(3),
        unique: r.flag(4),
        nulls_not_distinct: r.flag(11),
        predicate: r.opt(6).map(expr),
        include: r.named(7),
        with: r.options(8),
        doc: r.opt(9),
        span: Span::default(),
    }
}

pub(super) fn exclusion(r: &Row) -> Exclusion {
    let elements = r
        .list(4)
        .iter()
        .map(|e| {
            let (key, rest) = index_key(e);
            ExclusionElement { key, operator: rest.first().copied().unwrap_or_default().to_string() }
        })
        .collect();
    Exclusion {
        name: r.text(2),
        method: r.text(3),
        elements,
        include: r.named(5),
        with: r.options(6),
        predicate: r.opt(7).map(expr),
        deferrable: deferrable_at(r.flag(8), r.flag(9)),
        doc: r.opt(10),
        span: Span::default(),
    }
}
