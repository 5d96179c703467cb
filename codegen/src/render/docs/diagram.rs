//! The ER diagram, twice: Mermaid's `erDiagram` (GitHub renders it in Markdown) and Graphviz's
//! DOT (drawn as SVG by `dot`), tables clustered by namespace, foreign keys as edges with their
//! cardinality, partitioned tables marked.

use std::fmt::Write as _;

use super::esc;
use crate::model::{ForeignKey, Schema, Table};
use crate::sql::qualified;

/// How many rows of the child one parent row has, and whether a child row must have a parent.
struct Cardinality {
    /// The foreign key's columns are a unique key of the child: at most one child per parent.
    one: bool,
    /// Some of its columns are nullable: a child row may have no parent.
    optional: bool,
}

/// Each foreign key whose target is declared: (its table, it, the target, the cardinality).
fn edges(schema: &Schema) -> impl Iterator<Item = (&Table, &ForeignKey, &Table, Cardinality)> {
    schema.tables.iter().flat_map(move |t| {
        t.foreign_keys
            .iter()
            .filter_map(move |fk| Some((t, fk, schema.table(&fk.ref_table.qname())?, cardinality(t, fk))))
    })
}

fn cardinality(t: &Table, fk: &ForeignKey) -> Cardinality {
    let columns: Vec<&str> = fk.columns.iter().map(|c| c.name.as_str()).collect();
    let optional = columns.iter().any(|c| t.column(c).is_some_and(|c| c.nullable));
    Cardinality { one: t.has_unique_key(&columns), optional }
}

/// A Mermaid identifier: letters, digits and `_` (a namespace joined by `__`).
fn mermaid_id(t: &Table, schema: &Schema) -> String {
    let name = if t.namespace == schema.namespace { t.name.clone() } else { format!("{}__{}", t.namespace, t.name) };
    word(&name)
}

fn word(s: &str) -> String {
    let s = s.replace("[]", "_array");
    let w: String = s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    w.trim_end_matches('_').to_string()
}

pub fn mermaid(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    for t in &schema.tables {
        writeln!(out, "    {} {{", mermaid_id(t, schema)).unwrap();
        let pk: Vec<&str> = t.primary_key.iter().flat_map(|p| &p.columns).map(|c| c.name.as_str()).collect();
        for c in &t.columns {
            let fk = t.foreign_keys.iter().any(|f| f.columns.iter().any(|k| k.name == c.name));
            let mut keys = Vec::new();
            if pk.contains(&c.name.as_str()) {
                keys.push("PK");
            }
            if fk {
                keys.push("FK");
            }
            if t.has_unique_key(&[c.name.as_str()]) && !pk.contains(&c.name.as_str()) {
                keys.push("UK");
            }
            let keys = if keys.is_empty() { String::new() } else { format!(" {}", keys.join(",")) };
            writeln!(out, "        {} {}{keys}", word(&schema.sql_type(&c.ty)), word(&c.name)).unwrap();
        }
        out.push_str("    }\n");
    }
    for (t, fk, parent, c) in edges(schema) {
        let left = if c.optional { "|o" } else { "||" };
        let right = if c.one { "o|" } else { "o{" };
        let (p, ch) = (mermaid_id(parent, schema), mermaid_id(t, schema));
        writeln!(out, "    {p} {left}--{right} {ch} : \"{}\"", fk.name).unwrap();
    }
    out
}

/// A DOT identifier: always quoted.
fn id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn dot(schema: &Schema) -> String {
    let mut out = format!("digraph {} {{\n", id(&schema.name));
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12];\n");
    out.push_str("  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, dir=both];\n");
    let mut namespaces: Vec<&str> = schema.tables.iter().map(|t| t.namespace.as_str()).collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    for ns in namespaces {
        writeln!(out, "  subgraph {} {{\n    label={};", id(&format!("cluster_{ns}")), id(ns)).unwrap();
        for t in schema.tables.iter().filter(|t| t.namespace == ns) {
            let partitioned = t.partition.is_some();
            let title = if partitioned { format!("{} (partitioned)", t.name) } else { t.name.clone() };
            let color = if partitioned { "#fde9c9" } else { "#dbe8f7" };
            let mut label = format!(
                "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><td bgcolor=\"{color}\" colspan=\"2\"><b>{}</b></td></tr>",
                esc(&title)
            );
            for c in &t.columns {
                write!(
                    label,
                    "<tr><td align=\"left\">{}</td><td align=\"left\">{}</td></tr>",
                    esc(&c.name),
                    esc(&schema.sql_type(&c.ty))
                )
                .unwrap();
            }
            label.push_str("</table>");
            writeln!(out, "    {} [label=<{label}>];", id(&qualified(&t.namespace, &t.name))).unwrap();
        }
        out.push_str("  }\n");
    }
    for (t, fk, parent, c) in edges(schema) {
        // Crow's foot: the child's end says how many, the parent's end whether one is needed.
        let head = if c.optional { "teeodot" } else { "teetee" };
        let tail = if c.one { "teeodot" } else { "crowodot" };
        writeln!(
            out,
            "  {} -> {} [label={}, arrowhead={head}, arrowtail={tail}];",
            id(&qualified(&t.namespace, &t.name)),
            id(&qualified(&parent.namespace, &parent.name)),
            id(&fk.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "))
        )
        .unwrap();
    }
    out.push_str("}\n");
    out
}

/// The DOT drawn as SVG by Graphviz's `dot` (Debian: graphviz).
pub fn svg(dot: &str) -> std::io::Result<String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot").arg("-Tsvg").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot run Graphviz's `dot` for the ER diagram ({e}); install graphviz (Debian: apt-get install graphviz)"))
    })?;
    child.stdin.take().expect("piped").write_all(dot.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(std::io::Error::other(format!("dot failed on the ER diagram: {why}")));
    }
    String::from_utf8(output.stdout).map_err(std::io::Error::other)
}
