//! SQL values and three-valued logic, for table CHECK constraints translated to Rust: a CHECK
//! passes unless it is FALSE (NULL passes), and a column left to its DEFAULT is unknown here.

use std::borrow::Cow;
use std::cmp::Ordering;

use rust_decimal::Decimal;

/// A value as a CHECK expression sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    /// A column left to its DEFAULT: PostgreSQL knows it, validate() does not.
    Unknown,
    Bool(bool),
    Num(Decimal),
    /// Borrowed from the row or the expression: evaluating a CHECK allocates nothing for text.
    Text(Cow<'a, str>),
    /// Date and time values as microseconds since 2000-01-01 (UTC for timestamptz).
    Time(i64),
}

/// How a Rust field becomes a `Value`.
pub trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

impl<'a> Value<'a> {
    #[inline]
    pub fn of<T: ToValue + ?Sized>(v: &'a T) -> Value<'a> {
        v.to_value()
    }

    /// A field that is `None` when the column takes its DEFAULT.
    #[inline]
    pub fn or_default<T: ToValue>(v: &'a Option<T>) -> Value<'a> {
        v.as_ref().map_or(Value::Unknown, ToValue::to_value)
    }

    pub fn num(text: &str) -> Value<'a> {
        text.parse().map_or(Value::Unknown, Value::Num)
    }

    #[inline]
    pub fn text(text: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(text))
    }

    #[inline]
    fn order(&self, other: &Value<'_>) -> Option<Ordering> {
        match (self, other) {
            (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
            (Value::Text(a), Value::Text(b)) => a.partial_cmp(b),
            (Value::Time(a), Value::Time(b)) => a.partial_cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.partial_cmp(b),
            _ => None,
        }
    }

    /// `a op b` for `=`, `<>`, `<`, `<=`, `>`, `>=`; `None` when either side is NULL or unknown.
    #[inline]
    pub fn compare(&self, op: &str, other: &Value<'_>) -> Option<bool> {
        let o = self.order(other)?;
        Some(match op {
            "=" => o == Ordering::Equal,
            "<>" => o != Ordering::Equal,
            "<" => o == Ordering::Less,
            "<=" => o != Ordering::Greater,
            ">" => o == Ordering::Greater,
            ">=" => o != Ordering::Less,
            _ => return None,
        })
    }

    pub fn arith(&self, op: &str, other: &Value<'_>) -> Value<'a> {
        match (self, other) {
            (Value::Num(a), Value::Num(b)) => match op {
                "+" => a.checked_add(*b).map_or(Value::Unknown, Value::Num),
                "-" => a.checked_sub(*b).map_or(Value::Unknown, Value::Num),
                "*" => a.checked_mul(*b).map_or(Value::Unknown, Value::Num),
                "/" => a.checked_div(*b).map_or(Value::Unknown, Value::Num),
                _ => Value::Unknown,
            },
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            _ => Value::Unknown,
        }
    }

    #[inline]
    pub fn is_null(&self) -> Option<bool> {
        match self {
            Value::Unknown => None,
            v => Some(*v == Value::Null),
        }
    }

    #[inline]
    pub fn truth(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// Three-valued AND.
#[inline]
pub fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Three-valued OR.
#[inline]
pub fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// `x IN (list)`: true on a match, NULL if no match but a NULL is involved, else false.
pub fn in_list(x: &Value<'_>, list: &[Value<'_>]) -> Option<bool> {
    let mut result = Some(false);
    for item in list {
        result = or(result, x.compare("=", item));
    }
    result
}

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self.as_str()))
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

impl ToValue for Decimal {
    fn to_value(&self) -> Value<'_> {
        Value::Num(*self)
    }
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Num(Decimal::from(*self))
            }
        }
    )*};
}
int_value!(i16, i32, i64);

impl ToValue for f32 {
    fn to_value(&self) -> Value<'_> {
        Decimal::try_from(*self).map_or(Value::Unknown, Value::Num)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Decimal::try_from(*self).map_or(Value::Unknown, Value::Num)
    }
}

fn micros(t: chrono::NaiveDateTime) -> Value<'static> {
    let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    epoch.and_then(|e| (t - e).num_microseconds()).map_or(Value::Unknown, Value::Time)
}

impl ToValue for chrono::NaiveDateTime {
    fn to_value(&self) -> Value<'_> {
        micros(*self)
    }
}

impl ToValue for chrono::DateTime<chrono::Utc> {
    fn to_value(&self) -> Value<'_> {
        micros(self.naive_utc())
    }
}

impl ToValue for chrono::NaiveDate {
    fn to_value(&self) -> Value<'_> {
        self.and_hms_opt(0, 0, 0).map_or(Value::Unknown, micros)
    }
}

impl ToValue for uuid::Uuid {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(self.to_string()))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        assert_eq!(and(Some(true), None), None);
        assert_eq!(and(Some(false), None), Some(false));
        assert_eq!(or(None, Some(true)), Some(true));
        assert_eq!(in_list(&Value::text("a"), &[Value::text("b"), Value::Null]), None);
        assert_eq!(Value::num("100.00").compare("<=", &Value::num("100")), Some(true));
        assert_eq!(Value::Null.compare("=", &Value::Null), None);
    }
}
