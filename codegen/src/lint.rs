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
    Ok(findings(read(sql)?))
}

fn findings(statements: Vec<Read<'_>>) -> Vec<Finding> {
    let mut findings = Vec::new();
    // `CHECK (column IS NOT NULL)` constraints added, by (table, name), and the (table, column)
    // pairs one of them has been validated for: SET NOT NULL then trusts it and reads no row.
    let mut not_null_checks: Vec<((String, String), String)> = Vec::new();
    let mut proven: Vec<(String, String)> = Vec::new();
    for Read { line, column, text, statement, created } in statements {
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
    findings
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
    Ok(deletes_in(read(sql)?))
}

fn deletes_in(statements: Vec<Read<'_>>) -> Vec<Deletes> {
    let mut deletes = Vec::new();
    for Read { statement, created, .. } in statements {
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
    deletes
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

/// The statements of a script that a rule reads (`read_all` with what no rule reads skipped).
fn read(sql: &str) -> Result<Vec<Read<'_>>, String> {
    read_all(sql, false)
}

/// The statements of a script that sqlparser reads; with `all` false, those no rule reads are
/// not parsed (`matters`) and a CREATE TABLE is parsed up to its columns (`created_table`): a
/// first migration is mostly CREATE TABLE, and its lint re-parsed every byte of it.
fn read_all(sql: &str, all: bool) -> Result<Vec<Read<'_>>, String> {
    let mut out = Vec::new();
    // A set: a first migration creates thousands of tables and indexes each (issue 33).
    let mut created: std::collections::HashSet<String> = std::collections::HashSet::new();
    for piece in script::pieces(sql).map_err(|e| e.to_string())? {
        let Piece::Statement { line, text } = piece else { continue };
        let (line, column, text) = start(line, text);
        if !all && !matters(text) {
            continue;
        }
        let quick = if all { None } else { created_table(text) };
        let Some(statements) = quick.or_else(|| Parser::parse_sql(&PostgreSqlDialect {}, text).ok()) else {
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

/// Whether a rule reads the statement: CREATE TABLE or MATERIALIZED VIEW (what the script
/// creates has no rows), CREATE INDEX, DROP TABLE or INDEX, ALTER TABLE. Functions, types,
/// comments, grants and policies are not. A comment among the first words counts as mattering.
fn matters(text: &str) -> bool {
    let head: Vec<String> = text.split_ascii_whitespace().take(5).map(|w| w.to_ascii_uppercase()).collect();
    if head.iter().any(|w| w.contains("/*") || w.contains("--")) {
        return true;
    }
    let second = |words: &[&str]| head.get(1).is_some_and(|w| words.contains(&w.as_str()));
    match head.first().map(String::as_str) {
        Some("ALTER") => second(&["TABLE"]),
        Some("DROP") => second(&["TABLE", "INDEX"]),
        Some("CREATE") => head.iter().skip(1).take(3).any(|w| matches!(w.as_str(), "TABLE" | "INDEX" | "MATERIALIZED")),
        _ => false,
    }
}

/// A CREATE TABLE read up to the `(` of its columns, which no rule reads (only its name): the
/// text before the first `(` with `()` put back. None when that is not a CREATE TABLE of the same
/// name (a `(` in a quoted name, `PARTITION OF`), and the whole statement is parsed instead.
fn created_table(text: &str) -> Option<Vec<Statement>> {
    let head = &text[..text.find('(')?];
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, &format!("{head}()")).ok()?;
    matches!(statements.as_slice(), [Statement::CreateTable(t)] if t.query.is_none()).then_some(statements)
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

#[cfg(test)]
mod tests {
    use super::{deletes_in, findings, read_all};

    fn sql_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sql_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "sql") {
                out.push(path);
            }
        }
    }

    /// Skipping what no rule reads changes no finding: every SQL file of the repository (the
    /// systems' migrations, the import and migration fixtures), as written and in lower case.
    #[test]
    fn the_quick_read_finds_what_the_whole_read_finds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["generated", "tests/fixtures"] {
            sql_files(&root.join(dir), &mut files);
        }
        files.sort();
        assert!(files.len() > 50, "the corpus is there: {} files", files.len());
        let (mut read, mut found) = (0, 0);
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for sql in [text.clone(), text.to_lowercase()] {
                let Ok(whole) = read_all(&sql, true) else { continue };
                read += whole.len();
                let (quick, whole) = (findings(read_all(&sql, false).unwrap()), findings(whole));
                found += whole.len();
                assert_eq!(quick, whole, "{}", file.display());
                let all = read_all(&sql, true).unwrap();
                assert_eq!(deletes_in(read_all(&sql, false).unwrap()), deletes_in(all), "{}", file.display());
            }
        }
        assert!(read > 1000 && found > 20, "statements read: {read}, findings: {found}");
    }
}
