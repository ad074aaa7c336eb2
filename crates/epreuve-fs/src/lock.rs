//! One command at a time on a workspace: `start`, `check`, `submit` and `grade` take an
//! exclusive lock on `.epreuve/lock`, so that two of them never interleave their writes.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::FsError;

/// Held while a command works on a workspace; released when dropped (or when the process
/// ends, however it ends).
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
}

impl WorkspaceLock {
    /// Takes the lock of the workspace whose hidden folder is `hidden`, waiting up to
    /// `patience` for another command to finish; `waiting` is called once if it must wait.
    pub fn acquire(
        hidden: &Path,
        what: &str,
        patience: Duration,
        waiting: impl FnOnce(&str),
    ) -> Result<Self, FsError> {
        let path = hidden.join("lock");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(FsError::io("open", &path))?;
        let started = Instant::now();
        let mut told = Some(waiting);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = holder(&path);
                    if started.elapsed() >= patience {
                        return Err(FsError::Busy {
                            path: workspace_of(hidden),
                            holder,
                            seconds: patience.as_secs(),
                        });
                    }
                    if let Some(tell) = told.take() {
                        tell(&holder);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(FsError::io("lock", &path)(error));
                }
            }
        }
        // Who holds it, for the message another command shows while it waits.
        let _ = file.set_len(0);
        let _ = writeln!(file, "{what} (process {})", std::process::id());
        Ok(Self { _file: file })
    }
}

fn holder(path: &Path) -> String {
    std::fs::read_to_string(path)
        .ok()
        .map(|t| {
            t.lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect::<String>()
        })
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "another command".to_owned())
}

fn workspace_of(hidden: &Path) -> PathBuf {
    hidden.parent().unwrap_or(hidden).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gives_up_with_the_first_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = WorkspaceLock::acquire(dir.path(), "submit", Duration::ZERO, |_| {}).unwrap();
        let mut waited = String::new();
        let error = WorkspaceLock::acquire(dir.path(), "grade", Duration::from_millis(200), |h| {
            waited = h.to_owned()
        })
        .unwrap_err();
        assert!(waited.starts_with("submit (process"), "{waited}");
        assert!(error.to_string().contains("submit"), "{error}");
        drop(first);
        WorkspaceLock::acquire(dir.path(), "grade", Duration::ZERO, |_| {}).unwrap();
    }
}
