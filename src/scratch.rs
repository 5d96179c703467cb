//! A scratch PostgreSQL server, with nobody having to start one: the database a command needs
//! for a moment (`strata verify`) and the live tests' server.
//!
//! Where it comes from (`Backend`): a URL; a container of `STRATA_PG_IMAGE` (default
//! `postgres:15-alpine`) where a Docker engine answers; or PostgreSQL's own binaries (`initdb`,
//! `postgres` on PATH or under /usr/lib/postgresql/*/bin), a throwaway cluster in a temporary
//! folder, tuned for speed (no fsync). What was started is stopped by `stop` or on drop.

use std::fmt;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use postgres::{Client, Config, NoTls};

/// The image the container backend runs unless `STRATA_PG_IMAGE` names another.
pub const DEFAULT_IMAGE: &str = "postgres:15-alpine";

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

pub(crate) enum Owned {
    Nothing,
    Container(String),
    Local { child: Child, _dir: tempfile::TempDir },
}

impl Server {
    /// Starts (or, for `Url`, connects to the one `STRATA_DATABASE_URL` or `DATABASE_URL` names)
    /// a server of this backend.
    pub fn start(backend: Backend) -> Result<Server, String> {
        let (config, owned) = match backend {
            Backend::Url => (url_config(&env_url()?)?, Owned::Nothing),
            Backend::Container => start_container()?,
            Backend::Local => start_local(&[])?,
        };
        Ok(Server { backend, config, owned: Mutex::new(owned) })
    }

    /// The server at `url` (which must accept connections within seconds).
    pub fn from_url(url: &str) -> Result<Server, String> {
        Ok(Server { backend: Backend::Url, config: url_config(url)?, owned: Mutex::new(Owned::Nothing) })
    }

    /// A server started for the moment: a container where a Docker engine answers, else
    /// PostgreSQL's own binaries; the error says why neither could start.
    pub fn scratch() -> Result<Server, String> {
        let docker = Command::new("docker").arg("info").stdout(Stdio::null()).stderr(Stdio::null()).status();
        let mut why = Vec::new();
        let backends = if docker.is_ok_and(|s| s.success()) {
            &[Backend::Container, Backend::Local][..]
        } else {
            &[Backend::Local]
        };
        for &backend in backends {
            match Server::start(backend) {
                Ok(server) => return Ok(server),
                Err(e) => why.push(format!("{backend}: {e}")),
            }
        }
        Err(format!(
            "no scratch PostgreSQL could start ({}); pass --dev-url with a server strata may create databases on",
            why.join("; ")
        ))
    }

    /// A throwaway local server with extra settings (`shared_preload_libraries`, ...), for tests
    /// of features that need server configuration; not the shared server.
    pub fn start_local_with(settings: &[(&str, &str)]) -> Result<Server, String> {
        let (config, owned) = start_local(settings)?;
        Ok(Server { backend: Backend::Local, config, owned: Mutex::new(owned) })
    }

    /// Whether the local binaries ship a server module (`pg_cron`, ...), as `lib/<name>.so`.
    pub fn local_has_module(name: &str) -> bool {
        bin_dir().is_some_and(|bin| bin.join("../lib").join(format!("{name}.so")).is_file())
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

    /// A connection to the server's own database, for creating and dropping others.
    pub fn admin(&self) -> Result<Client, String> {
        let db = self.config.get_dbname().unwrap_or("postgres").to_string();
        self.config(&db).connect(NoTls).map_err(|e| format!("cannot connect: {e}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn env_url() -> Result<String, String> {
    ["STRATA_DATABASE_URL", "DATABASE_URL"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .ok_or_else(|| "neither STRATA_DATABASE_URL nor DATABASE_URL is set".into())
}

/// The URL's settings, once its server accepts connections. The URL itself is never in an
/// error: it may hold a password.
fn url_config(url: &str) -> Result<Config, String> {
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
    use testcontainers::core::{IntoContainerPort, Mount, WaitFor};
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
        // Tuned for speed as the local backend is: a scratch server's data need not survive a
        // crash, and lives in memory (on the container's own file system, CREATE DATABASE, one
        // per test, took five times as long).
        .with_cmd(["postgres", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
        .with_mount(Mount::tmpfs_mount("/var/lib/postgresql/data"))
        .with_env_var("PGDATA", "/var/lib/postgresql/data/pgdata")
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

/// The folder holding `initdb` and `postgres` (and `psql`, `pg_dump`): PATH first, then the
/// newest Debian-style install. PATH may hold links to the binaries: the folder of the real
/// `postgres` is the one returned.
pub fn bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("postgres").is_file())
        .and_then(|d| Some(std::fs::canonicalize(d.join("postgres")).ok()?.parent()?.to_path_buf()));
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

/// `/dev/shm` when it is a memory file system with room (1 GiB) for a scratch cluster: DDL
/// creates a file per relation, and on a disk that is most of its time (1,000 tables applied in
/// 5.4 s on this project's machines' disk, 2.9 s in memory).
fn memory_folder() -> Option<&'static Path> {
    let base = Path::new("/dev/shm");
    let path = std::ffi::CString::new("/dev/shm").ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `stat` a writable statvfs.
    let ok = unsafe { libc::statvfs(path.as_ptr(), &mut stat) } == 0;
    let free = stat.f_bavail as u64 * stat.f_frsize as u64;
    (ok && base.is_dir() && free >= 1 << 30).then_some(base)
}

fn start_local(settings: &[(&str, &str)]) -> Result<(Config, Owned), String> {
    let bin = bin_dir().ok_or("no initdb/postgres on PATH or under /usr/lib/postgresql/*/bin")?;
    let user = run_as()?;
    let builder = tempfile::Builder::new().prefix("strata-pg-").clone();
    let dir = match memory_folder() {
        Some(base) => builder.tempdir_in(base).or_else(|_| builder.tempdir()),
        None => builder.tempdir(),
    }
    .map_err(|e| e.to_string())?;
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
