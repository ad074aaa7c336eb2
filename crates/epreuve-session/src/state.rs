//! The workspace state (`.epreuve/state.json`): what was started, when, and with what.
//!
//! The file lies in the candidate's workspace, so it is hostile input: [`State::check`]
//! refuses what epreuve would never have written (an exam id that is a path, a database
//! file elsewhere than the workspace's, a container epreuve did not name), and the facts only
//! the centre should own are compared with the centre's own record when there is one.

use chrono::{DateTime, Utc};
use epreuve_db::Engine;
use serde::{Deserialize, Serialize};

use epreuve_provision::DatabaseLocation;

use crate::DataFile;
use epreuve_i18n::{Said, said};

/// Version of `state.json`.
pub(crate) const STATE_VERSION: u32 = 2;

/// Record of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRecord {
    /// When it was made (the clock of the machine that submitted).
    pub at: DateTime<Utc>,
    /// True when it came after the deadline.
    pub late: bool,
    /// The folder of the bundle, under `.epreuve/submissions/`.
    #[serde(default)]
    pub bundle: String,
    /// SHA-256 of the bundle's seal (`seal.json`), hex.
    #[serde(default)]
    pub seal: String,
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
    /// Database engine.
    pub engine: Engine,
    /// Where the database is, as the candidate may know it (no grading account).
    pub database: DatabaseLocation,
    /// When the exam started.
    pub started_at: DateTime<Utc>,
    /// When it ends.
    pub deadline: DateTime<Utc>,
    /// Seconds after the deadline during which a submission is still on time (the exam's
    /// grace; grading believes the catalogue's, not this copy).
    #[serde(default)]
    pub grace_seconds: u64,
    /// The data files handed out, with their checksums.
    pub data: Vec<DataFile>,
    /// Seed of the candidate's own files, when the exam generates them.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The last submission, if any.
    pub submitted: Option<SubmissionRecord>,
    /// A random identifier drawn when the workspace started: with the exam and the candidate,
    /// how the centre finds its record of this workspace wherever the folder has moved
    /// (absent from workspaces started before it existed, whose record is found by path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

impl State {
    /// The last instant a submission is on time: the deadline and the exam's grace.
    pub fn on_time_until(&self) -> DateTime<Utc> {
        on_time_until(self.deadline, self.grace_seconds)
    }

    /// Time left at `now` (zero once the deadline has passed).
    pub fn remaining(&self, now: DateTime<Utc>) -> chrono::Duration {
        (self.deadline - now).max(chrono::Duration::zero())
    }

    /// Refuses a state epreuve would not have written; the sentence names the field.
    pub fn check(&self) -> Result<(), Said> {
        if self.version != STATE_VERSION {
            return Err(said!(
                "state-version",
                found = self.version,
                reads = STATE_VERSION
            ));
        }
        check_name(&self.exam)?;
        check_candidate(&self.candidate)?;
        self.database.check()?;
        if self.database.for_candidate() != self.database {
            return Err(said!("state-holds-accounts"));
        }
        if let Some(address) = self.database.address() {
            for (what, value) in [
                ("host", &address.host),
                ("user", &address.user),
                ("password", &address.password),
                ("database", &address.database),
            ] {
                if value.len() > 256 || value.chars().any(char::is_control) {
                    return Err(said!(
                        "state-database-field",
                        what = what,
                        value = printable(value)
                    ));
                }
            }
        }
        if let Some(id) = &self.workspace_id
            && !(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(said!("state-workspace-id", id = printable(id)));
        }
        for file in &self.data {
            check_file_name(&file.name)?;
        }
        if let Some(record) = &self.submitted
            && !record.bundle.is_empty()
        {
            check_bundle_name(&record.bundle)?;
        }
        Ok(())
    }
}

/// An exam id is a name (the catalogue's rule): letters, digits, `-` and `_`, never a path.
pub fn check_name(name: &str) -> Result<(), Said> {
    if !epreuve_exam::is_exam_id(name) {
        return Err(said!("state-exam-not-a-name", name = printable(name)));
    }
    Ok(())
}

/// A candidate identifier: 1 to 64 characters, letters (accents too), digits, `-`, `_`,
/// `.` and `@`; no space, no control character, nothing a terminal or a path would read.
pub fn check_candidate(candidate: &str) -> Result<(), Said> {
    let fine = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@');
    if candidate.is_empty() {
        return Err(said!("state-candidate-empty"));
    }
    if candidate.chars().count() > 64 || !candidate.chars().all(fine) || candidate.starts_with('.')
    {
        return Err(said!(
            "state-candidate-bad",
            candidate = printable(candidate)
        ));
    }
    Ok(())
}

/// A data file handed out is a plain name inside `data/`.
fn check_file_name(name: &str) -> Result<(), Said> {
    if name.is_empty()
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
    {
        return Err(said!("state-data-file", name = printable(name)));
    }
    Ok(())
}

/// A bundle's folder is a name epreuve gives: digits and a timestamp.
pub(crate) fn check_bundle_name(name: &str) -> Result<(), Said> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(said!("state-bundle-name", name = printable(name)));
    }
    Ok(())
}

/// `text` with its control characters shown as escapes, for a message.
fn printable(text: &str) -> String {
    text.chars()
        .take(80)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// `deadline` and `grace_seconds` after it: the last instant a submission is on time.
pub fn on_time_until(deadline: DateTime<Utc>, grace_seconds: u64) -> DateTime<Utc> {
    i64::try_from(grace_seconds)
        .ok()
        .and_then(chrono::Duration::try_seconds)
        .and_then(|g| deadline.checked_add_signed(g))
        .unwrap_or(deadline)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_grace_too_large_for_a_date_leaves_the_deadline() {
        let deadline = chrono::Utc::now();
        assert_eq!(super::on_time_until(deadline, 0), deadline);
        assert_eq!(
            super::on_time_until(deadline, 120),
            deadline + chrono::Duration::seconds(120)
        );
        assert_eq!(super::on_time_until(deadline, u64::MAX), deadline);
        assert_eq!(super::on_time_until(deadline, 1 << 62), deadline);
    }

    use super::*;

    #[test]
    fn names_and_candidates_are_checked() {
        assert!(check_name("bloc1-chargement").is_ok());
        for bad in ["", "../../tmp/x", "a/b", "-x", "a b", "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_candidate("c042").is_ok());
        assert!(check_candidate("zoé.martin@ecole").is_ok());
        let empty = check_candidate("").unwrap_err().english();
        assert!(empty.contains("empty"), "{empty}");
        let escape = check_candidate("c\u{1b}[2J").unwrap_err().english();
        assert!(
            escape.contains("\\u{1b}") && !escape.contains('\u{1b}'),
            "{escape}"
        );
        for bad in ["a b", "../c", ".c", "c\n", &"x".repeat(65)] {
            assert!(check_candidate(bad).is_err(), "{bad}");
        }
    }
}
