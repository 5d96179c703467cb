//! The migration chain: `migrations/NNNN_name/{up.sql,down.sql,model.json}`, each migration
//! the diff from the model its predecessor left to the one it leaves, recorded in its
//! `model.json` so that the next one is computed offline. A migration that exists is never
//! rewritten: its snapshot records the checksums of its files, and an edit is an error.

use serde::{Deserialize, Serialize};
use strata_script::folder::{self, DOWN, UP, path, sha256};

use crate::diff::{Change, Decided};
use crate::model::Schema;
use crate::render::sql;

/// The snapshot file of each migration.
pub const SNAPSHOT: &str = folder::MODEL;

/// One migration as found in the output folder: its folder name (`0002_add_workflows`) and
/// files; `snapshot` is absent for a migration written before snapshots existed.
#[derive(Debug, Clone)]
pub struct Migration {
    pub dir: String,
    pub up: String,
    pub down: String,
    pub snapshot: Option<String>,
}

/// What `model.json` holds.
#[derive(Serialize, Deserialize)]
struct Snapshot<S = Schema> {
    /// The format of this file, for strata versions to come.
    format: u32,
    up_sha256: String,
    down_sha256: String,
    /// Written by hand (`strata generate --custom`): its files are the author's until it first
    /// runs (the runner's record checksums them then), and it leaves the model as it found it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    custom: bool,
    /// The model the database is in once this migration has run (what it declares, not where).
    schema: S,
}

/// Why the chain cannot be extended as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// A committed migration's file no longer has the checksum its snapshot recorded.
    Edited { dir: String, file: &'static str, recorded: String, actual: String },
    /// A snapshot that does not read as one.
    BadSnapshot { dir: String, message: String },
    /// A migration without a snapshot after which others follow, or that is not the first.
    NoSnapshot { dir: String },
    /// The schema changed since the last migration, and no name was given for the next one.
    Unnamed { last: String },
    /// A migration name that cannot be a folder name.
    BadName(String),
    /// The next migration would delete data, which was not allowed: each such change, and a
    /// hint for each drop and add that looks like a rename.
    Destructive { changes: Vec<String>, hints: Vec<String> },
    /// Changes PostgreSQL cannot make to the tables as they are, each with the way to get there.
    Impossible(Vec<String>),
    /// Migrations that share a version number (`folder::shared_versions`), each number said.
    SharedVersions(Vec<String>),
    /// A hand-written migration cannot be made now: why, and what to do.
    Custom(String),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::Edited { dir, file, recorded, actual } => write!(
                f,
                "migrations/{dir}/{file} was edited after it was generated (sha256 {actual}, recorded {recorded}); \
                 a migration that exists is never rewritten: restore it (git checkout) and put the change in a new migration"
            ),
            ChainError::BadSnapshot { dir, message } => {
                write!(f, "migrations/{dir}/{SNAPSHOT} cannot be read ({message}); restore it from version control")
            }
            ChainError::NoSnapshot { dir } => write!(
                f,
                "migrations/{dir} has no {SNAPSHOT}, so the next migration cannot be computed from it; \
                 restore it from version control, or, for a step written by hand, move its SQL into one made by \
                 `strata generate --custom --name NAME`"
            ),
            ChainError::Unnamed { last } => write!(
                f,
                "the schema changed since migration {last}; name the next migration: strata generate --name NAME"
            ),
            ChainError::Destructive { changes, hints } => {
                write!(f, "the next migration would delete data:")?;
                for c in changes {
                    write!(f, "\n  {c}")?;
                }
                for h in hints {
                    write!(f, "\n  help: {h}")?;
                }
                write!(
                    f,
                    "\n  if that is what you want, pass --allow-destructive, or allow each change in the schema: \
                     [schema] allow_destructive = [\"{}\"]",
                    changes.first().map(String::as_str).unwrap_or_default()
                )
            }
            ChainError::SharedVersions(said) => write!(f, "{}", said.join("\n")),
            ChainError::Custom(why) => write!(f, "{why}"),
            ChainError::Impossible(reasons) => {
                write!(f, "PostgreSQL cannot make the next migration:")?;
                for r in reasons {
                    write!(f, "\n  {r}")?;
                }
                Ok(())
            }
            ChainError::BadName(name) => write!(
                f,
                "`{name}` cannot name a migration: use lowercase letters, digits and underscores (add_workflows)"
            ),
        }
    }
}

/// The model a snapshot records.
pub fn read_snapshot(dir: &str, text: &str) -> Result<Schema, ChainError> {
    snapshot(dir, text).map(|s| s.schema)
}

fn snapshot(dir: &str, text: &str) -> Result<Snapshot, ChainError> {
    let mut s: Snapshot = read(dir, text)?;
    // Type names are written as SQL names, bare in `public`: resolve them as such.
    s.schema.resolve_type_names_in(crate::model::PUBLIC);
    Ok(s)
}

/// A snapshot's text read as `S`: the whole snapshot, or its checksums alone (the model of any
/// but the last migration is not needed, and reading a large one takes long).
fn read<S: serde::de::DeserializeOwned>(dir: &str, text: &str) -> Result<S, ChainError> {
    serde_json::from_str(text).map_err(|e| ChainError::BadSnapshot { dir: dir.to_string(), message: e.to_string() })
}

/// The model with nothing in it: where the first migration starts.
pub fn empty(schema: &Schema) -> Schema {
    Schema::new(&schema.name, crate::model::PUBLIC)
}

/// The statements that migrate a database from `old` to `new`, as (description, SQL): the
/// renames first, then the diff from `old` renamed (rendered against it, as the database is then).
pub fn statements(old: &Schema, new: &Schema) -> Vec<sql::ChangeSql> {
    decided(old, new, |renamed, decided| sql::changes(renamed, new, decided))
}

/// The changes from `old` to `new`, decided (`diff::decide`), given to `then` with `old` renamed
/// as the database is when they run: the one diff a migration is made from.
fn decided<R>(old: &Schema, new: &Schema, then: impl FnOnce(&Schema, &[Decided]) -> R) -> R {
    let (renamed, renames) = crate::diff::renamed(old, new);
    let mut changes: Vec<Change> = renames.into_iter().map(Change::Rename).collect();
    changes.extend(crate::diff::diff(&renamed, new));
    then(&renamed, &crate::diff::decide(&renamed, new, changes))
}

/// The markers of the migration file format, which the runner reads (`strata_script` owns them).
pub use strata_script::{LOCK_TIMEOUT, NO_TRANSACTION, STATEMENT_TIMEOUT};

/// A migration file: each statement under its description and hazards, and those that run
/// alone marked so.
pub fn file(title: &str, statements: &[sql::ChangeSql]) -> String {
    let sql = |s: &sql::ChangeSql| match s.transaction {
        true => s.sql.clone(),
        false => format!("{NO_TRANSACTION}\n{}", s.sql),
    };
    sql::file(title, statements.iter().map(|s| (s.header(), sql(s))))
}

/// The up and down migration from `old` to `new`, and its snapshot, as the files of `dir`.
pub fn migration(old: &Schema, new: &Schema, dir: &str) -> Vec<(String, String)> {
    migration_of(old, new, dir, &statements(old, new), None, &Next::default())
}

/// `file` with the timeout lines of `next` under its title (the second line).
fn with_timeouts(file: String, next: &Next) -> String {
    let lines: Vec<String> = [(LOCK_TIMEOUT, next.lock_timeout), (STATEMENT_TIMEOUT, next.statement_timeout)]
        .into_iter()
        .filter_map(|(key, timeout)| Some(format!("{key} {}\n", timeout?.as_millis().max(1))))
        .collect();
    under_title(file, &lines)
}

/// `file` with `lines` (each ending in a newline) under its title, the second line.
fn under_title(file: String, lines: &[String]) -> String {
    if lines.is_empty() {
        return file;
    }
    let title_end = file.match_indices('\n').nth(1).map_or(file.len(), |(at, _)| at + 1);
    format!("{}{}{}", &file[..title_end], lines.concat(), &file[title_end..])
}

/// `migration`, its up statements (and the rest, when given) already made, with the timeouts
/// `next` gives it.
fn migration_of(
    old: &Schema,
    new: &Schema,
    dir: &str,
    up: &[sql::ChangeSql],
    rest: Option<Rest>,
    next: &Next,
) -> Vec<(String, String)> {
    let up = migration_file(new, dir, "up", up, next);
    let Rest { down, model } = rest.unwrap_or_else(|| Rest::of(old, new));
    let down = migration_file(new, dir, "down", &down, next);
    let json = sealed(model, &up, &down);
    vec![(path(dir, UP), up), (path(dir, DOWN), down), (path(dir, SNAPSHOT), json)]
}

/// The `which` ("up" or "down") file of migration `dir` leading to `new`: its statements under
/// its title and the timeouts `next` gives it.
fn migration_file(new: &Schema, dir: &str, which: &str, statements: &[sql::ChangeSql], next: &Next) -> String {
    with_timeouts(file(&format!("schema {}: migration {dir}, {which}", new.name), statements), next)
}

/// What `generate` is asked for beyond the schema: the next migration's name, whether it may
/// delete data, and its own timeouts (`LOCK_TIMEOUT`, `STATEMENT_TIMEOUT`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Next<'a> {
    pub name: Option<&'a str>,
    pub allow_destructive: bool,
    pub lock_timeout: Option<std::time::Duration>,
    pub statement_timeout: Option<std::time::Duration>,
    /// The next migration is written by hand (`--custom`): empty files to edit, after the last.
    pub custom: bool,
}

/// Refuses what PostgreSQL 15 refuses at migration time and no static check of one schema sees:
/// an identity column added to a partitioned table that has partitions ("cannot recursively add
/// identity column to table that has child tables"; creating the table with it is fine), and a
/// column retyped to a type its old one has no cast to (`ALTER COLUMN ... TYPE ... USING
/// column::type` would fail). `old` is the previous model renamed (`decided`).
fn refuse_impossible(old: &Schema, new: &Schema) -> Result<(), ChainError> {
    let mut reasons = uncastable(old, new);
    let candidates =
        new.tables.iter().filter(|t| t.partition.is_some() && t.columns.iter().any(|c| c.identity.is_some()));
    for t in candidates {
        let Some(o) = old.table(&t.qname()) else { continue };
        // A table partitioned anew is created again, identity and all.
        let Some(p) = &o.partition else { continue };
        if !p.has_children() {
            continue;
        }
        let added = t
            .columns
            .iter()
            .filter(|c| c.identity.is_some())
            .filter(|c| o.columns.iter().find(|x| x.name == c.name).is_none_or(|x| x.identity.is_none()));
        for c in added {
            reasons.push(format!(
                "identity column {}.{}: PostgreSQL 15 cannot add one to a partitioned table that has partitions; \
                 declare a sequence and `default = \"nextval('<sequence>')\"` on a bigint column instead",
                t.qname(),
                c.name
            ));
        }
    }
    if reasons.is_empty() { Ok(()) } else { Err(ChainError::Impossible(reasons)) }
}

/// The columns of tables both schemas have whose type changes to one PostgreSQL has no cast to
/// from the old (`diff::castable`), each with the way there.
fn uncastable(old: &Schema, new: &Schema) -> Vec<String> {
    let mut reasons = Vec::new();
    for t in &new.tables {
        let Some(o) = old.table(&t.qname()) else { continue };
        for c in &t.columns {
            let Some(was) = o.columns.iter().find(|x| x.name == c.name) else { continue };
            if crate::diff::castable(&was.ty, &c.ty) == Some(false) {
                reasons.push(format!(
                    "column {}.{}: PostgreSQL has no cast from {} to {}; add a column of the new type under \
                     another name, fill it from the old one, and drop the old in a later migration",
                    t.qname(),
                    c.name,
                    old.sql_type(&was.ty),
                    new.sql_type(&c.ty)
                ));
            }
        }
    }
    reasons
}

/// Refuses a migration from `old` (renamed) to `new` that deletes data, saying which changes do
/// and which drop and add pairs look like renames (`renamed_from` makes them renames).
fn refuse_destructive(old: &Schema, new: &Schema, decided: &[Decided]) -> Result<(), ChainError> {
    use crate::diff::{Hazard, TableChange};
    let allowed = |d: &str| new.allow_destructive.iter().any(|a| a.name == d);
    let destructive: Vec<String> = decided
        .iter()
        .filter(|d| d.hazards.contains(&Hazard::DeletesData))
        .map(Decided::description)
        .filter(|d| !allowed(d))
        .collect();
    if destructive.is_empty() {
        return Ok(());
    }
    let changes: Vec<&Change> = decided.iter().map(|d| &d.change).collect();
    let mut hints = Vec::new();
    for &c in &changes {
        if let Change::Alter { table, change: TableChange::DropColumn(dropped) } = c {
            let added = changes.iter().find_map(|a| match a {
                Change::Alter { table: t, change: TableChange::AddColumn(added) }
                    if t.qname() == table.qname() && new.sql_type(&added.ty) == old.sql_type(&dropped.ty) =>
                {
                    Some(added)
                }
                _ => None,
            });
            if let Some(added) = added {
                hints.push(format!(
                    "if {}.{} was renamed to {}, say so on the new column: renamed_from = \"{}\"",
                    table.qname(),
                    dropped.name,
                    added.name,
                    dropped.name
                ));
            }
        }
        if let Change::Drop(crate::plan::Step::CreateTable { table: dropped, .. }) = c {
            let columns = |t: &crate::model::Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            let added = changes.iter().find_map(|a| match a {
                Change::Create(crate::plan::Step::CreateTable { table, .. }) if columns(table) == columns(dropped) => {
                    Some(table)
                }
                _ => None,
            });
            if let Some(added) = added {
                hints.push(format!(
                    "if table {} was renamed to {}, say so on the new table: renamed_from = \"{}\"",
                    dropped.qname(),
                    added.qname(),
                    dropped.name
                ));
            }
        }
    }
    Err(ChainError::Destructive { changes: destructive, hints })
}

/// The migration files of `schema` given the migrations that exist: those, kept byte for byte,
/// and a new one named `next.name` when the schema changed since the last (refused when it
/// deletes data, unless allowed). Without any, the first migration (`0001_init`) creates the schema.
pub fn chain(schema: &Schema, existing: &[Migration], next: Next) -> Result<Vec<(String, String)>, ChainError> {
    chain_given(schema, History::of(existing.to_vec())?, next, None)
}

/// The migrations that exist, each checked against the checksums its snapshot recorded, with the
/// last one's model read: where the next migration starts. It needs no schema, so it can be read
/// while the schema compiles (the last model is a large part of a run).
#[derive(Default)]
pub struct History {
    /// Their files, as (relative path, contents).
    files: Vec<(String, String)>,
    /// The last migration's folder and the model it leaves; none before the first migration.
    last: Option<(String, Schema)>,
    /// The folders of the migrations written by hand.
    custom: Vec<String>,
}

impl History {
    /// Whether no migration exists yet (the next one is the first).
    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// The last migration's folder name (`NNNN_name`); none before the first migration.
    pub fn last_folder(&self) -> Option<&str> {
        self.last.as_ref().map(|(dir, _)| dir.as_str())
    }

    /// The migrations written by hand, each with the model it must leave the database in (the
    /// one before it left), in order: `strata verify` checks each keeps to it.
    pub fn hand_written(&self) -> Result<Vec<(String, Schema)>, ChainError> {
        let snapshot_of = |dir: &str| self.files.iter().find(|(p, _)| *p == path(dir, SNAPSHOT)).map(|(_, t)| t);
        let mut out = Vec::new();
        for dir in &self.custom {
            let text = snapshot_of(dir).ok_or_else(|| ChainError::NoSnapshot { dir: dir.clone() })?;
            out.push((dir.clone(), read_snapshot(dir, text)?));
        }
        Ok(out)
    }

    /// `History::of` with the migrations up to version `to` replaced by one of that version,
    /// `NNNN_squashed`, which makes from nothing what they made (`generate --squash`). Its
    /// up.sql names them (`SQUASHES`), so a database that ran them has run it, and a new one
    /// runs it alone; the migrations after it stay as they are.
    pub fn squashed(existing: Vec<Migration>, to: i64) -> Result<History, ChainError> {
        let at = existing.iter().position(|m| folder::parse_dir(&m.dir).is_some_and(|(v, _)| v == to));
        let Some(at) = at else {
            return Err(ChainError::Custom(format!("--squash {to}: no migration has that version")));
        };
        // The chain as it stands must be sound before any of it is replaced.
        History::of(existing.clone())?;
        let last = &existing[at];
        let text = last.snapshot.as_deref().ok_or_else(|| ChainError::NoSnapshot { dir: last.dir.clone() })?;
        let model = read_snapshot(&last.dir, text)?;
        let dir = folder::dir(to, "squashed");
        let replaced: Vec<&str> = existing[..=at].iter().map(|m| m.dir.as_str()).collect();
        let squashes = format!("{} {}\n", strata_script::SQUASHES, replaced.join(" "));
        let nothing = empty(&model);
        let up = under_title(
            migration_file(&model, &dir, "up", &statements(&nothing, &model), &Next::default()),
            &[squashes],
        );
        let down = migration_file(&model, &dir, "down", &statements(&model, &nothing), &Next::default());
        let snapshot = sealed(model_json(&model, false), &up, &down);
        let squashed = Migration { dir, up, down, snapshot: Some(snapshot) };
        History::of(std::iter::once(squashed).chain(existing.into_iter().skip(at + 1)).collect())
    }

    /// `History::of` without the migrations named in `moved` (folder names): a merged branch's,
    /// whose change the next migration then makes again after the others (`generate
    /// --rebase`). Refused for a name the folder lacks, and for one written by hand (its SQL is
    /// its author's, not a diff strata can make again).
    pub fn rebased(mut existing: Vec<Migration>, moved: &[String]) -> Result<History, ChainError> {
        for name in moved {
            let Some(at) = existing.iter().position(|m| m.dir == *name) else {
                return Err(ChainError::Custom(format!(
                    "--rebase {name}: the migrations folder has no such migration"
                )));
            };
            let custom = existing[at]
                .snapshot
                .as_deref()
                .is_some_and(|text| read::<Snapshot<serde::de::IgnoredAny>>(name, text).is_ok_and(|s| s.custom));
            if custom {
                return Err(ChainError::Custom(format!(
                    "--rebase {name}: it is written by hand; renumber its folder after the others instead"
                )));
            }
            existing.remove(at);
        }
        History::of(existing)
    }

    /// `existing` checked, and the last one's model read.
    pub fn of(existing: Vec<Migration>) -> Result<History, ChainError> {
        let shared = strata_script::folder::shared_versions(existing.iter().map(|m| m.dir.as_str()));
        if !shared.is_empty() {
            return Err(ChainError::SharedVersions(shared));
        }
        // A lone first migration without a snapshot was written before snapshots existed: it is
        // what the first migration is now, and is written again with one.
        if let [only] = &existing[..]
            && only.snapshot.is_none()
            && only.dir.starts_with("0001_")
        {
            return Ok(History::default());
        }
        let (mut files, mut last, mut custom) = (Vec::with_capacity(existing.len() * 3), None, Vec::new());
        let count = existing.len();
        for (i, m) in existing.into_iter().enumerate() {
            let Migration { dir, up, down, snapshot: text } = m;
            let text = text.ok_or_else(|| ChainError::NoSnapshot { dir: dir.clone() })?;
            // The last one's model is where the next migration starts; the others' are not read.
            let (sums, hand_written) = if i + 1 == count {
                let s = snapshot(&dir, &text)?;
                last = Some((dir.clone(), s.schema));
                ((s.up_sha256, s.down_sha256), s.custom)
            } else {
                let s: Snapshot<serde::de::IgnoredAny> = read(&dir, &text)?;
                ((s.up_sha256, s.down_sha256), s.custom)
            };
            // A hand-written migration's files are its author's: the runner's record checksums
            // them once it has run.
            let checked = if hand_written {
                custom.push(dir.clone());
                vec![]
            } else {
                vec![(UP, &up, sums.0), (DOWN, &down, sums.1)]
            };
            for (file, text, recorded) in checked {
                let actual = sha256(text);
                if actual != recorded {
                    return Err(ChainError::Edited { dir, file, recorded, actual });
                }
            }
            files.push((path(&dir, UP), up));
            files.push((path(&dir, DOWN), down));
            files.push((path(&dir, SNAPSHOT), text));
        }
        Ok(History { files, last, custom })
    }
}

/// The first migration, made ahead: what creates a schema from nothing (also its full DDL),
/// and when asked for, the rest of its files' parts.
pub struct First {
    pub up: Vec<sql::ChangeSql>,
    rest: Option<Rest>,
}

/// A migration's parts besides its up statements: its down statements and its model's JSON.
struct Rest {
    down: Vec<sql::ChangeSql>,
    model: String,
}

impl First {
    /// The up statements of `schema`; with `whole`, the rest made beside them.
    pub fn of(schema: &Schema, whole: bool) -> First {
        let empty = empty(schema);
        std::thread::scope(|s| {
            let rest = whole.then(|| crate::stack::spawn(s, || Rest::of(&empty, schema)));
            let up = statements(&empty, schema);
            First { up, rest: rest.map(|r| r.join().expect("making the first migration's down panicked")) }
        })
    }
}

impl Rest {
    /// The down statements from `new` back to `old`, and `new`'s JSON made beside them on
    /// another thread (they share nothing but the schema).
    fn of(old: &Schema, new: &Schema) -> Rest {
        std::thread::scope(|s| {
            let model = crate::stack::spawn(s, || model_json(new, false));
            let down = statements(new, old);
            Rest { down, model: model.join().expect("writing the model as JSON panicked") }
        })
    }
}

/// A snapshot's text, its checksums still to be written (`sealed`): what takes long, made
/// while the migration's files are.
fn model_json(schema: &Schema, custom: bool) -> String {
    let snapshot = Snapshot { format: 1, up_sha256: PENDING.into(), down_sha256: PENDING.into(), custom, schema };
    // A table takes about 6 KB: sized once rather than copied at each doubling (pages never
    // written to cost nothing).
    let mut json = Vec::with_capacity((1 << 16) + schema.tables.len() * (8 << 10));
    snapshot
        .serialize(&mut serde_json::Serializer::with_formatter(&mut json, Lines::default()))
        .expect("the model holds only serializable values");
    json.push(b'\n');
    String::from_utf8(json).expect("serde_json writes UTF-8")
}

/// How a snapshot is laid out: indented down to the schema's lists, each of whose items (a
/// table, a union type, a role) is one line. A new migration's snapshot reads line by line
/// against the last one's; laid out in full, a 1,000-table model is 13 MB of mostly
/// indentation, written and read on every `strata generate`. serde_json's own formatters do the
/// writing: the pretty one down to the lists, the compact one below.
#[derive(Default)]
struct Lines {
    /// How deep the container being written is: the snapshot is 1, the schema 2, its lists 3.
    depth: usize,
    pretty: serde_json::ser::PrettyFormatter<'static>,
}

impl Lines {
    /// Containers down to this depth have their items on lines of their own.
    const INDENTED: usize = 3;

    /// The formatter for what is written inside the container at `self.depth`.
    fn at_depth<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        pretty: impl FnOnce(&mut serde_json::ser::PrettyFormatter<'static>, &mut W) -> std::io::Result<()>,
        compact: impl FnOnce(&mut serde_json::ser::CompactFormatter, &mut W) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self.depth <= Self::INDENTED {
            true => pretty(&mut self.pretty, w),
            false => compact(&mut serde_json::ser::CompactFormatter, w),
        }
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.at_depth(w, |f, w| f.begin_array(w), |f, w| f.begin_array(w))
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.end_array(w), |f, w| f.end_array(w))?;
        self.depth -= 1;
        Ok(())
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.begin_array_value(w, first), |f, w| f.begin_array_value(w, first))
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.end_array_value(w), |f, w| f.end_array_value(w))
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.at_depth(w, |f, w| f.begin_object(w), |f, w| f.begin_object(w))
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.end_object(w), |f, w| f.end_object(w))?;
        self.depth -= 1;
        Ok(())
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.begin_object_key(w, first), |f, w| f.begin_object_key(w, first))
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.begin_object_value(w), |f, w| f.begin_object_value(w))
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.at_depth(w, |f, w| f.end_object_value(w), |f, w| f.end_object_value(w))
    }
}

/// Where a checksum goes: as long as one, so writing it moves nothing.
const PENDING: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The text of `model.json` for the files `up` and `down`: `model` with their checksums. The
/// first two `PENDING`s are the checksums' fields, which come before the schema.
fn sealed(mut model: String, up: &str, down: &str) -> String {
    for text in [up, down] {
        let at = model.find(PENDING).expect("a checksum to write");
        model.replace_range(at..at + PENDING.len(), &sha256(text));
    }
    model
}

/// `chain` from a `History`, given the first migration's statements when the caller has them
/// already.
pub fn chain_given(
    schema: &Schema,
    history: History,
    next: Next,
    first: Option<First>,
) -> Result<Vec<(String, String)>, ChainError> {
    let name = named(&next)?;
    if next.custom {
        return custom(schema, history, name);
    }
    let History { mut files, last, .. } = history;
    let Some((last, model)) = last else {
        let (dir, empty) = (first_dir(name), empty(schema));
        let (up, rest) = match first {
            Some(First { up, rest }) => (up, rest),
            None => (statements(&empty, schema), None),
        };
        return Ok(migration_of(&empty, schema, &dir, &up, rest, &next));
    };
    // One diff: the statements, and the refusals read from the same decided changes.
    let next_up = decided(&model, schema, |renamed, decided| {
        let up = sql::changes(renamed, schema, decided);
        if up.is_empty() {
            return Ok(None);
        }
        let Some(name) = name else { return Err(ChainError::Unnamed { last: last.clone() }) };
        refuse_impossible(renamed, schema)?;
        if !next.allow_destructive {
            refuse_destructive(renamed, schema, decided)?;
        }
        Ok(Some((up, name)))
    })?;
    let Some((up, name)) = next_up else { return Ok(files) };
    let number = folder::parse_dir(&last).map_or((files.len() / 3) as i64, |(version, _)| version);
    files.extend(migration_of(&model, schema, &folder::dir(number + 1, name), &up, None, &next));
    Ok(files)
}

/// `chain` with an empty migration named `name` after the last, for its author to write: its
/// model is the last one's, which the schema must still be (a schema change is generated first).
fn custom(schema: &Schema, history: History, name: Option<&str>) -> Result<Vec<(String, String)>, ChainError> {
    let Some(name) = name else {
        return Err(ChainError::Custom(
            "a hand-written migration needs a name: strata generate --custom --name NAME".into(),
        ));
    };
    let History { mut files, last, .. } = history;
    let Some((last, model)) = last else {
        return Err(ChainError::Custom(
            "a hand-written migration comes after the first: run `strata generate` (it writes 0001_init), then \
             `strata generate --custom --name NAME`"
                .into(),
        ));
    };
    if !statements(&model, schema).is_empty() {
        return Err(ChainError::Custom(format!(
            "the schema changed since migration {last}: generate that change first (strata generate --name NAME), \
             then the hand-written migration after it"
        )));
    }
    let number = folder::parse_dir(&last).map_or((files.len() / 3) as i64, |(version, _)| version);
    let dir = folder::dir(number + 1, name);
    let file = |which: &str| {
        format!(
            "-- schema {}: migration {dir}, {which}, written by hand\n\
             -- strata runs it like any other: in one transaction with its record, a statement marked\n\
             -- `-- strata:no-transaction` (on the line above it) alone. It must leave the schema as it found it\n\
             -- (data changes only; `strata verify` checks). Edit it until it first runs: it is checksummed then.\n\n",
            schema.name
        )
    };
    let model = model_json(&model, true);
    files.extend([(path(&dir, UP), file("up")), (path(&dir, DOWN), file("down")), (path(&dir, SNAPSHOT), model)]);
    Ok(files)
}

/// The up files of `chain`, in order: those that exist, then the next one if the schema changed
/// (unnamed: `next`), what applying the schema runs (`strata verify`). A first migration's
/// down and model, which nothing applies, are not made.
pub fn ups(schema: &Schema, history: History, next: Next) -> Result<Vec<(String, String)>, ChainError> {
    if history.is_empty() {
        let dir = first_dir(named(&next)?);
        let up = statements(&empty(schema), schema);
        return Ok(vec![(path(&dir, UP), migration_file(schema, &dir, "up", &up, &next))]);
    }
    let chain = chain_given(schema, history, next, None)?;
    Ok(chain.into_iter().filter(|(p, _)| p.ends_with("/up.sql")).collect())
}

/// The next migration's name, refused when it cannot be a folder name.
fn named<'a>(next: &Next<'a>) -> Result<Option<&'a str>, ChainError> {
    match next.name {
        Some(name) if !folder::valid_name(name) => Err(ChainError::BadName(name.to_string())),
        name => Ok(name),
    }
}

/// The first migration's folder.
fn first_dir(name: Option<&str>) -> String {
    folder::dir(1, name.unwrap_or("init"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sealed` writes what serde_json writes for the `Snapshot` it reads back.
    #[test]
    fn a_sealed_snapshot_is_the_snapshot_as_serde_json_writes_it() {
        let toml = "[schema]\nname = \"s\"\n[tables.t]\ndoc = \"a \\\"quoted\\\" line\\nand another\"\n\
                    [tables.t.columns]\nid = { type = \"bigint\", primary_key = true }\n";
        let compiled = crate::compile_toml_str([("s.toml", toml)]);
        let schema = compiled.schema.expect("the schema compiles");
        let (up, down) = ("-- up\nSELECT 1;\n", "-- down\n");
        let snapshot =
            Snapshot { format: 1, up_sha256: sha256(up), down_sha256: sha256(down), custom: false, schema: &schema };
        let mut expected = Vec::new();
        snapshot.serialize(&mut serde_json::Serializer::with_formatter(&mut expected, Lines::default())).unwrap();
        let expected = String::from_utf8(expected).unwrap() + "\n";
        assert_eq!(sealed(model_json(&schema, false), up, down), expected);
        assert_eq!(read_snapshot("0001_init", &expected).unwrap().declared(), schema.declared());
    }

    /// `ups` is the up files of `chain`: of the first migration alone (named, with timeouts, or
    /// not), and of those that exist and the next one.
    #[test]
    fn ups_are_the_up_files_of_the_chain() {
        let toml =
            "[schema]\nname = \"s\"\n[tables.t]\n[tables.t.columns]\nid = { type = \"bigint\", primary_key = true }\n";
        let compile = |toml: &str| crate::compile_toml_str([("s.toml", toml)]).schema.expect("the schema compiles");
        let (before, after) =
            (compile(toml), compile(&format!("{toml}note = {{ type = \"text\", nullable = true }}\n")));
        let up_files = |files: Vec<(String, String)>| -> Vec<(String, String)> {
            files.into_iter().filter(|(p, _)| p.ends_with("/up.sql")).collect()
        };
        let timed =
            Next { name: Some("first"), lock_timeout: Some(std::time::Duration::from_secs(2)), ..Next::default() };
        for next in [Next::default(), timed] {
            assert_eq!(ups(&before, History::default(), next).unwrap(), up_files(chain(&before, &[], next).unwrap()));
        }
        let bad = Next { name: Some("Bad Name"), ..Next::default() };
        assert_eq!(ups(&before, History::default(), bad).unwrap_err(), ChainError::BadName("Bad Name".into()));
        let first = chain(&before, &[], Next::default()).unwrap();
        let file = |end: &str| first.iter().find(|(p, _)| p.ends_with(end)).map(|(_, t)| t.clone());
        let existing = [Migration {
            dir: "0001_init".into(),
            up: file(UP).unwrap(),
            down: file(DOWN).unwrap(),
            snapshot: file(SNAPSHOT),
        }];
        let next = Next { name: Some("note"), ..Next::default() };
        let want = up_files(chain(&after, &existing, next).unwrap());
        assert_eq!(want.len(), 2);
        assert_eq!(ups(&after, History::of(existing.to_vec()).unwrap(), next).unwrap(), want);
    }

    /// `Lines` writes the JSON that serde_json writes, laid out down to the schema's lists, each
    /// item on one line.
    #[test]
    fn a_snapshot_has_one_line_per_item_of_the_schemas_lists() {
        let toml = "[schema]\nname = \"s\"\n[enums.state]\nvalues = [\"a\", \"b\"]\n\
                    [tables.t]\n[tables.t.columns]\nid = { type = \"bigint\", primary_key = true }\n\
                    [tables.u]\n[tables.u.columns]\nid = { type = \"bigint\", primary_key = true }\n";
        let schema = crate::compile_toml_str([("s.toml", toml)]).schema.expect("the schema compiles");
        let json = model_json(&schema, false);
        let snapshot = Snapshot {
            format: 1,
            up_sha256: PENDING.into(),
            down_sha256: PENDING.into(),
            custom: false,
            schema: &schema,
        };
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value, serde_json::to_value(&snapshot).unwrap());
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines[..3], ["{", "  \"format\": 1,", &format!("  \"up_sha256\": \"{PENDING}\",")]);
        assert!(lines.contains(&"  \"schema\": {"), "{json}");
        assert!(lines.contains(&"    \"tables\": ["), "{json}");
        let tables: Vec<&&str> =
            lines.iter().filter(|l| l.starts_with("      {\"namespace\":\"public\",\"name\":\"")).collect();
        assert_eq!(tables.len(), 3, "a line for the union type and each table:\n{json}");
        assert!(lines.contains(&"    \"roles\": [],"), "an empty list stays on its line:\n{json}");
        assert_eq!(lines.last(), Some(&"}"));
    }
}
