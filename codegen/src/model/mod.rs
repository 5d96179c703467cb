//! The `Schema` IR: one inert value that every source produces and every target reads.
//!
//! It knows nothing of TOML, SQL text layout or IO.
//! Spans point back at the declaration so that checks can report where a problem is.

pub mod calendar;
mod expr;
pub mod rust;
mod sequence;
mod sql;
mod subset;
mod types;

pub use expr::Expr;
pub use sequence::{Identity, OwnedBy, ResolvedSequence, Sequence, SequenceOptions, SequenceType};
pub use sql::{UPKEEP_ALL, UPKEEP_FUNCTION, upkeep_call};
pub(crate) use sql::{key_column, or_null};
pub use types::{BUILTIN_TYPE_NAMES, ColumnType, ExtensionType, Scalar, TypeError};

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

/// A command pg_cron runs on a schedule in this schema's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub name: String,
    /// Cron syntax (`0 2 * * *`) or pg_cron's interval form (`30 seconds`).
    pub schedule: String,
    pub command: Expr,
    #[serde(skip)]
    pub span: Span,
}

/// A function or procedure with a SQL or PL/pgSQL body, kept as text. Its identity is its name
/// and argument types: functions of one name with other arguments are overloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub namespace: String,
    pub name: String,
    /// `CREATE PROCEDURE`: no return type, run by CALL, may commit.
    pub procedure: bool,
    /// The argument list as written: `workspace_uuid uuid, user_uuid uuid`.
    pub args: String,
    /// Empty for a procedure.
    pub returns: String,
    pub language: String,
    /// IMMUTABLE, STABLE or VOLATILE (PostgreSQL's default).
    pub volatility: Option<String>,
    /// STRICT: NULL for any NULL argument, without running.
    pub strict: bool,
    pub leakproof: bool,
    /// PARALLEL SAFE, RESTRICTED or UNSAFE (the default).
    pub parallel: Option<String>,
    pub cost: Option<u32>,
    /// Estimated rows of a set-returning function.
    pub rows: Option<u32>,
    pub security_definer: bool,
    /// `SET search_path = ...`, which a SECURITY DEFINER function needs to be safe.
    pub search_path: Option<String>,
    /// Other `SET name = value` settings while it runs: (name, SQL literal).
    pub settings: Vec<(String, String)>,
    pub body: String,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE AGGREGATE`: a state value folded over rows by `sfunc`, finished by `finalfunc`.
/// Like a function, its identity is its name and argument types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    pub namespace: String,
    pub name: String,
    /// The argument types as written: `numeric`, `anyelement, integer`.
    pub args: String,
    /// The state transition function, `(state, args...) -> state`. The function names are as
    /// written: unqualified, they are found on the search path (built-in ones in `pg_catalog`).
    pub sfunc: Named,
    /// The state's type, as SQL.
    pub stype: String,
    pub finalfunc: Option<Named>,
    /// Combines two partial states, so the aggregate can run in parallel.
    pub combinefunc: Option<Named>,
    /// The initial state as a string literal's content (`INITCOND`); NULL when absent.
    pub initcond: Option<String>,
    pub parallel: Option<String>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A trigger on a table, or on a view (INSTEAD OF, or statement-level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub timing: TriggerTiming,
    /// INSERT, UPDATE, DELETE, TRUNCATE, or `UPDATE OF col, ...`.
    pub events: Vec<String>,
    pub for_each_row: bool,
    pub when: Option<Expr>,
    pub function: Ref,
    /// Text arguments the function reads from `TG_ARGV`.
    pub args: Vec<String>,
    /// `REFERENCING OLD TABLE AS name`: the rows as they were, for an AFTER trigger.
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS name`: the rows as they are now.
    pub new_table: Option<String>,
    /// `CREATE CONSTRAINT TRIGGER`, and when it fires: at the end of the statement
    /// (`Deferrable::No`), or deferrable to the end of the transaction.
    pub constraint: Option<Deferrable>,
    /// Created disabled (`ALTER TABLE ... DISABLE TRIGGER`): declared, kept, not fired.
    pub enabled: bool,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// INSTEAD OF triggers that make the view writable, and statement-level ones.
    pub triggers: Vec<Trigger>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// A row inserted when the schema is created: column and SQL literal, type-checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRow {
    pub values: Vec<(Named, String)>,
    #[serde(skip)]
    pub span: Span,
}

/// A database role, created if missing (roles are shared by every database of a cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub login: bool,
    pub inherit: bool,
    /// Roles this one is a member of.
    pub member_of: Vec<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `GRANT privileges ON target TO roles`, or `REVOKE ... FROM roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// REVOKE: takes away what PostgreSQL grants by default (EXECUTE to PUBLIC, ...) or what
    /// another grant gave; revokes come before grants.
    pub revoke: bool,
    pub privileges: Vec<String>,
    pub on: GrantOn,
    /// Column privileges (`SELECT (a, b)`): of the one table in `on`.
    pub columns: Vec<Named>,
    /// The roles granted to, or revoked from (`public` for everyone).
    pub to: Vec<Named>,
    /// WITH GRANT OPTION: they may grant it on.
    pub with_grant_option: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantOn {
    /// `ON SCHEMA namespace`.
    Schema(String),
    /// `ON ALL TABLES IN SCHEMA namespace`, and so on.
    AllTables(String),
    AllSequences(String),
    AllFunctions(String),
    /// Tables and views.
    Tables(Vec<Ref>),
    /// Named sequences; also derived for the serial columns of tables granted INSERT.
    Sequences(Vec<Ref>),
    /// Routines by name (`area`, when it has no overload) or signature (`area(integer)`).
    Functions(Vec<Ref>),
    /// Union types declared as types (and later domains).
    Types(Vec<Ref>),
}

/// `ALTER DEFAULT PRIVILEGES`: what objects created later get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivileges {
    /// FOR ROLE: whose objects (absent: the role applying the schema).
    pub for_role: Option<Named>,
    /// IN SCHEMA: only objects of that namespace.
    pub namespace: Option<String>,
    pub revoke: bool,
    pub privileges: Vec<String>,
    /// TABLES, SEQUENCES, FUNCTIONS, TYPES or SCHEMAS.
    pub on: String,
    pub to: Vec<Named>,
    pub with_grant_option: bool,
    #[serde(skip)]
    pub span: Span,
}

/// Row-level security of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub permissive: bool,
    pub command: PolicyCommand,
    /// Empty means PUBLIC.
    pub to: Vec<Named>,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
    /// `COMMENT ON`.
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    #[serde(skip)]
    pub span: Span,
}

/// A union type: a closed set of string values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub namespace: String,
    pub name: String,
    pub values: Vec<String>,
    pub repr: EnumRepr,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE DOMAIN name AS base`: a type whose values are its base type's that meet its CHECKs
/// (which read the value as `VALUE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub namespace: String,
    pub name: String,
    pub base: ColumnType,
    pub not_null: bool,
    pub default: Option<Expr>,
    pub checks: Vec<Check>,
    pub collation: Option<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE TYPE name AS (field type, ...)`: a row value of named fields, usable as a column type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Composite {
    pub namespace: String,
    pub name: String,
    pub fields: Vec<CompositeField>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompositeField {
    pub name: String,
    pub ty: ColumnType,
    pub collation: Option<Named>,
    #[serde(skip)]
    pub span: Span,
}

/// `CREATE TYPE name AS RANGE (SUBTYPE = ...)`: ranges of values of an ordered subtype, and
/// the multirange type PostgreSQL creates beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RangeType {
    pub namespace: String,
    pub name: String,
    pub subtype: ColumnType,
    /// The btree operator class that orders the subtype, when not its default one.
    pub subtype_opclass: Option<Named>,
    pub collation: Option<Named>,
    /// A function `(subtype, subtype) -> double precision` that GiST indexes use, as written:
    /// unqualified, it is found on the search path (built-in ones in `pg_catalog`).
    pub subtype_diff: Option<Named>,
    /// The multirange type's name, when not PostgreSQL's default (`range` -> `multirange`).
    pub multirange: Option<Named>,
    pub doc: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

impl RangeType {
    /// The multirange type's name: declared, or PostgreSQL's default (`range` becomes
    /// `multirange` in the name, else `_multirange` is appended).
    pub fn multirange_name(&self) -> String {
        match &self.multirange {
            Some(m) => m.name.clone(),
            None if self.name.contains("range") => self.name.replacen("range", "multirange", 1),
            None => format!("{}_multirange", self.name),
        }
    }
}

/// How a union type is stored in PostgreSQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EnumRepr {
    /// A plain column of `storage` type with `CHECK (col IN (...))`, the seeds' form:
    /// adding a value is a constraint change, not an `ALTER TYPE`.
    Check { storage: ColumnType },
    /// `CREATE TYPE name AS ENUM (...)`.
    Type,
}

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

/// `PARTITION BY ...` and the partitions strata creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partitioning {
    pub method: PartitionMethod,
    pub key: Vec<IndexTarget>,
    /// Every partition, generated ones expanded, in creation order.
    pub partitions: Vec<Partition>,
    /// How long rows are kept, as a PostgreSQL interval (`12 months`).
    pub retention: Option<String>,
    /// Who creates the partitions when the declaration does not list them all: `strata` (its
    /// upkeep function), `pg_partman`, or anyone else (`application`). Diffs and drift checks
    /// then leave the range children alone.
    pub managed_by: Option<String>,
    /// Range partitions made at run time relative to the server's clock (by strata or pg_partman).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premake: Option<Premake>,
    /// Where partitions past retention go instead of being dropped (`retention_action = "archive"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `managed_by` of partitions strata's upkeep function makes (the default with `premake`).
pub const STRATA_UPKEEP: &str = "strata";
/// `managed_by` of partitions pg_partman makes, from the configuration strata gives it.
pub const PG_PARTMAN: &str = "pg_partman";

impl Schema {
    /// Takes who keeps each partitioned table's children, and how (`managed_by`, `premake`,
    /// `retention`, `archive`), from `declared`: a schema read from a catalog cannot know it, and
    /// comparing with the declaration must leave those children alone.
    pub fn take_upkeep_from(&mut self, declared: &Schema) {
        for t in &mut self.tables {
            let Some(p) = &mut t.partition else { continue };
            let d = declared.tables.iter().find(|d| d.namespace == t.namespace && d.name == t.name);
            if let Some(d) = d.and_then(|d| d.partition.as_ref()).filter(|d| d.managed_by.is_some()) {
                p.managed_by.clone_from(&d.managed_by);
                p.premake.clone_from(&d.premake);
                p.retention.clone_from(&d.retention);
                p.archive.clone_from(&d.archive);
            }
        }
    }
}

impl Partitioning {
    /// Whether it has partitions, or will: declared ones, or those a tool makes at run time.
    pub fn has_children(&self) -> bool {
        !self.partitions.is_empty() || self.managed_by.is_some()
    }

    /// The premade partitions strata's upkeep function keeps, if it keeps this table's.
    pub fn strata_upkeep(&self) -> Option<&Premake> {
        self.premake.as_ref().filter(|_| self.managed_by.as_deref() == Some(STRATA_UPKEEP))
    }

    /// The premade partitions pg_partman keeps, if it keeps this table's.
    pub fn partman_upkeep(&self) -> Option<&Premake> {
        self.premake.as_ref().filter(|_| self.managed_by.as_deref() == Some(PG_PARTMAN))
    }
}

/// Range partitions kept ahead of time: made when the schema is applied and by each upkeep run,
/// relative to the clock of that moment, never to the day the SQL was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Premake {
    pub interval: calendar::Interval,
    /// Partitions after the current one that always exist.
    pub ahead: u32,
    /// Partitions before the current one made too (at first apply), unless past retention.
    pub past: u32,
    /// The name pattern (`{table}_y{yyyy}m{mm}`), as for generated partitions.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// A partition may live in another namespace than its parent.
    pub namespace: String,
    pub name: String,
    pub bound: PartitionBound,
    /// Its own storage parameters (`WITH (...)`).
    pub storage: Vec<(String, String)>,
    /// CHECKs, foreign keys and indexes of this partition alone, over its parent's columns.
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    /// Its copies of parent indexes under names of its own: (the parent's index, its name).
    /// Created before the parent's index, which then attaches them instead of making its own.
    pub index_names: Vec<(Named, String)>,
    #[serde(skip)]
    pub span: Span,
}

/// Bounds are SQL literal text (`'2026-01-01'`), as written in `FOR VALUES`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl Index {
    /// Whether `other` is defined alike (what `CREATE INDEX` says: its comment and where it
    /// was declared aside). Every field is named, so a new one must be weighed here.
    pub fn defined_as(&self, other: &Index) -> bool {
        let Index { name, keys, method, unique, predicate, include, with, doc: _, span: _ } = self;
        let key = |a: &IndexKey, b: &IndexKey| {
            let IndexKey { target, opclass, descending, nulls_first } = a;
            let target = match (target, &b.target) {
                (IndexTarget::Column(x), IndexTarget::Column(y)) => x.name == y.name,
                (IndexTarget::Expr(x), IndexTarget::Expr(y)) => x.sql == y.sql,
                _ => false,
            };
            target && (opclass, descending, nulls_first) == (&b.opclass, &b.descending, &b.nulls_first)
        };
        (name, method, unique, with) == (&other.name, &other.method, &other.unique, &other.with)
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

/// `object_name(first, second, label)`, numbered in its label (`_idx1`, `_check2`, ...) past the
/// names `taken`, as PostgreSQL's `ChooseRelationName` and `ChooseConstraintName` do.
pub fn chosen_name<S: AsRef<str>>(first: &str, second: &str, label: &str, taken: &[S]) -> String {
    let is_taken = |name: &str| taken.iter().any(|t| t.as_ref() == name);
    let mut name = object_name(first, second, label);
    let mut n = 0;
    while is_taken(&name) {
        n += 1;
        name = object_name(first, second, &format!("{label}{n}"));
    }
    name
}

/// The name PostgreSQL gives an expression's value (`FigureColnameInternal`), and how sure it is
/// (2 for a column or function, 1 for a kind of expression or a cast's type); `None` when it
/// has none (then an index calls it `expr`).
fn expression_column_name(e: &sqlparser::ast::Expr) -> Option<(String, u8)> {
    use sqlparser::ast::Expr as E;
    let last =
        |name: &sqlparser::ast::ObjectName| name.0.last().and_then(|p| p.as_ident()).map(crate::sql::deps::folded);
    match e {
        E::Identifier(i) => Some((crate::sql::deps::folded(i), 2)),
        E::CompoundIdentifier(parts) => parts.last().map(|i| (crate::sql::deps::folded(i), 2)),
        E::Nested(inner) => expression_column_name(inner),
        E::Function(f) => last(&f.name).map(|n| (n, 2)),
        E::Cast { expr, data_type, .. } => match expression_column_name(expr) {
            Some((name, 2)) => Some((name, 2)),
            _ => match data_type {
                sqlparser::ast::DataType::Custom(name, _) => last(name).map(|n| (n, 1)),
                _ => None,
            },
        },
        E::Case { .. } => Some(("case".into(), 1)),
        E::Array(_) => Some(("array".into(), 1)),
        _ => None,
    }
}

/// The name PostgreSQL makes of two parts and a label (`makeObjectName`): `first_second_label`,
/// or `first_label` when `second` is empty, the longer part cut until the name fits in 63 bytes.
pub fn object_name(first: &str, second: &str, label: &str) -> String {
    let (mut first, mut second) = (first.to_string(), second.to_string());
    let overhead = label.len() + if second.is_empty() { 1 } else { 2 };
    while first.len() + second.len() > 63 - overhead {
        let longer = if first.len() > second.len() { &mut first } else { &mut second };
        longer.pop();
    }
    if second.is_empty() { format!("{first}_{label}") } else { format!("{first}_{second}_{label}") }
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

    pub fn table(&self, q: &QName) -> Option<&Table> {
        self.tables.iter().find(|t| t.namespace == q.namespace && t.name == q.name)
    }

    pub fn enum_(&self, q: &QName) -> Option<&Enum> {
        self.enums.iter().find(|e| e.namespace == q.namespace && e.name == q.name)
    }

    pub fn domain(&self, q: &QName) -> Option<&Domain> {
        self.domains.iter().find(|d| d.namespace == q.namespace && d.name == q.name)
    }

    pub fn composite(&self, q: &QName) -> Option<&Composite> {
        self.composites.iter().find(|c| c.namespace == q.namespace && c.name == q.name)
    }

    pub fn range(&self, q: &QName) -> Option<&RangeType> {
        self.ranges.iter().find(|r| r.namespace == q.namespace && r.name == q.name)
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
        }
    )*};
}

in_namespace!(Table, Enum, Domain, Composite, RangeType, Aggregate, Function, View, Partition, Sequence);

impl Function {
    /// A function of `args` returning `returns`, with every option left to PostgreSQL's default.
    pub fn new(namespace: &str, name: &str, args: String, returns: String, language: &str, body: String) -> Function {
        Function {
            namespace: namespace.to_string(),
            name: name.to_string(),
            procedure: false,
            args,
            returns,
            language: language.to_string(),
            volatility: None,
            strict: false,
            leakproof: false,
            parallel: None,
            cost: None,
            rows: None,
            security_definer: false,
            search_path: None,
            settings: Vec::new(),
            body,
            doc: None,
            span: Span::default(),
        }
    }

    /// A body in the SQL standard's form (`BEGIN ATOMIC ... END`), parsed when created rather
    /// than kept as a string.
    pub fn atomic_body(&self) -> bool {
        let words: Vec<&str> = self.body.split_whitespace().take(2).collect();
        matches!(words.as_slice(), [b, a] if b.eq_ignore_ascii_case("begin") && a.eq_ignore_ascii_case("atomic"))
    }
}

impl Partition {
    /// A partition with its bound and nothing of its own.
    pub fn new(namespace: &str, name: String, bound: PartitionBound, span: Span) -> Partition {
        Partition {
            namespace: namespace.to_string(),
            name,
            bound,
            storage: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            index_names: Vec::new(),
            span,
        }
    }
}

impl Trigger {
    /// The columns of its `UPDATE OF a, b` event.
    pub fn update_of(&self) -> Vec<&str> {
        let lists = self.events.iter().filter_map(|e| e.strip_prefix("UPDATE OF "));
        lists.flat_map(|l| l.split(',')).map(str::trim).collect()
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
