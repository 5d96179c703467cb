//! The IO edge: reading schema folders and writing generated folders atomically.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, FileId, Sources};
use crate::{Compiled, compile_toml};

/// The schema folders under `root` (each a subfolder holding .toml files), sorted by name.
pub fn schema_folders(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(root)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    Ok(dirs)
}

/// Reads and compiles one schema folder: every `*.toml` file in it, in file-name order.
pub fn compile_folder(dir: &Path) -> io::Result<Compiled> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut sources = Sources::default();
    let mut ids: Vec<FileId> = Vec::new();
    for path in &paths {
        let text =
            fs::read_to_string(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        ids.push(sources.add(path.display().to_string(), text));
    }
    let mut compiled = compile_toml(sources, &ids);
    if ids.is_empty() {
        compiled.diagnostics.push(Diagnostic::no_schema_files(&dir.display().to_string()));
        compiled.schema = None;
    }
    Ok(compiled)
}

/// Replaces `dir` with exactly `files`, atomically: everything is written into a sibling
/// temporary folder first, which then takes the old folder's place. A failure part-way leaves
/// the old folder as it was.
pub fn write_folder(dir: &Path, files: &[(String, String)]) -> io::Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = tempfile::Builder::new().prefix(&format!(".{name}.new-")).tempdir_in(parent)?;
    for (rel, contents) in files {
        let path = staging.path().join(rel);
        fs::create_dir_all(path.parent().unwrap_or(staging.path()))?;
        fs::write(&path, contents)?;
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let had_old = dir.exists();
    if had_old {
        fs::rename(dir, &old)?;
    }
    if let Err(e) = fs::rename(staging.path(), dir) {
        if had_old {
            fs::rename(&old, dir)?;
        }
        return Err(e);
    }
    // The staging folder now lives at `dir`; keep tempfile from deleting it.
    let _ = staging.keep();
    if had_old {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}
