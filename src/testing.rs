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

/// One test body for both executors: what a query or a generated helper returns on a
/// synchronous [`crate::Conn`] (a result) or an asynchronous connection (feature `async`: a
/// future) is awaited either way ([`Exec::done`], [`Exec::go`]); [`Executor::run`] drives a body
/// at once on a synchronous connection, on a tokio runtime on an asynchronous one.
pub trait Exec: crate::Db + Send {
    /// A transaction of this connection (a savepoint inside one).
    type Tx<'a>: Exec
    where
        Self: 'a;

    /// What a helper returned, as a future.
    fn done<'a, O: Send + 'a>(out: Self::Out<'a, O>) -> BoxFuture<'a, Result<O, crate::Error>>
    where
        Self: 'a;

    fn begin(&mut self) -> BoxFuture<'_, Result<Self::Tx<'_>, crate::Error>>;

    fn commit<'a>(self) -> BoxFuture<'a, Result<(), crate::Error>>
    where
        Self: 'a;

    /// Runs `query`.
    fn go<'a, O: Send + 'a>(&'a mut self, query: crate::table::Built<'a, O>) -> BoxFuture<'a, Result<O, crate::Error>>
    where
        Self: Sized,
    {
        Self::done(self.run(query))
    }
}

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The result of a future that is ready at once, as every future of a synchronous [`Exec`] is.
pub fn now<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("a synchronous connection's future was not ready"),
    }
}

impl Exec for crate::Client {
    type Tx<'a> = crate::Transaction<'a>;

    fn done<'a, O: Send + 'a>(out: Result<O, crate::Error>) -> BoxFuture<'a, Result<O, crate::Error>> {
        Box::pin(std::future::ready(out))
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<crate::Transaction<'_>, crate::Error>> {
        Box::pin(std::future::ready(crate::Conn::transaction(self).map_err(crate::Error::from)))
    }

    fn commit<'a>(self) -> BoxFuture<'a, Result<(), crate::Error>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

impl Exec for crate::Transaction<'_> {
    type Tx<'a>
        = crate::Transaction<'a>
    where
        Self: 'a;

    fn done<'a, O: Send + 'a>(out: Result<O, crate::Error>) -> BoxFuture<'a, Result<O, crate::Error>>
    where
        Self: 'a,
    {
        Box::pin(std::future::ready(out))
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<crate::Transaction<'_>, crate::Error>> {
        Box::pin(std::future::ready(crate::Conn::transaction(self).map_err(crate::Error::from)))
    }

    fn commit<'a>(self) -> BoxFuture<'a, Result<(), crate::Error>>
    where
        Self: 'a,
    {
        Box::pin(std::future::ready(crate::Tx::commit(self).map_err(crate::Error::from)))
    }
}

#[cfg(feature = "async")]
impl Exec for deadpool_postgres::ClientWrapper {
    type Tx<'a> = deadpool_postgres::Transaction<'a>;

    fn done<'a, O: Send + 'a>(out: BoxFuture<'a, Result<O, crate::Error>>) -> BoxFuture<'a, Result<O, crate::Error>> {
        out
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<deadpool_postgres::Transaction<'_>, crate::Error>> {
        Box::pin(async move { Ok(self.transaction().await?) })
    }

    fn commit<'a>(self) -> BoxFuture<'a, Result<(), crate::Error>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(feature = "async")]
impl Exec for deadpool_postgres::Transaction<'_> {
    type Tx<'a>
        = deadpool_postgres::Transaction<'a>
    where
        Self: 'a;

    fn done<'a, O: Send + 'a>(out: BoxFuture<'a, Result<O, crate::Error>>) -> BoxFuture<'a, Result<O, crate::Error>>
    where
        Self: 'a,
    {
        out
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<deadpool_postgres::Transaction<'_>, crate::Error>> {
        Box::pin(async move { Ok(self.transaction().await?) })
    }

    fn commit<'a>(self) -> BoxFuture<'a, Result<(), crate::Error>>
    where
        Self: 'a,
    {
        Box::pin(async move { Ok(deadpool_postgres::Transaction::commit(self).await?) })
    }
}

/// Both executors over one test database: [`Executor::Sync`] a caching [`crate::Client`],
/// [`Executor::Async`] a deadpool-postgres connection on its own tokio runtime.
pub enum Executor {
    Sync(crate::Client),
    #[cfg(feature = "async")]
    Async(deadpool_postgres::ClientWrapper, tokio::runtime::Runtime),
}

impl Executor {
    /// Every executor this build has, each on its own connection to `db`.
    pub fn all(db: &TestDb) -> Vec<Executor> {
        #[allow(unused_mut)] // pushed to with the `async` feature
        let mut all = vec![Executor::Sync(crate::Client::new(db.client()))];
        #[cfg(feature = "async")]
        all.push(Executor::connect_async(&db.url()));
        all
    }

    #[cfg(feature = "async")]
    fn connect_async(url: &str) -> Executor {
        // A worker thread drives the connection between test bodies too: a transaction dropped
        // at the end of one body sends its ROLLBACK then, not when the next body starts.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let client = runtime.block_on(crate::async_conn::connect(url)).expect("an async connection");
        Executor::Async(client, runtime)
    }

    /// `sync` or `async`.
    pub fn name(&self) -> &'static str {
        match self {
            Executor::Sync(_) => "sync",
            #[cfg(feature = "async")]
            Executor::Async(..) => "async",
        }
    }
}

/// A test body written once for every executor: `run` gets the connection as an [`Exec`].
pub trait Body {
    type Out;

    fn run<E: Exec>(self, db: &mut E) -> impl std::future::Future<Output = Self::Out>;
}

impl Executor {
    /// Runs `body` on this executor: at once on a synchronous one, on its runtime on an
    /// asynchronous one.
    pub fn run<B: Body>(&mut self, body: B) -> B::Out {
        match self {
            Executor::Sync(client) => now(body.run(client)),
            #[cfg(feature = "async")]
            Executor::Async(client, runtime) => runtime.block_on(body.run(client)),
        }
    }
}
