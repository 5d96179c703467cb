//! Expressions: every default, CHECK, generated column, index key and index predicate parses
//! as a PostgreSQL expression (sqlparser). PostgreSQL itself remains the final judge.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Expr, IndexTarget, Schema};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let mut expr = |what: &str, e: &Expr| {
        if let Err(why) = parse_expr(&e.sql) {
            diags.push(Diagnostic::invalid_expression(what, &why, e.span));
        }
    };
    for t in &schema.tables {
        for c in &t.columns {
            c.default.iter().for_each(|e| expr("default", e));
            c.generated.iter().for_each(|e| expr("generated expression", e));
        }
        t.checks.iter().for_each(|c| expr("check", &c.expr));
        for i in &t.indexes {
            i.predicate.iter().for_each(|e| expr("index predicate", e));
            for k in &i.keys {
                if let IndexTarget::Expr(e) = &k.target {
                    expr("index expression", e);
                }
            }
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
