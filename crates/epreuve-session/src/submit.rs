//! Submission bundles (`.epreuve/submission/`): a frozen copy of the answers, a snapshot of
//! the database, the evidence read from it, the log, and the checksum of every file.
//!
//! Grading reads the bundle when there is one, so that what the candidate does after submitting
//! does not change the grade.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use epreuve_db::{Backend, DuckDb};
use epreuve_provision::DatabaseLocation;
use serde::{Deserialize, Serialize};

use crate::workspace::copy_file;
use crate::{SessionError, SubmissionRecord, Workspace, sha256_file};

/// What the database held at submission, as the engine declared it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Engine description.
    pub database: String,
    /// One entry per table.
    pub tables: Vec<TableEvidence>,
}

/// One table at submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableEvidence {
    /// Table name.
    pub name: String,
    /// Exact row count.
    pub rows: u64,
    /// `name TYPE` for each column.
    pub columns: Vec<String>,
}

/// What grading reads: the bundle when submitted, else the live workspace.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Folder of answers.
    pub answers_dir: PathBuf,
    /// Snapshot of an embedded database, when there is one; servers are graded live.
    pub snapshot: Option<PathBuf>,
    /// The submission record, if the candidate submitted.
    pub record: Option<SubmissionRecord>,
}

impl Workspace {
    fn bundle_dir(&self) -> PathBuf {
        self.hidden_dir().join("submission")
    }

    /// Freezes the answers and a snapshot of the database, and records the time.
    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<SubmissionRecord, SessionError> {
        let staging = self.hidden_dir().join("submission.partial");
        let _ = std::fs::remove_dir_all(&staging);
        copy_tree(&self.answers_dir(), &staging.join("answers"))?;
        let evidence = match self.database_file() {
            Some(live) => {
                // Opening read-only fails while another program writes to the file: the
                // snapshot is then taken only once the candidate's session is closed, never
                // half-written.
                let db = DuckDb::open_read_only(&live)?;
                let evidence = evidence(&db)?;
                let db_name = live
                    .file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| "base.duckdb".into());
                copy_file(&live, &staging.join(&db_name))?;
                let wal = PathBuf::from(format!("{}.wal", live.display()));
                if wal.is_file() {
                    copy_file(&wal, &staging.join(format!("{}.wal", db_name.display())))?;
                }
                evidence
            }
            // A server's database stays where it is; its evidence is recorded so that grading
            // can tell whether it changed after submission.
            None => evidence(self.open_database()?.as_ref())?,
        };
        write_json(&staging.join("evidence.json"), &evidence)?;
        let log = self.hidden_dir().join("log.jsonl");
        if log.is_file() {
            copy_file(&log, &staging.join("log.jsonl"))?;
        }
        let record = SubmissionRecord {
            at: now,
            late: now > self.state().deadline,
        };
        write_json(&staging.join("submission.json"), &record)?;
        let hashes = hash_tree(&staging)?;
        write_json(&staging.join("checksums.json"), &hashes)?;
        let bundle = self.bundle_dir();
        let _ = std::fs::remove_dir_all(&bundle);
        std::fs::rename(&staging, &bundle).map_err(SessionError::io("move", &staging))?;
        self.state_mut().submitted = Some(record.clone());
        self.save_state()?;
        self.log("submit", if record.late { "late" } else { "on time" })?;
        Ok(record)
    }

    /// What grading should read.
    pub fn submission(&self) -> Submission {
        let bundle = self.bundle_dir();
        match &self.state().submitted {
            Some(record) if bundle.is_dir() => Submission {
                answers_dir: bundle.join("answers"),
                snapshot: match self.database() {
                    DatabaseLocation::Embedded { file } => Some(bundle.join(file)),
                    _ => None,
                },
                record: Some(record.clone()),
            },
            _ => Submission {
                answers_dir: self.answers_dir(),
                snapshot: self.database_file(),
                record: None,
            },
        }
    }
}

impl Workspace {
    /// The evidence recorded at submission, if any.
    pub fn submitted_evidence(&self) -> Option<Evidence> {
        let text = std::fs::read_to_string(self.bundle_dir().join("evidence.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// What `db` holds now: tables, declared types and exact counts.
pub fn evidence(db: &dyn Backend) -> Result<Evidence, SessionError> {
    let mut tables = Vec::new();
    for name in db.tables()? {
        let columns = db
            .columns(&name)?
            .into_iter()
            .map(|c| format!("{} {}", c.name, c.declared.raw))
            .collect();
        tables.push(TableEvidence {
            rows: db.row_count(&name)?,
            name,
            columns,
        });
    }
    Ok(Evidence {
        database: db.describe(),
        tables,
    })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), SessionError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    std::fs::write(path, text).map_err(SessionError::io("write", path))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), SessionError> {
    std::fs::create_dir_all(to).map_err(SessionError::io("create", to))?;
    if !from.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(from)
        .map_err(SessionError::io("read", from))?
        .flatten()
    {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            copy_file(&path, &target)?;
        }
    }
    Ok(())
}

/// `relative path → sha256` of every file under `root`, sorted.
fn hash_tree(root: &Path) -> Result<std::collections::BTreeMap<String, String>, SessionError> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .map_err(SessionError::io("read", &dir))?
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.insert(
                    relative,
                    sha256_file(&path).map_err(SessionError::io("read", &path))?,
                );
            }
        }
    }
    Ok(out)
}
