//! Errors that stop grading altogether (as opposed to a check that fails).

use epreuve_i18n::{Said, said};

/// Why grading could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// A source file given to the candidate could not be read.
    Data(#[from] epreuve_data::DataError),
    /// The catalogue is inconsistent.
    Exam(#[from] epreuve_exam::ExamError),
    /// The database could not be used.
    Db(#[from] epreuve_db::DbError),
    /// A file of a shipped solution could not be read.
    Io {
        /// File at fault.
        path: std::path::PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A shipped solution does not fit the exam it is shipped with.
    Solution {
        /// Solution name.
        solution: String,
        /// What does not fit.
        message: Said,
    },
}

impl GradeError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> Said {
        match self {
            Self::Data(e) => e.said(),
            Self::Exam(e) => e.said(),
            Self::Db(e) => e.said(),
            Self::Io { path, source } => said!(
                "err-cannot-read",
                path = path.display().to_string(),
                error = source.to_string()
            ),
            Self::Solution { solution, message } => {
                said!("err-solution", solution = solution, why = message.clone())
            }
        }
    }
}

epreuve_i18n::says_itself!(GradeError);
