//! Functions, views and jobs: definer functions pin their search_path, what SQL bodies, views
//! and jobs read exists, and jobs run on a schedule pg_cron accepts.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{Function, QName, Readable, Schema};
use crate::sql::deps::{called_functions, relations};

/// The relations `sql` reads that `known` lacks, with the declared ones' names to suggest.
fn unknown(known: &Readable, sql: &str, path: Option<&str>) -> (Vec<String>, Vec<String>) {
    let missing: Vec<String> = relations(sql).unwrap_or_default().into_iter().filter(|r| !known.has(r, path)).collect();
    let names = if missing.is_empty() { Vec::new() } else { known.names() };
    (missing, names)
}

fn reads(known: &Readable, what: &str, sql: &str, span: Span, diags: &mut Diagnostics) {
    let (missing, names) = unknown(known, sql, None);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for r in missing {
        diags.push(Diagnostic::unknown_relation(what, &r, &names, span));
    }
}

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    let known = Readable::of(schema);
    for f in &schema.functions {
        if let Some((why, help)) = refusal(f) {
            let what = format!("{} `{}`", f.kind().to_lowercase(), f.name);
            diags.push(Diagnostic::invalid_routine(&what, why, help, f.span));
        }
        if f.security_definer && f.search_path.is_none() {
            diags.push(Diagnostic::definer_without_search_path(&f.name, f.span));
        }
        // PL/pgSQL bodies are only checked when they run; SQL bodies can be read now. What a
        // body reads may be found when it runs (a caller's search path), as PostgreSQL allows
        // when bodies are not checked: a warning, and the plan then does not check them.
        if f.language == "sql" {
            let (missing, names) = unknown(&known, &f.body, f.search_path.as_deref());
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            for r in missing {
                diags.push(Diagnostic::unknown_relation_in_body(&f.name, &r, &names, f.span));
            }
        }
    }
    for v in &schema.views {
        let what = format!("view `{}`", v.name);
        if let Err(e) = Parser::parse_sql(&PostgreSqlDialect {}, &v.query.sql) {
            diags.push(Diagnostic::invalid_query(&what, &e.to_string(), v.query.span));
            continue;
        }
        reads(&known, &what, &v.query.sql, v.query.span, diags);
    }
}

/// Why PostgreSQL refuses `f`'s options, and its rule.
fn refusal(f: &Function) -> Option<(&'static str, &'static str)> {
    let returns = f.returns.trim_start().to_ascii_lowercase();
    let set_returning = returns.starts_with("setof ") || returns.starts_with("table");
    let function_only = f.volatility.is_some() || f.strict || f.leakproof || f.parallel.is_some() || f.cost.is_some();
    let rules = [
        (
            f.procedure && !f.returns.is_empty(),
            "returns a value",
            "a procedure returns nothing (use INOUT arguments): drop `returns`, or drop `procedure`",
        ),
        (
            f.procedure && (function_only || f.rows.is_some()),
            "has options only functions have",
            "volatility, strict, leakproof, parallel, cost and rows are for functions",
        ),
        (
            f.rows.is_some() && !set_returning,
            "has `rows` but returns one value",
            "ROWS is for functions returning SETOF or TABLE",
        ),
        (f.rows == Some(0), "has `rows = 0`", "ROWS must be positive"),
        (f.cost == Some(0), "has `cost = 0`", "COST must be positive"),
        (
            f.atomic_body() && f.language != "sql",
            "has a BEGIN ATOMIC body in another language than sql",
            "a SQL-standard body (BEGIN ATOMIC ... END) is for LANGUAGE sql",
        ),
    ];
    rules.into_iter().find(|(broken, _, _)| *broken).map(|(_, why, help)| (why, help))
}

/// Jobs: a schedule pg_cron accepts, and a command that is SQL reading declared relations.
pub fn check_jobs(schema: &Schema, diags: &mut Diagnostics) {
    let known = Readable::of(schema);
    let functions: Vec<&str> = schema.functions.iter().map(|f| f.name.as_str()).collect();
    for job in &schema.jobs {
        if !valid_schedule(&job.schedule) {
            diags.push(Diagnostic::invalid_schedule(&job.name, &job.schedule, job.span));
        }
        let what = format!("job `{}`", job.name);
        if let Err(e) = Parser::parse_sql(&PostgreSqlDialect {}, &job.command.sql) {
            diags.push(Diagnostic::invalid_query(&what, &e.to_string(), job.command.span));
            continue;
        }
        reads(&known, &what, &job.command.sql, job.command.span, diags);
        // `SELECT f()` calls a function: it must be declared (PostgreSQL would fail at 2 a.m.).
        for f in called_functions(&job.command.sql) {
            let q = QName::parse(&f, "");
            let declared = |x: &Function| x.name == q.name && (q.namespace.is_empty() || q.namespace == x.namespace);
            // A function in a declared extension's namespace is the extension's (`partman.run_maintenance`).
            let extension = schema
                .extensions
                .iter()
                .any(|e| !q.namespace.is_empty() && e.namespace.as_deref() == Some(&q.namespace));
            if !schema.functions.iter().any(declared) && !q.name.starts_with("pg_") && !extension {
                diags.push(Diagnostic::unknown_function(&what, &f, &functions, job.command.span));
            }
        }
    }
}

/// pg_cron's schedule: five cron fields, or `N seconds` (1 to 59).
fn valid_schedule(schedule: &str) -> bool {
    let parts: Vec<&str> = schedule.split_whitespace().collect();
    if let [n, unit] = parts.as_slice() {
        return matches!(*unit, "second" | "seconds") && n.parse::<u32>().is_ok_and(|n| (1..=59).contains(&n));
    }
    let limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    parts.len() == 5
        && parts.iter().zip(limits).all(|(field, (lo, hi))| {
            field.split(',').all(|item| {
                let (range, step) = item.split_once('/').map_or((item, None), |(r, s)| (r, Some(s)));
                let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s > 0));
                let in_range = |v: &str| v.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
                let range_ok = range == "*"
                    || in_range(range)
                    || range.split_once('-').is_some_and(|(a, b)| in_range(a) && in_range(b));
                step_ok && range_ok
            })
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn schedules() {
        for ok in ["0 2 * * *", "*/5 * * * 1-5", "0 0 1 * *", "30 seconds", "0 3 * * 0", "0 */6 * * *"] {
            assert!(super::valid_schedule(ok), "{ok}");
        }
        for bad in ["0 2 * *", "61 * * * *", "0 2 * * * *", "90 seconds", "daily"] {
            assert!(!super::valid_schedule(bad), "{bad}");
        }
    }
}
