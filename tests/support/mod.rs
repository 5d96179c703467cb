//! Shared by the live tests: valid rows built from the model, inserted with their parents.

#![allow(dead_code)]

pub mod migrating;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use postgres::Client;
use strata_codegen::model::{ColumnType, EnumRepr, Scalar, Schema, Table};
use strata_codegen::sql::{ident, literal, qualified};

/// The namespaces a schema's objects may live in: every one but PostgreSQL's own and those an
/// extension created.
pub const USER_NAMESPACES: &str = "(SELECT n.oid FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' \
     AND n.nspname <> 'information_schema' \
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = n.oid AND d.deptype = 'e'))";

/// Whether two SQL expressions are equal values of type `ty`, by the server: constants whose
/// text the type rewrites (`'0.00'` money is printed `'$0.00'`) compare only this way.
pub fn equal_as(client: &mut Client, a: &str, b: &str, ty: &str) -> bool {
    let sql = format!("SELECT ({a})::{ty} IS NOT DISTINCT FROM ({b})::{ty}");
    client.query_one(sql.as_str(), &[]).is_ok_and(|row| row.get::<_, bool>(0))
}

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A value for a NOT NULL column without a default that its rules accept, distinct from the
/// values of other rows so unique keys hold.
fn value(schema: &Schema, table: &Table, column: &str) -> String {
    let c = table.column(column).unwrap();
    // Later columns get later times, so "end after start" rules hold as columns are declared.
    let position = table.columns.iter().position(|x| x.name == column).unwrap_or(0);
    value_of(schema, c, position)
}

fn value_of(schema: &Schema, c: &strata_codegen::model::Column, position: usize) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    if let Some(range) = &c.rules.range {
        return range.min.clone().unwrap_or("0".into());
    }
    let text = |min: u32| {
        let v = format!("a{n}");
        literal(&format!("{v}{}", "a".repeat((min as usize).saturating_sub(v.len()))))
    };
    // A domain's value is one of its base type (the declared ones accept these).
    match &schema.base_type(&c.ty) {
        ColumnType::Array(_) => "'{}'".to_string(),
        ColumnType::Scalar(s) => match s {
            Scalar::Uuid => "gen_random_uuid()".into(),
            Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_) => {
                match (&c.rules.pattern, c.rules.format.as_deref()) {
                    (_, Some("email")) => format!("'u{n}@example.com'"),
                    (_, Some("url")) => "'https://example.com'".into(),
                    (Some(p), _) if p.contains("[0-9]+\\.") => format!("'1.0.{n}'"),
                    _ => text(c.rules.min_length.unwrap_or(1)),
                }
            }
            Scalar::Boolean => "false".into(),
            Scalar::SmallInt | Scalar::Integer | Scalar::BigInt | Scalar::Serial | Scalar::BigSerial => {
                (n % 30_000).to_string()
            }
            Scalar::Numeric(_) | Scalar::Real | Scalar::Double => "0".into(),
            Scalar::Date => format!("'2026-01-15'::date + {position}"),
            Scalar::Time => "'12:00'".into(),
            Scalar::Timestamp | Scalar::Timestamptz => {
                format!("'2026-01-15 12:00:00+00'::timestamptz + interval '{position} minutes'")
            }
            Scalar::Interval => "'1 day'".into(),
            Scalar::Json | Scalar::Jsonb => "'{}'".into(),
            Scalar::Inet | Scalar::Cidr => "'127.0.0.1'".into(),
            Scalar::Bytea => "'\\x00'".into(),
            Scalar::Tsvector => "''".into(),
            Scalar::Builtin(b) => match b.name {
                "timetz" => "'12:00+00'".into(),
                "money" => "'1.00'".into(),
                "xml" => "'<a/>'".into(),
                "bit" => format!("'{}'", "1".repeat(b.modifiers.first().copied().unwrap_or(1) as usize)),
                "varbit" => "'1'".into(),
                "oid" => "'1'".into(),
                "macaddr" => "'08:00:2b:01:02:03'".into(),
                "macaddr8" => "'08:00:2b:01:02:03:04:05'".into(),
                "int4range" | "int8range" | "numrange" => "'[1,2)'".into(),
                "daterange" | "tsrange" | "tstzrange" => "'[2026-01-01,2026-02-01)'".into(),
                "time" => "'12:00'".into(),
                _ => format!("'2026-01-15 12:00:00+00'::timestamptz + interval '{position} minutes'"),
            },
            Scalar::Enum(name) => {
                let e = schema.enum_(name).unwrap();
                let v = literal(&e.values[0]);
                match e.repr {
                    EnumRepr::Check { .. } => v,
                    EnumRepr::Type => format!("{v}::{}", qualified(&name.namespace, &name.name)),
                }
            }
            // A composite's fields get values of their types; a range, one over 1 and 2.
            Scalar::Composite(q) => {
                let fields = schema.composite(q).unwrap().fields.iter().map(|f| {
                    let mut field = c.clone();
                    (field.ty, field.rules) = (f.ty.clone(), Default::default());
                    value_of(schema, &field, position)
                });
                format!("ROW({})::{}", fields.collect::<Vec<_>>().join(", "), qualified(&q.namespace, &q.name))
            }
            Scalar::Range(q) => format!("'[1,2)'::{}", qualified(&q.namespace, &q.name)),
            Scalar::Extension(_) | Scalar::Unresolved(_) | Scalar::Domain(_) => "NULL".into(),
        },
    }
}

fn existing_row(client: &mut Client, table: &Table) -> Option<HashMap<String, Option<String>>> {
    let columns: Vec<String> = table.columns.iter().map(|c| format!("{}::text", ident(&c.name))).collect();
    let row = client
        .query_opt(
            &format!("SELECT {} FROM {} LIMIT 1", columns.join(", "), qualified(&table.namespace, &table.name)),
            &[],
        )
        .unwrap()?;
    Some(table.columns.iter().enumerate().map(|(i, c)| (c.name.clone(), row.get::<_, Option<String>>(i))).collect())
}

/// Inserts one valid row into `table` (and, first, the rows its required foreign keys need),
/// with `fixed` column values; returns the row's columns as text.
pub fn insert_row(
    client: &mut Client,
    schema: &Schema,
    table: &Table,
    fixed: &HashMap<String, String>,
) -> HashMap<String, Option<String>> {
    try_insert_row(client, schema, table, fixed).unwrap_or_else(|e| panic!("inserting into {}: {e:?}", table.name))
}

/// The values of one valid row of `table` as SQL expressions, by column: `fixed` ones, then
/// values for required columns. The rows its required foreign keys need are inserted first.
fn row_values(
    client: &mut Client,
    schema: &Schema,
    table: &Table,
    fixed: &HashMap<String, String>,
) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = Vec::new();
    for fk in &table.foreign_keys {
        let required = fk.columns.iter().any(|c| !table.column(&c.name).unwrap().nullable);
        if !required || fk.columns.iter().all(|c| fixed.contains_key(&c.name)) {
            continue;
        }
        let target = schema.table(&fk.ref_table.qname()).unwrap();
        let parent = if target.qname() == table.qname() {
            None
        } else if !target.columns.iter().any(|c| fixed.contains_key(&c.name)) {
            // A parent outside the fixed scope (a global catalog such as plans): a new row, or an
            // existing one when its unique keys admit no more.
            try_insert_row(client, schema, target, fixed).ok().or_else(|| existing_row(client, target))
        } else {
            Some(insert_row(client, schema, target, fixed))
        };
        for (col, ref_col) in fk.columns.iter().zip(&fk.ref_columns) {
            if let Some(parent) = &parent
                && !values.iter().any(|(c, _)| *c == col.name)
            {
                let v = parent[&ref_col.name].clone().unwrap();
                values.push((col.name.clone(), literal(&v)));
            }
        }
    }
    for c in &table.columns {
        if values.iter().any(|(n, _)| *n == c.name) || !c.writable() {
            continue;
        }
        if let Some(v) = fixed.get(&c.name) {
            values.push((c.name.clone(), v.clone()));
        } else if !c.nullable && !c.has_default() {
            values.push((c.name.clone(), value(schema, table, &c.name)));
        }
    }
    values
}

/// As `insert_row`, returning the error of the row's own INSERT.
pub fn try_insert_row(
    client: &mut Client,
    schema: &Schema,
    table: &Table,
    fixed: &HashMap<String, String>,
) -> Result<HashMap<String, Option<String>>, postgres::Error> {
    let values = row_values(client, schema, table, fixed);
    let cols: Vec<_> = values.iter().map(|(c, _)| ident(c).into_owned()).collect();
    let vals: Vec<_> = values.iter().map(|(_, v)| v.clone()).collect();
    let returning: Vec<String> = table.columns.iter().map(|c| format!("{}::text", ident(&c.name))).collect();
    let sql = if cols.is_empty() {
        format!(
            "INSERT INTO {} DEFAULT VALUES RETURNING {}",
            qualified(&table.namespace, &table.name),
            returning.join(", ")
        )
    } else {
        format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING {}",
            qualified(&table.namespace, &table.name),
            cols.join(", "),
            vals.join(", "),
            returning.join(", ")
        )
    };
    let row = client.query_one(&sql, &[])?;
    Ok(table.columns.iter().enumerate().map(|(i, c)| (c.name.clone(), row.get::<_, Option<String>>(i))).collect())
}

/// One valid row of `table` as SQL expressions, one per column, as PostgreSQL would fill them
/// (defaults evaluated, generated columns NULL). Parents are inserted first.
pub fn row_exprs(client: &mut Client, schema: &Schema, table: &Table) -> Vec<String> {
    let values = row_values(client, schema, table, &HashMap::new());
    table
        .columns
        .iter()
        .map(|c| {
            let given = values.iter().find(|(n, _)| *n == c.name).map(|(_, v)| v.clone());
            match (given, &c.default) {
                (Some(v), _) => v,
                (None, _) if c.generated.is_some() => "NULL".into(),
                (None, Some(default)) => default.sql.clone(),
                (None, None) if c.implicit_sequence(table).is_some() => {
                    format!(
                        "nextval(pg_get_serial_sequence({}, {}))",
                        literal(&qualified(&table.namespace, &table.name)),
                        literal(&c.name)
                    )
                }
                (None, None) => "NULL".into(),
            }
        })
        .collect()
}

/// `SELECT <columns> FROM (SELECT <exprs>)`: a row that stores nothing, read through `columns`
/// (a row struct's select list). Values are cast to the columns' types without length or
/// precision, so a value too long stays too long instead of being cut as a cast would.
pub fn select_row(schema: &Schema, table: &Table, exprs: &[String], columns: &str) -> String {
    let exprs: Vec<String> = table
        .columns
        .iter()
        .zip(exprs)
        .map(|(c, expr)| {
            // A domain column's value is read as its base type, so values the domain refuses reach Rust.
            let ty = match &schema.base_type(&c.ty) {
                ColumnType::Scalar(Scalar::Serial) => "integer".into(),
                ColumnType::Scalar(Scalar::BigSerial) => "bigint".into(),
                ColumnType::Scalar(Scalar::Varchar(_) | Scalar::Char(_)) => "text".into(),
                ColumnType::Scalar(Scalar::Numeric(_)) => "numeric".into(),
                base => schema.sql_type(base),
            };
            format!("({expr})::{ty} AS {}", ident(&c.name))
        })
        .collect();
    format!("SELECT {columns} FROM (SELECT {}) AS row", exprs.join(", "))
}

/// One valid row of `table` as a query that stores nothing (`row_exprs` read by `select_row`).
pub fn row_query(client: &mut Client, schema: &Schema, table: &Table, columns: &str) -> String {
    let exprs = row_exprs(client, schema, table);
    select_row(schema, table, &exprs, columns)
}

/// The part of `schema` this server can hold: without each declared extension it does not have.
/// What is left out is printed as SKIPPED with the reason, and returned, so a test never counts
/// it as passed.
pub fn applicable(client: &mut Client, schema: &Schema) -> (Schema, Vec<String>) {
    let mut schema = schema.clone();
    let mut skipped = Vec::new();
    for ext in schema.extensions.clone() {
        let available =
            client.query_opt("SELECT 1 FROM pg_available_extensions WHERE name = $1", &[&ext.name]).unwrap().is_some();
        if !available {
            let (without, removed) = schema.without_extension(&ext.name);
            for r in &removed {
                strata::testing::skipped(format_args!(
                    "{}: {r}: extension `{}` is not available on this server",
                    schema.name, ext.name
                ));
            }
            skipped.extend(removed);
            schema = without;
        }
    }
    (schema, skipped)
}

/// Applies the part of `declared` this server can hold (see [`applicable`]) and returns it, with
/// what was left out.
pub fn apply(client: &mut Client, declared: &Schema) -> (Schema, Vec<String>) {
    let (schema, skipped) = applicable(client, declared);
    client.batch_execute(&strata_codegen::generate::files(&schema)[0].1).unwrap();
    (schema, skipped)
}

/// SplitMix64: a fixed seed gives the same cases on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The namespaces of a database read into a schema named `name` (the first is the default).
pub fn introspect(client: &mut Client, name: &str, namespaces: &[String]) -> Schema {
    let namespaces: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    strata_codegen::source::live::introspect(&mut strata::live::PgCatalog(client), name, &namespaces).unwrap()
}

/// `pg_dump --schema-only` of a database, as it prints it; `namespaces` narrows it (`-n`).
pub fn pg_dump(config: &postgres::Config, namespaces: &[String]) -> String {
    let mut cmd = pg_tool("pg_dump", config);
    cmd.arg("--schema-only");
    for ns in namespaces {
        cmd.args(["-n", ns]);
    }
    let out = cmd.output().expect("pg_dump runs");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// One of PostgreSQL's client programs (`pg_dump`, `psql`) connected to the database of `config`.
pub fn pg_tool(program: &str, config: &postgres::Config) -> std::process::Command {
    let bin = strata::scratch::bin_dir().expect("PostgreSQL's binaries");
    let mut cmd = std::process::Command::new(bin.join(program));
    cmd.args(["-d", config.get_dbname().unwrap_or("postgres")]);
    match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(host) => cmd.args(["-h", host]),
        postgres::config::Host::Unix(path) => cmd.args(["-h", &path.display().to_string()]),
    };
    cmd.args(["-p", &config.get_ports()[0].to_string()]);
    if let Some(user) = config.get_user() {
        cmd.args(["-U", user]);
    }
    if let Some(password) = config.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(password).to_string());
    }
    cmd
}

/// Per kind of object: (equal, total) over the systems compared.
pub type Counts = std::collections::BTreeMap<&'static str, (usize, usize)>;

/// Whether the schema folder at `folder` reproduces a database whose namespaces read as `read`
/// and which `pg_dump` prints as `original` does: compiled, generated and applied to a fresh
/// database, that database must read back equal (counted per kind into `counts`) and have the
/// same `pg_dump --schema-only` of the namespaces, compared as a multiset of lines (an ACL lists
/// grants in the order they were made) without the dump's comments and settings. `Err` says
/// what differs.
pub fn reproduces(
    original: &strata::testing::TestDb,
    read: &Schema,
    namespaces: &[String],
    folder: &std::path::Path,
    counts: &mut Counts,
) -> Result<(), String> {
    let compiled = strata_codegen::io::compile_folder(folder).unwrap();
    let Some(pulled) = compiled.schema else {
        return Err(format!("the TOML has errors:\n{}", compiled.diagnostics.render(&compiled.sources)));
    };
    let copy = strata::testing::TestDb::new();
    let mut client = copy.client();
    if let Err(e) = client.batch_execute(&strata_codegen::generate::files(&pulled)[0].1) {
        return Err(format!("its SQL does not apply: {e:?}"));
    }
    let again = introspect(&mut client, &read.name, namespaces);
    let differences = strata_codegen::verify::differences(read, &again);
    for fact in strata_codegen::verify::facts(read) {
        let entry = counts.entry(fact.kind).or_default();
        entry.1 += 1;
        if !differences.iter().any(|d| d.kind == fact.kind && d.name == fact.name) {
            entry.0 += 1;
        }
    }
    if !differences.is_empty() {
        return Err(strata_codegen::verify::render(&differences, &compiled.sources));
    }
    let (a, b) =
        (migrating::dump_lines(&original.config(), namespaces), migrating::dump_lines(&copy.config(), namespaces));
    if let Some(d) = migrating::dump_difference(&a, &b) {
        return Err(d);
    }
    Ok(())
}
