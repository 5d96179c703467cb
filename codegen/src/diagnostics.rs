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
                        .with_message(note),
                );
            }
            let severity = match d.severity {
                Severity::Error => cs::Severity::Error,
                Severity::Warning => cs::Severity::Warning,
            };
            let mut diag = cs::Diagnostic::new(severity).with_code(d.code).with_message(&d.message).with_labels(labels);
            if let Some(help) = &d.help {
                diag = diag.with_notes(vec![format!("help: {help}")]);
            }
            match term::emit_into_string(&config, &files, &diag) {
                Ok(text) => out.push_str(&text),
                Err(_) => writeln!(out, "{}[{}]: {}", severity_word(d.severity), d.code, d.message).unwrap(),
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

    /// A raw SQL fragment that is not what its key must hold: written as given, it could run more.
    pub fn invalid_fragment(what: &str, key: &str, fragment: &str, expected: &str, span: Span) -> Diagnostic {
        error("E0052", format!("`{key}` of {what} is not {expected}: `{}`", fragment.escape_debug()), span)
            .help(format!("write `{key}` as {expected}; strata writes it into the SQL as given"))
    }

    pub fn nul_in_text(key: &str, span: Span) -> Diagnostic {
        error("E0053", format!("`{key}` holds a NUL character"), span)
            .help("remove the \\u0000: PostgreSQL text cannot hold NUL")
    }

    pub fn invalid_option(what: &str, key: &str, why: &str, span: Span) -> Diagnostic {
        error("E0054", format!("`{key}` of {what}: {why}"), span)
            .help(format!("change or remove `{key}` (docs/format.md lists what each object takes)"))
    }

    pub fn unknown_option(what: &str, name: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0055", format!("{what} has the option `{name}`, which PostgreSQL does not know there"), span)
            .suggest(name, allowed.iter().copied(), "the options")
            .or_help("see docs/format.md for the options each object takes")
    }

    /// A Rust schema source that is not valid Rust, or a `#[strata(...)]` attribute strata cannot read.
    pub fn rust_source(message: &str, span: Span) -> Diagnostic {
        error("E0045", format!("invalid Rust schema source: {message}"), span)
            .help("tables are structs with #[derive(strata::Table)] and #[strata(key = value, ...)] attributes (docs/format.md)")
    }

    pub fn unknown_shape(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0046", format!("unknown shape `{name}`"), span).suggest(name, candidates.iter().copied(), "").or_help(
            "declare it under [shapes], or use integer, number, string, boolean, list<T>, map<T> or a union type",
        )
    }

    pub fn invalid_shape_default(field: &str, default: &str, span: Span) -> Diagnostic {
        error("E0048", format!("default {default} of field `{field}` is not a value of its type"), span)
            .help("give a default of the field's type (a whole number for integer, a quoted string for string, ...)")
    }

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

    pub fn default_does_not_fit(column: &str, default: &str, ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0050", format!("default {default} of column `{column}` ({ty}) {why}"), span)
            .help(format!("give a default PostgreSQL accepts for {ty}: quoted text is read by the type's input function ('42', '2026-01-01', '{{}}'), numbers and booleans need a cast to it"))
    }

    /// A default (or `set_on_update`) that reads a column: PostgreSQL refuses column references there.
    pub fn value_reads_column(key: &str, column: &str, name: &str, span: Span) -> Diagnostic {
        error(
            "E0051",
            format!("`{key}` of column `{column}` reads `{name}` as a column, which PostgreSQL does not allow here"),
            span,
        )
        .help(format!("to mean the text {name}, quote it as SQL text: {key} = \"'{name}'\""))
    }

    pub fn shape_needs_json(column: &str, span: Span) -> Diagnostic {
        error("E0047", format!("column `{column}` has a shape but is not json or jsonb"), span)
            .help("give the column `type = \"jsonb\"`, or remove `shape`")
    }

    pub fn unknown_key(key: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0002", format!("unknown key `{key}`"), span).suggest(key, allowed.iter().copied(), "the allowed keys")
    }

    pub fn wrong_value_type(key: &str, expected: &str, found: &str, span: Span) -> Diagnostic {
        error("E0003", format!("`{key}` must be {expected}, found {found}"), span)
    }

    /// A TOML number or boolean where SQL text is expected (`default = 0`): say how to write it.
    pub fn sql_not_a_string(key: &str, found: &str, value: &str, span: Span) -> Diagnostic {
        Diagnostic::wrong_value_type(key, "a string", found, span)
            .help(format!("`{key}` holds SQL, written as a TOML string: `{key} = \"{value}\"`"))
    }

    pub fn missing_key(key: &str, within: &str, span: Span) -> Diagnostic {
        error("E0004", format!("{within} has no `{key}`"), span).help(format!("add `{key} = …` to {within}"))
    }

    pub fn unknown_type(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        let base = ty.split(['(', '[']).next().unwrap_or(ty).trim();
        error("E0005", format!("unknown column type `{ty}`"), span)
            .suggest(base, candidates.iter().copied(), "")
            .or_help("use a PostgreSQL type (uuid, text, varchar(n), integer, timestamptz, jsonb, …) or declare a union type under [enums] or a domain under [domains]")
    }

    pub fn invalid_type(ty: &str, why: &str, span: Span) -> Diagnostic {
        error("E0006", format!("invalid type `{ty}`: {why}"), span)
            .help("PostgreSQL accepts varchar(n) with n from 1 to 10485760 and numeric(p,s) with 1 <= p <= 1000 and 0 <= s <= p")
    }

    pub fn unknown_table(table: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0007", format!("reference to table `{table}`, which is not declared"), span)
            .suggest(table, candidates.iter().copied(), "")
            .or_help("declare the table under [tables] or fix the name")
    }

    pub fn unknown_sequence(sequence: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0062", format!("reference to sequence `{sequence}`, which is not declared"), span)
            .suggest(sequence, candidates.iter().copied(), "")
            .or_help("declare it under [sequences], or name the sequence of a serial or identity column (`<table>_<column>_seq`)")
    }

    pub fn unknown_namespace(namespace: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0056", format!("namespace `{namespace}` is neither declared nor used by any object"), span)
            .suggest(namespace, candidates.iter().copied(), "")
            .or_help("declare it under [namespaces] or fix the name")
    }

    pub fn unknown_column(table: &str, column: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0008", format!("table `{table}` has no column `{column}`"), span).suggest(
            column,
            candidates.iter().copied(),
            "its columns",
        )
    }

    pub fn fk_type_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        error("E0009", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}`"))
    }

    pub fn fk_length_mismatch(column: &str, ty: &str, target: &str, target_ty: &str, span: Span) -> Diagnostic {
        warning("W0002", format!("foreign key column `{column}` is `{ty}` but `{target}` is `{target_ty}`"), span)
            .help(format!("declare `{column}` as `{target_ty}` so every referenced value fits"))
    }

    pub fn fk_target_not_unique(target: &str, span: Span) -> Diagnostic {
        error(
            "E0010",
            format!("foreign key references {target}, which is not a primary key or unique constraint"),
            span,
        )
        .help("reference the primary key, or add a unique constraint on exactly these columns")
    }

    pub fn fk_arity(n_columns: usize, n_refs: usize, span: Span) -> Diagnostic {
        error("E0021", format!("foreign key has {n_columns} column(s) but references {n_refs}"), span)
            .help("list as many referenced columns as foreign key columns, in the same order")
    }

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

    pub fn identifier_too_long(name: &str, span: Span) -> Diagnostic {
        error("E0012", format!("identifier `{name}` is {} bytes long, over PostgreSQL's limit of 63", name.len()), span)
            .help("PostgreSQL would silently truncate it; choose a name of at most 63 bytes. A derived name (`<table>_<column>_key`, `_fkey`, `_check`, `_pattern`, `_range`, `_idx`) comes from the table and column names: shorten those, or give the index, check or foreign key its own `name` (a unique constraint is named by its key under [tables.T.unique])")
    }

    pub fn invalid_expression(what: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.trim_start_matches("sql parser error: ");
        error("E0013", format!("{what} is not a valid SQL expression: {why}"), span)
            .help("write a PostgreSQL expression; string literals take single quotes, e.g. 'active'")
    }

    pub fn expression_unread(what: &str, construct: &str, span: Span) -> Diagnostic {
        warning("W0007", format!("{what} has `{construct}`, which strata's SQL parser cannot read"), span).help(
            "strata writes the expression as it is and PostgreSQL judges it when the schema is applied; \
             its columns are not checked and validate() leaves it to the database",
        )
    }

    pub fn enum_default_not_a_value(value: &str, enum_name: &str, values: &[String], span: Span) -> Diagnostic {
        let list: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        error("E0014", format!("default '{value}' is not a value of union type `{enum_name}`"), span)
            .suggest(value, values.iter().map(String::as_str), "")
            .or_help(format!("use one of {}", list.join(", ")))
    }

    pub fn unknown_mixin(name: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0015", format!("mixin `{name}` is not declared"), span)
            .suggest(name, candidates.iter().copied(), "the declared mixins")
            .or_help("declare it under [mixins] or remove it from `mixins`")
    }

    pub fn mixin_cycle(chain: &[String], span: Span) -> Diagnostic {
        error("E0016", format!("mixins include each other in a cycle: {}", chain.join(" -> ")), span)
            .help("remove one of the `mixins` entries so the chain ends")
    }

    pub fn missing_primary_key(table: &str, span: Span) -> Diagnostic {
        warning("W0001", format!("table `{table}` has no primary key"), span)
            .help("add `primary_key = true` to a column, or `primary_key = [\"a\", \"b\"]` to the table; rows cannot be updated or referenced reliably without one")
    }

    pub fn invalid_value(key: &str, got: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0017", format!("`{got}` is not a valid `{key}`"), span).suggest(
            got,
            allowed.iter().copied(),
            "the allowed values",
        )
    }

    pub fn extension_not_declared(ty: &str, extension: &str, span: Span) -> Diagnostic {
        error("E0018", format!("type `{ty}` needs extension `{extension}`, which is not declared"), span)
            .help(format!("add \"{extension}\" to `extensions` in [schema]"))
    }

    pub fn primary_key_twice(table: &str, span: Span, first: Span) -> Diagnostic {
        error("E0019", format!("table `{table}` declares its primary key twice"), span)
            .related(first, "first declared here")
            .help("for a composite key, list every column in the table's `primary_key = [...]` instead")
    }

    pub fn nullable_primary_key(column: &str, span: Span) -> Diagnostic {
        error("E0019", format!("primary key column `{column}` is nullable"), span)
            .help("remove `nullable = true`: PostgreSQL makes every primary key column NOT NULL")
    }

    pub fn invalid_soft_delete(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0020", format!("soft-delete column `{column}` {why}"), span)
            .help("point `soft_delete` at a nullable timestamp or timestamptz column, e.g. `deleted_at`")
    }

    pub fn empty_list(key: &str, span: Span) -> Diagnostic {
        error("E0022", format!("`{key}` is empty"), span).help(format!("list at least one item in `{key}`"))
    }

    pub fn invalid_range(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0023", format!("invalid `range` on `{column}`: {why}"), span)
            .help("write `range = [min, max]` with numbers, min <= max, on a numeric column")
    }

    pub fn rule_needs_text(rule: &str, column: &str, ty: &str, span: Span) -> Diagnostic {
        error("E0024", format!("`{rule}` on `{column}` needs a text column, but it is `{ty}`"), span)
            .help(format!("remove `{rule}` or make the column text, varchar(n) or char(n)"))
    }

    pub fn duplicate_enum_value(value: &str, span: Span) -> Diagnostic {
        error("E0025", format!("value '{value}' is listed twice"), span).help("remove the repeated value")
    }

    pub fn missing_schema_section(span: Span) -> Diagnostic {
        error("E0026", "no [schema] section with a `name`".to_string(), span)
            .help("add `[schema]` with `name = \"…\"` to one file of the folder")
    }

    pub fn invalid_identifier(name: &str, span: Span) -> Diagnostic {
        error("E0027", format!("`{}` is not a usable identifier", name.escape_debug()), span)
            .help("use a non-empty name of letters, digits and underscores, starting with a letter or underscore")
    }

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

    pub fn generated_with_default(column: &str, span: Span) -> Diagnostic {
        error("E0029", format!("column `{column}` is generated and also has a default"), span)
            .help("remove `default`: a generated column's value always comes from its expression")
    }

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

    pub fn fk_to_partitioned_without_key(target: &str, missing: &[&str], span: Span) -> Diagnostic {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        error("E0031", format!("foreign key references partitioned table `{target}` without its partition key {cols}"), span)
            .help(format!("a partitioned table's unique keys include {cols}: add the same column(s) to this table and reference them together, e.g. `references = \"{target}(id, {})\"` with a `[[foreign_keys]]` entry", missing[0]))
    }

    pub fn partition_bound_mismatch(name: &str, method: &str, why: &str, span: Span) -> Diagnostic {
        error("E0032", format!("partition `{name}` does not fit `by = \"{method}\"`: {why}"), span)
            .help("range partitions take `from` and `to`, list partitions `values`, hash partitions `modulus` and `remainder`")
    }

    pub fn partitions_overlap(name: &str, other: &str, span: Span) -> Diagnostic {
        error("E0033", format!("partition `{name}` overlaps partition `{other}`"), span)
            .help("each value may belong to one partition only: make the ranges adjacent, `to` of one being `from` of the next")
    }

    pub fn partitions_gap(from: &str, to: &str, span: Span) -> Diagnostic {
        warning("W0003", format!("no partition holds values from {from} to {to}"), span)
            .help("rows in the gap go to the DEFAULT partition, or are rejected without one: add a partition or `default = true`")
    }

    pub fn partitioned_without_partitions(table: &str, span: Span) -> Diagnostic {
        warning("W0004", format!("partitioned table `{table}` has no partitions, so every insert fails"), span)
            .help("generate partitions (`interval`, `from`, `count`), list them, add `default = true`, or set `managed_by` if another tool creates them")
    }

    pub fn invalid_premake(table: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0071", format!("premade partitions of `{table}`: {why}"), span).help(help)
    }

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

    pub fn unknown_role(role: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0034", format!("role `{role}` is not declared"), span)
            .suggest(role, candidates.iter().copied(), "")
            .or_help(format!("declare it under [roles.{role}] so strata creates it before anything uses it"))
    }

    pub fn policy_clause_not_allowed(policy: &str, clause: &str, command: &str, span: Span) -> Diagnostic {
        error("E0035", format!("policy `{policy}` is FOR {command} and has {clause}, which PostgreSQL rejects"), span)
            .help("SELECT and DELETE policies take only `using`; INSERT policies take only `with_check`")
    }

    pub fn policy_without_rls(table: &str, span: Span) -> Diagnostic {
        warning("W0005", format!("table `{table}` has policies but row-level security is not enabled"), span)
            .help(format!("add [tables.{table}.rls] (enabled = true), or the policies are never applied"))
    }

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

    pub fn invalid_privilege(privilege: &str, target: &str, allowed: &[&str], span: Span) -> Diagnostic {
        error("E0037", format!("`{privilege}` is not a privilege on {target}"), span).suggest(
            &privilege.to_ascii_uppercase(),
            allowed.iter().copied(),
            "the privileges there",
        )
    }

    pub fn definer_without_search_path(function: &str, span: Span) -> Diagnostic {
        warning("W0006", format!("SECURITY DEFINER function `{function}` does not set search_path"), span)
            .help("add `search_path = \"public, pg_temp\"`: otherwise a caller can put its own objects ahead of yours and run them with the owner's rights")
    }

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

    pub fn trigger_function(trigger: &str, function: &str, why: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` executes `{function}`, which {why}"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help("declare it under [functions] with `returns = \"trigger\"`")
    }

    /// A trigger PostgreSQL refuses: `why` says what it is, `help` what PostgreSQL's rule is.
    pub fn invalid_trigger(trigger: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` {why}"), span).help(help)
    }

    pub fn seed_value(table: &str, column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` {why}"), span)
            .help("give each row a value of the column's type: strings for text, dates, uuids and union types, numbers for numbers, true/false for booleans")
    }

    pub fn seed_value_computed(table: &str, column: &str, span: Span) -> Diagnostic {
        error("E0040", format!("seed row of `{table}`: `{column}` is computed by PostgreSQL"), span).help(
            "a generated column and a GENERATED ALWAYS identity column take no value in an INSERT: leave it out of the row",
        )
    }

    pub fn unknown_function(what: &str, function: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0042", format!("{what} calls `{function}()`, which is not declared"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help(format!(
                "declare it under [functions.{function}], or fix the name; the job would fail every time it runs"
            ))
    }

    pub fn invalid_pattern(column: &str, why: &str, span: Span) -> Diagnostic {
        let why = why.lines().last().unwrap_or(why).trim().trim_start_matches("error: ");
        error(
            "E0043",
            format!("pattern of `{column}` is not a regular expression the generated Rust accepts: {why}"),
            span,
        )
        .help("write it in the syntax PostgreSQL and Rust's regex crate share (no back-references or look-around)")
    }

    pub fn rust_name_clash(kind: &str, name: &str, rust: &str, span: Span, first: Span) -> Diagnostic {
        error(
            "E0044",
            format!("{kind} `{name}` becomes the Rust type `{rust}`, which another declaration already is"),
            span,
        )
        .related(first, "this one is also named so in Rust")
        .help("rename one of them so their Rust names differ")
    }

    pub fn module_name_taken(namespace: &str, module: &str, span: Span) -> Diagnostic {
        error(
            "E0057",
            format!("namespace `{namespace}` becomes the Rust module `{module}`, a crate the generated code uses"),
            span,
        )
        .help("name the namespace otherwise: its tables' Rust lives in a module of its name")
    }

    pub fn not_valid_fk_on_partitioned(table: &str, fk: &str, span: Span) -> Diagnostic {
        error("E0058", format!("foreign key `{fk}` is NOT VALID on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table: drop `not_valid`")
    }

    /// PostgreSQL's own reason (`MINVALUE (10) must be less than MAXVALUE (5)`) for refusing
    /// the options of a sequence or identity column.
    pub fn invalid_sequence_options(what: &str, why: &str, span: Span) -> Diagnostic {
        error("E0059", format!("{what}: {why}"), span).help(
            "PostgreSQL fills in what is left out: min 1 and max the type's largest value when counting up, \
             max -1 and min the type's smallest when counting down, start at min (up) or max (down), cache 1",
        )
    }

    pub fn invalid_identity(column: &str, why: &str, span: Span) -> Diagnostic {
        error("E0060", format!("identity column `{column}` {why}"), span).help(
            "an identity column is a NOT NULL smallint, integer or bigint whose values come from its own sequence: \
             drop `default`, `generated` and `nullable`, or drop `identity`",
        )
    }

    pub fn sequence_owner_elsewhere(sequence: &str, table: &str, span: Span) -> Diagnostic {
        error("E0061", format!("sequence `{sequence}` is owned by `{table}`, in another namespace"), span)
            .help("PostgreSQL links a sequence only to a table of its own namespace: move one of them")
    }

    pub fn exclusion_on_partitioned(table: &str, name: &str, span: Span) -> Diagnostic {
        error("E0063", format!("exclusion constraint `{name}` is on partitioned table `{table}`"), span)
            .help("PostgreSQL 15 has no exclusion constraints on partitioned tables (17 has them): declare it on each partition's own table, or enforce it in a trigger")
    }

    pub fn unknown_index(table: &str, index: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0064", format!("table `{table}` has no index `{index}`"), span)
            .suggest(index, candidates.iter().copied(), "its indexes")
            .or_help(
                "`index_names` maps the parent table's index names (under [[tables.T.indexes]]) to the partition's own",
            )
    }

    /// A function's options that PostgreSQL refuses together: `why` says what, `help` its rule.
    pub fn invalid_routine(what: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0065", format!("{what} {why}"), span).help(help)
    }

    pub fn column_grant_needs_one_table(span: Span) -> Diagnostic {
        error("E0066", "column privileges name the columns of more than one table, or of none".to_string(), span)
            .help("a grant with `columns` lists exactly one table in `tables`: write one grant per table")
    }

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

    pub fn unknown_type_grant(ty: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0068", format!("grant on type `{ty}`, which is not a declared type"), span)
            .suggest(ty, candidates.iter().copied(), "")
            .or_help("name a domain, a composite or range type, or a union type declared `as = \"type\"` (one stored as a CHECK is no type of its own)")
    }

    pub fn type_contains_itself(name: &str, path: &str, span: Span) -> Diagnostic {
        error("E0070", format!("type `{name}` contains itself ({path})"), span)
            .help("PostgreSQL cannot create a type that holds a value of its own type: use an array of another type, or a table with a foreign key")
    }

    pub fn schemas_default_in_namespace(span: Span) -> Diagnostic {
        error("E0069", "default privileges on schemas name a namespace".to_string(), span)
            .help("PostgreSQL cannot use IN SCHEMA with ON SCHEMAS: drop `namespace`")
    }

    pub fn invalid_schedule(job: &str, schedule: &str, span: Span) -> Diagnostic {
        error("E0041", format!("job `{job}` has schedule `{schedule}`, which pg_cron does not accept"), span)
            .help("use five cron fields (`0 2 * * *`: minute hour day month weekday, each `*`, a number, a range, a list or a step) or `N seconds` with N from 1 to 59")
    }

    fn or_help(self, help: impl Into<String>) -> Diagnostic {
        if self.help.is_some() { self } else { self.help(help) }
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
