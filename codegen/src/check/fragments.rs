//! Raw fragments: the pieces of SQL strata writes as given (a function's signature and language,
//! its search_path, an index key's opclass, a view's query) are each parsed for what they must
//! be, so that no declaration can end its statement and run another.

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
    }
    let indexes = schema.tables.iter().flat_map(|t| &t.indexes).chain(schema.views.iter().flat_map(|v| &v.indexes));
    for i in indexes {
        for op in i.keys.iter().filter_map(|k| k.opclass.as_ref()) {
            if !op.split('.').all(is_word) || op.split('.').count() > 2 {
                let what = format!("index `{}`", i.name);
                diags.push(Diagnostic::invalid_fragment(
                    &what,
                    "opclass",
                    op,
                    "an operator class name (`gin_trgm_ops`)",
                    i.span,
                ));
            }
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

/// A search_path entry: a plain name, `"$user"`, or a quoted name without quotes inside.
fn is_schema_name(s: &str) -> bool {
    is_word(s)
        || s.strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .is_some_and(|inner| !inner.is_empty() && !inner.contains('"') && !inner.chars().any(char::is_control))
}
