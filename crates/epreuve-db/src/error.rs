//! Database errors, split between what the candidate did and what the infrastructure did,
//! because a grader must never score a failure of the infrastructure.

use epreuve_i18n::{Said, said};

use std::path::PathBuf;

/// What can go wrong talking to a database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database file is not there.
    Missing {
        /// Expected location.
        path: PathBuf,
    },
    /// Another program holds the database file open for writing.
    Locked {
        /// Locked file.
        path: PathBuf,
        /// The engine's words.
        detail: String,
    },
    /// The database file is in a storage format newer than the DuckDB epreuve links (a file
    /// created from scratch by DuckDB 2.0, read by 1.5): nothing in it is lost, it cannot be read.
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// The engine's words.
        detail: String,
    },
    /// The database could not be opened or reached.
    Unavailable {
        /// File or address.
        target: String,
        /// The engine's words ([`Said::verbatim`]), or epreuve's.
        detail: Said,
    },
    /// A query written by the candidate failed: syntax error, unknown table, wrong type.
    Query {
        /// What is wrong: the engine's own words ([`DbError::query`]), or epreuve's refusal
        /// from the catalogue.
        detail: Said,
    },
    /// A query written by the candidate ran longer than allowed.
    Timeout {
        /// Limit that was reached.
        seconds: u64,
    },
    /// The candidate's database refused the grading account what it needs (rights taken
    /// away, a row-level security policy): the candidate's doing, so the check fails.
    Denied {
        /// The engine's words.
        detail: String,
    },
    /// A query epreuve itself issued failed: the database is not in a state to be graded.
    Internal {
        /// What epreuve asked.
        sql: String,
        /// The engine's words ([`Said::verbatim`]), or epreuve's.
        detail: Said,
    },
}

impl DbError {
    /// A query the engine refused, in the engine's own words.
    pub fn query(words: impl Into<String>) -> Self {
        Self::Query {
            detail: Said::verbatim(words),
        }
    }

    /// The database at `target` could not be reached, in the engine's (or the system's) words.
    pub fn unavailable(target: impl Into<String>, words: impl Into<String>) -> Self {
        Self::Unavailable {
            target: target.into(),
            detail: Said::verbatim(words),
        }
    }

    /// A query epreuve issued (`sql`) failed, in the engine's words.
    pub fn internal(sql: impl Into<String>, words: impl Into<String>) -> Self {
        Self::Internal {
            sql: sql.into(),
            detail: Said::verbatim(words),
        }
    }

    /// The same error with the file `from` named as `to` wherever it says it: a private copy
    /// of the candidate's database (grading reads one) is named by the workspace's file, which
    /// the assessor can find.
    pub fn naming(self, from: &std::path::Path, to: &std::path::Path) -> Self {
        let (from_text, to_text) = (from.display().to_string(), to.display().to_string());
        let text = |t: String| t.replace(&from_text, &to_text);
        let path = |p: PathBuf| if p == from { to.to_path_buf() } else { p };
        match self {
            Self::Missing { path: p } => Self::Missing { path: path(p) },
            Self::Locked { path: p, detail } => Self::Locked {
                path: path(p),
                detail: text(detail),
            },
            Self::NewerFormat { path: p, detail } => Self::NewerFormat {
                path: path(p),
                detail: text(detail),
            },
            Self::Unavailable { target, detail } => Self::Unavailable {
                target: text(target),
                detail: detail.map_text(&|t| text(t.to_owned())),
            },
            Self::Query { detail } => Self::Query {
                detail: detail.map_text(&|t| text(t.to_owned())),
            },
            Self::Denied { detail } => Self::Denied {
                detail: text(detail),
            },
            Self::Internal { sql, detail } => Self::Internal {
                sql,
                detail: detail.map_text(&|t| text(t.to_owned())),
            },
            other @ Self::Timeout { .. } => other,
        }
    }

    /// True when the fault lies with the database or the machine, not with the candidate's
    /// work: the check must then say "not gradable" rather than fail.
    pub fn is_infrastructure(&self) -> bool {
        matches!(
            self,
            Self::Missing { .. }
                | Self::Locked { .. }
                | Self::NewerFormat { .. }
                | Self::Unavailable { .. }
                | Self::Internal { .. }
        )
    }
}

/// The first line of an engine's message, trimmed: drivers append hints and context below it.
pub(crate) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).trim().to_owned()
}

impl DbError {
    /// The error as a message of the catalogues, for the reader's language (the engine's own
    /// words stay as the engine says them).
    pub fn said(&self) -> Said {
        match self {
            Self::Missing { path } => {
                said!("err-db-missing", path = path.display().to_string())
            }
            Self::Locked { path, detail } => said!(
                "err-db-locked",
                path = path.display().to_string(),
                detail = detail
            ),
            Self::NewerFormat { path, detail } => said!(
                "err-db-newer-format",
                path = path.display().to_string(),
                detail = detail
            ),
            Self::Unavailable { target, detail } => {
                said!(
                    "err-db-unavailable",
                    target = target,
                    detail = detail.clone()
                )
            }
            Self::Query { detail } => detail.clone(),
            Self::Timeout { seconds } => said!("err-db-timeout", seconds = *seconds),
            Self::Denied { detail } => said!("err-db-denied", detail = detail),
            Self::Internal { sql, detail } => {
                said!("err-db-internal", sql = sql, detail = detail.clone())
            }
        }
    }
}

epreuve_i18n::says_itself!(DbError);
