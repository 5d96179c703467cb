//! What lowering derives for partition maintenance: `strata_expired_partitions()` where a
//! retention is declared, and for premade partitions strata keeps, its upkeep functions (the
//! one-table body is `upkeep.sql`) and their pg_cron jobs.

use super::*;

/// With any retention declared, `strata_expired_partitions()` lists the range partitions whose
/// upper bound is older than their table's retention: what an archival job may detach or drop.
pub(super) fn derive_retention_helper(schema: &mut Schema) {
    use crate::sql::literal;
    let retained: Vec<String> = schema
        .tables
        .iter()
        .filter_map(|t| {
            let p = t.partition.as_ref().filter(|p| p.method == PartitionMethod::Range)?;
            let r = p.retention.as_ref()?;
            let table = crate::sql::qualified(&t.namespace, &t.name);
            Some(format!("({}, interval {})", literal(&table), literal(r)))
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
    let returns = "TABLE(parent regclass, partition regclass, retention interval)".to_string();
    let mut f = Function::new(&schema.namespace, "strata_expired_partitions", String::new(), returns, "sql", body);
    f.volatility = Some("STABLE".into());
    f.doc = Some("Range partitions past their table's retention (strata: partition.retention).".into());
    f.span = span;
    schema.functions.push(f);
}

/// With any table whose premade partitions strata keeps: the upkeep function (one table at a
/// time, `upkeep.sql`), the function that keeps them all (which declares each table's upkeep,
/// so a changed declaration is a changed function), and an hourly pg_cron job running it,
/// unless a job of that name is declared.
pub(super) fn derive_upkeep(schema: &mut Schema) {
    use crate::model::{UPKEEP_ALL, UPKEEP_FUNCTION, upkeep_call};
    use crate::sql::qualified;
    let calls: Vec<String> = schema
        .tables
        .iter()
        .filter_map(|t| {
            let p = t.partition.as_ref()?;
            let call = upkeep_call(schema, t, p, p.strata_upkeep()?, "at");
            let parent = crate::sql::literal(&qualified(&t.namespace, &t.name));
            Some(format!("    RETURN QUERY SELECT {parent}::regclass, u.partition, u.action FROM {call} AS u;\n"))
        })
        .collect();
    // pg_partman's maintenance, where it keeps a table, runs hourly from pg_cron too.
    let partman = schema.tables.iter().find_map(|t| t.partition.as_ref().filter(|p| p.partman_upkeep().is_some()));
    let extension = schema.extensions.iter().find(|e| e.name == PG_PARTMAN);
    if let (Some(p), Some(extension)) = (partman, extension) {
        let run = qualified(extension.namespace.as_deref().unwrap_or(PUBLIC), "run_maintenance");
        let name = format!("{}-partman-maintenance", schema.name);
        hourly_job(schema, &name, &format!("SELECT {run}()"), p.span);
    }
    let Some(span) =
        schema.tables.iter().find_map(|t| t.partition.as_ref().filter(|p| p.strata_upkeep().is_some())).map(|p| p.span)
    else {
        return;
    };
    let args = "parent regclass, key_column text, unit text, ahead integer, past integer, name_format text, \
                retention interval, archive text, at timestamp with time zone DEFAULT now()";
    let returns = "TABLE(partition text, action text)".to_string();
    let body = include_str!("upkeep.sql").to_string();
    let mut one = Function::new(&schema.namespace, UPKEEP_FUNCTION, args.into(), returns, "plpgsql", body);
    // Period bounds at midnight UTC whoever runs it (a migration, pg_cron), so none overlap.
    one.settings.push(("TimeZone".into(), "'UTC'".into()));
    one.doc =
        Some("Makes one table's premade partitions and enforces its retention (strata: partition.premake).".into());
    one.span = span;
    let args = "at timestamp with time zone DEFAULT now()".to_string();
    let returns = "TABLE(parent regclass, partition text, action text)".to_string();
    let body = format!("\nBEGIN\n{}END;\n", calls.concat());
    let mut all = Function::new(&schema.namespace, UPKEEP_ALL, args, returns, "plpgsql", body);
    all.doc = Some("Partition upkeep of every table strata keeps; pg_cron runs it hourly.".into());
    all.span = span;
    schema.functions.extend([one, all]);
    let command = format!("SELECT {}()", qualified(&schema.namespace, UPKEEP_ALL));
    // Named for the schema: pg_cron's job names are one set per user across databases.
    hourly_job(schema, &format!("{}-partition-upkeep", schema.name), &command, span);
}

/// A pg_cron job running `command` hourly, unless a job of that name is declared.
fn hourly_job(schema: &mut Schema, name: &str, command: &str, span: Span) {
    if !schema.jobs.iter().any(|j| j.name == name) {
        let command = Expr::new(command, span);
        schema.jobs.push(Job { name: name.into(), schedule: "0 * * * *".into(), command, span });
    }
}
