//! Errors of workspaces and submissions.

use epreuve_i18n::{Said, said};

use std::path::PathBuf;

/// What can go wrong with a workspace.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The folder given is not there.
    NoWorkspace {
        /// Folder given.
        path: PathBuf,
    },
    /// The folder exists but holds no epreuve state.
    NotAWorkspace {
        /// Folder given.
        path: PathBuf,
    },
    /// `start` was pointed at a folder that already holds files.
    NotEmpty {
        /// Folder given.
        path: PathBuf,
    },
    /// The exam was not written for the engine asked.
    WrongEngine {
        /// The exam.
        exam: String,
        /// The engine asked.
        engine: String,
        /// The engines it runs on.
        engines: String,
    },
    /// The state file is damaged.
    BadState {
        /// State file.
        path: PathBuf,
        /// What is wrong with it: the parser's words, or epreuve's refusal.
        message: Said,
    },
    /// A data file given to the candidate is gone or changed, and no original copy remains.
    DataChanged {
        /// File name.
        file: String,
        /// `deleted` or `changed`.
        what: &'static str,
    },
    /// A file of the workspace epreuve will not read or write: a link out of it, a FIFO, a
    /// device, a file too large, or another command holding the workspace.
    Refused(#[from] epreuve_fs::FsError),
    /// The candidate identifier or another value given at start is not allowed.
    BadInput {
        /// What is wrong, naming the value.
        message: Said,
    },
    /// The candidate's own files could not be generated.
    Generate {
        /// What went wrong.
        message: Said,
    },
    /// The exam's tables could not be loaded for the candidate.
    Preload {
        /// Table at fault.
        table: String,
        /// What went wrong.
        message: Said,
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
    /// The database could not be created, opened or copied.
    Db(#[from] epreuve_db::DbError),
    /// The database could not be provisioned, started or stopped.
    Provision(#[from] epreuve_provision::ProvisionError),
    /// The exam could not be read.
    Exam(#[from] epreuve_exam::ExamError),
    /// A submission file gathered from a candidate's machine cannot be taken.
    BundleFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it, as the catalogue says it.
        why: epreuve_i18n::Said,
    },
}

impl SessionError {
    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}

impl SessionError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> Said {
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            Self::NoWorkspace { path: p } => said!("err-no-workspace", path = path(p)),
            Self::NotAWorkspace { path: p } => said!("err-not-a-workspace", path = path(p)),
            Self::NotEmpty { path: p } => said!("err-not-empty", path = path(p)),
            Self::WrongEngine {
                exam,
                engine,
                engines,
            } => said!(
                "err-wrong-engine",
                exam = exam,
                engine = engine,
                engines = engines
            ),
            Self::BadState { path: p, message } => {
                said!("err-bad-state", path = path(p), why = message.clone())
            }
            Self::DataChanged { file, what } => said!(
                "err-data-changed",
                file = file,
                what = Said::new(&format!("data-{what}"))
            ),
            Self::Refused(e) => e.said(),
            Self::BadInput { message } => message.clone(),
            Self::Generate { message } => said!("err-generate", why = message),
            Self::Preload { table, message } => {
                said!("err-preload", table = table, why = message)
            }
            Self::Io {
                action,
                path: p,
                source,
            } => epreuve_i18n::io_error(action, p, source),
            Self::Db(e) => e.said(),
            Self::Provision(e) => e.said(),
            Self::Exam(e) => e.said(),
            Self::BundleFile { path: p, why } => {
                said!("err-bundle-file", path = path(p), why = why.clone())
            }
        }
    }
}

epreuve_i18n::says_itself!(SessionError);
