//! Triggers: each executes a declared trigger function, updates columns its table has, and has
//! a shape PostgreSQL accepts on what it is attached to (timing, level, events, WHEN, transition
//! tables, constraint triggers); `tests/triggers.rs` proves the verdicts against a live server.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{QName, Schema, Trigger, TriggerTiming};

/// What a trigger is attached to, as far as PostgreSQL's rules tell them apart.
#[derive(Clone, Copy, PartialEq)]
enum On {
    Table { partitioned: bool },
    View,
    MaterializedView,
}

pub fn check(schema: &Schema, diags: &mut Diagnostics) {
    // A trigger executes the overload without arguments: inserted last, it wins.
    let mut candidates: Vec<&crate::model::Function> = schema.functions.iter().filter(|f| !f.procedure).collect();
    candidates.sort_by_key(|f| f.args.trim().is_empty());
    let functions: HashMap<QName, &str> = candidates.iter().map(|f| (f.qname(), f.returns.as_str())).collect();
    let names: Vec<&str> = schema.functions.iter().map(|f| f.name.as_str()).collect();
    for t in &schema.tables {
        for (tr, column) in t.triggers.iter().flat_map(|tr| tr.update_of().into_iter().map(move |c| (tr, c))) {
            if t.column(column).is_none() {
                let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                diags.push(Diagnostic::unknown_column(&t.name, column, &names, tr.span));
            }
        }
    }
    let tables = schema.tables.iter().map(|t| (&t.triggers, On::Table { partitioned: t.partition.is_some() }));
    let partitions = schema.tables.iter().flat_map(|t| t.partition.iter().flat_map(|p| &p.partitions));
    let tables = tables.chain(partitions.map(|p| (&p.triggers, On::Table { partitioned: false })));
    let views =
        schema.views.iter().map(|v| (&v.triggers, if v.materialized { On::MaterializedView } else { On::View }));
    for (triggers, on) in tables.chain(views) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for tr in triggers {
            if let Some(&first) = seen.get(tr.name.as_str()) {
                diags.push(Diagnostic::duplicate("trigger", &tr.name, tr.span, first));
            }
            seen.insert(&tr.name, tr.span);
            let why = match functions.get(&tr.function.qname()) {
                // PostgreSQL's own (`tsvector_update_trigger`, `suppress_redundant_updates_trigger`).
                None if tr.function.namespace == "pg_catalog" => None,
                None => Some(("is not declared".to_string(), &names[..])),
                Some(r) if !r.eq_ignore_ascii_case("trigger") => Some((format!("returns {r}, not trigger"), &[][..])),
                Some(_) => None,
            };
            if let Some((why, candidates)) = why {
                diags.push(Diagnostic::trigger_function(
                    &tr.name,
                    &tr.function.name,
                    &why,
                    candidates,
                    tr.function.span,
                ));
            }
            if let Some((why, help)) = refusal(tr, on) {
                diags.push(Diagnostic::invalid_trigger(&tr.name, why, help, tr.span));
            }
        }
    }
}

/// Why PostgreSQL refuses `tr` on `on` (the first rule broken, in its words) and its rule.
fn refusal(tr: &Trigger, on: On) -> Option<(&'static str, &'static str)> {
    let valid =
        |e: &String| ["INSERT", "UPDATE", "DELETE", "TRUNCATE"].contains(&e.as_str()) || e.starts_with("UPDATE OF ");
    let has = |event: &str| tr.events.iter().any(|e| e == event || (event == "UPDATE" && e.starts_with("UPDATE OF ")));
    let column_list = tr.events.iter().any(|e| e.starts_with("UPDATE OF "));
    let transition = tr.old_table.is_some() || tr.new_table.is_some();
    let instead = tr.timing == TriggerTiming::InsteadOf;
    let when = tr.when.as_ref().and_then(|w| w.ast()).map(crate::sql::deps::columns_read).unwrap_or_default();
    let reads = |row: &str| when.iter().any(|(q, _)| q.as_deref() == Some(row));
    let rules: [(bool, &str, &str); 23] = [
        (
            tr.events.is_empty() || !tr.events.iter().all(valid),
            "has an event PostgreSQL does not know",
            "events are INSERT, UPDATE (or `UPDATE OF col, ...`), DELETE and TRUNCATE",
        ),
        (
            on == On::MaterializedView,
            "is on a materialized view",
            "a materialized view cannot have triggers: put them on the tables it reads",
        ),
        (instead && on != On::View, "is INSTEAD OF on a table", "INSTEAD OF triggers are for views: use BEFORE"),
        (
            on == On::View && !instead && tr.for_each_row,
            "is a row-level BEFORE or AFTER trigger on a view",
            "a view's row-level triggers are INSTEAD OF; BEFORE and AFTER ones must be `for_each = \"statement\"`",
        ),
        (on == On::View && has("TRUNCATE"), "is a TRUNCATE trigger on a view", "a view cannot be truncated"),
        (on == On::View && !tr.enabled, "is disabled on a view", "PostgreSQL cannot disable a view's trigger"),
        (instead && !tr.for_each_row, "is INSTEAD OF FOR EACH STATEMENT", "INSTEAD OF triggers must be FOR EACH ROW"),
        (instead && tr.when.is_some(), "is INSTEAD OF with a WHEN condition", "INSTEAD OF triggers cannot have WHEN"),
        (instead && column_list, "is INSTEAD OF UPDATE OF columns", "INSTEAD OF triggers cannot have column lists"),
        (
            !tr.for_each_row && !when.is_empty(),
            "is FOR EACH STATEMENT with a WHEN condition that reads columns",
            "a statement trigger's WHEN condition cannot reference column values (there is no one row)",
        ),
        (
            has("INSERT") && reads("old"),
            "reads OLD in its WHEN condition but fires on INSERT",
            "an inserted row has no OLD values: read NEW, or drop INSERT from the events",
        ),
        (
            has("DELETE") && reads("new"),
            "reads NEW in its WHEN condition but fires on DELETE",
            "a deleted row has no NEW values: read OLD, or drop DELETE from the events",
        ),
        (
            has("TRUNCATE") && tr.for_each_row,
            "fires FOR EACH ROW on TRUNCATE",
            "TRUNCATE triggers are statement-level: `for_each = \"statement\"`",
        ),
        (
            tr.constraint.is_some() && (tr.timing != TriggerTiming::After || !tr.for_each_row),
            "is a constraint trigger that is not AFTER ... FOR EACH ROW",
            "constraint triggers are AFTER, FOR EACH ROW",
        ),
        (
            transition && tr.timing != TriggerTiming::After,
            "names transition tables but is not AFTER",
            "transition tables (`referencing`) are for AFTER triggers",
        ),
        (
            transition && on == On::View,
            "names transition tables on a view",
            "triggers on views cannot have transition tables",
        ),
        (
            transition && tr.constraint.is_some(),
            "is a constraint trigger with transition tables",
            "a constraint trigger cannot have `referencing`",
        ),
        (
            transition && tr.events.len() > 1,
            "names transition tables for more than one event",
            "transition tables belong to a trigger of one event: declare one trigger per event",
        ),
        (
            transition && column_list,
            "names transition tables and columns",
            "transition tables cannot be specified for triggers with column lists",
        ),
        (
            tr.old_table.is_some() && !has("UPDATE") && !has("DELETE"),
            "names an OLD TABLE without UPDATE or DELETE",
            "OLD TABLE can only be specified for a DELETE or UPDATE trigger",
        ),
        (
            tr.new_table.is_some() && !has("UPDATE") && !has("INSERT"),
            "names a NEW TABLE without INSERT or UPDATE",
            "NEW TABLE can only be specified for an INSERT or UPDATE trigger",
        ),
        (
            transition && tr.old_table == tr.new_table,
            "names its OLD TABLE and NEW TABLE alike",
            "OLD TABLE name and NEW TABLE name cannot be the same",
        ),
        (
            transition && tr.for_each_row && on == (On::Table { partitioned: true }),
            "has transition tables FOR EACH ROW on a partitioned table",
            "ROW triggers with transition tables are not supported on partitioned tables: use `for_each = \"statement\"`",
        ),
    ];
    rules.into_iter().find(|(broken, _, _)| *broken).map(|(_, why, help)| (why, help))
}
