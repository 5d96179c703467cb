//! Expressions: every default, CHECK, generated column, index key and index predicate parses
//! as a PostgreSQL expression (sqlparser). PostgreSQL itself remains the final judge.

use std::collections::HashSet;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Expr, IndexTarget, Schema};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let mut exprs: Vec<(&str, &Expr)> = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            exprs.extend(c.default.iter().map(|e| ("default", e)));
            exprs.extend(c.generated.iter().map(|e| ("generated expression", e)));
        }
        exprs.extend(t.checks.iter().map(|c| ("check", &c.expr)));
        exprs.extend(t.partition.iter().flat_map(|p| &p.key).filter_map(|k| match k {
            IndexTarget::Expr(e) => Some(("partition key", e)),
            IndexTarget::Column(_) => None,
        }));
        for i in &t.indexes {
            exprs.extend(i.predicate.iter().map(|e| ("index predicate", e)));
            exprs.extend(i.keys.iter().filter_map(|k| match &k.target {
                IndexTarget::Expr(e) => Some(("index expression", e)),
                IndexTarget::Column(_) => None,
            }));
        }
    }
    // Schemas repeat the same few defaults (now(), gen_random_uuid(), '{}'): parse each text once.
    let mut valid: HashSet<&str> = HashSet::new();
    for (what, e) in exprs {
        if valid.contains(e.sql.as_str()) {
            continue;
        }
        match parse_expr(&e.sql) {
            Ok(()) => _ = valid.insert(&e.sql),
            Err(why) => diags.push(Diagnostic::invalid_expression(what, &why, e.span)),
        }
    }
}

/// Parses one whole expression; trailing tokens are an error too.
pub fn parse_expr(sql: &str) -> Result<(), String> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).try_with_sql(sql).map_err(|e| e.to_string())?;
    parser.parse_expr().map_err(|e| e.to_string())?;
    match parser.peek_token().token {
        Token::EOF => Ok(()),
        other => Err(format!("unexpected `{other}` after the expression")),
    }
}
