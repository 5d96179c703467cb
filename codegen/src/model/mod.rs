//! The `Schema` IR: one inert value that every source produces and every target reads.
//!
//! It knows nothing of TOML, SQL text layout or IO.
//! Spans point back at the declaration so that checks can report where a problem is.

pub mod calendar;
mod expr;
mod ignore;
mod lookup;
mod names;
mod partitions;
mod routines;
pub mod rust;
mod security;
mod sequence;
mod sql;
mod subset;
mod tables;
mod types;
mod user_types;

pub use expr::Expr;
pub use ignore::{IGNORE_KINDS, Ignore, glob};
use names::expression_column_name;
pub use names::{chosen_name, object_name};
pub use partitions::*;
pub use routines::*;
pub use security::*;
pub use sequence::{Identity, OwnedBy, ResolvedSequence, Sequence, SequenceOptions, SequenceType};
pub use sql::{Readable, UPKEEP_ALL, UPKEEP_FUNCTION, upkeep_call};
pub(crate) use sql::{key_column, or_null};
pub use tables::*;
pub use types::{BUILTIN_TYPE_NAMES, ColumnType, ExtensionType, Scalar, TypeError};
pub use user_types::*;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Span;

pub use crate::sql::{PUBLIC, is_plain_word};

/// A name in a namespace (a PostgreSQL schema): what identifies a table, union type,
/// function or view, and what references to them resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QName {
    pub namespace: String,
    pub name: String,
}

impl QName {
    pub fn new(namespace: &str, name: &str) -> QName {
        QName { namespace: namespace.to_string(), name: name.to_string() }
    }

    /// `namespace.name` or a bare `name` (in `default`): the spelling of names in TOML keys and
    /// references. A name holds no dot, so the first one separates the two.
    pub fn parse(text: &str, default: &str) -> QName {
        match text.split_once('.') {
            Some((namespace, name)) => QName::new(namespace.trim(), name.trim()),
            None => QName::new(default, text.trim()),
        }
    }
}

impl std::fmt::Display for QName {
    /// `name` in `public`, `namespace.name` elsewhere: how PostgreSQL prints a name visible on
    /// the default search path.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace == PUBLIC { f.write_str(&self.name) } else { write!(f, "{}.{}", self.namespace, self.name) }
    }
}

/// A reference to a named object of some namespace, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    pub namespace: String,
    pub name: String,
    #[serde(skip)]
    pub span: Span,
}

impl Ref {
    /// `namespace.name` or `name`, the namespace left empty for lowering to resolve.
    pub fn parse(text: &str, span: Span) -> Ref {
        let q = QName::parse(text, "");
        Ref { namespace: q.namespace, name: q.name, span }
    }

    pub fn qname(&self) -> QName {
        QName::new(&self.namespace, &self.name)
    }
}

/// A PostgreSQL schema that objects live in (called a namespace here, as in `pg_namespace`,
/// since "schema" is the whole system). Every namespace an object names is created; declaring
/// one adds its owner and comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub name: String,
    /// `AUTHORIZATION role`: the owner; absent, whoever applies the schema.
    pub owner: Option<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A whole system: extensions, union types and tables, in declaration order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    /// The PostgreSQL major version the schema targets.
    pub postgres: u32,
    pub doc: Option<String>,
    /// Where unqualified names live (`public` unless the `[schema]` section says otherwise).
    pub namespace: String,
    /// Every namespace other than `public` that an object lives in, and `public` when declared.
    pub namespaces: Vec<Namespace>,
    pub extensions: Vec<Extension>,
    pub enums: Vec<Enum>,
    /// Named types over a base type, with NOT NULL, a default and CHECKs of their own.
    pub domains: Vec<Domain>,
    /// Row types of named, typed fields (`CREATE TYPE name AS (...)`).
    pub composites: Vec<Composite>,
    /// Range types over a subtype (`CREATE TYPE name AS RANGE (...)`).
    pub ranges: Vec<RangeType>,
    /// Typed shapes of json/jsonb columns, for the Rust target.
    pub shapes: Vec<Shape>,
    pub tables: Vec<Table>,
    pub sequences: Vec<Sequence>,
    pub roles: Vec<Role>,
    pub grants: Vec<Grant>,
    pub default_privileges: Vec<DefaultPrivileges>,
    pub functions: Vec<Function>,
    /// After functions: each names functions of its own.
    pub aggregates: Vec<Aggregate>,
    pub views: Vec<View>,
    /// Scheduled jobs (pg_cron), kept apart from the DDL: pg_cron lives in one database of the
    /// cluster and runs them in this one.
    pub jobs: Vec<Job>,
    /// Changes the next migration may make although they delete data, each as the refusal
    /// names it (`DropColumn note ON orders`). Not the database's: never in a snapshot.
    #[serde(skip)]
    pub allow_destructive: Vec<Named>,
    /// What the schema leaves to others in its databases (`[schema.ignore]`): how to read a
    /// database, not what it holds, so never in a snapshot.
    #[serde(skip)]
    pub ignore: Ignore,
    /// The Rust target's names, worked out on its first question (`rust::RustNames::of`): a
    /// schema is not changed once rendered, and a clone starts without them.
    #[serde(skip)]
    pub rust_names: rust::Cached,
    /// Where each table, partition and user type is in its list (`Schema::table` and its kin).
    #[serde(skip)]
    pub positions: lookup::Positions,
}

/// `CREATE EXTENSION name [SCHEMA namespace]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    /// Where its objects go; absent: where the extension puts them (`public` for most).
    pub namespace: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A name and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    #[serde(skip)]
    pub span: Span,
}

impl Schema {
    /// A schema that declares nothing yet, for PostgreSQL 15, its unqualified names in `namespace`.
    pub fn new(name: &str, namespace: &str) -> Schema {
        Schema {
            name: name.to_string(),
            postgres: 15,
            doc: None,
            namespace: namespace.to_string(),
            namespaces: Vec::new(),
            extensions: Vec::new(),
            enums: Vec::new(),
            domains: Vec::new(),
            composites: Vec::new(),
            ranges: Vec::new(),
            shapes: Vec::new(),
            tables: Vec::new(),
            sequences: Vec::new(),
            roles: Vec::new(),
            grants: Vec::new(),
            default_privileges: Vec::new(),
            functions: Vec::new(),
            aggregates: Vec::new(),
            views: Vec::new(),
            jobs: Vec::new(),
            allow_destructive: Vec::new(),
            ignore: Ignore::default(),
            rust_names: Default::default(),
            positions: Default::default(),
        }
    }

    /// The names of the relations of `namespace` (they share pg_class): tables, partitions,
    /// views, sequences, and indexes (those behind keys and a partition's own ones too).
    pub fn relation_names(&self, namespace: &str) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for t in self.tables.iter().filter(|t| t.namespace == namespace) {
            names.push(&t.name);
            names.extend(t.indexes.iter().map(|i| i.name.as_str()));
            names.extend(t.primary_key.iter().map(|k| k.name.as_str()));
            names.extend(t.uniques.iter().map(|u| u.name.as_str()));
            names.extend(t.exclusions.iter().map(|x| x.name.as_str()));
        }
        let partitions = self.tables.iter().flat_map(|t| t.partition.iter().flat_map(|p| &p.partitions));
        for p in partitions.filter(|p| p.namespace == namespace) {
            names.push(&p.name);
            names.extend(p.indexes.iter().map(|i| i.name.as_str()));
            names.extend(p.index_names.iter().map(|(_, own)| own.as_str()));
        }
        names.extend(self.sequences.iter().filter(|q| q.namespace == namespace).map(|q| q.name.as_str()));
        names.extend(self.views.iter().filter(|v| v.namespace == namespace).map(|v| v.name.as_str()));
        names
    }

    /// Type names that name a type the schema declares (a union type, domain, composite or
    /// range) become that type, wherever a type is written: columns, domain bases, composite
    /// fields, range subtypes. Every source runs it once all its types are known.
    pub fn resolve_type_names(&mut self) {
        self.resolve_type_names_in(&self.namespace.clone());
    }

    /// `resolve_type_names`, with unqualified names in `default` (a snapshot's, written bare in `public`).
    pub fn resolve_type_names_in(&mut self, default: &str) {
        let mut declared: std::collections::HashMap<QName, fn(QName) -> Scalar> = std::collections::HashMap::new();
        declared.extend(self.ranges.iter().map(|r| (r.qname(), Scalar::Range as fn(QName) -> Scalar)));
        declared.extend(self.composites.iter().map(|c| (c.qname(), Scalar::Composite as fn(QName) -> Scalar)));
        declared.extend(self.domains.iter().map(|d| (d.qname(), Scalar::Domain as fn(QName) -> Scalar)));
        declared.extend(self.enums.iter().map(|e| (e.qname(), Scalar::Enum as fn(QName) -> Scalar)));
        let resolve = |ty: &mut ColumnType| {
            let scalar = ty.scalar_mut();
            if let Scalar::Unresolved(name) = scalar {
                let q = QName::parse(name, default);
                if let Some(make) = declared.get(&q) {
                    *scalar = make(q);
                }
            }
        };
        self.domains.iter_mut().for_each(|d| resolve(&mut d.base));
        self.composites.iter_mut().flat_map(|c| &mut c.fields).for_each(|f| resolve(&mut f.ty));
        self.ranges.iter_mut().for_each(|r| resolve(&mut r.subtype));
        self.tables.iter_mut().flat_map(|t| &mut t.columns).for_each(|c| resolve(&mut c.ty));
    }

    /// The types `CREATE TYPE` or `CREATE DOMAIN` makes: what `GRANT ... ON TYPE` may name.
    pub fn type_names(&self) -> Vec<QName> {
        let enums = self.enums.iter().filter(|e| e.repr == EnumRepr::Type).map(Enum::qname);
        let domains = self.domains.iter().map(Domain::qname);
        let composites = self.composites.iter().map(Composite::qname);
        enums.chain(domains).chain(composites).chain(self.ranges.iter().map(RangeType::qname)).collect()
    }

    /// A column type with its domains replaced by their base types: what it stores.
    /// A domain that is its own base, refused by the checks, stays itself.
    pub fn base_type(&self, ty: &ColumnType) -> ColumnType {
        self.base_within(ty, self.domains.len())
    }

    fn base_within(&self, ty: &ColumnType, steps: usize) -> ColumnType {
        match ty {
            ColumnType::Array(inner) => ColumnType::Array(Box::new(self.base_within(inner, steps))),
            ColumnType::Scalar(Scalar::Domain(q)) if steps > 0 => match self.domain(q) {
                Some(d) => self.base_within(&d.base, steps - 1),
                None => ty.clone(),
            },
            _ => ty.clone(),
        }
    }

    /// The namespaces the schema's objects may live in: every one it creates, and `public`.
    pub fn namespace_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.namespaces.iter().map(|n| n.name.as_str()).collect();
        if !names.contains(&PUBLIC) {
            names.push(PUBLIC);
        }
        names
    }

    /// What the schema declares, without where: the model as JSON with every span left out.
    /// The same for two schemas that declare the same objects in other files, lines or sources.
    pub fn declared(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the model holds only serializable values")
    }

    /// Whether `self` and `other` declare the same objects, wherever each was declared. (The
    /// derived `PartialEq` also compares spans.)
    pub fn same_as(&self, other: &Schema) -> bool {
        self.declared() == other.declared()
    }

    /// A name as written in a key or reference, resolved against the default namespace.
    pub fn qualify(&self, text: &str) -> QName {
        QName::parse(text, &self.namespace)
    }
}

/// `qname()` for each kind of object that lives in a namespace.
macro_rules! in_namespace {
    ($($kind:ty),*) => {$(
        impl $kind {
            pub fn qname(&self) -> QName {
                QName::new(&self.namespace, &self.name)
            }

            /// Whether `q` names it (what `qname() == q` asks, without building the name).
            pub fn is(&self, q: &QName) -> bool {
                self.namespace == q.namespace && self.name == q.name
            }
        }
    )*};
}

in_namespace!(Table, Enum, Domain, Composite, RangeType, Aggregate, Function, View, Partition, Sequence);

#[cfg(test)]
mod tests {
    use super::{Expr, Index, IndexKey, IndexTarget, Named, object_name};
    use crate::compile_toml_str;
    use crate::diagnostics::Span;

    #[test]
    fn index_names_are_chosen_as_postgresql_chooses_them() {
        let key = |target| IndexKey { target, opclass: None, descending: false, nulls_first: None };
        let column = |name: &str| key(IndexTarget::Column(Named { name: name.into(), span: Span::default() }));
        let expr = |sql: &str| key(IndexTarget::Expr(Expr::new(sql, Span::default())));
        let keys = [column("a"), expr("lower(b)"), expr("a + 1"), expr("(b)::text"), expr("upper(b)::text")];
        assert_eq!(Index::chosen_name("t", &keys), "t_a_lower_expr_b_upper_idx");
        let taken = ["t_a_idx".to_string(), "t_a_idx1".to_string()];
        assert_eq!(Index::chosen_name_among("t", &[column("a")], &taken), "t_a_idx2");
        let long = "x".repeat(70);
        assert_eq!(object_name(&long, "", "pkey").len(), 63);
        assert_eq!(object_name("t", &long, "idx"), format!("t_{}_idx", "x".repeat(57)));
    }

    const TABLE: &str = r#"
[enums.mood]
values = ["happy", "sad"]

[tables.people.columns]
id = { type = "bigint", primary_key = true, identity = "always" }
mood = { type = "mood", default = "'happy'" }
"#;

    #[test]
    fn equality_ignores_where_things_were_declared() {
        let schema = "[schema]\nname = \"same\"\n";
        let one = compile_toml_str([("one.toml", format!("{schema}{TABLE}").as_str())]).schema.unwrap();
        // Other files, other lines, other spacing: the same declarations.
        let spread = TABLE.replace("id = { type", "# the key\nid = {   type");
        let two = compile_toml_str([("a.toml", schema), ("b.toml", spread.as_str())]).schema.unwrap();
        assert_ne!(one, two, "spans differ, so the derived equality tells them apart");
        assert!(one.same_as(&two));
        let changed = TABLE.replace("'happy'", "'sad'");
        let three = compile_toml_str([("a.toml", schema), ("b.toml", changed.as_str())]).schema.unwrap();
        assert!(!one.same_as(&three), "a changed default is a change");
        assert!(!one.declared().to_string().contains("span"), "no span in what is declared");
    }

    #[test]
    fn an_index_is_defined_alike_wherever_it_was_declared() {
        let table = |index: &str| {
            let toml = format!(
                "[schema]\nname = \"i\"\n[tables.t.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n\
                 a = {{ type = \"text\" }}\n[[tables.t.indexes]]\n{index}\n"
            );
            compile_toml_str([("i.toml", toml.as_str())]).schema.unwrap().tables.remove(0).indexes.remove(0)
        };
        let index = table("columns = [\"a\", { expr = \"lower(a)\" }]\nwhere = \"a <> ''\"\ninclude = [\"id\"]");
        let moved =
            table("# moved\ncolumns = [ \"a\",  { expr = \"lower(a)\" } ]\nwhere = \"a <> ''\"\ninclude = [\"id\"]");
        assert_ne!(index, moved, "the spans differ");
        assert!(index.defined_as(&moved));
        let commented = Index { doc: Some("said otherwise".into()), ..moved.clone() };
        assert!(index.defined_as(&commented), "a comment is its own statement");
        for other in [
            "columns = [\"a\", { expr = \"lower(a)\" }]\nwhere = \"a <> 'x'\"\ninclude = [\"id\"]",
            "columns = [\"a\", { expr = \"upper(a)\" }]\nwhere = \"a <> ''\"\ninclude = [\"id\"]",
            "columns = [\"a\", { expr = \"lower(a)\" }]\nwhere = \"a <> ''\"",
            "columns = [{ column = \"a\", order = \"desc\" }, { expr = \"lower(a)\" }]\nwhere = \"a <> ''\"\ninclude = [\"id\"]",
            "columns = [\"a\", { expr = \"lower(a)\" }]\nwhere = \"a <> ''\"\ninclude = [\"id\"]\nunique = true",
        ] {
            assert!(!index.defined_as(&table(other)), "{other}");
        }
    }
}
