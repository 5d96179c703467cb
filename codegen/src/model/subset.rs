//! A schema without what an extension provides, for servers that lack the extension: the rest
//! of the schema can still be applied and tested, and what was left out is reported.

use super::{IndexTarget, Scalar, Schema};

/// Index access methods that extensions provide, and the extension for each.
const EXTENSION_METHODS: &[(&str, &str)] = &[("hnsw", "vector"), ("ivfflat", "vector")];

impl Schema {
    /// This schema without extension `name`: its columns of the extension's types, the indexes
    /// on them or using its access methods. Returns the schema and what was removed, as
    /// `table.column` and `index name` lines.
    pub fn without_extension(&self, name: &str) -> (Schema, Vec<String>) {
        let mut schema = self.clone();
        let mut removed = Vec::new();
        schema.extensions.retain(|e| e.name != name);
        for t in &mut schema.tables {
            let gone: Vec<String> = t
                .columns
                .iter()
                .filter(|c| matches!(c.ty.scalar(), Scalar::Extension(e) if e.extension == name))
                .map(|c| c.name.clone())
                .collect();
            t.columns.retain(|c| !gone.contains(&c.name));
            removed.extend(gone.iter().map(|c| format!("column {}.{c}", t.name)));
            t.indexes.retain(|i| {
                let on_gone =
                    i.keys.iter().any(|k| matches!(&k.target, IndexTarget::Column(c) if gone.contains(&c.name)));
                let method = EXTENSION_METHODS.iter().any(|(m, e)| *m == i.method && *e == name);
                if on_gone || method {
                    removed.push(format!("index {}", i.name));
                }
                !(on_gone || method)
            });
        }
        (schema, removed)
    }
}
