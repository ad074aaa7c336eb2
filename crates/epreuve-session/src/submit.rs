//! Submission bundles (`.epreuve/submissions/<name>/`): a frozen copy of the answers, a
//! snapshot of the database (the DuckDB file, or a dump of a server), the evidence read from
//! it, the action log, and a seal: the checksum of every file of the bundle.
//!
//! A bundle is made in a staging folder, published under a name of its own with one rename,
//! and only then named by `state.json`, itself written whole or not at all; older bundles go
//! last. After a crash at any instant the state names the previous bundle or the new one,
//! complete. Grading reads the bundle the state names, so that what the candidate does after
//! submitting does not change the grade.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use epreuve_db::{Backend, DuckDb};
use epreuve_fs::{Listed, Root, limits};
use epreuve_provision::DatabaseLocation;
use serde::{Deserialize, Serialize};

use crate::log::LOG_FILE;
use crate::{SessionError, SubmissionRecord, Workspace, sha256_in};

/// Folder of the bundles, inside `.epreuve/`.
pub(crate) const SUBMISSIONS: &str = "submissions";
/// The seal's file name.
pub(crate) const SEAL: &str = "seal.json";

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

/// The facts of a submission, as the machine that submitted saw them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedFacts {
    /// When.
    pub at: DateTime<Utc>,
    /// After the deadline.
    pub late: bool,
    /// The deadline in force.
    pub deadline: DateTime<Utc>,
    /// Exam and candidate.
    pub exam: String,
    /// Candidate identifier.
    pub candidate: String,
    /// Files of `answers/` left out, and why (links out of the workspace, FIFOs…).
    pub refused: Vec<String>,
    /// Why there is no dump of a server database, when there is none.
    #[serde(default)]
    pub no_dump: Option<String>,
}

/// The seal: the checksum of every other file of the bundle, the hash-chained log included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// `relative path → sha256`, every file but the seal.
    pub files: BTreeMap<String, String>,
}

impl Workspace {
    /// Freezes the answers and a snapshot of the database, seals them, and records the
    /// submission. The caller holds the workspace's lock.
    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<SubmissionRecord, SessionError> {
        let submissions = self.hidden_dir().join(SUBMISSIONS);
        std::fs::create_dir_all(&submissions).map_err(SessionError::io("create", &submissions))?;
        let name = bundle_name(&submissions, now);
        let staging = submissions.join(format!(".staging-{name}"));
        let result = self.stage(&staging, now);
        if let Err(error) = result {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
        let (record_late, seal_hash) = result.expect("checked above");
        epreuve_fs::publish_dir(&staging, &submissions.join(&name))?;
        let record = SubmissionRecord {
            at: now,
            late: record_late,
            bundle: name.clone(),
            seal: seal_hash,
        };
        self.state_mut().submitted = Some(record.clone());
        self.save_state()?;
        keep_only(&submissions, &name);
        Ok(record)
    }

    /// Fills `staging` with the bundle; returns whether it is late and the seal's checksum.
    fn stage(&self, staging: &Path, now: DateTime<Utc>) -> Result<(bool, String), SessionError> {
        std::fs::create_dir_all(staging.join("answers"))
            .map_err(SessionError::io("create", staging))?;
        let mut refused = Vec::new();
        for entry in self.fs.list("answers")? {
            match entry {
                Listed::File(relative) => {
                    let target = staging.join("answers").join(&relative);
                    if let Err(e) = self.fs.copy(
                        Path::new("answers").join(&relative),
                        &target,
                        limits::ANSWER,
                    ) {
                        refused.push(e.to_string());
                    }
                }
                Listed::Refused(reason) => refused.push(reason.to_string()),
            }
        }
        let mut no_dump = None;
        let evidence = match &self.state.database {
            DatabaseLocation::Embedded { file } => {
                // Opening read-only fails while another program writes to the file: the
                // snapshot is then taken only once the candidate's session is closed, never
                // half-written.
                let live = self.fs.path().join(file);
                let db = DuckDb::open_read_only(&live)?;
                let evidence = evidence(&db)?;
                drop(db);
                self.fs.copy(file, &staging.join(file), limits::DATABASE)?;
                let wal = format!("{file}.wal");
                if self.fs.path().join(&wal).exists() {
                    self.fs.copy(&wal, &staging.join(&wal), limits::DATABASE)?;
                }
                evidence
            }
            other => {
                let evidence = evidence(self.open_database()?.as_ref())?;
                let address = other.address().expect("servers have an address");
                let file = crate::restore::dump_file(address.engine);
                if let Err(why) = crate::dump::dump(address, &staging.join(file)) {
                    // Kept in English in the bundle's record, as its other fields.
                    no_dump = Some(why.english());
                }
                evidence
            }
        };
        write_json(&staging.join("evidence.json"), &evidence)?;
        let late = now > self.state.on_time_until();
        self.log(
            "submit",
            &format!(
                "{}{}",
                if late { "late" } else { "on time" },
                if refused.is_empty() {
                    String::new()
                } else {
                    format!("; {} files of answers/ left out", refused.len())
                }
            ),
        )?;
        let log = self.hidden.read_to_string(LOG_FILE, limits::LOG)?;
        std::fs::write(staging.join(LOG_FILE), &log).map_err(SessionError::io("write", staging))?;
        let facts = SubmittedFacts {
            at: now,
            late,
            deadline: self.state.deadline,
            exam: self.state.exam.clone(),
            candidate: self.state.candidate.clone(),
            refused,
            no_dump,
        };
        write_json(&staging.join("submission.json"), &facts)?;
        let seal = Seal {
            files: hash_tree(staging)?,
        };
        let seal_text = serde_json::to_vec_pretty(&seal).unwrap_or_default();
        std::fs::write(staging.join(SEAL), &seal_text)
            .map_err(SessionError::io("write", staging))?;
        Ok((
            late,
            epreuve_data::hex(&<sha2::Sha256 as sha2::Digest>::digest(&seal_text)),
        ))
    }
}

/// Older bundles and staging folders left by a crash go, once the state names `name`
/// alone.
pub(crate) fn keep_only(submissions: &Path, name: &str) {
    if let Ok(entries) = std::fs::read_dir(submissions) {
        for entry in entries.flatten() {
            if entry.file_name() != name {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// `<n>-<time>`: a name no earlier bundle of this workspace has.
pub(crate) fn bundle_name(submissions: &Path, now: DateTime<Utc>) -> String {
    let next = std::fs::read_dir(submissions)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_str()?
                        .split('-')
                        .next()?
                        .parse::<u32>()
                        .ok()
                })
                .max()
                .map_or(1, |n| n + 1)
        })
        .unwrap_or(1);
    format!(
        "{next:04}-{}-{}",
        now.format("%Y%m%dT%H%M%S"),
        std::process::id()
    )
}

/// What `db` holds now: tables, declared types and exact counts.
pub fn evidence(db: &dyn Backend) -> Result<Evidence, SessionError> {
    let mut tables = Vec::new();
    for relation in db.tables()? {
        let columns = db
            .columns(&relation.name)?
            .into_iter()
            .map(|c| format!("{} {}", c.name, c.declared.raw))
            .collect();
        // A view's rows are computed when read: they are not evidence of what was loaded.
        let rows = if relation.view {
            0
        } else {
            db.row_count(&relation.name)?
        };
        tables.push(TableEvidence {
            rows,
            name: if relation.view {
                format!("{} (view)", relation.name)
            } else {
                relation.name
            },
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

/// `relative path → sha256` of every file under `root` (a folder epreuve made), sorted.
pub(crate) fn hash_tree(root: &Path) -> Result<BTreeMap<String, String>, SessionError> {
    let checked = Root::new(root)?;
    let mut out = BTreeMap::new();
    for entry in checked.list("")? {
        match entry {
            Listed::File(relative) => {
                let name = relative.display().to_string();
                if name != SEAL {
                    out.insert(name, sha256_in(&checked, &relative)?);
                }
            }
            Listed::Refused(reason) => return Err(reason.into()),
        }
    }
    Ok(out)
}
