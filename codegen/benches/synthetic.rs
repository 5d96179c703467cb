//! A synthetic schema of any size, shaped like the seeds: per table 15 columns, 3 indexes,
//! 1 check and 1 foreign key (to the previous table, so the order is a chain).

use std::fmt::Write as _;

pub fn schema_toml(n_tables: usize) -> String {
    let mut out =
        String::from("[schema]\nname = \"synthetic\"\n\n[enums.state]\nvalues = [\"new\", \"active\", \"done\"]\n\n");
    for i in 0..n_tables {
        let parent = if i == 0 { 0 } else { i - 1 };
        writeln!(
            out,
            r#"[tables.t{i}]
doc = "Synthetic table {i}"
[tables.t{i}.columns]
id = {{ type = "uuid", primary_key = true, default = "gen_random_uuid()" }}
parent_id = {{ type = "uuid", nullable = true, references = "t{parent}.id", on_delete = "cascade" }}
name = {{ type = "varchar(255)", min_length = 1 }}
slug = {{ type = "varchar(100)", pattern = "^[a-z0-9-]+$" }}
state = {{ type = "state", default = "'new'" }}
score = {{ type = "numeric(5,2)", default = "0", range = [0, 100] }}
counter = {{ type = "integer", default = "{i}" }}
big = {{ type = "bigint", nullable = true }}
flag = {{ type = "boolean", default = "false" }}
payload = {{ type = "jsonb", default = "'{{}}'" }}
tags = {{ type = "text[]", default = "'{{}}'" }}
note = {{ type = "text", nullable = true, doc = "A note" }}
starts_at = {{ type = "timestamptz", default = "now()" }}
ends_at = {{ type = "timestamptz", nullable = true }}
created_at = {{ type = "timestamptz", default = "now()" }}
[[tables.t{i}.checks]]
name = "t{i}_ends_after_start"
expr = "ends_at IS NULL OR ends_at >= starts_at + interval '{i} seconds'"
[[tables.t{i}.indexes]]
columns = ["parent_id"]
[[tables.t{i}.indexes]]
columns = ["state", {{ column = "created_at", order = "desc" }}]
where = "ends_at IS NULL AND counter > {i}"
[[tables.t{i}.indexes]]
columns = ["payload"]
using = "gin"
"#
        )
        .unwrap();
    }
    out
}

/// The schema above plus `n_partitioned` tables of 24 monthly partitions each and `n_policies`
/// row-level security policies spread over the first tables.
pub fn schema_toml_with_partitions_and_policies(n_tables: usize, n_partitioned: usize, n_policies: usize) -> String {
    let mut out = schema_toml(n_tables);
    out.push_str("[roles.app_user]\n\n");
    for i in 0..n_partitioned {
        writeln!(
            out,
            r#"[tables.p{i}]
primary_key = ["id", "at"]
[tables.p{i}.columns]
id = {{ type = "uuid", default = "gen_random_uuid()" }}
t_id = {{ type = "uuid", references = "t{}.id" }}
at = {{ type = "timestamptz", default = "now()" }}
amount = {{ type = "numeric(10,2)", range = [0, 1000000] }}
[tables.p{i}.partition]
by = "range"
key = ["at"]
interval = "month"
from = "2025-01-01"
count = 24
default = true
retention = "12 months"
[[tables.p{i}.indexes]]
columns = ["t_id", "at"]
"#,
            i % n_tables.max(1)
        )
        .unwrap();
    }
    for i in 0..n_policies.min(n_tables) {
        writeln!(
            out,
            r#"[tables.t{i}.rls]
enabled = true
[[tables.t{i}.policies]]
name = "t{i}_counter_policy"
to = ["app_user"]
using = "counter >= {i} AND EXISTS (SELECT 1 FROM t{} x WHERE x.id = parent_id)"
"#,
            i.saturating_sub(1)
        )
        .unwrap();
    }
    out
}
