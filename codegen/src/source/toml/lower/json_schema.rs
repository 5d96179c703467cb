//! The TOML format as a JSON Schema, for editors (taplo, Even Better TOML: completion, hover,
//! inline errors). Built from the same key tables the lowering checks keys against, so the two
//! cannot drift: a key the source accepts is a property here, and any other is an error in both.
//! Shapes are only as strict as the keys: values stay free where the source reads several forms.

use serde_json::{Map, Value, json};

use super::*;

/// An object of exactly `keys`; `nested` gives the schema of those that hold more structure.
fn object(keys: &[&str], nested: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = keys
        .iter()
        .map(|k| {
            let nested = nested.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            (k.to_string(), nested.unwrap_or(json!({})))
        })
        .collect();
    json!({ "type": "object", "properties": properties, "additionalProperties": false })
}

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
    let column = string_or(object(COLUMN_KEYS, &[("identity", string_or(object(IDENTITY_KEYS, &[])))]));
    let partition = object(
        PARTITION_ITEM_KEYS,
        &[
            ("checks", list(check.clone())),
            ("foreign_keys", list(foreign_key.clone())),
            ("indexes", list(index.clone())),
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
            ("partition", object(PARTITION_KEYS, &[("partitions", list(partition))])),
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
            ("schema", object(SCHEMA_KEYS, &[])),
            ("namespaces", named(object(NAMESPACE_KEYS, &[]))),
            ("mixins", named(object(MIXIN_KEYS, &[("columns", named(column))]))),
            ("enums", named(object(ENUM_KEYS, &[]))),
            ("domains", named(object(DOMAIN_KEYS, &[("checks", list(check))]))),
            ("composites", named(object(COMPOSITE_KEYS, &[("fields", fields(COMPOSITE_FIELD_KEYS))]))),
            ("ranges", named(object(RANGE_KEYS, &[]))),
            ("shapes", named(object(SHAPE_KEYS, &[("fields", fields(SHAPE_FIELD_KEYS))]))),
            ("tables", named(table)),
            ("sequences", named(object(SEQUENCE_KEYS, &[]))),
            ("roles", named(object(ROLE_KEYS, &[]))),
            ("grants", list(object(GRANT_KEYS, &[]))),
            ("revokes", list(object(REVOKE_KEYS, &[]))),
            ("default_privileges", list(object(DEFAULT_PRIVILEGE_KEYS, &[]))),
            ("functions", named(object(FUNCTION_KEYS, &[]))),
            ("aggregates", named(object(AGGREGATE_KEYS, &[]))),
            ("views", named(object(VIEW_KEYS, &[("indexes", list(index)), ("triggers", list(trigger))]))),
            ("jobs", named(object(JOB_KEYS, &[]))),
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
