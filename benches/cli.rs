//! `strata generate` as users run it, the whole process (start, read the schema and the
//! migrations, compile, diff, render, write the output folder atomically), on the synthetic
//! 1,000-table schema with 5 % of its tables changed since its one migration: what writing the
//! next migration costs. Target (issue 12): under 150 ms.
//!
//! `cargo bench --bench cli`.

// The compiler's benchmark schema; this bench uses one of its shapes.
#[path = "../codegen/benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::path::Path;
use std::process::Command;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const TABLES: usize = 1000;

fn strata(project: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata")).current_dir(project).args(args).output().expect("strata runs");
    assert!(out.status.success(), "strata {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn generate_next_migration(c: &mut Criterion) {
    let project = tempfile::tempdir().expect("tempdir");
    let schema = project.path().join("schema/synthetic");
    std::fs::create_dir_all(&schema).expect("mkdir");
    std::fs::write(project.path().join("strata.toml"), "schemas = \"schema\"\nout = \"generated\"\n").expect("write");
    let toml = synthetic::schema_toml(TABLES);
    std::fs::write(schema.join("schema.toml"), &toml).expect("write toml");
    strata(project.path(), &["generate"]);
    // 5 % of the tables get a column more.
    let mut changed = toml;
    for t in (0..TABLES).step_by(20) {
        let header = format!("[tables.t{t}.columns]\n");
        changed = changed.replacen(&header, &format!("{header}added = {{ type = \"text\", nullable = true }}\n"), 1);
    }
    std::fs::write(schema.join("schema.toml"), &changed).expect("write toml");
    let next = project.path().join("generated/synthetic/migrations/0002_add");

    let mut group = c.benchmark_group("strata generate, whole process");
    group.sample_size(20);
    group.bench_function("1000 tables, 5% changed, new migration", |b| {
        b.iter_batched(
            // Each run starts with the one migration there is.
            || {
                if next.exists() {
                    std::fs::remove_dir_all(&next).expect("remove the new migration");
                }
            },
            |()| strata(project.path(), &["generate", "--name", "add"]),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    assert!(next.join("up.sql").exists(), "the new migration is written");
}

criterion_group!(benches, generate_next_migration);
criterion_main!(benches);
