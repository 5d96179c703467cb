//! Rows of functions and procedures, aggregates, triggers and views.

use super::*;

pub(super) fn trigger(r: &Row, default: &str) -> Trigger {
    let bits: u32 = r.text(3).parse().unwrap_or(0);
    let timing = match (bits & 2 != 0, bits & 64 != 0) {
        (_, true) => TriggerTiming::InsteadOf,
        (true, _) => TriggerTiming::Before,
        _ => TriggerTiming::After,
    };
    let columns = r.list(12);
    let mut events = Vec::new();
    for (bit, event) in [(4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE")] {
        if bits & bit != 0 {
            events.push(match (event, columns.is_empty()) {
                ("UPDATE", false) => format!("UPDATE OF {}", columns.join(", ")),
                _ => event.to_string(),
            });
        }
    }
    // The arguments arrive as `encode(..., 'escape')` prints them: each ended by `\000`.
    let args = r.text(6);
    let args = args.strip_suffix("\\000").map(|a| a.split("\\000").map(str::to_string).collect()).unwrap_or_default();
    // WHEN is only in the printed definition: `... WHEN (condition) EXECUTE FUNCTION ...`.
    let definition = r.text(13);
    let when = definition
        .split_once(" WHEN (")
        .and_then(|(_, rest)| rest.rsplit_once(") EXECUTE "))
        .map(|(w, _)| expr(w.to_string()));
    let constraint = r.flag(9).then(|| deferrable_at(r.flag(10), r.flag(11)));
    let function = Ref::parse(&r.text(4), Span::default());
    let function = Ref {
        namespace: if function.namespace.is_empty() { default.to_string() } else { function.namespace },
        ..function
    };
    Trigger {
        name: r.text(2),
        timing,
        events,
        for_each_row: bits & 1 != 0,
        when,
        function,
        args,
        old_table: r.opt(7),
        new_table: r.opt(8),
        constraint,
        enabled: r.text(5) != "D",
        doc: r.opt(14),
        span: Span::default(),
    }
}

pub(super) fn aggregate(r: &Row) -> Aggregate {
    let parallel = match r.text(8).as_str() {
        "s" => Some("SAFE".to_string()),
        "r" => Some("RESTRICTED".to_string()),
        _ => None,
    };
    Aggregate {
        namespace: r.text(0),
        name: r.text(1),
        args: r.text(2),
        sfunc: Named { name: r.text(3), span: Span::default() },
        stype: r.text(4),
        finalfunc: named(r.opt(5)),
        combinefunc: named(r.opt(6)),
        initcond: r.opt(7),
        parallel,
        doc: r.opt(9),
        span: Span::default(),
    }
}

pub(super) fn view(r: &Row) -> View {
    View {
        namespace: r.text(0),
        name: r.text(1),
        query: expr(r.text(3).trim().trim_end_matches(';').to_string()),
        materialized: r.flag(2),
        indexes: Vec::new(),
        options: r.options(4),
        with_data: r.flag(5),
        triggers: Vec::new(),
        doc: r.opt(6),
        span: Span::default(),
    }
}

pub(super) fn routine(r: &Row) -> Function {
    let procedure = r.flag(2);
    let returns = if procedure { String::new() } else { r.text(4) };
    let mut f = Function::new(&r.text(0), &r.text(1), r.text(3), returns, &r.text(5), r.text(14));
    f.procedure = procedure;
    f.volatility = match r.text(6).as_str() {
        "i" => Some("IMMUTABLE".into()),
        "s" => Some("STABLE".into()),
        _ => None,
    };
    f.strict = r.flag(7);
    f.leakproof = r.flag(8);
    f.parallel = match r.text(9).as_str() {
        "s" => Some("SAFE".into()),
        "r" => Some("RESTRICTED".into()),
        _ => None,
    };
    // PostgreSQL's defaults (cost 100, 1000 rows for a set-returning function) are not said.
    f.cost = r.text(10).parse::<f64>().ok().map(|c| c as u32).filter(|&c| c != 100);
    f.rows = r.text(11).parse::<f64>().ok().map(|c| c as u32).filter(|&c| c != 0 && c != 1000);
    f.security_definer = r.flag(12);
    for setting in r.list(13) {
        let Some((name, value)) = setting.split_once('=') else { continue };
        if name == "search_path" {
            f.search_path = Some(value.to_string());
        } else {
            f.settings.push((name.to_string(), crate::sql::literal(value)));
        }
    }
    f.doc = r.opt(15);
    f
}
