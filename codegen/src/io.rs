//! The IO edge: reading schema folders and writing generated folders atomically.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, FileId, Sources};
use crate::{Compiled, compile_toml};

/// The schema folders under `root` (each a subfolder holding .toml files), sorted by name.
pub fn schema_folders(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .map_err(|e| with_path(root, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Reads and compiles one schema folder: every `*.toml` file in it, in file-name order.
pub fn compile_folder(dir: &Path) -> io::Result<Compiled> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| with_path(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    // A `.toml` that is a folder, or a link that leads nowhere (or in a loop), is not skipped in silence.
    if let Some(odd) = paths.iter().find(|p| !p.is_file()) {
        let what = if odd.is_dir() {
            "is a folder, not a file"
        } else {
            "cannot be read as a file (a broken or looping link?)"
        };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{}: {what}", odd.display())));
    }
    let mut sources = Sources::default();
    let mut ids: Vec<FileId> = Vec::new();
    for path in &paths {
        let text =
            fs::read_to_string(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        ids.push(sources.add(path.display().to_string(), text));
    }
    let mut compiled = compile_toml(sources, &ids);
    if ids.is_empty() {
        // The one thing to say: the other errors (no [schema] section) follow from it.
        compiled.diagnostics =
            crate::diagnostics::Diagnostics(vec![Diagnostic::no_schema_files(&dir.display().to_string())]);
        compiled.schema = None;
    }
    Ok(compiled)
}

/// The migrations under `out/migrations`, in folder-name order; none when there is no such
/// folder (or `out` is no folder: writing it says so).
pub fn read_migrations(out: &Path) -> io::Result<Vec<crate::migrations::Migration>> {
    if !out.is_dir() {
        return Ok(Vec::new());
    }
    let root = out.join(strata_script::folder::MIGRATIONS);
    let mut dirs: Vec<PathBuf> = match fs::read_dir(&root) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(with_path(&root, e)),
    };
    dirs.sort();
    let read = |path: PathBuf| match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(with_path(&path, e)),
    };
    dirs.into_iter()
        .map(|dir| {
            Ok(crate::migrations::Migration {
                dir: dir.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                up: read(dir.join(strata_script::folder::UP))?.unwrap_or_default(),
                down: read(dir.join(strata_script::folder::DOWN))?.unwrap_or_default(),
                snapshot: read(dir.join(crate::migrations::SNAPSHOT))?,
            })
        })
        .collect()
}

/// Replaces `dir` with exactly `files`, atomically at every instant: everything is written into
/// a sibling staging folder first, which then trades places with the old folder in one
/// `renameat2(RENAME_EXCHANGE)`, so `dir` always holds either the old files or the new ones,
/// whenever the process is killed. A path that exists and is not a folder is refused before
/// anything is touched. Runs on one folder take turns (`Turn`), so under it every staging folder
/// there is one a killed run left: those are removed first.
///
/// A folder that already holds exactly `files` is not touched at all (`Ok(false)`), so that
/// build scripts watching it (`cargo:rerun-if-changed`) see no change; `Ok(true)` when written.
/// The subfolders named in `kept` are another command's (`strata docs`): they are carried over
/// as they are and neither compared nor replaced.
pub fn write_folder(dir: &Path, files: &[(String, String)]) -> io::Result<bool> {
    write_folder_in(&Turn::wait(parent_of(dir))?, dir, files, &[])
}

/// `write_folder` by a run that holds the turn of `dir`'s parent already (`strata generate`
/// takes it before it reads the migrations there, so that no other run writes in between).
pub fn write_folder_in(turn: &Turn, dir: &Path, files: &[(String, String)], kept: &[&str]) -> io::Result<bool> {
    let parent = parent_of(dir);
    assert_eq!(turn.parent, parent, "the turn taken is another folder's");
    if fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a folder; move it away, strata writes a folder there", dir.display()),
        ));
    }
    // A folder its owner made read-only is not replaced behind their back (the exchange needs
    // only the parent's permissions, and the old folder then could not be removed).
    if fs::symlink_metadata(dir).is_ok_and(|m| m.permissions().readonly()) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is read-only; make it writable, strata replaces it with the new files", dir.display()),
        ));
    }
    if fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) && holds_exactly(dir, files, kept) {
        return Ok(false);
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // One that cannot be removed stays (and `check` goes on reporting it); it blocks nothing.
    for stray in staging_folders(dir) {
        let _ = fs::remove_dir_all(&stray);
    }
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-{}-", std::process::id()))
        .tempdir_in(parent)
        .map_err(|e| with_path(parent, e))?;
    for (rel, contents) in files {
        let path = staging.path().join(rel);
        fs::create_dir_all(path.parent().unwrap_or(staging.path()))?;
        // A file already there as it is (a migration that exists, all of an unchanged output) is
        // linked rather than written again: large outputs are tens of megabytes.
        let old = dir.join(rel);
        if !holds(&old, contents) || fs::hard_link(&old, &path).is_err() {
            fs::write(&path, contents).map_err(|e| with_path(&path, e))?;
        }
    }
    for sub in kept {
        for old in walk(&dir.join(sub)) {
            let path = staging.path().join(old.strip_prefix(dir).unwrap_or(&old));
            fs::create_dir_all(path.parent().unwrap_or(staging.path()))?;
            if fs::hard_link(&old, &path).is_err() {
                fs::copy(&old, &path).map_err(|e| with_path(&old, e))?;
            }
        }
    }
    // Fault injection for the tests: die the hardest way at the one moment that matters.
    if std::env::var_os("STRATA_FAULT_ABORT_BEFORE_SWAP").is_some() {
        std::process::abort();
    }
    if dir.exists() {
        // The staging path now holds the old folder; dropping `staging` removes it.
        exchange(staging.path(), dir).map_err(|e| with_path(dir, e))?;
    } else {
        fs::rename(staging.path(), dir).map_err(|e| with_path(dir, e))?;
        let _ = staging.keep();
    }
    Ok(true)
}

/// Whether `dir` holds `files` and nothing else outside the `kept` subfolders.
fn holds_exactly(dir: &Path, files: &[(String, String)], kept: &[&str]) -> bool {
    files_in(dir, kept).len() == files.len() && files.iter().all(|(rel, contents)| holds(&dir.join(rel), contents))
}

/// Every file under `dir` outside its `kept` subfolders, sorted; none when it is no folder.
pub fn files_in(dir: &Path, kept: &[&str]) -> Vec<PathBuf> {
    walk(dir).into_iter().filter(|p| !kept.iter().any(|k| p.starts_with(dir.join(k)))).collect()
}

/// Every file under `dir` (a symlink counts as a file: one is never followed, a loop would
/// never end), sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) { out.extend(walk(&path)) } else { out.push(path) }
    }
    out.sort();
    out
}

/// Whether `path` is a file holding exactly `contents` (read a piece at a time: the file may be
/// large, and most differ early or in size).
fn holds(path: &Path, contents: &str) -> bool {
    use std::io::Read as _;
    let same_size = fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == contents.len() as u64);
    let Some(mut file) = same_size.then(|| fs::File::open(path).ok()).flatten() else { return false };
    let (mut buffer, mut rest) = (vec![0; 1 << 16], contents.as_bytes());
    while !rest.is_empty() {
        match file.read(&mut buffer) {
            Ok(n) if n > 0 && rest.starts_with(&buffer[..n]) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
    true
}

/// Staging folders of `dir` (`.NAME.new-PID-*`) that no running `write_folder` is using: what an
/// interrupted one left behind. `check` reports them; `write_folder` removes them. None while
/// another run holds its turn (its staging folder is live).
pub fn strays(dir: &Path) -> Vec<PathBuf> {
    match Turn::try_take(parent_of(dir)) {
        Some(_turn) => staging_folders(dir),
        None => Vec::new(),
    }
}

/// Every staging folder of `dir`, live or not.
fn staging_folders(dir: &Path) -> Vec<PathBuf> {
    let parent = parent_of(dir);
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let (new, old) = (format!(".{name}.new-"), format!(".{name}.old-"));
    let mut found: Vec<PathBuf> = fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.starts_with(&new) || file.starts_with(&old)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// The folder `dir` is in (`.` for a bare name).
fn parent_of(dir: &Path) -> &Path {
    dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A run's turn at writing the folders of one parent folder: an exclusive lock on the parent
/// itself (no file of its own to leave behind), released when dropped or when the process dies,
/// whatever its process namespace. Without it, two runs each took the other's live staging
/// folder for a stray and removed it.
pub struct Turn {
    parent: PathBuf,
    _lock: fs::File,
}

impl Turn {
    /// Waits for the turn of `parent`, made if missing.
    pub fn wait(parent: &Path) -> io::Result<Turn> {
        fs::create_dir_all(parent).map_err(|e| with_path(parent, e))?;
        let folder = fs::File::open(parent).map_err(|e| with_path(parent, e))?;
        folder.lock().map_err(|e| with_path(parent, e))?;
        Ok(Turn { parent: parent.to_path_buf(), _lock: folder })
    }

    fn try_take(parent: &Path) -> Option<Turn> {
        let folder = fs::File::open(parent).ok()?;
        folder.try_lock().ok()?;
        Some(Turn { parent: parent.to_path_buf(), _lock: folder })
    }
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c =
        |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e));
    let (a, b) = (c(a)?, c(b)?);
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Without an atomic exchange: the old folder steps aside under a staging name (a stray that the
/// next run removes) and the new one takes its place.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    /// A read-only folder is refused untouched, and nothing is left beside it.
    #[test]
    fn a_read_only_folder_is_refused_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_folder(&dir, &files(&[("a.sql", "old")])).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
        let refused = write_folder(&dir, &files(&[("a.sql", "new")])).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.sql")).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "nothing beside the folder");
    }

    /// A file already there as it is is linked into the new folder rather than written again;
    /// one that differs (in size, or only in its bytes) is written; the folder then holds
    /// exactly the files given, and the old folder is gone (no second link is left).
    #[test]
    fn files_already_there_are_linked_and_the_rest_written() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_folder(
            &dir,
            &files(&[("kept/up.sql", "kept"), ("same_size.sql", "one"), ("grown.sql", "a"), ("gone.sql", "x")]),
        )
        .unwrap();
        let meta = |p: &str| fs::metadata(dir.join(p)).unwrap();
        let before = |p: &str| meta(p).ino();
        let (kept, same_size, grown) = (before("kept/up.sql"), before("same_size.sql"), before("grown.sql"));
        write_folder(
            &dir,
            &files(&[("kept/up.sql", "kept"), ("same_size.sql", "two"), ("grown.sql", "ab"), ("new.sql", "new")]),
        )
        .unwrap();
        assert_eq!(meta("kept/up.sql").ino(), kept, "an unchanged file is linked");
        assert_eq!(meta("kept/up.sql").nlink(), 1, "the old folder is gone");
        assert_ne!(meta("same_size.sql").ino(), same_size);
        assert_ne!(meta("grown.sql").ino(), grown);
        let read = |p: &str| fs::read_to_string(dir.join(p)).unwrap();
        assert_eq!(
            [read("kept/up.sql"), read("same_size.sql"), read("grown.sql"), read("new.sql")],
            ["kept", "two", "ab", "new"]
        );
        assert!(!dir.join("gone.sql").exists());
        assert!(strays(&dir).is_empty());
    }
}
