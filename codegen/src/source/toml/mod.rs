//! The TOML source: a schema folder of one or many `.toml` files -> `Schema`.
//!
//! **API Boundary:** the TOML format, documented in docs/format.md.

mod lower;
mod walk;

use toml::de::DeTable;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Sources, Span};
use crate::model::Schema;

/// Parses and lowers the given files of one schema.
/// Returns `None` when a file is not valid TOML: its syntax errors are all that is reported.
pub fn parse(sources: &Sources, files: &[FileId], diags: &mut Diagnostics) -> Option<Schema> {
    let mut parsed = Vec::new();
    let mut syntax_ok = true;
    for &id in files {
        let (root, errors) = DeTable::parse_recoverable(sources.text(id));
        for e in &errors {
            let span = e.span().map_or(Span { file: id, start: 0, end: 0 }, |r| Span::new(id, r));
            diags.push(Diagnostic::toml_syntax(e.message(), span));
        }
        syntax_ok &= errors.is_empty();
        parsed.push(lower::File { id, root });
    }
    syntax_ok.then(|| lower::lower(&parsed, diags))
}
