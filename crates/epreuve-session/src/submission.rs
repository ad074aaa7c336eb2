//! What grading reads: the bundle the state names, checked against its seal and copied into
//! a private folder, or the live workspace when nothing was submitted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use epreuve_fs::{FsError, Listed, Root, limits};

use crate::log::{LOG_FILE, verify_chain};
use crate::submit::{SEAL, SUBMISSIONS, Seal, SubmittedFacts};
use crate::{DatabaseLocation, Evidence, SessionError, SubmissionRecord, Workspace, sha256_file};
use epreuve_results::{Said, said};

/// What grading reads.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The answers: a private copy of the bundle's, or the live `answers/`.
    pub answers: Root,
    /// The DuckDB file to grade: a private copy of the bundle's snapshot, or the live file.
    pub snapshot: Option<PathBuf>,
    /// How to name that file to the assessor: the bundle's snapshot in the workspace (the
    /// private copy is gone with grading), or the live file.
    pub snapshot_shown: Option<PathBuf>,
    /// The submission as the state records it, if the candidate submitted.
    pub record: Option<SubmissionRecord>,
    /// The submission's own account of itself.
    pub facts: Option<SubmittedFacts>,
    /// The evidence read from the database at submission.
    pub evidence: Option<Evidence>,
    /// A private copy of the dump of a server database, when the bundle has one.
    pub dump: Option<PathBuf>,
    /// What changed since submission, one sentence each: the score is then provisional.
    pub tampering: Vec<Said>,
    _private: Arc<tempfile::TempDir>,
}

/// A folder of epreuve's own for what grading reads, gone when the submission is.
fn private_dir(prefix: &str) -> Result<Arc<tempfile::TempDir>, SessionError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map(Arc::new)
        .map_err(SessionError::io("create", &std::env::temp_dir()))
}

impl Workspace {
    /// The `answers/` of the submitted bundle when there is one, else the live `answers/`,
    /// read in place, without the seal checked (a lead such as the class's similar queries;
    /// grading reads [`Workspace::submission`]). A file added or edited after submission is
    /// not in the bundle.
    pub fn submitted_answers(&self) -> Result<Root, SessionError> {
        match &self.state.submitted {
            Some(record) => Ok(self
                .hidden
                .sub(Path::new(SUBMISSIONS).join(&record.bundle).join("answers"))?),
            None => Ok(self.fs.sub("answers")?),
        }
    }

    /// What grading should read: the submitted bundle when there is one (its seal checked),
    /// else the live workspace.
    pub fn submission(&self) -> Result<Submission, SessionError> {
        let private = private_dir("epreuve-grading-")?;
        let live_log = self
            .hidden
            .read_to_string(LOG_FILE, limits::LOG)
            .unwrap_or_default();
        let mut tampering = Vec::new();
        if let Err(problem) = verify_chain(&live_log) {
            tampering.push(said!("integrity-log", problem = problem));
        }
        if let Some(record) = &self.state.submitted {
            let path = Path::new(SUBMISSIONS).join(&record.bundle);
            match self.hidden.sub(&path) {
                Ok(bundle) => {
                    return self.read_bundle(&bundle, record, &live_log, private, tampering);
                }
                Err(e) => tampering.push(said!(
                    "integrity-bundle-unreadable",
                    at = record.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    error = e.said()
                )),
            }
        }
        if self.state.submitted.is_none() && self.has_bundle() {
            tampering.push(said!("integrity-bundle-unnamed"));
        }
        self.live_with(private, tampering)
    }

    /// Whether `.epreuve/submissions/` holds a published bundle.
    fn has_bundle(&self) -> bool {
        std::fs::read_dir(self.hidden.path().join(SUBMISSIONS)).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| !e.file_name().to_string_lossy().starts_with('.'))
        })
    }

    /// The live workspace, as the candidate's self-check reads it.
    pub fn live(&self) -> Result<Submission, SessionError> {
        self.live_with(private_dir("epreuve-check-")?, Vec::new())
    }

    fn live_with(
        &self,
        private: Arc<tempfile::TempDir>,
        mut tampering: Vec<Said>,
    ) -> Result<Submission, SessionError> {
        let answers = match self.fs.sub("answers") {
            Ok(answers) => answers,
            Err(FsError::Missing { .. }) => empty(&private)?,
            Err(e) => {
                tampering.push(said!("integrity-answers-unreadable", error = e.said()));
                empty(&private)?
            }
        };
        let snapshot = match &self.state.database {
            DatabaseLocation::Embedded { file } => {
                // A regular file of the workspace, not a link to another candidate's.
                match self.fs.open(file, limits::DATABASE) {
                    Ok(_) | Err(FsError::Missing { .. }) => Some(self.fs.path().join(file)),
                    Err(e) => return Err(e.into()),
                }
            }
            _ => None,
        };
        Ok(Submission {
            answers,
            snapshot_shown: snapshot.clone(),
            snapshot,
            record: None,
            facts: None,
            evidence: None,
            dump: None,
            tampering,
            _private: private,
        })
    }

    fn read_bundle(
        &self,
        bundle: &Root,
        record: &SubmissionRecord,
        live_log: &str,
        private: Arc<tempfile::TempDir>,
        mut tampering: Vec<Said>,
    ) -> Result<Submission, SessionError> {
        let copy = private.path().join("bundle");
        std::fs::create_dir_all(copy.join("answers")).map_err(SessionError::io("create", &copy))?;
        // Private copies first, then every check on them: what is graded is what was checked,
        // whatever the candidate changes in the bundle while grading runs.
        let listed = private_copy(bundle, &copy, &mut tampering)?;
        check_seal(&copy, &record.seal, &listed, &mut tampering);
        // The log of the bundle: its chain, and the live log going on from it.
        let bundle_log = std::fs::read_to_string(copy.join(LOG_FILE)).unwrap_or_default();
        if let Err(problem) = verify_chain(&bundle_log) {
            tampering.push(said!("integrity-submitted-log", problem = problem));
        }
        if !live_log.starts_with(bundle_log.as_str()) {
            tampering.push(said!("integrity-log-rewritten"));
        }
        let facts: Option<SubmittedFacts> = std::fs::read(copy.join("submission.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        if let Some(facts) = &facts
            && (facts.at != record.at || facts.late != record.late)
        {
            tampering.push(said!("integrity-state-differs"));
        }
        let evidence = std::fs::read(copy.join("evidence.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let answers = Root::new(&copy.join("answers"))?;
        let snapshot = match &self.state.database {
            DatabaseLocation::Embedded { file } => Some(copy.join(file)),
            _ => None,
        };
        let snapshot_shown = match &self.state.database {
            DatabaseLocation::Embedded { file } => Some(bundle.path().join(file)),
            _ => None,
        };
        let dump = copy.join(crate::restore::dump_file(self.state.engine));
        Ok(Submission {
            answers,
            snapshot,
            snapshot_shown,
            record: Some(record.clone()),
            facts,
            evidence,
            dump: dump.is_file().then_some(dump),
            tampering,
            _private: private,
        })
    }
}

/// Copies every file of `bundle` into `copy` within its limit, noting what is refused or
/// cannot be copied; the names copied.
fn private_copy(
    bundle: &Root,
    copy: &Path,
    tampering: &mut Vec<Said>,
) -> Result<Vec<String>, SessionError> {
    let mut listed = Vec::new();
    for entry in bundle.list("")? {
        let relative = match entry {
            Listed::File(relative) => relative,
            Listed::Refused(reason) => {
                tampering.push(said!("integrity-file-refused", reason = reason.said()));
                continue;
            }
        };
        let name = relative.display().to_string();
        let limit = if name.starts_with("answers") {
            limits::ANSWER
        } else if name == SEAL {
            limits::RECORD
        } else {
            limits::DATABASE
        };
        match bundle.copy(&relative, &copy.join(&relative), limit) {
            Ok(_) => listed.push(name),
            Err(e) => tampering.push(said!(
                "integrity-file-uncopied",
                file = shown(&name),
                error = e.said()
            )),
        }
    }
    Ok(listed)
}

/// Checks the seal of the copied bundle: the one `state.json` recorded (`recorded`), naming
/// every file with its checksum and nothing else.
fn check_seal(copy: &Path, recorded: &str, listed: &[String], tampering: &mut Vec<Said>) {
    // The seal: recorded by state.json, naming every file with its checksum.
    let seal: Option<Seal> = match std::fs::read(copy.join(SEAL)) {
        Ok(bytes) => {
            let hash = epreuve_data::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
            if hash != recorded {
                tampering.push(said!("integrity-seal-replaced"));
            }
            serde_json::from_slice(&bytes).ok()
        }
        Err(e) => {
            tampering.push(said!("integrity-no-seal", error = e.to_string()));
            None
        }
    };
    if let Some(seal) = &seal {
        for (name, sha) in &seal.files {
            match sha256_file(&copy.join(name)) {
                Ok(found) if &found == sha => {}
                Ok(_) => tampering.push(said!("integrity-file-changed", file = shown(name))),
                Err(_) if !listed.contains(name) => {
                    tampering.push(said!("integrity-file-deleted", file = shown(name)))
                }
                Err(e) => tampering.push(said!(
                    "integrity-file-unreadable",
                    file = shown(name),
                    error = e.to_string()
                )),
            }
        }
        for name in listed {
            if name != SEAL && !seal.files.contains_key(name) {
                tampering.push(said!("integrity-file-added", file = shown(name)));
            }
        }
    }
}

/// An empty folder standing for absent answers.
fn empty(private: &tempfile::TempDir) -> Result<Root, SessionError> {
    let dir = private.path().join("no-answers");
    std::fs::create_dir_all(&dir).map_err(SessionError::io("create", &dir))?;
    Ok(Root::new(&dir)?)
}

/// A bundle file as the assessor reads it: `answers/x.sql`, "the database snapshot"…
fn shown(name: &str) -> Said {
    match name {
        n if n.ends_with(".duckdb") || n.ends_with(".duckdb.wal") => {
            said!("integrity-snapshot", file = n)
        }
        n if epreuve_db::Engine::servers()
            .filter_map(epreuve_db::ServerKind::of)
            .any(|kind| kind.dump_file == n) =>
        {
            said!("integrity-dump")
        }
        n => said!("integrity-name", file = n),
    }
}
