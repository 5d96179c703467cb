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

use std::fmt;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};

/// The image the container backend runs unless `STRATA_PG_IMAGE` names another.
pub const DEFAULT_IMAGE: &str = "postgres:15-alpine";
const TEMPLATE: &str = "strata_template";

/// Where a server comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Url,
    Container,
    Local,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Url, Backend::Container, Backend::Local];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Url => "url",
            Backend::Container => "container",
            Backend::Local => "local",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A running PostgreSQL server and how to reach it as a superuser.
pub struct Server {
    pub backend: Backend,
    config: Config,
    /// What must be stopped at exit: a container id or a child process and its folder.
    owned: Mutex<Owned>,
}

enum Owned {
    Nothing,
    Container(String),
    Local { child: Child, _dir: tempfile::TempDir },
}

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
            match Server::start(backend) {
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
    /// Starts (or, for `Url`, connects to) a server of this backend and prepares the template.
    pub fn start(backend: Backend) -> Result<Server, String> {
        let (config, owned) = match backend {
            Backend::Url => (url_config()?, Owned::Nothing),
            Backend::Container => start_container()?,
            Backend::Local => start_local(&[])?,
        };
        let server = Server { backend, config, owned: Mutex::new(owned) };
        let prepared = server.prepare_template();
        if let Err(e) = prepared {
            server.stop();
            return Err(e);
        }
        Ok(server)
    }

    /// A throwaway local server with extra settings (`shared_preload_libraries`, ...), for tests
    /// of features that need server configuration; not the shared server.
    pub fn start_local_with(settings: &[(&str, &str)]) -> Result<Server, String> {
        let (config, owned) = start_local(settings)?;
        Ok(Server { backend: Backend::Local, config, owned: Mutex::new(owned) })
    }

    /// Whether the local binaries ship a server module (`pg_cron`, ...), as `lib/<name>.so`.
    pub fn local_has_module(name: &str) -> bool {
        // PATH may hold links to the binaries: look beside the real one.
        let postgres = find_bin_dir().and_then(|bin| std::fs::canonicalize(bin.join("postgres")).ok());
        postgres.is_some_and(|p| p.parent().unwrap_or(&p).join("../lib").join(format!("{name}.so")).is_file())
    }

    /// Stops what this server started; a server from a URL is left running.
    pub fn stop(&self) {
        let owned = std::mem::replace(&mut *self.owned.lock().unwrap_or_else(|e| e.into_inner()), Owned::Nothing);
        match owned {
            Owned::Nothing => {}
            Owned::Container(id) => {
                let _ = Command::new("docker")
                    .args(["rm", "-f", "-v", &id])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            Owned::Local { mut child, _dir } => {
                // SIGINT is PostgreSQL's "fast" shutdown: it ends sessions and exits cleanly.
                // SAFETY: kill(2) on our own child's pid.
                unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
                let _ = child.wait();
            }
        }
    }

    /// Connection settings for database `dbname` as the superuser.
    pub fn config(&self, dbname: &str) -> Config {
        let mut config = self.config.clone();
        config.dbname(dbname);
        config
    }

    fn admin(&self) -> Result<Client, String> {
        let db = self.config.get_dbname().unwrap_or("postgres").to_string();
        self.config(&db).connect(NoTls).map_err(|e| format!("cannot connect: {e}"))
    }

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

    pub fn client(&self) -> Client {
        self.config().connect(NoTls).unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.name))
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

fn url_config() -> Result<Config, String> {
    let url = ["STRATA_DATABASE_URL", "DATABASE_URL"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .ok_or("neither STRATA_DATABASE_URL nor DATABASE_URL is set")?;
    let config: Config = url.parse().map_err(|e| format!("invalid database URL: {e}"))?;
    wait_for(&config, Duration::from_secs(10))?;
    Ok(config)
}

/// Retries connecting until the server accepts, or the deadline passes.
fn wait_for(config: &Config, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        match config.connect(NoTls) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() >= deadline => return Err(format!("server did not accept connections: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn start_container() -> Result<(Config, Owned), String> {
    use testcontainers::core::{IntoContainerPort, WaitFor};
    use testcontainers::runners::SyncRunner;
    use testcontainers::{GenericImage, ImageExt};

    let image = std::env::var("STRATA_PG_IMAGE").ok().filter(|s| !s.is_empty()).unwrap_or(DEFAULT_IMAGE.into());
    let (name, tag) = image.rsplit_once(':').filter(|(_, t)| !t.contains('/')).unwrap_or((&image, "latest"));
    let password = "strata";
    let container = GenericImage::new(name, tag)
        .with_exposed_port(5432.tcp())
        .with_wait_for(WaitFor::message_on_stderr("database system is ready to accept connections"))
        .with_env_var("POSTGRES_PASSWORD", password)
        .with_env_var("POSTGRES_USER", "postgres")
        .with_env_var("POSTGRES_DB", "postgres")
        .with_startup_timeout(Duration::from_secs(60))
        .start()
        .map_err(|e| format!("cannot start image {image}: {e}"))?;
    let id = container.id().to_string();
    let owned = Owned::Container(id);
    let endpoint = container.get_host().and_then(|h| Ok((h, container.get_host_port_ipv4(5432)?)));
    // The container is removed by `Server::stop` (at exit), not when this handle drops.
    std::mem::forget(container);
    let (host, port) = endpoint.map_err(|e| format!("cannot reach container: {e}"))?;
    let mut config = Config::new();
    config.host(&host.to_string()).port(port).user("postgres").password(password).dbname("postgres");
    // The official image restarts once after initialising; wait for the final server.
    if let Err(e) = wait_for(&config, Duration::from_secs(30)) {
        Server { backend: Backend::Container, config: config.clone(), owned: Mutex::new(owned) }.stop();
        return Err(e);
    }
    Ok((config, owned))
}

/// The folder holding `initdb` and `postgres`: PATH first, then the newest Debian-style install.
fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("postgres").is_file());
    on_path.or_else(|| {
        let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
            .filter(|(_, d): &(u32, PathBuf)| d.join("initdb").is_file())
            .collect();
        dirs.sort();
        dirs.pop().map(|(_, d)| d)
    })
}

/// PostgreSQL refuses to run as root: as root, run it as the `postgres` account instead.
fn run_as() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .and_then(|f| Some(Some((f[2].parse().ok()?, f[3].parse().ok()?))))
        .ok_or_else(|| "running as root and there is no `postgres` account to run the server as".into())
}

fn command(bin: &Path, program: &str, user: Option<(u32, u32)>) -> Command {
    let mut cmd = Command::new(bin.join(program));
    if let Some((uid, gid)) = user {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(gid);
    }
    cmd
}

fn start_local(settings: &[(&str, &str)]) -> Result<(Config, Owned), String> {
    let bin = find_bin_dir().ok_or("no initdb/postgres on PATH or under /usr/lib/postgresql/*/bin")?;
    let user = run_as()?;
    let dir = tempfile::Builder::new().prefix("strata-pg-").tempdir().map_err(|e| e.to_string())?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    }
    let data = dir.path().join("data");
    let out = command(&bin, "initdb", user)
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
        .output()
        .map_err(|e| format!("cannot run initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let log = std::fs::File::create(dir.path().join("server.log")).map_err(|e| e.to_string())?;
    let mut postgres = command(&bin, "postgres", user);
    for (name, value) in settings {
        postgres.arg("-c").arg(format!("{name}={value}"));
    }
    let child = postgres
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-k"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start postgres: {e}"))?;
    let mut config = Config::new();
    config.host("127.0.0.1").port(port).user("postgres").dbname("postgres");
    let owned = Owned::Local { child, _dir: dir };
    if let Err(e) = wait_for(&config, Duration::from_secs(30)) {
        Server { backend: Backend::Local, config, owned: Mutex::new(owned) }.stop();
        return Err(e);
    }
    Ok((config, owned))
}

/// Reports, visibly, a part of a test that could not run here (an extension the server lacks).
/// The line goes straight to the process's stderr, which the test harness does not capture (it
/// captures `print!` and `eprint!` only), so it shows under plain `cargo test` too; `.ci/run`
/// counts these lines as skipped.
pub fn skipped(what: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {what}");
}

/// Reports that a whole test did nothing here: `.ci/run` counts it as skipped, not passed.
pub fn skipped_test(name: &str, why: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED test {name}: {why}");
}
