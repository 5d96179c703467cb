//! Functions, triggers and views: definer functions pin their search_path, what SQL bodies and
//! views read exists, and triggers execute declared trigger functions on valid events.

use std::collections::HashMap;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{Schema, TriggerTiming};
use crate::sql_deps::relations;

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let mut known: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    known.extend(schema.views.iter().map(|v| v.name.as_str()));
    let reads = |what: &str, sql: &str, span: Span, diags: &mut Diagnostics| {
        for r in relations(sql).unwrap_or_default() {
            let system = r.starts_with("pg_") || r.contains('.');
            if !system && !known.contains(&r.as_str()) {
                diags.push(Diagnostic::unknown_relation(what, &r, &known, span));
            }
        }
    };
    for f in &schema.functions {
        if f.security_definer && f.search_path.is_none() {
            diags.push(Diagnostic::definer_without_search_path(&f.name, f.span));
        }
        // PL/pgSQL bodies are only checked when they run; SQL bodies can be read now.
        if f.language == "sql" {
            reads(&format!("function `{}`", f.name), &f.body, f.span, diags);
        }
    }
    for v in &schema.views {
        let what = format!("view `{}`", v.name);
        if let Err(e) = Parser::parse_sql(&PostgreSqlDialect {}, &v.query.sql) {
            diags.push(Diagnostic::invalid_query(&what, &e.to_string(), v.query.span));
            continue;
        }
        reads(&what, &v.query.sql, v.query.span, diags);
    }
    let functions: HashMap<&str, &str> =
        schema.functions.iter().map(|f| (f.name.as_str(), f.returns.as_str())).collect();
    let names: Vec<&str> = functions.keys().copied().collect();
    for t in &schema.tables {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for tr in &t.triggers {
            if let Some(&first) = seen.get(tr.name.as_str()) {
                diags.push(Diagnostic::duplicate("trigger", &tr.name, tr.span, first));
            }
            seen.insert(&tr.name, tr.span);
            match functions.get(tr.function.name.as_str()) {
                None => diags.push(Diagnostic::trigger_function(
                    &tr.name,
                    &tr.function.name,
                    "is not declared",
                    &names,
                    tr.function.span,
                )),
                Some(r) if !r.eq_ignore_ascii_case("trigger") => diags.push(Diagnostic::trigger_function(
                    &tr.name,
                    &tr.function.name,
                    &format!("returns {r}, not trigger"),
                    &[],
                    tr.function.span,
                )),
                Some(_) => {}
            }
            if tr.timing == TriggerTiming::InsteadOf {
                diags.push(Diagnostic::invalid_trigger(&tr.name, "is INSTEAD OF on a table", tr.span));
            }
            let valid =
                |e: &str| ["INSERT", "UPDATE", "DELETE", "TRUNCATE"].contains(&e) || e.starts_with("UPDATE OF ");
            if tr.events.is_empty() || !tr.events.iter().all(|e| valid(e)) {
                diags.push(Diagnostic::invalid_trigger(&tr.name, &format!("has events {:?}", tr.events), tr.span));
            }
        }
    }
}
