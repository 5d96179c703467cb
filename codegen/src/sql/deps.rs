//! What SQL text reads: relations (to order views and check they exist), columns outside
//! subqueries (to check expressions against their table) and the functions it calls.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr as Ast, Ident, ObjectName, Query, Statement, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The relations a SQL text reads, as written (`name` or `namespace.name`, unquoted parts
/// folded to lower case), CTE names and functions read in `FROM` left out; `None` when it does
/// not parse.
pub fn relations(sql: &str) -> Option<Vec<String>> {
    let statements: Vec<Statement> = Parser::parse_sql(&PostgreSqlDialect {}, sql).ok()?;
    Some(relations_in(&statements))
}

/// `relations` of what is parsed already (an expression's kept parse).
pub fn relations_in(parsed: &impl Visit) -> Vec<String> {
    #[derive(Default)]
    struct Relations {
        ctes: Vec<String>,
        found: Vec<String>,
        /// A set-returning function read in `FROM` (`FROM f(1)`): a function, not a relation.
        call: Option<ObjectName>,
    }
    impl Visitor for Relations {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
                self.ctes.push(cte.alias.name.value.to_lowercase());
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, factor: &sqlparser::ast::TableFactor) -> ControlFlow<()> {
            if let sqlparser::ast::TableFactor::Table { name, args: Some(_), .. } = factor {
                self.call = Some(name.clone());
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
            if self.call.as_ref() == Some(relation) {
                self.call = None;
                return ControlFlow::Continue(());
            }
            let parts: Vec<String> = relation.0.iter().filter_map(|p| p.as_ident()).map(folded).collect();
            let name = parts.join(".");
            if !self.ctes.contains(&name) && !self.found.contains(&name) {
                self.found.push(name);
            }
            ControlFlow::Continue(())
        }
    }
    let mut visitor = Relations::default();
    let _ = parsed.visit(&mut visitor);
    visitor.found
}

/// Words that read like a column but are values (SQL's niladic functions and literals, and the
/// normal forms `normalize(x, NFC)` and `x IS NFC NORMALIZED` name).
pub const NOT_COLUMNS: &[&str] = &[
    "current_user",
    "session_user",
    "current_role",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "true",
    "false",
    "null",
    "nfc",
    "nfd",
    "nfkc",
    "nfkd",
];

/// The most tokens an expression may have: within what `crate::stack::SIZE` holds when every
/// two are an operator (`a AND b AND ...`, 30,000 terms, three times what PostgreSQL's default
/// `max_stack_depth` takes).
const MAX_TOKENS: usize = 60_000;

/// Parses one whole expression; trailing tokens are an error too, and so is a reserved word
/// where a column would be (sqlparser reads `x IS NULL and and` as a column named `and`;
/// PostgreSQL reports a syntax error).
pub fn parse_whole(sql: &str) -> Result<Ast, String> {
    let dialect = PostgreSqlDialect {};
    // Judged before parsing: an expression sqlparser cannot read is written as it is (W0007), so
    // a `;` there would end the statement strata writes and start another.
    let tokens = Tokenizer::new(&dialect, sql).tokenize_with_location().map_err(|e| e.to_string())?;
    // Its tree is as deep as its operators, and every pass over it recurses that deep.
    let words = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).count();
    if words > MAX_TOKENS {
        return Err(format!(
            "it has {words} tokens; strata reads expressions of at most {MAX_TOKENS} (split it in several)"
        ));
    }
    if tokens.iter().any(|t| t.token == Token::SemiColon) {
        return Err("unexpected `;`: it would end the statement; an expression holds one only inside quotes".into());
    }
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(tokens);
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if let Token::EOF = parser.peek_token().token {
    } else {
        return Err(format!("unexpected `{}` after the expression", parser.peek_token().token));
    }
    let mut word = None;
    let _ = sqlparser::ast::visit_expressions(&expr, |e| {
        if let Ast::Identifier(id) = e
            && id.quote_style.is_none()
            && super::reserved_words().contains(&id.value.to_ascii_lowercase().as_str())
            && !NOT_COLUMNS.contains(&id.value.to_ascii_lowercase().as_str())
        {
            word = Some(id.value.clone());
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    match word {
        Some(w) => {
            Err(format!("`{w}` is a reserved word, not a column: the expression ends too early or has a word too many"))
        }
        None => Ok(expr),
    }
}

/// The statements of a SQL-standard routine body (`BEGIN ATOMIC ... END`), cut as psql cuts
/// them, each parsed as one query or data change (`RETURN x` as the query `SELECT x`); how many
/// there are. `Err` says why not: PostgreSQL would end the body elsewhere, or run something else.
pub fn atomic_statements(body: &str) -> Result<usize, String> {
    let body = body.trim();
    let inner = body
        .get(..12)
        .filter(|head| head.split_whitespace().map(str::to_ascii_lowercase).eq(["begin", "atomic"]))
        .map(|_| &body[12..])
        .ok_or("it does not start with BEGIN ATOMIC")?;
    let inner = inner.trim_end().trim_end_matches(';').trim_end();
    let end = inner.len().checked_sub(3).filter(|&at| inner[at..].eq_ignore_ascii_case("end"));
    let inner = match end {
        Some(at) if inner[..at].ends_with(|c: char| c.is_whitespace() || c == ';') => &inner[..at],
        _ => return Err("it does not end with END".into()),
    };
    let pieces = strata_script::pieces(inner).map_err(|e| e.message)?;
    for piece in &pieces {
        let strata_script::Piece::Statement { text, .. } = piece else {
            return Err("a psql meta-command is not SQL".into());
        };
        let returned =
            text.get(..7).filter(|r| r.eq_ignore_ascii_case("return ")).map(|_| format!("SELECT {}", &text[7..]));
        let statements = Parser::parse_sql(&PostgreSqlDialect {}, returned.as_deref().unwrap_or(text))
            .map_err(|e| format!("`{text}`: {e}"))?;
        match statements.as_slice() {
            [Statement::Query(_) | Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)] => {}
            _ => return Err(format!("`{text}` is not one query or data change")),
        }
    }
    Ok(pieces.len())
}

/// The columns an expression text reads outside any subquery (`columns_read`); `None` when it
/// is not one whole expression.
pub fn outer_columns(sql: &str) -> Option<Vec<(Option<String>, String)>> {
    parse_whole(sql).ok().as_ref().map(columns_read)
}

/// A name as PostgreSQL folds it: unquoted, to lower case.
pub fn folded(ident: &Ident) -> String {
    if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_lowercase() }
}

/// The columns an expression reads outside any subquery, as (qualifier, column), names folded
/// as PostgreSQL folds them.
pub fn columns_read(expr: &Ast) -> Vec<(Option<String>, String)> {
    #[derive(Default)]
    struct Columns {
        depth: usize,
        found: Vec<(Option<String>, String)>,
    }
    impl Visitor for Columns {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, expr: &Ast) -> ControlFlow<()> {
            if self.depth == 0 {
                match expr {
                    Ast::Identifier(id) if !NOT_COLUMNS.contains(&folded(id).as_str()) => {
                        self.found.push((None, folded(id)))
                    }
                    Ast::CompoundIdentifier(parts) if parts.len() == 2 => {
                        self.found.push((Some(folded(&parts[0])), folded(&parts[1])))
                    }
                    _ => {}
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut columns = Columns::default();
    let _ = expr.visit(&mut columns);
    columns.found
}

/// Whether an expression holds a subquery (`EXISTS`, `IN (SELECT ...)`, a scalar one).
pub fn has_subquery(expr: &Ast) -> bool {
    struct Subquery;
    impl Visitor for Subquery {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            ControlFlow::Break(())
        }
    }
    expr.visit(&mut Subquery).is_break()
}

/// Names of the functions a SQL text calls in its expressions, as `functions_in` writes them.
pub fn called_functions(sql: &str) -> Vec<String> {
    match Parser::parse_sql(&PostgreSqlDialect {}, sql) {
        Ok(statements) => calls(&statements, false),
        Err(_) => Vec::new(),
    }
}

/// The functions what is parsed already calls, as written (`name` or `namespace.name`, unquoted
/// parts folded to lower case), each once; set-returning ones read in `FROM` too.
pub fn functions_in(parsed: &impl Visit) -> Vec<String> {
    calls(parsed, true)
}

fn calls(parsed: &impl Visit, in_from: bool) -> Vec<String> {
    struct Calls(Vec<String>, bool);
    impl Calls {
        fn add(&mut self, name: &ObjectName) {
            let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident()).map(folded).collect();
            let name = parts.join(".");
            if !self.0.contains(&name) {
                self.0.push(name);
            }
        }
    }
    impl Visitor for Calls {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Ast) -> ControlFlow<()> {
            if let Ast::Function(f) = expr {
                self.add(&f.name);
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, factor: &sqlparser::ast::TableFactor) -> ControlFlow<()> {
            if let sqlparser::ast::TableFactor::Table { name, args: Some(_), .. } = factor
                && self.1
            {
                self.add(name);
            }
            ControlFlow::Continue(())
        }
    }
    let mut calls = Calls(Vec::new(), in_from);
    let _ = parsed.visit(&mut calls);
    calls.0
}

/// The types of a routine's identity (`integer, text`): those of its arguments, OUT ones left
/// out (a procedure keeps them). `None` when the argument list does not parse.
pub fn argument_types(args: &str, procedure: bool) -> Option<Vec<String>> {
    use sqlparser::ast::{ArgMode, Statement};
    let stub = format!("CREATE FUNCTION f({args}) RETURNS void LANGUAGE sql AS ''");
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, &stub).ok()?;
    let [Statement::CreateFunction(f)] = statements.as_slice() else { return None };
    let args = f.args.iter().flatten().filter(|a| procedure || a.mode != Some(ArgMode::Out));
    Some(args.map(|a| a.data_type.to_string().to_lowercase()).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn argument_types_leave_out_names_defaults_and_out() {
        let types =
            super::argument_types("a integer, OUT b text, VARIADIC c uuid[] DEFAULT '{}', double precision", false);
        assert_eq!(types.unwrap(), ["integer", "uuid[]", "double precision"]);
        assert_eq!(super::argument_types("INOUT n bigint, OUT m bigint", true).unwrap(), ["bigint", "bigint"]);
    }
    #[test]
    fn relations_of_a_query() {
        let sql = "WITH recent AS (SELECT * FROM public.tasks) SELECT p.id FROM projects p JOIN recent r ON r.project_id = p.id \
                   WHERE EXISTS (SELECT 1 FROM pg_stat_user_tables)";
        assert_eq!(super::relations(sql).unwrap(), ["public.tasks", "projects", "pg_stat_user_tables"]);
    }
    #[test]
    fn a_function_read_in_from_is_a_function() {
        let sql = "SELECT r.id FROM app.recent(10) r JOIN t ON t.id = r.id WHERE lower(r.title) <> ''";
        assert_eq!(super::relations(sql).unwrap(), ["t"]);
        let parsed = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, sql).unwrap();
        assert_eq!(super::functions_in(&parsed), ["app.recent", "lower"]);
        assert_eq!(super::called_functions(sql), ["lower"]);
    }
    #[test]
    fn outer_columns_skip_subqueries() {
        let cols = super::outer_columns(
            "tenant_id = current_setting('x')::uuid AND EXISTS (SELECT 1 FROM m WHERE m.p = t.id AND q = 1) AND \"Up\" > 0 AND current_user = owner",
        )
        .unwrap();
        let names: Vec<String> = cols
            .iter()
            .map(|(q, c)| format!("{}{c}", q.as_deref().map_or(String::new(), |q| format!("{q}."))))
            .collect();
        assert_eq!(names, ["tenant_id", "Up", "owner"]);
    }
}
