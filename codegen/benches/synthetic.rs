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
