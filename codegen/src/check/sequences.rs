//! Sequences and identity columns: options PostgreSQL accepts, identity columns of an integer
//! type with no other source of values, and owners that exist beside their sequence.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ColumnType, QName, Scalar, Schema};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for s in &schema.sequences {
        if let Err(why) = s.options.resolve() {
            diags.push(Diagnostic::invalid_sequence_options(&format!("sequence `{}`", s.qname()), &why, s.span));
        }
        let Some(owner) = &s.owned_by else { continue };
        if owner.table.namespace != s.namespace {
            diags.push(Diagnostic::sequence_owner_elsewhere(
                &s.qname().to_string(),
                &owner.table.qname().to_string(),
                owner.table.span,
            ));
            continue;
        }
        match schema.table(&owner.table.qname()) {
            None => {
                let names: Vec<String> = schema.tables.iter().map(|t| t.qname().to_string()).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                diags.push(Diagnostic::unknown_table(&owner.table.qname().to_string(), &names, owner.table.span));
            }
            Some(t) if t.column(&owner.column.name).is_none() => {
                let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                diags.push(Diagnostic::unknown_column(&t.name, &owner.column.name, &names, owner.column.span));
            }
            Some(_) => {}
        }
    }
    for t in &schema.tables {
        for c in &t.columns {
            let Some(identity) = &c.identity else { continue };
            let integer = matches!(c.ty, ColumnType::Scalar(Scalar::SmallInt | Scalar::Integer | Scalar::BigInt));
            let why = match () {
                _ if !integer => Some(format!("is `{}`, not smallint, integer or bigint", c.ty)),
                _ if c.default.is_some() => Some("also has a default".to_string()),
                _ if c.generated.is_some() => Some("is also a generated column".to_string()),
                _ if c.nullable => Some("is nullable".to_string()),
                _ => None,
            };
            if let Some(why) = why {
                diags.push(Diagnostic::invalid_identity(&c.name, &why, identity.span));
                continue;
            }
            if let Some(Err(why)) = c.implicit_sequence_options().map(|o| o.resolve()) {
                let what = format!("identity column `{}.{}`", QName::new(&t.namespace, &t.name), c.name);
                diags.push(Diagnostic::invalid_sequence_options(&what, &why, identity.span));
            }
        }
    }
}
