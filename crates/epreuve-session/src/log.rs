//! The action log (`.epreuve/log.jsonl`): one JSON line per command run in the workspace, so an
//! assessor can read what happened and when.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::SessionError;

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What: `start`, `check`, `submit`, `grade`…
    pub event: String,
    /// A short free-form detail.
    pub detail: String,
}

pub(crate) fn append(path: &Path, event: &str, detail: &str) -> Result<(), SessionError> {
    let line = LogEvent {
        at: Utc::now(),
        event: event.to_owned(),
        detail: detail.to_owned(),
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(SessionError::io("write the log", path))?;
    let text = serde_json::to_string(&line).unwrap_or_default();
    writeln!(file, "{text}").map_err(SessionError::io("write the log", path))
}
