//! `validate()`: the rules each insert checks before it reaches the database (lengths, ranges,
//! patterns, union values, and the CHECKs that translate to Rust).

use super::*;

/// The CHECK constraints of `t` that its generated `validate()` enforces too: those derived
/// from column rules and union types, and the declared ones it translates into Rust.
pub fn checks_in_rust(t: &Table) -> Vec<&str> {
    let inserted: Vec<&Column> = t.columns.iter().filter(|c| c.writable()).collect();
    t.checks
        .iter()
        .filter(|c| {
            c.origin != crate::model::CheckOrigin::Declared || check::translate(&c.expr, t, &inserted).is_some()
        })
        .map(|c| c.name.as_str())
        .collect()
}

/// The CHECKs of every domain that the domains' generated `validate()` enforces too.
pub fn domain_checks_in_rust(schema: &Schema) -> Vec<&str> {
    let checks = schema.domains.iter().flat_map(|d| &d.checks);
    checks.filter(|c| check::translate_domain(&c.expr).is_some()).map(|c| c.name.as_str()).collect()
}

/// `a = $1 AND b = $2`.
pub(super) fn condition(columns: &[&Column]) -> String {
    let parts: Vec<String> =
        columns.iter().enumerate().map(|(i, c)| format!("{} = ${}", ident(&c.name), i + 1)).collect();
    parts.join(" AND ")
}

/// The constraints of `t` that are about one column, `(constraint, column)`: a primary key,
/// unique key, foreign key or unique index over one column, and a CHECK reading one column.
pub(super) fn field_constraints(t: &Table) -> Vec<(String, String)> {
    let one = |columns: &[crate::model::Named]| match columns {
        [c] => Some(c.name.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    out.extend(t.primary_key.iter().filter_map(|pk| Some((pk.name.clone(), one(&pk.columns)?))));
    out.extend(t.uniques.iter().filter_map(|u| Some((u.name.clone(), one(&u.columns)?))));
    out.extend(t.foreign_keys.iter().filter_map(|fk| Some((fk.name.clone(), one(&fk.columns)?))));
    for i in t.indexes.iter().filter(|i| i.unique) {
        if let [crate::model::IndexKey { target: crate::model::IndexTarget::Column(c), .. }] = i.keys.as_slice() {
            out.push((i.name.clone(), c.name.clone()));
        }
    }
    out.extend(t.checks.iter().filter_map(|check| Some((check.name.clone(), check_column(check)?))));
    out
}

/// The one column a CHECK reads, if it reads exactly one.
pub(super) fn check_column(check: &crate::model::Check) -> Option<String> {
    use crate::model::CheckOrigin;
    if let CheckOrigin::Rule { column } | CheckOrigin::Enum { column } = &check.origin {
        return Some(column.clone());
    }
    let read = columns_read(check)?;
    if read.len() == 1 { read.into_iter().next() } else { None }
}

/// The columns a declared CHECK reads, each once, in name order.
fn columns_read(check: &crate::model::Check) -> Option<std::collections::BTreeSet<String>> {
    Some(crate::sql::deps::columns_read(check.expr.ast()?).into_iter().map(|(_, c)| c).collect())
}

pub(super) fn render_validate(out: &mut String, new: &str, t: &Table, inserted: &[&Column], holding: Holding) {
    let mut body = String::new();
    let mut statics = String::new();
    for c in inserted {
        let f = field(&c.name);
        let name = &c.name;
        let mut rules = String::new();
        if let Some(rule) = max_chars_rule(name, &c.ty) {
            writeln!(rules, "{rule}").unwrap();
            if let ColumnType::Scalar(Scalar::Varchar(Some(n)) | Scalar::Char(Some(n))) = c.ty
                && (c.rules.min_length.is_some() || c.rules.pattern.is_some() || c.rules.format.is_some())
            {
                writeln!(rules, "let value = Violations::stored_text(value, {n});").unwrap();
            }
        }
        if let Some(n) = c.rules.min_length {
            writeln!(rules, "v.min_chars({name:?}, value, {n});").unwrap();
        }
        if let Some(p) = &c.rules.pattern {
            let re = format!("RE_{}_{}", t.name.to_uppercase(), c.name.to_uppercase())
                .replace(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_', "_");
            if matches!(holding, Holding::Insert) {
                writeln!(
                statics,
                "static {re}: std::sync::LazyLock<regex::Regex> =\n    std::sync::LazyLock::new(|| regex::Regex::new({p:?}).expect(\"pattern checked by strata\"));"
            )
            .unwrap();
            }
            writeln!(rules, "v.pattern({name:?}, value, &{re});").unwrap();
        }
        if c.shape.is_some() || matches!(c.ty, ColumnType::Scalar(Scalar::Domain(_))) {
            writeln!(rules, "v.nested({name:?}, value);").unwrap();
        }
        match c.rules.format.as_deref() {
            Some("email") => writeln!(rules, "v.email({name:?}, value);").unwrap(),
            Some("url") => writeln!(rules, "v.url({name:?}, value);").unwrap(),
            _ => {}
        }
        let decimal = match c.ty.scalar() {
            Scalar::SmallInt | Scalar::Integer | Scalar::BigInt | Scalar::Serial | Scalar::BigSerial => {
                Some("rust_decimal::Decimal::from(*value)")
            }
            Scalar::Numeric(Some((_, Some(scale)))) => {
                Some(if *scale > 0 { "Violations::stored(*value, SCALE)" } else { "Violations::stored(*value, 0)" })
            }
            Scalar::Numeric(_) => Some("*value"),
            Scalar::Real | Scalar::Double => Some("rust_decimal::Decimal::try_from(*value as f64).unwrap_or_default()"),
            _ => None,
        };
        if let (Some(d), Some(r), ColumnType::Scalar(_)) = (decimal, &c.rules.range, &c.ty) {
            let (lo, hi) = (r.min.clone().unwrap_or_default(), r.max.clone().unwrap_or_default());
            let scale = match c.ty.scalar() {
                Scalar::Numeric(Some((_, Some(scale)))) => scale.to_string(),
                _ => "0".into(),
            };
            writeln!(
                rules,
                "v.range({name:?}, {}, {}, {});",
                d.replace("SCALE", &scale),
                decimal_const(&lo),
                decimal_const(&hi)
            )
            .unwrap();
        }
        if let Some(rule) = digits_rule(name, &c.ty) {
            writeln!(rules, "{rule}").unwrap();
        }
        if rules.is_empty() {
            continue;
        }
        let indented: String = rules.lines().map(|l| format!("            {l}\n")).collect();
        match holding.binding(c, &f) {
            Some(binding) => writeln!(body, "        {binding} {{\n{indented}        }}").unwrap(),
            None => writeln!(body, "        {{\n            let value = &self.{f};\n{indented}        }}").unwrap(),
        }
    }
    let mut db_only = Vec::new();
    let mut on_patch = false;
    for check in t.checks.iter().filter(|c| c.origin == crate::model::CheckOrigin::Declared) {
        // A CHECK on one column is that field's violation; one over several is the table's.
        let field = check_column(check).unwrap_or_else(|| check.name.clone());
        let decided = match holding {
            Holding::Insert => check::translate(&check.expr, t, inserted).map(|test| {
                check_rule(&mut body, &test, &field, &check.name, &check.expr.sql);
            }),
            Holding::Patch => patch_check(&mut body, check, &field, t, inserted),
        };
        on_patch |= matches!(holding, Holding::Patch) && decided.is_some();
        if decided.is_none() {
            db_only.push(check.name.clone());
        }
    }
    out.push_str(&statics);
    let v = if body.is_empty() { "let v" } else { "let mut v" };
    let partly = if on_patch {
        "\n    /// A CHECK is tested when the patch sets every column it reads; else the database tests it."
    } else {
        ""
    };
    writeln!(
        out,
        "\nimpl Validate for {new} {{\n    /// Every rule of the declaration PostgreSQL would also enforce, and the formats it cannot.{partly}{}\n    \
         fn validate(&self) -> Result<(), Violations> {{\n        {v} = Violations::default();\n{body}        v.into_result()\n    }}\n}}",
        if db_only.is_empty() { String::new() } else { format!("\n    /// Checked by the database only: {}.", db_only.join(", ")) }
    )
    .unwrap();
}

/// A patch's test of a declared CHECK, run when the patch sets every column the CHECK reads
/// (the others are the stored row's, which only the database sees); `None` when it reads a
/// column a patch cannot set or does not translate.
fn patch_check(
    body: &mut String,
    check: &crate::model::Check,
    field: &str,
    t: &Table,
    patched: &[&Column],
) -> Option<()> {
    let read = columns_read(check)?;
    let columns: Vec<&Column> =
        read.iter().map(|name| patched.iter().find(|c| c.name == *name).copied()).collect::<Option<_>>()?;
    if columns.is_empty() {
        return None;
    }
    let test = check::translate_patch(&check.expr, t, &columns)?;
    let bindings: Vec<String> = columns.iter().map(|c| format!("Some({})", check::patch_binding(&c.name))).collect();
    let fields: Vec<String> = columns.iter().map(|c| format!("&self.{}", super::field(&c.name))).collect();
    let mut rule = format!("        let holds = {test};\n");
    check_rule(&mut rule, "holds", field, &check.name, &check.expr.sql);
    let rule: String = rule.lines().map(|l| format!("    {l}\n")).collect();
    // A tuple of one needs its comma.
    let comma = if columns.len() == 1 { "," } else { "" };
    let (bindings, fields) = (bindings.join(", "), fields.join(", "));
    writeln!(body, "        if let ({bindings}{comma}) = ({fields}{comma}) {{\n{rule}        }}").unwrap();
    Some(())
}
