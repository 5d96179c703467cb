//! Seed rows: every value names a column it may give and fits its type (`values::judge`), and
//! required columns are given.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Schema;

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for t in &schema.tables {
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        for row in &t.rows {
            for (col, value) in &row.values {
                let Some(c) = t.column(&col.name) else {
                    diags.push(Diagnostic::unknown_column(&t.name, &col.name, &names, col.span));
                    continue;
                };
                if !c.writable() {
                    diags.push(Diagnostic::seed_value_computed(&t.name, &col.name, col.span));
                    continue;
                }
                if let super::values::Verdict::DoesNotFit(why) = super::values::judge(value, &c.ty, schema) {
                    diags.push(Diagnostic::seed_value(
                        &t.name,
                        &col.name,
                        &format!("is {value}, which {why}"),
                        col.span,
                    ));
                }
            }
            for c in &t.columns {
                let required = !c.nullable && !c.has_default() && c.generated.is_none();
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
