//! Writing whole or not at all: a file is written beside its place, made durable, then
//! renamed over it, so that after a crash at any instant the old file or the new one is
//! there, complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::FsError;

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same folder,
/// written and synced, renamed over `path`, then the folder synced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let folder = parent(path);
    let temp = temporary_name(path);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(FsError::io("write", path)(error));
    }
    if let Err(error) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(FsError::io("write", path)(error));
    }
    sync_dir(&folder)
}

/// Makes the entries of `dir` (files created, renamed or removed in it) durable.
pub fn sync_dir(dir: &Path) -> Result<(), FsError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(FsError::io("sync", dir))
}

/// Moves the folder `staging`, whose files are written and synced, to `target`, which must
/// not exist: one rename, so `target` appears complete or not at all.
pub fn publish_dir(staging: &Path, target: &Path) -> Result<(), FsError> {
    sync_tree(staging)?;
    std::fs::rename(staging, target).map_err(FsError::io("move", staging))?;
    sync_dir(&parent(target))
}

/// Syncs every file and folder under `dir`.
fn sync_tree(dir: &Path) -> Result<(), FsError> {
    for entry in std::fs::read_dir(dir).map_err(FsError::io("read", dir))? {
        let entry = entry.map_err(FsError::io("read", dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(FsError::io("read", &path))?;
        if kind.is_dir() {
            sync_tree(&path)?;
        } else if kind.is_file() {
            std::fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(FsError::io("sync", &path))?;
        }
    }
    sync_dir(dir)
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.name.tmp-<pid>-<n>` beside `path`: never a name another writer uses at the same time.
fn temporary_name(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent(path).join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Copies the folder `from` (one epreuve made) into `to`, made when missing: folders and
/// regular files only (a link or a special file is left out), and none of the entries named
/// in `leave_out`.
pub fn copy_tree(from: &Path, to: &Path, leave_out: &[&str]) -> Result<(), FsError> {
    std::fs::create_dir_all(to).map_err(FsError::io("create", to))?;
    for entry in std::fs::read_dir(from).map_err(FsError::io("read", from))? {
        let entry = entry.map_err(FsError::io("read", from))?;
        if leave_out.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let target = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(FsError::io("read", &entry.path()))?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target, leave_out)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).map_err(FsError::io("copy", &target))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["state.json"]);
    }

    #[test]
    fn a_folder_is_published_whole_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("staging");
        std::fs::create_dir_all(staging.join("answers")).unwrap();
        std::fs::write(staging.join("answers/a.sql"), "x").unwrap();
        let target = dir.path().join("bundle");
        publish_dir(&staging, &target).unwrap();
        assert!(target.join("answers/a.sql").is_file() && !staging.exists());
        std::fs::create_dir_all(staging.join("x")).unwrap();
        std::fs::write(staging.join("x/y"), "z").unwrap();
        assert!(publish_dir(&staging, &target).is_err());
        assert!(target.join("answers/a.sql").is_file());
    }
}
