//! What a person writes differently from what the catalog holds: a column's CHECK `IN` list of
//! text values is a union type; the roles are those the schema uses, not every role of the
//! cluster; the extensions in the default namespace say none.

use sqlparser::ast::{Expr, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::model::*;

/// `schema` with each `<table>_<column>_check` that is `column IN ('a', 'b', ...)` on a text-like
/// column turned into a union type stored as that column's type. Equal value lists share one
/// union type, named for the column (`status`) when that name is free and means one list, else
/// `<table>_<column>`; a check whose name is taken stays a check.
pub(super) fn union_types(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    // (table index, column index, check index, values)
    let mut found = Vec::new();
    for (ti, t) in schema.tables.iter().enumerate() {
        for (ci, c) in t.columns.iter().enumerate() {
            let text_like = matches!(c.ty, ColumnType::Scalar(Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_)));
            let name = format!("{}_{}_check", t.name, c.name);
            let Some(ki) = t.checks.iter().position(|k| k.name == name && !k.not_valid && k.doc.is_none()) else {
                continue;
            };
            if let Some(values) = in_list(&t.checks[ki].expr.sql, &c.name).filter(|_| text_like) {
                found.push((ti, ci, ki, values));
            }
        }
    }
    // How many different lists each column name holds: a name that means two is not used for either.
    let mut lists: Vec<(&str, &str, &ColumnType, &Vec<String>)> = Vec::new();
    for (ti, ci, _, values) in &found {
        let t = &schema.tables[*ti];
        let list = (t.namespace.as_str(), t.columns[*ci].name.as_str(), &t.columns[*ci].ty, values);
        if !lists.contains(&list) {
            lists.push(list);
        }
    }
    let ambiguous: Vec<(String, String)> = lists
        .iter()
        .filter(|(ns, c, _, _)| lists.iter().filter(|(n, d, _, _)| n == ns && d == c).count() > 1)
        .map(|(ns, c, _, _)| (ns.to_string(), c.to_string()))
        .collect();
    let mut made: Vec<Enum> = Vec::new();
    let mut removed: Vec<(usize, usize)> = Vec::new();
    for (ti, ci, ki, values) in found {
        let t = &schema.tables[ti];
        let (namespace, storage) = (t.namespace.clone(), t.columns[ci].ty.clone());
        let repr = EnumRepr::Check { storage };
        let same = made.iter().find(|e| e.namespace == namespace && e.values == values && e.repr == repr);
        let name = match same {
            Some(e) => e.name.clone(),
            None => {
                let free = |n: &String| {
                    !made.iter().chain(&schema.enums).any(|e| e.namespace == namespace && e.name == *n)
                        && !name_taken(&schema, &namespace, n)
                };
                let column = &t.columns[ci].name;
                let plain = !ambiguous.contains(&(namespace.clone(), column.clone()));
                let candidates = [plain.then(|| column.clone()), Some(format!("{}_{column}", t.name))];
                let Some(name) = candidates.into_iter().flatten().find(free) else {
                    continue;
                };
                let span = Default::default();
                made.push(Enum { namespace: namespace.clone(), name: name.clone(), values, repr, doc: None, span });
                name
            }
        };
        schema.tables[ti].columns[ci].ty = ColumnType::Scalar(Scalar::Enum(QName::new(&namespace, &name)));
        removed.push((ti, ki));
    }
    schema.enums.extend(made);
    removed.sort_by(|a, b| b.cmp(a));
    for (ti, ki) in removed {
        schema.tables[ti].checks.remove(ki);
    }
    schema
}

/// `schema` with the roles its grants, default privileges, policies and namespace owners name (and the roles
/// those are members of), and extensions in the default namespace without it.
pub(super) fn used_roles(schema: Schema) -> Schema {
    let mut schema = schema;
    let mut used: Vec<&str> = Vec::new();
    for g in &schema.grants {
        used.extend(g.to.iter().map(|r| r.name.as_str()));
    }
    for d in &schema.default_privileges {
        used.extend(d.to.iter().chain(&d.for_role).map(|r| r.name.as_str()));
    }
    for t in &schema.tables {
        used.extend(t.policies.iter().flat_map(|p| &p.to).map(|r| r.name.as_str()));
    }
    used.extend(schema.namespaces.iter().filter_map(|n| n.owner.as_ref()).map(|o| o.name.as_str()));
    let mut i = 0;
    while i < used.len() {
        if let Some(r) = schema.roles.iter().find(|r| r.name == used[i]) {
            for m in &r.member_of {
                if !used.contains(&m.name.as_str()) {
                    used.push(&m.name);
                }
            }
        }
        i += 1;
    }
    let used: Vec<String> = used.into_iter().map(str::to_string).collect();
    schema.roles.retain(|r| used.contains(&r.name));
    let default = schema.namespace.clone();
    for e in &mut schema.extensions {
        if e.namespace.as_deref() == Some(default.as_str()) {
            e.namespace = None;
        }
    }
    schema
}

/// Whether `name` already names a table, view, partition or type of `namespace`.
fn name_taken(schema: &Schema, namespace: &str, name: &str) -> bool {
    let q = QName::new(namespace, name);
    schema.table(&q).is_some()
        || schema.partition(&q).is_some()
        || schema.views.iter().any(|v| v.is(&q))
        || schema.domain(&q).is_some()
        || schema.composite(&q).is_some()
        || schema.range(&q).is_some()
}

/// The values of `column IN ('a', 'b')`, as PostgreSQL's printed form reads once normalized.
fn in_list(sql: &str, column: &str) -> Option<Vec<String>> {
    let canonical = crate::sql::normalize::expr(sql)?;
    let e = Parser::new(&PostgreSqlDialect {}).try_with_sql(&canonical).ok()?.parse_expr().ok()?;
    let Expr::InList { expr, list, negated: false } = e else { return None };
    let Expr::Identifier(id) = expr.as_ref() else { return None };
    if id.value != column {
        return None;
    }
    let values: Vec<String> = list
        .iter()
        .map(|v| match v {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<_>>()?;
    let unique = values.iter().enumerate().all(|(i, v)| !values[..i].contains(v));
    (unique && !values.is_empty()).then_some(values)
}
