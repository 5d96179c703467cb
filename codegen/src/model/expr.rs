//! A SQL expression as the schema wrote it, and sqlparser's reading of it made once.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Span;

/// A SQL expression kept as text, checked to parse.
///
/// The checks and both targets read the same expression several times (its columns, its
/// translation to Rust); its parse is kept beside the text so that each is parsed once. Equality,
/// `Debug` and the serialized form leave the parse out: it is derived from the text.
#[derive(Clone, Serialize, Deserialize)]
pub struct Expr {
    /// Replaced only by a new `Expr`, so that the parse is never of another text.
    pub sql: String,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    parsed: OnceLock<Result<Box<sqlparser::ast::Expr>, String>>,
}

impl Expr {
    pub fn new(sql: impl Into<String>, span: Span) -> Self {
        Expr { sql: sql.into(), span, parsed: OnceLock::new() }
    }

    /// The whole text read as one expression, or why it is not one (`sql_deps::parse_whole`).
    pub fn parsed(&self) -> Result<&sqlparser::ast::Expr, &str> {
        let parsed = self.parsed.get_or_init(|| crate::sql::deps::parse_whole(&self.sql).map(Box::new));
        parsed.as_deref().map_err(String::as_str)
    }

    /// The expression when it parses.
    pub fn ast(&self) -> Option<&sqlparser::ast::Expr> {
        self.parsed().ok()
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.sql == other.sql && self.span == other.span
    }
}

impl Eq for Expr {}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr").field("sql", &self.sql).field("span", &self.span).finish()
    }
}
