//! `strata import` runs a script someone else wrote: as a role of its own that owns only the
//! scratch database it is applied to, so nothing in it (a superuser left behind, ALTER SYSTEM,
//! COPY ... TO PROGRAM, other databases, other sessions) reaches past that database. What a
//! schema script needs and that role may not do is done for it, once judged harmless:
//! extensions and the roles strata itself writes run on the privileged connection; a LEAKPROOF
//! function in SQL or PL/pgSQL (not SECURITY DEFINER) is made there and given to the role;
//! ownership given to a superuser stays with the role; `GRANT ... ON ALL ... IN SCHEMA` names the
//! objects one by one, leaving out those of extensions (which the model leaves out too).

use postgres::{Client, NoTls};
use strata::scratch::Server;
use strata::script::Statement;

use crate::Failure;
use crate::db::{self, Scratch, Script, message, no_database};

/// Extensions that reach other databases or the server's files: never for an import.
const REACHING_OUT: &[&str] = &["dblink", "postgres_fdw", "file_fdw", "adminpack"];

/// A scratch database owned by a role made for it, both dropped with the value.
pub struct Confined<'a> {
    server: &'a Server,
    scratch: Option<Scratch<'a>>,
    role: String,
    password: String,
}

impl<'a> Confined<'a> {
    /// The role (no privilege but LOGIN) and its database. The role is a member of the roles
    /// already on the server that can do nothing anywhere (no LOGIN, no attribute, a member of no
    /// role that can), so that the script may give them objects; no other membership.
    pub fn create(server: &'a Server, name: &str) -> Result<Confined<'a>, Failure> {
        let password = strata::reexports::uuid::Uuid::new_v4().simple().to_string();
        let mut admin = server.admin().map_err(|e| no_database("the scratch server", &e))?;
        let made = |e: postgres::Error| {
            no_database("the scratch server", &format!("cannot make the import's role: {}", message(&e)))
        };
        // What a killed import of the same process id left: its database, then its role.
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).map_err(made)?;
        admin.batch_execute(&format!("DROP ROLE IF EXISTS {name}")).map_err(made)?;
        admin
            .batch_execute(&format!(
                "CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{password}'"
            ))
            .map_err(made)?;
        // Made before the database, so that a failure below drops the role again.
        let mut confined = Confined { server, scratch: None, role: name.to_string(), password };
        confined.scratch = Some(Scratch::create_owned(server, name, Some(name))?);
        let harmless: Vec<String> = admin.query(HARMLESS, &[]).map_err(made)?.iter().map(|r| r.get(0)).collect();
        if !harmless.is_empty() {
            let list: Vec<String> = harmless.iter().map(|r| strata_codegen::sql::ident(r).into_owned()).collect();
            admin.batch_execute(&format!("GRANT {} TO {name}", list.join(", "))).map_err(made)?;
        }
        Ok(confined)
    }

    /// A connection as the import's role.
    pub fn connect(&self) -> Result<Client, Failure> {
        let mut config = self.server.config(&self.role);
        config.user(&self.role).password(&self.password);
        config.connect(NoTls).map_err(|e| no_database("the scratch database", &message(&e)))
    }

    /// A connection as the server's superuser, to the same database.
    fn privileged(&self) -> Result<Client, Failure> {
        self.scratch.as_ref().expect("made in create").connect()
    }

    /// Applies `statements` of `file` in order: each as `route` says, the others as the import's
    /// role. `Ok(false)` when a statement was refused (reported at its line).
    pub fn apply(&self, file: &std::path::Path, statements: &[Statement<'_>], what: &str) -> Result<bool, Failure> {
        let mut client = self.connect()?;
        let mut admin = self.privileged()?;
        let superusers: Vec<String> = admin
            .query("SELECT rolname::text FROM pg_roles WHERE rolsuper", &[])
            .map_err(|e| no_database("the scratch database", &message(&e)))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut pending: Vec<Statement<'_>> = Vec::new();
        let mut kept = 0;
        let refused = |statement: &Statement<'_>, why: &str| {
            eprintln!("{}:{}: {why}", file.display(), statement.line);
            eprintln!("error: {what} does not apply");
            Ok(false)
        };
        for statement in statements {
            let route = route(statement.sql, &superusers);
            if route == Route::Confined {
                pending.push(*statement);
                continue;
            }
            if let Route::Grant = route {
                // On an extension's object: not part of the model, and not the role's to grant.
                if !extension_member(&mut admin, statement.sql)? {
                    pending.push(*statement);
                } else {
                    kept += 1;
                }
                continue;
            }
            let script = Script { path: file.to_path_buf(), statements: std::mem::take(&mut pending) };
            if !db::apply(&mut client, &[script], what)? {
                return Ok(false);
            }
            let rejected = |e: postgres::Error| format!("PostgreSQL rejects it: {}", message(&e));
            match route {
                Route::Refused(why) => return refused(statement, &why),
                Route::KeptByTheImport => kept += 1,
                Route::Privileged { role } => {
                    if let Err(e) = admin.batch_execute(statement.sql) {
                        return refused(statement, &rejected(e));
                    }
                    // A role strata's own SQL made, without LOGIN: the script may give it objects.
                    if let Some(role) = role {
                        let role = strata_codegen::sql::ident(&role);
                        let grant = format!("GRANT {role} TO {} WITH ADMIN OPTION", self.role);
                        admin.batch_execute(&grant).map_err(|e| no_database("the scratch database", &message(&e)))?;
                    }
                }
                Route::Leakproof => {
                    if let Err(e) = admin.batch_execute(statement.sql) {
                        return refused(statement, &rejected(e));
                    }
                    self.take_routines(&mut admin)?;
                }
                Route::OnAll(clause) => {
                    let Some(sql) = self.one_by_one(&mut client, statement.sql, clause)? else { continue };
                    if let Err(e) = client.batch_execute(&sql) {
                        return refused(statement, &rejected(e));
                    }
                }
                Route::ForSuperuser { from, to } => {
                    let sql = format!("{}{}", &statement.sql[..from], &statement.sql[to..]);
                    if let Err(e) = client.batch_execute(&sql) {
                        return refused(statement, &rejected(e));
                    }
                }
                Route::Confined | Route::Grant => unreachable!("handled above"),
            }
        }
        let script = Script { path: file.to_path_buf(), statements: pending };
        let applied = db::apply(&mut client, &[script], what)?;
        if kept > 0 {
            eprintln!(
                "note: {kept} statement(s) left out: ownership given to a superuser (the import's role keeps it), \
                 privileges on extensions' objects (no part of the schema)"
            );
        }
        Ok(applied)
    }
}

impl Confined<'_> {
    /// The routines a superuser owns in the database (outside PostgreSQL's namespaces and
    /// extensions), given to the import's role: what `Route::Leakproof` made.
    fn take_routines(&self, admin: &mut Client) -> Result<(), Failure> {
        let failed = |e: postgres::Error| no_database("the scratch database", &message(&e));
        let routines = admin
            .query(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                 JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE r.rolsuper AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                   AND d.objid = p.oid AND d.deptype = 'e')",
                &[],
            )
            .map_err(failed)?;
        for r in routines {
            let routine: String = r.get(0);
            admin.batch_execute(&format!("ALTER ROUTINE {routine} OWNER TO {}", self.role)).map_err(failed)?;
        }
        Ok(())
    }

    /// `sql` with its `ON ALL <kind> IN SCHEMA <list>` naming the objects of those namespaces
    /// one by one, those of extensions left out; `None` when there are none.
    fn one_by_one(&self, client: &mut Client, sql: &str, clause: OnAll) -> Result<Option<String>, Failure> {
        let namespaces = identifiers(&sql[clause.list..clause.till]);
        // (the object as GRANT names it, its catalog, its namespace column, which of its rows)
        let (object, catalog, namespace, which, on) = match clause.kind {
            Kind::Tables => {
                ("oid::regclass", "pg_class", "relnamespace", "relkind IN ('r', 'p', 'v', 'm', 'f')", "TABLE")
            }
            Kind::Sequences => ("oid::regclass", "pg_class", "relnamespace", "relkind = 'S'", "SEQUENCE"),
            Kind::Functions => {
                ("oid::regprocedure", "pg_proc", "pronamespace", "prokind IN ('f', 'a', 'w')", "ROUTINE")
            }
            Kind::Procedures => ("oid::regprocedure", "pg_proc", "pronamespace", "prokind = 'p'", "ROUTINE"),
            Kind::Routines => ("oid::regprocedure", "pg_proc", "pronamespace", "true", "ROUTINE"),
        };
        let query = format!(
            "SELECT o.{object}::text FROM {catalog} o JOIN pg_namespace n ON n.oid = o.{namespace}
             WHERE n.nspname = ANY($1) AND o.{which}
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = '{catalog}'::regclass AND d.objid = o.oid AND d.deptype = 'e')
             ORDER BY 1"
        );
        let objects: Vec<String> = client
            .query(&query, &[&namespaces])
            .map_err(|e| no_database("the scratch database", &message(&e)))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if objects.is_empty() {
            return Ok(None);
        }
        Ok(Some(format!("{}ON {on} {} {}", &sql[..clause.on], objects.join(", "), &sql[clause.till..])))
    }
}

impl Drop for Confined<'_> {
    fn drop(&mut self) {
        // The database first: a role that owns one cannot be dropped.
        drop(self.scratch.take());
        if let Ok(mut admin) = self.server.admin() {
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", self.role));
        }
    }
}

/// Roles that can do nothing anywhere: no LOGIN, no attribute, not PostgreSQL's own, and a member
/// of no role that can (a member inherits what its roles may).
const HARMLESS: &str = "WITH RECURSIVE able AS (
    SELECT oid FROM pg_roles
    WHERE rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls
       OR rolname LIKE 'pg\\_%'
    UNION
    SELECT m.member FROM pg_auth_members m JOIN able a ON a.oid = m.roleid
)
SELECT rolname::text FROM pg_roles WHERE oid NOT IN (SELECT oid FROM able) ORDER BY rolname";

/// Where a statement of an imported script runs.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// As the import's role: nearly everything.
    Confined,
    /// On the privileged connection: an extension, or a role as strata writes it (`role`: one
    /// without LOGIN, which the import's role then administers).
    Privileged {
        role: Option<String>,
    },
    /// Ownership given to a superuser: the import's role keeps the object (owners of tables and
    /// routines are not part of the model; a namespace owned by the reader reads as unowned, as
    /// one owned by the superuser that made the dump did).
    KeptByTheImport,
    /// A LEAKPROOF function, which only a superuser may make: in SQL or PL/pgSQL, run as its
    /// caller (not SECURITY DEFINER), so its owner lends it nothing.
    Leakproof,
    /// A grant or revoke `ON ALL <kind> IN SCHEMA ...`.
    OnAll(OnAll),
    /// A grant or revoke on named objects: left out when on an extension's object.
    Grant,
    /// `ALTER DEFAULT PRIVILEGES FOR ROLE <a superuser>` (bytes `from..to`: that clause): for the
    /// import's role itself, whose defaults read as the reader's, as the superuser's did.
    ForSuperuser {
        from: usize,
        to: usize,
    },
    Refused(String),
}

/// Where the `ON ALL <kind> IN SCHEMA <list>` clause of a statement is: from `on`, its list from
/// `list`, up to its `TO` or `FROM` at `till` (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OnAll {
    on: usize,
    list: usize,
    till: usize,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tables,
    Sequences,
    Functions,
    Procedures,
    Routines,
}

fn route(sql: &str, superusers: &[String]) -> Route {
    let words: Vec<String> = strata_script::words(sql).take(3).map(str::to_ascii_lowercase).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["create" | "alter", "extension", ..] | ["comment", "on", "extension"] => {
            let named =
                strata_script::words(sql).map(str::to_ascii_lowercase).find(|w| REACHING_OUT.contains(&w.as_str()));
            match named {
                Some(e) => Route::Refused(format!(
                    "the extension {e} reaches other databases or the server's files, which an import may not"
                )),
                None => Route::Privileged { role: None },
            }
        }
        ["do", ..] => match strata_role(sql) {
            Some((role, login)) => Route::Privileged { role: (!login).then_some(role) },
            None => Route::Confined,
        },
        ["alter", ..] if owner_is(sql, superusers) => Route::KeptByTheImport,
        ["create", ..] if leakproof(sql) => Route::Leakproof,
        ["grant" | "revoke", ..] => on_all(sql).unwrap_or(if on_objects(sql) { Route::Grant } else { Route::Confined }),
        ["alter", "default", "privileges"] => for_superuser(sql, superusers).unwrap_or(Route::Confined),
        _ => Route::Confined,
    }
}

/// Whether `sql` makes a LEAKPROOF function that runs as its caller, in SQL or PL/pgSQL.
fn leakproof(sql: &str) -> bool {
    let words: Vec<String> = strata_script::words(sql).map(str::to_ascii_lowercase).collect();
    let at = |w: &str| words.iter().position(|x| x == w);
    let head = matches!(words.as_slice(), [c, f, ..] | [c, _, _, f, ..] if c == "create" && f == "function");
    let language = at("language").and_then(|i| words.get(i + 1)).is_some_and(|l| l == "sql" || l == "plpgsql");
    let definer = words.windows(2).any(|w| w[0] == "security" && w[1] == "definer");
    let leak = words.windows(2).any(|w| w[1] == "leakproof" && w[0] != "not");
    head && language && leak && !definer
}

/// The `ON ALL <kind> IN SCHEMA ...` clause of a grant or revoke, if it has one.
fn on_all(sql: &str) -> Option<Route> {
    let words: Vec<&str> = strata_script::words(sql).collect();
    let is = |i: usize, w: &str| words.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let i = (0..words.len()).find(|&i| is(i, "on") && is(i + 1, "all") && is(i + 3, "in") && is(i + 4, "schema"))?;
    let kind = match words[i + 2].to_ascii_lowercase().as_str() {
        "tables" => Kind::Tables,
        "sequences" => Kind::Sequences,
        "functions" => Kind::Functions,
        "procedures" => Kind::Procedures,
        "routines" => Kind::Routines,
        _ => return None,
    };
    let end = (i + 5..words.len()).find(|&j| is(j, "to") || is(j, "from"))?;
    let offset = |w: &str| w.as_ptr() as usize - sql.as_ptr() as usize;
    let list = offset(words[i + 4]) + words[i + 4].len();
    Some(Route::OnAll(OnAll { on: offset(words[i]), list, till: offset(words[end]), kind }))
}

/// Whether a grant or revoke names objects (`ON ...`), not roles (`GRANT role TO role`).
fn on_objects(sql: &str) -> bool {
    strata_script::words(sql).any(|w| w.eq_ignore_ascii_case("on"))
}

/// The `FOR ROLE|USER name` clause of `ALTER DEFAULT PRIVILEGES`, when `name` is a superuser.
fn for_superuser(sql: &str, superusers: &[String]) -> Option<Route> {
    let words: Vec<&str> = strata_script::words(sql).collect();
    let is = |i: usize, w: &str| words.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    if !(is(3, "for") && (is(4, "role") || is(4, "user"))) {
        return None;
    }
    let offset = |w: &str| w.as_ptr() as usize - sql.as_ptr() as usize;
    let after = offset(words[4]) + words[4].len();
    let name_len = sql[after..].trim_start().find(char::is_whitespace)?;
    let start = after + (sql[after..].len() - sql[after..].trim_start().len());
    let names = identifiers(&sql[start..start + name_len]);
    (names.len() == 1 && superusers.contains(&names[0]))
        .then(|| Route::ForSuperuser { from: offset(words[3]), to: start + name_len + 1 })
}

/// Whether the one object a grant or revoke names (`ON FUNCTION ns.f(...)`, `ON TABLE ns.t`,
/// `ON SEQUENCE ns.s`) belongs to an extension.
fn extension_member(admin: &mut Client, sql: &str) -> Result<bool, Failure> {
    let words: Vec<&str> = strata_script::words(sql).collect();
    let Some(on) = words.iter().position(|w| w.eq_ignore_ascii_case("on")) else { return Ok(false) };
    let kind = words.get(on + 1).map(|w| w.to_ascii_lowercase()).unwrap_or_default();
    let routine = ["function", "procedure", "routine"].contains(&kind.as_str());
    let offset = |w: &str| w.as_ptr() as usize - sql.as_ptr() as usize;
    let Some(kind_word) = words.get(on + 1) else { return Ok(false) };
    let from = offset(kind_word) + kind_word.len();
    let Some(till) = words[on + 1..].iter().find(|w| w.eq_ignore_ascii_case("to") || w.eq_ignore_ascii_case("from"))
    else {
        return Ok(false);
    };
    let object = sql[from..offset(till)].trim();
    let object = if routine { object.split_once('(').map_or(object, |(name, _)| name) } else { object };
    if object.contains(',') || !(routine || kind == "table" || kind == "sequence") {
        return Ok(false);
    }
    let parts: Vec<String> = identifiers(&object.replace('.', ","));
    let (namespace, name) = match parts.as_slice() {
        [name] => ("public".to_string(), name.clone()),
        [namespace, name] => (namespace.clone(), name.clone()),
        _ => return Ok(false),
    };
    let (catalog, column, namespace_column) =
        if routine { ("pg_proc", "proname", "pronamespace") } else { ("pg_class", "relname", "relnamespace") };
    let query = format!(
        "SELECT coalesce(bool_and(EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass
                                           AND d.objid = o.oid AND d.deptype = 'e')), false)
         FROM {catalog} o JOIN pg_namespace n ON n.oid = o.{namespace_column}
         WHERE n.nspname = $1 AND o.{column} = $2"
    );
    let member =
        admin.query_one(&query, &[&namespace, &name]).map_err(|e| no_database("the scratch database", &message(&e)))?;
    Ok(member.get(0))
}

/// The names in a comma-separated list of identifiers, as PostgreSQL folds them.
fn identifiers(list: &str) -> Vec<String> {
    let mut names = Vec::new();
    let (mut name, mut quoted, mut chars) = (String::new(), false, list.trim().chars().peekable());
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                name.push('"');
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            ',' if !quoted => {
                names.push(folded(&name, was_quoted));
                (name, was_quoted) = (String::new(), false);
            }
            c if !quoted && c.is_whitespace() => {}
            c => name.push(c),
        }
    }
    names.push(folded(&name, was_quoted));
    names.retain(|n| !n.is_empty());
    names
}

fn folded(name: &str, quoted: bool) -> String {
    if quoted { name.to_string() } else { name.to_ascii_lowercase() }
}

/// The role a `DO` block creates when it is exactly the block strata writes for one (its name,
/// and whether it may log in).
fn strata_role(sql: &str) -> Option<(String, bool)> {
    let head = "DO $$\nBEGIN\n    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '";
    let rest = sql.strip_prefix(head)?;
    let end = rest.match_indices('\'').map(|(i, _)| i).find(|&i| rest[i + 1..].starts_with(')'))?;
    let name = rest[..end].replace("''", "'");
    [(true, true), (true, false), (false, true), (false, false)]
        .into_iter()
        .find(|&(login, inherit)| strata_codegen::render::sql::create_role_sql(&name, login, inherit) == sql)
        .map(|(login, _)| (name, login))
}

/// Whether `sql` ends `OWNER TO name` with `name` a superuser.
fn owner_is(sql: &str, superusers: &[String]) -> bool {
    let sql = sql.trim_end();
    let Some(at) = sql.to_ascii_uppercase().rfind(" OWNER TO ") else { return false };
    let name = sql[at + " OWNER TO ".len()..].trim();
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => name.to_ascii_lowercase(),
    };
    superusers.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_routed() {
        let su = ["postgres".to_string()];
        assert_eq!(route("CREATE EXTENSION IF NOT EXISTS pgcrypto", &su), Route::Privileged { role: None });
        assert!(matches!(route("CREATE EXTENSION dblink", &su), Route::Refused(_)));
        assert_eq!(route("ALTER TABLE public.a OWNER TO postgres", &su), Route::KeptByTheImport);
        assert_eq!(route("ALTER TABLE public.a OWNER TO app", &su), Route::Confined);
        let ours = strata_codegen::render::sql::create_role_sql("app's", false, true);
        assert_eq!(route(&ours, &su), Route::Privileged { role: Some("app's".into()) });
        let login = strata_codegen::render::sql::create_role_sql("web", true, true);
        assert_eq!(route(&login, &su), Route::Privileged { role: None });
        let edited = ours.replace("NOLOGIN INHERIT;", "SUPERUSER;");
        assert_eq!(route(&edited, &su), Route::Confined);
        assert_eq!(route("DO $$ BEGIN PERFORM 1; END $$", &su), Route::Confined);
        let leak = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE LEAKPROOF RETURN a";
        assert_eq!(route(leak, &su), Route::Leakproof);
        assert_eq!(route(&leak.replace("IMMUTABLE", "SECURITY DEFINER"), &su), Route::Confined);
        assert_eq!(route(&leak.replace("LANGUAGE sql", "LANGUAGE c"), &su), Route::Confined);
        assert_eq!(route(&leak.replace(" LEAKPROOF", " NOT LEAKPROOF"), &su), Route::Confined);
        let grant = "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public, \"My, Schema\" TO app";
        let Route::OnAll(c) = route(grant, &su) else { panic!("{grant}") };
        assert_eq!(
            (&grant[c.on..c.till], c.kind),
            ("ON ALL FUNCTIONS IN SCHEMA public, \"My, Schema\" ", Kind::Functions)
        );
        assert_eq!(&grant[c.list..c.till], " public, \"My, Schema\" ");
        assert_eq!(identifiers(" public, \"My, Schema\" , \"a\"\"b\""), ["public", "My, Schema", "a\"b"]);
    }
}
