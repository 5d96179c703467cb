//! A lint of migration SQL in the spirit of Squawk: each statement that locks a live table for
//! long, rewrites it, deletes data or fails on rows already there is reported with its rule,
//! line and column. It reads hand-written SQL as well as strata's own migrations. A table the
//! script creates has no rows yet: what is done to it is not reported.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, Expr, ObjectName, ObjectType, Statement, TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use strata_script::{self as script, Piece};

/// One risky statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based, where the statement starts.
    pub line: usize,
    pub column: usize,
    /// Squawk's name for the rule, where it has one.
    pub rule: &'static str,
    pub message: String,
    pub help: &'static str,
}

impl Finding {
    /// `file:line:column: warning[rule]: message`, and the help on a line of its own.
    pub fn render(&self, file: &str) -> String {
        format!("{file}:{}:{}: warning[{}]: {}\n  help: {}", self.line, self.column, self.rule, self.message, self.help)
    }
}

/// The findings of a script, in order; `Err` when it does not cut into statements (a quote left
/// open). A statement sqlparser cannot read is skipped: the lint judges what it understands.
pub fn lint(sql: &str) -> Result<Vec<Finding>, String> {
    let mut findings = Vec::new();
    // `CHECK (column IS NOT NULL)` constraints added, by (table, name), and the (table, column)
    // pairs one of them has been validated for: SET NOT NULL then trusts it and reads no row.
    let mut not_null_checks: Vec<((String, String), String)> = Vec::new();
    let mut proven: Vec<(String, String)> = Vec::new();
    for Read { line, column, text, statement, created } in read(sql)? {
        let mut found = |rule, message: String, help| findings.push(Finding { line, column, rule, message, help });
        match &statement {
            Statement::CreateIndex(i) if !i.concurrently && !created => found(
                "require-concurrent-index-creation",
                format!("CREATE INDEX on {} blocks its writes while the index builds", name(&i.table_name)),
                "CREATE INDEX CONCURRENTLY, outside a transaction",
            ),
            Statement::Drop { object_type: ObjectType::Table, names, .. } => found(
                "ban-drop-table",
                format!("DROP TABLE {} deletes its rows", names.iter().map(name).collect::<Vec<_>>().join(", ")),
                "make sure nothing reads it any more, and that its data is not needed",
            ),
            Statement::Drop { object_type: ObjectType::Index, names, .. }
                if !text.to_ascii_uppercase().contains("CONCURRENTLY") =>
            {
                found(
                    "require-concurrent-index-deletion",
                    format!(
                        "DROP INDEX {} takes an ACCESS EXCLUSIVE lock on its table",
                        names.iter().map(name).collect::<Vec<_>>().join(", ")
                    ),
                    "DROP INDEX CONCURRENTLY, outside a transaction",
                )
            }
            Statement::AlterTable(a) if !created => {
                let table = name(&a.name);
                for op in &a.operations {
                    match op {
                        AlterTableOperation::AddConstraint { constraint: TableConstraint::Check(c), .. } => {
                            if let (Some(name), Expr::IsNotNull(e)) = (&c.name, c.expr.as_ref())
                                && let Expr::Identifier(column) = e.as_ref()
                            {
                                not_null_checks.push(((table.clone(), name.to_string()), column.to_string()));
                            }
                        }
                        AlterTableOperation::ValidateConstraint { name } => {
                            let key = (table.clone(), name.to_string());
                            if let Some((_, column)) = not_null_checks.iter().find(|(k, _)| *k == key) {
                                proven.push((table.clone(), column.clone()));
                            }
                        }
                        AlterTableOperation::AlterColumn { column_name, op: AlterColumnOperation::SetNotNull }
                            if proven.contains(&(table.clone(), column_name.to_string())) =>
                        {
                            continue;
                        }
                        _ => {}
                    }
                    if let Some((rule, message, help)) = operation(&table, op) {
                        found(rule, message, help);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(findings)
}

/// What a script deletes that may hold data: a table it drops, a column it drops from a table
/// it did not create. Names are as the script spells them (SQL, quoted where it quotes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletes {
    Table(String),
    Column { table: String, column: String },
}

/// Everything `sql` deletes, in order (what `strata migrate down` asks the database about).
pub fn deletes(sql: &str) -> Result<Vec<Deletes>, String> {
    let mut deletes = Vec::new();
    for Read { statement, created, .. } in read(sql)? {
        match statement {
            Statement::Drop { object_type: ObjectType::Table, names, .. } => {
                deletes.extend(names.iter().map(|n| Deletes::Table(name(n))))
            }
            Statement::AlterTable(a) if !created => {
                for op in &a.operations {
                    if let AlterTableOperation::DropColumn { column_names, .. } = op {
                        deletes.extend(
                            column_names
                                .iter()
                                .map(|c| Deletes::Column { table: name(&a.name), column: c.to_string() }),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    Ok(deletes)
}

/// One statement of a script, where it starts, and whether the table it is about was created
/// earlier in the same script (then it has no rows yet).
struct Read<'a> {
    line: usize,
    column: usize,
    text: &'a str,
    statement: Statement,
    created: bool,
}

/// The statements of a script that sqlparser reads.
fn read(sql: &str) -> Result<Vec<Read<'_>>, String> {
    let mut out = Vec::new();
    // A set: a first migration creates thousands of tables and indexes each (issue 33).
    let mut created: std::collections::HashSet<String> = std::collections::HashSet::new();
    for piece in script::pieces(sql).map_err(|e| e.to_string())? {
        let Piece::Statement { line, text } = piece else { continue };
        let (line, column, text) = start(line, text);
        let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, text) else {
            continue;
        };
        for statement in statements {
            let table = match &statement {
                Statement::CreateTable(t) => {
                    created.insert(name(&t.name));
                    None
                }
                // A materialized view's rows come with it: indexing it in the script blocks no one.
                Statement::CreateView(v) if v.materialized => {
                    created.insert(name(&v.name));
                    None
                }
                Statement::CreateIndex(i) => Some(name(&i.table_name)),
                Statement::AlterTable(a) => Some(name(&a.name)),
                _ => None,
            };
            let created = table.is_some_and(|t| created.contains(&t));
            out.push(Read { line, column, text, statement, created });
        }
    }
    Ok(out)
}

/// The statement's first line and column past leading blank lines and `--` comments.
fn start(line: usize, text: &str) -> (usize, usize, &str) {
    let mut line = line;
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r']);
        if let Some(after) = trimmed.strip_prefix('\n') {
            line += 1;
            rest = after;
        } else if trimmed.starts_with("--") {
            match trimmed.find('\n') {
                Some(end) => {
                    line += 1;
                    rest = &trimmed[end + 1..];
                }
                None => return (line, 1, ""),
            }
        } else {
            let column = rest.len() - trimmed.len() + 1;
            return (line, column, trimmed);
        }
    }
}

fn name(n: &ObjectName) -> String {
    n.to_string()
}

/// The finding of one ALTER TABLE action on a table with rows.
fn operation(table: &str, op: &AlterTableOperation) -> Option<(&'static str, String, &'static str)> {
    Some(match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            let not_null = column_def.options.iter().any(|o| matches!(o.option, ColumnOption::NotNull));
            let default = column_def.options.iter().any(|o| matches!(o.option, ColumnOption::Default(_)));
            if !not_null || default {
                return None;
            }
            (
                "adding-required-field",
                format!(
                    "{table}.{} is added NOT NULL without a default: it fails on a table with rows",
                    column_def.name
                ),
                "give it a DEFAULT, or add it nullable, fill it, then SET NOT NULL",
            )
        }
        AlterTableOperation::DropColumn { column_names, .. } => (
            "ban-drop-column",
            format!(
                "dropping {table}.{} deletes its data",
                column_names.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
            ),
            "make sure no deployed code reads it any more",
        ),
        AlterTableOperation::AddConstraint { constraint, not_valid: false } => match constraint {
            TableConstraint::Check(_) | TableConstraint::ForeignKey(_) => (
                "constraint-missing-not-valid",
                format!("a constraint added to {table} is checked against every row under the lock it takes"),
                "ADD ... NOT VALID, then VALIDATE CONSTRAINT in its own transaction",
            ),
            TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => (
                "disallowed-unique-constraint",
                format!("a key added to {table} builds its index under an ACCESS EXCLUSIVE lock"),
                "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX",
            ),
            _ => return None,
        },
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull => (
                "adding-not-nullable-field",
                format!("SET NOT NULL on {table}.{column_name} reads every row under an ACCESS EXCLUSIVE lock"),
                "add CHECK (column IS NOT NULL) NOT VALID and validate it first: SET NOT NULL then trusts it",
            ),
            AlterColumnOperation::SetDataType { .. } => (
                "changing-column-type",
                format!(
                    "changing the type of {table}.{column_name} may rewrite the table under an ACCESS EXCLUSIVE lock"
                ),
                "add a column of the new type, fill it in batches, and switch readers over",
            ),
            _ => return None,
        },
        AlterTableOperation::RenameColumn { old_column_name, new_column_name } => (
            "renaming-column",
            format!("renaming {table}.{old_column_name} to {new_column_name} breaks code that still uses the old name"),
            "deploy code that reads both names first",
        ),
        AlterTableOperation::RenameTable { .. } => (
            "renaming-table",
            format!("renaming {table} breaks code that still uses the old name"),
            "deploy code that reads both names first",
        ),
        _ => return None,
    })
}
