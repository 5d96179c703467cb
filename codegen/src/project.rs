//! The project file, `strata.toml` at the project root: which schema folders, Rust schema
//! sources and output folder plain `strata generate` and `strata check` cover (the role of
//! drizzle.config, atlas.hcl or diesel.toml). Paths are relative to the file's folder.

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The file the CLI looks for in the current folder.
pub const FILE: &str = "strata.toml";

const KEYS: &[&str] = &["schemas", "out", "rust", "docs"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// One subfolder of `.toml` files per system (default `schema`).
    pub schemas: PathBuf,
    /// One subfolder per system is written here (default `generated`).
    pub out: PathBuf,
    /// Systems described in Rust (`#[derive(strata::Table)]`), each named after its file.
    pub rust: Vec<PathBuf>,
    /// `generate` writes each system's data dictionary and ER diagram too (`docs/`).
    pub docs: bool,
}

impl Default for Project {
    fn default() -> Project {
        Project { schemas: "schema".into(), out: "generated".into(), rust: Vec::new(), docs: false }
    }
}

impl Project {
    /// Reads a project file; errors name the file, line and column.
    pub fn parse(path: &Path, text: &str) -> Result<Project, String> {
        let root = path.parent().unwrap_or(Path::new(""));
        let at = |span: std::ops::Range<usize>| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{}:{line}:{column}", path.display())
        };
        let table = DeTable::parse(text).map_err(|e| format!("{}: {}", at(e.span().unwrap_or(0..0)), e.message()))?;
        let mut project =
            Project { schemas: root.join("schema"), out: root.join("generated"), rust: Vec::new(), docs: false };
        let path_of = |key: &str, v: &toml::Spanned<DeValue>| match v.get_ref() {
            DeValue::String(s) => Ok(root.join(s.as_ref())),
            _ => Err(format!("{}: `{key}` must be a path (a string)", at(v.span()))),
        };
        for (key, value) in table.get_ref().iter() {
            match key.get_ref().as_ref() {
                "schemas" => project.schemas = path_of("schemas", value)?,
                "out" => project.out = path_of("out", value)?,
                "rust" => match value.get_ref() {
                    DeValue::Array(items) => {
                        project.rust = items.iter().map(|i| path_of("rust", i)).collect::<Result<_, _>>()?
                    }
                    _ => return Err(format!("{}: `rust` must be a list of .rs files", at(value.span()))),
                },
                "docs" => match value.get_ref() {
                    DeValue::Boolean(b) => project.docs = *b,
                    _ => return Err(format!("{}: `docs` must be true or false", at(value.span()))),
                },
                other => {
                    return Err(format!(
                        "{}: unknown key `{other}` in {FILE}; the keys are {}",
                        at(key.span()),
                        KEYS.join(", ")
                    ));
                }
            }
        }
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_relative_to_the_file() {
        let text = "schemas = \"db\"\nrust = [\"src/shop.rs\"]\ndocs = true\n";
        let p = Project::parse(Path::new("app/strata.toml"), text).unwrap();
        assert_eq!(
            p,
            Project {
                schemas: "app/db".into(),
                out: "app/generated".into(),
                rust: vec!["app/src/shop.rs".into()],
                docs: true
            }
        );
        let err = Project::parse(Path::new("strata.toml"), "schemas = \"db\"\nouts = \"x\"\n").unwrap_err();
        assert_eq!(err, "strata.toml:2:1: unknown key `outs` in strata.toml; the keys are schemas, out, rust, docs");
    }
}
