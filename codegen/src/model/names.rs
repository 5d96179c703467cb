//! PostgreSQL's rules for the names it chooses: an unnamed constraint's or index's
//! (`makeObjectName`, `ChooseRelationName`) and an expression's column name (`FigureColname`).

/// `object_name(first, second, label)`, numbered in its label (`_idx1`, `_check2`, ...) past the
/// names `taken`, as PostgreSQL's `ChooseRelationName` and `ChooseConstraintName` do.
pub fn chosen_name<S: AsRef<str>>(first: &str, second: &str, label: &str, taken: &[S]) -> String {
    let is_taken = |name: &str| taken.iter().any(|t| t.as_ref() == name);
    let mut name = object_name(first, second, label);
    let mut n = 0;
    while is_taken(&name) {
        n += 1;
        name = object_name(first, second, &format!("{label}{n}"));
    }
    name
}

/// The name PostgreSQL gives an expression's value (`FigureColnameInternal`), and how sure it is
/// (2 for a column or function, 1 for a kind of expression or a cast's type); `None` when it
/// has none (then an index calls it `expr`).
pub(super) fn expression_column_name(e: &sqlparser::ast::Expr) -> Option<(String, u8)> {
    use sqlparser::ast::Expr as E;
    let last =
        |name: &sqlparser::ast::ObjectName| name.0.last().and_then(|p| p.as_ident()).map(crate::sql::deps::folded);
    match e {
        E::Identifier(i) => Some((crate::sql::deps::folded(i), 2)),
        E::CompoundIdentifier(parts) => parts.last().map(|i| (crate::sql::deps::folded(i), 2)),
        E::Nested(inner) => expression_column_name(inner),
        E::Function(f) => last(&f.name).map(|n| (n, 2)),
        E::Cast { expr, data_type, .. } => match expression_column_name(expr) {
            Some((name, 2)) => Some((name, 2)),
            _ => match data_type {
                sqlparser::ast::DataType::Custom(name, _) => last(name).map(|n| (n, 1)),
                _ => None,
            },
        },
        E::Case { .. } => Some(("case".into(), 1)),
        E::Array(_) => Some(("array".into(), 1)),
        _ => None,
    }
}

/// The name PostgreSQL makes of two parts and a label (`makeObjectName`): `first_second_label`,
/// or `first_label` when `second` is empty, the longer part cut until the name fits in 63 bytes.
pub fn object_name(first: &str, second: &str, label: &str) -> String {
    let (mut first, mut second) = (first.to_string(), second.to_string());
    let overhead = label.len() + if second.is_empty() { 1 } else { 2 };
    while first.len() + second.len() > 63 - overhead {
        let longer = if first.len() > second.len() { &mut first } else { &mut second };
        longer.pop();
    }
    if second.is_empty() { format!("{first}_{label}") } else { format!("{first}_{second}_{label}") }
}
