//! What grading reads: the bundle the state names, checked against its seal and copied into
//! a private folder, or the live workspace when nothing was submitted.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use epreuve_fs::{FsError, Listed, Root, limits};

use crate::log::{LOG_FILE, verify_chain};
use crate::submit::{SEAL, SUBMISSIONS, Seal, SubmittedFacts};
use crate::{DatabaseLocation, Evidence, SessionError, SubmissionRecord, Workspace, sha256_in};

/// What grading reads.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The answers: a private copy of the bundle's, or the live `answers/`.
    pub answers: Root,
    /// The DuckDB file to grade: a private copy of the bundle's snapshot, or the live file.
    pub snapshot: Option<PathBuf>,
    /// The submission as the state records it, if the candidate submitted.
    pub record: Option<SubmissionRecord>,
    /// The submission's own account of itself.
    pub facts: Option<SubmittedFacts>,
    /// The evidence read from the database at submission.
    pub evidence: Option<Evidence>,
    /// A private copy of the dump of a server database, when the bundle has one.
    pub dump: Option<PathBuf>,
    /// What changed since submission, one sentence each: the score is then provisional.
    pub tampering: Vec<String>,
    _private: Arc<tempfile::TempDir>,
}

impl Workspace {
    /// What grading should read: the submitted bundle when there is one (its seal checked),
    /// else the live workspace.
    pub fn submission(&self) -> Result<Submission, SessionError> {
        let private = Arc::new(
            tempfile::Builder::new()
                .prefix("epreuve-grading-")
                .tempdir()
                .map_err(SessionError::io("create", &std::env::temp_dir()))?,
        );
        let mut tampering = Vec::new();
        tampering.extend(self.live_log_problem());
        if let Some(record) = &self.state.submitted {
            let path = Path::new(SUBMISSIONS).join(&record.bundle);
            match self.hidden.sub(&path) {
                Ok(bundle) => {
                    return self.read_bundle(&bundle, record, private, tampering);
                }
                Err(e) => tampering.push(format!(
                    "the submission of {} named by state.json cannot be read ({e}); the live workspace was graded",
                    record.at.format("%Y-%m-%d %H:%M:%S UTC")
                )),
            }
        }
        if self.state.submitted.is_none() && self.has_bundle() {
            tampering.push(
                "a submission bundle is in the workspace but state.json names none (state.json was changed?); the live workspace was graded".into(),
            );
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
        let private = Arc::new(
            tempfile::Builder::new()
                .prefix("epreuve-check-")
                .tempdir()
                .map_err(SessionError::io("create", &std::env::temp_dir()))?,
        );
        self.live_with(private, Vec::new())
    }

    fn live_with(
        &self,
        private: Arc<tempfile::TempDir>,
        mut tampering: Vec<String>,
    ) -> Result<Submission, SessionError> {
        let answers = match self.fs.sub("answers") {
            Ok(answers) => answers,
            Err(FsError::Missing { .. }) => empty(&private)?,
            Err(e) => {
                tampering.push(format!("the answers folder cannot be read: {e}"));
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
        private: Arc<tempfile::TempDir>,
        mut tampering: Vec<String>,
    ) -> Result<Submission, SessionError> {
        let copy = private.path().join("bundle");
        std::fs::create_dir_all(copy.join("answers")).map_err(SessionError::io("create", &copy))?;
        // The seal first: every file it names, with the checksum it says.
        let seal_text = bundle.read(SEAL, limits::RECORD);
        let seal: Option<Seal> = match &seal_text {
            Ok(bytes) => {
                let hash = crate::log::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
                if hash != record.seal {
                    tampering.push(
                        "the seal of the submission is not the one recorded at submission (replaced afterwards)".into(),
                    );
                }
                serde_json::from_slice(bytes).ok()
            }
            Err(e) => {
                tampering.push(format!("the submission has no readable seal ({e})"));
                None
            }
        };
        let mut listed = Vec::new();
        for entry in bundle.list("")? {
            match entry {
                Listed::File(relative) => listed.push(relative),
                Listed::Refused(reason) => tampering.push(format!(
                    "the submission holds a file epreuve will not read: {reason}"
                )),
            }
        }
        if let Some(seal) = &seal {
            for (name, sha) in &seal.files {
                match sha256_in(bundle, name) {
                    Ok(found) if &found == sha => {}
                    Ok(_) => {
                        tampering.push(format!("{} was changed after submission", shown(name)))
                    }
                    Err(FsError::Missing { .. }) => {
                        tampering.push(format!("{} was deleted after submission", shown(name)))
                    }
                    Err(e) => tampering.push(format!("{} cannot be read: {e}", shown(name))),
                }
            }
            for name in &listed {
                let name = name.display().to_string();
                if name != SEAL && !seal.files.contains_key(&name) {
                    tampering.push(format!("{} was added after submission", shown(&name)));
                }
            }
        }
        // The log of the bundle: its chain, its end as sealed, and the live log going on from it.
        let bundle_log = bundle
            .read_to_string(LOG_FILE, limits::LOG)
            .unwrap_or_default();
        if let Err(problem) = verify_chain(&bundle_log) {
            tampering.push(format!("in the submitted log, {problem}"));
        }
        if let Ok(live) = self.hidden.read_to_string(LOG_FILE, limits::LOG)
            && !live.starts_with(bundle_log.as_str())
        {
            tampering.push(
                "the action log was rewritten after submission (it no longer begins with the log submitted)".into(),
            );
        }
        // Private copies: nothing the candidate changes while grading runs is read.
        for name in &listed {
            let target = copy.join(name);
            let limit = if name.starts_with("answers") {
                limits::ANSWER
            } else {
                limits::DATABASE
            };
            if let Err(e) = bundle.copy(name, &target, limit) {
                tampering.push(format!(
                    "{} cannot be copied for grading: {e}",
                    shown(&name.display().to_string())
                ));
            }
        }
        let facts: Option<SubmittedFacts> = std::fs::read(copy.join("submission.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        if let Some(facts) = &facts
            && (facts.at != record.at || facts.late != record.late)
        {
            tampering.push(
                "state.json records the submission differently from the bundle (its time or its late flag were changed)".into(),
            );
        }
        let evidence = std::fs::read(copy.join("evidence.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let answers = Root::new(&copy.join("answers"))?;
        let snapshot = match &self.state.database {
            DatabaseLocation::Embedded { file } => Some(copy.join(file)),
            _ => None,
        };
        let dump = copy.join(crate::restore::dump_file(self.state.engine));
        Ok(Submission {
            answers,
            snapshot,
            record: Some(record.clone()),
            facts,
            evidence,
            dump: dump.is_file().then_some(dump),
            tampering,
            _private: private,
        })
    }

    /// The live log's own chain, checked.
    fn live_log_problem(&self) -> Option<String> {
        let text = self.hidden.read_to_string(LOG_FILE, limits::LOG).ok()?;
        verify_chain(&text)
            .err()
            .map(|problem| format!("in the action log, {problem}"))
    }

    /// The evidence recorded at submission, if any.
    pub fn submitted_evidence(&self) -> Option<Evidence> {
        let record = self.state.submitted.as_ref()?;
        let bundle = self
            .hidden
            .sub(Path::new(SUBMISSIONS).join(&record.bundle))
            .ok()?;
        let text = bundle.read("evidence.json", limits::RECORD).ok()?;
        serde_json::from_slice(&text).ok()
    }
}

/// An empty folder standing for absent answers.
fn empty(private: &tempfile::TempDir) -> Result<Root, SessionError> {
    let dir = private.path().join("no-answers");
    std::fs::create_dir_all(&dir).map_err(SessionError::io("create", &dir))?;
    Ok(Root::new(&dir)?)
}

/// A bundle file as the assessor reads it: `answers/x.sql`, "the database snapshot"…
fn shown(name: &str) -> String {
    match name {
        n if n.ends_with(".duckdb") || n.ends_with(".duckdb.wal") => {
            format!("the database snapshot ({n})")
        }
        "database.sql" | "database.dump" => "the dump of the database".to_owned(),
        n => n.to_owned(),
    }
}
