//! Functions and procedures, aggregates, triggers, views, and pg_cron jobs.

use super::*;

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

    /// A SQL-standard body, `RETURN expr` or `BEGIN ATOMIC ... END`: SQL PostgreSQL parses and
    /// checks when the function is made, not a string.
    pub fn standard_body(&self) -> bool {
        self.atomic_body() || self.returned().is_some()
    }

    /// The expression of a `RETURN expr` body.
    pub fn returned(&self) -> Option<&str> {
        let body = self.body.trim_start();
        let word = body.get(..6).filter(|w| w.eq_ignore_ascii_case("return"))?;
        let rest = &body[word.len()..];
        let sql = self.language.eq_ignore_ascii_case("sql");
        (sql && rest.starts_with(|c: char| c.is_whitespace() || c == '(')).then(|| rest.trim())
    }
}

impl Trigger {
    /// The columns of its `UPDATE OF a, b` event.
    pub fn update_of(&self) -> Vec<&str> {
        let lists = self.events.iter().filter_map(|e| e.strip_prefix("UPDATE OF "));
        lists.flat_map(|l| l.split(',')).map(str::trim).collect()
    }
}
