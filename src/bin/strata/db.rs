//! Connections: to a database named by URL, and to scratch databases created for the moment.
//! Messages never repeat a URL, which may hold a password.

use std::path::PathBuf;

use postgres::{Client, NoTls};
use strata::live::PgCatalogs;
use strata::scratch::Server;
use strata::script::Statement;
use strata_codegen::model::Schema;
use strata_codegen::source::live;

use crate::Failure;

/// A database created for the moment, dropped with the value.
pub struct Scratch<'a> {
    server: &'a Server,
    name: String,
}

impl<'a> Scratch<'a> {
    pub fn create(server: &'a Server, name: &str) -> Result<Scratch<'a>, Failure> {
        Scratch::create_owned(server, name, None)
    }

    /// A scratch database owned by `owner` (the superuser when `None`).
    pub fn create_owned(server: &'a Server, name: &str, owner: Option<&str>) -> Result<Scratch<'a>, Failure> {
        let mut admin = server.admin().map_err(|e| no_database("the scratch server", &e))?;
        let owner = owner.map(|o| format!(" OWNER {o}")).unwrap_or_default();
        // One statement each: DROP DATABASE cannot run in the transaction of a multi-statement query.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}{owner} TEMPLATE template0"),
        ] {
            admin.batch_execute(&sql).map_err(|e| {
                no_database("the scratch server", &format!("cannot create a scratch database: {}", message(&e)))
            })?;
        }
        Ok(Scratch { server, name: name.to_string() })
    }

    pub fn connect(&self) -> Result<Client, Failure> {
        let config = self.server.config(&self.name);
        config.connect(NoTls).map_err(|e| no_database("the scratch database", &message(&e)))
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        if let Ok(mut admin) = self.server.admin() {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

pub fn connect(url: &str, flag: &str) -> Result<Client, Failure> {
    config(url, flag)?.connect(NoTls).map_err(|e| no_database(flag, &message(&e)))
}

/// The namespaces `declared` has (and those of `also`), read through `catalogs` into a schema of
/// its name.
pub fn read_namespaces_of(catalogs: &mut PgCatalogs, declared: &Schema, also: &[String]) -> Result<Schema, Failure> {
    let mut namespaces = live::namespaces_of(declared);
    for n in also {
        if !namespaces.contains(n) {
            namespaces.push(n.clone());
        }
    }
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    let mut read =
        live::introspect(catalogs, &declared.name, &namespaces).map_err(|e| no_database("reading the catalog", &e))?;
    // What the schema leaves to others is not read.
    declared.ignore.remove_from(&mut read);
    Ok(read)
}

/// The connection settings of a URL given with `flag`.
pub fn config(url: &str, flag: &str) -> Result<postgres::Config, Failure> {
    url.parse().map_err(|e| Failure::Usage(format!("{flag}: invalid URL: {e}")))
}

/// What the server said, or why it could not be reached (`postgres::Error` alone prints
/// only "db error").
pub fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// `text` with every password it holds masked: the password of a URL (`postgres://user:PASSWORD@`)
/// and the value of a connection string's `password=`. Whatever strata prints last passes here,
/// the argument parser's messages included (they repeat a mistyped argument).
pub fn without_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let url = rest.find("://").map(|at| (at + 3, true));
        let key = find_ignore_case(rest, "password=").map(|at| (at + "password=".len(), false));
        let Some((at, is_url)) = [url, key].into_iter().flatten().min() else { break };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = if is_url {
            rest.find(|c: char| c.is_whitespace() || "/?#'\"".contains(c)).unwrap_or(rest.len())
        } else if let Some(quoted) = rest.strip_prefix('\'') {
            quoted.find('\'').map_or(rest.len(), |n| n + 2)
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        let (value, after) = rest.split_at(end);
        match is_url {
            // user:password@host: the password is what lies between the first `:` and the last `@`.
            true => match value.rfind('@').and_then(|a| value[..a].find(':').map(|c| (c, a))) {
                Some((colon, at)) => {
                    out.push_str(&value[..=colon]);
                    out.push_str("***");
                    out.push_str(&value[at..]);
                }
                None => out.push_str(value),
            },
            false => out.push_str("***"),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn find_ignore_case(text: &str, word: &str) -> Option<usize> {
    text.as_bytes().windows(word.len()).position(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// The database could not be used; the URL is never repeated (it may hold a password).
pub fn no_database(which: &str, why: &str) -> Failure {
    Failure::Database(format!("{which}: {why}"))
}

/// A server to create scratch databases on: `--dev-url`, else STRATA_DEV_URL, else one started
/// for the moment (a container where a Docker engine answers, else PostgreSQL's own binaries).
pub fn scratch_server(dev_url: Option<&str>) -> Result<Server, Failure> {
    let env = std::env::var("STRATA_DEV_URL").ok().filter(|v| !v.is_empty());
    match dev_url.map(str::to_string).or(env) {
        Some(url) => Server::from_url(&url).map_err(|e| no_database("--dev-url", &e)),
        None => Server::scratch().map_err(Failure::Database),
    }
}

/// A SQL file to apply: its statements (see `strata::script`).
pub struct Script<'a> {
    pub path: PathBuf,
    pub statements: Vec<Statement<'a>>,
}

impl<'a> Script<'a> {
    /// A file strata wrote, cut into its statements; one that does not cut is reported at its line.
    pub fn of(path: PathBuf, sql: &'a str) -> Result<Script<'a>, Failure> {
        match strata::script::statements(sql) {
            Ok(statements) => Ok(Script { path, statements }),
            Err(e) => {
                eprintln!("{}:{}: {}", path.display(), e.line, e.message);
                Err(Failure::Schema)
            }
        }
    }
}

/// Statements sent in one round trip, each batch its own transaction: PostgreSQL runs thousands
/// of DDL statements slower in one transaction than in batches (it keeps every catalog
/// invalidation a transaction makes): 1,000 tables took 3.5 s in one, 2.9 s statement by statement.
const BATCH: usize = 200;

/// Applies the scripts, in order, to a scratch database (dropped afterwards, so a refusal
/// leaves nothing behind), `BATCH` statements per transaction, and each marked to run outside a
/// transaction alone (`strata::script::run`). A refusal is reported at its line
/// (`path:line: PostgreSQL rejects it: ...`). `Ok(false)` when refused; `what` names what did
/// not apply.
pub fn apply(client: &mut Client, scripts: &[Script], what: &str) -> Result<bool, Failure> {
    for script in scripts {
        for batch in strata::script::batches(&script.statements, BATCH) {
            let Err(refused) = strata::script::run(client, batch) else { continue };
            let Some(db) = refused.error.as_db_error() else {
                return Err(no_database("the scratch database", &message(&refused.error)));
            };
            let statement = refused.statement;
            let within = match db.position() {
                Some(postgres::error::ErrorPosition::Original(at)) => {
                    statement.sql.chars().take(*at as usize).filter(|&c| c == '\n').count()
                }
                _ => 0,
            };
            let hint = db.hint().map(|h| format!("\n  hint: {h}")).unwrap_or_default();
            eprintln!(
                "{}:{}: PostgreSQL rejects it: {}{hint}",
                script.path.display(),
                statement.line + within,
                db.message()
            );
            eprintln!("error: {what} does not apply");
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::without_passwords;

    #[test]
    fn passwords_are_masked_wherever_they_are() {
        let cases = [
            (
                "unexpected argument 'postgres://u:s3cret@h:1/db' found",
                "unexpected argument 'postgres://u:***@h:1/db' found",
            ),
            ("postgresql://u:p@ss:w@h/db?x=1", "postgresql://u:***@h/db?x=1"),
            ("--from: host=h PASSWORD=s3cret port=x: bad", "--from: host=h PASSWORD=*** port=x: bad"),
            ("password='two words' user=u", "password=*** user=u"),
            ("postgres://u@h/db and no password", "postgres://u@h/db and no password"),
        ];
        for (text, masked) in cases {
            assert_eq!(without_passwords(text), masked);
        }
    }
}
