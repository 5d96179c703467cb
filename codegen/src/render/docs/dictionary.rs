//! The data dictionary: what a reader needs of each object, in words, once for both printers
//! (Markdown, HTML). Rules say where they are enforced: the database (a CHECK), the application
//! (the Rust target's validation), or both.

use crate::model::{CheckOrigin, Column, FkAction, PartitionMethod, PolicyCommand, Schema, Table};
use crate::sql::qualified;

/// One table's entry.
pub struct TableEntry {
    /// As SQL names it (`archive.runs`, `orders`).
    pub name: String,
    pub doc: Option<String>,
    /// Partitioning, retention, upkeep; row-level security and its policies; in sentences.
    pub notes: Vec<String>,
    pub columns: Vec<ColumnEntry>,
    /// (kind, name, definition): primary key, unique, check, foreign key, exclusion, index, trigger.
    pub objects: Vec<(&'static str, String, String)>,
}

pub struct ColumnEntry {
    pub name: String,
    pub ty: String,
    pub null: bool,
    pub default: Option<String>,
    pub doc: Option<String>,
    /// Each rule with where it is enforced.
    pub rules: Vec<String>,
}

/// A whole system's dictionary.
pub struct Dictionary {
    pub name: String,
    pub doc: Option<String>,
    pub namespaces: Vec<(String, Option<String>)>,
    pub tables: Vec<TableEntry>,
    /// (kind, name, description) of views, functions, union types, roles and grants.
    pub others: Vec<(&'static str, String, String)>,
}

pub fn dictionary(schema: &Schema) -> Dictionary {
    let mut namespaces: Vec<(String, Option<String>)> =
        schema.namespaces.iter().map(|n| (n.name.clone(), n.doc.clone())).collect();
    if !namespaces.iter().any(|(n, _)| *n == schema.namespace) {
        namespaces.insert(0, (schema.namespace.clone(), None));
    }
    let tables = schema.tables.iter().map(|t| table(schema, t)).collect();
    let mut others = Vec::new();
    for e in &schema.enums {
        let values = e.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
        others.push(("union type", qualified(&e.namespace, &e.name), described(&e.doc, &format!("one of {values}"))));
    }
    for v in &schema.views {
        let kind = if v.materialized { "materialized view" } else { "view" };
        others.push((kind, qualified(&v.namespace, &v.name), v.doc.clone().unwrap_or_default()));
    }
    for f in &schema.functions {
        let signature = format!("{}({})", qualified(&f.namespace, &f.name), f.args);
        let returns = if f.procedure { "a procedure".to_string() } else { format!("returns {}", f.returns) };
        others.push(("function", signature, described(&f.doc, &returns)));
    }
    for r in &schema.roles {
        others.push(("role", r.name.clone(), r.doc.clone().unwrap_or_default()));
    }
    for g in &schema.grants {
        let sql = crate::render::sql::step_sql(schema, &crate::plan::Step::Grant(g));
        others.push(("grant", String::new(), sql));
    }
    Dictionary { name: schema.name.clone(), doc: schema.doc.clone(), namespaces, tables, others }
}

/// SQL text on one line, its runs of white space one space each.
pub(super) fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn described(doc: &Option<String>, what: &str) -> String {
    match doc {
        Some(doc) => format!("{doc} ({what})"),
        None => what.to_string(),
    }
}

fn table(schema: &Schema, t: &Table) -> TableEntry {
    let mut notes = Vec::new();
    if let Some(p) = &t.partition {
        let method = match p.method {
            PartitionMethod::Range => "range",
            PartitionMethod::List => "list",
            PartitionMethod::Hash => "hash",
        };
        let key: Vec<String> = p.key.iter().map(crate::render::sql::index_target).collect();
        let mut note = format!("Partitioned by {method} of {}", key.join(", "));
        match (&p.premake, p.managed_by.as_deref()) {
            (Some(m), Some(by)) => note.push_str(&format!(
                ", one partition per {} named like `{}`, {} made ahead and {} before (kept by {by})",
                m.interval.unit(),
                m.name.replace("{table}", &t.name),
                m.ahead,
                m.past
            )),
            (None, Some(by)) => note.push_str(&format!(", partitions made by {by}")),
            _ => note.push_str(&format!(", {} partitions declared", p.partitions.len())),
        }
        note.push('.');
        if let Some(r) = &p.retention {
            let action = p.archive.as_ref().map_or("dropped".to_string(), |a| format!("moved to `{a}`"));
            note.push_str(&format!(" Rows are kept {r}; older partitions are {action}."));
        }
        notes.push(note);
    }
    if let Some(rls) = t.rls.as_ref().filter(|r| r.enabled) {
        let force = if rls.force { ", for the table's owner too" } else { "" };
        notes.push(format!("Row-level security is on{force}: a row is seen only through a policy."));
    }
    for p in &t.policies {
        let who = if p.to.is_empty() {
            "everyone".to_string()
        } else {
            p.to.iter().map(|r| format!("`{}`", r.name)).collect::<Vec<_>>().join(", ")
        };
        let what = match p.command {
            PolicyCommand::All => "every command".to_string(),
            c => c.sql().to_string(),
        };
        let mut s = format!(
            "Policy `{}` ({}) lets {who} run {what}",
            p.name,
            if p.permissive { "permissive" } else { "restrictive" }
        );
        if let Some(u) = &p.using {
            s.push_str(&format!(" on rows where `{}`", one_line(&u.sql)));
        }
        if let Some(c) = &p.with_check {
            s.push_str(&format!(", writing rows where `{}`", one_line(&c.sql)));
        }
        s.push('.');
        notes.push(s);
    }
    let columns = t.columns.iter().map(|c| column(schema, t, c)).collect();
    let mut objects = Vec::new();
    let names = |cols: &[crate::model::Named]| cols.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    if let Some(pk) = &t.primary_key {
        objects.push(("primary key", pk.name.clone(), format!("({})", names(&pk.columns))));
    }
    for u in &t.uniques {
        objects.push(("unique", u.name.clone(), format!("({})", names(&u.columns))));
    }
    for c in t.checks.iter().filter(|c| c.origin == CheckOrigin::Declared) {
        objects.push(("check", c.name.clone(), c.expr.sql.trim().to_string()));
    }
    for fk in &t.foreign_keys {
        let mut s = format!(
            "({}) → {}({})",
            names(&fk.columns),
            qualified(&fk.ref_table.namespace, &fk.ref_table.name),
            names(&fk.ref_columns)
        );
        if fk.on_delete != FkAction::NoAction {
            s.push_str(&format!(", on delete {}", fk.on_delete.sql().to_lowercase()));
        }
        objects.push(("foreign key", fk.name.clone(), s));
    }
    for x in &t.exclusions {
        objects.push(("exclusion", x.name.clone(), format!("using {}", x.method)));
    }
    for i in &t.indexes {
        let keys: Vec<String> = i.keys.iter().map(|k| crate::render::sql::index_target(&k.target)).collect();
        let mut s = format!("{}{} ({})", if i.unique { "unique " } else { "" }, i.method, keys.join(", "));
        if let Some(p) = &i.predicate {
            s.push_str(&format!(" where {}", p.sql.trim()));
        }
        objects.push(("index", i.name.clone(), s));
    }
    for tr in &t.triggers {
        let s = format!(
            "{} {} runs {}()",
            tr.timing.sql().to_lowercase(),
            tr.events.join(" or ").to_lowercase(),
            tr.function.name
        );
        objects.push(("trigger", tr.name.clone(), s));
    }
    TableEntry { name: qualified(&t.namespace, &t.name), doc: t.doc.clone(), notes, columns, objects }
}

fn column(schema: &Schema, t: &Table, c: &Column) -> ColumnEntry {
    let mut rules = Vec::new();
    let r = &c.rules;
    if let Some(n) = r.min_length {
        rules.push(format!("at least {n} character{} (database and application)", if n == 1 { "" } else { "s" }));
    }
    if let Some(p) = &r.pattern {
        rules.push(format!("matches `{p}` (database and application)"));
    }
    if let Some(range) = &r.range {
        let (lo, hi) = (range.min.as_deref().unwrap_or("−∞"), range.max.as_deref().unwrap_or("∞"));
        rules.push(format!("from {lo} to {hi} (database and application)"));
    }
    if let Some(f) = &r.format {
        rules.push(format!("a valid {f} (application)"));
    }
    let of_union = t.checks.iter().any(|k| matches!(&k.origin, CheckOrigin::Enum { column } if *column == c.name));
    if of_union {
        rules.push("one of its union type's values (database and application)".into());
    }
    if let Some(fk) = t.foreign_keys.iter().find(|fk| fk.columns.len() == 1 && fk.columns[0].name == c.name) {
        rules.push(format!(
            "refers to {}.{} (database)",
            qualified(&fk.ref_table.namespace, &fk.ref_table.name),
            fk.ref_columns[0].name
        ));
    }
    if c.sensitive {
        rules.push("sensitive: redacted in Debug output and logs (application)".into());
    }
    if let Some(e) = &c.set_on_update {
        rules.push(format!("set to `{}` on every update (database)", e.sql.trim()));
    }
    let default = c.default.as_ref().map(|d| d.sql.trim().to_string());
    let default = match (&c.generated, &c.identity) {
        (Some(g), _) => Some(format!("generated: {}", g.sql.trim())),
        (_, Some(i)) => Some(format!("identity ({})", if i.always { "always" } else { "by default" })),
        _ => default,
    };
    ColumnEntry {
        name: c.name.clone(),
        ty: schema.sql_type(&c.ty),
        null: c.nullable,
        default,
        doc: c.doc.clone(),
        rules,
    }
}
