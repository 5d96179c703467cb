//! Reading spanned TOML values: typed accessors that report a diagnostic instead of failing.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::model::{Named, Ref};

pub type Value<'i> = Spanned<DeValue<'i>>;

/// The file being read and where its diagnostics go.
pub struct Walker<'d> {
    pub file: FileId,
    pub diags: &'d mut Diagnostics,
}

/// Keys whose value is SQL text: a TOML number or boolean there gets the quoted form as help.
const SQL_KEYS: &[&str] =
    &["default", "check", "generated", "expr", "where", "using", "with_check", "when", "set_on_update"];

/// A TOML table whose keys were checked against the allowed ones.
pub struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
}

impl<'a, 'i> Fields<'a, 'i> {
    pub fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }
}

pub fn span_of<T>(file: FileId, v: &Spanned<T>) -> Span {
    Span::new(file, v.span())
}

fn found(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Walker<'_> {
    pub fn span<T>(&self, v: &Spanned<T>) -> Span {
        span_of(self.file, v)
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Checks every key of `table` against `allowed`, reporting each unknown one.
    pub fn fields<'a, 'i>(&mut self, table: &'a DeTable<'i>, allowed: &[&str]) -> Fields<'a, 'i> {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let d = Diagnostic::unknown_key(key.get_ref(), allowed, self.span(key));
                self.report(d);
            }
        }
        Fields { table }
    }

    fn wrong(&mut self, key: &str, expected: &str, v: &Value<'_>) {
        let d = Diagnostic::wrong_value_type(key, expected, found(v.get_ref()), self.span(v));
        self.report(d);
    }

    pub fn table<'a, 'i>(&mut self, key: &str, v: &'a Value<'i>) -> Option<&'a DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong(key, "a table", v);
                None
            }
        }
    }

    pub fn array<'a, 'i>(&mut self, key: &str, v: &'a Value<'i>) -> Option<&'a [Value<'i>]> {
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.wrong(key, "an array", v);
                None
            }
        }
    }

    pub fn string(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) if SQL_KEYS.contains(&key) => {
                let value = match v.get_ref() {
                    DeValue::Integer(i) => i.to_string(),
                    DeValue::Float(f) => f.to_string(),
                    DeValue::Boolean(b) => b.to_string(),
                    _ => String::new(),
                };
                self.report(Diagnostic::sql_not_a_string(key, found(v.get_ref()), &value, self.span(v)));
                None
            }
            // PostgreSQL's text cannot hold NUL, and psql stops reading a file at one.
            DeValue::String(s) if s.contains('\0') => {
                self.report(Diagnostic::nul_in_text(key, self.span(v)));
                None
            }
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong(key, "a string", v);
                None
            }
        }
    }

    pub fn named(&mut self, key: &str, v: &Value<'_>) -> Option<Named> {
        let span = self.span(v);
        self.string(key, v).map(|name| Named { name, span })
    }

    /// A name that may be qualified (`archive.runs`); an unqualified one has an empty namespace
    /// until lowering resolves it (`resolve_namespaces`).
    pub fn reference(&mut self, key: &str, v: &Value<'_>) -> Option<Ref> {
        let span = self.span(v);
        self.string(key, v).map(|text| Ref::parse(&text, span))
    }

    /// An optional `true | false` key of `f`: false when absent.
    pub fn flag(&mut self, f: &Fields<'_, '_>, key: &str) -> bool {
        f.get(key).and_then(|v| self.boolean(key, v)).unwrap_or(false)
    }

    pub fn boolean(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(key, "true or false", v);
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str, v: &Value<'_>) -> Option<i64> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                let digits = digits.trim_start_matches("0x").trim_start_matches("0o").trim_start_matches("0b");
                match i64::from_str_radix(digits, i.radix()) {
                    Ok(n) => Some(n),
                    Err(_) => {
                        self.wrong(key, "an integer that fits in 64 bits", v);
                        None
                    }
                }
            }
            _ => {
                self.wrong(key, "an integer", v);
                None
            }
        }
    }

    /// A non-negative integer that fits in `u32`.
    pub fn count(&mut self, key: &str, v: &Value<'_>) -> Option<u32> {
        let n = self.integer(key, v)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.wrong(key, "a non-negative integer", v);
                None
            }
        }
    }

    /// A number (integer or float) as its decimal text, or None with a diagnostic.
    pub fn number(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref() {
            DeValue::Integer(_) => self.integer(key, v).map(|n| n.to_string()),
            DeValue::Float(f) => {
                let text = f.as_str().replace('_', "");
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(text),
                    _ => {
                        self.wrong(key, "a finite number", v);
                        None
                    }
                }
            }
            _ => {
                self.wrong(key, "a number", v);
                None
            }
        }
    }

    /// An array of strings, each with its span; a non-string element is reported and skipped.
    pub fn strings(&mut self, key: &str, v: &Value<'_>) -> Option<Vec<Named>> {
        let items = self.array(key, v)?;
        Some(items.iter().filter_map(|it| self.named(key, it)).collect())
    }

    /// A string that must be one of `allowed`.
    pub fn choice<T: Copy>(&mut self, key: &str, v: &Value<'_>, allowed: &[(&str, T)]) -> Option<T> {
        let got = self.string(key, v)?;
        let found = allowed.iter().find(|(name, _)| name.eq_ignore_ascii_case(&got)).map(|(_, it)| *it);
        if found.is_none() {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            let d = Diagnostic::invalid_value(key, &got, &names, self.span(v));
            self.report(d);
        }
        found
    }
}
