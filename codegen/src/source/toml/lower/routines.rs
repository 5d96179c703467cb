//! Functions, triggers, views and pg_cron jobs, and the triggers `set_on_update` derives.

use super::*;

pub(super) const JOB_KEYS: &[&str] = &["schedule", "command"];
pub(super) const FUNCTION_KEYS: &[&str] =
    &["args", "returns", "language", "volatility", "security_definer", "search_path", "body", "doc"];
pub(super) const VIEW_KEYS: &[&str] = &["query", "materialized", "indexes", "with", "with_data", "doc"];
pub(super) const TRIGGER_KEYS: &[&str] = &["name", "timing", "events", "for_each", "when", "function"];
pub(super) const VOLATILITY: [(&str, &str); 3] =
    [("immutable", "IMMUTABLE"), ("stable", "STABLE"), ("volatile", "VOLATILE")];
pub(super) fn lower_function(w: &mut Walker, d: &Decl) -> Option<Function> {
    let t = w.table("function", d.value)?;
    let f = w.fields(t, FUNCTION_KEYS);
    let within = format!("function `{}`", d.name);
    let returns = require(w, &f.get("returns"), "returns", &within, d.value)?;
    let body = require(w, &f.get("body"), "body", &within, d.value)?;
    Some(Function {
        namespace: d.namespace.clone(),
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

pub(super) fn lower_job(w: &mut Walker, d: &Decl) -> Option<Job> {
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

pub(super) fn lower_view(w: &mut Walker, d: &Decl) -> Option<View> {
    let t = w.table("view", d.value)?;
    let f = w.fields(t, VIEW_KEYS);
    let query = require(w, &f.get("query"), "query", &format!("view `{}`", d.name), d.value)?;
    let indexes = f.get("indexes").and_then(|v| w.array("indexes", v)).unwrap_or_default();
    Some(View {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        query: expr_of(w, "query", query)?,
        materialized: f.get("materialized").and_then(|v| w.boolean("materialized", v)).unwrap_or(false),
        indexes: indexes.iter().filter_map(|i| lower_index(w, &d.name, i)).collect(),
        options: f.get("with").map(|v| lower_with(w, v)).unwrap_or_default(),
        with_data: f.get("with_data").and_then(|v| w.boolean("with_data", v)).unwrap_or(true),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

pub(super) fn lower_trigger(w: &mut Walker, item: &Value) -> Option<Trigger> {
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
        function: w.reference("function", function)?,
        span: w.span(item),
    })
}

/// `set_on_update = "now()"`: one shared trigger function per column name and expression, and one
/// BEFORE UPDATE trigger per table that uses it.
pub(super) fn derive_on_update_triggers(schema: &mut Schema) {
    let mut made: Vec<(String, String, String)> = Vec::new(); // (column, expression, function)
    for table in &mut schema.tables {
        for column in &table.columns {
            let Some(expr) = &column.set_on_update else { continue };
            let function = match made.iter().find(|(c, e, _)| *c == column.name && *e == expr.sql) {
                Some((_, _, f)) => f.clone(),
                None => {
                    let n = made.iter().filter(|(c, _, _)| *c == column.name).count();
                    let name =
                        if n == 0 { format!("set_{}", column.name) } else { format!("set_{}_{}", column.name, n + 1) };
                    let target = crate::render::sql::ident(&column.name);
                    schema.functions.push(Function {
                        namespace: schema.namespace.clone(),
                        name: name.clone(),
                        args: String::new(),
                        returns: "trigger".into(),
                        language: "plpgsql".into(),
                        volatility: None,
                        security_definer: false,
                        search_path: None,
                        body: format!("\nBEGIN\n    NEW.{target} = {};\n    RETURN NEW;\nEND;\n", expr.sql),
                        doc: Some(format!("Sets {} on every UPDATE (strata: set_on_update).", column.name)),
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
                function: Ref { namespace: schema.namespace.clone(), name: function, span: expr.span },
                span: expr.span,
            });
        }
    }
}
