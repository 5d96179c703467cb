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
use crate::sql_deps::columns_read;

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
        Scalar::Real => float(s, 38),
        Scalar::Double => float(s, 308),
        Scalar::Boolean => boolean(s),
        Scalar::Text => Fits,
        Scalar::Varchar(n) | Scalar::Char(n) => length(s, *n, true),
        Scalar::Uuid => uuid(s),
        Scalar::Date => date_time(s, DateTimeKind::Date),
        Scalar::Timestamp => date_time(s, DateTimeKind::Timestamp),
        Scalar::Timestamptz => date_time(s, DateTimeKind::Timestamptz),
        Scalar::Time => date_time(s, DateTimeKind::Time),
        Scalar::Json | Scalar::Jsonb => json(s),
        Scalar::Inet => network(s, false),
        Scalar::Cidr => network(s, true),
        Scalar::Builtin(b) if b.name == "bit" => bits(s, Some(b.modifiers.first().copied().unwrap_or(1)), true),
        Scalar::Builtin(b) if b.name == "varbit" => bits(s, b.modifiers.first().copied(), false),
        Scalar::Bytea if !s.contains('\\') => Fits,
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
        Scalar::Real => float(n, 38),
        Scalar::Double => float(n, 308),
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
        // money: assignment casts from integers and numeric, into a locale's range.
        Scalar::Extension(_) | Scalar::Unresolved(_) => Unknown,
        Scalar::Builtin(b) if b.name == "money" => Unknown,
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

fn integer(s: &str, lo: i128, hi: i128, name: &str) -> Verdict {
    let t = trim_space(s);
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return no(format!("is not a whole number, as {name} needs"));
    }
    match t.parse::<i128>() {
        Ok(v) if v >= lo && v <= hi => Fits,
        _ => no(format!("is out of range for {name}")),
    }
}

fn numeric_text(s: &str, modifiers: Option<(u32, Option<u32>)>) -> Verdict {
    let t = trim_space(s);
    let word = t.to_ascii_lowercase();
    if word == "nan" {
        return Fits;
    }
    if ["infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"].contains(&word.as_str()) {
        return if modifiers.is_some() { no("is infinite, which numeric(p,s) cannot hold") } else { Fits };
    }
    match Decimal::parse(t) {
        Some(d) => d.fits_numeric(modifiers),
        None if looks_numeric(t) => Unknown,
        None => no("is not a number"),
    }
}

fn looks_numeric(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
}

/// A number constant PostgreSQL reads from version 16 on only: digits grouped with `_`, or a
/// hexadecimal, octal or binary integer.
fn newer_number(n: &str) -> bool {
    let n = n.trim_start_matches(['-', '+']).to_ascii_lowercase();
    n.contains('_') || ["0x", "0o", "0b"].iter().any(|p| n.starts_with(p))
}

/// A `bit(n)` (`exact`) or `bit varying(n)` value as `bit_in` reads it: binary digits, after an
/// optional `B`, or hexadecimal ones after an `X` (four bits each); exactly `n` bits, or at most.
fn bits(s: &str, n: Option<u32>, exact: bool) -> Verdict {
    let (digits, width, valid): (&str, usize, fn(char) -> bool) = match s.chars().next() {
        Some('x' | 'X') => (&s[1..], 4, |c| c.is_ascii_hexdigit()),
        Some('b' | 'B') => (&s[1..], 1, |c| c == '0' || c == '1'),
        _ => (s, 1, |c| c == '0' || c == '1'),
    };
    if let Some(c) = digits.chars().find(|&c| !valid(c)) {
        return no(format!("`{c}` is not a {} digit", if width == 4 { "hexadecimal" } else { "binary" }));
    }
    let length = digits.len() * width;
    match n {
        Some(n) if exact && length != n as usize => no(format!("has {length} bits, and the type {n}")),
        Some(n) if length > n as usize => no(format!("has {length} bits, more than the type's {n}")),
        _ => Fits,
    }
}

/// An `inet` or `cidr` value in IPv4's dotted form, as `network_in` reads it: four parts of
/// 0-255, then `/bits` of 0-32; a `cidr` has no bit set past its mask. Other spellings (IPv6,
/// abbreviated addresses, leading zeros, white space) are left to PostgreSQL.
fn network(s: &str, cidr: bool) -> Verdict {
    let what = if cidr { "cidr" } else { "inet" };
    if s.contains(':') || s.bytes().any(|b| b.is_ascii_whitespace()) {
        return Unknown;
    }
    // Digits, dots and a slash; hexadecimal letters and `x` for the `0x0a000001` form.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit() || b"./xX".contains(&b)) {
        return no(format!("is not an {what} value"));
    }
    let (address, bits) = match s.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (s, None),
    };
    let parts: Vec<&str> = address.split('.').collect();
    let plain = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| plain(p)) {
        return Unknown;
    }
    if parts.len() > 4 || parts.iter().any(|p| p.parse::<u32>().is_ok_and(|o| o > 255)) {
        return no(format!("is not an {what} value: an IPv4 address is four parts of 0 to 255"));
    }
    // Fewer parts (`10/8`, which cidr reads as 10.0.0.0/8) are left to PostgreSQL.
    if parts.len() != 4 {
        return Unknown;
    }
    if parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
        return Unknown;
    }
    let octets: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let bits = match bits {
        None => 32,
        Some(b) if b.len() <= 2 && b.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() => match b.parse::<u32>() {
            Ok(n) if n <= 32 => n,
            _ => return no(format!("is not an {what} value: more than 32 bits")),
        },
        Some(_) => return Unknown,
    };
    let address = octets.iter().fold(0u64, |a, &o| a << 8 | u64::from(o));
    let host = if bits == 32 { 0 } else { (1u64 << (32 - bits)) - 1 };
    if cidr && address & host != 0 {
        return no("is not a cidr value: it has bits set to the right of its mask");
    }
    Fits
}

/// real (largest exponent 38) and double precision (308): whatever is far from the edge.
fn float(s: &str, max_exp: i64) -> Verdict {
    let t = trim_space(s);
    let lower = t.to_ascii_lowercase();
    // strtod, which PostgreSQL reads floats with, also reads hexadecimal (`0x10`, `0x1p4`).
    if lower.strip_prefix(['+', '-']).unwrap_or(&lower).starts_with("0x") {
        return Unknown;
    }
    if ["nan", "infinity", "inf"].contains(&lower.strip_prefix(['+', '-']).unwrap_or(&lower)) {
        return Fits;
    }
    match Decimal::parse(t) {
        Some(d) if d.is_zero() => Fits,
        Some(d) => {
            let magnitude = d.magnitude();
            if magnitude.abs() < max_exp - 1 { Fits } else { Unknown }
        }
        None if looks_numeric(t) => Unknown,
        None => no("is not a number"),
    }
}

fn boolean(s: &str) -> Verdict {
    let t = trim_space(s).to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    let ok = prefix_of("true", 1)
        || prefix_of("false", 1)
        || prefix_of("yes", 1)
        || prefix_of("no", 1)
        || t == "on"
        || prefix_of("off", 2)
        || t == "1"
        || t == "0";
    if ok { Fits } else { no("is not a boolean (true, false, yes, no, on, off, 1, 0)") }
}

/// varchar(n) / char(n): longer text is an error, unless (for quoted text) only spaces are cut.
fn length(s: &str, limit: Option<u32>, spaces_cut: bool) -> Verdict {
    let Some(n) = limit else { return Fits };
    let chars = s.chars().count();
    if chars <= n as usize {
        return Fits;
    }
    if spaces_cut && s.chars().skip(n as usize).all(|c| c == ' ') {
        return Fits;
    }
    no(format!("is {chars} characters long, more than {n}"))
}

/// PostgreSQL's uuid_in: 32 hex digits, a hyphen allowed after any group of four, braces optional.
fn uuid(s: &str) -> Verdict {
    let (inner, braced) = match s.strip_prefix('{') {
        Some(rest) => (rest.strip_suffix('}'), true),
        None => (Some(s), false),
    };
    let bad = || no("is not a uuid (32 hex digits, e.g. 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
    let Some(inner) = inner.filter(|_| braced || !s.ends_with('}')) else { return bad() };
    let bytes = inner.as_bytes();
    let (mut i, mut digits) = (0, 0);
    while digits < 32 {
        if i + 2 > bytes.len() {
            return bad();
        }
        if !bytes[i].is_ascii_hexdigit() || !bytes[i + 1].is_ascii_hexdigit() {
            return bad();
        }
        i += 2;
        digits += 2;
        if i < bytes.len() && bytes[i] == b'-' && digits % 4 == 0 && digits < 32 {
            i += 1;
        }
    }
    if i == bytes.len() { Fits } else { bad() }
}

#[derive(Clone, Copy, PartialEq)]
enum DateTimeKind {
    Date,
    Time,
    Timestamp,
    Timestamptz,
}

/// ISO 8601 spellings and the special words; anything else is the database's to judge.
fn date_time(s: &str, kind: DateTimeKind) -> Verdict {
    let t = trim_space(s).to_ascii_lowercase();
    let specials: &[&str] = match kind {
        DateTimeKind::Time => &["now", "allballs"],
        _ => &["now", "today", "tomorrow", "yesterday", "epoch", "infinity", "-infinity"],
    };
    if specials.contains(&t.as_str()) {
        return Fits;
    }
    static ISO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:(\d{4})-(\d{2})-(\d{2}))?(?:(?:^|[ t])(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?(z|[+-]\d{2}(?::?\d{2})?)?$",
        )
        .expect("valid regex")
    });
    let Some(m) = ISO.captures(&t) else { return Unknown };
    let num = |i: usize| m.get(i).map(|g| g.as_str().parse::<u32>().unwrap_or(0));
    let (has_date, has_time, zone) = (m.get(1).is_some(), m.get(4).is_some(), m.get(8));
    let shape_ok = match kind {
        DateTimeKind::Date => has_date && !has_time && zone.is_none(),
        DateTimeKind::Time => has_time && !has_date && zone.is_none(),
        DateTimeKind::Timestamp | DateTimeKind::Timestamptz => has_date,
    };
    if !shape_ok || (zone.is_some() && !has_time) {
        return Unknown;
    }
    if let (Some(y), Some(mo), Some(d)) = (num(1), num(2), num(3)) {
        if y == 0 {
            return Unknown;
        }
        if !(1..=12).contains(&mo) {
            return no(format!("has month {mo}, outside 1..12"));
        }
        let days = match mo {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if d == 0 || d > days {
            return no(format!("has day {d}, but month {mo} of {y} has {days} days"));
        }
    }
    if let (Some(h), Some(mi)) = (num(4), num(5)) {
        let sec = num(6).unwrap_or(0);
        let fraction = m.get(7).is_some_and(|f| f.as_str().bytes().any(|b| (b'1'..=b'9').contains(&b)));
        // PostgreSQL takes 24:00:00 (the day's end) and a leap second 60, nothing past them.
        if h > 24 || mi > 59 || sec > 60 || h == 24 && (mi > 0 || sec > 0 || fraction) {
            return no(format!("has the time {h:02}:{mi:02}:{sec:02}, outside 00:00:00..24:00:00"));
        }
        if sec == 60 {
            return Unknown;
        }
    }
    if let Some(z) = zone.filter(|z| z.as_str() != "z") {
        let digits: String = z.as_str().chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) =
            (digits[..2].parse().unwrap_or(99), digits.get(2..).unwrap_or("0").parse().unwrap_or(99));
        if hours > 14 || minutes > 59 {
            return Unknown;
        }
    }
    Fits
}

fn json(s: &str) -> Verdict {
    if s.contains("\\u") {
        return Unknown;
    }
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(_) => Fits,
        Err(e) if e.to_string().contains("out of range") || e.to_string().contains("recursion") => Unknown,
        Err(e) => no(format!("is not JSON ({e})")),
    }
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

/// A number constant as PostgreSQL reads it: digits and a decimal exponent.
#[derive(Debug)]
struct Decimal {
    negative: bool,
    /// The digits without leading zeros ("" for zero).
    digits: String,
    /// value = digits × 10^exponent
    exponent: i64,
    /// Fraction digits as written (numeric keeps them: `1.50` prints as 1.50), when no exponent.
    written_scale: Option<usize>,
}

impl Decimal {
    fn parse(t: &str) -> Option<Decimal> {
        let (negative, rest) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(rest[i + 1..].parse::<i64>().ok()?)),
            None => (rest, None),
        };
        if exp.is_some_and(|e| e.abs() > 1000) {
            return None;
        }
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let all = format!("{int}{frac}");
        let trimmed = all.trim_start_matches('0');
        let exponent = exp.unwrap_or(0) - frac.len() as i64;
        let written_scale = exp.is_none().then_some(frac.len());
        Some(Decimal { negative, digits: trimmed.to_string(), exponent, written_scale })
    }

    fn is_zero(&self) -> bool {
        self.digits.bytes().all(|b| b == b'0')
    }

    /// The decimal exponent of the leading digit.
    fn magnitude(&self) -> i64 {
        self.digits.len() as i64 - 1 + self.exponent
    }

    /// The digits rounded half away from zero to `scale` fraction digits: (digits, scale).
    fn rounded(&self, scale: i64) -> String {
        if self.exponent >= -scale {
            let zeros = (self.exponent + scale) as usize;
            return format!("{}{}", self.digits, "0".repeat(zeros));
        }
        let drop = (-scale - self.exponent) as usize;
        if drop > self.digits.len() {
            return String::new();
        }
        let (keep, gone) = self.digits.split_at(self.digits.len() - drop);
        let mut keep: Vec<u8> = keep.bytes().collect();
        if gone.as_bytes().first().is_some_and(|&b| b >= b'5') {
            let mut i = keep.len();
            loop {
                if i == 0 {
                    keep.insert(0, b'1');
                    break;
                }
                i -= 1;
                if keep[i] == b'9' {
                    keep[i] = b'0';
                } else {
                    keep[i] += 1;
                    break;
                }
            }
        }
        String::from_utf8(keep).unwrap_or_default().trim_start_matches('0').to_string()
    }

    fn rounded_integer(&self) -> Option<i128> {
        let digits = self.rounded(0);
        if digits.len() > 30 {
            return None;
        }
        let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        Some(if self.negative { -v } else { v })
    }

    /// numeric(p, s): rounded to s fraction digits, at most p - s digits before the point.
    fn fits_numeric(&self, modifiers: Option<(u32, Option<u32>)>) -> Verdict {
        let Some((p, s)) = modifiers else { return Fits };
        let s = s.unwrap_or(0) as i64;
        let digits = self.rounded(s);
        let before_point = digits.len() as i64 - s;
        if before_point <= p as i64 - s {
            Fits
        } else {
            no(format!(
                "needs {before_point} digits before the decimal point, but numeric({p},{s}) holds {}",
                p as i64 - s
            ))
        }
    }

    /// The text the number prints as when cast to text (numeric keeps the written scale).
    fn output(&self) -> Option<String> {
        let scale = self.written_scale?;
        let digits = self.rounded(scale as i64);
        let digits = format!("{}{digits}", "0".repeat((scale + 1).saturating_sub(digits.len())));
        let (int, frac) = digits.split_at(digits.len() - scale);
        let sign = if self.negative && digits.bytes().any(|b| b != b'0') { "-" } else { "" };
        Some(if scale == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") })
    }
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
    fn numbers_print_as_numeric_does() {
        let out = |t: &str| Decimal::parse(t).unwrap().output();
        assert_eq!(out("007").as_deref(), Some("7"));
        assert_eq!(out(".50").as_deref(), Some("0.50"));
        assert_eq!(out("-0.0").as_deref(), Some("0.0"));
        assert_eq!(out("1e3"), None);
    }
}
