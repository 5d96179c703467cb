//! A live PostgreSQL for tests, with nobody having to start one.
//!
//! The server is chosen once per test process, in this order:
//! 1. `STRATA_DATABASE_URL` (or `DATABASE_URL`): that server;
//! 2. a Docker engine that answers: a container of `STRATA_PG_IMAGE` (default `postgres:15-alpine`);
//! 3. PostgreSQL's own binaries (`initdb`, `postgres` on PATH or under /usr/lib/postgresql/*/bin):
//!    a throwaway cluster in a temporary folder.
//!
//! A backend that cannot start falls through to the next with a one-line note of why;
//! `STRATA_TEST_BACKEND=url|container|local` forces one. Each test gets its own database,
//! cloned from a template, and drops it when done; the server is stopped when the process exits.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use postgres::{Client, Config, NoTls};

pub use crate::scratch::{Backend, DEFAULT_IMAGE, Server};

const TEMPLATE: &str = "strata_template";

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The process-wide server, started on first use; panics with instructions if none can start.
pub fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let forced = std::env::var("STRATA_TEST_BACKEND").ok().filter(|s| !s.is_empty());
        let candidates: Vec<Backend> = match forced.as_deref() {
            Some(name) => match Backend::ALL.into_iter().find(|b| b.name() == name) {
                Some(b) => vec![b],
                None => panic!("STRATA_TEST_BACKEND={name} is not one of url, container, local"),
            },
            None => Backend::ALL.to_vec(),
        };
        let mut why = Vec::new();
        for backend in candidates {
            match Server::start(backend).and_then(|s| s.prepare_template().map(|()| s)) {
                Ok(server) => {
                    // SAFETY: registering a plain `extern "C"` function has no preconditions.
                    unsafe { libc::atexit(stop_at_exit) };
                    return server;
                }
                Err(e) => {
                    eprintln!("strata testing: {backend} backend unavailable: {e}");
                    why.push(format!("{backend}: {e}"));
                }
            }
        }
        panic!(
            "no PostgreSQL for the live tests ({}).\nProvide one of: STRATA_DATABASE_URL=postgres://user:pass@host/db; \
             a Docker engine with the image in STRATA_PG_IMAGE (default {DEFAULT_IMAGE}); \
             or PostgreSQL's binaries (initdb, postgres) on PATH or under /usr/lib/postgresql/<version>/bin",
            why.join("; ")
        )
    })
}

extern "C" fn stop_at_exit() {
    if let Some(server) = SERVER.get() {
        server.stop();
    }
}

impl Server {
    fn prepare_template(&self) -> Result<(), String> {
        let mut admin = self.admin()?;
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&TEMPLATE])
            .map_err(|e| e.to_string())?
            .is_some();
        if !exists {
            // Two test processes may race here; the loser's error is harmless.
            let _ = admin.batch_execute(&format!("CREATE DATABASE {TEMPLATE} TEMPLATE template0 ENCODING 'UTF8'"));
        }
        Ok(())
    }

    /// A fresh database cloned from the template.
    pub fn create_database(&'static self) -> TestDb {
        let name = format!("strata_test_{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::Relaxed));
        let mut admin = self.admin().unwrap_or_else(|e| panic!("{e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        TestDb { server: self, name }
    }
}

/// One test's own database, dropped when the value is.
pub struct TestDb {
    server: &'static Server,
    pub name: String,
}

/// A URL for a database of the test server, password included.
pub fn url(config: &Config) -> String {
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(host) => host.clone(),
        postgres::config::Host::Unix(path) => path.display().to_string(),
    };
    let password = config.get_password().map(|p| format!(":{}", String::from_utf8_lossy(p))).unwrap_or_default();
    format!(
        "postgres://{}{password}@{host}:{}/{}",
        config.get_user().unwrap_or("postgres"),
        config.get_ports().first().copied().unwrap_or(5432),
        config.get_dbname().unwrap_or("postgres")
    )
}

/// Notices (warnings included) the server sent on a connection.
pub type Notices = Arc<Mutex<Vec<String>>>;

impl TestDb {
    /// A new database on the process-wide server.
    pub fn new() -> TestDb {
        server().create_database()
    }

    pub fn backend(&self) -> Backend {
        self.server.backend
    }

    pub fn config(&self) -> Config {
        self.server.config(&self.name)
    }

    /// Its URL, password included (for a process started by a test).
    pub fn url(&self) -> String {
        url(&self.config())
    }

    pub fn client(&self) -> Client {
        self.config().connect(NoTls).unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.name))
    }

    /// A new database holding what this one holds (`CREATE DATABASE ... TEMPLATE`); nothing
    /// may be connected to this one meanwhile.
    pub fn copy(&self) -> TestDb {
        let name = format!("strata_test_{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::Relaxed));
        let mut admin = self.server.admin().unwrap_or_else(|e| panic!("{e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {}", self.name))
            .unwrap_or_else(|e| panic!("cannot copy test database {}: {e}", self.name));
        TestDb { server: self.server, name }
    }

    /// A connection that records every notice and warning the server sends.
    pub fn client_with_notices(&self) -> (Client, Notices) {
        let notices: Notices = Arc::default();
        let sink = notices.clone();
        let mut config = self.config();
        config.notice_callback(move |n| {
            sink.lock().unwrap().push(format!("{}: {}", n.severity(), n.message()));
        });
        let client = config.connect(NoTls).unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.name));
        (client, notices)
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = self.server.admin() {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// Reports, visibly, a part of a test that could not run here (an extension the server lacks).
/// The line goes straight to the process's stderr, which the test harness does not capture (it
/// captures `print!` and `eprint!` only), so it shows under plain `cargo test` too; `.ci/run`
/// counts these lines as skipped.
pub fn skipped(what: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {what}");
}

/// Whether the environment variable `require` is `1`: what it names must then be there (CI
/// installs it), and a test that lacks it fails instead of skipping.
pub fn required(require: &str) -> bool {
    std::env::var(require).is_ok_and(|v| v == "1")
}

/// A whole test that cannot run here because `what` is not installed (`install` says how to get
/// it): a failure where `require` says it must be there, else reported as skipped.
pub fn missing(require: &str, test: &str, what: &str, install: &str) {
    assert!(!required(require), "{what} is required here ({require}=1) but not installed");
    skipped_test(test, format!("{what} is not installed ({install})"));
}

/// Reports that a whole test did nothing here: `.ci/run` counts it as skipped, not passed.
pub fn skipped_test(name: &str, why: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED test {name}: {why}");
}
