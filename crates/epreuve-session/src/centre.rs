//! The centre's own record of a workspace, kept outside it: the facts only the centre should
//! own (start, deadline, seed, checksums of the data handed out) and the grading account of a
//! server database. The candidate's `state.json` says the same things, but the candidate can
//! edit it; `grade` compares the two and grades through the account recorded here.
//!
//! Records live in one folder per centre: `--centre <dir>` (or `EPREUVE_CENTRE`), else
//! `$XDG_DATA_HOME/epreuve/centre` (`~/.local/share/epreuve/centre`). The folder is made
//! readable by its owner only. A record is found from the workspace's identity (its exam, its
//! candidate and the identifier drawn at `start`), never from where the folder lies: a class
//! folder moves with its `centre/`. Workspaces started before the identifier existed are found
//! by their real path.

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
    /// The identifier drawn when the workspace started (see [`State::workspace_id`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// The folder of the centre's records.
#[derive(Debug, Clone)]
pub struct Centre {
    dir: PathBuf,
    /// True for a class's own `centre/`, which recorded every workspace of the class: one
    /// without a record there was moved out of reach of it or had its identity edited.
    holds_every_workspace: bool,
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
        Self {
            dir,
            holds_every_workspace: false,
        }
    }

    /// A class's own records (`<class>/centre`), which hold one for every workspace of the
    /// class.
    pub fn of_class(dir: PathBuf) -> Self {
        Self {
            dir,
            holds_every_workspace: true,
        }
    }

    /// Whether a workspace graded against these records must have one.
    pub fn holds_every_workspace(&self) -> bool {
        self.holds_every_workspace
    }

    /// The secret of a class's records (`secret` beside them, readable by the centre's account
    /// only), drawn the first time it is asked for: what seals the class's results and keys
    /// its candidates' data. `None` for other records: a workspace started alone keeps the
    /// public seed of its exam and candidate.
    pub fn secret(&self) -> Result<Option<String>, SessionError> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if !self.holds_every_workspace {
            return Ok(None);
        }
        let path = self.dir.join("secret");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let text = text.trim();
            if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(Some(text.to_owned()));
            }
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(SessionError::io("create", &self.dir))?;
        let secret = crate::random_hex(32)?;
        // Two threads preparing a class at once: the first secret written wins, and both read
        // it back.
        let temp = self.dir.join(format!(".secret.{}", std::process::id()));
        std::fs::write(&temp, &secret).map_err(SessionError::io("write", &temp))?;
        let _ = std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600));
        if let Err(error) = std::fs::hard_link(&temp, &path)
            && !path.exists()
        {
            let _ = std::fs::remove_file(&temp);
            return Err(SessionError::io("write", &path)(error));
        }
        let _ = std::fs::remove_file(&temp);
        let text = std::fs::read_to_string(&path).map_err(SessionError::io("read", &path))?;
        Ok(Some(text.trim().to_owned()))
    }

    /// Where the records are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of the workspace of `exam`, `candidate` and `id`, wherever it lies.
    fn file_of_identity(&self, exam: &str, candidate: &str, id: &str) -> PathBuf {
        let key = epreuve_data::hex(&sha2::Sha256::digest(
            format!("workspace\0{exam}\0{candidate}\0{id}").as_bytes(),
        ));
        self.dir.join(format!("{}.json", &key[..32]))
    }

    /// Where the record of a workspace of `state` at `workspace` is: by its identity, or by
    /// its real path for a workspace older than identities.
    fn file_for(&self, workspace: &Path, state: &State) -> PathBuf {
        match &state.workspace_id {
            Some(id) => self.file_of_identity(&state.exam, &state.candidate, id),
            None => self.file_of(workspace),
        }
    }

    /// The file of the workspace at `workspace` (its real path).
    fn file_of(&self, workspace: &Path) -> PathBuf {
        let real = workspace
            .canonicalize()
            .unwrap_or_else(|_| workspace.to_path_buf());
        let key = epreuve_data::hex(&sha2::Sha256::digest(real.as_os_str().as_encoded_bytes()));
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
            workspace_id: state.workspace_id.clone(),
        };
        let path = self.file_for(workspace, state);
        let text = serde_json::to_vec_pretty(&record).unwrap_or_default();
        epreuve_fs::write_atomic(&path, &text)?;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        Ok(())
    }

    /// The centre's record of `workspace`, if the centre has one: found by the workspace's
    /// identity as its `state.json` gives it. A candidate who edits that identity finds no
    /// record, which the report says; the exam and candidate of the record found are those of
    /// the key, so no other candidate's record can answer.
    pub fn find(&self, workspace: &crate::Workspace) -> Result<Option<CentreRecord>, SessionError> {
        let state = workspace.state();
        let found = self.read(&self.file_for(workspace.root(), state))?;
        Ok(found.filter(|record| {
            record.exam == state.exam
                && record.candidate == state.candidate
                && record.workspace_id == state.workspace_id
        }))
    }

    /// The record in `path`, if there is one.
    fn read(&self, path: &Path) -> Result<Option<CentreRecord>, SessionError> {
        let path = path.to_path_buf();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SessionError::io("read", &path)(e)),
        };
        let record: CentreRecord =
            serde_json::from_str(&text).map_err(|e| SessionError::BadState {
                path: path.clone(),
                message: epreuve_i18n::Said::verbatim(e.to_string()),
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
