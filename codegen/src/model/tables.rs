//! Tables and what they hold: columns (with shapes and value rules), keys, unique and exclusion
//! constraints, foreign keys, CHECKs, indexes, replica identity, and seed rows.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub namespace: String,
    pub name: String,
    pub doc: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub uniques: Vec<Unique>,
    pub exclusions: Vec<Exclusion>,
    pub checks: Vec<Check>,
    pub indexes: Vec<Index>,
    /// The nullable timestamp column whose non-null value marks a row as deleted.
    pub soft_delete: Option<Named>,
    pub partition: Option<Partitioning>,
    pub rls: Option<Rls>,
    pub policies: Vec<Policy>,
    pub triggers: Vec<Trigger>,
    pub rows: Vec<SeedRow>,
    /// `CREATE UNLOGGED TABLE`: not written to the WAL, emptied after a crash.
    pub unlogged: bool,
    /// Storage parameters, `WITH (fillfactor = 70, ...)`: (name, SQL value).
    pub storage: Vec<(String, String)>,
    /// What logical replication writes of an updated or deleted row; absent: the primary key.
    pub replica_identity: Option<ReplicaIdentity>,
    /// The name it had before (in its namespace): a migration renames it rather than dropping it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `REPLICA IDENTITY`: the old row's columns logical decoding records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplicaIdentity {
    /// The primary key (PostgreSQL's default, declared to say so).
    Default,
    /// Every column.
    Full,
    Nothing,
    /// The columns of this unique index (or unique constraint).
    Index(Named),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    #[serde(skip)]
    pub ty_span: Span,
    pub nullable: bool,
    pub default: Option<Expr>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<Expr>,
    /// `GENERATED ... AS IDENTITY`: numbered by a sequence of its own.
    pub identity: Option<Identity>,
    /// `COLLATE "C"`: how its text sorts and compares, other than the database's default.
    pub collation: Option<Named>,
    pub doc: Option<String>,
    /// Validation rules; those PostgreSQL can check also appear in `Table::checks`.
    pub rules: Rules,
    /// Redacted in generated `Debug` output and never logged.
    pub sensitive: bool,
    /// An expression assigned on every UPDATE by a trigger (`now()` for `updated_at`).
    pub set_on_update: Option<Expr>,
    /// The shape (`Schema::shapes`) a json/jsonb column holds: a typed struct in Rust.
    pub shape: Option<Named>,
    /// The name it had before: a migration renames it rather than dropping it and adding another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// What the rows a table already holds get when the migration that adds this NOT NULL
    /// column runs: added nullable, filled in batches, then made NOT NULL without a long lock.
    /// The next migration's, never the database's: not in a snapshot.
    #[serde(skip)]
    pub backfill: Option<Expr>,
    #[serde(skip)]
    pub span: Span,
}

/// The structure of a JSON object a json/jsonb column holds. PostgreSQL stores any JSON; the
/// generated Rust reads and writes this struct and validates its rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<ShapeField>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShapeField {
    /// The JSON key, spelled as the document spells it (`tasksCompleted`).
    pub name: String,
    pub ty: ShapeType,
    /// May be absent (`Option` in Rust).
    pub optional: bool,
    /// The value when absent, as JSON text (`0`, `"stable"`).
    pub default: Option<String>,
    pub range: Option<Range>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// The type of a shape's field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ShapeType {
    Integer,
    Number,
    String,
    Boolean,
    /// A union type of the schema, by name.
    Union(String),
    /// Another shape, by name.
    Shape(String),
    /// `list<T>`.
    List(Box<ShapeType>),
    /// `map<T>`: an object with any keys.
    Map(Box<ShapeType>),
}

/// Value rules declared on a column, kept structured for the Rust target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    pub min_length: Option<u32>,
    pub pattern: Option<String>,
    pub range: Option<Range>,
    /// Application-only formats (`email`, `url`) that PostgreSQL does not check.
    pub format: Option<String>,
}

/// An inclusive numeric range; bounds are kept as their decimal text so no precision is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub min: Option<String>,
    pub max: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<Named>,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<Named>,
    /// PostgreSQL 15's `NULLS NOT DISTINCT`: rows whose key is NULL also collide.
    pub nulls_not_distinct: bool,
    pub deferrable: Deferrable,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `EXCLUDE USING method (element WITH operator, ...)`: no two rows whose elements all compare
/// true under their operators (`&&` on ranges: no two overlap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub name: String,
    /// The index access method behind it: gist (the default), btree, hash, spgist.
    pub method: String,
    pub elements: Vec<ExclusionElement>,
    pub include: Vec<Named>,
    /// Storage parameters of its index.
    pub with: Vec<(String, String)>,
    /// `WHERE (...)`: only rows it holds for are compared.
    pub predicate: Option<Expr>,
    pub deferrable: Deferrable,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A column or expression of an exclusion constraint, and the operator its values must not
/// agree under (`=`, `&&`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionElement {
    pub key: IndexKey,
    pub operator: String,
}

/// When a constraint is checked: per statement (the default), or deferrable, checked at the
/// end of the statement (`INITIALLY IMMEDIATE`) or of the transaction (`INITIALLY DEFERRED`)
/// unless `SET CONSTRAINTS` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Deferrable {
    #[default]
    No,
    Immediate,
    Deferred,
}

impl Deferrable {
    /// The TOML spellings of `deferrable`.
    pub const ALL: [(&'static str, Deferrable); 2] =
        [("immediate", Deferrable::Immediate), ("deferred", Deferrable::Deferred)];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<Named>,
    pub ref_table: Ref,
    /// The referenced columns; when none are written, the target's primary key (filled in by
    /// the source), empty only if the target or its primary key does not exist.
    pub ref_columns: Vec<Named>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferrable: Deferrable,
    /// `MATCH FULL`: a row whose key is partly NULL is refused, instead of being exempt.
    pub match_full: bool,
    /// Declared `NOT VALID`, as for `Check::not_valid`.
    pub not_valid: bool,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub const ALL: [(&'static str, FkAction); 5] = [
        ("no action", FkAction::NoAction),
        ("restrict", FkAction::Restrict),
        ("cascade", FkAction::Cascade),
        ("set null", FkAction::SetNull),
        ("set default", FkAction::SetDefault),
    ];

    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
    pub origin: CheckOrigin,
    /// Declared `NOT VALID`: added after the table is created, unchecked against the rows it
    /// holds; PostgreSQL enforces it on new and changed rows until `VALIDATE CONSTRAINT`.
    pub not_valid: bool,
    /// `COMMENT ON`.
    pub doc: Option<String>,
}

/// Where a CHECK constraint came from, so the Rust target can use the structured rule instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckOrigin {
    /// Written as SQL by the user, on the table or on a column.
    Declared,
    /// Derived from a column's union type (`CHECK (col IN (...))`).
    Enum { column: String },
    /// Derived from a column's `range`, `pattern` or `min_length`.
    Rule { column: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub keys: Vec<IndexKey>,
    /// Access method: btree, hash, gin, gist, brin, or an extension's (hnsw, ivfflat).
    pub method: String,
    pub unique: bool,
    /// PostgreSQL 15's `NULLS NOT DISTINCT` (of a unique index): rows whose key is NULL collide.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    pub predicate: Option<Expr>,
    pub include: Vec<Named>,
    /// Storage parameters (`WITH (m = 16)`), in declaration order.
    pub with: Vec<(String, String)>,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    pub target: IndexTarget,
    pub opclass: Option<String>,
    pub descending: bool,
    /// `Some(true)` for NULLS FIRST, `Some(false)` for NULLS LAST, `None` for the default.
    pub nulls_first: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexTarget {
    Column(Named),
    Expr(Expr),
}

/// Whether two lists name the same columns, in any order.
fn same_columns(mut a: Vec<&str>, b: &[&str]) -> bool {
    let mut b = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

impl Index {
    /// Whether it holds expressions (a predicate, or a key that is no plain column), which
    /// PostgreSQL stores with the types of their constants.
    pub fn reads_expressions(&self) -> bool {
        self.predicate.is_some() || self.keys.iter().any(|k| matches!(k.target, IndexTarget::Expr(_)))
    }

    /// The columns of its keys, when every key is a column (`None` with an expression key).
    pub fn key_columns(&self) -> Option<Vec<&str>> {
        self.keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c.name.as_str()),
                IndexTarget::Expr(_) => None,
            })
            .collect()
    }

    /// Whether `other` is defined alike (what `CREATE INDEX` says: its comment and where it
    /// was declared aside). Every field is named, so a new one must be weighed here.
    pub fn defined_as(&self, other: &Index) -> bool {
        let Index { name, keys, method, unique, nulls_not_distinct, predicate, include, with, doc: _, span: _ } = self;
        let key = |a: &IndexKey, b: &IndexKey| {
            let IndexKey { target, opclass, descending, nulls_first } = a;
            let target = match (target, &b.target) {
                (IndexTarget::Column(x), IndexTarget::Column(y)) => x.name == y.name,
                (IndexTarget::Expr(x), IndexTarget::Expr(y)) => x.sql == y.sql,
                _ => false,
            };
            target && (opclass, descending, nulls_first) == (&b.opclass, &b.descending, &b.nulls_first)
        };
        (name, method, unique, nulls_not_distinct, with)
            == (&other.name, &other.method, &other.unique, &other.nulls_not_distinct, &other.with)
            && keys.len() == other.keys.len()
            && keys.iter().zip(&other.keys).all(|(a, b)| key(a, b))
            && predicate.as_ref().map(|p| &p.sql) == other.predicate.as_ref().map(|p| &p.sql)
            && include.iter().map(|n| &n.name).eq(other.include.iter().map(|n| &n.name))
    }

    /// The name PostgreSQL gives an index it makes on `table` for `keys` (`ChooseIndexName`):
    /// `<table>_<columns>_idx`, an expression named as a result column would be (`lower` for
    /// `lower(name)`), else `expr` (then `expr1`, ...), the longer of the two parts cut until
    /// the name fits in 63 bytes (`makeObjectName`). A name PostgreSQL numbers to make it
    /// unique (`chosen_name_among`) differs from this one; such an index is named explicitly
    /// where this matters: never wrong, only longer.
    pub fn chosen_name(table: &str, keys: &[IndexKey]) -> String {
        Index::chosen_name_among::<&str>(table, keys, &[])
    }

    /// `chosen_name`, numbered (`_idx1`, `_idx2`, ...) past the names `taken` by relations of
    /// the namespace, as PostgreSQL does.
    pub fn chosen_name_among<S: AsRef<str>>(table: &str, keys: &[IndexKey], taken: &[S]) -> String {
        let mut names: Vec<String> = Vec::new();
        for k in keys {
            let base = match &k.target {
                IndexTarget::Column(c) => Some(c.name.clone()),
                IndexTarget::Expr(e) => e.ast().and_then(|a| expression_column_name(a).map(|(n, _)| n)),
            }
            .unwrap_or_else(|| "expr".to_string());
            let mut name = base.clone();
            let mut n = 0;
            while names.contains(&name) {
                n += 1;
                name = format!("{base}{n}");
            }
            names.push(name);
        }
        chosen_name(table, &names.join("_"), "idx", taken)
    }
}

impl Table {
    /// A table with no columns, keys or options yet.
    pub fn new(namespace: &str, name: &str) -> Table {
        Table {
            namespace: namespace.to_string(),
            name: name.to_string(),
            doc: None,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            uniques: Vec::new(),
            exclusions: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            soft_delete: None,
            partition: None,
            rls: None,
            policies: Vec::new(),
            triggers: Vec::new(),
            rows: Vec::new(),
            unlogged: false,
            storage: Vec::new(),
            replica_identity: None,
            renamed_from: None,
            span: Span::default(),
        }
    }
}

impl Column {
    /// A column of that name and type and nothing else declared: NOT NULL (strata's default),
    /// no default, rule or comment; no source position.
    pub fn new(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            ty,
            ty_span: Span::default(),
            nullable: false,
            default: None,
            generated: None,
            identity: None,
            collation: None,
            doc: None,
            rules: Rules::default(),
            sensitive: false,
            set_on_update: None,
            shape: None,
            renamed_from: None,
            backfill: None,
            span: Span::default(),
        }
    }

    /// Whether an INSERT may give the column a value: not a generated column, nor an identity
    /// one PostgreSQL always numbers itself.
    pub fn writable(&self) -> bool {
        self.generated.is_none() && !self.identity.as_ref().is_some_and(|i| i.always)
    }

    /// The sequence PostgreSQL creates for a serial or identity column of `table`, named as it
    /// names it (the table's and column's names shortened to fit 63 bytes).
    pub fn implicit_sequence(&self, table: &Table) -> Option<QName> {
        let serial = matches!(self.ty, ColumnType::Scalar(Scalar::Serial | Scalar::BigSerial));
        (serial || self.identity.is_some())
            .then(|| QName::new(&table.namespace, &object_name(&table.name, &self.name, "seq")))
    }

    /// The options of that sequence, counting in the column's type.
    pub fn implicit_sequence_options(&self) -> Option<SequenceOptions> {
        let data_type = match self.ty {
            ColumnType::Scalar(Scalar::SmallInt) => Some(SequenceType::SmallInt),
            ColumnType::Scalar(Scalar::Integer | Scalar::Serial) => Some(SequenceType::Integer),
            ColumnType::Scalar(Scalar::BigInt | Scalar::BigSerial) => Some(SequenceType::BigInt),
            _ => None,
        };
        match &self.identity {
            Some(identity) => Some(SequenceOptions { data_type, ..identity.options.clone() }),
            None if matches!(self.ty, ColumnType::Scalar(Scalar::Serial | Scalar::BigSerial)) => {
                Some(SequenceOptions { data_type, ..SequenceOptions::default() })
            }
            None => None,
        }
    }

    /// Whether PostgreSQL fills the column in when an INSERT leaves it out.
    pub fn has_default(&self) -> bool {
        self.default.is_some()
            || self.identity.is_some()
            || matches!(self.ty, ColumnType::Scalar(Scalar::Serial | Scalar::BigSerial))
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns of the partition key (expression keys left out); empty when not partitioned.
    /// Whether its partitions are made at run time by a tool (strata's upkeep, pg_partman, the
    /// application): diffs and drift checks leave them alone.
    pub fn partitions_kept(&self) -> bool {
        self.partition.as_ref().is_some_and(|p| p.managed_by.is_some())
    }

    pub fn partition_key_columns(&self) -> Vec<&str> {
        let keys = self.partition.iter().flat_map(|p| &p.key);
        keys.filter_map(|k| match k {
            IndexTarget::Column(c) => Some(c.name.as_str()),
            IndexTarget::Expr(_) => None,
        })
        .collect()
    }

    /// Whether `columns` (in any order) are exactly a primary key, a unique constraint or a
    /// full unique index: what PostgreSQL requires of a foreign key's target.
    pub fn has_unique_key(&self, columns: &[&str]) -> bool {
        self.has_key_constraint(columns) || self.unique_index_over(columns).is_some()
    }

    /// Whether the primary key or a unique constraint is over exactly `columns` (in any order).
    pub fn has_key_constraint(&self, columns: &[&str]) -> bool {
        let pk = self.primary_key.iter().map(|k| &k.columns);
        pk.chain(self.uniques.iter().map(|u| &u.columns))
            .any(|key| same_columns(key.iter().map(|c| c.name.as_str()).collect(), columns))
    }

    /// A whole unique index (no predicate, no expression) over exactly `columns`.
    pub fn unique_index_over(&self, columns: &[&str]) -> Option<&Index> {
        self.indexes.iter().find(|i| {
            i.unique && i.predicate.is_none() && i.key_columns().is_some_and(|key| same_columns(key, columns))
        })
    }
}

/// A row inserted when the schema is created: column and SQL literal, type-checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRow {
    pub values: Vec<(Named, String)>,
    #[serde(skip)]
    pub span: Span,
}
