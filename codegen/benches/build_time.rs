//! How long `cargo build` (debug, the default dev profile) takes on generated Rust: the models of
//! a synthetic 100-table schema (the shape of Diesel's reference figure: 66 s for 100 tables),
//! and the five seed systems' models as committed under generated/.
//!
//! Each sample is a clean build of the models crate alone: its dependencies are built once, up
//! front, then the crate's incremental cache is removed and it is rebuilt. Needs the registry's
//! crates already downloaded (any earlier build of the workspace did that).
//! Run with `cargo bench -p strata-codegen --bench build_time`.

#[allow(dead_code)] // each bench uses part of it
mod synthetic;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use std::{fs, io};

const SAMPLES: usize = 3;

fn main() -> io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let work = root.join("target/build-time");

    let compiled = strata_codegen::compile_toml_str([("synthetic.toml", synthetic::schema_toml(100).as_str())]);
    let schema = compiled.schema.expect("the synthetic schema is valid");
    let synthetic = strata_codegen::render::rust::models(&schema);
    let crate_dir = models_crate(&root, &work, "synthetic", &[("synthetic", synthetic)])?;
    report("synthetic schema, 100 tables", 100, &crate_dir, &work)?;

    let mut systems = Vec::new();
    for system in ["agentflow", "agentic", "agentworks", "aiplatform", "autosdlc"] {
        systems.push((system, fs::read_to_string(root.join("generated").join(system).join("models.rs"))?));
    }
    let tables = systems.iter().map(|(_, m)| m.matches("\nimpl strata::Table for ").count()).sum();
    let crate_dir = models_crate(&root, &work, "seeds", &systems)?;
    report("the five seed systems", tables, &crate_dir, &work)
}

/// A crate holding `modules` (name, models.rs), depending on the strata runtime only.
fn models_crate(root: &Path, work: &Path, name: &str, modules: &[(&str, String)]) -> io::Result<PathBuf> {
    let dir = work.join(name);
    fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"models-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n\
         [dependencies]\nstrata = {{ path = {:?}, default-features = false }}\n",
        root.display().to_string()
    );
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut lib = String::new();
    for (module, models) in modules {
        fs::write(dir.join("src").join(format!("{module}.rs")), models)?;
        lib.push_str(&format!("pub mod {module};\n"));
    }
    fs::write(dir.join("src/lib.rs"), lib)?;
    Ok(dir)
}

fn report(what: &str, tables: usize, crate_dir: &Path, work: &Path) -> io::Result<()> {
    cargo_build(crate_dir, work)?; // the dependencies, once
    let mut samples: Vec<Duration> = (0..SAMPLES).map(|_| clean_build(crate_dir, work)).collect::<io::Result<_>>()?;
    samples.sort();
    let median = samples[SAMPLES / 2];
    println!(
        "cargo build (debug) of {what}: median {:.2} s of {SAMPLES} clean builds (min {:.2} s) = {:.2} s per 100 tables",
        median.as_secs_f64(),
        samples[0].as_secs_f64(),
        median.as_secs_f64() * 100.0 / tables as f64
    );
    Ok(())
}

/// Rebuilds the models crate from nothing: no incremental cache, dependencies kept.
fn clean_build(crate_dir: &Path, work: &Path) -> io::Result<Duration> {
    let incremental = work.join("target/debug/incremental");
    if incremental.exists() {
        fs::remove_dir_all(&incremental)?;
    }
    let lib = crate_dir.join("src/lib.rs");
    fs::write(&lib, fs::read(&lib)?)?; // a new mtime: cargo rebuilds the crate
    let start = Instant::now();
    cargo_build(crate_dir, work)?;
    Ok(start.elapsed())
}

fn cargo_build(crate_dir: &Path, work: &Path) -> io::Result<()> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline", "--lib"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("CARGO_INCREMENTAL")
        .env_remove("RUSTFLAGS")
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("cargo build failed in {}", crate_dir.display())))
    }
}
