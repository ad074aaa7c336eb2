//! Reading from a folder epreuve does not trust: only regular files that lie inside it, and
//! never more bytes than the caller allows.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use rustix::fs::{FileType, OFlags};

use crate::FsError;

/// How many bytes epreuve reads, at most, of each kind of file from a workspace.
pub mod limits {
    /// A saved query, a measurement file, an answer of any kind.
    pub const ANSWER: u64 = 1 << 20;
    /// `state.json`, `submission.json`, `evidence.json`, a seal.
    pub const RECORD: u64 = 4 << 20;
    /// The action log.
    pub const LOG: u64 = 64 << 20;
    /// The assessor's file of manual scores.
    pub const EVALUATION: u64 = 1 << 20;
    /// A data file handed to the candidate (a million sales lines is about 100 MB).
    pub const DATA: u64 = 4 << 30;
    /// A database file or a dump kept in a submission.
    pub const DATABASE: u64 = 64 << 30;
    /// Files in one folder of answers, folders included.
    pub const ENTRIES: usize = 10_000;
}

/// A folder whose files are read with suspicion: the canonical path of a candidate's
/// workspace (or of a submission bundle inside it).
#[derive(Debug, Clone)]
pub struct Root {
    path: PathBuf,
}

/// One entry found when listing a folder of the root.
#[derive(Debug)]
pub enum Listed {
    /// A regular file inside the root, by its path relative to the listed folder.
    File(PathBuf),
    /// An entry epreuve will not read, and why.
    Refused(FsError),
}

impl Root {
    /// The folder `dir`, resolved once.
    pub fn new(dir: &Path) -> Result<Self, FsError> {
        let path = dir
            .canonicalize()
            .map_err(FsError::io("open the folder", dir))?;
        if !path.is_dir() {
            return Err(FsError::NotRegular {
                path: dir.to_path_buf(),
                kind: "kind-a-file",
            });
        }
        Ok(Self { path })
    }

    /// The canonical path of the folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A folder of this root as a root of its own (a submission bundle), checked to lie inside.
    pub fn sub(&self, relative: impl AsRef<Path>) -> Result<Self, FsError> {
        let shown = relative.as_ref();
        let sub = Self::new(&self.path.join(shown))?;
        if !sub.path.starts_with(&self.path) {
            return Err(FsError::Outside {
                path: shown.to_path_buf(),
                target: sub.path,
                root: self.path.clone(),
            });
        }
        Ok(sub)
    }

    /// Opens `relative` for reading, once checked on the opened file itself: a regular file,
    /// really inside the root (whatever links led to it), of at most `limit` bytes. Returns
    /// the file and its size.
    pub fn open(&self, relative: impl AsRef<Path>, limit: u64) -> Result<(File, u64), FsError> {
        let shown = relative.as_ref();
        let full = self.path.join(shown);
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        let flags = (OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32;
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(&full)
            .map_err(FsError::io("open", shown))?;
        let stat = rustix::fs::fstat(&file)
            .map_err(|e| FsError::io("examine", shown)(std::io::Error::from(e)))?;
        let kind = match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => None,
            FileType::Directory => Some("kind-a-folder"),
            FileType::Fifo => Some("kind-a-fifo-named-pipe"),
            FileType::CharacterDevice | FileType::BlockDevice => Some("kind-a-device"),
            FileType::Socket => Some("kind-a-socket"),
            _ => Some("kind-not-a-plain-file"),
        };
        if let Some(kind) = kind {
            return Err(FsError::NotRegular {
                path: shown.to_path_buf(),
                kind,
            });
        }
        let real = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .or_else(|_| full.canonicalize())
            .map_err(FsError::io("resolve", shown))?;
        if !real.starts_with(&self.path) {
            return Err(FsError::Outside {
                path: shown.to_path_buf(),
                target: real,
                root: self.path.clone(),
            });
        }
        let size = u64::try_from(stat.st_size).unwrap_or(u64::MAX);
        if size > limit {
            return Err(FsError::TooLarge {
                path: shown.to_path_buf(),
                limit,
            });
        }
        Ok((file, size))
    }

    /// The bytes of `relative` (see [`Root::open`]).
    pub fn read(&self, relative: impl AsRef<Path>, limit: u64) -> Result<Vec<u8>, FsError> {
        let shown = relative.as_ref();
        let (file, size) = self.open(shown, limit)?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        // The file may grow after the check: never read past the limit.
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(FsError::io("read", shown))?;
        if bytes.len() as u64 > limit {
            return Err(FsError::TooLarge {
                path: shown.to_path_buf(),
                limit,
            });
        }
        Ok(bytes)
    }

    /// The text of `relative`; a file that is not UTF-8 is refused with its name.
    pub fn read_to_string(
        &self,
        relative: impl AsRef<Path>,
        limit: u64,
    ) -> Result<String, FsError> {
        let shown = relative.as_ref();
        String::from_utf8(self.read(shown, limit)?).map_err(|_| FsError::NotText {
            path: shown.to_path_buf(),
        })
    }

    /// Copies `relative` to `target` (a path epreuve owns), at most `limit` bytes, and makes
    /// the copy durable. Returns the bytes copied.
    pub fn copy(
        &self,
        relative: impl AsRef<Path>,
        target: &Path,
        limit: u64,
    ) -> Result<u64, FsError> {
        let shown = relative.as_ref();
        let (file, _) = self.open(shown, limit)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(FsError::io("create", parent))?;
        }
        let mut out = File::create(target).map_err(FsError::io("create", target))?;
        let copied = std::io::copy(&mut file.take(limit.saturating_add(1)), &mut out)
            .map_err(FsError::io("copy", shown))?;
        if copied > limit {
            drop(out);
            let _ = std::fs::remove_file(target);
            return Err(FsError::TooLarge {
                path: shown.to_path_buf(),
                limit,
            });
        }
        out.sync_all().map_err(FsError::io("write", target))?;
        Ok(copied)
    }

    /// Every entry under the folder `relative`, recursively: regular files inside the root
    /// (a link is followed when it stays inside), and what was refused with the reason. At
    /// most [`limits::ENTRIES`] entries are looked at. A missing folder lists nothing.
    pub fn list(&self, relative: impl AsRef<Path>) -> Result<Vec<Listed>, FsError> {
        let start = relative.as_ref().to_path_buf();
        if !self.path.join(&start).exists() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        let mut seen = 0usize;
        while let Some(dir) = stack.pop() {
            let shown = start.join(&dir);
            let folder = self.path.join(&shown);
            let real = folder.canonicalize().map_err(FsError::io("read", &shown))?;
            if !real.starts_with(&self.path) {
                out.push(Listed::Refused(FsError::Outside {
                    path: shown,
                    target: real,
                    root: self.path.clone(),
                }));
                continue;
            }
            let mut entries: Vec<_> = std::fs::read_dir(&real)
                .map_err(FsError::io("read", &shown))?
                .flatten()
                .collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                seen += 1;
                if seen > limits::ENTRIES {
                    return Err(FsError::TooManyEntries {
                        path: if start.as_os_str().is_empty() {
                            PathBuf::from(".")
                        } else {
                            start
                        },
                        limit: limits::ENTRIES as u64,
                    });
                }
                let name = dir.join(entry.file_name());
                let target = entry.path();
                // A link to a folder is followed only when it stays inside (checked above).
                if target.is_dir() {
                    stack.push(name);
                    continue;
                }
                match self.open(start.join(&name), u64::MAX) {
                    Ok(_) => out.push(Listed::File(name)),
                    Err(refused) => out.push(Listed::Refused(refused)),
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (tempfile::TempDir, Root) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ws")).unwrap();
        let root = Root::new(&dir.path().join("ws")).unwrap();
        (dir, root)
    }

    #[test]
    fn regular_files_inside_are_read() {
        let (_dir, root) = root();
        std::fs::write(root.path().join("q.sql"), "SELECT 1").unwrap();
        std::os::unix::fs::symlink("q.sql", root.path().join("alias.sql")).unwrap();
        assert_eq!(root.read_to_string("q.sql", 100).unwrap(), "SELECT 1");
        assert_eq!(root.read_to_string("alias.sql", 100).unwrap(), "SELECT 1");
    }

    #[test]
    fn links_out_of_the_folder_are_refused_whatever_the_way() {
        let (dir, root) = root();
        std::fs::write(dir.path().join("secret"), "assessor's").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.path().join("a")).unwrap();
        std::os::unix::fs::symlink("../secret", root.path().join("b")).unwrap();
        std::fs::create_dir(root.path().join("d")).unwrap();
        std::os::unix::fs::symlink("../../secret", root.path().join("d/c")).unwrap();
        for name in ["a", "b", "d/c", "../secret"] {
            let error = root.read(name, 100).unwrap_err();
            assert!(matches!(error, FsError::Outside { .. }), "{name}: {error}");
            assert!(error.to_string().contains("outside"), "{error}");
        }
    }

    #[test]
    fn fifos_devices_and_folders_are_refused_without_blocking() {
        let (_dir, root) = root();
        let fifo = root.path().join("pipe.sql");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let error = root.read("pipe.sql", 100).unwrap_err();
        assert!(error.to_string().contains("FIFO"), "{error}");
        std::os::unix::fs::symlink("/dev/zero", root.path().join("zero")).unwrap();
        // A device outside the folder: refused as a device before its place is looked at.
        let error = root.read("zero", 100).unwrap_err();
        assert!(error.to_string().contains("device"), "{error}");
        std::fs::create_dir(root.path().join("folder")).unwrap();
        assert!(
            root.read("folder", 100)
                .unwrap_err()
                .to_string()
                .contains("folder")
        );
    }

    #[test]
    fn sizes_are_bounded_and_missing_files_named() {
        let (_dir, root) = root();
        std::fs::write(root.path().join("big"), vec![b'x'; 101]).unwrap();
        assert!(matches!(
            root.read("big", 100).unwrap_err(),
            FsError::TooLarge { limit: 100, .. }
        ));
        assert_eq!(root.read("big", 101).unwrap().len(), 101);
        let missing = root.read("nothing.sql", 100).unwrap_err();
        assert!(matches!(missing, FsError::Missing { .. }));
        assert_eq!(missing.to_string(), "nothing.sql does not exist");
    }

    #[test]
    fn listing_keeps_files_and_names_what_it_refuses() {
        let (dir, root) = root();
        std::fs::create_dir_all(root.path().join("answers/sub")).unwrap();
        std::fs::write(root.path().join("answers/a.sql"), "x").unwrap();
        std::fs::write(root.path().join("answers/sub/b.csv"), "y").unwrap();
        std::fs::write(dir.path().join("secret"), "z").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.path().join("answers/s"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path(), root.path().join("answers/up")).unwrap();
        let listed = root.list("answers").unwrap();
        let files: Vec<String> = listed
            .iter()
            .filter_map(|l| match l {
                Listed::File(p) => Some(p.display().to_string()),
                Listed::Refused(_) => None,
            })
            .collect();
        assert_eq!(files, ["a.sql", "sub/b.csv"]);
        let refused = listed
            .iter()
            .filter(|l| matches!(l, Listed::Refused(FsError::Outside { .. })))
            .count();
        assert_eq!(refused, 2, "{listed:?}");
        assert!(root.list("absent").unwrap().is_empty());
    }
}
