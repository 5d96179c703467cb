//! Parse + check + SQL for synthetic schemas of 10, 100 and 1,000 tables, and 1,000 tables with
//! 100 partitioned tables of 24 partitions and 500 policies: the cases the targets were set for
//! (under 100 ms and 150 ms). Beside them, the whole of `generate` (the Rust models too), which
//! has no target of its own.
//! Run with `cargo bench -p strata-codegen --bench pipeline`.

mod synthetic;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use strata_codegen::{compile_toml_str, generate};

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+check+sql");
    group.sample_size(20);
    for n in [10, 100, 1000] {
        let toml = synthetic::schema_toml(n);
        // The benchmark only means something if the schema is valid.
        let compiled = compile_toml_str([("synthetic.toml", toml.as_str())]);
        assert!(compiled.diagnostics.is_empty(), "{}", compiled.diagnostics.render(&compiled.sources));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &toml, |b, toml| {
            b.iter(|| {
                let compiled = compile_toml_str([("synthetic.toml", toml.as_str())]);
                generate::sql_files(compiled.schema.as_ref().unwrap())
            })
        });
    }
    group.finish();
}

/// Issue 3's target: 1,000 tables plus 100 partitioned tables of 24 partitions and 500 policies.
fn pipeline_with_partitions_and_policies(c: &mut Criterion) {
    let toml = synthetic::schema_toml_with_partitions_and_policies(1000, 100, 500);
    let compiled = compile_toml_str([("synthetic.toml", toml.as_str())]);
    assert!(!compiled.diagnostics.has_errors(), "{}", compiled.diagnostics.render(&compiled.sources));
    let mut group = c.benchmark_group("parse+check+sql, partitions and policies");
    group.sample_size(20);
    group.bench_function("1000 tables + 100x24 partitions + 500 policies", |b| {
        b.iter(|| {
            let compiled = compile_toml_str([("synthetic.toml", toml.as_str())]);
            generate::sql_files(compiled.schema.as_ref().unwrap())
        })
    });
    group.finish();
}

/// Everything `strata generate` renders for the 1,000-table schema: the SQL and the Rust models
/// (19 MB of Rust for this schema), reported beside the targets.
fn whole_generate(c: &mut Criterion) {
    let toml = synthetic::schema_toml(1000);
    let mut group = c.benchmark_group("parse+check+sql+rust");
    group.sample_size(20);
    group.bench_function("1000", |b| {
        b.iter(|| {
            let compiled = compile_toml_str([("synthetic.toml", toml.as_str())]);
            generate::files(compiled.schema.as_ref().unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline, pipeline_with_partitions_and_policies, whole_generate);
criterion_main!(benches);
