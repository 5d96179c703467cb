//! The `Schema` IR: one inert value that every source produces and every target reads.
//!
//! It knows nothing of TOML, SQL text layout or IO.
//! Spans point back at the declaration so that checks can report where a problem is.

pub mod calendar;
mod subset;
mod types;

pub use types::{BUILTIN_TYPE_NAMES, ColumnType, ExtensionType, Scalar, TypeError};

use crate::diagnostics::Span;

/// A plain word: ASCII letters, digits and underscores, not starting with a digit. What a
/// schema's name (a folder, a Rust module) and SQL words strata writes unquoted must be.
pub fn is_plain_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// PostgreSQL's own namespace, which every database has: never created or dropped by strata,
/// and the one names are written without a qualifier in.
pub const PUBLIC: &str = "public";

/// A name in a namespace (a PostgreSQL schema): what identifies a table, union type,
/// function or view, and what references to them resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub namespace: String,
    pub name: String,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    /// `AUTHORIZATION role`: the owner; absent, whoever applies the schema.
    pub owner: Option<Named>,
    pub doc: Option<String>,
    pub span: Span,
}

/// A whole system: extensions, union types and tables, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub name: String,
    /// The PostgreSQL major version the schema targets.
    pub postgres: u32,
    pub doc: Option<String>,
    /// Where unqualified names live (`public` unless the `[schema]` section says otherwise).
    pub namespace: String,
    /// Every namespace other than `public` that an object lives in, and `public` when declared.
    pub namespaces: Vec<Namespace>,
    pub extensions: Vec<Named>,
    pub enums: Vec<Enum>,
    /// Typed shapes of json/jsonb columns, for the Rust target.
    pub shapes: Vec<Shape>,
    pub tables: Vec<Table>,
    pub roles: Vec<Role>,
    pub grants: Vec<Grant>,
    pub functions: Vec<Function>,
    pub views: Vec<View>,
    /// Scheduled jobs (pg_cron), kept apart from the DDL: pg_cron lives in one database of the
    /// cluster and runs them in this one.
    pub jobs: Vec<Job>,
}

/// A command pg_cron runs on a schedule in this schema's database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub name: String,
    /// Cron syntax (`0 2 * * *`) or pg_cron's interval form (`30 seconds`).
    pub schedule: String,
    pub command: Expr,
    pub span: Span,
}

/// A function with a SQL or PL/pgSQL body, kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub namespace: String,
    pub name: String,
    /// The argument list as written: `workspace_uuid uuid, user_uuid uuid`.
    pub args: String,
    pub returns: String,
    pub language: String,
    /// IMMUTABLE, STABLE or VOLATILE (PostgreSQL's default).
    pub volatility: Option<String>,
    pub security_definer: bool,
    /// `SET search_path = ...`, which a SECURITY DEFINER function needs to be safe.
    pub search_path: Option<String>,
    pub body: String,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub timing: TriggerTiming,
    /// INSERT, UPDATE, DELETE, TRUNCATE, or `UPDATE OF col, ...`.
    pub events: Vec<String>,
    pub for_each_row: bool,
    pub when: Option<Expr>,
    pub function: Ref,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

impl TriggerTiming {
    pub const ALL: [(&'static str, TriggerTiming); 3] =
        [("before", TriggerTiming::Before), ("after", TriggerTiming::After), ("instead of", TriggerTiming::InsteadOf)];

    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        }
    }
}

/// A view or materialized view over the schema's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub namespace: String,
    pub name: String,
    pub query: Expr,
    pub materialized: bool,
    /// Indexes, for materialized views (a unique one allows REFRESH ... CONCURRENTLY).
    pub indexes: Vec<Index>,
    /// `WITH (...)`: a view's `security_invoker`, `security_barrier`, `check_option`, or a
    /// materialized view's storage parameters: (name, SQL value).
    pub options: Vec<(String, String)>,
    /// A materialized view filled when created (`false`: `WITH NO DATA`, filled by REFRESH).
    pub with_data: bool,
    pub doc: Option<String>,
    pub span: Span,
}

/// A row inserted when the schema is created: column and SQL literal, type-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedRow {
    pub values: Vec<(Named, String)>,
    pub span: Span,
}

/// A database role, created if missing (roles are shared by every database of a cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub login: bool,
    pub inherit: bool,
    /// Roles this one is a member of.
    pub member_of: Vec<Named>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `GRANT privileges ON target TO roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub privileges: Vec<String>,
    pub on: GrantOn,
    pub to: Vec<Named>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantOn {
    /// `ON SCHEMA namespace`.
    Schema(String),
    /// `ON ALL TABLES IN SCHEMA namespace`, and so on.
    AllTables(String),
    AllSequences(String),
    AllFunctions(String),
    Tables(Vec<Ref>),
    /// Named sequences: derived for the serial columns of tables granted INSERT.
    Sequences(Vec<Ref>),
}

/// Row-level security of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rls {
    pub enabled: bool,
    /// FORCE: the table's owner is subject to the policies too.
    pub force: bool,
    /// The tenant column of the `tenant` shorthand, which added a `tenant_isolation` policy.
    pub tenant: Option<Named>,
    /// The setting holding the current tenant, e.g. `app.current_tenant_id`.
    pub setting: String,
    /// The roles the tenant policy applies to (empty: PUBLIC).
    pub tenant_roles: Vec<Named>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub permissive: bool,
    pub command: PolicyCommand,
    /// Empty means PUBLIC.
    pub to: Vec<Named>,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub const ALL: [(&'static str, PolicyCommand); 5] = [
        ("all", PolicyCommand::All),
        ("select", PolicyCommand::Select),
        ("insert", PolicyCommand::Insert),
        ("update", PolicyCommand::Update),
        ("delete", PolicyCommand::Delete),
    ];

    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A name and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
}

/// A union type: a closed set of string values.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub namespace: String,
    pub name: String,
    pub values: Vec<String>,
    pub repr: EnumRepr,
    pub doc: Option<String>,
    pub span: Span,
}

/// How a union type is stored in PostgreSQL.
#[derive(Debug, Clone, PartialEq)]
pub enum EnumRepr {
    /// A plain column of `storage` type with `CHECK (col IN (...))`, the seeds' form:
    /// adding a value is a constraint change, not an `ALTER TYPE`.
    Check { storage: ColumnType },
    /// `CREATE TYPE name AS ENUM (...)`.
    Type,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub namespace: String,
    pub name: String,
    pub doc: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub uniques: Vec<Unique>,
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
    pub span: Span,
}

/// `PARTITION BY ...` and the partitions strata creates.
#[derive(Debug, Clone, PartialEq)]
pub struct Partitioning {
    pub method: PartitionMethod,
    pub key: Vec<IndexTarget>,
    /// Every partition, generated ones expanded, in creation order.
    pub partitions: Vec<Partition>,
    /// How long rows are kept, as a PostgreSQL interval (`12 months`).
    pub retention: Option<String>,
    /// Who creates the partitions when not strata (`pg_partman`, `application`): diffs and drift
    /// checks then leave the children alone.
    pub managed_by: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionMethod {
    Range,
    List,
    Hash,
}

impl PartitionMethod {
    pub const ALL: [(&'static str, PartitionMethod); 3] =
        [("range", PartitionMethod::Range), ("list", PartitionMethod::List), ("hash", PartitionMethod::Hash)];

    pub fn sql(self) -> &'static str {
        match self {
            PartitionMethod::Range => "RANGE",
            PartitionMethod::List => "LIST",
            PartitionMethod::Hash => "HASH",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// A partition may live in another namespace than its parent.
    pub namespace: String,
    pub name: String,
    pub bound: PartitionBound,
    pub span: Span,
}

/// Bounds are SQL literal text (`'2026-01-01'`), as written in `FOR VALUES`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionBound {
    /// `FROM (from) TO (to)`: one value per key column.
    Range {
        from: Vec<String>,
        to: Vec<String>,
    },
    In(Vec<String>),
    Hash {
        modulus: u32,
        remainder: u32,
    },
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub ty_span: Span,
    pub nullable: bool,
    pub default: Option<Expr>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<Expr>,
    pub doc: Option<String>,
    /// Validation rules; those PostgreSQL can check also appear in `Table::checks`.
    pub rules: Rules,
    /// Redacted in generated `Debug` output and never logged.
    pub sensitive: bool,
    /// An expression assigned on every UPDATE by a trigger (`now()` for `updated_at`).
    pub set_on_update: Option<Expr>,
    /// The shape (`Schema::shapes`) a json/jsonb column holds: a typed struct in Rust.
    pub shape: Option<Named>,
    pub span: Span,
}

/// The structure of a JSON object a json/jsonb column holds. PostgreSQL stores any JSON; the
/// generated Rust reads and writes this struct and validates its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<ShapeField>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
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
    pub span: Span,
}

/// The type of a shape's field.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<u32>,
    pub pattern: Option<String>,
    pub range: Option<Range>,
    /// Application-only formats (`email`, `url`) that PostgreSQL does not check.
    pub format: Option<String>,
}

/// An inclusive numeric range; bounds are kept as their decimal text so no precision is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub min: Option<String>,
    pub max: Option<String>,
}

/// A SQL expression kept as text, checked to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub sql: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<Named>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<Named>,
    /// PostgreSQL 15's `NULLS NOT DISTINCT`: rows whose key is NULL also collide.
    pub nulls_not_distinct: bool,
    pub deferrable: Deferrable,
    pub span: Span,
}

/// When a constraint is checked: per statement (the default), or deferrable, checked at the
/// end of the statement (`INITIALLY IMMEDIATE`) or of the transaction (`INITIALLY DEFERRED`)
/// unless `SET CONSTRAINTS` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
    pub origin: CheckOrigin,
    /// Declared `NOT VALID`: added after the table is created, unchecked against the rows it
    /// holds; PostgreSQL enforces it on new and changed rows until `VALIDATE CONSTRAINT`.
    pub not_valid: bool,
}

/// Where a CHECK constraint came from, so the Rust target can use the structured rule instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOrigin {
    /// Written as SQL by the user, on the table or on a column.
    Declared,
    /// Derived from a column's union type (`CHECK (col IN (...))`).
    Enum { column: String },
    /// Derived from a column's `range`, `pattern` or `min_length`.
    Rule { column: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub name: String,
    pub keys: Vec<IndexKey>,
    /// Access method: btree, hash, gin, gist, brin, or an extension's (hnsw, ivfflat).
    pub method: String,
    pub unique: bool,
    pub predicate: Option<Expr>,
    pub include: Vec<Named>,
    /// Storage parameters (`WITH (m = 16)`), in declaration order.
    pub with: Vec<(String, String)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub target: IndexTarget,
    pub opclass: Option<String>,
    pub descending: bool,
    /// `Some(true)` for NULLS FIRST, `Some(false)` for NULLS LAST, `None` for the default.
    pub nulls_first: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexTarget {
    Column(Named),
    Expr(Expr),
}

impl Schema {
    pub fn table(&self, q: &QName) -> Option<&Table> {
        self.tables.iter().find(|t| t.namespace == q.namespace && t.name == q.name)
    }

    pub fn enum_(&self, q: &QName) -> Option<&Enum> {
        self.enums.iter().find(|e| e.namespace == q.namespace && e.name == q.name)
    }

    /// The namespaces the schema's objects may live in: every one it creates, and `public`.
    pub fn namespace_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.namespaces.iter().map(|n| n.name.as_str()).collect();
        if !names.contains(&PUBLIC) {
            names.push(PUBLIC);
        }
        names
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
        }
    )*};
}

in_namespace!(Table, Enum, Function, View, Partition);

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns of the partition key (expression keys left out); empty when not partitioned.
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
        let same = |key: &mut dyn Iterator<Item = &str>| {
            let mut key: Vec<&str> = key.collect();
            let mut want = columns.to_vec();
            key.sort_unstable();
            want.sort_unstable();
            key == want
        };
        let pk = self.primary_key.as_ref();
        pk.is_some_and(|pk| same(&mut pk.columns.iter().map(|c| c.name.as_str())))
            || self.uniques.iter().any(|u| same(&mut u.columns.iter().map(|c| c.name.as_str())))
            || self.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.keys.iter().all(|k| matches!(k.target, IndexTarget::Column(_)))
                    && same(&mut i.keys.iter().filter_map(|k| match &k.target {
                        IndexTarget::Column(c) => Some(c.name.as_str()),
                        IndexTarget::Expr(_) => None,
                    }))
            })
    }
}
