//! The TOML target: a model written in the project's own format, as a person would write it
//! (`strata pull` and `strata import` write what the live source read). Names in the default
//! namespace stay bare, others are qualified; a single-column key, unique constraint or foreign
//! key with PostgreSQL's default name goes on its column; options equal to the format's defaults
//! are left out. Reading the files back with the TOML source gives a schema whose SQL builds the
//! same database (proven by `tests/pull.rs`).

mod idioms;
mod objects;
mod tables;

use toml_writer::{ToTomlKey, ToTomlValue};

use crate::model::*;

/// The files of a schema folder: `schema.toml` ([schema], namespaces, roles, privileges),
/// `types.toml`, one `tables*.toml` per namespace, `routines.toml` and `views.toml`; a file
/// with nothing to say is left out. Same model, byte-identical files.
pub fn files(schema: &Schema) -> Vec<(String, String)> {
    // Every kind the model holds, named: a new one is a compile error here until it is written.
    let Schema {
        name: _,
        postgres: _,
        doc: _,
        namespace: _,
        namespaces: _,
        extensions: _,
        enums: _,
        domains: _,
        composites: _,
        ranges: _,
        shapes: _, // read by no source: only TOML declares shapes, and pull reads a database
        tables: _,
        sequences: _,
        roles: _,
        grants: _,
        default_privileges: _,
        functions: _,
        aggregates: _,
        views: _,
        jobs: _,
        allow_destructive: _, // the next migration's, never the database's
        ignore: _,            // written with [schema] (objects::schema_file)
        rust_names: _,
        positions: _,
    } = schema;
    let schema = &idioms::used_roles(idioms::union_types(schema));
    let at = Names { default: &schema.namespace };
    let mut files = vec![("schema.toml".to_string(), objects::schema_file(schema, at))];
    files.push(("types.toml".into(), objects::types_file(schema, at)));
    let mut namespaces: Vec<&str> = Vec::new();
    for t in &schema.tables {
        if !namespaces.contains(&t.namespace.as_str()) {
            namespaces.push(&t.namespace);
        }
    }
    for ns in namespaces {
        let file =
            if ns == schema.namespace { "tables.toml".to_string() } else { format!("tables.{}.toml", file_part(ns)) };
        let mut doc = Doc::default();
        for t in schema.tables.iter().filter(|t| t.namespace == ns) {
            tables::table(&mut doc, t, at);
        }
        files.push((file, doc.text));
    }
    files.push(("routines.toml".into(), objects::routines_file(schema, at)));
    files.push(("views.toml".into(), objects::views_file(schema, at)));
    files.retain(|(_, text)| !text.is_empty());
    files
}

/// A name as part of a file name: any byte other than a letter, digit, `_` or `-` (a `/` or
/// `.` a namespace may hold) as `%XX`, so that every name is a distinct, plain file name.
fn file_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How names are written: relative to the schema's default namespace.
#[derive(Clone, Copy)]
struct Names<'a> {
    default: &'a str,
}

impl Names<'_> {
    /// `name` in the default namespace, `namespace.name` elsewhere.
    fn of(self, namespace: &str, name: &str) -> String {
        if namespace == self.default || namespace.is_empty() { name.to_string() } else { format!("{namespace}.{name}") }
    }

    fn r(self, r: &Ref) -> String {
        self.of(&r.namespace, &r.name)
    }
}

/// A TOML value as the renderer builds it.
enum V {
    Str(String),
    /// A number or boolean, as written.
    Raw(String),
    List(Vec<V>),
    Inline(Fields),
}

impl V {
    fn render(&self) -> String {
        match self {
            V::Str(s) => s.as_str().to_toml_value(),
            V::Raw(r) => r.clone(),
            V::List(items) => format!("[{}]", items.iter().map(V::render).collect::<Vec<_>>().join(", ")),
            V::Inline(fields) if fields.0.is_empty() => "{}".into(),
            V::Inline(fields) => {
                let pairs: Vec<String> = fields.0.iter().map(|(k, v)| format!("{} = {}", key(k), v.render())).collect();
                format!("{{ {} }}", pairs.join(", "))
            }
        }
    }

    fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> V {
        V::List(items.into_iter().map(|s| V::Str(s.as_ref().to_string())).collect())
    }

    /// A value the model holds as SQL text (storage options, `SET` values, partition bounds):
    /// booleans and integers as themselves, a quoted literal as its text, anything else as text.
    fn sql(text: &str) -> V {
        if text == "true" || text == "false" || text.parse::<i64>().is_ok() {
            return V::Raw(text.to_string());
        }
        match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            Some(inner) => V::Str(inner.replace("''", "'")),
            None => V::Str(text.to_string()),
        }
    }
}

/// The keys of one table, in the order written.
#[derive(Default)]
struct Fields(Vec<(String, V)>);

impl Fields {
    fn put(mut self, key: &str, value: V) -> Self {
        self.0.push((key.to_string(), value));
        self
    }

    fn str(self, key: &str, value: impl Into<String>) -> Self {
        self.put(key, V::Str(value.into()))
    }

    fn opt(self, key: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    fn num(self, key: &str, value: Option<impl std::fmt::Display>) -> Self {
        match value {
            Some(v) => self.put(key, V::Raw(v.to_string())),
            None => self,
        }
    }

    /// `key = true`, written only when true (the format's default is false).
    fn flag(self, key: &str, on: bool) -> Self {
        if on { self.put(key, V::Raw("true".into())) } else { self }
    }

    /// A list of text, written only when not empty.
    fn strs<S: AsRef<str>>(self, key: &str, items: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<V> = items.into_iter().map(|s| V::Str(s.as_ref().to_string())).collect();
        if list.is_empty() { self } else { self.put(key, V::List(list)) }
    }

    /// `with = { fillfactor = 70 }`, written only when not empty.
    fn options(self, key: &str, options: &[(String, String)]) -> Self {
        if options.is_empty() {
            return self;
        }
        let inner = options.iter().fold(Fields::default(), |f, (k, v)| f.put(k, V::sql(v)));
        self.put(key, V::Inline(inner))
    }

    fn deferrable(self, deferrable: Deferrable) -> Self {
        match deferrable {
            Deferrable::No => self,
            Deferrable::Immediate => self.str("deferrable", "immediate"),
            Deferrable::Deferred => self.str("deferrable", "deferred"),
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A TOML document written section by section.
#[derive(Default)]
struct Doc {
    text: String,
}

impl Doc {
    /// `[path]` and its keys; `always` writes the header of an empty table too.
    fn section(&mut self, path: &[&str], fields: Fields, always: bool) {
        if fields.is_empty() && !always {
            return;
        }
        self.header(&format!("[{}]", dotted(path)));
        self.keys(fields);
    }

    /// `[[path]]` and its keys: one item of an array of tables.
    fn item(&mut self, path: &[&str], fields: Fields) {
        self.header(&format!("[[{}]]", dotted(path)));
        self.keys(fields);
    }

    fn header(&mut self, header: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(header);
        self.text.push('\n');
    }

    fn keys(&mut self, fields: Fields) {
        for (k, v) in fields.0 {
            self.text.push_str(&format!("{} = {}\n", key(&k), v.render()));
        }
    }
}

fn key(k: &str) -> String {
    k.to_toml_key()
}

fn dotted(path: &[&str]) -> String {
    path.iter().map(|p| key(p)).collect::<Vec<_>>().join(".")
}

/// A column type as the TOML source reads it: declared types by their (qualified) name.
fn type_name(ty: &ColumnType, at: Names) -> String {
    match ty {
        ColumnType::Array(inner) => format!("{}[]", type_name(inner, at)),
        ColumnType::Scalar(Scalar::Enum(q) | Scalar::Domain(q) | Scalar::Composite(q) | Scalar::Range(q)) => {
            at.of(&q.namespace, &q.name)
        }
        ColumnType::Scalar(s) => s.to_string(),
    }
}

/// An expression as written: `IN` lists PostgreSQL printed as `= ANY (ARRAY[...])` written back
/// as `IN`, so that applying it stores what was stored.
fn written(e: &Expr) -> String {
    crate::sql::normalize::in_lists(&e.sql).unwrap_or_else(|| e.sql.clone())
}

/// A keyword the model holds in capitals (`IMMUTABLE`, `SAFE`), as the format writes it.
fn word(sql: &str) -> String {
    sql.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_namespace_becomes_a_plain_file_name() {
        assert_eq!(super::file_part("app"), "app");
        assert_eq!(super::file_part("a/b"), "a%2Fb");
        assert_eq!(super::file_part(".."), "%2E%2E");
        assert_eq!(super::file_part("Größe"), "Gr%C3%B6%C3%9Fe");
    }
}
