//! The reverse source and `strata verify` against PostgreSQL's own tools, side by side in one
//! run on one scratch server (PostgreSQL's binaries, tuned for speed as `strata verify`'s own
//! scratch server is), on the synthetic 1,000-table schema:
//!
//! - introspection (`source::live::introspect`, a fixed number of catalog queries, over
//!   `PgCatalogs::CONNECTIONS` connections as the CLI reads, and on one) against
//!   `pg_dump --schema-only` of the same database; the number of round trips is printed;
//! - `strata verify` end to end (compile, generate, apply in one transaction, introspect,
//!   compare; the binary, as users run it) against `psql -f schema.sql` alone.
//!
//! `cargo bench --bench live` (`-- --quick` for one sample each instead of five). Targets:
//! introspection in at most half pg_dump's time; verify faster than psql. Also `strata migrate
//! up` of the first migration against psql, and the runner's own cost per migration.

// The compiler's benchmark schema; this bench uses one of its shapes.
#[path = "../codegen/benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use strata::live::{PgCatalog, PgCatalogs};
use strata::scratch::{Backend, Server};
use strata_codegen::source::live::{self, Catalog};
use strata_codegen::verify;

const TABLES: usize = 1000;

/// Times each round trip.
struct Timed<'a>(PgCatalog<'a>, Vec<Duration>);

impl Catalog for Timed<'_> {
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let start = Instant::now();
        let rows = self.0.rows(sql);
        self.1.push(start.elapsed());
        rows
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let samples = if quick { 1 } else { 5 };
    let server = Server::start(Backend::Local).expect("PostgreSQL's binaries (initdb, postgres) are needed");
    let bin = strata::scratch::bin_dir().expect("PostgreSQL's binaries");
    let config = server.config("postgres");
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        postgres::config::Host::Unix(p) => p.display().to_string(),
    };
    let port = config.get_ports()[0].to_string();
    let url = |db: &str| format!("postgres://postgres@{host}:{port}/{db}");

    // The schema as a project folder, and its SQL.
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("synthetic");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("schema.toml"), synthetic::schema_toml(TABLES)).expect("write toml");
    let schema = strata_codegen::io::compile_folder(&folder).unwrap().schema.unwrap();
    let sql_file = dir.path().join("schema.sql");
    std::fs::write(&sql_file, &strata_codegen::generate::files(&schema)[0].1).expect("write sql");

    let mut admin = server.admin().unwrap();
    let mut fresh = |name: &str| {
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0")).unwrap();
    };

    // psql -f schema.sql, alone, into a fresh database each time.
    let psql = best(samples, || {
        fresh("bench_psql");
        let start = Instant::now();
        let status = Command::new(bin.join("psql"))
            .args(["-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", &url("bench_psql"), "-f"])
            .arg(&sql_file)
            .stdout(Stdio::null())
            .status()
            .expect("psql");
        assert!(status.success(), "psql failed");
        start.elapsed()
    });

    // strata verify: compile, generate, apply, introspect, compare.
    let verify = best(samples, || {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["verify", "--schemas"])
            .arg(dir.path())
            .args(["--dev-url", &url("postgres")])
            .env_remove("DATABASE_URL")
            .output()
            .expect("strata");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        start.elapsed()
    });

    // Introspection against pg_dump, on the database psql made.
    let mut client = server.config("bench_psql").connect(postgres::NoTls).unwrap();
    let namespaces = live::namespaces_of(&schema);
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    let mut per_query = Vec::new();
    let mut read = None;
    // As the CLI reads: over `PgCatalogs::CONNECTIONS` connections, opened inside the time (as
    // pg_dump's own connection is).
    let introspect = best(samples, || {
        let start = Instant::now();
        let mut catalogs = PgCatalogs::connect(|| server.config("bench_psql").connect(postgres::NoTls)).unwrap();
        read = Some(live::introspect(&mut catalogs, "synthetic", &namespaces).unwrap());
        start.elapsed()
    });
    // The queries one after another on one new connection, each timed.
    let one_connection = best(samples, || {
        let start = Instant::now();
        let mut client = server.config("bench_psql").connect(postgres::NoTls).unwrap();
        let mut timed = Timed(PgCatalog(&mut client), Vec::new());
        live::introspect(&mut timed, "synthetic", &namespaces).unwrap();
        per_query = timed.1;
        start.elapsed()
    });
    let (round_trips, read) = (per_query.len(), read.unwrap());
    let tables = read.tables.len();
    // What verify does after reading, on its own.
    let mut declared = schema.clone();
    let start = Instant::now();
    let settled = verify::settle(&mut PgCatalog(&mut client), &mut declared, &read);
    let settle = start.elapsed();
    let start = Instant::now();
    let differences = verify::differences(&declared, &read);
    let compare = start.elapsed();
    assert!(differences.is_empty(), "{} difference(s)", differences.len());
    let pg_dump = best(samples, || {
        let start = Instant::now();
        let status = Command::new(bin.join("pg_dump"))
            .args(["--schema-only", "-d", &url("bench_psql")])
            .stdout(Stdio::null())
            .status()
            .expect("pg_dump");
        assert!(status.success(), "pg_dump failed");
        start.elapsed()
    });

    // strata migrate up of the first migration (the binary, as users run it), against psql.
    let chain = dir.path().join("migrations");
    let empty = strata_codegen::migrations::empty(&schema);
    for (path, text) in strata_codegen::migrations::migration(&empty, &schema, "0001_init") {
        let path = chain.join(path.strip_prefix("migrations/").unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let migrate = best(samples, || {
        fresh("bench_migrate");
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["migrate", "up", "--dir"])
            .arg(&chain)
            .args(["--database-url", &url("bench_migrate")])
            .output()
            .expect("strata");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        start.elapsed()
    });

    // The runner's own cost per migration (lock, record, checksums, transaction): 100 small
    // migrations through the Migrator, against their statements run one by one.
    let small: Vec<strata::migrate::Migration> = (1..=100)
        .map(|n| {
            let up = format!("-- @generated\n-- up\n\n-- CreateTable t{n}\nCREATE TABLE t{n} (id int);\n");
            strata::migrate::Migration::new(&format!("{n:04}_t{n}"), up, format!("-- Undo\nDROP TABLE t{n};\n"))
                .unwrap()
        })
        .collect();
    let direct = best(samples, || {
        fresh("bench_small");
        let mut client = server.config("bench_small").connect(postgres::NoTls).unwrap();
        let start = Instant::now();
        for m in &small {
            client.batch_execute(&m.up).unwrap();
        }
        start.elapsed()
    });
    let runner = best(samples, || {
        fresh("bench_small");
        let mut client = server.config("bench_small").connect(postgres::NoTls).unwrap();
        let start = Instant::now();
        strata::migrate::Migrator::new(small.clone()).up(&mut client, None).unwrap();
        start.elapsed()
    });

    println!("live bench: {TABLES} tables, best of {samples}");
    println!(
        "introspect: {:>8.1} ms ({round_trips} catalog round trips over {} connections, {tables} tables read)   pg_dump --schema-only: {:>8.1} ms   ratio {:.2} (target <= 0.50)",
        ms(introspect),
        PgCatalogs::CONNECTIONS,
        ms(pg_dump),
        ms(introspect) / ms(pg_dump)
    );
    println!("  on one new connection: {:.1} ms", ms(one_connection));
    let mut slowest: Vec<(Duration, &str)> =
        per_query.iter().zip(live::QUERIES).map(|(d, (name, _))| (*d, name)).collect();
    slowest.sort_by(|a, b| b.cmp(a));
    let slowest: Vec<String> = slowest.iter().take(5).map(|(d, n)| format!("{n} {:.1}", ms(*d))).collect();
    println!("  slowest queries (ms): {}", slowest.join(", "));
    println!("  after reading: settle {:.1} ms ({settled:?}), compare {:.1} ms", ms(settle), ms(compare));
    println!(
        "strata verify: {:>8.1} ms (compile, apply, introspect, compare)   psql -f schema.sql: {:>8.1} ms   ratio {:.2} (target < 1.00)",
        ms(verify),
        ms(psql),
        ms(verify) / ms(psql)
    );
    println!(
        "strata migrate up (first migration): {:>8.1} ms   psql -f schema.sql: {:>8.1} ms   ratio {:.2}",
        ms(migrate),
        ms(psql),
        ms(migrate) / ms(psql)
    );
    println!(
        "runner, 100 small migrations: {:.1} ms, their statements alone {:.1} ms: {:.2} ms per migration for lock, record and transaction",
        ms(runner),
        ms(direct),
        (ms(runner) - ms(direct)) / 100.0
    );
}

/// The shortest of `samples` runs, each timing what it measures itself.
fn best(samples: usize, mut run: impl FnMut() -> Duration) -> Duration {
    (0..samples).map(|_| run()).min().unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
