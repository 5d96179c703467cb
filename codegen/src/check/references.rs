//! References: every column a key, index, exclusion constraint or foreign key names exists, and every foreign key
//! points at a declared table's unique key with columns of the same type.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{ColumnType, ForeignKey, IndexTarget, Named, Partition, QName, Scalar, Schema, Table};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let table_names: Vec<String> = schema.tables.iter().map(|t| t.qname().to_string()).collect();
    let table_names: Vec<&str> = table_names.iter().map(String::as_str).collect();
    let tables: HashMap<QName, &Table> = schema.tables.iter().map(|t| (t.qname(), t)).collect();
    for t in &schema.tables {
        let pk = t.primary_key.iter().flat_map(|pk| &pk.columns);
        let uniques = t.uniques.iter().flat_map(|u| &u.columns);
        let partitions: Vec<&Partition> = t.partition.iter().flat_map(|p| &p.partitions).collect();
        let indexes = || t.indexes.iter().chain(partitions.iter().flat_map(|p| &p.indexes));
        let include = indexes().flat_map(|i| &i.include).chain(t.exclusions.iter().flat_map(|x| &x.include));
        let elements = t.exclusions.iter().flat_map(|x| x.elements.iter().map(|e| &e.key));
        let keys = indexes().flat_map(|i| &i.keys).chain(elements).filter_map(|k| match &k.target {
            IndexTarget::Column(c) => Some(c),
            IndexTarget::Expr(_) => None,
        });
        // A partition's own foreign keys are over its parent's columns, as its indexes are.
        let foreign_keys: Vec<&ForeignKey> =
            t.foreign_keys.iter().chain(partitions.iter().flat_map(|p| &p.foreign_keys)).collect();
        let fk_columns = foreign_keys.iter().flat_map(|fk| &fk.columns);
        let partition_key = t.partition.iter().flat_map(|p| &p.key).filter_map(|k| match k {
            IndexTarget::Column(c) => Some(c),
            IndexTarget::Expr(_) => None,
        });
        let all = pk.chain(uniques).chain(include).chain(keys).chain(fk_columns).chain(partition_key);
        let tenant = t.rls.as_ref().and_then(|r| r.tenant.as_ref());
        for col in all.chain(&t.soft_delete).chain(tenant) {
            column_exists(t, col, diags);
        }
        if let Some(sd) = &t.soft_delete {
            soft_delete(t, sd, diags);
        }
        for fk in foreign_keys {
            // A partition is referenced over its parent's columns and the keys it inherits.
            let target =
                tables.get(&fk.ref_table.qname()).copied().or_else(|| partition_of(schema, &fk.ref_table.qname()));
            let Some(target) = target else {
                diags.push(Diagnostic::unknown_table(
                    &fk.ref_table.qname().to_string(),
                    &table_names,
                    fk.ref_table.span,
                ));
                continue;
            };
            let ref_columns = &fk.ref_columns;
            if ref_columns.is_empty() {
                let what = format!("table `{}`, which has no primary key", target.name);
                diags.push(Diagnostic::fk_target_not_unique(&what, fk.span));
                continue;
            }
            if !ref_columns.iter().all(|c| column_exists(target, c, diags)) {
                continue;
            }
            if ref_columns.len() != fk.columns.len() {
                diags.push(Diagnostic::fk_arity(fk.columns.len(), ref_columns.len(), fk.span));
                continue;
            }
            let names: Vec<&str> = ref_columns.iter().map(|c| c.name.as_str()).collect();
            // A partitioned target missing its key gets the more specific message of check/partitions.
            let misses_partition_key = target.partition_key_columns().iter().any(|k| !names.contains(k));
            if !target.has_unique_key(&names) && !misses_partition_key {
                let what = format!("`{}({})`", target.name, names.join(", "));
                diags.push(Diagnostic::fk_target_not_unique(&what, fk.span));
            }
            for (col, ref_col) in fk.columns.iter().zip(ref_columns) {
                let (Some(c), Some(r)) = (t.column(&col.name), target.column(&ref_col.name)) else { continue };
                let target_name = format!("{}.{}", target.name, r.name);
                let (ty, ref_ty) = (c.ty.storage(), r.ty.storage());
                if !c.ty.references_compatible(&r.ty) {
                    diags.push(Diagnostic::fk_type_mismatch(
                        &c.name,
                        &ty.to_string(),
                        &target_name,
                        &ref_ty.to_string(),
                        fk.span,
                    ));
                } else if narrower(&ty, &ref_ty) {
                    diags.push(Diagnostic::fk_length_mismatch(
                        &c.name,
                        &ty.to_string(),
                        &target_name,
                        &ref_ty.to_string(),
                        fk.span,
                    ));
                }
            }
        }
    }
}

/// The partitioned table `partition` is a partition of.
fn partition_of<'s>(schema: &'s Schema, partition: &QName) -> Option<&'s Table> {
    schema.partition(partition).map(|(table, _)| table)
}

/// Whether `column` exists in `table`, reporting it when not.
pub(super) fn column_exists(table: &Table, column: &Named, diags: &mut Diagnostics) -> bool {
    if table.column(&column.name).is_some() {
        return true;
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    diags.push(Diagnostic::unknown_column(&table.name, &column.name, &names, column.span));
    false
}

fn soft_delete(table: &Table, sd: &Named, diags: &mut Diagnostics) {
    let Some(c) = table.column(&sd.name) else { return };
    if !matches!(c.ty, ColumnType::Scalar(Scalar::Timestamp | Scalar::Timestamptz)) {
        diags.push(Diagnostic::invalid_soft_delete(&sd.name, &format!("is `{}`, not a timestamp", c.ty), sd.span));
    } else if !c.nullable {
        diags.push(Diagnostic::invalid_soft_delete(&sd.name, "is NOT NULL, so no row could be live", sd.span));
    }
}

/// A varchar/char foreign key column shorter than the column it references.
fn narrower(ty: &ColumnType, target: &ColumnType) -> bool {
    let len = |t: &ColumnType| match t {
        ColumnType::Scalar(Scalar::Varchar(n) | Scalar::Char(n)) => Some(n.unwrap_or(u32::MAX)),
        ColumnType::Scalar(Scalar::Text) => Some(u32::MAX),
        _ => None,
    };
    matches!((len(ty), len(target)), (Some(a), Some(b)) if a < b)
}
