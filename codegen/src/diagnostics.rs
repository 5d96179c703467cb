//! Diagnostics: every problem strata reports about a schema, and how it is printed.
//!
//! All constructors live here, one named function each, so the wording stays consistent.
//! Messages are short fragments without a trailing period; `help` says how to fix it.

use std::fmt::Write as _;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// Index of a source file in `Sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file; turned into line:column only when rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span { file, start: range.start as u32, end: range.end as u32 }
    }
}

/// The text of every file a schema was read from, for rendering spans.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<(String, String)>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push((name.into(), text.into()));
        FileId(self.files.len() as u32 - 1)
    }

    /// Every file, as (name, text).
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    pub fn name(&self, file: FileId) -> &str {
        &self.files[file.0 as usize].0
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.files[file.0 as usize].1
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let text = self.text(file);
        let offset = (offset as usize).min(text.len());
        let before = &text[..text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub span: Option<Span>,
    /// Another place that explains this one, e.g. the first of two duplicate declarations.
    pub related: Option<(Span, String)>,
    pub help: Option<String>,
}

/// Diagnostics collected over a whole run; checks never stop at the first.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorted by file and position so output is deterministic whatever order checks ran in.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| (a.span, a.code, &a.message).cmp(&(b.span, b.code, &b.message)));
        self.0.dedup();
        self
    }

    /// Human-readable form: `error[E0002]: …` with `--> file:line:column` and the source line.
    pub fn render(&self, sources: &Sources) -> String {
        let mut files = SimpleFiles::new();
        for (name, text) in &sources.files {
            files.add(name.as_str(), text.as_str());
        }
        let config = term::Config::default();
        let mut out = String::new();
        for d in &self.0 {
            let mut labels = Vec::new();
            if let Some(span) = d.span {
                labels.push(cs::Label::primary(span.file.0 as usize, span.start as usize..span.end as usize));
            }
            if let Some((span, note)) = &d.related {
                labels.push(
                    cs::Label::secondary(span.file.0 as usize, span.start as usize..span.end as usize)
                        .with_message(printable(note)),
                );
            }
            let severity = match d.severity {
                Severity::Error => cs::Severity::Error,
                Severity::Warning => cs::Severity::Warning,
            };
            let message = printable(&d.message);
            let mut diag = cs::Diagnostic::new(severity).with_code(d.code).with_message(&message).with_labels(labels);
            if let Some(help) = &d.help {
                diag = diag.with_notes(vec![format!("help: {}", printable(help))]);
            }
            match term::emit_into_string(&config, &files, &diag) {
                Ok(text) => out.push_str(&text),
                Err(_) => writeln!(out, "{}[{}]: {message}", severity_word(d.severity), d.code).unwrap(),
            }
        }
        out
    }

    /// Machine-readable form for editors and CI: one JSON array, positions as line:column.
    pub fn to_json(&self, sources: &Sources) -> serde_json::Value {
        let items = self.0.iter().map(|d| {
            let mut item = serde_json::json!({
                "severity": severity_word(d.severity),
                "code": d.code,
                "message": d.message,
                "help": d.help,
            });
            if let Some(span) = d.span {
                let (line, column) = sources.line_col(span.file, span.start);
                let (end_line, end_column) = sources.line_col(span.file, span.end);
                item["file"] = sources.name(span.file).into();
                item["line"] = line.into();
                item["column"] = column.into();
                item["end_line"] = end_line.into();
                item["end_column"] = end_column.into();
            }
            item
        });
        serde_json::Value::Array(items.collect())
    }
}

/// `text` as a terminal shows it safely: control characters (an escape sequence in a name read
/// from a schema or a database) written as escapes, lines and tabs kept.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars().map(|c| if unsafe_char(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

impl Diagnostics {
    /// GitHub Actions annotations, one workflow command per diagnostic: CI shows each on the
    /// line of the pull request it is about.
    pub fn to_github(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for d in &self.0 {
            let at = d.span.map(|span| {
                let (line, column) = sources.line_col(span.file, span.start);
                (sources.name(span.file), line, column)
            });
            let message = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            out.push_str(&github_annotation(severity_word(d.severity), at, d.code, &message));
        }
        out
    }
}

/// One GitHub Actions workflow command, `::error file=F,line=L,col=C,title=T::message`, with
/// values escaped as the runner reads them (`%`, line breaks, and in properties `:` and `,`).
pub fn github_annotation(level: &str, at: Option<(&str, usize, usize)>, title: &str, message: &str) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut properties = Vec::new();
    if let Some((file, line, column)) = at {
        properties.extend([format!("file={}", property(file)), format!("line={line}"), format!("col={column}")]);
    }
    properties.push(format!("title={}", property(title)));
    format!("::{level} {}::{}\n", properties.join(","), data(message))
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn error(code: &'static str, message: String, span: Span) -> Diagnostic {
    Diagnostic { severity: Severity::Error, code, message, span: Some(span), related: None, help: None }
}

fn warning(code: &'static str, message: String, span: Span) -> Diagnostic {
    Diagnostic { severity: Severity::Warning, ..error(code, message, span) }
}

impl Diagnostic {
    fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    fn related(mut self, span: Span, note: impl Into<String>) -> Diagnostic {
        self.related = Some((span, note.into()));
        self
    }

    /// "did you mean `x`?" when a candidate is close enough, else a list of what is allowed.
    fn suggest<'a>(self, got: &str, candidates: impl IntoIterator<Item = &'a str>, what: &str) -> Diagnostic {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        match did_you_mean(got, &candidates) {
            Some(best) => self.help(format!("did you mean `{best}`?")),
            None if candidates.is_empty() || what.is_empty() => self,
            None if candidates.len() <= 12 => {
                let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
                self.help(format!("{what} are: {}", list.join(", ")))
            }
            None => self,
        }
    }

    const E0001: Explanation = Explanation {
        what: "A schema file is not valid TOML.",
        mistake: "[tables.users.columns]\nid = { type = \"uuid\", primary_key = true",
        fix: "Close the inline table: `id = { type = \"uuid\", primary_key = true }`. Only the first syntax error of a file is reported; fix it and run again.",
    };
    pub fn toml_syntax(message: &str, span: Span) -> Diagnostic {
        let message = message.trim().trim_end_matches('.').to_string();
        error("E0001", format!("invalid TOML: {message}"), span).help("fix the TOML syntax at this position")
    }

    /// An inline table whose `}` is missing: reported once, where it starts.
    pub fn unclosed_inline_table(open: Span, noticed: Span) -> Diagnostic {
        error("E0001", "invalid TOML: this inline table is not closed".to_string(), open)
            .related(noticed, "the parser noticed here")
            .help("add `}` at the end of the inline table (an inline table ends on the line it starts)")
    }

    const E0052: Explanation = Explanation {
        what: "A SQL fragment of the wrong form for its key (a name where an expression list is wanted, and so on).",
        mistake: "[[tables.t.indexes]]\ncolumns = [\"lower(name\"]",
        fix: "Write what the message expects; docs/format.md shows each key's form.",
    };
    /// A raw SQL fragment that is not what its key must hold: written as given, it could run more.
    pub fn invalid_fragment(what: &str, key: &str, fragment: &str, expected: &str, span: Span) -> Diagnostic {
        error("E0052", format!("`{key}` of {what} is not {expected}: `{}`", fragment.escape_debug()), span)
            .help(format!("write `{key}` as {expected}; strata writes it into the SQL as given"))
    }

    const E0053: Explanation = Explanation {
        what: "Text holding a NUL character, which PostgreSQL text cannot hold.",
        mistake: "doc = \"a\\u0000b\"",
        fix: "Remove the \\u0000.",
    };
    pub fn nul_in_text(key: &str, span: Span) -> Diagnostic {
        error("E0053", format!("`{key}` holds a NUL character"), span)
            .help("remove the \\u0000: PostgreSQL text cannot hold NUL")
    }

    const E0054: Explanation = Explanation {
        what: "An option that does not fit the object it is on.",
        mistake: "[tables.events]   # partitioned\nwith = { fillfactor = 70 }",
        fix: "Move or remove the option; the message says why it does not fit.",
    };
    pub fn invalid_option(what: &str, key: &str, why: &str, span: Span) -> Diagnostic {
        error("E0054", format!("`{key}` of {what}: {why}"), span)
            .help(format!("change or remove `{key}` (docs/format.md lists what each object takes)"))
    }

    const E0055: Explanation = Explanation {
        what: "An option name PostgreSQL does not know for that object.",
        mistake: "[tables.t]\nwith = { fill_factor = 70 }",
        fix: "Use PostgreSQL's name (`fillfactor`).",
    };
    pub fn unknown_option(what: &str, name: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0055", format!("{what} has the option `{name}`, which PostgreSQL does not know there"), span)
            .suggest(name, allowed.iter().copied(), "the options")
            .or_help("see docs/format.md for the options each object takes")
    }

    const E0045: Explanation = Explanation {
        what: "A Rust schema source that is not valid Rust or has a `#[strata(...)]` attribute strata cannot read.",
        mistake: "#[strata(primary_kye)]\nid: Uuid,",
        fix: "Fix the attribute (`#[strata(primary_key)]`); the message points at it.",
    };
    /// A Rust schema source that is not valid Rust, or a `#[strata(...)]` attribute strata cannot read.
    pub fn rust_source(message: &str, span: Span) -> Diagnostic {
        error("E0045", format!("invalid Rust schema source: {message}"), span)
            .help("tables are structs with #[derive(strata::Table)] and #[strata(key = value, ...)] attributes (docs/format.md)")
    }

    const E0046: Explanation = Explanation {
        what: "A column names a shape that is not declared.",
        mistake: "[tables.kpis.columns]\nmetrics = { type = \"jsonb\", shape = \"metric\" }",
        fix: "Declare `[shapes.metric]` or name a declared shape.",
    };
    pub fn unknown_shape(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0046", format!("unknown shape `{name}`"), span).suggest(name, candidates.iter().copied(), "").or_help(
            "declare it under [shapes], or use integer, number, string, boolean, list<T>, map<T> or a union type",
        )
    }

    const E0048: Explanation = Explanation {
        what: "A shape field's default that is not a value of its type.",
        mistake: "[shapes.metrics.fields]\ncount = { type = \"integer\", default = \"many\" }",
        fix: "Give a value of the field's type (`default = 0`).",
    };
    pub fn invalid_shape_default(field: &str, default: &str, span: Span) -> Diagnostic {
        error("E0048", format!("default {default} of field `{field}` is not a value of its type"), span)
            .help("give a default of the field's type (a whole number for integer, a quoted string for string, ...)")
    }

    const E0049: Explanation = Explanation {
        what: "A foreign-key action on a column without `references`.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", on_delete = \"cascade\" }",
        fix: "Add `references = \"users.id\"`, or remove the action.",
    };
    /// `on_delete` / `on_update` on a column that references nothing: a foreign-key action with no key.
    pub fn fk_action_without_reference(key: &str, column: &str, span: Span) -> Diagnostic {
        let help = if key == "on_update" {
            format!(
                "`{key}` is the action of a foreign key: add `references = \"table.column\"`; to set the column on every UPDATE (like `updated_at`), use `set_on_update = \"now()\"`"
            )
        } else {
            format!("`{key}` is a setting of a foreign key: add `references = \"table.column\"`, or remove `{key}`")
        };
        error("E0049", format!("column `{column}` has `{key}` but no `references`"), span).help(help)
    }

    const E0050: Explanation = Explanation {
        what: "A default PostgreSQL would refuse for the column's type (read through the type's input function).",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", default = \"'zero'\" }",
        fix: "Give a value of the type (`default = \"0\"`); quote text (`\"'draft'\"`).",
    };
    pub fn default_does_not_fit(column: &str, default: &str, ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0050", format!("default {default} of column `{column}` ({ty}) {why}"), span)
            .help(format!("give a default PostgreSQL accepts for {ty}: quoted text is read by the type's input function ('42', '2026-01-01', '{{}}'), numbers and booleans need a cast to it"))
    }

    const E0051: Explanation = Explanation {
        what: "A default or `set_on_update` that reads a column; PostgreSQL allows no column there.",
        mistake: "[tables.orders.columns]\nstatus = { type = \"text\", default = \"draft\" }   # a bare word is a column",
        fix: "Quote text: `default = \"'draft'\"`; for a value computed from other columns use `generated`.",
    };
    /// A default (or `set_on_update`) that reads a column: PostgreSQL refuses column references there.
    pub fn value_reads_column(key: &str, column: &str, name: &str, span: Span) -> Diagnostic {
        error(
            "E0051",
            format!("`{key}` of column `{column}` reads `{name}` as a column, which PostgreSQL does not allow here"),
            span,
        )
        .help(format!("to mean the text {name}, quote it as SQL text: {key} = \"'{name}'\""))
    }

    const E0047: Explanation = Explanation {
        what: "A shape on a column that is not json or jsonb.",
        mistake: "[tables.kpis.columns]\nmetrics = { type = \"text\", shape = \"metrics\" }",
        fix: "Make the column `jsonb`.",
    };
    pub fn shape_needs_json(column: &str, span: Span) -> Diagnostic {
        error("E0047", format!("column `{column}` has a shape but is not json or jsonb"), span)
            .help("give the column `type = \"jsonb\"`, or remove `shape`")
    }

    const E0002: Explanation = Explanation {
        what: "A key that the section does not take: a typo, or a key of another section.",
        mistake: "[tables.users.columns]\nemail = { type = \"text\", nulable = true }",
        fix: "Use the key the help names (`nullable = true`); docs/format.md lists every section's keys, and editors using docs/strata.schema.json complete them.",
    };
    pub fn unknown_key(key: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0002", format!("unknown key `{key}`"), span).suggest(key, allowed.iter().copied(), "the allowed keys")
    }

    const E0003: Explanation = Explanation {
        what: "A value of the wrong kind: a string where a list is wanted, a number where a boolean is.",
        mistake: "[tables.users]\nprimary_key = \"id\"",
        fix: "Write the kind the message names: `primary_key = [\"id\"]`, or `primary_key = true` on the column.",
    };
    pub fn wrong_value_type(key: &str, expected: &str, found: &str, span: Span) -> Diagnostic {
        error("E0003", format!("`{key}` must be {expected}, found {found}"), span)
    }

    /// A TOML number or boolean where SQL text is expected (`default = 0`): say how to write it.
    pub fn sql_not_a_string(key: &str, found: &str, value: &str, span: Span) -> Diagnostic {
        Diagnostic::wrong_value_type(key, "a string", found, span)
            .help(format!("`{key}` holds SQL, written as a TOML string: `{key} = \"{value}\"`"))
    }

    const E0004: Explanation = Explanation {
        what: "A required key is missing.",
        mistake: "[enums.status]\ndoc = \"Order states\"",
        fix: "Add it: a union type needs `values = [\"open\", \"closed\"]`.",
    };
    pub fn missing_key(key: &str, within: &str, span: Span) -> Diagnostic {
        error("E0004", format!("{within} has no `{key}`"), span).help(format!("add `{key} = …` to {within}"))
    }

    const E0005: Explanation = Explanation {
        what: "A column type strata does not know: a typo, or a type of an extension or a declaration that is missing.",
        mistake: "[tables.users.columns]\nage = \"integr\"",
        fix: "Use a PostgreSQL type (`integer`), a declared union type, domain, composite or range type, or declare the extension that provides it.",
    };
    pub fn unknown_type(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        let base = ty.split(['(', '[']).next().unwrap_or(ty).trim();
        error("E0005", format!("unknown column type `{ty}`"), span)
            .suggest(base, candidates.iter().copied(), "")
            .or_help("use a PostgreSQL type (uuid, text, varchar(n), integer, timestamptz, jsonb, …) or declare a union type under [enums] or a domain under [domains]")
    }

    const E0006: Explanation = Explanation {
        what: "A known type written with arguments it cannot take (`varchar(0)`, `numeric(2,5)`).",
        mistake: "[tables.items.columns]\nprice = \"numeric(2,5)\"",
        fix: "Give arguments PostgreSQL accepts: `numeric(7,2)`: precision from 1 to 1000, scale not above it.",
    };
    pub fn invalid_type(ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0006", format!("invalid type `{ty}`: {why}"), span)
            .help("PostgreSQL accepts varchar(n) with n from 1 to 10485760 and numeric(p,s) with 1 <= p <= 1000 and 0 <= s <= p")
    }

    const E0007: Explanation = Explanation {
        what: "A reference to a table that is not declared (foreign key, grant, trigger, partition).",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", references = \"user.id\" }",
        fix: "Name a declared table (`users.id`), qualified when it lives in another namespace (`auth.users.id`).",
    };
    pub fn unknown_table(table: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0007", format!("reference to table `{table}`, which is not declared"), span)
            .suggest(table, candidates.iter().copied(), "")
            .or_help("declare the table under [tables] or fix the name")
    }

    const E0062: Explanation = Explanation {
        what: "A reference to a sequence that is not declared.",
        mistake: "default = \"nextval('ticket_seq')\"",
        fix: "Declare `[sequences.ticket_seq]` or fix the name.",
    };
    pub fn unknown_sequence(sequence: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0062", format!("reference to sequence `{sequence}`, which is not declared"), span)
            .suggest(sequence, candidates.iter().copied(), "")
            .or_help("declare it under [sequences], or name the sequence of a serial or identity column (`<table>_<column>_seq`)")
    }

    const E0056: Explanation = Explanation {
        what: "A namespace that is used but not declared, or named where none exists.",
        mistake: "[[grants]]\nprivileges = [\"USAGE\"]\non = \"schema\"\nnamespace = \"archiv\"",
        fix: "Declare `[namespaces.archive]`, qualify an object with it, or fix the name.",
    };
    pub fn unknown_namespace(namespace: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0056", format!("namespace `{namespace}` is neither declared nor used by any object"), span)
            .suggest(namespace, candidates.iter().copied(), "")
            .or_help("declare it under [namespaces] or fix the name")
    }

    const E0008: Explanation = Explanation {
        what: "A column name that the table does not have (in a key, index, foreign key or rule).",
        mistake: "[[tables.orders.indexes]]\ncolumns = [\"creatd_at\"]",
        fix: "Name one of the table's columns (`created_at`); mixins' columns count.",
    };
    pub fn unknown_column(table: &str, column: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0008", format!("table `{table}` has no column `{column}`"), span).suggest(
            column,
            candidates.iter().copied(),
            "its columns",
        )
    }

    const E0009: Explanation = Explanation {
        what: "A foreign key between columns PostgreSQL cannot compare: no equality operator between their types.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"text\", references = \"users.id\" }   # users.id is uuid",
        fix: "Give the column the referenced column's type (`uuid`); integer types compare with each other and are accepted.",
    };
    pub fn fk_type_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        error("E0009", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}`"))
    }

    const W0002: Explanation = Explanation {
        what: "A foreign key whose columns are narrower than the target's (`varchar(50)` to `varchar(100)`): some targets cannot be referenced.",
        mistake: "user_code = { type = \"varchar(50)\", references = \"users.code\" }   # users.code is varchar(100)",
        fix: "Give the column the target's type.",
    };
    pub fn fk_length_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        warning("W0002", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}` so every referenced value fits"))
    }

    const E0010: Explanation = Explanation {
        what: "A foreign key whose target columns are not a primary key or unique constraint, which PostgreSQL requires.",
        mistake: "[tables.orders.columns]\nemail = { type = \"text\", references = \"users.email\" }   # email not unique",
        fix: "Make the target unique (`unique = true` on users.email) or reference the primary key.",
    };
    pub fn fk_target_not_unique(target: &str, span: Span) -> Diagnostic {
        error(
            "E0010",
            format!("foreign key references {target}, which is not a primary key or unique constraint"),
            span,
        )
        .help("reference the primary key, or add a unique constraint on exactly these columns")
    }

    const E0021: Explanation = Explanation {
        what: "A foreign key with a different number of columns on each side.",
        mistake: "[[tables.lines.foreign_keys]]\ncolumns = [\"order_id\"]\nreferences = \"orders(id, created_at)\"",
        fix: "List as many columns as the target has: `columns = [\"order_id\", \"order_created_at\"]`.",
    };
    pub fn fk_arity(n_columns: usize, n_refs: usize, span: Span) -> Diagnostic {
        error("E0021", format!("foreign key has {n_columns} column(s) but references {n_refs}"), span)
            .help("list as many referenced columns as foreign key columns, in the same order")
    }

    const E0011: Explanation = Explanation {
        what: "Two declarations with one name where PostgreSQL keeps one set: tables, indexes, keys and views share a namespace's names; constraints are unique per table.",
        mistake: "[[tables.orders.indexes]]\nname = \"orders_pkey\"\ncolumns = [\"id\"]",
        fix: "Rename one of them (`orders_id_idx`).",
    };
    pub fn duplicate(kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
        error("E0011", format!("duplicate {kind} `{name}`"), span)
            .related(first, "first declared here")
            .help(format!("rename one of them: PostgreSQL needs each {kind} name to be unique here"))
    }

    pub fn duplicate_relation(name: &str, kind: &str, other: &str, span: Span, first: Span) -> Diagnostic {
        let article = if other.starts_with(['a', 'e', 'i', 'o']) { "an" } else { "a" };
        error("E0011", format!("{kind} `{name}` has the same name as {article} {other}"), span)
            .related(first, "the other one")
            .help("tables, indexes, key constraints and types share one namespace per PostgreSQL schema: rename one of them")
    }

    const E0012: Explanation = Explanation {
        what: "An identifier longer than PostgreSQL's 63 bytes, which it would silently truncate (names strata derives too).",
        mistake: "[tables.a_very_long_table_name_that_goes_on_and_on_and_on_and_on_forever.columns]",
        fix: "Shorten the name, or name the derived object yourself (`name = \"...\"` on the index or constraint).",
    };
    pub fn identifier_too_long(name: &str, span: Span) -> Diagnostic {
        error("E0012", format!("identifier `{name}` is {} bytes long, over PostgreSQL's limit of 63", name.len()), span)
            .help("PostgreSQL would silently truncate it; choose a name of at most 63 bytes. A derived name (`<table>_<column>_key`, `_fkey`, `_check`, `_pattern`, `_range`, `_idx`) comes from the table and column names: shorten those, or give the index, check or foreign key its own `name` (a unique constraint is named by its key under [tables.T.unique])")
    }

    const E0013: Explanation = Explanation {
        what: "A SQL fragment that no reader can parse: a quote or parenthesis left open, a reserved word where a value is wanted.",
        mistake: "[tables.users.columns]\nname = { type = \"text\", check = \"length(name > 0\" }",
        fix: "Close what is open: `check = \"length(name) > 0\"`. Constructs only strata's parser lacks are W0007, a warning.",
    };
    pub fn invalid_expression(what: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.trim_start_matches("sql parser error: ");
        error("E0013", format!("{what} is not a valid SQL expression: {why}"), span)
            .help("write a PostgreSQL expression; string literals take single quotes, e.g. 'active'")
    }

    const W0007: Explanation = Explanation {
        what: "An expression whole but with a construct strata's SQL parser cannot read: written as it is, judged by PostgreSQL when applied.",
        mistake: "check = \"x IS NOT DOCUMENT\"",
        fix: "Nothing to fix; `strata verify` proves it against a server.",
    };
    pub fn expression_unread(what: &str, construct: &str, span: Span) -> Diagnostic {
        warning("W0007", format!("{what} has `{construct}`, which strata's SQL parser cannot read"), span).help(
            "strata writes the expression as it is and PostgreSQL judges it when the schema is applied; \
             its columns are not checked and validate() leaves it to the database",
        )
    }

    const E0014: Explanation = Explanation {
        what: "A default that is not one of the union type's values.",
        mistake: "[tables.orders.columns]\nstatus = { type = \"order_status\", default = \"'archived'\" }",
        fix: "Use a listed value (`default = \"'pending'\"`) or add the value to the union type.",
    };
    pub fn enum_default_not_a_value(value: &str, enum_name: &str, values: &[String], span: Span) -> Diagnostic {
        let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        error("E0014", format!("default '{value}' is not a value of union type `{enum_name}`"), span)
            .suggest(value, values.iter().map(String::as_str), "")
            .or_help(format!("use one of {}", list.join(", ")))
    }

    const E0015: Explanation = Explanation {
        what: "A mixin that is not declared.",
        mistake: "[tables.users]\nmixins = [\"timestamp\"]",
        fix: "Declare `[mixins.timestamp]` or name a declared one (`timestamps`).",
    };
    pub fn unknown_mixin(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0015", format!("mixin `{name}` is not declared"), span)
            .suggest(name, candidates.iter().copied(), "the declared mixins")
            .or_help("declare it under [mixins] or remove it from `mixins`")
    }

    const E0016: Explanation = Explanation {
        what: "Mixins that include each other in a cycle.",
        mistake: "[mixins.a]\nmixins = [\"b\"]\n[mixins.b]\nmixins = [\"a\"]",
        fix: "Remove one inclusion so the chain ends.",
    };
    pub fn mixin_cycle(chain: &[String], span: Span) -> Diagnostic {
        error("E0016", format!("mixins include each other in a cycle: {}", chain.join(" -> ")), span)
            .help("remove one of the `mixins` entries so the chain ends")
    }

    const W0001: Explanation = Explanation {
        what: "A table without a primary key: rows cannot be told apart, and logical replication cannot update or delete them.",
        mistake: "[tables.events.columns]\nname = \"text\"",
        fix: "Add a key: `id = { type = \"uuid\", primary_key = true, default = \"gen_random_uuid()\" }`.",
    };
    pub fn missing_primary_key(table: &str, span: Span) -> Diagnostic {
        warning("W0001", format!("table `{table}` has no primary key"), span)
            .help("add `primary_key = true` to a column, or `primary_key = [\"a\", \"b\"]` to the table; rows cannot be updated or referenced reliably without one")
    }

    const E0017: Explanation = Explanation {
        what: "A value outside the set a key takes.",
        mistake: "[tables.orders.columns]\nuser_id = { type = \"uuid\", references = \"users.id\", on_delete = \"delete\" }",
        fix: "Use one of the values the help lists (`cascade`).",
    };
    pub fn invalid_value(key: &str, got: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0017", format!("`{got}` is not a valid `{key}`"), span).suggest(
            got,
            allowed.iter().copied(),
            "the allowed values",
        )
    }

    const E0018: Explanation = Explanation {
        what: "A type that needs an extension the schema does not declare.",
        mistake: "[tables.docs.columns]\nembedding = \"vector(1536)\"",
        fix: "Add the extension: `[schema] extensions = [\"vector\"]`.",
    };
    pub fn extension_not_declared(ty: &str, extension: &str, span: Span) -> Diagnostic {
        error("E0018", format!("type `{ty}` needs extension `{extension}`, which is not declared"), span)
            .help(format!("add \"{extension}\" to `extensions` in [schema]"))
    }

    const E0019: Explanation = Explanation {
        what: "A primary key declared twice, or over a nullable column.",
        mistake: "[tables.users]\nprimary_key = [\"id\"]\n[tables.users.columns]\nid = { type = \"uuid\", primary_key = true }",
        fix: "Declare it once; primary-key columns are NOT NULL (drop `nullable = true`).",
    };
    pub fn primary_key_twice(table: &str, span: Span, first: Span) -> Diagnostic {
        error("E0019", format!("table `{table}` declares its primary key twice"), span)
            .related(first, "first declared here")
            .help("for a composite key, list every column in the table's `primary_key = [...]` instead")
    }

    pub fn nullable_primary_key(column: &str, span: Span) -> Diagnostic {
        error("E0019", format!("primary key column `{column}` is nullable"), span)
            .help("remove `nullable = true`: PostgreSQL makes every primary key column NOT NULL")
    }

    const E0020: Explanation = Explanation {
        what: "A `soft_delete` column that is missing or is not a nullable timestamp.",
        mistake: "[tables.users]\nsoft_delete = \"deleted\"   # a boolean column",
        fix: "Point it at a nullable `timestamptz` column such as `deleted_at`.",
    };
    pub fn invalid_soft_delete(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0020", format!("soft-delete column `{column}` {why}"), span)
            .help("point `soft_delete` at a nullable timestamp or timestamptz column, e.g. `deleted_at`")
    }

    const E0022: Explanation = Explanation {
        what: "A list that must not be empty is empty.",
        mistake: "[enums.status]\nvalues = []",
        fix: "Give it at least one element.",
    };
    pub fn empty_list(key: &str, span: Span) -> Diagnostic {
        error("E0022", format!("`{key}` is empty"), span).help(format!("list at least one item in `{key}`"))
    }

    const E0023: Explanation = Explanation {
        what: "A `range` PostgreSQL could not check: bounds in the wrong order, not numbers, or on a column that is not numeric.",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", range = [10, 1] }",
        fix: "Write `[min, max]` with min not above max on a numeric column.",
    };
    pub fn invalid_range(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0023", format!("invalid `range` on `{column}`: {why}"), span)
            .help("write `range = [min, max]` with numbers, min <= max, on a numeric column")
    }

    const E0024: Explanation = Explanation {
        what: "A text rule (`pattern`, `min_length`) on a column that is not text.",
        mistake: "[tables.items.columns]\nqty = { type = \"integer\", min_length = 1 }",
        fix: "Use `range` for numbers, or make the column text.",
    };
    pub fn rule_needs_text(rule: &str, column: &str, ty: &str, span: Span) -> Diagnostic {
        error("E0024", format!("`{rule}` on `{column}` needs a text column, but it is `{ty}`"), span)
            .help(format!("remove `{rule}` or make the column text, varchar(n) or char(n)"))
    }

    const E0025: Explanation = Explanation {
        what: "A union type lists a value twice.",
        mistake: "[enums.status]\nvalues = [\"open\", \"open\"]",
        fix: "List each value once.",
    };
    pub fn duplicate_enum_value(value: &str, span: Span) -> Diagnostic {
        error("E0025", format!("value '{value}' is listed twice"), span).help("remove the repeated value")
    }

    const E0026: Explanation = Explanation {
        what: "No file of the folder has a `[schema]` section with a `name`.",
        mistake: "# schema/shop/tables.toml holds only [tables...]",
        fix: "Add `[schema]\\nname = \"shop\"` to one file of the folder.",
    };
    pub fn missing_schema_section(span: Span) -> Diagnostic {
        error("E0026", "no [schema] section with a `name`".to_string(), span)
            .help("add `[schema]` with `name = \"…\"` to one file of the folder")
    }

    const E0027: Explanation = Explanation {
        what: "A name PostgreSQL cannot use as an identifier (empty, or holding a NUL).",
        mistake: "[tables.\"\".columns]",
        fix: "Give it a name.",
    };
    pub fn invalid_identifier(name: &str, span: Span) -> Diagnostic {
        error("E0027", format!("`{}` is not a usable identifier", name.escape_debug()), span)
            .help("use a non-empty name of letters, digits and underscores, starting with a letter or underscore")
    }

    const E0028: Explanation = Explanation {
        what: "A schema folder with no .toml files.",
        mistake: "schema/shop/ is empty",
        fix: "Add the schema's files, or remove the folder (`strata init` writes an example).",
    };
    pub fn no_schema_files(folder: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: "E0028",
            message: format!("no .toml files in `{folder}`"),
            span: None,
            related: None,
            help: Some("put the schema definition in one or more .toml files in this folder".into()),
        }
    }

    const E0029: Explanation = Explanation {
        what: "A generated column with a default: PostgreSQL computes it, so it cannot have one.",
        mistake: "[tables.t.columns]\ntotal = { type = \"integer\", generated = \"a + b\", default = \"0\" }",
        fix: "Remove `default`.",
    };
    pub fn generated_with_default(column: &str, span: Span) -> Diagnostic {
        error("E0029", format!("column `{column}` is generated and also has a default"), span)
            .help("remove `default`: a generated column's value always comes from its expression")
    }

    const E0030: Explanation = Explanation {
        what: "A unique key of a partitioned table without the partition key: PostgreSQL cannot enforce it across partitions.",
        mistake: "[tables.events]\nprimary_key = [\"id\"]   # partitioned by created_at",
        fix: "Include the key's columns: `primary_key = [\"id\", \"created_at\"]`.",
    };
    pub fn unique_without_partition_key(
        kind: &str,
        name: &str,
        table: &str,
        missing: &[&str],
        span: Span,
    ) -> Diagnostic {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        error("E0030", format!("{kind} `{name}` of partitioned table `{table}` does not include the partition key {cols}"), span)
            .help(format!("PostgreSQL rejects it: add {cols} to the {kind} (e.g. `primary_key = [\"id\", \"{}\"]`), or stop partitioning the table", missing[0]))
    }

    pub fn unique_on_expression_partition_key(kind: &str, name: &str, span: Span) -> Diagnostic {
        error("E0030", format!("{kind} `{name}` is on a table partitioned by an expression"), span)
            .help("PostgreSQL cannot enforce uniqueness across partitions keyed by an expression: partition by columns instead")
    }

    const E0031: Explanation = Explanation {
        what: "A foreign key to a partitioned table that leaves out its partition key: the target's unique keys all include it.",
        mistake: "[tables.logs.columns]\nrun_id = { type = \"uuid\", references = \"runs.id\" }   # runs is partitioned by created_at",
        fix: "Add the key column and reference both: `references = \"runs(id, created_at)\"` in `[[foreign_keys]]`.",
    };
    pub fn fk_to_partitioned_without_key(target: &str, missing: &[&str], span: Span) -> Diagnostic {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        error("E0031", format!("foreign key references partitioned table `{target}` without its partition key {cols}"), span)
            .help(format!("a partitioned table's unique keys include {cols}: add the same column(s) to this table and reference them together, e.g. `references = \"{target}(id, {})\"` with a `[[foreign_keys]]` entry", missing[0]))
    }

    const E0032: Explanation = Explanation {
        what: "A partition whose bound does not fit the partitioning method.",
        mistake: "[[tables.events.partition.partitions]]   # by = \"list\"\nname = \"events_2026\"\nfrom = \"2026-01-01\"\nto = \"2027-01-01\"",
        fix: "Range partitions take `from`/`to`, list ones `values`, hash ones `modulus`/`remainder`.",
    };
    pub fn partition_bound_mismatch(name: &str, method: &str, why: &str, span: Span) -> Diagnostic {
        error("E0032", format!("partition `{name}` does not fit `by = \"{method}\"`: {why}"), span)
            .help("range partitions take `from` and `to`, list partitions `values`, hash partitions `modulus` and `remainder`")
    }

    const E0033: Explanation = Explanation {
        what: "Two range partitions overlap: a row would belong to both.",
        mistake: "from = \"2026-01-01\", to = \"2026-03-01\" and from = \"2026-02-01\", to = \"2026-04-01\"",
        fix: "Make them adjacent: the `to` of one is the `from` of the next.",
    };
    pub fn partitions_overlap(name: &str, other: &str, span: Span) -> Diagnostic {
        error("E0033", format!("partition `{name}` overlaps partition `{other}`"), span)
            .help("each value may belong to one partition only: make the ranges adjacent, `to` of one being `from` of the next")
    }

    const W0003: Explanation = Explanation {
        what: "A gap between range partitions: rows there go to DEFAULT, or are rejected without one.",
        mistake: "from 2026-01 to 2026-02, then from 2026-03",
        fix: "Add the missing partition, or `default = true`.",
    };
    pub fn partitions_gap(from: &str, to: &str, span: Span) -> Diagnostic {
        warning("W0003", format!("no partition holds values from {from} to {to}"), span)
            .help("rows in the gap go to the DEFAULT partition, or are rejected without one: add a partition or `default = true`")
    }

    const W0004: Explanation = Explanation {
        what: "A partitioned table with no partition: every INSERT fails.",
        mistake: "[tables.events.partition]\nby = \"range\"\nkey = [\"at\"]",
        fix: "Generate (`interval`, `from`, `count`) or premake (`premake`) partitions, list them, add `default = true`, or set `managed_by`.",
    };
    pub fn partitioned_without_partitions(table: &str, span: Span) -> Diagnostic {
        warning("W0004", format!("partitioned table `{table}` has no partitions, so every insert fails"), span)
            .help("generate partitions (`interval`, `from`, `count`), list them, add `default = true`, or set `managed_by` if another tool creates them")
    }

    const E0071: Explanation = Explanation {
        what: "Premade partitions declared so they cannot be kept: fixed dates beside `premake`, not a range of one date/time column, listed range partitions, a name pattern without the interval's date fields, or a tool that is not strata or a declared pg_partman.",
        mistake: "[tables.logs.partition]\nby = \"range\"\nkey = [\"at\"]\ninterval = \"month\"\npremake = 3\nfrom = \"2026-01-01\"",
        fix: "Remove `from` and `count` (`past` says how many earlier periods to make), and follow the help of the message.",
    };
    pub fn invalid_premake(table: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0071", format!("premade partitions of `{table}`: {why}"), span).help(help)
    }

    const W0008: Explanation = Explanation {
        what: "`premake = 0` with a DEFAULT partition: each new period's rows wait in DEFAULT until upkeep runs, which then moves them on every run.",
        mistake: "[tables.logs.partition]\npremake = 0\ndefault = true",
        fix: "Premake at least one period ahead: `premake = 1`.",
    };
    pub fn default_between_upkeeps(table: &str, span: Span) -> Diagnostic {
        warning(
            "W0008",
            format!(
                "`{table}` premakes no partition ahead, so each new period's rows land in DEFAULT until upkeep runs"
            ),
            span,
        )
        .help("set `premake` to 1 or more: upkeep then moves no rows out of DEFAULT on every run")
    }

    const E0034: Explanation = Explanation {
        what: "A role named by a policy, grant or owner is not declared.",
        mistake: "[[tables.notes.policies]]\nname = \"own\"\nto = [\"app_user\"]",
        fix: "Declare `[roles.app_user]` (strata creates it if missing), or name a declared role.",
    };
    pub fn unknown_role(role: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0034", format!("role `{role}` is not declared"), span)
            .suggest(role, candidates.iter().copied(), "")
            .or_help(format!("declare it under [roles.{role}] so strata creates it before anything uses it"))
    }

    const E0035: Explanation = Explanation {
        what: "A policy clause PostgreSQL refuses for its command (USING on INSERT, WITH CHECK on SELECT or DELETE).",
        mistake: "[[tables.notes.policies]]\nname = \"add\"\nfor = \"insert\"\nusing = \"owner = current_user\"",
        fix: "Use `with_check` for INSERT, `using` for SELECT and DELETE, either or both for UPDATE and ALL.",
    };
    pub fn policy_clause_not_allowed(policy: &str, clause: &str, command: &str, span: Span) -> Diagnostic {
        error("E0035", format!("policy `{policy}` is FOR {command} and has {clause}, which PostgreSQL rejects"), span)
            .help("SELECT and DELETE policies take only `using`; INSERT policies take only `with_check`")
    }

    const W0005: Explanation = Explanation {
        what: "Policies on a table without row-level security: PostgreSQL ignores them.",
        mistake: "[[tables.notes.policies]]\nname = \"own\"\nusing = \"owner = current_user\"",
        fix: "Enable it: `rls = { enabled = true }`.",
    };
    pub fn policy_without_rls(table: &str, span: Span) -> Diagnostic {
        warning("W0005", format!("table `{table}` has policies but row-level security is not enabled"), span)
            .help(format!("add [tables.{table}.rls] (enabled = true), or the policies are never applied"))
    }

    const E0036: Explanation = Explanation {
        what: "An expression reads a column its table does not have.",
        mistake: "[[tables.orders.checks]]\nname = \"positive\"\nexpr = \"totl > 0\"",
        fix: "Name a column of the table (`total`).",
    };
    pub fn expression_unknown_column(
        what: &str,
        table: &str,
        column: &str,
        candidates: &[&str],
        span: Span,
    ) -> Diagnostic {
        error("E0036", format!("{what} reads `{column}`, which table `{table}` does not have"), span).suggest(
            column,
            candidates.iter().copied(),
            "its columns",
        )
    }

    const E0037: Explanation = Explanation {
        what: "A privilege that the kind of object does not have.",
        mistake: "[[grants]]\nprivileges = [\"EXECUTE\"]\ntables = [\"orders\"]",
        fix: "Use the table privileges (SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER) or grant on functions.",
    };
    pub fn invalid_privilege(privilege: &str, target: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0037", format!("`{privilege}` is not a privilege on {target}"), span).suggest(
            &privilege.to_ascii_uppercase(),
            allowed.iter().copied(),
            "the privileges there",
        )
    }

    const W0006: Explanation = Explanation {
        what: "A SECURITY DEFINER function without `search_path`: a caller can shadow what it calls.",
        mistake: "[functions.f]\nsecurity_definer = true",
        fix: "Add `search_path = \"public, pg_temp\"`.",
    };
    pub fn definer_without_search_path(function: &str, span: Span) -> Diagnostic {
        warning("W0006", format!("SECURITY DEFINER function `{function}` does not set search_path"), span)
            .help("add `search_path = \"public, pg_temp\"`: otherwise a caller can put its own objects ahead of yours and run them with the owner's rights")
    }

    const E0038: Explanation = Explanation {
        what: "A view, policy, function or job reads a relation that is not declared.",
        mistake: "[views.recent]\nquery = \"SELECT * FROM order\"",
        fix: "Name a declared table or view (`orders`); a catalog's own (`pg_stat_statements`) needs its extension declared.",
    };
    pub fn unknown_relation(what: &str, relation: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0038", format!("{what} reads `{relation}`, which is not declared"), span)
            .suggest(relation, candidates.iter().copied(), "")
            .or_help("declare the table or view, or fix the name; PostgreSQL would reject this when it is created or first run")
    }

    pub fn invalid_query(what: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.trim_start_matches("sql parser error: ");
        error("E0013", format!("{what} is not valid SQL: {why}"), span)
            .help("write a PostgreSQL query (a SELECT for a view)")
    }

    const E0039: Explanation = Explanation {
        what: "A trigger PostgreSQL would refuse: its function is missing or does not return trigger, or its timing, level and events do not go together.",
        mistake: "[[tables.orders.triggers]]\nname = \"touch\"\ntiming = \"instead of\"\nevents = [\"update\"]\nfunction = \"touch\"",
        fix: "INSTEAD OF is for views; declare the function with `returns = \"trigger\"`.",
    };
    pub fn trigger_function(trigger: &str, function: &str, why: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` executes `{function}`, which {why}"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help("declare it under [functions] with `returns = \"trigger\"`")
    }

    /// A trigger PostgreSQL refuses: `why` says what it is, `help` what PostgreSQL's rule is.
    pub fn invalid_trigger(trigger: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` {why}"), span).help(help)
    }

    const E0040: Explanation = Explanation {
        what: "A seed row value PostgreSQL would refuse, or a value for a column it computes.",
        mistake: "[[tables.plans.rows]]\nid = 1\nname = 5   # name is text",
        fix: "Give each column a value of its type; leave out generated and identity-always columns.",
    };
    pub fn seed_value(table: &str, column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` {why}"), span)
            .help("give each row a value of the column's type: strings for text, dates, uuids and union types, numbers for numbers, true/false for booleans")
    }

    pub fn seed_value_computed(table: &str, column: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` is computed by PostgreSQL"), span).help(
            "a generated column and a GENERATED ALWAYS identity column take no value in an INSERT: leave it out of the row",
        )
    }

    const E0042: Explanation = Explanation {
        what: "A job calls a function that is not declared (it would fail every time it runs).",
        mistake: "[jobs.cleanup]\nschedule = \"0 3 * * *\"\ncommand = \"SELECT clean_up()\"",
        fix: "Declare `[functions.clean_up]`, or call a function of a declared extension by its namespace (`partman.run_maintenance()`).",
    };
    pub fn unknown_function(what: &str, function: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0042", format!("{what} calls `{function}()`, which is not declared"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help(format!(
                "declare it under [functions.{function}], or fix the name; the job would fail every time it runs"
            ))
    }

    const E0043: Explanation = Explanation {
        what: "A `pattern` that the generated Rust's regex engine cannot compile.",
        mistake: "[tables.users.columns]\ncode = { type = \"text\", pattern = \"^(?<=a)b$\" }",
        fix: "Use a pattern both PostgreSQL and Rust's `regex` read (no look-around, no back-references).",
    };
    pub fn invalid_pattern(column: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.lines().last().unwrap_or(why).trim().trim_start_matches("error: ");
        error(
            "E0043",
            format!("pattern of `{column}` is not a regular expression the generated Rust accepts: {why}"),
            span,
        )
        .help("write it in the syntax PostgreSQL and Rust's regex crate share (no back-references or look-around)")
    }

    const E0044: Explanation = Explanation {
        what: "Two declarations that become the same Rust type name.",
        mistake: "[tables.user_roles] and [tables.\"user roles\"]",
        fix: "Rename one of them.",
    };
    pub fn rust_name_clash(kind: &str, name: &str, rust: &str, span: Span, first: Span) -> Diagnostic {
        error(
            "E0044",
            format!("{kind} `{name}` becomes the Rust type `{rust}`, which another declaration already is"),
            span,
        )
        .related(first, "this one is also named so in Rust")
        .help("rename one of them so their Rust names differ")
    }

    const E0057: Explanation = Explanation {
        what: "A namespace whose Rust module name would shadow a crate the generated code uses.",
        mistake: "[namespaces.serde]",
        fix: "Rename the namespace.",
    };
    pub fn module_name_taken(namespace: &str, module: &str, span: Span) -> Diagnostic {
        error(
            "E0057",
            format!("namespace `{namespace}` becomes the Rust module `{module}`, a crate the generated code uses"),
            span,
        )
        .help("name the namespace otherwise: its tables' Rust lives in a module of its name")
    }

    const E0058: Explanation = Explanation {
        what: "A NOT VALID foreign key on a partitioned table, which PostgreSQL 15 cannot add.",
        mistake: "[[tables.events.foreign_keys]]\ncolumns = [\"user_id\"]\nreferences = \"users.id\"\nnot_valid = true",
        fix: "Remove `not_valid`, or put the key on the partitions.",
    };
    pub fn not_valid_fk_on_partitioned(table: &str, fk: &str, span: Span) -> Diagnostic {
        error("E0058", format!("foreign key `{fk}` is NOT VALID on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table: drop `not_valid`")
    }

    const E0059: Explanation = Explanation {
        what: "Sequence options that contradict each other (start outside min..max, increment 0, a bound past the type).",
        mistake: "[sequences.ticket]\nas = \"smallint\"\nmax = 100000",
        fix: "Give options within the type and each other.",
    };
    /// PostgreSQL's own reason (`MINVALUE (10) must be less than MAXVALUE (5)`) for refusing
    /// the options of a sequence or identity column.
    pub fn invalid_sequence_options(what: &str, why: &str, span: Span) -> Diagnostic {
        error("E0059", format!("{what}: {why}"), span).help(
            "PostgreSQL fills in what is left out: min 1 and max the type's largest value when counting up, \
             max -1 and min the type's smallest when counting down, start at min (up) or max (down), cache 1",
        )
    }

    const E0060: Explanation = Explanation {
        what: "An identity column PostgreSQL would refuse (not an integer type, or with a default).",
        mistake: "[tables.t.columns]\nid = { type = \"uuid\", identity = \"always\" }",
        fix: "Use smallint, integer or bigint without `default`.",
    };
    pub fn invalid_identity(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0060", format!("identity column `{column}` {why}"), span).help(
            "an identity column is a NOT NULL smallint, integer or bigint whose values come from its own sequence: \
             drop `default`, `generated` and `nullable`, or drop `identity`",
        )
    }

    const E0061: Explanation = Explanation {
        what: "A sequence owned by a table in another namespace, which PostgreSQL refuses.",
        mistake: "[sequences.\"billing.seq\"]\nowned_by = \"orders.id\"",
        fix: "Put both in one namespace.",
    };
    pub fn sequence_owner_elsewhere(sequence: &str, table: &str, span: Span) -> Diagnostic {
        error("E0061", format!("sequence `{sequence}` is owned by `{table}`, in another namespace"), span)
            .help("PostgreSQL links a sequence only to a table of its own namespace: move one of them")
    }

    const E0063: Explanation = Explanation {
        what: "An exclusion constraint on a partitioned table, which PostgreSQL 15 cannot build.",
        mistake: "[[tables.bookings.exclude]]   # bookings is partitioned",
        fix: "Declare it on each partition, or do not partition the table.",
    };
    pub fn exclusion_on_partitioned(table: &str, name: &str, span: Span) -> Diagnostic {
        error("E0063", format!("exclusion constraint `{name}` is on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 has no exclusion constraints on partitioned tables (17 has them): declare it on each partition's own table, or enforce it in a trigger")
    }

    const E0064: Explanation = Explanation {
        what: "A partition names a parent index the table does not have.",
        mistake: "index_names = { readings_sensr_idx = \"readings_2025_sensor\" }",
        fix: "Name one of the table's indexes.",
    };
    pub fn unknown_index(table: &str, index: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0064", format!("table `{table}` has no index `{index}`"), span)
            .suggest(index, candidates.iter().copied(), "its indexes")
            .or_help(
                "`index_names` maps the parent table's index names (under [[tables.T.indexes]]) to the partition's own",
            )
    }

    const E0065: Explanation = Explanation {
        what: "A function or procedure PostgreSQL would refuse as declared (a procedure with a return type, a SQL-standard body in plpgsql, ...).",
        mistake: "[functions.f]\nprocedure = true\nreturns = \"integer\"",
        fix: "Apply the help: a procedure has no `returns`.",
    };
    /// A function's options that PostgreSQL refuses together: `why` says what, `help` its rule.
    pub fn invalid_routine(what: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0065", format!("{what} {why}"), span).help(help)
    }

    const E0066: Explanation = Explanation {
        what: "Column privileges that name columns of several tables, or none.",
        mistake: "[[grants]]\nprivileges = [\"SELECT\"]\ntables = [\"a\", \"b\"]\ncolumns = [\"id\"]",
        fix: "Grant column privileges one table at a time.",
    };
    pub fn column_grant_needs_one_table(span: Span) -> Diagnostic {
        error("E0066", "column privileges name the columns of more than one table, or of none".to_string(), span)
            .help("a grant with `columns` lists exactly one table in `tables`: write one grant per table")
    }

    const E0067: Explanation = Explanation {
        what: "A grant on a function that is not declared, or is ambiguous between overloads.",
        mistake: "[[grants]]\nprivileges = [\"EXECUTE\"]\nfunctions = [\"area\"]   # two overloads",
        fix: "Name it by signature: `area(integer)`.",
    };
    /// `found` routines match the name: none, or several overloads.
    pub fn unknown_routine(routine: &str, found: usize, candidates: &[&str], span: Span) -> Diagnostic {
        let (why, help) = match found {
            0 => ("which is not declared", "name a declared function, with its argument types if overloaded"),
            _ => ("which names several overloads", "give the argument types: `name(integer, text)`"),
        };
        error("E0067", format!("grant on function `{routine}`, {why}"), span)
            .suggest(routine, candidates.iter().copied(), "")
            .or_help(help)
    }

    const E0068: Explanation = Explanation {
        what: "A grant on a type that is not declared as a type.",
        mistake: "[[grants]]\nprivileges = [\"USAGE\"]\ntypes = [\"status\"]   # a CHECK union type",
        fix: "Declare the union type `as = \"type\"`, or grant on a declared type.",
    };
    pub fn unknown_type_grant(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0068", format!("grant on type `{ty}`, which is not a declared type"), span)
            .suggest(ty, candidates.iter().copied(), "")
            .or_help("name a domain, a composite or range type, or a union type declared `as = \"type\"` (one stored as a CHECK is no type of its own)")
    }

    const E0070: Explanation = Explanation {
        what: "A composite or domain type that contains itself.",
        mistake: "[composites.node.fields]\nnext = \"node\"",
        fix: "Break the cycle (a key to a table instead).",
    };
    pub fn type_contains_itself(name: &str, path: &str, span: Span) -> Diagnostic {
        error("E0070", format!("type `{name}` contains itself ({path})"), span)
            .help("PostgreSQL cannot create a type that holds a value of its own type: use an array of another type, or a table with a foreign key")
    }

    const E0069: Explanation = Explanation {
        what: "Default privileges on schemas with a namespace, which PostgreSQL cannot combine.",
        mistake: "[[default_privileges]]\non = \"schemas\"\nnamespace = \"app\"",
        fix: "Drop `namespace`.",
    };
    pub fn schemas_default_in_namespace(span: Span) -> Diagnostic {
        error("E0069", "default privileges on schemas name a namespace".to_string(), span)
            .help("PostgreSQL cannot use IN SCHEMA with ON SCHEMAS: drop `namespace`")
    }

    const E0041: Explanation = Explanation {
        what: "A job schedule pg_cron does not accept.",
        mistake: "[jobs.nightly]\nschedule = \"every night\"",
        fix: "Use five cron fields (`0 2 * * *`) or `N seconds` with N from 1 to 59.",
    };
    pub fn invalid_schedule(job: &str, schedule: &str, span: Span) -> Diagnostic {
        error("E0041", format!("job `{job}` has schedule `{schedule}`, which pg_cron does not accept"), span)
            .help("use five cron fields (`0 2 * * *`: minute hour day month weekday, each `*`, a number, a range, a list or a step) or `N seconds` with N from 1 to 59")
    }

    fn or_help(self, help: impl Into<String>) -> Diagnostic {
        if self.help.is_some() { self } else { self.help(help) }
    }
}

/// The long explanation of a diagnostic code (`strata explain E0002`), as `rustc --explain`:
/// what it means, a mistake that gets it, and the fix. Each code's text is an associated
/// constant beside the constructor that uses the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub what: &'static str,
    pub mistake: &'static str,
    pub fix: &'static str,
}

impl Explanation {
    /// As `strata explain` prints it.
    pub fn render(&self, code: &str) -> String {
        let mistake: Vec<String> = self.mistake.lines().map(|l| format!("    {l}")).collect();
        format!("{code}: {}\n\nFor example:\n\n{}\n\nThe fix: {}\n", self.what, mistake.join("\n"), self.fix)
    }
}

impl Diagnostic {
    /// Every code with its explanation: errors, then warnings, each in order.
    pub const EXPLAINED: &[(&str, Explanation)] = &[
        ("E0001", Self::E0001),
        ("E0002", Self::E0002),
        ("E0003", Self::E0003),
        ("E0004", Self::E0004),
        ("E0005", Self::E0005),
        ("E0006", Self::E0006),
        ("E0007", Self::E0007),
        ("E0008", Self::E0008),
        ("E0009", Self::E0009),
        ("E0010", Self::E0010),
        ("E0011", Self::E0011),
        ("E0012", Self::E0012),
        ("E0013", Self::E0013),
        ("E0014", Self::E0014),
        ("E0015", Self::E0015),
        ("E0016", Self::E0016),
        ("E0017", Self::E0017),
        ("E0018", Self::E0018),
        ("E0019", Self::E0019),
        ("E0020", Self::E0020),
        ("E0021", Self::E0021),
        ("E0022", Self::E0022),
        ("E0023", Self::E0023),
        ("E0024", Self::E0024),
        ("E0025", Self::E0025),
        ("E0026", Self::E0026),
        ("E0027", Self::E0027),
        ("E0028", Self::E0028),
        ("E0029", Self::E0029),
        ("E0030", Self::E0030),
        ("E0031", Self::E0031),
        ("E0032", Self::E0032),
        ("E0033", Self::E0033),
        ("E0034", Self::E0034),
        ("E0035", Self::E0035),
        ("E0036", Self::E0036),
        ("E0037", Self::E0037),
        ("E0038", Self::E0038),
        ("E0039", Self::E0039),
        ("E0040", Self::E0040),
        ("E0041", Self::E0041),
        ("E0042", Self::E0042),
        ("E0043", Self::E0043),
        ("E0044", Self::E0044),
        ("E0045", Self::E0045),
        ("E0046", Self::E0046),
        ("E0047", Self::E0047),
        ("E0048", Self::E0048),
        ("E0049", Self::E0049),
        ("E0050", Self::E0050),
        ("E0051", Self::E0051),
        ("E0052", Self::E0052),
        ("E0053", Self::E0053),
        ("E0054", Self::E0054),
        ("E0055", Self::E0055),
        ("E0056", Self::E0056),
        ("E0057", Self::E0057),
        ("E0058", Self::E0058),
        ("E0059", Self::E0059),
        ("E0060", Self::E0060),
        ("E0061", Self::E0061),
        ("E0062", Self::E0062),
        ("E0063", Self::E0063),
        ("E0064", Self::E0064),
        ("E0065", Self::E0065),
        ("E0066", Self::E0066),
        ("E0067", Self::E0067),
        ("E0068", Self::E0068),
        ("E0069", Self::E0069),
        ("E0070", Self::E0070),
        ("E0071", Self::E0071),
        ("W0001", Self::W0001),
        ("W0002", Self::W0002),
        ("W0003", Self::W0003),
        ("W0004", Self::W0004),
        ("W0005", Self::W0005),
        ("W0006", Self::W0006),
        ("W0007", Self::W0007),
        ("W0008", Self::W0008),
    ];

    /// The explanation of `code`, if it is one of strata's.
    pub fn explain(code: &str) -> Option<Explanation> {
        Self::EXPLAINED.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, e)| *e)
    }

    /// The codes there are, as ranges: `E0001 to E0071, W0001 to W0008`.
    pub fn codes() -> String {
        let mut ranges: Vec<(&str, &str)> = Vec::new();
        for (code, _) in Self::EXPLAINED {
            match ranges.last_mut() {
                Some((first, last)) if first[..1] == code[..1] => *last = code,
                _ => ranges.push((code, code)),
            }
        }
        ranges.iter().map(|(first, last)| format!("{first} to {last}")).collect::<Vec<_>>().join(", ")
    }
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(got: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(got, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len())
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code a constructor here uses has its explanation (`strata explain`).
    #[test]
    fn every_code_has_an_explanation() {
        let source = include_str!("diagnostics.rs");
        // Each code a constructor gives: `error("E0002", ...)`, `warning(...)`, `code: "E0028"`.
        let given = |i: usize| {
            let before = source[..i].trim_end();
            ["error(", "warning(", "code:"].iter().any(|call| before.ends_with(call))
        };
        let mut codes: Vec<&str> = source
            .match_indices('"')
            .filter_map(|(i, _)| Some((i, source.get(i + 1..i + 6)?)))
            .filter(|(i, c)| {
                c.starts_with(['E', 'W'])
                    && c[1..].bytes().all(|b| b.is_ascii_digit())
                    && source.get(i + 6..i + 7) == Some("\"")
                    && given(*i)
            })
            .map(|(_, c)| c)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        assert!(codes.len() >= 79, "{codes:?}");
        let explained: Vec<&str> = Diagnostic::EXPLAINED.iter().map(|(c, _)| *c).collect();
        assert_eq!(explained, codes, "EXPLAINED lists each code given, in order, once");
        let last = |kind: char| codes.iter().rfind(|c| c.starts_with(kind)).unwrap();
        assert_eq!(Diagnostic::codes(), format!("E0001 to {}, W0001 to {}", last('E'), last('W')));
        for code in codes {
            let e = Diagnostic::explain(code).unwrap_or_else(|| panic!("{code} has no explanation"));
            assert!(!e.what.is_empty() && !e.mistake.is_empty() && !e.fix.is_empty(), "{code}");
        }
        assert!(Diagnostic::explain("E9999").is_none());
    }
}
