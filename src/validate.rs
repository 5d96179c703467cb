//! Validation that generated `validate()` methods share: every violation is collected, none
//! stops the others, and each rule counts as PostgreSQL counts (characters, not bytes).

use std::fmt;

/// One broken rule: which field, which rule, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field (column) the rule is about; for a CHECK over several columns, the CHECK's name.
    pub field: &'static str,
    pub rule: &'static str,
    /// The database constraint that enforces the same rule, when there is one by name (a CHECK).
    pub constraint: Option<&'static str>,
    pub message: String,
}

/// Every violation of one value; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[inline]
    pub fn push(&mut self, field: &'static str, rule: &'static str, message: String) {
        self.0.push(Violation { field, rule, constraint: None, message });
    }

    /// A table CHECK translated to Rust failed: reported under `field`, with the CHECK's name.
    pub fn check(&mut self, field: &'static str, constraint: &'static str, message: &str) {
        self.0.push(Violation { field, rule: "check", constraint: Some(constraint), message: message.to_string() });
    }

    /// `Ok(())` when empty, so callers can use `?`.
    #[inline]
    pub fn into_result(self) -> Result<(), Violations> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// At most `n` characters (`varchar(n)`, `char(n)`). As in PostgreSQL (and the SQL
    /// standard), excess characters that are all spaces are not an error: they are cut off.
    #[inline]
    pub fn max_chars(&mut self, field: &'static str, value: &str, n: usize) {
        // A character takes at least one byte: within n bytes is within n characters.
        if value.len() <= n {
            return;
        }
        let len = value.chars().count();
        if len > n && !value.chars().skip(n).all(|c| c == ' ') {
            self.push(field, "max_length", format!("{field} is {len} characters long, at most {n} allowed"));
        }
    }

    /// The text `varchar(n)` stores: cut to `n` characters when the excess is all spaces (as
    /// PostgreSQL does before any CHECK sees it). Rules after the length run on this.
    #[inline]
    pub fn stored_text(value: &str, n: usize) -> &str {
        if value.len() <= n {
            return value;
        }
        match value.char_indices().nth(n) {
            Some((end, _)) if value[end..].chars().all(|c| c == ' ') => &value[..end],
            _ => value,
        }
    }

    /// At least `n` characters (`min_length`).
    #[inline]
    pub fn min_chars(&mut self, field: &'static str, value: &str, n: usize) {
        // A character takes at most four bytes.
        if value.len() >= 4 * n {
            return;
        }
        let len = value.chars().count();
        if len < n {
            self.push(field, "min_length", format!("{field} is {len} characters long, at least {n} required"));
        }
    }

    #[inline]
    pub fn pattern(&mut self, field: &'static str, value: &str, re: &regex::Regex) {
        if !re.is_match(value) {
            self.push(field, "pattern", format!("{field} does not match {}", re.as_str()));
        }
    }

    /// Inclusive bounds, compared exactly (decimal), as PostgreSQL compares numerics.
    #[inline]
    pub fn range(
        &mut self,
        field: &'static str,
        value: rust_decimal::Decimal,
        min: rust_decimal::Decimal,
        max: rust_decimal::Decimal,
    ) {
        if value < min || value > max {
            // Messages never carry the value: the column may be sensitive (a pin, a salary).
            self.push(field, "range", format!("{field} is outside [{min}, {max}]"));
        }
    }

    /// `numeric(p, s)`: PostgreSQL rounds to `s` decimals, then the value must stay below
    /// `limit` = 10^(p - s) in magnitude.
    #[inline]
    pub fn numeric_digits(
        &mut self,
        field: &'static str,
        value: rust_decimal::Decimal,
        scale: u32,
        limit: rust_decimal::Decimal,
    ) {
        if Self::stored(value, scale).abs() >= limit {
            self.push(field, "numeric", format!("{field} is not below {limit} in magnitude"));
        }
    }

    /// The value PostgreSQL stores in `numeric(p, s)`: rounded half away from zero to `s`
    /// decimals. Rules compare this value, as the database's CHECK constraints do.
    #[inline]
    pub fn stored(value: rust_decimal::Decimal, scale: u32) -> rust_decimal::Decimal {
        value.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }

    /// The rules of a nested value (a jsonb column's shape, a domain's value), reported under
    /// `field`, with the CHECK's name when one failed.
    pub fn nested(&mut self, field: &'static str, value: &impl Validate) {
        if let Err(inner) = value.validate() {
            for v in inner.0 {
                let message = format!("{field}: {}", v.message);
                self.0.push(Violation { field, rule: v.rule, constraint: v.constraint, message });
            }
        }
    }

    /// A plausible address: one `@`, something on both sides, a dot in the domain, no spaces.
    pub fn email(&mut self, field: &'static str, value: &str) {
        let ok = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        }) && !value.contains(char::is_whitespace);
        if !ok {
            self.push(field, "email", format!("{field} is not an email address"));
        }
    }

    /// An absolute http(s) URL with a host.
    pub fn url(&mut self, field: &'static str, value: &str) {
        let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/')) && !value.contains(char::is_whitespace);
        if !ok {
            self.push(field, "url", format!("{field} is not an http(s) URL"));
        }
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|v| v.message.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for Violations {}

/// Types with rules: `validate()` returns every violation, not the first.
pub trait Validate {
    fn validate(&self) -> Result<(), Violations>;
}

/// What `Debug` prints for a column marked sensitive.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_count_like_postgres() {
        let mut v = Violations::default();
        v.max_chars("name", "ééé", 3);
        v.max_chars("name", "ab   ", 2);
        v.min_chars("name", "", 1);
        let limit = rust_decimal::Decimal::ONE_THOUSAND;
        v.numeric_digits("score", "100.00".parse().unwrap(), 2, limit);
        v.numeric_digits("score", "1000.00".parse().unwrap(), 2, limit);
        v.numeric_digits("score", "999.995".parse().unwrap(), 2, limit);
        v.range("score", "100".parse().unwrap(), rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ONE_HUNDRED);
        v.email("email", "a@example.com");
        v.email("email", "nope");
        v.url("url", "https://example.com");
        v.url("url", "ftp://x");
        let rules: Vec<&str> = v.0.iter().map(|x| x.rule).collect();
        assert_eq!(rules, ["min_length", "numeric", "numeric", "email", "url"]);
        // No message repeats the value: a sensitive column's value never reaches a log.
        let mut secret = Violations::default();
        secret.range("pin", "1234".parse().unwrap(), rust_decimal::Decimal::ZERO, rust_decimal::Decimal::TEN);
        secret.numeric_digits("pin", "98765.4".parse().unwrap(), 0, limit);
        assert!(secret.0.iter().all(|x| !x.message.contains("1234") && !x.message.contains("98765")), "{secret}");
    }
}
