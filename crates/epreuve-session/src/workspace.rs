//! The candidate's workspace: statement, data, answers, database, and the hidden `.epreuve/`.
//!
//! Everything in it is the candidate's to edit, so it is read as hostile input: through a
//! [`Root`] (regular files inside it only, sizes bounded), with `state.json` checked on
//! reading, and one command at a time under a lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use epreuve_db::{Backend, DbError, Loader};
use epreuve_exam::Exam;
use epreuve_fs::{FsError, Root, WorkspaceLock, limits};

use crate::integrity::truth_source;
use crate::{CentreRecord, DatabaseLocation, SessionError, State, TruthSource, log};

/// How long a command waits for another one on the same workspace.
const LOCK_PATIENCE: Duration = Duration::from_secs(300);

/// A workspace on disk.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(crate) root: PathBuf,
    /// The workspace's folder, resolved once.
    pub(crate) fs: Root,
    /// Its `.epreuve/`, checked to lie inside it.
    pub(crate) hidden: Root,
    pub(crate) state: State,
}

impl Workspace {
    /// Opens the workspace at `dir`: its state read as hostile input and checked.
    pub fn open(dir: &Path) -> Result<Self, SessionError> {
        let fs = match Root::new(dir) {
            Ok(fs) => fs,
            Err(FsError::Missing { .. }) => {
                return Err(SessionError::NoWorkspace {
                    path: dir.to_path_buf(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let not_a_workspace = || SessionError::NotAWorkspace {
            path: dir.to_path_buf(),
        };
        let hidden = match fs.sub(".epreuve") {
            Ok(hidden) => hidden,
            Err(FsError::Missing { .. } | FsError::NotRegular { .. }) => {
                return Err(not_a_workspace());
            }
            Err(e) => return Err(e.into()),
        };
        let path = hidden.path().join("state.json");
        let text = match hidden.read_to_string("state.json", limits::RECORD) {
            Ok(text) => text,
            Err(FsError::Missing { .. }) => return Err(not_a_workspace()),
            Err(e) => return Err(e.into()),
        };
        let state: State = serde_json::from_str(&text).map_err(|e| SessionError::BadState {
            path: path.clone(),
            message: epreuve_i18n::Said::verbatim(e.to_string()),
        })?;
        state
            .check()
            .map_err(|message| SessionError::BadState { path, message })?;
        Ok(Self {
            root: dir.to_path_buf(),
            fs,
            hidden,
            state,
        })
    }

    /// Takes the workspace's lock for the command `what`, waiting for another command to end;
    /// `waiting` is told once if it must wait. Held until the guard is dropped.
    pub fn lock(
        &self,
        what: &str,
        waiting: impl FnOnce(&str),
    ) -> Result<WorkspaceLock, SessionError> {
        Ok(WorkspaceLock::acquire(
            self.hidden.path(),
            what,
            LOCK_PATIENCE,
            waiting,
        )?)
    }

    /// The workspace folder, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The workspace folder, resolved, for reading its files.
    pub fn files(&self) -> &Root {
        &self.fs
    }

    /// The recorded state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The candidate's `answers/` folder.
    pub fn answers_dir(&self) -> PathBuf {
        self.root.join("answers")
    }

    /// The folder of the hidden state, resolved.
    pub(crate) fn hidden_dir(&self) -> PathBuf {
        self.hidden.path().to_path_buf()
    }

    /// The live database file of an embedded database.
    pub fn database_file(&self) -> Option<PathBuf> {
        match &self.state.database {
            DatabaseLocation::Embedded { file } => Some(self.fs.path().join(file)),
            _ => None,
        }
    }

    /// Where the database is, as the candidate knows it.
    pub fn database(&self) -> &DatabaseLocation {
        &self.state.database
    }

    /// Opens the live database read-only with the candidate's own account (evidence at
    /// submission, the candidate's self-check).
    pub fn open_database(&self) -> Result<Box<dyn Backend>, DbError> {
        epreuve_provision::open(self.fs.path(), &self.state.database)
    }

    /// Opens the live database for grading: through the grading account of the centre's
    /// record when there is one, else with the candidate's own account, read-only.
    pub fn open_for_grading(
        &self,
        record: Option<&CentreRecord>,
    ) -> Result<Box<dyn Backend>, DbError> {
        let location = record.map_or(&self.state.database, |r| &r.database);
        epreuve_provision::open(self.fs.path(), location)
    }

    /// Opens the live database for writing (to apply a shipped solution).
    pub fn open_database_writable(&self) -> Result<Box<dyn Loader>, DbError> {
        epreuve_provision::open_writable(self.fs.path(), &self.state.database)
    }

    /// How a candidate connects, in words and commands.
    pub fn connection_help(&self, lang: epreuve_i18n::Lang) -> String {
        crate::connection::help(&self.root, &self.state.database, lang)
    }

    /// Appends a line to the action log, chained to the one before.
    pub fn log(&self, event: &str, detail: &str) -> Result<(), SessionError> {
        log::append(&self.hidden, event, detail)
    }

    /// Where ground truth is read from: the files the candidate's seed produces (regenerated)
    /// or the catalogue's, which the workspace's are compared with for the notes. With the
    /// centre's record, its candidate and checksums are the ones believed.
    pub fn truth_source(
        &self,
        exam: &Exam,
        record: Option<&CentreRecord>,
    ) -> Result<TruthSource, SessionError> {
        let data = self.fs.sub("data").ok();
        let candidate = record.map_or(&self.state.candidate, |r| &r.candidate);
        let files = record.map_or(&self.state.data, |r| &r.data);
        match &exam.manifest.generator {
            Some(spec) => crate::integrity::regenerated_truth(
                spec,
                // The centre's seed (keyed by a class's secret); without a record, the public
                // seed of the exam and the candidate, never the seed state.json gives.
                record.and_then(|r| r.seed).unwrap_or_else(|| {
                    epreuve_data::generate::candidate_seed(&exam.manifest.id, candidate)
                }),
                files,
                record.is_some(),
                data.as_ref(),
            ),
            None => truth_source(files, record.is_some(), data.as_ref(), &exam.dataset_dir),
        }
    }

    /// Writes `state.json` whole or not at all.
    pub(crate) fn save_state(&self) -> Result<(), SessionError> {
        let text = serde_json::to_vec_pretty(&self.state).unwrap_or_default();
        epreuve_fs::write_atomic(&self.hidden.path().join("state.json"), &text)?;
        Ok(())
    }

    pub(crate) fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }
}
