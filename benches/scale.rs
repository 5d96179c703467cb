//! `strata generate` of the synthetic schema at 1,000 and 10,000 tables, the whole process on a
//! fresh output folder, as issue 33 measured it: user and system CPU and peak memory of the
//! child (getrusage), so that a super-linear lookup or a copy kept alive shows in the next note.
//! Targets: 1,000 tables ≤ 60 ms CPU; 10,000 tables ≤ 1 s CPU, ≤ 250 MB; ≤ ×11 CPU per ×10 tables.
//!
//! `cargo bench --bench scale` (`STRATA_SCALE_TABLES=1000,10000` to choose the sizes).

#[path = "../codegen/benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::process::Command;
use std::time::Instant;

/// The resources used by the children waited for so far.
fn children() -> libc::rusage {
    // SAFETY: getrusage writes the struct it is given and nothing else.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    }
}

fn seconds(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

fn main() {
    // `cargo bench` passes `--bench`; a filter or other flags are not this bench's.
    let sizes: Vec<usize> = std::env::var("STRATA_SCALE_TABLES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("STRATA_SCALE_TABLES: numbers of tables"))
        .collect();
    let mut previous: Option<(usize, f64)> = None;
    for tables in sizes {
        let project = tempfile::tempdir().expect("tempdir");
        let schema = project.path().join("schema/synthetic");
        std::fs::create_dir_all(&schema).expect("mkdir");
        std::fs::write(project.path().join("strata.toml"), "schemas = \"schema\"\nout = \"generated\"\n").unwrap();
        std::fs::write(schema.join("schema.toml"), synthetic::schema_toml(tables)).expect("write toml");
        let before = children();
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .current_dir(project.path())
            .arg("generate")
            .output()
            .expect("strata runs");
        let wall = started.elapsed().as_secs_f64();
        assert!(out.status.success(), "strata generate: {}", String::from_utf8_lossy(&out.stderr));
        let after = children();
        let user = seconds(after.ru_utime) - seconds(before.ru_utime);
        let system = seconds(after.ru_stime) - seconds(before.ru_stime);
        // ru_maxrss of children is the largest child's peak so far, in KiB on Linux.
        let peak = after.ru_maxrss as f64 / 1024.0;
        let growth =
            previous.map(|(n, cpu)| format!(", ×{:.1} CPU for ×{:.0} tables", user / cpu, tables as f64 / n as f64));
        println!(
            "generate {tables} tables: {wall:.3} s wall, {user:.3} s user, {system:.3} s system, peak {peak:.0} MB (largest child so far){}",
            growth.unwrap_or_default()
        );
        previous = Some((tables, user));
    }
}
