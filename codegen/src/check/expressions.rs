//! Expressions: every default, CHECK, generated column, index key and index predicate parses
//! as a PostgreSQL expression (sqlparser). PostgreSQL itself remains the final judge.

use std::collections::HashSet;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{CheckOrigin, Expr, IndexTarget, Schema, Table};
use crate::sql::deps::columns_read;

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let mut exprs: Vec<(&str, &Expr)> = Vec::new();
    for d in &schema.domains {
        exprs.extend(d.default.iter().map(|e| ("default", e)));
        exprs.extend(d.checks.iter().map(|c| ("check", &c.expr)));
    }
    for t in &schema.tables {
        for c in &t.columns {
            exprs.extend(c.default.iter().map(|e| ("default", e)));
            exprs.extend(c.generated.iter().map(|e| ("generated expression", e)));
            exprs.extend(c.backfill.iter().map(|e| ("backfill", e)));
        }
        exprs.extend(t.checks.iter().map(|c| ("check", &c.expr)));
        let partitions = t.partition.iter().flat_map(|p| &p.partitions);
        exprs.extend(partitions.clone().flat_map(|p| &p.checks).map(|c| ("check", &c.expr)));
        for tr in &t.triggers {
            exprs.extend(tr.when.iter().map(|e| ("trigger condition", e)));
        }
        for c in &t.columns {
            exprs.extend(c.set_on_update.iter().map(|e| ("set_on_update", e)));
        }
        for p in &t.policies {
            exprs.extend(p.using.iter().chain(&p.with_check).map(|e| ("policy expression", e)));
        }
        exprs.extend(t.partition.iter().flat_map(|p| &p.key).filter_map(|k| match k {
            IndexTarget::Expr(e) => Some(("partition key", e)),
            IndexTarget::Column(_) => None,
        }));
        for x in &t.exclusions {
            exprs.extend(x.predicate.iter().map(|e| ("exclusion predicate", e)));
            exprs.extend(x.elements.iter().filter_map(|el| match &el.key.target {
                IndexTarget::Expr(e) => Some(("exclusion expression", e)),
                IndexTarget::Column(_) => None,
            }));
        }
        for i in t.indexes.iter().chain(partitions.flat_map(|p| &p.indexes)) {
            exprs.extend(i.predicate.iter().map(|e| ("index predicate", e)));
            exprs.extend(i.keys.iter().filter_map(|k| match &k.target {
                IndexTarget::Expr(e) => Some(("index expression", e)),
                IndexTarget::Column(_) => None,
            }));
        }
    }
    // Schemas repeat the same few defaults (now(), gen_random_uuid(), '{}'): parse each text once.
    let mut valid: HashSet<&str> = HashSet::new();
    let mut invalid: HashSet<&str> = HashSet::new();
    for (what, e) in exprs {
        if valid.contains(e.sql.as_str()) {
            continue;
        }
        match e.parsed() {
            Ok(_) => _ = valid.insert(&e.sql),
            Err(why) => {
                invalid.insert(&e.sql);
                match unread_construct(&e.sql, why) {
                    Some(construct) => diags.push(Diagnostic::expression_unread(what, &construct, e.span)),
                    None => diags.push(Diagnostic::invalid_expression(what, why, e.span)),
                }
            }
        }
    }
    // Column reads are judged only in expressions that parse: a syntax error is one error.
    let parses = |e: &Expr| !invalid.contains(e.sql.as_str());
    for t in &schema.tables {
        // A partition's own checks and indexes read its parent's columns.
        let partitions = t.partition.iter().flat_map(|p| &p.partitions);
        let checks = t.checks.iter().chain(partitions.clone().flat_map(|p| &p.checks));
        for c in checks.filter(|c| c.origin == CheckOrigin::Declared && parses(&c.expr)) {
            columns_exist(t, &format!("check `{}`", c.name), &c.expr, diags);
        }
        for i in t.indexes.iter().chain(partitions.flat_map(|p| &p.indexes)) {
            i.predicate
                .iter()
                .filter(|e| parses(e))
                .for_each(|e| columns_exist(t, &format!("index `{}`", i.name), e, diags));
        }
    }
}

/// Columns an expression reads directly (not in a subquery), unqualified or qualified by the
/// table itself, must exist.
pub fn columns_exist(t: &Table, what: &str, e: &Expr, diags: &mut Diagnostics) {
    let Some(columns) = e.ast().map(columns_read) else { return };
    for (qualifier, column) in columns {
        if qualifier.as_ref().is_some_and(|q| *q != t.name) || t.column(&column).is_some() {
            continue;
        }
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        diags.push(Diagnostic::expression_unknown_column(what, &t.name, &column, &names, e.span));
    }
}

/// When sqlparser stops inside an expression that is otherwise whole — its quotes closed, its
/// parentheses and brackets balanced, not cut short — the construct it stopped at: one
/// PostgreSQL may well accept (`TRIM(BOTH FROM x)`, `XMLTABLE(...)`, an operator sqlparser lacks),
/// left to the database to judge. `None` for an expression that is broken whatever reads it.
fn unread_construct(sql: &str, why: &str) -> Option<String> {
    use sqlparser::tokenizer::Tokenizer;
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().ok()?;
    let mut depth = 0i32;
    for t in &tokens {
        match t {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    let found = why.split_once("found: ")?.1;
    let construct = found.split_once(" at Line").map_or(found, |(c, _)| c).trim();
    (depth == 0 && construct != "EOF" && !why.contains("reserved word") && !why.starts_with("unexpected"))
        .then(|| construct.to_string())
}
