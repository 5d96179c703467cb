//! TOML surface syntax -> `Schema`, in one pass over spanned values.
//!
//! Only the shape of the input is checked here (keys, value types, lists);
//! what the names mean (references, duplicates, expressions) is the job of `check/`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use toml::de::{DeTable, DeValue};

use super::walk::{Value, Walker, span_of};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::model::TypeError;
use crate::model::calendar::{Date, Interval};
use crate::model::*;

const TOP_KEYS: &[&str] =
    &["schema", "mixins", "enums", "shapes", "tables", "roles", "grants", "functions", "views", "jobs"];
const SHAPE_KEYS: &[&str] = &["fields", "doc"];
const SHAPE_FIELD_KEYS: &[&str] = &["type", "optional", "default", "range", "doc"];
const JOB_KEYS: &[&str] = &["schedule", "command"];
const FUNCTION_KEYS: &[&str] =
    &["args", "returns", "language", "volatility", "security_definer", "search_path", "body", "doc"];
const VIEW_KEYS: &[&str] = &["query", "materialized", "indexes", "doc"];
const TRIGGER_KEYS: &[&str] = &["name", "timing", "events", "for_each", "when", "function"];
const VOLATILITY: [(&str, &str); 3] = [("immutable", "IMMUTABLE"), ("stable", "STABLE"), ("volatile", "VOLATILE")];
const ROLE_KEYS: &[&str] = &["login", "inherit", "member_of", "doc"];
const GRANT_KEYS: &[&str] = &["privileges", "on", "tables", "to"];
const RLS_KEYS: &[&str] = &["enabled", "force", "tenant", "setting", "to"];
const POLICY_KEYS: &[&str] = &["name", "as", "for", "to", "using", "with_check"];
const SCHEMA_KEYS: &[&str] = &["name", "postgres", "extensions", "doc"];
const ENUM_KEYS: &[&str] = &["values", "as", "type", "doc"];
const MIXIN_KEYS: &[&str] = &["columns", "mixins", "doc"];
const TABLE_KEYS: &[&str] = &[
    "doc",
    "mixins",
    "soft_delete",
    "columns",
    "primary_key",
    "unique",
    "checks",
    "indexes",
    "foreign_keys",
    "partition",
    "rls",
    "policies",
    "triggers",
    "rows",
];
const PARTITION_KEYS: &[&str] =
    &["by", "key", "interval", "from", "count", "name", "default", "modulus", "retention", "managed_by", "partitions"];
const PARTITION_ITEM_KEYS: &[&str] = &["name", "from", "to", "values", "modulus", "remainder", "default"];
const COLUMN_KEYS: &[&str] = &[
    "type",
    "nullable",
    "primary_key",
    "unique",
    "default",
    "generated",
    "references",
    "on_delete",
    "on_update",
    "check",
    "doc",
    "sensitive",
    "pattern",
    "min_length",
    "range",
    "format",
    "on_update",
    "shape",
];
const UNIQUE_KEYS: &[&str] = &["columns", "nulls_not_distinct"];
const CHECK_KEYS: &[&str] = &["name", "expr"];
const INDEX_KEYS: &[&str] = &["name", "columns", "using", "unique", "where", "include", "with"];
const INDEX_KEY_KEYS: &[&str] = &["column", "expr", "order", "nulls", "opclass"];
const FK_KEYS: &[&str] = &["name", "columns", "references", "on_delete", "on_update"];
const FORMATS: &[(&str, &str)] = &[("email", "email"), ("url", "url")];

/// One parsed file of a schema folder.
pub struct File<'i> {
    pub id: FileId,
    pub root: toml::Spanned<DeTable<'i>>,
}

/// A declaration gathered from any file, read once every file is known.
struct Decl<'a, 'i> {
    file: FileId,
    name: String,
    span: Span,
    value: &'a Value<'i>,
}

/// Lowers every file of one schema folder into a single `Schema`.
pub fn lower(files: &[File<'_>], diags: &mut Diagnostics) -> Schema {
    let mut schema_section = None;
    let (mut mixins, mut enums, mut tables, mut roles) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut shapes = Vec::new();
    let (mut functions, mut views, mut jobs): (Vec<Decl>, Vec<Decl>, Vec<Decl>) = (Vec::new(), Vec::new(), Vec::new());
    let mut grants = Vec::new();
    let mut seen: HashMap<(&str, String), Span> = HashMap::new();
    for file in files {
        let mut w = Walker { file: file.id, diags };
        let top = w.fields(file.root.get_ref(), TOP_KEYS);
        if let Some(v) = top.get("schema") {
            match &schema_section {
                Some((_, first)) => w.report(Diagnostic::duplicate("[schema] section", "schema", w.span(v), *first)),
                None => schema_section = Some(((file.id, v), w.span(v))),
            }
        }
        for item in top.get("grants").and_then(|g| w.array("grants", g)).unwrap_or_default() {
            grants.extend(lower_grant(&mut w, item));
        }
        let sections = [
            ("mixins", &mut mixins),
            ("enums", &mut enums),
            ("shapes", &mut shapes),
            ("tables", &mut tables),
            ("roles", &mut roles),
            ("functions", &mut functions),
            ("views", &mut views),
            ("jobs", &mut jobs),
        ];
        for (key, list) in sections {
            let Some(section) = top.get(key) else { continue };
            let Some(section) = w.table(key, section) else { continue };
            for (name, value) in section.iter() {
                let span = w.span(name);
                let name = name.get_ref().to_string();
                match seen.entry((key, name.clone())) {
                    Entry::Occupied(first) => {
                        let kind = &key[..key.len() - 1];
                        w.report(Diagnostic::duplicate(kind, &name, span, *first.get()));
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(span);
                        list.push(Decl { file: file.id, name, span, value });
                    }
                }
            }
        }
    }

    let mut schema = Schema {
        name: String::new(),
        postgres: 15,
        doc: None,
        extensions: Vec::new(),
        enums: Vec::new(),
        shapes: Vec::new(),
        tables: Vec::new(),
        roles: Vec::new(),
        grants,
        functions: Vec::new(),
        views: Vec::new(),
        jobs: Vec::new(),
    };
    match schema_section {
        Some(((file, v), span)) => lower_schema_section(&mut Walker { file, diags }, v, span, &mut schema),
        None => {
            let at = files.first().map(|f| Span { file: f.id, start: 0, end: 0 }).unwrap_or_default();
            diags.push(Diagnostic::missing_schema_section(at));
        }
    }
    schema.enums = enums.iter().filter_map(|d| lower_enum(&mut Walker { file: d.file, diags }, d)).collect();
    schema.shapes = shapes.iter().filter_map(|d| lower_shape(&mut Walker { file: d.file, diags }, d)).collect();
    resolve_shape_unions(&mut schema);
    schema.roles = roles.iter().filter_map(|d| lower_role(&mut Walker { file: d.file, diags }, d)).collect();
    schema.functions =
        functions.iter().filter_map(|d| lower_function(&mut Walker { file: d.file, diags }, d)).collect();
    schema.views = views.iter().filter_map(|d| lower_view(&mut Walker { file: d.file, diags }, d)).collect();
    schema.jobs = jobs.iter().filter_map(|d| lower_job(&mut Walker { file: d.file, diags }, d)).collect();
    let mixins = Mixins { decls: &mixins };
    schema.tables = tables.iter().filter_map(|d| lower_table(diags, d, &mixins)).collect();
    resolve_enum_columns(&mut schema);
    resolve_foreign_key_targets(&mut schema);
    derive_on_update_triggers(&mut schema);
    derive_retention_helper(&mut schema);
    schema
}

/// A shape field's type that names a union type (not a shape) is that union.
fn resolve_shape_unions(schema: &mut Schema) {
    fn resolve(ty: &mut ShapeType, enums: &[Enum]) {
        match ty {
            ShapeType::Shape(name) if enums.iter().any(|e| e.name == *name) => *ty = ShapeType::Union(name.clone()),
            ShapeType::List(inner) | ShapeType::Map(inner) => resolve(inner, enums),
            _ => {}
        }
    }
    for shape in &mut schema.shapes {
        for f in &mut shape.fields {
            resolve(&mut f.ty, &schema.enums);
        }
    }
}

/// With any retention declared, `strata_expired_partitions()` lists the range partitions whose
/// upper bound is older than their table's retention: what an archival job may detach or drop.
fn derive_retention_helper(schema: &mut Schema) {
    use crate::render::sql::literal;
    let retained: Vec<String> = schema
        .tables
        .iter()
        .filter_map(|t| {
            let p = t.partition.as_ref().filter(|p| p.method == PartitionMethod::Range)?;
            let r = p.retention.as_ref()?;
            Some(format!("({}, interval {})", literal(&t.name), literal(r)))
        })
        .collect();
    let Some(span) =
        schema.tables.iter().find_map(|t| t.partition.as_ref().filter(|p| p.retention.is_some())).map(|p| p.span)
    else {
        return;
    };
    let body = format!(
        "\nSELECT h.inhparent::regclass, h.inhrelid::regclass, r.retention\n\
         FROM pg_inherits h\n\
         JOIN pg_class c ON c.oid = h.inhrelid\n\
         JOIN (VALUES {}) AS r (parent, retention) ON h.inhparent = r.parent::regclass\n\
         WHERE (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= now() - r.retention\n\
         ORDER BY 1, 2\n",
        retained.join(", ")
    );
    schema.functions.push(Function {
        name: "strata_expired_partitions".into(),
        args: String::new(),
        returns: "TABLE(parent regclass, partition regclass, retention interval)".into(),
        language: "sql".into(),
        volatility: Some("STABLE".into()),
        security_definer: false,
        search_path: None,
        body,
        doc: Some("Range partitions past their table's retention (strata: partition.retention).".into()),
        span,
    });
}

fn lower_function(w: &mut Walker, d: &Decl) -> Option<Function> {
    let t = w.table("function", d.value)?;
    let f = w.fields(t, FUNCTION_KEYS);
    let within = format!("function `{}`", d.name);
    let returns = require(w, &f.get("returns"), "returns", &within, d.value)?;
    let body = require(w, &f.get("body"), "body", &within, d.value)?;
    Some(Function {
        name: d.name.clone(),
        args: f.get("args").and_then(|v| w.string("args", v)).unwrap_or_default(),
        returns: w.string("returns", returns)?,
        language: f.get("language").and_then(|v| w.string("language", v)).unwrap_or("sql".into()).to_ascii_lowercase(),
        volatility: f.get("volatility").and_then(|v| w.choice("volatility", v, &VOLATILITY)).map(str::to_string),
        security_definer: f.get("security_definer").and_then(|v| w.boolean("security_definer", v)).unwrap_or(false),
        search_path: f.get("search_path").and_then(|v| w.string("search_path", v)),
        body: w.string("body", body)?,
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

fn lower_job(w: &mut Walker, d: &Decl) -> Option<Job> {
    let t = w.table("job", d.value)?;
    let f = w.fields(t, JOB_KEYS);
    let within = format!("job `{}`", d.name);
    let schedule = require(w, &f.get("schedule"), "schedule", &within, d.value)?;
    let command = require(w, &f.get("command"), "command", &within, d.value)?;
    Some(Job {
        name: d.name.clone(),
        schedule: w.string("schedule", schedule)?,
        command: expr_of(w, "command", command)?,
        span: d.span,
    })
}

fn lower_view(w: &mut Walker, d: &Decl) -> Option<View> {
    let t = w.table("view", d.value)?;
    let f = w.fields(t, VIEW_KEYS);
    let query = require(w, &f.get("query"), "query", &format!("view `{}`", d.name), d.value)?;
    let indexes = f.get("indexes").and_then(|v| w.array("indexes", v)).unwrap_or_default();
    Some(View {
        name: d.name.clone(),
        query: expr_of(w, "query", query)?,
        materialized: f.get("materialized").and_then(|v| w.boolean("materialized", v)).unwrap_or(false),
        indexes: indexes.iter().filter_map(|i| lower_index(w, &d.name, i)).collect(),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

fn lower_trigger(w: &mut Walker, item: &Value) -> Option<Trigger> {
    let t = w.table("triggers", item)?;
    let f = w.fields(t, TRIGGER_KEYS);
    let name = require(w, &f.get("name"), "name", "a trigger", item)?;
    let timing = require(w, &f.get("timing"), "timing", "a trigger", item)?;
    let events = require(w, &f.get("events"), "events", "a trigger", item)?;
    let function = require(w, &f.get("function"), "function", "a trigger", item)?;
    let for_each_row = match f.get("for_each") {
        Some(v) => w.choice("for_each", v, &[("row", true), ("statement", false)])?,
        None => true,
    };
    Some(Trigger {
        name: w.string("name", name)?,
        timing: w.choice("timing", timing, &TriggerTiming::ALL)?,
        events: w.strings("events", events)?.into_iter().map(|e| e.name.to_ascii_uppercase()).collect(),
        for_each_row,
        when: f.get("when").and_then(|v| expr_of(w, "when", v)),
        function: w.named("function", function)?,
        span: w.span(item),
    })
}

/// A seed row: each value a TOML scalar turned into a SQL literal (strings quoted).
fn lower_row(w: &mut Walker, item: &Value) -> Option<SeedRow> {
    let t = w.table("rows", item)?;
    let mut values = Vec::new();
    for (key, v) in t.iter() {
        let literal = match v.get_ref() {
            DeValue::String(_) => w.string(key.get_ref(), v).map(|s| crate::render::sql::literal(&s)),
            DeValue::Boolean(b) => Some(b.to_string()),
            DeValue::Integer(_) | DeValue::Float(_) => w.number(key.get_ref(), v),
            _ => {
                w.string(key.get_ref(), v);
                None
            }
        };
        values.push((Named { name: key.get_ref().to_string(), span: w.span(v) }, literal?));
    }
    Some(SeedRow { values, span: w.span(item) })
}

/// `on_update = "now()"`: one shared trigger function per column name and expression, and one
/// BEFORE UPDATE trigger per table that uses it.
fn derive_on_update_triggers(schema: &mut Schema) {
    let mut made: Vec<(String, String, String)> = Vec::new(); // (column, expression, function)
    for table in &mut schema.tables {
        for column in &table.columns {
            let Some(expr) = &column.on_update else { continue };
            let function = match made.iter().find(|(c, e, _)| *c == column.name && *e == expr.sql) {
                Some((_, _, f)) => f.clone(),
                None => {
                    let n = made.iter().filter(|(c, _, _)| *c == column.name).count();
                    let name =
                        if n == 0 { format!("set_{}", column.name) } else { format!("set_{}_{}", column.name, n + 1) };
                    let target = crate::render::sql::ident(&column.name);
                    schema.functions.push(Function {
                        name: name.clone(),
                        args: String::new(),
                        returns: "trigger".into(),
                        language: "plpgsql".into(),
                        volatility: None,
                        security_definer: false,
                        search_path: None,
                        body: format!("\nBEGIN\n    NEW.{target} = {};\n    RETURN NEW;\nEND;\n", expr.sql),
                        doc: Some(format!("Sets {} on every UPDATE (strata: on_update).", column.name)),
                        span: expr.span,
                    });
                    made.push((column.name.clone(), expr.sql.clone(), name.clone()));
                    name
                }
            };
            table.triggers.push(Trigger {
                name: format!("{}_set_{}", table.name, column.name),
                timing: TriggerTiming::Before,
                events: vec!["UPDATE".into()],
                for_each_row: true,
                when: None,
                function: Named { name: function, span: expr.span },
                span: expr.span,
            });
        }
    }
}

fn lower_role(w: &mut Walker, d: &Decl) -> Option<Role> {
    let t = w.table("role", d.value)?;
    let f = w.fields(t, ROLE_KEYS);
    Some(Role {
        name: d.name.clone(),
        login: f.get("login").and_then(|v| w.boolean("login", v)).unwrap_or(false),
        inherit: f.get("inherit").and_then(|v| w.boolean("inherit", v)).unwrap_or(true),
        member_of: f.get("member_of").and_then(|v| w.strings("member_of", v)).unwrap_or_default(),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

const GRANT_TARGETS: [(&str, Option<GrantOn>); 5] = [
    ("schema", Some(GrantOn::Schema)),
    ("all tables", Some(GrantOn::AllTables)),
    ("all sequences", Some(GrantOn::AllSequences)),
    ("all functions", Some(GrantOn::AllFunctions)),
    ("tables", None),
];

fn lower_grant(w: &mut Walker, item: &Value) -> Option<Grant> {
    let t = w.table("grants", item)?;
    let f = w.fields(t, GRANT_KEYS);
    let privileges = require(w, &f.get("privileges"), "privileges", "a grant", item)?;
    let privileges: Vec<String> =
        w.strings("privileges", privileges)?.into_iter().map(|p| p.name.to_ascii_uppercase()).collect();
    let on = match (f.get("on"), f.get("tables")) {
        (_, Some(tables)) => GrantOn::Tables(w.strings("tables", tables)?),
        (Some(on), None) => {
            let targets: Vec<(&str, Option<GrantOn>)> = GRANT_TARGETS.to_vec();
            let choices: Vec<(&str, usize)> = targets.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
            let i = w.choice("on", on, &choices)?;
            targets[i].1.clone()?
        }
        (None, None) => {
            w.report(Diagnostic::missing_key("on", "a grant (or list `tables`)", w.span(item)));
            return None;
        }
    };
    let to = require(w, &f.get("to"), "to", "a grant", item)?;
    let to = w.strings("to", to)?;
    Some(Grant { privileges, on, to, span: w.span(item) })
}

fn lower_rls(w: &mut Walker, v: &Value) -> Option<Rls> {
    let t = w.table("rls", v)?;
    let f = w.fields(t, RLS_KEYS);
    Some(Rls {
        enabled: f.get("enabled").and_then(|x| w.boolean("enabled", x)).unwrap_or(true),
        force: f.get("force").and_then(|x| w.boolean("force", x)).unwrap_or(true),
        tenant: f.get("tenant").and_then(|x| w.named("tenant", x)),
        setting: f.get("setting").and_then(|x| w.string("setting", x)).unwrap_or("app.current_tenant_id".into()),
        tenant_roles: f.get("to").and_then(|x| w.strings("to", x)).unwrap_or_default(),
        span: w.span(v),
    })
}

/// The tenant shorthand's policy: rows are visible and writable only under the current tenant.
/// An unset or empty setting matches nothing, so a connection that forgot to set it sees no rows.
fn tenant_policy(table: &Table) -> Option<Policy> {
    let rls = table.rls.as_ref()?;
    let tenant = rls.tenant.as_ref()?;
    let ty = table.column(&tenant.name).map_or("uuid".to_string(), |c| c.ty.to_string());
    let current = format!("NULLIF(current_setting({}, true), '')", crate::render::sql::literal(&rls.setting));
    let expr =
        Expr { sql: format!("{} = {current}::{ty}", crate::render::sql::ident(&tenant.name)), span: tenant.span };
    Some(Policy {
        name: "tenant_isolation".to_string(),
        permissive: true,
        command: PolicyCommand::All,
        to: rls.tenant_roles.clone(),
        using: Some(expr.clone()),
        with_check: Some(expr),
        span: tenant.span,
    })
}

fn lower_policy(w: &mut Walker, item: &Value) -> Option<Policy> {
    let t = w.table("policies", item)?;
    let f = w.fields(t, POLICY_KEYS);
    let name = require(w, &f.get("name"), "name", "a policy", item)?;
    let name = w.string("name", name)?;
    let permissive = match f.get("as") {
        Some(v) => w.choice("as", v, &[("permissive", true), ("restrictive", false)])?,
        None => true,
    };
    let command = match f.get("for") {
        Some(v) => w.choice("for", v, &PolicyCommand::ALL)?,
        None => PolicyCommand::All,
    };
    Some(Policy {
        name,
        permissive,
        command,
        to: f.get("to").and_then(|v| w.strings("to", v)).unwrap_or_default(),
        using: f.get("using").and_then(|v| expr_of(w, "using", v)),
        with_check: f.get("with_check").and_then(|v| expr_of(w, "with_check", v)),
        span: w.span(item),
    })
}

fn lower_schema_section(w: &mut Walker, v: &Value, span: Span, schema: &mut Schema) {
    let Some(t) = w.table("schema", v) else { return };
    let f = w.fields(t, SCHEMA_KEYS);
    match f.get("name") {
        Some(v) => schema.name = w.string("name", v).unwrap_or_default(),
        None => w.report(Diagnostic::missing_schema_section(span)),
    }
    if let Some(v) = f.get("postgres") {
        schema.postgres = w.count("postgres", v).unwrap_or(15);
    }
    if let Some(v) = f.get("extensions") {
        schema.extensions = w.strings("extensions", v).unwrap_or_default();
    }
    schema.doc = f.get("doc").and_then(|v| w.string("doc", v));
}

fn lower_enum(w: &mut Walker, d: &Decl) -> Option<Enum> {
    let t = w.table("enum", d.value)?;
    let f = w.fields(t, ENUM_KEYS);
    let mut values: Vec<String> = Vec::new();
    match f.get("values") {
        Some(v) => {
            for item in w.strings("values", v).unwrap_or_default() {
                if values.contains(&item.name) {
                    w.report(Diagnostic::duplicate_enum_value(&item.name, item.span));
                } else {
                    values.push(item.name);
                }
            }
            if values.is_empty() {
                w.report(Diagnostic::empty_list("values", w.span(v)));
            }
        }
        None => w.report(Diagnostic::missing_key("values", &format!("union type `{}`", d.name), d.span)),
    }
    let as_type = match f.get("as") {
        Some(v) => w.choice("as", v, &[("check", false), ("type", true)]).unwrap_or(false),
        None => false,
    };
    let repr = if as_type {
        EnumRepr::Type
    } else {
        let storage = f.get("type").and_then(|v| parse_type(w, v)).unwrap_or(ColumnType::Scalar(Scalar::Text));
        EnumRepr::Check { storage }
    };
    let doc = f.get("doc").and_then(|v| w.string("doc", v));
    Some(Enum { name: d.name.clone(), values, repr, doc, span: d.span })
}

/// `range = [min, max]`, inclusive, with min <= max.
fn lower_range(w: &mut Walker, name: &str, v: &Value) -> Option<Range> {
    let bounds = w.array("range", v).unwrap_or_default();
    if bounds.len() != 2 {
        w.report(Diagnostic::invalid_range(name, "it needs exactly two bounds", w.span(v)));
        return None;
    }
    let (min, max) = (w.number("range", &bounds[0])?, w.number("range", &bounds[1])?);
    let (lo, hi): (f64, f64) = (min.parse().unwrap_or(0.0), max.parse().unwrap_or(0.0));
    if lo > hi {
        w.report(Diagnostic::invalid_range(name, &format!("min {min} is greater than max {max}"), w.span(v)));
    }
    Some(Range { min: Some(min), max: Some(max) })
}

/// `[shapes.NAME]`: `doc`, and `fields.KEY = { type, optional, default, range, doc }`.
fn lower_shape(w: &mut Walker, d: &Decl) -> Option<Shape> {
    let t = w.table("shape", d.value)?;
    let f = w.fields(t, SHAPE_KEYS);
    let mut fields = Vec::new();
    if let Some(table) = f.get("fields").and_then(|v| w.table("fields", v)) {
        for (key, v) in table.iter() {
            let (name, span) = (key.get_ref().to_string(), w.span(key));
            let Some(ft) = w.table("field", v) else { continue };
            let ff = w.fields(ft, SHAPE_FIELD_KEYS);
            let Some(ty_value) = ff.get("type") else {
                w.report(Diagnostic::missing_key("type", &format!("field `{name}`"), span));
                continue;
            };
            let Some(text) = w.string("type", ty_value) else { continue };
            let Some(ty) = shape_type(&text) else {
                w.report(Diagnostic::unknown_type(&text, SHAPE_TYPES, w.span(ty_value)));
                continue;
            };
            let default = ff.get("default").map(|v| json_text(v.get_ref()));
            fields.push(ShapeField {
                optional: ff.get("optional").and_then(|v| w.boolean("optional", v)).unwrap_or(false),
                range: ff.get("range").and_then(|v| lower_range(w, &name, v)),
                doc: ff.get("doc").and_then(|v| w.string("doc", v)),
                name,
                ty,
                default,
                span,
            });
        }
    }
    if fields.is_empty() {
        w.report(Diagnostic::missing_key("fields", &format!("shape `{}`", d.name), d.span));
    }
    Some(Shape { name: d.name.clone(), doc: f.get("doc").and_then(|v| w.string("doc", v)), fields, span: d.span })
}

/// The field types of shapes: the JSON kinds, `list<T>`, `map<T>`, or a union type's or
/// another shape's name (resolved by the checks).
const SHAPE_TYPES: &[&str] = &["integer", "number", "string", "boolean", "list<T>", "map<T>"];

fn shape_type(text: &str) -> Option<ShapeType> {
    let text = text.trim();
    let inner = |prefix: &str| text.strip_prefix(prefix)?.strip_suffix('>').and_then(shape_type).map(Box::new);
    Some(match text {
        "integer" => ShapeType::Integer,
        "number" => ShapeType::Number,
        "string" => ShapeType::String,
        "boolean" => ShapeType::Boolean,
        _ if text.starts_with("list<") => ShapeType::List(inner("list<")?),
        _ if text.starts_with("map<") => ShapeType::Map(inner("map<")?),
        _ if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            ShapeType::Shape(text.to_string())
        }
        _ => return None,
    })
}

/// A TOML value as JSON text (a shape field's default).
fn json_text(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Array(items) => {
            format!("[{}]", items.iter().map(|i| json_text(i.get_ref())).collect::<Vec<_>>().join(", "))
        }
        _ => "null".into(),
    }
}

fn parse_type(w: &mut Walker, v: &Value) -> Option<ColumnType> {
    let text = w.string("type", v)?;
    match ColumnType::parse(&text) {
        Ok(ty) => Some(ty),
        Err(TypeError::OutOfRange(why)) => {
            w.report(Diagnostic::invalid_type(&text, &why, w.span(v)));
            None
        }
        Err(TypeError::Modifiers(why)) => {
            w.report(Diagnostic::invalid_type(&text, &format!("this type {why}"), w.span(v)));
            None
        }
        Err(TypeError::Syntax) => {
            w.report(Diagnostic::unknown_type(&text, crate::model::BUILTIN_TYPE_NAMES, w.span(v)));
            None
        }
    }
}

/// The declared mixins, expanded on demand with cycle detection.
struct Mixins<'m, 'a, 'i> {
    decls: &'m [Decl<'a, 'i>],
}

/// A column declaration and the file it was written in.
type ColumnDecl<'a, 'i> = (FileId, Span, String, &'a Value<'i>);

impl<'a, 'i> Mixins<'_, 'a, 'i> {
    /// The columns `name` brings, its own after those of the mixins it includes.
    fn columns(
        &self,
        diags: &mut Diagnostics,
        name: &crate::model::Named,
        chain: &mut Vec<String>,
        out: &mut Vec<ColumnDecl<'a, 'i>>,
    ) {
        let Some(decl) = self.decls.iter().find(|d| d.name == name.name) else {
            let names: Vec<&str> = self.decls.iter().map(|d| d.name.as_str()).collect();
            diags.push(Diagnostic::unknown_mixin(&name.name, &names, name.span));
            return;
        };
        if chain.contains(&decl.name) {
            chain.push(decl.name.clone());
            diags.push(Diagnostic::mixin_cycle(chain, name.span));
            chain.pop();
            return;
        }
        let mut w = Walker { file: decl.file, diags };
        let Some(t) = w.table("mixin", decl.value) else { return };
        let f = w.fields(t, MIXIN_KEYS);
        let includes = f.get("mixins").and_then(|v| w.strings("mixins", v)).unwrap_or_default();
        let own = f.get("columns").and_then(|v| w.table("columns", v));
        chain.push(decl.name.clone());
        for inner in &includes {
            self.columns(diags, inner, chain, out);
        }
        chain.pop();
        for (key, value) in own.into_iter().flat_map(|t| t.iter()) {
            out.push((decl.file, span_of(decl.file, key), key.get_ref().to_string(), value));
        }
    }
}

fn lower_table(diags: &mut Diagnostics, d: &Decl, mixins: &Mixins) -> Option<Table> {
    let mut w = Walker { file: d.file, diags };
    let t = w.table("table", d.value)?;
    let f = w.fields(t, TABLE_KEYS);
    let mut table = Table {
        name: d.name.clone(),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        columns: Vec::new(),
        primary_key: None,
        foreign_keys: Vec::new(),
        uniques: Vec::new(),
        checks: Vec::new(),
        indexes: Vec::new(),
        soft_delete: f.get("soft_delete").and_then(|v| w.named("soft_delete", v)),
        partition: f.get("partition").and_then(|v| lower_partitioning(&mut w, &d.name, v)),
        rls: None,
        policies: Vec::new(),
        triggers: Vec::new(),
        rows: Vec::new(),
        span: d.span,
    };
    table.rls = f.get("rls").and_then(|v| lower_rls(&mut w, v));
    for item in f.get("triggers").and_then(|v| w.array("triggers", v)).unwrap_or_default() {
        table.triggers.extend(lower_trigger(&mut w, item));
    }
    for item in f.get("rows").and_then(|v| w.array("rows", v)).unwrap_or_default() {
        table.rows.extend(lower_row(&mut w, item));
    }
    for item in f.get("policies").and_then(|v| w.array("policies", v)).unwrap_or_default() {
        table.policies.extend(lower_policy(&mut w, item));
    }

    // Own columns first, then each mixin's, so shared timestamps end up last as in the seeds.
    let mut decls: Vec<ColumnDecl> = Vec::new();
    match f.get("columns").and_then(|v| w.table("columns", v)) {
        Some(cols) => decls.extend(cols.iter().map(|(k, v)| (d.file, w.span(k), k.get_ref().to_string(), v))),
        None if f.get("columns").is_none() && f.get("mixins").is_none() => {
            w.report(Diagnostic::missing_key("columns", &format!("table `{}`", d.name), d.span))
        }
        None => {}
    }
    let included = f.get("mixins").and_then(|v| w.strings("mixins", v)).unwrap_or_default();
    let (pk_value, unique_value) = (f.get("primary_key"), f.get("unique"));
    let (checks_value, indexes_value, fks_value) = (f.get("checks"), f.get("indexes"), f.get("foreign_keys"));
    for name in &included {
        mixins.columns(diags, name, &mut Vec::new(), &mut decls);
    }

    let mut pk_columns: Vec<(Named, Span)> = Vec::new();
    for (file, span, name, value) in decls {
        let mut w = Walker { file, diags };
        if let Some(Some(pk_span)) = lower_column(&mut w, &mut table, span, name, value) {
            pk_columns.push((Named { name: table.columns.last().unwrap().name.clone(), span }, pk_span));
        }
    }

    let mut w = Walker { file: d.file, diags };
    if let Some(v) = pk_value {
        let columns = w.strings("primary_key", v).unwrap_or_default();
        if let Some((_, first)) = pk_columns.first() {
            w.report(Diagnostic::primary_key_twice(&table.name, w.span(v), *first));
        } else if columns.is_empty() {
            w.report(Diagnostic::empty_list("primary_key", w.span(v)));
        } else {
            table.primary_key = Some(PrimaryKey { name: format!("{}_pkey", table.name), columns, span: w.span(v) });
        }
    }
    if pk_columns.len() > 1 {
        let (_, first) = pk_columns[0];
        w.report(Diagnostic::primary_key_twice(&table.name, pk_columns[1].1, first));
    } else if let Some((col, span)) = pk_columns.pop() {
        table.primary_key = Some(PrimaryKey { name: format!("{}_pkey", table.name), columns: vec![col], span });
    }

    if let Some(v) = unique_value.and_then(|v| w.table("unique", v)) {
        for (name, value) in v.iter() {
            let (cols, nulls_not_distinct) = match value.get_ref() {
                DeValue::Table(t) => {
                    let f = w.fields(t, UNIQUE_KEYS);
                    let flag = f.get("nulls_not_distinct").and_then(|v| w.boolean("nulls_not_distinct", v));
                    (require(&mut w, &f.get("columns"), "columns", "a unique constraint", value), flag.unwrap_or(false))
                }
                _ => (Some(value), false),
            };
            let Some(cols) = cols else { continue };
            let columns = w.strings("unique", cols).unwrap_or_default();
            if columns.is_empty() {
                w.report(Diagnostic::empty_list("unique", w.span(cols)));
                continue;
            }
            let name = name.get_ref().to_string();
            table.uniques.push(Unique { name, columns, nulls_not_distinct, span: w.span(value) });
        }
    }
    for item in checks_value.and_then(|v| w.array("checks", v)).unwrap_or_default() {
        let Some(t) = w.table("checks", item) else { continue };
        let f = w.fields(t, CHECK_KEYS);
        let name = require(&mut w, &f.get("name"), "name", "a check", item);
        let expr = require(&mut w, &f.get("expr"), "expr", "a check", item);
        if let (Some(name), Some(expr)) = (name, expr) {
            let name = w.string("name", name);
            let expr = expr_of(&mut w, "expr", expr);
            if let (Some(name), Some(expr)) = (name, expr) {
                table.checks.push(Check { name, expr, origin: CheckOrigin::Declared });
            }
        }
    }
    for item in indexes_value.and_then(|v| w.array("indexes", v)).unwrap_or_default() {
        if let Some(index) = lower_index(&mut w, &table.name, item) {
            table.indexes.push(index);
        }
    }
    for item in fks_value.and_then(|v| w.array("foreign_keys", v)).unwrap_or_default() {
        let Some(t) = w.table("foreign_keys", item) else { continue };
        let f = w.fields(t, FK_KEYS);
        let columns = require(&mut w, &f.get("columns"), "columns", "a foreign key", item)
            .and_then(|v| w.strings("columns", v))
            .unwrap_or_default();
        let Some(target) = require(&mut w, &f.get("references"), "references", "a foreign key", item) else {
            continue;
        };
        let Some((ref_table, ref_columns)) = reference(&mut w, target) else { continue };
        let cols: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let name = match f.get("name") {
            Some(v) => w.string("name", v),
            None => Some(format!("{}_{}_fkey", table.name, cols.join("_"))),
        };
        let on_delete = f.get("on_delete").and_then(|v| w.choice("on_delete", v, &FkAction::ALL)).unwrap_or_default();
        let on_update = f.get("on_update").and_then(|v| w.choice("on_update", v, &FkAction::ALL)).unwrap_or_default();
        if let Some(name) = name {
            let span = w.span(target);
            table.foreign_keys.push(ForeignKey { name, columns, ref_table, ref_columns, on_delete, on_update, span });
        }
    }
    table.policies.splice(0..0, tenant_policy(&table));
    Some(table)
}

/// The value of a required key, or None after reporting it missing.
fn require<'a, 'i>(
    w: &mut Walker,
    v: &Option<&'a Value<'i>>,
    key: &str,
    within: &str,
    at: &Value,
) -> Option<&'a Value<'i>> {
    if v.is_none() {
        w.report(Diagnostic::missing_key(key, within, w.span(at)));
    }
    *v
}

fn expr_of(w: &mut Walker, key: &str, v: &Value) -> Option<Expr> {
    let sql = w.string(key, v)?;
    Some(Expr { sql, span: w.span(v) })
}

/// `table`, `table.column` or `table(a, b)`: the referenced table and columns (empty: its key).
fn reference(w: &mut Walker, v: &Value) -> Option<(Named, Vec<Named>)> {
    let text = w.string("references", v)?;
    let span = w.span(v);
    let named = |name: &str| Named { name: name.trim().to_string(), span };
    let (table, columns) = if let Some((table, rest)) = text.split_once('(') {
        let inner = rest.strip_suffix(')').unwrap_or(rest);
        (table, inner.split(',').map(named).collect())
    } else if let Some((table, column)) = text.split_once('.') {
        (table, vec![named(column)])
    } else {
        (text.as_str(), Vec::new())
    };
    Some((named(table), columns))
}

/// Lowers one column into `table`; returns `Some(Some(span))` when it is marked primary key.
fn lower_column(w: &mut Walker, table: &mut Table, span: Span, name: String, v: &Value) -> Option<Option<Span>> {
    // `name = "varchar(255)"` is shorthand for `name = { type = "varchar(255)" }`.
    let empty = DeTable::default();
    let (t, ty_value) = match v.get_ref() {
        DeValue::String(_) => (&empty, Some(v)),
        DeValue::Table(t) => (t, None),
        _ => {
            w.table("column", v);
            return None;
        }
    };
    let f = w.fields(t, COLUMN_KEYS);
    let ty_value = ty_value.or(f.get("type"));
    let Some(ty_value) = ty_value else {
        // A misspelt `type` was reported as an unknown key already; saying it is missing is noise.
        if t.iter().all(|(k, _)| COLUMN_KEYS.contains(&k.get_ref().as_ref())) {
            w.report(Diagnostic::missing_key("type", &format!("column `{name}`"), span));
        }
        return None;
    };
    let ty = parse_type(w, ty_value)?;
    let flag = |w: &mut Walker, key: &str| f.get(key).and_then(|v| w.boolean(key, v)).unwrap_or(false);
    let primary_key = flag(w, "primary_key");
    let nullable = flag(w, "nullable");
    let unique = flag(w, "unique");
    let sensitive = flag(w, "sensitive");
    let rules = Rules {
        min_length: f.get("min_length").and_then(|v| w.count("min_length", v)),
        pattern: f.get("pattern").and_then(|v| w.string("pattern", v)),
        range: f.get("range").and_then(|v| lower_range(w, &name, v)),
        format: f.get("format").and_then(|v| w.choice("format", v, FORMATS)).map(str::to_string),
    };
    let column = Column {
        name: name.clone(),
        ty,
        ty_span: w.span(ty_value),
        nullable,
        default: f.get("default").and_then(|v| expr_of(w, "default", v)),
        generated: f.get("generated").and_then(|v| expr_of(w, "generated", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        rules,
        sensitive,
        on_update: f.get("on_update").and_then(|v| expr_of(w, "on_update", v)),
        shape: f.get("shape").and_then(|v| Some(Named { name: w.string("shape", v)?, span: w.span(v) })),
        span,
    };
    let t = table.name.clone();
    if unique {
        let columns = vec![Named { name: name.clone(), span }];
        table.uniques.push(Unique { name: format!("{t}_{name}_key"), columns, nulls_not_distinct: false, span });
    }
    if let Some(expr) = f.get("check").and_then(|v| expr_of(w, "check", v)) {
        table.checks.push(Check { name: format!("{t}_{name}_check"), expr, origin: CheckOrigin::Declared });
    }
    push_rule_checks(table, &column);
    if let Some(target) = f.get("references")
        && let Some((ref_table, ref_columns)) = reference(w, target)
    {
        let fk_span = w.span(target);
        let on_delete = f.get("on_delete").and_then(|v| w.choice("on_delete", v, &FkAction::ALL));
        let on_update = f.get("on_update").and_then(|v| w.choice("on_update", v, &FkAction::ALL));
        table.foreign_keys.push(ForeignKey {
            name: format!("{t}_{name}_fkey"),
            columns: vec![Named { name: name.clone(), span }],
            ref_table,
            ref_columns,
            on_delete: on_delete.unwrap_or_default(),
            on_update: on_update.unwrap_or_default(),
            span: fk_span,
        });
    }
    table.columns.push(column);
    Some(primary_key.then_some(span))
}

/// CHECK constraints derived from a column's rules, so PostgreSQL enforces them too.
fn push_rule_checks(table: &mut Table, column: &Column) {
    let (t, c) = (&table.name, &column.name);
    let q = crate::render::sql::ident(c);
    let origin = || CheckOrigin::Rule { column: c.clone() };
    let span = column.span;
    if let Some(n) = column.rules.min_length {
        let expr = Expr { sql: format!("char_length({q}) >= {n}"), span };
        table.checks.push(Check { name: format!("{t}_{c}_min_length"), expr, origin: origin() });
    }
    if let Some(pattern) = &column.rules.pattern {
        let expr = Expr { sql: format!("{q} ~ {}", crate::render::sql::literal(pattern)), span };
        table.checks.push(Check { name: format!("{t}_{c}_pattern"), expr, origin: origin() });
    }
    if let Some(Range { min, max }) = &column.rules.range {
        let parts: Vec<String> =
            [min.as_ref().map(|m| format!("{q} >= {m}")), max.as_ref().map(|m| format!("{q} <= {m}"))]
                .into_iter()
                .flatten()
                .collect();
        let expr = Expr { sql: parts.join(" AND "), span };
        table.checks.push(Check { name: format!("{t}_{c}_range"), expr, origin: origin() });
    }
}

fn lower_partitioning(w: &mut Walker, table: &str, v: &Value) -> Option<Partitioning> {
    let t = w.table("partition", v)?;
    let f = w.fields(t, PARTITION_KEYS);
    let by = require(w, &f.get("by"), "by", "a partition", v)?;
    let method = w.choice("by", by, &PartitionMethod::ALL)?;
    let key_value = require(w, &f.get("key"), "key", "a partition", v)?;
    let key: Vec<IndexTarget> = w
        .array("key", key_value)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| lower_index_key(w, k))
        .map(|k| k.target)
        .collect();
    if key.is_empty() {
        w.report(Diagnostic::empty_list("key", w.span(key_value)));
        return None;
    }
    let mut partitions = Vec::new();
    let at = w.span(v);
    // Generated ranges: `interval`, `from`, `count`, optional `name` pattern.
    if let Some(interval) = f.get("interval") {
        let interval = w.choice("interval", interval, &Interval::ALL)?;
        let from = require(w, &f.get("from"), "from", "generated partitions", v)?;
        let count =
            require(w, &f.get("count"), "count", "generated partitions", v).and_then(|c| w.count("count", c))?;
        let text = w.string("from", from)?;
        let Some(mut start) = Date::parse(&text) else {
            w.report(Diagnostic::invalid_value("from", &text, &["a date such as 2026-01-01"], w.span(from)));
            return None;
        };
        let pattern = match f.get("name") {
            Some(n) => w.string("name", n)?,
            None => interval.default_pattern().to_string(),
        };
        for _ in 0..count {
            let end = start.step(interval);
            let bound = PartitionBound::Range {
                from: vec![crate::render::sql::literal(&start.to_string())],
                to: vec![crate::render::sql::literal(&end.to_string())],
            };
            partitions.push(Partition { name: start.name(&pattern, table), bound, span: at });
            start = end;
        }
    }
    // Hash partitions: `modulus = n` makes n partitions, remainders 0..n.
    if let Some(m) = f.get("modulus").and_then(|m| w.count("modulus", m)) {
        for remainder in 0..m {
            let bound = PartitionBound::Hash { modulus: m, remainder };
            partitions.push(Partition { name: format!("{table}_p{remainder}"), bound, span: at });
        }
    }
    for item in f.get("partitions").and_then(|p| w.array("partitions", p)).unwrap_or_default() {
        if let Some(p) = lower_partition(w, item) {
            partitions.push(p);
        }
    }
    if f.get("default").and_then(|d| w.boolean("default", d)).unwrap_or(false) {
        partitions.push(Partition { name: format!("{table}_default"), bound: PartitionBound::Default, span: at });
    }
    Some(Partitioning {
        method,
        key,
        partitions,
        retention: f.get("retention").and_then(|r| w.string("retention", r)),
        managed_by: f.get("managed_by").and_then(|m| w.string("managed_by", m)),
        span: at,
    })
}

fn lower_partition(w: &mut Walker, item: &Value) -> Option<Partition> {
    let t = w.table("partitions", item)?;
    let f = w.fields(t, PARTITION_ITEM_KEYS);
    let name = require(w, &f.get("name"), "name", "a partition", item)?;
    let name = w.string("name", name)?;
    let bound = if f.get("default").and_then(|d| w.boolean("default", d)).unwrap_or(false) {
        PartitionBound::Default
    } else if let Some(values) = f.get("values") {
        PartitionBound::In(bound_values(w, "values", values)?)
    } else if let Some(m) = f.get("modulus") {
        let modulus = w.count("modulus", m)?;
        let remainder = require(w, &f.get("remainder"), "remainder", "a hash partition", item)?;
        let remainder = w.count("remainder", remainder)?;
        PartitionBound::Hash { modulus, remainder }
    } else {
        let from = require(w, &f.get("from"), "from", "a range partition", item)?;
        let from = bound_values(w, "from", from)?;
        let to = require(w, &f.get("to"), "to", "a range partition", item)?;
        let to = bound_values(w, "to", to)?;
        PartitionBound::Range { from, to }
    };
    Some(Partition { name, bound, span: w.span(item) })
}

/// Bound values as SQL literals: strings quoted, numbers as written; one value or an array.
fn bound_values(w: &mut Walker, key: &str, v: &Value) -> Option<Vec<String>> {
    let one = |w: &mut Walker, v: &Value| match v.get_ref() {
        DeValue::String(_) => w.string(key, v).map(|s| crate::render::sql::literal(&s)),
        _ => w.number(key, v),
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().map(|it| one(w, it)).collect(),
        _ => one(w, v).map(|x| vec![x]),
    }
}

fn lower_index(w: &mut Walker, table: &str, item: &Value) -> Option<Index> {
    let t = w.table("indexes", item)?;
    let f = w.fields(t, INDEX_KEYS);
    let columns = require(w, &f.get("columns"), "columns", "an index", item)?;
    let mut keys = Vec::new();
    for key in w.array("columns", columns).unwrap_or_default() {
        if let Some(key) = lower_index_key(w, key) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        w.report(Diagnostic::empty_list("columns", w.span(columns)));
        return None;
    }
    let name = match f.get("name") {
        Some(v) => w.string("name", v)?,
        None => {
            let parts: Vec<&str> = keys
                .iter()
                .map(|k| match &k.target {
                    IndexTarget::Column(c) => c.name.as_str(),
                    IndexTarget::Expr(_) => "expr",
                })
                .collect();
            format!("{table}_{}_idx", parts.join("_"))
        }
    };
    let method = match f.get("using") {
        Some(v) => w.string("using", v)?.to_ascii_lowercase(),
        None => "btree".to_string(),
    };
    let mut with = Vec::new();
    if let Some(params) = f.get("with").and_then(|v| w.table("with", v)) {
        for (k, v) in params.iter() {
            let value = match v.get_ref() {
                DeValue::String(_) => w.string("with", v).map(|s| crate::render::sql::literal(&s)),
                DeValue::Boolean(b) => Some(b.to_string()),
                _ => w.number("with", v),
            };
            if let Some(value) = value {
                with.push((k.get_ref().to_string(), value));
            }
        }
    }
    Some(Index {
        name,
        keys,
        method,
        unique: f.get("unique").and_then(|v| w.boolean("unique", v)).unwrap_or(false),
        predicate: f.get("where").and_then(|v| expr_of(w, "where", v)),
        include: f.get("include").and_then(|v| w.strings("include", v)).unwrap_or_default(),
        with,
        span: w.span(item),
    })
}

fn lower_index_key(w: &mut Walker, v: &Value) -> Option<IndexKey> {
    let plain = |target| IndexKey { target, opclass: None, descending: false, nulls_first: None };
    match v.get_ref() {
        DeValue::String(_) => Some(plain(IndexTarget::Column(w.named("columns", v)?))),
        DeValue::Table(t) => {
            let f = w.fields(t, INDEX_KEY_KEYS);
            let target = match (f.get("column"), f.get("expr")) {
                (Some(c), None) => IndexTarget::Column(w.named("column", c)?),
                (None, Some(e)) => IndexTarget::Expr(expr_of(w, "expr", e)?),
                _ => {
                    w.report(Diagnostic::missing_key(
                        "column",
                        "an index key (give `column` or `expr`, not both)",
                        w.span(v),
                    ));
                    return None;
                }
            };
            let descending = match f.get("order") {
                Some(o) => w.choice("order", o, &[("asc", false), ("desc", true)])?,
                None => false,
            };
            let nulls_first = match f.get("nulls") {
                Some(n) => Some(w.choice("nulls", n, &[("first", true), ("last", false)])?),
                None => None,
            };
            let opclass = f.get("opclass").and_then(|o| w.string("opclass", o));
            Some(IndexKey { opclass, descending, nulls_first, ..plain(target) })
        }
        _ => {
            w.string("columns", v);
            None
        }
    }
}

/// Columns whose type names a declared union type become `Scalar::Enum`, and get its CHECK.
fn resolve_enum_columns(schema: &mut Schema) {
    let Schema { enums, tables, .. } = schema;
    for table in tables {
        let mut derived = Vec::new();
        for column in &mut table.columns {
            let scalar = column.ty.scalar_mut();
            let Scalar::Unresolved(name) = scalar else { continue };
            let Some(e) = enums.iter().find(|e| &e.name == name) else { continue };
            *scalar = Scalar::Enum(e.name.clone());
            if matches!(e.repr, EnumRepr::Check { .. }) && matches!(column.ty, ColumnType::Scalar(_)) {
                let values: Vec<String> = e.values.iter().map(|v| crate::render::sql::literal(v)).collect();
                let q = crate::render::sql::ident(&column.name);
                let expr = Expr { sql: format!("{q} IN ({})", values.join(", ")), span: column.ty_span };
                let origin = CheckOrigin::Enum { column: column.name.clone() };
                derived.push(Check { name: format!("{}_{}_check", table.name, column.name), expr, origin });
            }
        }
        // A declared column check keeps PostgreSQL's `_check1` suffix when the enum took `_check`.
        for check in &mut table.checks {
            if derived.iter().any(|d| d.name == check.name) {
                check.name.push('1');
            }
        }
        table.checks.splice(0..0, derived);
    }
}

/// A foreign key that names no columns references its target's primary key.
fn resolve_foreign_key_targets(schema: &mut Schema) {
    let keys: HashMap<String, Vec<Named>> =
        schema.tables.iter().filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone()))).collect();
    for fk in schema.tables.iter_mut().flat_map(|t| &mut t.foreign_keys) {
        if fk.ref_columns.is_empty() {
            let span = fk.ref_table.span;
            let pk = keys.get(&fk.ref_table.name).into_iter().flatten();
            fk.ref_columns = pk.map(|c| Named { name: c.name.clone(), span }).collect();
        }
    }
}
