//! What can be wrong with a file of an untrusted folder, or with writing one.

use epreuve_i18n::{Said, said};

use std::path::PathBuf;

/// A file epreuve refused to read or could not write.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// The file is not there.
    Missing {
        /// The path as the folder names it.
        path: PathBuf,
    },
    /// The name leads out of the folder (a symlink, or `..`).
    Outside {
        /// The path as the folder names it.
        path: PathBuf,
        /// Where it really leads.
        target: PathBuf,
        /// The folder it must stay in.
        root: PathBuf,
    },
    /// A FIFO, a device, a socket or a folder where a regular file was expected.
    NotRegular {
        /// The path as the folder names it.
        path: PathBuf,
        /// What it is, as the catalogue's message (`kind-a-fifo-named-pipe`, `kind-a-device`…).
        kind: &'static str,
    },
    /// Larger than epreuve reads for this kind of file.
    TooLarge {
        /// The path as the folder names it.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// A folder holding more files and folders than epreuve looks at.
    TooManyEntries {
        /// The folder as it is named (`.` for the folder itself).
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// A text file that is not UTF-8.
    NotText {
        /// The path as the folder names it.
        path: PathBuf,
    },
    /// Another epreuve command holds the workspace.
    Busy {
        /// The workspace.
        path: PathBuf,
        /// What the lock file says of its holder.
        holder: String,
        /// How long epreuve waited.
        seconds: u64,
    },
    /// File system trouble.
    Io {
        /// What was being done.
        action: &'static str,
        /// Path at fault.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl FsError {
    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Self::Missing { path }
            } else {
                Self::Io {
                    action,
                    path,
                    source,
                }
            }
        }
    }
}

impl FsError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> Said {
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            Self::Missing { path: p } => said!("err-fs-missing", path = path(p)),
            Self::Outside {
                path: p,
                target,
                root,
            } => said!(
                "err-fs-outside",
                path = path(p),
                target = path(target),
                root = path(root)
            ),
            Self::NotRegular { path: p, kind } => {
                said!(
                    "err-fs-not-regular",
                    path = path(p),
                    kind = epreuve_i18n::Said::new(kind)
                )
            }
            Self::NotText { path: p } => said!("fs-not-utf8", path = path(p)),
            Self::TooLarge { path: p, limit } => {
                said!("err-fs-too-large", path = path(p), limit = *limit)
            }
            Self::TooManyEntries { path: p, limit } => {
                said!("err-fs-too-many", path = path(p), limit = *limit)
            }
            Self::Busy {
                path: p,
                holder,
                seconds,
            } => said!(
                "err-fs-busy",
                path = path(p),
                holder = holder,
                seconds = *seconds
            ),
            Self::Io {
                action,
                path: p,
                source,
            } => epreuve_i18n::io_error(action, p, source),
        }
    }
}

epreuve_i18n::says_itself!(FsError);
