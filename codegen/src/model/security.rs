//! Roles, grants and revokes, default privileges, row-level security and policies.

use super::*;

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
