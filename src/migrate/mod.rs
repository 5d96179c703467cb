//! The migration runner: the migrations `strata generate` wrote (`NNNN_name/{up,down}.sql`),
//! applied to a database in order, each exactly once and all or nothing, recorded with the
//! checksums of its files. The whole run holds an advisory lock, so runners started at once
//! (replicas of one application) apply each migration once, and the others wait and then find
//! nothing to do.
//!
//! A migration runs in one transaction together with its record row, with `lock_timeout` set so
//! that it never waits forever behind a long transaction (a lock timeout is retried). Statements
//! marked to run alone (`strata::script`: CONCURRENTLY index builds, new union values) cut it
//! into steps, each recorded as done once it is; an interrupted migration is resumed from the
//! step after the last one done, and an INVALID index a failed concurrent build left is dropped
//! and built again. A migration that creates roles (the cluster's, not the database's) also
//! holds the cluster's lock (`ClusterLock`) when the runner knows the cluster (`cluster_lock`).

mod cluster;

pub use cluster::ClusterLock;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use postgres::Client;
use strata_script::folder;

use crate::script::{self, Statement};

/// One migration: its version and name (from its folder, `0002_add_workflows`) and its SQL.
#[derive(Debug, Clone)]
pub struct Migration {
    pub version: i64,
    pub name: String,
    pub up: Cow<'static, str>,
    pub down: Cow<'static, str>,
}

impl Migration {
    /// The migration of folder `dir` (`NNNN_name`).
    pub fn new(
        dir: &str,
        up: impl Into<Cow<'static, str>>,
        down: impl Into<Cow<'static, str>>,
    ) -> Result<Migration, Error> {
        let Some((version, name)) = folder::parse_dir(dir) else {
            return Err(Error::Folder(format!(
                "`{dir}` does not name a migration: a folder is NNNN_name, as `strata generate` writes it"
            )));
        };
        Ok(Migration { version, name: name.to_string(), up: up.into(), down: down.into() })
    }

    /// A migration compiled into the binary (`strata::embed_migrations!`, which checked its name).
    pub fn embedded(version: i64, name: &str, up: &'static str, down: &'static str) -> Migration {
        Migration { version, name: name.to_string(), up: up.into(), down: down.into() }
    }

    /// The migrations this one replaced when it was squashed (`script::SQUASHES`), as (version,
    /// name): their record rows stand for it.
    pub fn squashes(&self) -> Vec<(i64, String)> {
        strata_script::squashes(&self.up)
    }

    /// `0002_add_workflows`.
    pub fn dir(&self) -> String {
        folder::dir(self.version, &self.name)
    }
}

pub use strata_script::folder::sha256;

/// A migration as the record has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    pub up_sha256: String,
    pub down_sha256: String,
    pub applied_at: String,
    pub duration_ms: i64,
    pub applied_by: String,
    /// Of a migration cut into steps and interrupted: how many steps are done.
    pub steps_done: Option<i32>,
    /// Of a migration whose undoing was interrupted: how many steps of its down.sql are done.
    pub down_steps_done: Option<i32>,
}

impl Applied {
    /// Whether it stopped part way, going up or being undone (`Migrator::resolve` settles it).
    pub fn stopped(&self) -> bool {
        self.steps_done.is_some() || self.down_steps_done.is_some()
    }
}

/// What makes running migrations unsafe, found by comparing the record with the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An applied migration's file changed since it ran.
    Edited { migration: String, file: &'static str, recorded: String, actual: String },
    /// An applied migration is not in the folder.
    Missing { migration: String },
    /// The record holds a version under another name than the folder's migration of that
    /// version: another branch's migration was applied here.
    Renamed { recorded: String, migration: String },
    /// A pending migration is older than the newest applied one.
    OutOfOrder { migration: String, newest: String },
    /// A migration's undoing was interrupted: only `down` may run (and finishes it).
    Undoing { migration: String, steps_done: i32 },
    /// Migrations share a version number (`folder::shared_versions` says which and what to do):
    /// the record keeps one row per version, so nothing may run.
    SharedVersion(String),
    /// The database ran some of the migrations a squashed one replaced, not all: it is inside
    /// the squash, where the folder has nothing to run.
    InsideSquash { at: String, squash: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Edited { migration, file, recorded, actual } => write!(
                f,
                "{migration}/{file} was edited after it was applied (sha256 {actual}, applied {recorded}): \
                 restore it, and put the change in a new migration"
            ),
            Problem::Missing { migration } => write!(
                f,
                "{migration} was applied but is not in the migrations folder: restore it, or, on a development \
                 database that applied another branch's migration, `strata migrate reset` it"
            ),
            Problem::Renamed { recorded, migration } => write!(
                f,
                "version {} was applied as {recorded}, but the folder's migration of that number is {migration}: \
                 another branch's migration ran here; undo it with that branch's folder (`strata migrate down`), \
                 or `strata migrate reset` a development database",
                &migration[..migration.find('_').unwrap_or(migration.len())]
            ),
            Problem::OutOfOrder { migration, newest } => write!(
                f,
                "{migration} is pending but older than {newest}, which was applied: generate it again after \
                 {newest}, or allow out-of-order migrations"
            ),
            Problem::SharedVersion(said) => write!(f, "{said}"),
            Problem::InsideSquash { at, squash } => write!(
                f,
                "the database is at {at}, part way through the migrations {squash} replaced: bring it to {squash}'s \
                 version with the migrations folder from before the squash (check it out of version control), then \
                 this folder takes over"
            ),
            Problem::Undoing { migration, steps_done } => write!(
                f,
                "{migration} was being undone when it was interrupted ({steps_done} steps of its down.sql done): \
                 migrate down again to finish undoing it"
            ),
        }
    }
}

/// The record against the folder.
#[derive(Debug, Clone)]
pub struct Status {
    pub applied: Vec<Applied>,
    /// The versions not applied yet, oldest first (an interrupted one among them).
    pub pending: Vec<i64>,
    pub problems: Vec<Problem>,
}

/// A migration run (up or down), or recorded.
#[derive(Debug, Clone)]
pub struct Done {
    pub migration: String,
    pub duration: Duration,
    /// Its down.sql ran (`down`, and the first half of a redo).
    pub undone: bool,
}

/// How far `down` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Down {
    /// Undo the migrations after this version (0: all of them).
    To(i64),
    /// Undo this many, newest first.
    Steps(usize),
}

/// What a migration that stopped part-way turned out to be, once the database was repaired by
/// hand (`Migrator::resolve`, Prisma's `migrate resolve`, Flyway's `repair`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// All of it is in the database: recorded as applied.
    Applied,
    /// None of it is: its record row goes, and `up` runs it again from its first step.
    RolledBack,
}

/// How far a migration split over several steps got before one failed: the steps done stay
/// done, and the command that resumes it runs the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    pub steps_done: usize,
    pub steps: usize,
    /// It was being undone (`down` resumes it), else applied (`up` resumes it).
    pub undoing: bool,
}

/// Why a run stopped. A migration that failed left nothing of its failed step behind.
#[derive(Debug)]
pub enum Error {
    /// The migrations folder cannot be read.
    Folder(String),
    /// The record and the folder disagree (see `Problem`); nothing ran.
    Refused(Vec<Problem>),
    /// A statement of a migration failed (PostgreSQL refused it, a timeout, or the connection
    /// was lost while it ran).
    /// `at` is the statement's file, line and header (none when writing the record failed).
    /// The failed step's transaction was rolled back; `interrupted` says when earlier steps of
    /// the migration (each a transaction, or a statement run alone) had committed before it.
    Failed { migration: String, at: Option<String>, error: postgres::Error, interrupted: Option<Interrupted> },
    /// The database failed outside any migration (taking the lock, reading the record).
    Db(postgres::Error),
    /// `baseline` on a database whose record holds migrations already (these); nothing recorded.
    Migrated(Vec<String>),
    /// `baseline` or `resolve` to a version the folder does not have; nothing recorded.
    NoSuchVersion(i64),
    /// `resolve` of a migration the record does not hold as stopped part-way; nothing recorded.
    NotInterrupted(String),
}

impl Error {
    /// A step's failure after `steps_done` of the migration's `steps` had committed.
    fn after(self, steps_done: usize, steps: usize, undoing: bool) -> Error {
        match self {
            Error::Failed { migration, at, error, .. } if steps_done > 0 => {
                Error::Failed { migration, at, error, interrupted: Some(Interrupted { steps_done, steps, undoing }) }
            }
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Folder(why) => write!(f, "{why}"),
            Error::Refused(problems) => {
                write!(f, "nothing was run:")?;
                problems.iter().try_for_each(|p| write!(f, "\n  {p}"))
            }
            Error::Failed { migration, at, error, interrupted } => {
                let at = at.as_deref().unwrap_or("its record");
                write!(f, "migration {migration} failed at {at}: {}; ", describe(error))?;
                match interrupted {
                    None => write!(f, "its transaction was rolled back"),
                    Some(Interrupted { steps_done, steps, undoing }) => write!(
                        f,
                        "that step's transaction was rolled back, but {steps_done} of its {steps} steps stay done: \
                         the migration is interrupted, not undone; once the cause is fixed, `migrate {}` resumes it \
                         at step {}",
                        if *undoing { "down" } else { "up" },
                        steps_done + 1
                    ),
                }
            }
            Error::Db(e) => write!(f, "{}", describe(e)),
            Error::Migrated(applied) => write!(
                f,
                "nothing was recorded: the database has applied migrations already ({}); a baseline records \
                 where a database strata has not migrated stands",
                applied.join(", ")
            ),
            Error::NoSuchVersion(v) => write!(f, "nothing was recorded: no migration has version {v}"),
            Error::NotInterrupted(m) => write!(
                f,
                "nothing was recorded: {m} is not interrupted (`strata migrate status` lists those that are); \
                 resolve marks only a migration that stopped part-way"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// PostgreSQL's message (with its SQLSTATE and hint), or what happened to the connection.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let hint = db.hint().map(|h| format!(" (hint: {h})")).unwrap_or_default();
            format!("{} [SQLSTATE {}]{hint}", db.message(), db.code().code())
        }
        None if e.is_closed() => "the connection to the database was lost".to_string(),
        None => e.to_string(),
    }
}

/// Runs migrations against a database (see the module's documentation).
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Vec<Migration>,
    namespace: String,
    table: String,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    retries: u32,
    retry_delay: Duration,
    out_of_order: bool,
    cluster: Option<postgres::Config>,
}

impl Migrator {
    /// A runner over `migrations` (sorted by version), recording in `strata.migrations`.
    pub fn new(mut migrations: Vec<Migration>) -> Migrator {
        migrations.sort_by_key(|m| m.version);
        Migrator {
            migrations,
            namespace: "strata".into(),
            table: "migrations".into(),
            lock_timeout: Duration::from_secs(10),
            statement_timeout: None,
            retries: 3,
            retry_delay: Duration::from_secs(1),
            out_of_order: false,
            cluster: None,
        }
    }

    /// The migrations of a folder `strata generate` wrote (`generated/<schema>/migrations`).
    pub fn from_dir(dir: &Path) -> Result<Migrator, Error> {
        let failed = |e: std::io::Error| Error::Folder(format!("{}: {e}", dir.display()));
        let mut migrations = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(failed)? {
            let path = entry.map_err(failed)?.path();
            if !path.is_dir() {
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let read = |file: &str| {
                std::fs::read_to_string(path.join(file)).map_err(|e| Error::Folder(format!("{name}/{file}: {e}")))
            };
            migrations.push(Migration::new(&name, read(folder::UP)?, read(folder::DOWN)?)?);
        }
        Ok(Migrator::new(migrations))
    }

    /// Record in `namespace.table` instead of `strata.migrations`.
    pub fn record_in(mut self, namespace: &str, table: &str) -> Migrator {
        (self.namespace, self.table) = (namespace.into(), table.into());
        self
    }

    /// How long a statement waits for a lock before the migration gives up (and is retried):
    /// 10 s unless set.
    pub fn lock_timeout(mut self, timeout: Duration) -> Migrator {
        self.lock_timeout = timeout;
        self
    }

    /// How long any statement may run (none unless set).
    pub fn statement_timeout(mut self, timeout: Option<Duration>) -> Migrator {
        self.statement_timeout = timeout;
        self
    }

    /// How often a migration that gave up waiting for a lock is tried again, and the delay
    /// before the first retry (doubled each time): 3 times from 1 s unless set.
    pub fn retries(mut self, retries: u32, delay: Duration) -> Migrator {
        (self.retries, self.retry_delay) = (retries, delay);
        self
    }

    /// Apply a pending migration older than the newest applied one instead of refusing.
    pub fn allow_out_of_order(mut self, allow: bool) -> Migrator {
        self.out_of_order = allow;
        self
    }

    /// The database's connection settings, so that a migration creating roles takes turns with
    /// the runners of the cluster's other databases (`ClusterLock`). Without them, two such
    /// migrations in two databases at once rely on the generated SQL tolerating a concurrent
    /// creator.
    pub fn cluster_lock(mut self, config: postgres::Config) -> Migrator {
        self.cluster = Some(config);
        self
    }

    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    fn record(&self) -> String {
        format!("{}.{}", quote(&self.namespace), quote(&self.table))
    }

    /// The record against the folder. Reads only: a database never migrated has no record.
    pub fn status(&self, client: &mut Client) -> Result<Status, Error> {
        let exists: bool =
            client.query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.record()]).map_err(Error::Db)?.get(0);
        let applied = if exists { self.applied(client)? } else { Vec::new() };
        Ok(self.compare(applied))
    }

    /// Applies the pending migrations, oldest first, up to version `to` (all without), resuming
    /// an interrupted one first. What ran, in order.
    pub fn up(&self, client: &mut Client, to: Option<i64>) -> Result<Vec<Done>, Error> {
        self.locked(client, true, |client, status| {
            let mut done = Vec::new();
            for m in self.migrations.iter().filter(|m| to.is_none_or(|to| m.version <= to)) {
                let record = status.applied.iter().find(|a| a.version == m.version);
                let from = match record {
                    Some(Applied { steps_done: None, .. }) => continue,
                    Some(Applied { steps_done: Some(n), .. }) => *n as usize,
                    None => 0,
                };
                done.push(self.run_up(client, m, from)?);
            }
            Ok(done)
        })
    }

    /// [`Migrator::up`] from async code (`#[tokio::main]`, a service migrating at startup): the
    /// same runner, with every promise of `up`, on tokio's blocking pool over a connection of its
    /// own to `config`, so no thread that drives tasks blocks. Needs a tokio runtime.
    #[cfg(feature = "async")]
    pub async fn up_async(&self, config: postgres::Config, to: Option<i64>) -> Result<Vec<Done>, Error> {
        let runner = self.clone();
        let run = move || {
            let mut client = config.connect(postgres::NoTls).map_err(Error::Db)?;
            runner.up(&mut client, to)
        };
        tokio::task::spawn_blocking(run).await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// Undoes applied migrations, newest first (see `Down`). What ran, in order.
    pub fn down(&self, client: &mut Client, how_far: Down) -> Result<Vec<Done>, Error> {
        self.locked(client, false, |client, status| {
            // Rows of migrations a squashed one replaced go with its own.
            let in_folder = |a: &&Applied| self.migrations.iter().any(|m| m.version == a.version);
            let mut applied: Vec<&Applied> = status.applied.iter().filter(in_folder).rev().collect();
            match how_far {
                Down::To(version) => applied.retain(|a| a.version > version),
                Down::Steps(n) => applied.truncate(n),
            }
            let mut done = Vec::new();
            for a in applied {
                let m = self.migrations.iter().find(|m| m.version == a.version).expect("compare found it");
                done.push(self.run_down(client, m, a.down_steps_done.unwrap_or(0) as usize)?);
            }
            Ok(done)
        })
    }

    /// Records the migrations up to version `to` as applied without running them: the database
    /// already holds what they make (one made before strata, or restored from a dump). Prove that
    /// first (the CLI's `migrate baseline` compares the database with the model of `to`). Refused
    /// when the record holds any migration. What was recorded, in order.
    pub fn baseline(&self, client: &mut Client, to: i64) -> Result<Vec<Done>, Error> {
        if !self.migrations.iter().any(|m| m.version == to) {
            return Err(Error::NoSuchVersion(to));
        }
        self.locked(client, true, |client, status| {
            if !status.applied.is_empty() {
                let dirs = status.applied.iter().map(|a| folder::dir(a.version, &a.name));
                return Err(Error::Migrated(dirs.collect()));
            }
            let mut tx = client.transaction().map_err(Error::Db)?;
            let mut done = Vec::new();
            for m in self.migrations.iter().filter(|m| m.version <= to) {
                self.write_record(&mut tx, m, None, Instant::now()).map_err(Error::Db)?;
                done.push(Done { migration: m.dir(), duration: Duration::ZERO, undone: false });
            }
            tx.commit().map_err(Error::Db)?;
            Ok(done)
        })
    }

    /// Records how an interrupted migration (stopped part-way up, or part-way undone) ended once
    /// the database was repaired by hand: applied, or rolled back. Prove the database agrees
    /// first (the CLI's `migrate resolve` compares it with the model of that version, or of the
    /// one before). Refused for a migration the record does not hold as interrupted.
    pub fn resolve(&self, client: &mut Client, version: i64, how: Resolution) -> Result<Done, Error> {
        let m = self.migrations.iter().find(|m| m.version == version).ok_or(Error::NoSuchVersion(version))?;
        self.locked(client, false, |client, status| {
            if !status.applied.iter().any(|a| a.version == version && a.stopped()) {
                return Err(Error::NotInterrupted(m.dir()));
            }
            let sql = match how {
                Resolution::Applied => "UPDATE {} SET steps_done = NULL, down_steps_done = NULL WHERE version = $1",
                Resolution::RolledBack => "DELETE FROM {} WHERE version = $1",
            };
            client.execute(&sql.replace("{}", &self.record()), &[&version]).map_err(Error::Db)?;
            Ok(Done { migration: m.dir(), duration: Duration::ZERO, undone: false })
        })
    }

    /// The statements `up` would run, by migration, in order (for `--dry-run`).
    pub fn pending<'m>(&'m self, status: &Status, to: Option<i64>) -> Vec<&'m Migration> {
        self.migrations
            .iter()
            .filter(|m| status.pending.contains(&m.version) && to.is_none_or(|to| m.version <= to))
            .collect()
    }

    /// Runs `f` holding the run's advisory lock (waiting for it as long as another run holds it),
    /// with the record made if missing and found consistent with the folder (`up`: and no
    /// migration half undone).
    fn locked<T>(
        &self,
        client: &mut Client,
        up: bool,
        f: impl FnOnce(&mut Client, Status) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let key = self.record();
        // A runner killed mid-statement must not leave its backend running (holding the lock and
        // the migration's locks) until the statement ends: PostgreSQL 14 and later look for the
        // client every second.
        client
            .batch_execute(
                "DO $$ BEGIN IF current_setting('server_version_num')::int >= 140000 THEN \
                 PERFORM set_config('client_connection_check_interval', '1s', false); END IF; END $$",
            )
            .map_err(Error::Db)?;
        wait_for_lock(client, &key).map_err(Error::Db)?;
        let result = self.prepare(client, up).and_then(|status| f(client, status));
        // A lost connection has released the lock with its session.
        let _ = client.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", &[&key]);
        result
    }

    fn prepare(&self, client: &mut Client, up: bool) -> Result<Status, Error> {
        // Made only when missing: a role that runs migrations needs neither CREATE on the
        // database nor the record's ownership once it exists (IF NOT EXISTS checks the privilege
        // first, and COMMENT needs the owner).
        let made: bool =
            client.query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.record()]).map_err(Error::Db)?.get(0);
        if made {
            return self.checked(client, up);
        }
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {ns};
                 CREATE TABLE IF NOT EXISTS {record} (
                     version bigint PRIMARY KEY,
                     name text NOT NULL,
                     up_sha256 text NOT NULL,
                     down_sha256 text NOT NULL,
                     applied_at timestamptz NOT NULL DEFAULT now(),
                     duration_ms bigint NOT NULL,
                     applied_by text NOT NULL DEFAULT current_user,
                     steps_done integer,
                     down_steps_done integer
                 );
                 COMMENT ON TABLE {record} IS 'The migrations strata applied; steps_done (down_steps_done) is set while \
                 one is interrupted going up (down).'",
                ns = quote(&self.namespace),
                record = self.record()
            ))
            .map_err(Error::Db)?;
        self.checked(client, up)
    }

    /// The record read and compared with the folder; refused with its problems (going down, a
    /// migration half undone is no problem: it is what `down` finishes).
    fn checked(&self, client: &mut Client, up: bool) -> Result<Status, Error> {
        let status = self.compare(self.applied(client)?);
        if status.problems.iter().any(|p| up || !matches!(p, Problem::Undoing { .. })) {
            return Err(Error::Refused(status.problems));
        }
        Ok(status)
    }

    fn applied(&self, client: &mut Client) -> Result<Vec<Applied>, Error> {
        let rows = client
            .query(
                &format!(
                    "SELECT version, name, up_sha256, down_sha256, applied_at::text, duration_ms, applied_by, steps_done, \
                     down_steps_done FROM {} ORDER BY version",
                    self.record()
                ),
                &[],
            )
            .map_err(Error::Db)?;
        Ok(rows
            .iter()
            .map(|r| Applied {
                version: r.get(0),
                name: r.get(1),
                up_sha256: r.get(2),
                down_sha256: r.get(3),
                applied_at: r.get(4),
                duration_ms: r.get(5),
                applied_by: r.get(6),
                steps_done: r.get(7),
                down_steps_done: r.get(8),
            })
            .collect())
    }

    fn compare(&self, applied: Vec<Applied>) -> Status {
        let dirs: Vec<String> = self.migrations.iter().map(Migration::dir).collect();
        let mut problems: Vec<Problem> =
            folder::shared_versions(dirs.iter().map(String::as_str)).into_iter().map(Problem::SharedVersion).collect();
        // The record rows of migrations a squashed one replaced stand for it.
        let squashed: Vec<(i64, String)> = self.migrations.iter().flat_map(Migration::squashes).collect();
        for m in &self.migrations {
            let replaced = m.squashes();
            let inside = applied.iter().filter(|a| replaced.iter().any(|(v, n)| *v == a.version && *n == a.name));
            let at = inside.map(|a| folder::dir(a.version, &a.name)).next_back();
            if let Some(at) = at.filter(|_| !applied.iter().any(|a| a.version == m.version)) {
                problems.push(Problem::InsideSquash { at, squash: m.dir() });
            }
        }
        for a in &applied {
            let dir = format!("{:04}_{}", a.version, a.name);
            if squashed.iter().any(|(v, n)| *v == a.version && *n == a.name) {
                continue;
            }
            let Some(m) = self.migrations.iter().find(|m| m.version == a.version) else {
                problems.push(Problem::Missing { migration: dir });
                continue;
            };
            if m.name != a.name {
                problems.push(Problem::Renamed { recorded: dir, migration: m.dir() });
                continue;
            }
            for (file, text, recorded) in [(folder::UP, &m.up, &a.up_sha256), (folder::DOWN, &m.down, &a.down_sha256)] {
                let actual = sha256(text);
                if actual != *recorded {
                    problems.push(Problem::Edited { migration: m.dir(), file, recorded: recorded.clone(), actual });
                }
            }
            if let Some(steps_done) = a.down_steps_done {
                problems.push(Problem::Undoing { migration: m.dir(), steps_done });
            }
        }
        let finished = |a: &&Applied| a.steps_done.is_none();
        let newest = applied.iter().filter(finished).map(|a| a.version).max();
        let pending: Vec<i64> = self
            .migrations
            .iter()
            .map(|m| m.version)
            .filter(|v| !applied.iter().filter(finished).any(|a| a.version == *v))
            .collect();
        if let Some(newest) = newest.filter(|_| !self.out_of_order) {
            let newest_dir = self.migrations.iter().find(|m| m.version == newest).map(Migration::dir);
            for m in self.migrations.iter().filter(|m| m.version < newest && pending.contains(&m.version)) {
                let newest = newest_dir.clone().unwrap_or_else(|| newest.to_string());
                problems.push(Problem::OutOfOrder { migration: m.dir(), newest });
            }
        }
        Status { applied, pending, problems }
    }

    /// How `file` of `m` runs: under the migration's own timeouts where its header sets them
    /// (`strata generate --lock-timeout`), else the run's.
    fn file<'t>(&self, m: &Migration, file: &'static str, text: &'t str) -> Result<File<'t>, Error> {
        let own = |key: &str| -> Result<Option<Duration>, Error> {
            let Some(value) = script::setting(text, key) else { return Ok(None) };
            let ms = value.parse::<u64>().map_err(|_| {
                Error::Folder(format!("{}/{file}: `{key} {value}`: give a whole number of milliseconds", m.dir()))
            })?;
            Ok(Some(Duration::from_millis(ms)))
        };
        Ok(File {
            name: file,
            statements: script::statements(text)
                .map_err(|e| Error::Folder(format!("{}/{file}: {e}; it cannot be run", m.dir())))?,
            lock_timeout: own(script::LOCK_TIMEOUT)?.unwrap_or(self.lock_timeout),
            statement_timeout: own(script::STATEMENT_TIMEOUT)?.or(self.statement_timeout),
        })
    }

    /// Runs one step, retrying it while it gives up waiting for a lock.
    fn retrying(&self, mut step: impl FnMut() -> Result<(), Error>) -> Result<(), Error> {
        let mut delay = self.retry_delay;
        for attempt in 0.. {
            match step() {
                Err(Error::Failed { error, .. })
                    if attempt < self.retries
                        && error.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) =>
                {
                    std::thread::sleep(delay);
                    delay *= 2;
                }
                other => return other,
            }
        }
        unreachable!("the loop returns")
    }

    fn run_up(&self, client: &mut Client, m: &Migration, from: usize) -> Result<Done, Error> {
        let started = Instant::now();
        let file = self.file(m, folder::UP, &m.up)?;
        let statements = &file.statements;
        let groups = script::groups(statements);
        let steps = groups.len().max(1);
        let creates_roles = statements.iter().any(|s| s.sql.to_ascii_uppercase().contains("CREATE ROLE"));
        let _turn = match &self.cluster {
            Some(config) if creates_roles => Some(ClusterLock::take(config).map_err(Error::Db)?),
            _ => None,
        };
        for (i, group) in groups.iter().enumerate().skip(from) {
            // The record says how far the migration got; a whole one, no step.
            let steps_done = if i + 1 == steps { None } else { Some((i + 1) as i32) };
            self.retrying(|| self.step(client, m, group, &file, |tx| self.write_record(tx, m, steps_done, started)))
                .map_err(|e| e.after(i, steps, false))?;
        }
        if groups.is_empty() {
            self.retrying(|| self.step(client, m, &[], &file, |tx| self.write_record(tx, m, None, started)))?;
        }
        Ok(Done { migration: m.dir(), duration: started.elapsed(), undone: false })
    }

    /// Undoes `m` from step `from` of its down.sql (an interrupted undoing resumed), each step
    /// recorded as done once it is, and the last with the record row deleted.
    fn run_down(&self, client: &mut Client, m: &Migration, from: usize) -> Result<Done, Error> {
        let started = Instant::now();
        let file = self.file(m, folder::DOWN, &m.down)?;
        let groups = script::groups(&file.statements);
        // A squashed migration's row, and those of the migrations it replaced.
        let versions: Vec<i64> = std::iter::once(m.version).chain(m.squashes().into_iter().map(|(v, _)| v)).collect();
        let delete = |tx: &mut postgres::Transaction<'_>| {
            tx.execute(&format!("DELETE FROM {} WHERE version = ANY($1)", self.record()), &[&versions]).map(drop)
        };
        let count = |tx: &mut postgres::Transaction<'_>, done: i32| {
            let sql = format!("UPDATE {} SET down_steps_done = $2 WHERE version = $1", self.record());
            tx.execute(&sql, &[&m.version, &done]).map(drop)
        };
        for (i, group) in groups.iter().enumerate().skip(from) {
            let last = i + 1 == groups.len();
            self.retrying(|| {
                self.step(client, m, group, &file, |tx| if last { delete(tx) } else { count(tx, i as i32 + 1) })
            })
            .map_err(|e| e.after(i, groups.len(), true))?;
        }
        if groups.is_empty() {
            self.retrying(|| self.step(client, m, &[], &file, delete))?;
        }
        Ok(Done { migration: m.dir(), duration: started.elapsed(), undone: true })
    }

    /// Runs one group of a migration's statements and `record` (its record row written or
    /// deleted): a transactional group in one transaction with the record; a statement that
    /// runs alone by itself (after repairing what an interrupted run of it left), then the
    /// record in its own transaction.
    fn step(
        &self,
        client: &mut Client,
        m: &Migration,
        group: &[Statement<'_>],
        file: &File<'_>,
        record: impl Fn(&mut postgres::Transaction<'_>) -> Result<(), postgres::Error>,
    ) -> Result<(), Error> {
        let failed = |statement: Option<&Statement<'_>>, error| Error::Failed {
            migration: m.dir(),
            at: statement.map(|s| format!("{}:{} ({})", file.name, s.line, s.header)),
            error,
            interrupted: None,
        };
        if let [alone] = group
            && !alone.transaction
        {
            repair(client, alone.sql).map_err(|e| failed(Some(alone), e))?;
            client.batch_execute(&file.timeouts(false)).map_err(|e| failed(Some(alone), e))?;
            let ran = client.batch_execute(alone.sql).map_err(|e| failed(Some(alone), e));
            let _ = client.batch_execute("RESET lock_timeout; RESET statement_timeout");
            ran?;
            let mut tx = client.transaction().map_err(|e| failed(None, e))?;
            record(&mut tx).map_err(|e| failed(None, e))?;
            return tx.commit().map_err(|e| failed(None, e));
        }
        let mut tx = client.transaction().map_err(|e| failed(group.first(), e))?;
        tx.batch_execute(&file.timeouts(true)).map_err(|e| failed(group.first(), e))?;
        script::run_in(&mut tx, group).map_err(|r| failed(Some(&r.statement), r.error))?;
        record(&mut tx).map_err(|e| failed(None, e))?;
        tx.commit().map_err(|e| failed(group.last(), e))
    }

    fn write_record(
        &self,
        tx: &mut postgres::Transaction<'_>,
        m: &Migration,
        steps_done: Option<i32>,
        started: Instant,
    ) -> Result<(), postgres::Error> {
        let ms = started.elapsed().as_millis() as i64;
        tx.execute(
            &format!(
                "INSERT INTO {} (version, name, up_sha256, down_sha256, duration_ms, steps_done) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (version) DO UPDATE SET duration_ms = EXCLUDED.duration_ms, steps_done = EXCLUDED.steps_done",
                self.record()
            ),
            &[&m.version, &m.name, &sha256(&m.up), &sha256(&m.down), &ms, &steps_done],
        )
        .map(drop)
    }
}

/// A migration's file as it runs: its statements, under its timeouts.
struct File<'t> {
    name: &'static str,
    statements: Vec<Statement<'t>>,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
}

impl File<'_> {
    /// `SET LOCAL` (in a transaction) or `SET` (for a statement run alone) of the timeouts.
    fn timeouts(&self, local: bool) -> String {
        let set = if local { "SET LOCAL" } else { "SET" };
        let ms = |d: Option<Duration>| d.map_or(0, |d| d.as_millis().max(1));
        format!(
            "{set} lock_timeout = {}; {set} statement_timeout = {}",
            ms(Some(self.lock_timeout)),
            ms(self.statement_timeout)
        )
    }
}

/// Before a statement that runs alone runs again: an index its interrupted concurrent build
/// left INVALID is dropped, so that `IF NOT EXISTS` does not keep it.
fn repair(client: &mut Client, sql: &str) -> Result<(), postgres::Error> {
    let Some(index) = concurrent_index(sql) else { return Ok(()) };
    let invalid: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND NOT indisvalid)",
            &[&index],
        )?
        .get(0);
    if invalid {
        client.batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))?;
    }
    Ok(())
}

/// The index a `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS name ON ...` builds, as written.
fn concurrent_index(sql: &str) -> Option<&str> {
    let rest = sql.trim_start().strip_prefix("CREATE ")?;
    let rest = rest.strip_prefix("UNIQUE ").unwrap_or(rest);
    let rest = rest.strip_prefix("INDEX CONCURRENTLY IF NOT EXISTS ")?;
    Some(&rest[..qualified_name_len(rest)?])
}

/// The length of the (possibly qualified, possibly quoted) name `text` starts with: a quoted
/// part may hold anything, ` ON ` included.
fn qualified_name_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            loop {
                match (bytes.get(at)?, bytes.get(at + 1)) {
                    (b'"', Some(b'"')) => at += 2,
                    (b'"', _) => break at += 1,
                    _ => at += 1,
                }
            }
        } else {
            let len = text[at..].find(|c: char| c.is_whitespace() || c == '.' || c == '(').unwrap_or(text.len() - at);
            (len > 0).then_some(())?;
            at += len;
        }
        if bytes.get(at) != Some(&b'.') {
            return Some(at);
        }
        at += 1;
    }
}

/// An identifier, always quoted (equal to the bare name when that is lowercase).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Takes the session-level advisory lock `key`, polling for it between statements rather than
/// waiting in one: a session waiting in `pg_advisory_lock` holds a snapshot, which the holder's
/// `CREATE INDEX CONCURRENTLY` must wait out while the waiter waits for the holder (a deadlock).
fn wait_for_lock(client: &mut Client, key: &str) -> Result<(), postgres::Error> {
    let mut delay = Duration::from_millis(10);
    while !client.query_one("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", &[&key])?.get::<_, bool>(0) {
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(250));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_give_versions() {
        let m = Migration::new("0002_add_workflows", "", "").unwrap();
        assert_eq!((m.version, m.name.as_str(), m.dir()), (2, "add_workflows", "0002_add_workflows".to_string()));
        assert!(Migration::new("init", "", "").is_err());
        assert!(Migration::new("0000_x", "", "").is_err());
        assert!(Migration::new("0003_", "", "").is_err());
    }

    #[test]
    fn the_index_of_a_concurrent_build_is_found() {
        assert_eq!(
            concurrent_index("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS a.b_key ON a.b USING btree (c)"),
            Some("a.b_key")
        );
        assert_eq!(concurrent_index("CREATE INDEX b_idx ON b (c)"), None);
        let quoted = "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"a ON b\".\"x\"\"y ON z\" ON t (c)";
        assert_eq!(concurrent_index(quoted), Some("\"a ON b\".\"x\"\"y ON z\""));
    }
}
