//! Literal values against their column's type: defaults and seed rows are judged as PostgreSQL's
//! input functions (for quoted text) and assignment casts (for numbers and booleans) would judge
//! them, so a value the database would refuse is reported before any SQL runs.
//!
//! Where strata is not sure (a function call, an exotic date spelling, an exponent at the edge
//! of a float's range), the verdict is `Unknown` and PostgreSQL stays the judge. A live test
//! (`tests/values.rs`) proves every `Fits` / `DoesNotFit` verdict agrees with PostgreSQL.

use sqlparser::ast::{Expr as Ast, UnaryOperator, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Column, ColumnType, EnumRepr, Expr, Scalar, Schema};
use crate::sql::deps::columns_read;

mod binary;
mod dates;
mod network;
mod numbers;
mod ranges;
mod text;

use binary::{bits, bytea};
use dates::{DateTimeKind, date_time, interval};
use network::{macaddr, macaddr8, network};
use numbers::{Decimal, float, integer, money_number, newer_number, numeric_text, oid, oid_number};
use text::{boolean, json, length, tsvector, uuid, xml};

/// What strata can say about a value for a column type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Fits,
    /// PostgreSQL would refuse it; the reason, as a fragment ("is out of range for smallint").
    DoesNotFit(String),
    /// Not a literal strata judges: left to PostgreSQL.
    Unknown,
}

use Verdict::{DoesNotFit, Fits, Unknown};

fn no(why: impl Into<String>) -> Verdict {
    DoesNotFit(why.into())
}

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    // Schemas repeat the same defaults (now(), '{}', 0): read each text once.
    let mut reads_of: std::collections::HashMap<&str, Vec<(Option<String>, String)>> = Default::default();
    for t in &schema.tables {
        for c in &t.columns {
            for (key, e) in [("default", &c.default), ("set_on_update", &c.set_on_update)] {
                let Some(e) = e else { continue };
                let reads = reads_of.entry(&e.sql).or_insert_with(|| e.ast().map(columns_read).unwrap_or_default());
                if let Some((_, name)) = reads.iter().find(|(q, _)| key == "default" || q.is_none()) {
                    diags.push(Diagnostic::value_reads_column(key, &c.name, name, e.span));
                    continue;
                }
                if key == "default"
                    && may_be_literal(&e.sql)
                    && let Some(ast) = e.ast()
                {
                    check_default(schema, c, ast, e, diags);
                }
            }
        }
    }
}

/// Whether a default could be a literal strata judges: a call such as `now()` cannot, and is
/// left to the database without parsing it again.
fn may_be_literal(sql: &str) -> bool {
    let sql = sql.trim();
    !(sql.ends_with(')') && !sql.starts_with('(') && !sql.starts_with('\''))
}

/// A default `e` (read as `ast`, reading no column) of column `c`.
fn check_default(schema: &Schema, c: &Column, ast: &Ast, e: &Expr, diags: &mut Diagnostics) {
    if let ColumnType::Scalar(Scalar::Enum(name)) = &c.ty
        && let Some(en) = schema.enum_(name)
        && let Some(value) = string_literal(ast)
    {
        if !en.values.contains(&value) {
            diags.push(Diagnostic::enum_default_not_a_value(&value, &name.to_string(), &en.values, e.span));
        }
        return;
    }
    if let DoesNotFit(why) = judge_expr(ast, &c.ty, schema) {
        diags.push(Diagnostic::default_does_not_fit(&c.name, &e.sql, &c.ty.to_string(), &why, e.span));
    }
}

/// The value of `'text'`, the form a union-typed literal takes.
fn string_literal(e: &Ast) -> Option<String> {
    match e {
        Ast::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        Ast::Cast { expr, .. } if matches!(**expr, Ast::Value(_)) => string_literal(expr),
        _ => None,
    }
}

fn parse(sql: &str) -> Option<Ast> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(sql).ok()?;
    let e = parser.parse_expr().ok()?;
    (parser.peek_token().token == sqlparser::tokenizer::Token::EOF).then_some(e)
}

/// Judges a SQL value expression (a default, a seed row's literal) for a column of type `ty`.
pub fn judge(sql: &str, ty: &ColumnType, schema: &Schema) -> Verdict {
    let Some(e) = parse(sql) else { return Unknown };
    if let Some((_, name)) = columns_read(&e).first() {
        return no(format!("reads `{name}` as a column"));
    }
    judge_expr(&e, ty, schema)
}

fn judge_expr(e: &Ast, ty: &ColumnType, schema: &Schema) -> Verdict {
    if let ColumnType::Scalar(Scalar::Domain(name)) = ty {
        return judge_domain(e, name, schema);
    }
    let newer = |n: &str| {
        no(format!(
            "`{n}` is written as PostgreSQL 16 writes numbers (`_` between digits, 0x/0o/0b), which PostgreSQL {} \
             does not read",
            schema.postgres
        ))
    };
    match e {
        Ast::Nested(inner) => judge_expr(inner, ty, schema),
        Ast::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => judge_text(s, ty, schema),
            Value::Number(n, _) if schema.postgres < 16 && newer_number(n) => newer(n),
            Value::Number(n, _) => judge_number(n, ty, schema),
            Value::Boolean(b) => judge_boolean(*b, ty, schema),
            Value::Null => Fits,
            _ => Unknown,
        },
        Ast::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
            Ast::Value(v) => match &v.value {
                Value::Number(n, _) if schema.postgres < 16 && newer_number(n) => newer(n),
                Value::Number(n, _) if !n.starts_with('-') => judge_number(&format!("-{n}"), ty, schema),
                _ => Unknown,
            },
            _ => Unknown,
        },
        // `'x'::T` for the column's own type is the text judged as T; other casts are the database's.
        Ast::Cast { expr, data_type, .. } => match (expr.as_ref(), ColumnType::parse(&data_type.to_string())) {
            (Ast::Value(v), Ok(cast)) if cast == *ty => match &v.value {
                Value::SingleQuotedString(s) => judge_text(s, ty, schema),
                _ => Unknown,
            },
            _ => Unknown,
        },
        _ => Unknown,
    }
}

/// A domain's value is its base type's; the domain's own constraints are PostgreSQL's to judge.
fn judge_domain(e: &Ast, name: &crate::model::QName, schema: &Schema) -> Verdict {
    let Some(domain) = schema.domain(name) else { return Unknown };
    match judge_expr(e, &domain.base, schema) {
        Fits if !domain.checks.is_empty() || domain.not_null => Unknown,
        verdict => verdict,
    }
}

/// PostgreSQL's `isspace`: what its input functions trim.
fn trim_space(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}'])
}

/// Quoted text: the input function of the type reads it.
fn judge_text(s: &str, ty: &ColumnType, schema: &Schema) -> Verdict {
    let scalar = match ty {
        ColumnType::Array(inner) => return judge_array(s, inner, schema),
        ColumnType::Scalar(scalar) => scalar,
    };
    match scalar {
        Scalar::SmallInt => integer(s, i16::MIN.into(), i16::MAX.into(), "smallint"),
        Scalar::Integer | Scalar::Serial => integer(s, i32::MIN.into(), i32::MAX.into(), "integer"),
        Scalar::BigInt | Scalar::BigSerial => integer(s, i64::MIN.into(), i64::MAX.into(), "bigint"),
        Scalar::Numeric(modifiers) => numeric_text(s, *modifiers),
        Scalar::Real => float(s, 38, -46),
        Scalar::Double => float(s, 308, -324),
        Scalar::Boolean => boolean(s),
        Scalar::Text => Fits,
        Scalar::Varchar(n) | Scalar::Char(n) => length(s, *n, true),
        Scalar::Uuid => uuid(s),
        Scalar::Date => date_time(s, DateTimeKind::Date),
        Scalar::Timestamp => date_time(s, DateTimeKind::Timestamp),
        Scalar::Timestamptz => date_time(s, DateTimeKind::Timestamptz),
        Scalar::Time => date_time(s, DateTimeKind::Time),
        Scalar::Interval => interval(s),
        Scalar::Json | Scalar::Jsonb => json(s),
        Scalar::Inet => network(s, false),
        Scalar::Cidr => network(s, true),
        Scalar::Builtin(b) if b.name == "bit" => bits(s, Some(b.modifiers.first().copied().unwrap_or(1)), true),
        Scalar::Builtin(b) if b.name == "varbit" => bits(s, b.modifiers.first().copied(), false),
        Scalar::Bytea => bytea(s),
        Scalar::Tsvector => tsvector(s),
        Scalar::Builtin(b) => match b.name {
            // With a precision, the time types read as without one (the precision only rounds).
            "time" => date_time(s, DateTimeKind::Time),
            "timestamp" => date_time(s, DateTimeKind::Timestamp),
            "timestamptz" => date_time(s, DateTimeKind::Timestamptz),
            "timetz" => date_time(s, DateTimeKind::Timetz),
            "macaddr" => macaddr(s),
            "macaddr8" => macaddr8(s),
            "oid" => oid(s),
            "xml" => xml(s),
            // money's text depends on the server's lc_monetary.
            "money" => Unknown,
            _ => match b.range_subtype() {
                Some(subtype) => ranges::range(s, subtype, schema),
                None => Unknown,
            },
        },
        Scalar::Enum(name) => match schema.enum_(name) {
            Some(e) if e.values.iter().any(|v| v == s) => Fits,
            // char(n) compares without trailing spaces: leave it to the database.
            Some(e) if matches!(e.repr, EnumRepr::Check { storage: ColumnType::Scalar(Scalar::Char(_)) }) => Unknown,
            Some(e) => no(format!("is not a value of union type `{}`", e.name)),
            None => Unknown,
        },
        _ => Unknown,
    }
}

/// A number constant: an integer, bigint or numeric, then the assignment cast to the column type.
fn judge_number(n: &str, ty: &ColumnType, schema: &Schema) -> Verdict {
    let Some(d) = Decimal::parse(n) else { return Unknown };
    let ColumnType::Scalar(scalar) = ty else { return no("is a number, not an array") };
    let range = |lo: i128, hi: i128, name: &str| match d.rounded_integer() {
        Some(v) if v >= lo && v <= hi => Fits,
        Some(_) => no(format!("is out of range for {name}")),
        None => no(format!("is out of range for {name}")),
    };
    match scalar {
        Scalar::SmallInt => range(i16::MIN.into(), i16::MAX.into(), "smallint"),
        Scalar::Integer | Scalar::Serial => range(i32::MIN.into(), i32::MAX.into(), "integer"),
        Scalar::BigInt | Scalar::BigSerial => range(i64::MIN.into(), i64::MAX.into(), "bigint"),
        Scalar::Numeric(modifiers) => d.fits_numeric(*modifiers),
        Scalar::Real => float(n, 38, -46),
        Scalar::Double => float(n, 308, -324),
        Scalar::Text => Fits,
        Scalar::Varchar(limit) | Scalar::Char(limit) => match d.output() {
            Some(text) => length(&text, *limit, false),
            None => Unknown,
        },
        Scalar::Enum(name) => match (schema.enum_(name), d.output()) {
            (Some(e), Some(text)) if matches!(e.repr, EnumRepr::Check { .. }) => {
                if e.values.contains(&text) {
                    Fits
                } else {
                    no(format!("is not a value of union type `{}`", e.name))
                }
            }
            (Some(_), _) => no("is a number, not a value of the union type (quote a value)"),
            _ => Unknown,
        },
        Scalar::Extension(_) | Scalar::Unresolved(_) => Unknown,
        Scalar::Builtin(b) if b.name == "money" => money_number(&d),
        Scalar::Builtin(b) if b.name == "oid" => oid_number(n, &d),
        other => {
            no(format!("is a number, and PostgreSQL has no assignment cast from a number to {}", scalar_name(other)))
        }
    }
}

/// `true` / `false`: a boolean, then the assignment cast (only text types have one).
fn judge_boolean(b: bool, ty: &ColumnType, schema: &Schema) -> Verdict {
    let text = if b { "true" } else { "false" };
    let ColumnType::Scalar(scalar) = ty else { return no("is a boolean, not an array") };
    match scalar {
        Scalar::Boolean | Scalar::Text => Fits,
        Scalar::Varchar(n) | Scalar::Char(n) => length(text, *n, false),
        Scalar::Enum(name) => match schema.enum_(name) {
            Some(e) if matches!(e.repr, EnumRepr::Check { .. }) && e.values.iter().any(|v| v == text) => Fits,
            Some(e) => no(format!("is a boolean, not a value of union type `{}`", e.name)),
            None => Unknown,
        },
        Scalar::Extension(_) | Scalar::Unresolved(_) => Unknown,
        other => {
            no(format!("is a boolean, and PostgreSQL has no assignment cast from boolean to {}", scalar_name(other)))
        }
    }
}

fn scalar_name(s: &Scalar) -> String {
    ColumnType::Scalar(s.clone()).to_string()
}

/// `'{a,b}'`: the simple forms of an array literal, each element judged as the element type.
fn judge_array(s: &str, element: &ColumnType, schema: &Schema) -> Verdict {
    let t = trim_space(s);
    if t.starts_with('[') {
        return Unknown;
    }
    let Some(inner) = t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else {
        return no("is not an array literal (write '{a,b}')");
    };
    if inner.contains(['"', '\\', '{', '}']) {
        return Unknown;
    }
    if trim_space(inner).is_empty() {
        return Fits;
    }
    let mut verdict = Fits;
    for item in inner.split(',') {
        let item = trim_space(item);
        if item.is_empty() {
            return no("has an empty element");
        }
        if item.eq_ignore_ascii_case("null") {
            continue;
        }
        match judge_text(item, element, schema) {
            Fits => {}
            DoesNotFit(why) => return no(format!("has an element `{item}` that {why}")),
            Unknown => verdict = Unknown,
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(sql: &str, ty: &str) -> Verdict {
        let schema = crate::compile_toml_str([("t.toml", "[schema]\nname = \"t\"\n")]).schema.unwrap();
        judge(sql, &ColumnType::parse(ty).unwrap(), &schema)
    }

    #[test]
    fn numbers_and_text() {
        assert_eq!(v("32767", "smallint"), Fits);
        assert!(matches!(v("32768", "smallint"), DoesNotFit(_)));
        assert!(matches!(v("'zero'", "integer"), DoesNotFit(_)));
        assert!(matches!(v("false", "integer"), DoesNotFit(_)));
        assert_eq!(v("99.994", "numeric(4,2)"), Fits);
        assert!(matches!(v("99.995", "numeric(4,2)"), DoesNotFit(_)));
        assert_eq!(v("'  -12 '", "integer"), Fits);
        assert_eq!(v("1.5", "integer"), Fits);
        assert!(matches!(v("'1.5'", "integer"), DoesNotFit(_)));
        assert_eq!(v("'{}'::jsonb", "jsonb"), Fits);
        assert!(matches!(v("'{a:1}'", "jsonb"), DoesNotFit(_)));
        assert_eq!(v("now()", "timestamptz"), Unknown);
        assert!(matches!(v("'2025-02-29'", "date"), DoesNotFit(_)));
        assert_eq!(v("'2024-02-29'", "date"), Fits);
        assert!(matches!(v("12345", "varchar(4)"), DoesNotFit(_)));
        assert_eq!(v("'ab  '", "varchar(2)"), Fits);
        assert_eq!(v("'{1, 2}'", "integer[]"), Fits);
        assert!(matches!(v("'{1,x}'", "integer[]"), DoesNotFit(_)));
        assert_eq!(v("'{A0EEBC99-9c0b4ef8-bb6d-6bb9bd380a11}'", "uuid"), Fits);
        assert!(matches!(v("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'", "uuid"), DoesNotFit(_)));
    }

    #[test]
    fn every_builtin_type() {
        let refused = |sql: &str, ty: &str| matches!(v(sql, ty), DoesNotFit(_));
        assert_eq!(v("'1 day 02:00:00 ago'", "interval"), Fits);
        assert!(refused("'1 fortnight'", "interval"));
        assert!(refused("'1 day 2 days'", "interval"));
        assert_eq!(v("'08:00:2b:01:02:03'", "macaddr"), Fits);
        assert!(refused("'08:00:2b:01:02'", "macaddr8"));
        assert_eq!(v("'2001:db8::/32'", "cidr"), Fits);
        assert!(refused("'2001:db8::1/32'", "cidr"));
        assert!(refused("'\\q'", "bytea"));
        assert!(refused("'\\x0'", "bytea"));
        assert_eq!(v("'[1,5)'", "int4range"), Fits);
        assert!(refused("'[5,1)'", "int4range"));
        assert!(refused("'a & b'", "xml"));
        assert_eq!(v("'-1'", "oid"), Fits);
        assert!(refused("1.5", "oid"));
        assert_eq!(v("'12:00+05:30'", "timetz"), Fits);
    }

    #[test]
    fn numbers_print_as_numeric_does() {
        let out = |t: &str| Decimal::parse(t).unwrap().output();
        assert_eq!(out("007").as_deref(), Some("7"));
        assert_eq!(out(".50").as_deref(), Some("0.50"));
        assert_eq!(out("-0.0").as_deref(), Some("0.0"));
        assert_eq!(out("1e3"), None);
    }
}
