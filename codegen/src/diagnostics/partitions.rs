//! PostgreSQL's rules for partitioned tables, and partition upkeep.

use super::{Diagnostic, Explanation, Span, error, warning};

impl Diagnostic {
    pub(super) const E0030: Explanation = Explanation {
        what: "A unique key of a partitioned table without the partition key: PostgreSQL cannot enforce it across partitions.",
        mistake: "[tables.events]\nprimary_key = [\"id\"]   # partitioned by created_at",
        fix: "Include the key's columns: `primary_key = [\"id\", \"created_at\"]`.",
    };
    pub fn unique_without_partition_key(
        kind: &str,
        name: &str,
        table: &str,
        missing: &[&str],
        span: Span,
    ) -> Diagnostic {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        error("E0030", format!("{kind} `{name}` of partitioned table `{table}` does not include the partition key {cols}"), span)
            .help(format!("PostgreSQL rejects it: add {cols} to the {kind} (e.g. `primary_key = [\"id\", \"{}\"]`), or stop partitioning the table", missing[0]))
    }

    pub fn unique_on_expression_partition_key(kind: &str, name: &str, span: Span) -> Diagnostic {
        error("E0030", format!("{kind} `{name}` is on a table partitioned by an expression"), span)
            .help("PostgreSQL cannot enforce uniqueness across partitions keyed by an expression: partition by columns instead")
    }

    pub(super) const E0031: Explanation = Explanation {
        what: "A foreign key to a partitioned table that leaves out its partition key: the target's unique keys all include it.",
        mistake: "[tables.logs.columns]\nrun_id = { type = \"uuid\", references = \"runs.id\" }   # runs is partitioned by created_at",
        fix: "Add the key column and reference both: `references = \"runs(id, created_at)\"` in `[[foreign_keys]]`.",
    };
    pub fn fk_to_partitioned_without_key(target: &str, missing: &[&str], span: Span) -> Diagnostic {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        error("E0031", format!("foreign key references partitioned table `{target}` without its partition key {cols}"), span)
            .help(format!("a partitioned table's unique keys include {cols}: add the same column(s) to this table and reference them together, e.g. `references = \"{target}(id, {})\"` with a `[[foreign_keys]]` entry", missing[0]))
    }

    pub(super) const E0032: Explanation = Explanation {
        what: "A partition whose bound does not fit the partitioning method.",
        mistake: "[[tables.events.partition.partitions]]   # by = \"list\"\nname = \"events_2026\"\nfrom = \"2026-01-01\"\nto = \"2027-01-01\"",
        fix: "Range partitions take `from`/`to`, list ones `values`, hash ones `modulus`/`remainder`.",
    };
    pub fn partition_bound_mismatch(name: &str, method: &str, why: &str, span: Span) -> Diagnostic {
        error("E0032", format!("partition `{name}` does not fit `by = \"{method}\"`: {why}"), span)
            .help("range partitions take `from` and `to`, list partitions `values`, hash partitions `modulus` and `remainder`")
    }

    pub(super) const E0033: Explanation = Explanation {
        what: "Two range partitions overlap: a row would belong to both.",
        mistake: "from = \"2026-01-01\", to = \"2026-03-01\" and from = \"2026-02-01\", to = \"2026-04-01\"",
        fix: "Make them adjacent: the `to` of one is the `from` of the next.",
    };
    pub fn partitions_overlap(name: &str, other: &str, span: Span) -> Diagnostic {
        error("E0033", format!("partition `{name}` overlaps partition `{other}`"), span)
            .help("each value may belong to one partition only: make the ranges adjacent, `to` of one being `from` of the next")
    }

    pub(super) const W0003: Explanation = Explanation {
        what: "A gap between range partitions: rows there go to DEFAULT, or are rejected without one.",
        mistake: "from 2026-01 to 2026-02, then from 2026-03",
        fix: "Add the missing partition, or `default = true`.",
    };
    pub fn partitions_gap(from: &str, to: &str, span: Span) -> Diagnostic {
        warning("W0003", format!("no partition holds values from {from} to {to}"), span)
            .help("rows in the gap go to the DEFAULT partition, or are rejected without one: add a partition or `default = true`")
    }

    pub(super) const W0004: Explanation = Explanation {
        what: "A partitioned table with no partition: every INSERT fails.",
        mistake: "[tables.events.partition]\nby = \"range\"\nkey = [\"at\"]",
        fix: "Generate (`interval`, `from`, `count`) or premake (`premake`) partitions, list them, add `default = true`, or set `managed_by`.",
    };
    pub fn partitioned_without_partitions(table: &str, span: Span) -> Diagnostic {
        warning("W0004", format!("partitioned table `{table}` has no partitions, so every insert fails"), span)
            .help("generate partitions (`interval`, `from`, `count`), list them, add `default = true`, or set `managed_by` if another tool creates them")
    }

    pub(super) const E0071: Explanation = Explanation {
        what: "Premade partitions declared so they cannot be kept: fixed dates beside `premake`, not a range of one date/time column, listed range partitions, a name pattern without the interval's date fields, or a tool that is not strata or a declared pg_partman.",
        mistake: "[tables.logs.partition]\nby = \"range\"\nkey = [\"at\"]\ninterval = \"month\"\npremake = 3\nfrom = \"2026-01-01\"",
        fix: "Remove `from` and `count` (`past` says how many earlier periods to make), and follow the help of the message.",
    };
    pub fn invalid_premake(table: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0071", format!("premade partitions of `{table}`: {why}"), span).help(help)
    }

    pub(super) const W0008: Explanation = Explanation {
        what: "`premake = 0` with a DEFAULT partition: each new period's rows wait in DEFAULT until upkeep runs, which then moves them on every run.",
        mistake: "[tables.logs.partition]\npremake = 0\ndefault = true",
        fix: "Premake at least one period ahead: `premake = 1`.",
    };
    pub fn default_between_upkeeps(table: &str, span: Span) -> Diagnostic {
        warning(
            "W0008",
            format!(
                "`{table}` premakes no partition ahead, so each new period's rows land in DEFAULT until upkeep runs"
            ),
            span,
        )
        .help("set `premake` to 1 or more: upkeep then moves no rows out of DEFAULT on every run")
    }

    pub(super) const E0058: Explanation = Explanation {
        what: "A NOT VALID foreign key on a partitioned table, which PostgreSQL 15 cannot add.",
        mistake: "[[tables.events.foreign_keys]]\ncolumns = [\"user_id\"]\nreferences = \"users.id\"\nnot_valid = true",
        fix: "Remove `not_valid`, or put the key on the partitions.",
    };
    pub fn not_valid_fk_on_partitioned(table: &str, fk: &str, span: Span) -> Diagnostic {
        error("E0058", format!("foreign key `{fk}` is NOT VALID on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table: drop `not_valid`")
    }

    pub(super) const E0063: Explanation = Explanation {
        what: "An exclusion constraint on a partitioned table, which PostgreSQL 15 cannot build.",
        mistake: "[[tables.bookings.exclude]]   # bookings is partitioned",
        fix: "Declare it on each partition, or do not partition the table.",
    };
    pub fn exclusion_on_partitioned(table: &str, name: &str, span: Span) -> Diagnostic {
        error("E0063", format!("exclusion constraint `{name}` is on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 has no exclusion constraints on partitioned tables (17 has them): declare it on each partition's own table, or enforce it in a trigger")
    }
}
