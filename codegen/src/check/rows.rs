//! Seed rows: every value names a column and fits its type, and required columns are given.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ColumnType, Scalar, Schema};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for t in &schema.tables {
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        for row in &t.rows {
            for (col, value) in &row.values {
                let Some(c) = t.column(&col.name) else {
                    diags.push(Diagnostic::unknown_column(&t.name, &col.name, &names, col.span));
                    continue;
                };
                let quoted = value.starts_with('\'');
                let boolean = value == "true" || value == "false";
                let fits = match c.ty.scalar() {
                    _ if matches!(c.ty, ColumnType::Array(_)) => quoted,
                    Scalar::Boolean => boolean,
                    Scalar::SmallInt | Scalar::Integer | Scalar::BigInt | Scalar::Serial | Scalar::BigSerial => {
                        value.parse::<i64>().is_ok()
                    }
                    Scalar::Numeric(_) | Scalar::Real | Scalar::Double => !quoted && !boolean,
                    _ => quoted,
                };
                if !fits {
                    diags.push(Diagnostic::seed_value(
                        &t.name,
                        &col.name,
                        &format!("is `{}`, which does not fit {}", value, c.ty),
                        col.span,
                    ));
                } else if let Scalar::Enum(e) = c.ty.scalar()
                    && let Some(e) = schema.enum_(e)
                    && !e.values.iter().any(|v| crate::render::sql::literal(v) == *value)
                {
                    diags.push(Diagnostic::seed_value(
                        &t.name,
                        &col.name,
                        &format!("is {value}, not a value of `{}`", e.name),
                        col.span,
                    ));
                }
            }
            for c in &t.columns {
                let serial = matches!(c.ty, ColumnType::Scalar(Scalar::Serial | Scalar::BigSerial));
                let required = !c.nullable && c.default.is_none() && c.generated.is_none() && !serial;
                if required && !row.values.iter().any(|(n, _)| n.name == c.name) {
                    diags.push(Diagnostic::seed_value(
                        &t.name,
                        &c.name,
                        "is required (NOT NULL, no default) but missing",
                        row.span,
                    ));
                }
            }
        }
    }
}
