//! The centre's own record of a workspace, kept outside it: the facts only the centre should
//! own (start, deadline, seed, checksums of the data handed out) and the grading account of a
//! server database. The candidate's `state.json` says the same things, but the candidate can
//! edit it; `grade` compares the two and grades through the account recorded here.
//!
//! Records live in one folder per centre: `--centre <dir>` (or `EPREUVE_CENTRE`), else
//! `$XDG_DATA_HOME/epreuve/centre` (`~/.local/share/epreuve/centre`). The folder is made
//! readable by its owner only. A record is found from the workspace's real path, never from a
//! name the workspace gives.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use epreuve_db::Engine;
use epreuve_provision::DatabaseLocation;
use serde::{Deserialize, Serialize};

use crate::{DataFile, SessionError, State};

/// Version of a record.
const RECORD_VERSION: u32 = 1;

/// What the centre recorded when the workspace started.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreRecord {
    /// Format version.
    pub version: u32,
    /// The workspace's real path when it started.
    pub workspace: PathBuf,
    /// Exam identifier.
    pub exam: String,
    /// Candidate identifier.
    pub candidate: String,
    /// Database engine.
    pub engine: Engine,
    /// When the exam started.
    pub started_at: DateTime<Utc>,
    /// When it ends.
    pub deadline: DateTime<Utc>,
    /// Seed of the candidate's own files.
    pub seed: Option<u64>,
    /// The data files handed out, with their checksums.
    pub data: Vec<DataFile>,
    /// The database, with the grading account of a server.
    pub database: DatabaseLocation,
}

/// The folder of the centre's records.
#[derive(Debug, Clone)]
pub struct Centre {
    dir: PathBuf,
}

impl Centre {
    /// The folder `dir`, or the default one of this user.
    pub fn new(dir: Option<PathBuf>) -> Self {
        let dir = dir.unwrap_or_else(|| {
            std::env::var_os("XDG_DATA_HOME")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
                .unwrap_or_else(std::env::temp_dir)
                .join("epreuve")
                .join("centre")
        });
        Self { dir }
    }

    /// Where the records are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of the workspace at `workspace` (its real path).
    fn file_of(&self, workspace: &Path) -> PathBuf {
        let real = workspace
            .canonicalize()
            .unwrap_or_else(|_| workspace.to_path_buf());
        let key = crate::log::hex(&sha2::Sha256::digest(real.as_os_str().as_encoded_bytes()));
        self.dir.join(format!("{}.json", &key[..32]))
    }

    /// Records a workspace that has just started (whole or not at all, readable by the owner
    /// only).
    pub fn record(
        &self,
        workspace: &Path,
        state: &State,
        database: &DatabaseLocation,
    ) -> Result<(), SessionError> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(SessionError::io("create", &self.dir))?;
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700));
        let record = CentreRecord {
            version: RECORD_VERSION,
            workspace: workspace
                .canonicalize()
                .unwrap_or_else(|_| workspace.to_path_buf()),
            exam: state.exam.clone(),
            candidate: state.candidate.clone(),
            engine: state.engine,
            started_at: state.started_at,
            deadline: state.deadline,
            seed: state.seed,
            data: state.data.clone(),
            database: database.clone(),
        };
        let path = self.file_of(workspace);
        let text = serde_json::to_vec_pretty(&record).unwrap_or_default();
        epreuve_fs::write_atomic(&path, &text)?;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        Ok(())
    }

    /// The record of the workspace at `workspace`, if the centre has one.
    pub fn find(&self, workspace: &Path) -> Result<Option<CentreRecord>, SessionError> {
        let path = self.file_of(workspace);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SessionError::io("read", &path)(e)),
        };
        let record: CentreRecord =
            serde_json::from_str(&text).map_err(|e| SessionError::BadState {
                path: path.clone(),
                message: e.to_string(),
            })?;
        Ok(Some(record))
    }
}

use sha2::Digest;

impl CentreRecord {
    /// What differs between the candidate's state and the centre's record, one sentence
    /// each: the facts the candidate could have moved.
    pub fn differences(&self, state: &State) -> Vec<epreuve_results::Said> {
        use epreuve_results::said;
        let mut out = Vec::new();
        let mut differ = |what: &str, theirs: String, ours: String| {
            if theirs != ours {
                out.push(said!(
                    "integrity-record-differs",
                    what = epreuve_results::Said::new(&format!("record-{what}")),
                    theirs = theirs,
                    ours = ours
                ));
            }
        };
        let time = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        differ("exam", state.exam.clone(), self.exam.clone());
        differ("candidate", state.candidate.clone(), self.candidate.clone());
        differ("start", time(&state.started_at), time(&self.started_at));
        differ("deadline", time(&state.deadline), time(&self.deadline));
        differ(
            "seed",
            format!("{:?}", state.seed),
            format!("{:?}", self.seed),
        );
        let sums = |files: &[DataFile]| {
            files
                .iter()
                .map(|f| format!("{}:{}", f.name, &f.sha256[..f.sha256.len().min(12)]))
                .collect::<Vec<_>>()
                .join(", ")
        };
        differ("data", sums(&state.data), sums(&self.data));
        if state.database.for_candidate() != self.database.for_candidate() {
            out.push(said!("integrity-database-location"));
        }
        out
    }
}
