//! The TOML source: a schema folder of one or many `.toml` files -> `Schema`.
//!
//! **API Boundary:** the TOML format, documented in docs/format.md.

mod lower;
mod walk;

pub use lower::json_schema;

use toml::de::DeTable;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Sources, Span};
use crate::model::Schema;

/// Parses and lowers the given files of one schema.
/// Returns `None` when a file is not valid TOML: its first syntax error is all that is reported
/// for it (the parser's later errors follow from the first, so they are noise).
pub fn parse(sources: &Sources, files: &[FileId], diags: &mut Diagnostics) -> Option<Schema> {
    let mut parsed = Vec::new();
    let mut syntax_ok = true;
    for &id in files {
        let text = sources.text(id);
        let (root, errors) = DeTable::parse_recoverable(text);
        if let Some(e) = errors.first() {
            let span = e.span().map_or(Span { file: id, start: 0, end: 0 }, |r| Span::new(id, r));
            diags.push(match unclosed_inline_table(text, span.start as usize) {
                Some(open) => Diagnostic::unclosed_inline_table(Span::new(id, open..open + 1), span),
                None => Diagnostic::toml_syntax(e.message(), span),
            });
        }
        syntax_ok &= errors.is_empty();
        parsed.push(lower::File { id, root });
    }
    syntax_ok.then(|| lower::lower(&parsed, diags))
}

/// The `{` of an inline table still open at `error`, when it was opened on an earlier line:
/// a missing `}` is only noticed on a later line, but the mistake is where the table starts.
fn unclosed_inline_table(text: &str, error: usize) -> Option<usize> {
    let before = text.get(..error)?;
    let mut open: Vec<usize> = Vec::new();
    let mut chars = before.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' | '\'' => {
                let triple = before[i..].starts_with(if c == '"' { "\"\"\"" } else { "\'\'\'" });
                let end = if triple { &before[i..i + 3] } else { &before[i..i + 1] };
                let rest = &before[i + end.len()..];
                let mut k = 0;
                let close = loop {
                    let Some(ch) = rest[k..].chars().next() else { break None };
                    if c == '"' && ch == '\\' {
                        k += 1 + rest[k + 1..].chars().next().map_or(0, char::len_utf8);
                        continue;
                    }
                    if rest[k..].starts_with(end) {
                        break Some(k + end.len());
                    }
                    if ch == '\n' && !triple {
                        break Some(k);
                    }
                    k += ch.len_utf8();
                };
                let skip_to = i + end.len() + close.unwrap_or(rest.len());
                while chars.next_if(|&(j, _)| j < skip_to).is_some() {}
            }
            '{' => open.push(i),
            '}' => _ = open.pop(),
            _ => {}
        }
    }
    let start = *open.last()?;
    before[start..].contains('\n').then_some(start)
}

#[cfg(test)]
mod tests {
    #[test]
    fn unclosed_inline_tables_are_found_where_they_start() {
        let text = "a = { x = \"{\", y = '}' # }\nb = 1\n";
        assert_eq!(super::unclosed_inline_table(text, text.find("b =").unwrap()), Some(4));
        let closed = "a = { x = 1 }\nb = 1\n";
        assert_eq!(super::unclosed_inline_table(closed, closed.find("b =").unwrap()), None);
        let same_line = "a = { x = 1 b = 2 }\n";
        assert_eq!(super::unclosed_inline_table(same_line, 12), None);
    }
}
