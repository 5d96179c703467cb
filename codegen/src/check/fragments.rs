//! Raw fragments: the pieces of SQL strata writes as given (a function's signature and language,
//! its search_path and SQL-standard body, an aggregate's argument and state types, an index key's
//! or exclusion element's opclass, an exclusion's operator, a view's query) are each parsed for
//! what they must be, so that no declaration can end its statement and run another.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Schema, is_plain_word as is_word};

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    for f in &schema.functions {
        let what = format!("function `{}`", f.name);
        if !is_word(&f.language) {
            diags.push(Diagnostic::invalid_fragment(
                &what,
                "language",
                &f.language,
                "a language name such as sql or plpgsql",
                f.span,
            ));
        }
        // The signature alone, with a body that cannot interfere: one CREATE FUNCTION, nothing else.
        let returns = if f.procedure { "void" } else { f.returns.as_str() };
        let stub = format!("CREATE FUNCTION f({}) RETURNS {returns} LANGUAGE sql AS 'SELECT 1'", f.args);
        if let Err(why) = one_statement(&stub, |s| matches!(s, Statement::CreateFunction(_))) {
            let fragment = format!("({}) RETURNS {}", f.args, f.returns);
            let expected = &format!("an argument list (`a uuid, b text`) and a return type ({why})");
            diags.push(Diagnostic::invalid_fragment(&what, "args` / `returns", &fragment, expected, f.span));
        }
        for (name, _) in f.settings.iter().filter(|(n, _)| !n.split('.').all(is_word)) {
            let expected = "a setting name (`work_mem`, `app.tenant`)";
            diags.push(Diagnostic::invalid_fragment(&what, "set", name, expected, f.span));
        }
        if let Some(path) = &f.search_path
            && !path.split(',').all(|p| is_schema_name(p.trim()))
        {
            diags.push(Diagnostic::invalid_fragment(
                &what,
                "search_path",
                path,
                "schema names separated by commas (`public, pg_temp`)",
                f.span,
            ));
        }
        if f.atomic_body()
            && let Err(why) = crate::sql::deps::atomic_statements(&f.body)
        {
            let expected = format!("BEGIN ATOMIC, then queries or data changes each ended by `;`, then END ({why})");
            diags.push(Diagnostic::invalid_fragment(&what, "body", f.body.trim(), &expected, f.span));
        } else if let Some(expr) = f.returned()
            && let Err(why) = crate::sql::deps::parse_whole(expr)
        {
            let expected = format!("RETURN and one expression ({why})");
            diags.push(Diagnostic::invalid_fragment(&what, "body", f.body.trim(), &expected, f.span));
        }
    }
    for a in &schema.aggregates {
        let what = format!("aggregate `{}`", a.name);
        let stub = format!("CREATE FUNCTION f({}) RETURNS int LANGUAGE sql AS 'SELECT 1'", a.args);
        if a.args.trim() != "*"
            && let Err(why) = one_statement(&stub, |s| matches!(s, Statement::CreateFunction(_)))
        {
            let expected = format!("argument types (`numeric`, `anyelement, integer`) ({why})");
            diags.push(Diagnostic::invalid_fragment(&what, "args", &a.args, &expected, a.span));
        }
        if let Err(why) =
            one_statement(&format!("SELECT CAST(NULL AS {})", a.stype), |s| matches!(s, Statement::Query(_)))
        {
            let expected = format!("a type (`numeric`, `internal`, `int8[]`) ({why})");
            diags.push(Diagnostic::invalid_fragment(&what, "stype", &a.stype, &expected, a.span));
        }
    }
    let indexes = schema.tables.iter().flat_map(|t| &t.indexes).chain(schema.views.iter().flat_map(|v| &v.indexes));
    let index_keys = indexes.flat_map(|i| i.keys.iter().map(move |k| (format!("index `{}`", i.name), k, i.span)));
    let exclusions = schema.tables.iter().flat_map(|t| &t.exclusions);
    let exclusion_keys = exclusions
        .clone()
        .flat_map(|x| x.elements.iter().map(move |e| (format!("exclusion `{}`", x.name), &e.key, x.span)));
    for (what, key, span) in index_keys.chain(exclusion_keys) {
        let Some(op) = &key.opclass else { continue };
        if !op.split('.').all(is_word) || op.split('.').count() > 2 {
            diags.push(Diagnostic::invalid_fragment(
                &what,
                "opclass",
                op,
                "an operator class name (`gin_trgm_ops`)",
                span,
            ));
        }
    }
    for x in exclusions {
        for e in x.elements.iter().filter(|e| !is_operator(&e.operator)) {
            let what = format!("exclusion `{}`", x.name);
            let expected = "an operator (`=`, `&&`, `OPERATOR(archive.===)`)";
            diags.push(Diagnostic::invalid_fragment(&what, "with", &e.operator, expected, x.span));
        }
    }
    for v in &schema.views {
        if let Err(why) = one_statement(&v.query.sql, |s| matches!(s, Statement::Query(_))) {
            let what = format!("view `{}`", v.name);
            diags.push(Diagnostic::invalid_fragment(
                &what,
                "query",
                v.query.sql.trim(),
                &format!("one SELECT ({why})"),
                v.query.span,
            ));
        }
    }
}

/// Parses `sql` as exactly one statement of the kind `is`.
fn one_statement(sql: &str, is: impl Fn(&Statement) -> bool) -> Result<(), String> {
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| e.to_string())?;
    match statements.as_slice() {
        [one] if is(one) => Ok(()),
        [_] => Err("it is another kind of statement".into()),
        many => Err(format!("it is {} statements", many.len())),
    }
}

/// An operator as an exclusion element names it: operator characters, or `OPERATOR(name.op)`.
fn is_operator(s: &str) -> bool {
    let symbols = |o: &str| {
        !o.is_empty() && o.chars().all(|c| "+-*/<>=~!@#%^&|`?".contains(c)) && !o.contains("--") && !o.contains("/*")
    };
    match s.strip_prefix("OPERATOR(").and_then(|r| r.strip_suffix(')')) {
        Some(inner) => match inner.rsplit_once('.') {
            Some((namespace, op)) => is_word(namespace) && symbols(op),
            None => symbols(inner),
        },
        None => symbols(s),
    }
}

/// A search_path entry: a plain name, `"$user"`, or a quoted name without quotes inside.
fn is_schema_name(s: &str) -> bool {
    is_word(s)
        || s.strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .is_some_and(|inner| !inner.is_empty() && !inner.contains('"') && !inner.chars().any(char::is_control))
}
