//! Keys: every table should have a primary key, and its columns cannot be nullable.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Schema;

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for t in &schema.tables {
        let Some(pk) = &t.primary_key else {
            diags.push(Diagnostic::missing_primary_key(&t.name, t.span));
            continue;
        };
        for col in &pk.columns {
            if let Some(c) = t.column(&col.name).filter(|c| c.nullable) {
                diags.push(Diagnostic::nullable_primary_key(&c.name, c.span));
            }
        }
    }
}
