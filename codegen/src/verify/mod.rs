//! Verify: a declared schema against one read from a live database (`source::live`). Both are
//! turned into facts (`facts`), what only the server can judge is settled first (`settle`),
//! and the differences are what one side has and the other lacks or holds otherwise.

mod facts;
mod privileges;
mod settle;

use std::collections::{HashMap, HashSet};

pub use facts::{Fact, facts};
pub use settle::{Settled, settle};

use crate::diagnostics::{Sources, Span};
use crate::model::Schema;

/// How the database differs from the declaration about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// In the database, not declared: `[+]`.
    Extra,
    /// Declared, not in the database: `[-]`.
    Missing,
    /// In both, with these properties otherwise: (property, declared, database). `[~]`.
    Changed(Vec<(&'static str, String, String)>),
}

/// One object that differs, with where it was declared (absent for an object only the
/// database has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: &'static str,
    pub name: String,
    pub change: Change,
    pub span: Option<Span>,
}

/// The differences between a declared schema and one read back, in the order of the declared
/// objects, then the database's extra ones. Settle `declared` first (see [`settle`]).
pub fn differences(declared: &Schema, read: &Schema) -> Vec<Difference> {
    compare(declared, read).0
}

/// `differences`, and the number of objects declared (facts of `declared`), made once.
pub fn compare(declared: &Schema, read: &Schema) -> (Vec<Difference>, usize) {
    let kept = kept_partitions(declared);
    let (declared, mut read) = (facts(declared), facts(read));
    // Roles belong to the cluster, not to one database: only the declared ones are compared.
    read.retain(|r| r.kind != "role" || declared.iter().any(|d| d.kind == "role" && d.name == r.name));
    // Partitions of a table some tool keeps are made and dropped at run time: only the declared
    // ones are compared (and what is granted on them: the parent's privileges decide access).
    let of_kept = |r: &Fact| r.props.iter().any(|(p, v)| *p == "of" && kept.contains(v));
    let is_declared = |r: &Fact| declared.iter().any(|d| d.kind == r.kind && d.name == r.name);
    let made: HashSet<String> = read
        .iter()
        .filter(|r| r.kind == "partition" && of_kept(r) && !is_declared(r))
        .map(|r| r.name.clone())
        .collect();
    read.retain(|r| match r.kind {
        "partition" => !made.contains(&r.name),
        "privileges" => !r.name.strip_prefix("table ").is_some_and(|n| made.contains(n)),
        _ => true,
    });
    fn index(facts: &[Fact]) -> HashMap<(&'static str, &str), usize> {
        facts.iter().enumerate().map(|(i, f)| ((f.kind, f.name.as_str()), i)).collect()
    }
    let (declared_at, read_at) = (index(&declared), index(&read));
    let mut out = Vec::new();
    for d in &declared {
        let change = match read_at.get(&(d.kind, d.name.as_str())).map(|&i| &read[i]) {
            None => Change::Missing,
            Some(r) => {
                let changed: Vec<_> = d
                    .props
                    .iter()
                    .zip(&r.props)
                    .filter(|((_, a), (_, b))| a != b)
                    .map(|((p, a), (_, b))| (*p, a.clone(), b.clone()))
                    .collect();
                if changed.is_empty() {
                    continue;
                }
                Change::Changed(changed)
            }
        };
        out.push(Difference { kind: d.kind, name: d.name.clone(), change, span: Some(d.span) });
    }
    for r in read.iter().filter(|r| !declared_at.contains_key(&(r.kind, r.name.as_str()))) {
        out.push(Difference { kind: r.kind, name: r.name.clone(), change: Change::Extra, span: None });
    }
    (out, declared.len())
}

/// The tables whose partitions strata's upkeep, pg_partman or the application keep (`managed_by`),
/// qualified as facts name them.
fn kept_partitions(schema: &Schema) -> HashSet<String> {
    schema.tables.iter().filter(|t| t.partitions_kept()).map(|t| facts::qualified(&t.namespace, &t.name)).collect()
}

/// The differences as a person reads them: `[+]`, `[-]` or `[~]`, the object, where it was
/// declared, and for a change each property as declared and as in the database.
pub fn render(differences: &[Difference], sources: &Sources) -> String {
    let mut out = String::new();
    for d in differences {
        let sign = match d.change {
            Change::Extra => "[+]",
            Change::Missing => "[-]",
            Change::Changed(_) => "[~]",
        };
        out.push_str(&format!("{sign} {} {}", d.kind, d.name));
        match d.span.and_then(|s| location(sources, s)) {
            Some((file, line, column)) => out.push_str(&format!("  ({file}:{line}:{column})")),
            None => out.push_str("  (not declared)"),
        }
        out.push('\n');
        match &d.change {
            Change::Extra => out.push_str("    in the database, not declared\n"),
            Change::Missing => out.push_str("    declared, not in the database\n"),
            Change::Changed(props) => {
                for (p, declared, database) in props {
                    out.push_str(&format!("    {p}: declared {declared}, database {database}\n"));
                }
            }
        }
    }
    out
}

/// The differences as GitHub Actions annotations, each on its declaration's line (an object only
/// the database has, on no line).
pub fn to_github(differences: &[Difference], sources: &Sources) -> String {
    let mut out = String::new();
    for d in differences {
        let at = d.span.and_then(|s| location(sources, s));
        let at = at.as_ref().map(|(file, line, column)| (file.as_str(), *line, *column));
        let (title, message) = match &d.change {
            Change::Extra => ("[+]", "in the database, not declared".to_string()),
            Change::Missing => ("[-]", "declared, not in the database".to_string()),
            Change::Changed(props) => {
                let props = props
                    .iter()
                    .map(|(p, declared, database)| format!("{p}: declared {declared}, database {database}"));
                ("[~]", props.collect::<Vec<_>>().join("\n"))
            }
        };
        let title = format!("{title} {} {}", d.kind, d.name);
        out.push_str(&crate::diagnostics::github_annotation("error", at, &title, &message));
    }
    out
}

/// The differences as JSON: one object each, with `change` (`extra`, `missing`, `changed`),
/// the declaration's file, line and column, and changed properties.
pub fn to_json(differences: &[Difference], sources: &Sources) -> serde_json::Value {
    let items = differences.iter().map(|d| {
        let change = match d.change {
            Change::Extra => "extra",
            Change::Missing => "missing",
            Change::Changed(_) => "changed",
        };
        let mut item = serde_json::json!({ "change": change, "kind": d.kind, "name": d.name });
        if let Some((file, line, column)) = d.span.and_then(|s| location(sources, s)) {
            item["file"] = file.into();
            item["line"] = line.into();
            item["column"] = column.into();
        }
        if let Change::Changed(props) = &d.change {
            let props = props.iter().map(|(p, declared, database)| {
                serde_json::json!({ "property": p, "declared": declared, "database": database })
            });
            item["properties"] = serde_json::Value::Array(props.collect());
        }
        item
    });
    serde_json::Value::Array(items.collect())
}

/// Where a span points: (file, line, column); `None` for no place in any file (an object made
/// by strata rather than written, or one read from a database).
fn location(sources: &Sources, span: Span) -> Option<(String, usize, usize)> {
    let (name, _) = sources.files().nth(span.file.0 as usize)?;
    (span != Span::default()).then(|| {
        let (line, column) = sources.line_col(span.file, span.start);
        (name.to_string(), line, column)
    })
}
