//! Sessions: the candidate's workspace, the exam clock, the action log, the integrity of the
//! data files handed out, and the submission bundle that grading reads.

mod error;
mod integrity;
mod log;
mod state;
mod submit;
mod workspace;

pub use epreuve_provision::DatabaseLocation;
pub use error::SessionError;
pub use integrity::{DataFile, TruthSource, sha256_file};
pub use log::LogEvent;
pub use state::{State, SubmissionRecord};
pub use submit::{Evidence, Submission, TableEvidence, evidence};
pub use workspace::{Progress, StartOptions, Workspace};
