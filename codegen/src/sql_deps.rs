//! What a query reads: the relations named in its FROM clauses, for ordering views and checking
//! that what they read exists.

use std::ops::ControlFlow;

use sqlparser::ast::{ObjectName, Query, Statement, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The relations a SQL text reads (unqualified or `public.` names folded to lower case,
/// other schemas kept qualified), CTE names left out; `None` when it does not parse.
pub fn relations(sql: &str) -> Option<Vec<String>> {
    #[derive(Default)]
    struct Relations {
        ctes: Vec<String>,
        found: Vec<String>,
    }
    impl Visitor for Relations {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
                self.ctes.push(cte.alias.name.value.to_lowercase());
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
            let parts: Vec<String> = relation
                .0
                .iter()
                .filter_map(|p| p.as_ident())
                .map(|i| if i.quote_style.is_some() { i.value.clone() } else { i.value.to_lowercase() })
                .collect();
            let name = match parts.as_slice() {
                [schema, name] if schema == "public" => name.clone(),
                _ => parts.join("."),
            };
            if !self.ctes.contains(&name) && !self.found.contains(&name) {
                self.found.push(name);
            }
            ControlFlow::Continue(())
        }
    }
    let statements: Vec<Statement> = Parser::parse_sql(&PostgreSqlDialect {}, sql).ok()?;
    let mut visitor = Relations::default();
    let _ = statements.visit(&mut visitor);
    Some(visitor.found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn relations_of_a_query() {
        let sql = "WITH recent AS (SELECT * FROM public.tasks) SELECT p.id FROM projects p JOIN recent r ON r.project_id = p.id \
                   WHERE EXISTS (SELECT 1 FROM pg_stat_user_tables)";
        assert_eq!(super::relations(sql).unwrap(), ["tasks", "projects", "pg_stat_user_tables"]);
    }
}
