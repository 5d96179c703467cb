//! The build-script API: a consumer's `build.rs` writes a schema's models into `OUT_DIR`.
//!
//! In `build.rs`:
//!
//! ```no_run
//! strata_codegen::Builder::new("schema/agentflow").generate().unwrap_or_else(|e| panic!("{e}"));
//! ```
//!
//! and in `src/lib.rs`: `pub mod agentflow { include!(concat!(env!("OUT_DIR"), "/agentflow.rs")); }`.

use std::path::{Path, PathBuf};

/// Generates one schema folder's models into a directory (by default `OUT_DIR`).
pub struct Builder {
    schema_dir: PathBuf,
    out_dir: Option<PathBuf>,
}

impl Builder {
    /// The schema folder, relative to the crate being built.
    pub fn new(schema_dir: impl AsRef<Path>) -> Builder {
        Builder { schema_dir: schema_dir.as_ref().to_path_buf(), out_dir: None }
    }

    /// Where `<name>.rs` goes instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Writes `<out>/<schema name>.rs` (atomically) and tells cargo to rerun when a TOML file of
    /// the folder changes. Schema errors come back rendered, with file:line:column.
    pub fn generate(self) -> Result<PathBuf, String> {
        println!("cargo:rerun-if-changed={}", self.schema_dir.display());
        let compiled = crate::io::compile_folder(&self.schema_dir).map_err(|e| e.to_string())?;
        for (name, _) in compiled.sources.files() {
            println!("cargo:rerun-if-changed={name}");
        }
        let Some(schema) = compiled.schema else {
            return Err(compiled.diagnostics.render(&compiled.sources));
        };
        let out = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or("OUT_DIR is not set: call from build.rs or set out_dir")?,
        };
        let path = out.join(format!("{}.rs", schema.name));
        let tmp = tempfile::NamedTempFile::new_in(&out).map_err(|e| e.to_string())?;
        std::fs::write(tmp.path(), crate::render::rust::models(&schema)).map_err(|e| e.to_string())?;
        tmp.persist(&path).map_err(|e| e.to_string())?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_the_same_models_as_strata_generate() {
        let out = tempfile::tempdir().unwrap();
        let path = super::Builder::new("../schema/agentflow").out_dir(out.path()).generate().unwrap();
        let committed = std::fs::read_to_string("../generated/agentflow/models.rs").unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), committed);
        let bad = tempfile::tempdir().unwrap();
        std::fs::write(bad.path().join("s.toml"), "[schema]\nname = \"s\"\n[tables.t.columns]\nid = \"uuidd\"\n")
            .unwrap();
        let err = super::Builder::new(bad.path()).out_dir(out.path()).generate().unwrap_err();
        assert!(err.contains("s.toml:4:6") && err.contains("did you mean `uuid`?"), "{err}");
    }
}
