//! Functions, triggers, views and pg_cron jobs, and the triggers `set_on_update` derives.

use super::*;

pub(super) const JOB_KEYS: &[&str] = &["schedule", "command"];
pub(super) const FUNCTION_KEYS: &[&str] = &[
    "name",
    "procedure",
    "args",
    "returns",
    "language",
    "volatility",
    "strict",
    "leakproof",
    "parallel",
    "cost",
    "rows",
    "security_definer",
    "search_path",
    "set",
    "body",
    "doc",
];
const PARALLEL: [(&str, &str); 3] = [("safe", "SAFE"), ("restricted", "RESTRICTED"), ("unsafe", "UNSAFE")];
pub(super) const VIEW_KEYS: &[&str] = &["query", "materialized", "indexes", "with", "with_data", "triggers", "doc"];
pub(super) const TRIGGER_KEYS: &[&str] = &[
    "name",
    "timing",
    "events",
    "for_each",
    "when",
    "function",
    "args",
    "referencing",
    "constraint",
    "deferrable",
    "enabled",
    "doc",
];
pub(super) const REFERENCING_KEYS: &[&str] = &["old", "new"];
pub(super) const VOLATILITY: [(&str, &str); 3] =
    [("immutable", "IMMUTABLE"), ("stable", "STABLE"), ("volatile", "VOLATILE")];
/// `[functions.KEY]`: a function, or a procedure with `procedure = true`. `name` gives the SQL
/// name when it is not the key, so that overloads (one name, other arguments) have keys of
/// their own.
pub(super) fn lower_function(w: &mut Walker, d: &Decl) -> Option<Function> {
    let t = w.table("function", d.value)?;
    let f = w.fields(t, FUNCTION_KEYS);
    let within = format!("function `{}`", d.name);
    let procedure = w.flag(&f, "procedure");
    let returns = match f.get("returns") {
        Some(v) => w.string("returns", v)?,
        None if procedure => String::new(),
        None => {
            w.report(Diagnostic::missing_key("returns", &within, d.span));
            return None;
        }
    };
    let body = require(w, &f.get("body"), "body", &within, d.value)?;
    let name = f.get("name").and_then(|v| w.string("name", v)).unwrap_or_else(|| d.name.clone());
    let language = f.get("language").and_then(|v| w.string("language", v)).unwrap_or("sql".into());
    let args = f.get("args").and_then(|v| w.string("args", v)).unwrap_or_default();
    let mut function =
        Function::new(&d.namespace, &name, args, returns, &language.to_ascii_lowercase(), w.string("body", body)?);
    function.procedure = procedure;
    function.volatility = f.get("volatility").and_then(|v| w.choice("volatility", v, &VOLATILITY)).map(str::to_string);
    function.strict = w.flag(&f, "strict");
    function.leakproof = w.flag(&f, "leakproof");
    function.parallel = f.get("parallel").and_then(|v| w.choice("parallel", v, &PARALLEL)).map(str::to_string);
    function.cost = f.get("cost").and_then(|v| w.count("cost", v));
    function.rows = f.get("rows").and_then(|v| w.count("rows", v));
    function.security_definer = w.flag(&f, "security_definer");
    function.search_path = f.get("search_path").and_then(|v| w.string("search_path", v));
    function.settings = f.get("set").map(|v| lower_with(w, "set", v)).unwrap_or_default();
    function.doc = f.get("doc").and_then(|v| w.string("doc", v));
    function.span = d.span;
    Some(function)
}

pub(super) const AGGREGATE_KEYS: &[&str] =
    &["name", "args", "sfunc", "stype", "finalfunc", "combinefunc", "initcond", "parallel", "doc"];

/// `[aggregates.KEY]`: `CREATE AGGREGATE`; `name` gives the SQL name for overloads, as for functions.
pub(super) fn lower_aggregate(w: &mut Walker, d: &Decl) -> Option<Aggregate> {
    let t = w.table("aggregate", d.value)?;
    let f = w.fields(t, AGGREGATE_KEYS);
    let within = format!("aggregate `{}`", d.name);
    let sfunc = require(w, &f.get("sfunc"), "sfunc", &within, d.value).and_then(|v| w.named("sfunc", v));
    let stype = require(w, &f.get("stype"), "stype", &within, d.value).and_then(|v| w.string("stype", v));
    let args = require(w, &f.get("args"), "args", &within, d.value).and_then(|v| w.string("args", v));
    Some(Aggregate {
        namespace: d.namespace.clone(),
        name: f.get("name").and_then(|v| w.string("name", v)).unwrap_or_else(|| d.name.clone()),
        args: args?,
        sfunc: sfunc?,
        stype: stype?,
        finalfunc: f.get("finalfunc").and_then(|v| w.named("finalfunc", v)),
        combinefunc: f.get("combinefunc").and_then(|v| w.named("combinefunc", v)),
        initcond: f.get("initcond").and_then(|v| w.string("initcond", v)),
        parallel: f.get("parallel").and_then(|v| w.choice("parallel", v, &PARALLEL)).map(str::to_string),
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
    let triggers = f.get("triggers").and_then(|v| w.array("triggers", v)).unwrap_or_default();
    Some(View {
        namespace: d.namespace.clone(),
        name: d.name.clone(),
        query: expr_of(w, "query", query)?,
        materialized: f.get("materialized").and_then(|v| w.boolean("materialized", v)).unwrap_or(false),
        indexes: indexes.iter().filter_map(|i| lower_index(w, &d.name, i)).collect(),
        options: f.get("with").map(|v| lower_with(w, "with", v)).unwrap_or_default(),
        with_data: f.get("with_data").and_then(|v| w.boolean("with_data", v)).unwrap_or(true),
        triggers: triggers.iter().filter_map(|t| lower_trigger(w, t)).collect(),
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
    let referencing =
        f.get("referencing").and_then(|v| w.table("referencing", v)).map(|t| w.fields(t, REFERENCING_KEYS));
    let transition = |w: &mut Walker, key: &str| referencing.as_ref()?.get(key).and_then(|v| w.string(key, v));
    let (old_table, new_table) = (transition(w, "old"), transition(w, "new"));
    let name = w.string("name", name)?;
    let constraint = w.flag(&f, "constraint").then(|| lower_deferrable(w, f.get("deferrable")));
    if let (None, Some(v)) = (constraint, f.get("deferrable")) {
        let help = "only a constraint trigger (`constraint = true`) can be deferred";
        w.report(Diagnostic::invalid_trigger(&name, "is deferrable but not a constraint trigger", help, w.span(v)));
    }
    Some(Trigger {
        name,
        timing: w.choice("timing", timing, &TriggerTiming::ALL)?,
        events: w.strings("events", events)?.iter().map(|e| event(&e.name)).collect(),
        for_each_row,
        when: f.get("when").and_then(|v| expr_of(w, "when", v)),
        function: w.reference("function", function)?,
        args: f
            .get("args")
            .and_then(|v| w.strings("args", v))
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.name)
            .collect(),
        old_table,
        new_table,
        constraint,
        enabled: f.get("enabled").and_then(|v| w.boolean("enabled", v)).unwrap_or(true),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: w.span(item),
    })
}

/// An event as the model holds it: the keyword in capitals, `UPDATE OF a, b` with its columns
/// as written.
fn event(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [update, of, ..] if update.eq_ignore_ascii_case("update") && of.eq_ignore_ascii_case("of") => {
            let columns = text.trim_start()[update.len()..].trim_start()[of.len()..].split(',');
            format!("UPDATE OF {}", columns.map(str::trim).collect::<Vec<_>>().join(", "))
        }
        _ => text.trim().to_ascii_uppercase(),
    }
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
                    let target = crate::sql::ident(&column.name);
                    let body = format!("\nBEGIN\n    NEW.{target} = {};\n    RETURN NEW;\nEND;\n", expr.sql);
                    let mut f =
                        Function::new(&schema.namespace, &name, String::new(), "trigger".into(), "plpgsql", body);
                    f.doc = Some(format!("Sets {} on every UPDATE (strata: set_on_update).", column.name));
                    f.span = expr.span;
                    schema.functions.push(f);
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
                args: Vec::new(),
                old_table: None,
                new_table: None,
                constraint: None,
                enabled: true,
                doc: None,
                span: expr.span,
            });
        }
    }
}
