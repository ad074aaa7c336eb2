//! Class sessions: a training centre runs a mock exam for a whole class, from a roster to the
//! grades its learning platform imports.
//!
//! The class folder holds everything the centre owns of the session:
//!
//! ```text
//! class.toml            the exam, the engine, the roster as read
//! centre/               the centre's record of each workspace (start, deadline, seed,
//!                       checksums, grading account): what grading believes; the class's
//!                       `secret` (keys the candidates' data, seals the results); the seal of
//!                       each bundle collected (`collected/<id>.json`)
//! workspaces/<id>/      one workspace per candidate, with data of their own
//! results/<id>.json     each candidate's last grading, written whole or not at all, and its
//!                       seal beside it (`<id>.json.seal`)
//! copying.json          whose data each candidate's tables hold, when not their own
//! evaluations/<id>.toml the assessor's scores of the manual items, when there are some
//! ```
//!
//! [`prepare`] makes the workspaces ([`handout`] writes what goes to candidates' own machines,
//! [`collect`] takes back the files they submit), [`follow`] says where each candidate is, [`grade_class`]
//! grades them all on every core (a candidate's failure is theirs alone; an interrupted
//! grading resumes where it stopped; a regrade says who moved and why), and
//! [`class_report`] gathers the results into a [`epreuve_results::ClassReport`].

mod collect;
mod copying;
mod folder;
mod follow;
mod grade;
mod prepare;
mod roster;
pub mod similarity;

use std::path::PathBuf;

pub use collect::{Collected, Handout, collect, handout};
pub use folder::{Class, ClassManifest};
pub use follow::{Progress as FollowState, Standing, follow};
pub use grade::{GradeOptions, GradeSummary, class_report, grade_class};
pub use prepare::{PrepareOptions, PrepareSummary, prepare};
pub use roster::{parse_roster, read_roster};
pub use similarity::similar_queries;

/// What stops a class command.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    /// A line of the roster.
    Roster {
        /// The roster.
        path: PathBuf,
        /// Its line (1 is the header).
        line: usize,
        /// What is wrong with it.
        why: epreuve_i18n::Said,
    },
    /// A file of the class folder.
    Io {
        /// What was done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// No class in the folder named.
    NoClass {
        /// The folder.
        dir: PathBuf,
    },
    /// The class folder exists for another exam.
    OtherExam {
        /// The folder.
        dir: PathBuf,
        /// Its exam.
        found: String,
        /// The exam asked.
        asked: String,
    },
    /// `class.toml` cannot be read.
    Manifest {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// A file epreuve writes.
    Fs(#[from] epreuve_fs::FsError),
    /// The catalogue.
    Exam(#[from] epreuve_exam::ExamError),
    /// The class's records (its secret).
    Session(#[from] epreuve_session::SessionError),
}

impl ClassError {
    /// The error as a message of the catalogues.
    pub fn said(&self) -> epreuve_i18n::Said {
        use epreuve_i18n::said;
        let shown = |p: &std::path::Path| p.display().to_string();
        match self {
            Self::Roster { path, line, why } => {
                said!(
                    "err-class-roster",
                    path = shown(path),
                    line = *line,
                    why = why.clone()
                )
            }
            Self::Io {
                action,
                path,
                source,
            } => epreuve_i18n::io_error(action, path, source),
            Self::NoClass { dir } => said!("err-class-none", dir = shown(dir)),
            Self::OtherExam { dir, found, asked } => said!(
                "err-class-other-exam",
                dir = shown(dir),
                found = found,
                asked = asked
            ),
            Self::Manifest { path, why } => {
                said!("err-class-manifest", path = shown(path), why = why)
            }
            Self::Fs(e) => e.said(),
            Self::Exam(e) => e.said(),
            Self::Session(e) => e.said(),
        }
    }
}

epreuve_i18n::says_itself!(ClassError);
