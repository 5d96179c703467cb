//! The ER diagram, twice: Mermaid's `erDiagram` (GitHub renders it in Markdown) and Graphviz's
//! DOT (drawn as SVG by `dot`), tables clustered by namespace, foreign keys as edges with their
//! cardinality, partitioned tables marked. A schema too big for one picture is drawn in parts.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

use super::esc;
use crate::model::{ForeignKey, QName, Schema, Table};
use crate::sql::qualified;

/// The most tables one picture holds. Graphviz's layout time grows steeply past it (measured on
/// tables that each reference a hub table and two others: 50 drew in 0.9 s, 80 in 3.1 s, 100 in
/// 85 s), and a bigger picture cannot be read anyway.
pub const MOST_TABLES: usize = 50;

/// One picture of the diagram: its tables, and its name when the schema needs several.
pub struct Part<'s> {
    /// Empty for the one picture of a schema that fits in one; else `namespace-N`.
    pub name: String,
    pub tables: Vec<&'s Table>,
    /// The foreign keys of `tables`, in the schema's order.
    edges: Vec<Edge<'s>>,
}

/// A foreign key drawn: its table, it, the table it references, and the picture that draws
/// the table it references when this one does not (a dashed box linking there stands for it).
struct Edge<'s> {
    child: &'s Table,
    fk: &'s ForeignKey,
    parent: &'s Table,
    cardinality: Cardinality,
    /// The picture holding the end that is not in this one.
    elsewhere: Option<String>,
}

impl Part<'_> {
    /// The SVG's file name, beside the dictionary.
    pub fn file(&self) -> String {
        if self.name.is_empty() { "er.svg".to_string() } else { format!("er-{}.svg", self.name) }
    }
}

/// The pictures: the whole schema when it has at most `MOST_TABLES` tables; else each namespace
/// in as few parts as fit, of even size, each a neighbourhood: tables taken in the order a walk
/// along foreign keys (both ways) from the first table not yet drawn reaches them.
pub fn parts(schema: &Schema) -> Vec<Part<'_>> {
    if schema.tables.len() <= MOST_TABLES {
        let edges = edges(schema).map(|(child, fk, parent, cardinality)| Edge {
            child,
            fk,
            parent,
            cardinality,
            elsewhere: None,
        });
        return vec![Part { name: String::new(), tables: schema.tables.iter().collect(), edges: edges.collect() }];
    }
    let mut namespaces: Vec<&str> = schema.tables.iter().map(|t| t.namespace.as_str()).collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    let mut parts = Vec::new();
    for ns in namespaces {
        let tables: Vec<&Table> = schema.tables.iter().filter(|t| t.namespace == ns).collect();
        let at: HashMap<QName, usize> = tables.iter().enumerate().map(|(i, t)| (t.qname(), i)).collect();
        let mut near = vec![Vec::new(); tables.len()];
        for (i, t) in tables.iter().enumerate() {
            for j in t.foreign_keys.iter().filter_map(|fk| at.get(&fk.ref_table.qname())) {
                near[i].push(*j);
                near[*j].push(i);
            }
        }
        let count = tables.len().div_ceil(MOST_TABLES);
        let size = tables.len().div_ceil(count);
        let mut seen = vec![false; tables.len()];
        let mut walk = Vec::with_capacity(tables.len());
        for start in 0..tables.len() {
            if std::mem::replace(&mut seen[start], true) {
                continue;
            }
            let mut queue = VecDeque::from([start]);
            while let Some(i) = queue.pop_front() {
                walk.push(tables[i]);
                for &j in &near[i] {
                    if !std::mem::replace(&mut seen[j], true) {
                        queue.push_back(j);
                    }
                }
            }
        }
        for (n, chunk) in walk.chunks(size).enumerate() {
            parts.push(Part { name: format!("{}-{}", word(ns), n + 1), tables: chunk.to_vec(), edges: Vec::new() });
        }
    }
    let part_of: HashMap<QName, usize> =
        parts.iter().enumerate().flat_map(|(p, part)| part.tables.iter().map(move |t| (t.qname(), p))).collect();
    // A foreign key is drawn in its table's picture only: a table referenced from everywhere
    // (a tenant, a user) would otherwise bring every other picture's tables into its own.
    let files: Vec<String> = parts.iter().map(Part::file).collect();
    for (child, fk, parent, cardinality) in edges(schema) {
        let (a, b) = (part_of[&child.qname()], part_of[&parent.qname()]);
        let elsewhere = (a != b).then(|| files[b].clone());
        parts[a].edges.push(Edge { child, fk, parent, cardinality, elsewhere });
    }
    parts
}

/// How many rows of the child one parent row has, and whether a child row must have a parent.
#[derive(Clone, Copy)]
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

/// The Mermaid of a picture; a table another picture draws is a box without columns.
pub fn mermaid(schema: &Schema, part: &Part) -> String {
    let mut out = String::from("erDiagram\n");
    for t in &part.tables {
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
    for Edge { child: t, fk, parent, cardinality: c, .. } in &part.edges {
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

/// The DOT of a picture; a table another picture draws is a dashed box linking to it.
pub fn dot(schema: &Schema, part: &Part) -> String {
    let mut out = format!("digraph {} {{\n", id(&schema.name));
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12];\n");
    out.push_str("  node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, dir=both];\n");
    let mut namespaces: Vec<&str> = part.tables.iter().map(|t| t.namespace.as_str()).collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    for ns in namespaces {
        writeln!(out, "  subgraph {} {{\n    label={};", id(&format!("cluster_{ns}")), id(ns)).unwrap();
        for t in part.tables.iter().filter(|t| t.namespace == ns) {
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
    let mut referred: Vec<(&Table, &str)> = Vec::new();
    for e in &part.edges {
        let Some(file) = &e.elsewhere else { continue };
        if !referred.iter().any(|(t, _)| std::ptr::eq(*t, e.parent)) {
            referred.push((e.parent, file));
        }
    }
    for (t, file) in referred {
        let name = qualified(&t.namespace, &t.name);
        writeln!(
            out,
            "  {} [shape=box, style=dashed, label={}, URL={}];",
            id(&name),
            id(&format!("{name} ({file})")),
            id(file)
        )
        .unwrap();
    }
    for Edge { child: t, fk, parent, cardinality: c, .. } in &part.edges {
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
