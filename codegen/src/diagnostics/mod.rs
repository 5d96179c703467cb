//! Diagnostics: every problem strata reports about a schema, and how it is printed.
//!
//! One named constructor per problem, each beside its code's explanation, in one file per family
//! (as `check/` has them), so the wording stays consistent within a family.
//! Messages are short fragments without a trailing period; `help` says how to fix it.

mod expressions;
mod format;
mod keys;
mod names;
mod options;
mod partitions;
mod references;
mod routines;
mod security;
mod sequences;
mod types;
mod values;

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

    /// `help`, unless a suggestion gave one already.
    fn or_help(self, help: impl Into<String>) -> Diagnostic {
        if self.help.is_some() { self } else { self.help(help) }
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
        ("W0009", Self::W0009),
        ("W0010", Self::W0010),
    ];

    /// The explanation of `code`, if it is one of strata's.
    pub fn explain(code: &str) -> Option<Explanation> {
        Self::EXPLAINED.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, e)| *e)
    }

    /// The codes there are, as ranges: `E0001 to E0071, W0001 to W0010`.
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
        let source = [
            include_str!("expressions.rs"),
            include_str!("format.rs"),
            include_str!("keys.rs"),
            include_str!("names.rs"),
            include_str!("options.rs"),
            include_str!("partitions.rs"),
            include_str!("references.rs"),
            include_str!("routines.rs"),
            include_str!("security.rs"),
            include_str!("sequences.rs"),
            include_str!("types.rs"),
            include_str!("values.rs"),
        ]
        .concat();
        let source = source.as_str();
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
