//! Sessions: the candidate's workspace, the exam clock, the hash-chained action log, the
//! integrity of the data files handed out, sealed submission bundles, and the centre's own
//! record of each workspace.

mod centre;
mod connection;
mod dump;
mod error;
mod graded;
mod integrity;
mod log;
mod restore;
mod start;
mod state;
mod submission;
mod submit;
mod transfer;
mod workspace;

pub use centre::{Centre, CentreRecord};
pub use epreuve_provision::DatabaseLocation;
pub use error::SessionError;
pub use graded::{GradedDatabase, database_to_grade};
pub use integrity::{DataFile, TruthSource, sha256_file, sha256_in};
pub use log::{LogEvent, verify_chain};
pub use restore::{Restored, dump_file, restore};
pub use start::{Progress, StartOptions};
pub use state::{State, SubmissionRecord, check_candidate, check_name, on_time_until};
pub use submission::Submission;
pub use submit::{Evidence, Seal, SubmittedFacts, TableEvidence, evidence};
pub use transfer::{CollectedBundle, read_bundle_file};
pub use workspace::Workspace;

/// `bytes` random bytes from the system's random source, in hex: a workspace's identity, a
/// class's secret.
pub(crate) fn random_hex(bytes: usize) -> Result<String, SessionError> {
    use std::io::Read;
    let mut drawn = vec![0u8; bytes];
    let source = std::path::Path::new("/dev/urandom");
    std::fs::File::open(source)
        .and_then(|mut f| f.read_exact(&mut drawn))
        .map_err(SessionError::io("read", source))?;
    Ok(epreuve_data::hex(&drawn))
}
