//! Errors of reading and generating source files.

use epreuve_i18n::{Said, said};

use std::path::PathBuf;

/// Everything that can go wrong while reading or writing a data file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    Io {
        /// File at fault.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file is malformed (bad quoting, not UTF-8, ragged line).
    Csv {
        /// File at fault.
        path: PathBuf,
        /// One-based line number where the reader stopped.
        line: u64,
        /// What the reader found.
        message: Said,
    },
    /// A workbook could not be opened (corrupt, password-protected, not an xlsx file).
    Workbook {
        /// File at fault.
        path: PathBuf,
        /// What calamine reported, in words.
        message: Said,
    },
    /// The sheet named in the manifest is not in the workbook.
    MissingSheet {
        /// Workbook at fault.
        path: PathBuf,
        /// Sheet that was asked for.
        sheet: String,
        /// Sheets the workbook has, comma-separated.
        available: String,
    },
    /// A sheet or file has no header row to name the columns.
    NoHeader {
        /// File at fault.
        path: PathBuf,
        /// The sheet or file concerned.
        what: Said,
    },
    /// The JSON text is not valid JSON.
    Json {
        /// File at fault.
        path: PathBuf,
        /// One-based line.
        line: usize,
        /// One-based column.
        column: usize,
        /// What the parser said.
        message: Said,
    },
    /// The JSON is valid but does not have the shape the manifest describes.
    JsonShape {
        /// File at fault.
        path: PathBuf,
        /// Where the shape differs, as a path such as `categories[3].produits`.
        message: Said,
    },
    /// Two columns of one source have the same name.
    DuplicateColumn {
        /// File at fault.
        path: PathBuf,
        /// Repeated column name.
        column: String,
    },
    /// Writing a generated workbook failed.
    WriteWorkbook {
        /// File being written.
        path: PathBuf,
        /// What the writer said.
        message: Said,
    },
    /// Building the polars frame failed (a bug rather than bad input).
    Frame {
        /// Source file.
        path: PathBuf,
        /// Polars' message.
        message: Said,
    },
}

impl DataError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl DataError {
    /// The error as a message of the catalogues, for the reader's language (what a reader
    /// library said stays in its words).
    pub fn said(&self) -> Said {
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            Self::Io { path: p, source } => {
                said!(
                    "err-cannot-read",
                    path = path(p),
                    error = source.to_string()
                )
            }
            Self::Csv {
                path: p,
                line,
                message,
            } => said!(
                "err-csv",
                path = path(p),
                line = *line,
                why = message.clone()
            ),
            Self::Workbook { path: p, message } => {
                said!("err-workbook", path = path(p), why = message.clone())
            }
            Self::MissingSheet {
                path: p,
                sheet,
                available,
            } => said!(
                "err-missing-sheet",
                path = path(p),
                sheet = sheet,
                available = available
            ),
            Self::NoHeader { path: p, what } => {
                said!("err-no-header", path = path(p), what = what.clone())
            }
            Self::Json {
                path: p,
                line,
                column,
                message,
            } => said!(
                "err-json",
                path = path(p),
                line = *line,
                column = *column,
                why = message.clone()
            ),
            Self::JsonShape { path: p, message } => {
                said!("err-path-text", path = path(p), text = message.clone())
            }
            Self::DuplicateColumn { path: p, column } => {
                said!("err-duplicate-column", path = path(p), column = column)
            }
            Self::WriteWorkbook { path: p, message } => {
                said!("err-write-workbook", path = path(p), why = message.clone())
            }
            Self::Frame { path: p, message } => {
                said!("err-frame", path = path(p), why = message.clone())
            }
        }
    }
}

epreuve_i18n::says_itself!(DataError);
