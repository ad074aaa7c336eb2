//! The workspace state (`.epreuve/state.json`): what was started, when, and with what.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use epreuve_db::Engine;
use serde::{Deserialize, Serialize};

use epreuve_provision::DatabaseLocation;

use crate::DataFile;

/// Record of a submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionRecord {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// True when it came after the deadline.
    pub late: bool,
}

/// Everything epreuve remembers about a workspace.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Format version of this file.
    pub version: u32,
    /// Exam identifier.
    pub exam: String,
    /// Candidate identifier.
    pub candidate: String,
    /// Catalogue the exam came from.
    pub catalogue: PathBuf,
    /// Database engine.
    pub engine: Engine,
    /// Where the database is.
    pub database: DatabaseLocation,
    /// When the exam started.
    pub started_at: DateTime<Utc>,
    /// When it ends.
    pub deadline: DateTime<Utc>,
    /// The data files handed out, with their checksums.
    pub data: Vec<DataFile>,
    /// Seed of the candidate's own files, when the exam generates them.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The last submission, if any.
    pub submitted: Option<SubmissionRecord>,
}

impl State {
    /// Time left at `now` (zero once the deadline has passed).
    pub fn remaining(&self, now: DateTime<Utc>) -> chrono::Duration {
        (self.deadline - now).max(chrono::Duration::zero())
    }
}
