//! Rust names for SQL names: `agent_credentials` → `AgentCredential`, `type` → `r#type`. Used by
//! the Rust target, and by the Rust source and the checks, which must agree with it.

/// Names the generated code uses for crates (`USES`, `strata`, `std`): a namespace's module
/// must not take one.
pub const CRATE_NAMES: &[&str] =
    &["chrono", "core", "postgres", "regex", "rust_decimal", "serde", "serde_json", "std", "strata", "uuid"];

/// Rust's keywords, strict and reserved: a field of one of these names is written raw. (A
/// `match`, as this runs for every name the generator writes; none is longer than 8 bytes or
/// holds `_`, which rules out most names before any comparison.)
fn is_keyword(s: &str) -> bool {
    if s.len() > 8 || s.contains('_') {
        return false;
    }
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "try"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
    )
}

/// A field or function name: snake case, keywords raw (`r#type`).
pub fn field(name: &str) -> std::borrow::Cow<'_, str> {
    // Most SQL names are snake case already: the generator asks for them again and again.
    let plain = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('_')
        && !name.contains("__");
    if plain && !is_keyword(name) && !matches!(name, "self" | "super" | "crate") {
        return name.into();
    }
    let snake = snake(name);
    match snake.as_str() {
        "self" | "super" | "crate" | "Self" => format!("{snake}_").into(),
        s if is_keyword(s) => format!("r#{s}").into(),
        _ => snake.into(),
    }
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() { format!("_{out}") } else { out }
}

/// A module name for a namespace: snake case, keywords raw.
pub fn module(namespace: &str) -> String {
    field(namespace).into_owned()
}

/// A type name: UpperCamelCase.
pub fn type_name(name: &str) -> String {
    let camel: String = snake(name)
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next().map(|c| c.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
        })
        .collect();
    if camel.starts_with(|c: char| c.is_ascii_digit()) || camel.is_empty() { format!("T{camel}") } else { camel }
}

/// The row type of a table: its name in the singular.
pub fn row_type(table: &str) -> String {
    type_name(&singular(table))
}

fn singular(name: &str) -> String {
    let (head, last) = name.rsplit_once('_').map_or(("", name), |(h, l)| (h, l));
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "uses", "xes", "ches", "shes"].iter().any(|e| last.ends_with(e)) {
        last[..last.len() - 2].to_string()
    } else if last.ends_with("ss") || last.ends_with("us") || !last.ends_with('s') {
        last.to_string()
    } else {
        last[..last.len() - 1].to_string()
    };
    if head.is_empty() { one } else { format!("{head}_{one}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(row_type("agent_credentials"), "AgentCredential");
        assert_eq!(row_type("data_retention_policies"), "DataRetentionPolicy");
        assert_eq!(row_type("replication_status"), "ReplicationStatus");
        assert_eq!(row_type("messages"), "Message");
        assert_eq!(row_type("kpis"), "Kpi");
        assert_eq!(row_type("task_statuses"), "TaskStatus");
        assert_eq!(row_type("audit_log"), "AuditLog");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("Select"), "select");
        assert_eq!(field("group by"), "group_by");
        assert_eq!(type_name("P0"), "P0");
        assert_eq!(type_name("in_progress"), "InProgress");
    }
}
