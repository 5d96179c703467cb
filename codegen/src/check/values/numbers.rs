//! Numbers as PostgreSQL's input functions read them: integers, numeric, floats, and the
//! constants a default writes (`Decimal`).

use super::{Verdict, no, trim_space};
use Verdict::{Fits, Unknown};

pub(super) fn integer(s: &str, lo: i128, hi: i128, name: &str) -> Verdict {
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

pub(super) fn numeric_text(s: &str, modifiers: Option<(u32, Option<u32>)>) -> Verdict {
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

pub(super) fn looks_numeric(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
}

/// A number constant PostgreSQL reads from version 16 on only: digits grouped with `_`, or a
/// hexadecimal, octal or binary integer.
pub(super) fn newer_number(n: &str) -> bool {
    let n = n.trim_start_matches(['-', '+']).to_ascii_lowercase();
    n.contains('_') || ["0x", "0o", "0b"].iter().any(|p| n.starts_with(p))
}

/// real and double precision: far from the edge fits; past the largest value (`max_exp`: 38 and
/// 308) or below half the smallest subnormal (`min_exp`: -46 and -324) is out of range, as
/// `float4in` and `float8in` refuse what `strtod` overflows or rounds to zero.
pub(super) fn float(s: &str, max_exp: i64, min_exp: i64) -> Verdict {
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
            if magnitude > max_exp || magnitude < min_exp {
                no(format!("is out of range for a {}-bit float", if max_exp < 100 { 32 } else { 64 }))
            } else if magnitude.abs() < max_exp - 1 {
                Fits
            } else {
                Unknown
            }
        }
        None if looks_numeric(t) => Unknown,
        None => no("is not a number"),
    }
}

/// A number constant as PostgreSQL reads it: digits and a decimal exponent.
#[derive(Debug)]
pub(super) struct Decimal {
    negative: bool,
    /// The digits without leading zeros ("" for zero).
    digits: String,
    /// value = digits × 10^exponent
    exponent: i64,
    /// Fraction digits as written (numeric keeps them: `1.50` prints as 1.50), when no exponent.
    written_scale: Option<usize>,
}

impl Decimal {
    pub(super) fn parse(t: &str) -> Option<Decimal> {
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

    pub(super) fn is_zero(&self) -> bool {
        self.digits.bytes().all(|b| b == b'0')
    }

    /// How two numbers compare.
    pub(super) fn compare(&self, other: &Decimal) -> std::cmp::Ordering {
        let sign = |d: &Decimal| {
            if d.is_zero() {
                0
            } else if d.negative {
                -1
            } else {
                1
            }
        };
        let (a, b) = (sign(self), sign(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        // Same sign: the leading digit's place, then the digits from the left.
        let size = self
            .magnitude()
            .cmp(&other.magnitude())
            .then_with(|| self.digits.trim_end_matches('0').cmp(other.digits.trim_end_matches('0')));
        if a < 0 { size.reverse() } else { size }
    }

    /// The decimal exponent of the leading digit.
    pub(super) fn magnitude(&self) -> i64 {
        self.digits.len() as i64 - 1 + self.exponent
    }

    /// The digits rounded half away from zero to `scale` fraction digits: (digits, scale).
    pub(super) fn rounded(&self, scale: i64) -> String {
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

    pub(super) fn rounded_integer(&self) -> Option<i128> {
        let digits = self.rounded(0);
        if digits.len() > 30 {
            return None;
        }
        let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        Some(if self.negative { -v } else { v })
    }

    /// numeric(p, s): rounded to s fraction digits, at most p - s digits before the point.
    pub(super) fn fits_numeric(&self, modifiers: Option<(u32, Option<u32>)>) -> Verdict {
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
    pub(super) fn output(&self) -> Option<String> {
        let scale = self.written_scale?;
        let digits = self.rounded(scale as i64);
        let digits = format!("{}{digits}", "0".repeat((scale + 1).saturating_sub(digits.len())));
        let (int, frac) = digits.split_at(digits.len() - scale);
        let sign = if self.negative && digits.bytes().any(|b| b != b'0') { "-" } else { "" };
        Some(if scale == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") })
    }
}

/// An `oid` as `oidin` reads it (`strtoul`, base 0): a whole number to 4294967295, or a negative
/// one down to -2147483648 (taken modulo 2^32). Octal and hexadecimal spellings are left to PostgreSQL.
pub(super) fn oid(s: &str) -> Verdict {
    let t = trim_space(s);
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.len() > 1 && digits.starts_with('0') {
        return Unknown;
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return no("is not an oid (a whole number)");
    }
    match t.parse::<i128>() {
        Ok(v) if (-2_147_483_648..=4_294_967_295).contains(&v) => Fits,
        _ => no("is out of range for type oid"),
    }
}

/// A number constant assigned to an `oid`: an integer (int4 is coerced as it is, modulo 2^32),
/// a bigint (cast when 0..4294967295); numeric has no cast to oid.
pub(super) fn oid_number(n: &str, d: &Decimal) -> Verdict {
    let whole = !n.contains(['.', 'e', 'E']);
    match d.rounded_integer() {
        Some(v) if whole && i32::try_from(v).is_ok() => Fits,
        Some(v) if whole && i64::try_from(v).is_ok() => {
            if (0..=4_294_967_295).contains(&v) {
                Fits
            } else {
                no("is out of range for type oid")
            }
        }
        _ => no("is a numeric constant, and PostgreSQL has no assignment cast from numeric to oid"),
    }
}

/// A number constant assigned to `money` (integers and numeric are cast, times the locale's
/// fraction): far from the edge fits; near it depends on the server's `lc_monetary`.
pub(super) fn money_number(d: &Decimal) -> Verdict {
    if d.is_zero() || d.magnitude() < 12 { Fits } else { Unknown }
}
