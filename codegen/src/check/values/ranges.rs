//! The built-in range types (`int4range`, `numrange`, `daterange`, ...) as `range_in` reads them.

use super::numbers::Decimal;
use super::{Verdict, judge_text, no, trim_space};
use crate::model::{ColumnType, Scalar, Schema};
use Verdict::{DoesNotFit, Fits, Unknown};

/// `empty`, or `[lower,upper)` with either bound left out (unbounded) and each read by the
/// subtype's input function; a lower bound past the upper one is refused. Quoted bounds are left
/// to PostgreSQL, and so are bounds strata cannot order.
pub(super) fn range(s: &str, subtype: Scalar, schema: &Schema) -> Verdict {
    let t = trim_space(s);
    if t.eq_ignore_ascii_case("empty") {
        return Fits;
    }
    if t.contains(['"', '\\']) {
        return Unknown;
    }
    let Some(inner) = t.strip_prefix(['[', '(']) else {
        return no("is not a range: it starts with neither `[` nor `(` (or is `empty`)");
    };
    let Some((lower, rest)) = inner.split_once(',') else {
        return no("is not a range: it has no comma between bounds");
    };
    let Some(close) = rest.find([')', ']']) else { return no("is not a range: it does not end with `)` or `]`") };
    let (upper, after) = (&rest[..close], &rest[close + 1..]);
    if upper.contains(['(', '[', ',']) {
        return Unknown;
    }
    if !trim_space(after).is_empty() {
        return no("has text after the range's closing bracket");
    }
    let ty = ColumnType::Scalar(subtype.clone());
    let mut verdict = Fits;
    for bound in [lower, upper].into_iter().filter(|b| !b.is_empty()) {
        match judge_text(bound, &ty, schema) {
            Fits => {}
            DoesNotFit(why) => return no(format!("has the bound `{}`, which {why}", trim_space(bound))),
            Unknown => verdict = Unknown,
        }
    }
    // Canonical integer ranges move an inclusive upper or exclusive lower bound one up: at the
    // type's largest value that overflows.
    let top = match subtype {
        Scalar::Integer => Some(i32::MAX as i128),
        Scalar::BigInt => Some(i64::MAX as i128),
        _ => None,
    };
    let at_top = |b: &str| top.is_some() && trim_space(b).parse::<i128>().ok() == top;
    if at_top(lower) || at_top(upper) {
        return Unknown;
    }
    if verdict != Fits || lower.is_empty() || upper.is_empty() {
        return verdict;
    }
    let (lower, upper) = (trim_space(lower), trim_space(upper));
    match order(lower, upper, &subtype) {
        Some(std::cmp::Ordering::Greater) => no("has a lower bound greater than its upper bound"),
        Some(_) => Fits,
        None => Unknown,
    }
}

/// How two bounds compare, where strata can tell: numbers, and ISO dates and timestamps.
fn order(a: &str, b: &str, subtype: &Scalar) -> Option<std::cmp::Ordering> {
    match subtype {
        Scalar::Integer | Scalar::BigInt | Scalar::Numeric(_) => {
            let (a, b) = (Decimal::parse(a)?, Decimal::parse(b)?);
            Some(a.compare(&b))
        }
        Scalar::Date | Scalar::Timestamp => Some(moment(a)?.cmp(&moment(b)?)),
        _ => None,
    }
}

/// An ISO date or timestamp without zone, as digits in a fixed layout that sort as it does.
fn moment(s: &str) -> Option<String> {
    static ISO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\d{4})-(\d{2})-(\d{2})(?:[ tT](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$")
            .expect("valid regex")
    });
    let m = ISO.captures(s)?;
    // 24:00:00 is the next day's start: not ordered by its digits.
    if m.get(4).is_some_and(|h| h.as_str() == "24") {
        return None;
    }
    let part = |i: usize, width: usize| match m.get(i) {
        Some(g) if i == 7 => format!("{:0<width$}", g.as_str()),
        Some(g) => g.as_str().to_string(),
        None => "0".repeat(width),
    };
    Some([part(1, 4), part(2, 2), part(3, 2), part(4, 2), part(5, 2), part(6, 2), part(7, 6)].concat())
}
