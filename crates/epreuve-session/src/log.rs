//! The action log (`.epreuve/log.jsonl`): one JSON line per command run in the workspace, so
//! an assessor can read what happened and when. Each line carries the SHA-256 of the line
//! before it (`prev`), so a line removed, changed or inserted breaks the chain at that line.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use chrono::{DateTime, Utc};
use epreuve_fs::{FsError, Root, limits};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SessionError;

/// File name of the log inside `.epreuve/`.
pub(crate) const LOG_FILE: &str = "log.jsonl";

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What: `start`, `check`, `submit`, `grade`…
    pub event: String,
    /// A short free-form detail.
    pub detail: String,
    /// SHA-256 (hex) of the line before this one; empty for the first line.
    #[serde(default)]
    pub prev: String,
}

/// SHA-256 of a line of the log, without its newline.
pub(crate) fn line_hash(line: &str) -> String {
    hex(&Sha256::digest(line.as_bytes()))
}

use epreuve_data::hex;

/// Appends a line to the log of the hidden folder `hidden`, chained to the last one. The
/// log must be a regular file of the workspace: epreuve never appends through a link.
pub(crate) fn append(hidden: &Root, event: &str, detail: &str) -> Result<(), SessionError> {
    let existing = match hidden.read_to_string(LOG_FILE, limits::LOG) {
        Ok(text) => text,
        Err(FsError::Missing { .. }) => String::new(),
        Err(e) => return Err(SessionError::Refused(e)),
    };
    let prev = existing
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(line_hash)
        .unwrap_or_default();
    let line = LogEvent {
        at: Utc::now(),
        event: event.to_owned(),
        detail: detail.to_owned(),
        prev,
    };
    let path = hidden.path().join(LOG_FILE);
    let mut text = serde_json::to_string(&line).unwrap_or_default();
    // A line cut by a crash is closed first, so that the new line stands on its own.
    if !existing.is_empty() && !existing.ends_with('\n') {
        text.insert(0, '\n');
    }
    text.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(&path)
        .map_err(SessionError::io("write the log", &path))?;
    file.write_all(text.as_bytes())
        .map_err(SessionError::io("write the log", &path))
}

/// Checks the chain of a log's text: `Ok(lines)` when every line follows the one before,
/// else what breaks it, at which line.
pub fn verify_chain(text: &str) -> Result<usize, epreuve_results::Said> {
    use epreuve_results::said;
    let mut previous: Option<&str> = None;
    let mut count = 0usize;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let event: LogEvent =
            serde_json::from_str(line).map_err(|_| said!("log-not-an-entry", line = number + 1))?;
        let expected = previous.map(line_hash).unwrap_or_default();
        if event.prev != expected {
            return Err(said!("log-broken", line = number + 1));
        }
        previous = Some(line);
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_holds_and_breaks_where_edited() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path()).unwrap();
        for event in ["start", "check", "submit"] {
            append(&root, event, "d").unwrap();
        }
        let text = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert_eq!(verify_chain(&text), Ok(3));
        let removed: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| l)
            .collect();
        assert!(
            verify_chain(&removed.join("\n"))
                .unwrap_err()
                .english()
                .contains("line 2")
        );
        let changed = text.replacen("\"check\"", "\"status\"", 1);
        assert!(
            verify_chain(&changed)
                .unwrap_err()
                .english()
                .contains("line 3")
        );
    }

    #[test]
    fn a_log_that_is_a_link_is_never_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ws")).unwrap();
        let outside = dir.path().join("bashrc");
        std::fs::write(&outside, "keep me").unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join("ws").join(LOG_FILE)).unwrap();
        let root = Root::new(&dir.path().join("ws")).unwrap();
        assert!(append(&root, "check", "x").is_err());
        assert_eq!(std::fs::read_to_string(outside).unwrap(), "keep me");
    }
}
