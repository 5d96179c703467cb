//! The TOML format as a JSON Schema, for editors (taplo, Even Better TOML: completion, hover,
//! inline errors). Built from the same key tables the lowering checks keys against, so the two
//! cannot drift: a key the source accepts is a property here, and any other is an error in both.
//! Shapes are only as strict as the keys: values stay free where the source reads several forms.

use serde_json::{Map, Value, json};

use super::*;

/// An object of exactly `keys`; `nested` gives the schema of those that hold more structure.
fn object(keys: &[&str], nested: &[(&str, Value)]) -> Value {
    documented(keys, nested, &[])
}

/// `object`, with what editors show on hover for the keys `docs` describes.
fn documented(keys: &[&str], nested: &[(&str, Value)], docs: &[(&str, &str)]) -> Value {
    let properties: Map<String, Value> = keys
        .iter()
        .map(|k| {
            let mut value = nested.iter().find(|(n, _)| n == k).map_or(json!({}), |(_, v)| v.clone());
            if let Some((_, doc)) = docs.iter().find(|(d, _)| d == k) {
                value["description"] = json!(doc);
            }
            (k.to_string(), value)
        })
        .collect();
    json!({ "type": "object", "properties": properties, "additionalProperties": false })
}

/// `value` with a description: what the section is, and where docs/format.md says more.
fn about(mut value: Value, text: &str) -> Value {
    value["description"] = json!(format!("{text} (docs/format.md)"));
    value
}

/// Hover texts of a column's keys (docs/format.md, Columns).
const COLUMN_DOCS: &[(&str, &str)] = &[
    ("type", "The column's type: a PostgreSQL type, or a declared union type, domain, composite or range type."),
    ("nullable", "true allows NULL; columns are NOT NULL by default."),
    ("primary_key", "true: this column is the primary key (<table>_pkey)."),
    ("unique", "true: UNIQUE, named <table>_<column>_key."),
    ("default", "SQL expression: \"now()\", \"'active'\", \"0\"; quote text, a bare word is a column."),
    ("generated", "SQL expression of a GENERATED ALWAYS AS (...) STORED column."),
    ("identity", "\"always\" or \"by default\" (GENERATED ... AS IDENTITY), or a table with sequence options."),
    ("references", "The foreign key's target: \"table.column\", \"table\" (its primary key) or \"table(a, b)\"."),
    ("on_delete", "With references: no action (default), restrict, cascade, set null, set default."),
    ("on_update", "With references: no action (default), restrict, cascade, set null, set default."),
    ("check", "SQL CHECK on this column, named <table>_<column>_check."),
    ("doc", "COMMENT ON COLUMN."),
    ("sensitive", "true: a secret, redacted in generated Debug output and logs."),
    ("pattern", "CHECK col ~ 'regex', enforced by the database and by validate()."),
    ("min_length", "CHECK char_length(col) >= n, enforced by the database and by validate()."),
    ("range", "[min, max], inclusive, enforced by the database and by validate()."),
    ("format", "\"email\" or \"url\": checked by the application only."),
    ("set_on_update", "SQL expression a trigger assigns on every UPDATE (\"now()\" for updated_at)."),
    ("shape", "A [shapes] name: the json/jsonb column is a typed struct in Rust."),
    ("renamed_from", "The column's name before: the next migration renames it instead of dropping it."),
    (
        "backfill",
        "SQL giving existing rows their value when the migration adding this NOT NULL column runs (in batches).",
    ),
];

/// Hover texts of a partitioned table's keys (docs/format.md, Partitions).
const PARTITION_DOCS: &[(&str, &str)] = &[
    ("by", "range, list or hash."),
    ("key", "The partition key: columns, or { expr = \"...\" }."),
    ("interval", "day, week (ISO, from Monday), month or year: the span of each generated or premade partition."),
    ("from", "Generated partitions: the first one's start date (with interval and count)."),
    ("count", "Generated partitions: how many, from `from`."),
    ("premake", "Partitions after the current one that always exist, made relative to the server's clock by upkeep."),
    ("past", "With premake: partitions before the current one made at first apply."),
    ("name", "Partition name pattern: {table}, {yyyy}, {mm}, {dd}, {isoyyyy}, {ww}."),
    ("default", "true: a DEFAULT partition for rows no other partition takes."),
    ("retention", "How long rows are kept, as a PostgreSQL interval (\"90 days\")."),
    ("retention_action", "drop (the default) or archive: what upkeep does with partitions past retention."),
    ("archive", "With retention_action = \"archive\": the namespace partitions past retention move to."),
    ("managed_by", "Who makes the partitions: strata (default with premake), pg_partman, or another tool."),
];

/// A table of named `value`s (`[tables.NAME]`).
fn named(value: Value) -> Value {
    json!({ "type": "object", "additionalProperties": value })
}

fn list(item: Value) -> Value {
    json!({ "type": "array", "items": item })
}

/// A plain string, or the long form.
fn string_or(long: Value) -> Value {
    json!({ "anyOf": [{ "type": "string" }, long] })
}

/// The JSON Schema of a schema folder's `.toml` files.
pub fn json_schema() -> Value {
    let check = object(CHECK_KEYS, &[]);
    let index = object(INDEX_KEYS, &[("columns", list(string_or(object(INDEX_KEY_KEYS, &[]))))]);
    let foreign_key = object(FK_KEYS, &[]);
    let trigger = object(TRIGGER_KEYS, &[("referencing", object(REFERENCING_KEYS, &[]))]);
    let column =
        string_or(documented(COLUMN_KEYS, &[("identity", string_or(object(IDENTITY_KEYS, &[])))], COLUMN_DOCS));
    let partition = object(
        PARTITION_ITEM_KEYS,
        &[
            ("checks", list(check.clone())),
            ("foreign_keys", list(foreign_key.clone())),
            ("indexes", list(index.clone())),
            ("triggers", list(trigger.clone())),
        ],
    );
    let table = object(
        TABLE_KEYS,
        &[
            ("columns", named(column.clone())),
            ("unique", named(json!({ "anyOf": [list(json!({ "type": "string" })), object(UNIQUE_KEYS, &[])] }))),
            (
                "exclude",
                list(object(EXCLUDE_KEYS, &[("elements", list(string_or(object(EXCLUDE_ELEMENT_KEYS, &[]))))])),
            ),
            ("checks", list(check.clone())),
            ("indexes", list(index.clone())),
            ("foreign_keys", list(foreign_key)),
            ("partition", documented(PARTITION_KEYS, &[("partitions", list(partition))], PARTITION_DOCS)),
            ("rls", object(RLS_KEYS, &[])),
            ("policies", list(object(POLICY_KEYS, &[]))),
            ("triggers", list(trigger.clone())),
            ("rows", list(json!({ "type": "object" }))),
        ],
    );
    let fields = |keys| named(string_or(object(keys, &[])));
    let mut schema = object(
        TOP_KEYS,
        &[
            (
                "schema",
                about(
                    object(SCHEMA_KEYS, &[("ignore", object(IGNORE_KINDS, &[]))]),
                    "The system: its name, PostgreSQL version, extensions, default namespace, what it leaves to others",
                ),
            ),
            (
                "namespaces",
                about(named(object(NAMESPACE_KEYS, &[])), "PostgreSQL schemas, to give one an owner or a comment"),
            ),
            ("mixins", named(object(MIXIN_KEYS, &[("columns", named(column))]))),
            (
                "enums",
                about(
                    named(object(ENUM_KEYS, &[])),
                    "Union types: a closed set of text values, a CHECK or a CREATE TYPE ... AS ENUM",
                ),
            ),
            ("domains", named(object(DOMAIN_KEYS, &[("checks", list(check))]))),
            ("composites", named(object(COMPOSITE_KEYS, &[("fields", fields(COMPOSITE_FIELD_KEYS))]))),
            ("ranges", named(object(RANGE_KEYS, &[]))),
            ("shapes", named(object(SHAPE_KEYS, &[("fields", fields(SHAPE_FIELD_KEYS))]))),
            (
                "tables",
                about(
                    named(table),
                    "Tables: columns, keys, checks, indexes, foreign keys, partitions, RLS, policies, triggers, seed rows",
                ),
            ),
            ("sequences", named(object(SEQUENCE_KEYS, &[]))),
            ("roles", named(object(ROLE_KEYS, &[]))),
            ("grants", list(object(GRANT_KEYS, &[]))),
            ("revokes", list(object(REVOKE_KEYS, &[]))),
            ("default_privileges", list(object(DEFAULT_PRIVILEGE_KEYS, &[]))),
            ("functions", about(named(object(FUNCTION_KEYS, &[])), "Functions and procedures")),
            ("aggregates", named(object(AGGREGATE_KEYS, &[]))),
            ("views", named(object(VIEW_KEYS, &[("indexes", list(index)), ("triggers", list(trigger))]))),
            ("jobs", about(named(object(JOB_KEYS, &[])), "pg_cron jobs, written into jobs.sql")),
        ],
    );
    let head = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "strata schema",
        "description": "One system's schema folder of .toml files (docs/format.md); written by `cargo test --test docs` from the key tables strata's TOML source checks against.",
    });
    for (k, v) in head.as_object().expect("an object") {
        schema[k] = v.clone();
    }
    schema
}
