//! Errors of the catalogue; errors in a manifest point at the offending line.

use epreuve_i18n::{Said, said};

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// What can be wrong with the catalogue or one of its manifests.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ExamError {
    /// The catalogue folder does not hold `exercises/`.
    NotACatalogue {
        /// Folder that was tried.
        root: PathBuf,
    },
    /// No exam has this identifier.
    UnknownExam {
        /// Identifier asked for.
        id: String,
        /// Identifiers available.
        known: String,
    },
    /// `demo --solution` named a solution the grader does not ship.
    UnknownSolution {
        /// The exam.
        exam: String,
        /// The name asked for.
        name: String,
        /// The solutions it ships.
        known: String,
    },
    /// `grade`, `demo` or `pack` was given a candidate's pack, which has no hidden rules.
    CandidatePack {
        /// The pack's folder.
        root: PathBuf,
        /// What needs the full catalogue.
        what: String,
    },
    /// A file of the catalogue could not be read.
    Io {
        /// File at fault.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A manifest is not valid TOML or does not have the expected fields.
    #[diagnostic(transparent)]
    Manifest(Box<ManifestError>),
    /// A manifest is well-formed but names something that does not exist or does not agree
    /// with another manifest.
    Inconsistent {
        /// File at fault.
        file: String,
        /// What does not agree.
        message: Said,
    },
}

/// A manifest that does not parse, with the text around the fault.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[diagnostic(code(epreuve::manifest))]
pub struct ManifestError {
    /// File name shown to the reader.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// The manifest text, for the snippet.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where in the text.
    #[label("here")]
    pub span: Option<SourceSpan>,
}

impl ExamError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Reads and parses a TOML manifest, turning a parse error into a spanned diagnostic.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<T, ExamError> {
    let text = std::fs::read_to_string(path).map_err(|e| ExamError::io(path, e))?;
    toml::from_str(&text).map_err(|e| {
        ExamError::Manifest(Box::new(ManifestError {
            file: path.display().to_string(),
            message: e.message().to_owned(),
            span: e.span().map(SourceSpan::from),
            src: NamedSource::new(path.display().to_string(), text),
        }))
    })
}

impl ExamError {
    /// The error as a message of the catalogues, for the reader's language (a manifest's
    /// fault keeps its pointed rendering: see [`ManifestError`]).
    pub fn said(&self) -> Said {
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            Self::NotACatalogue { root } => said!("err-not-a-catalogue", root = path(root)),
            Self::UnknownExam { id, known } => {
                said!("err-unknown-exam", id = id, known = known)
            }
            Self::UnknownSolution { exam, name, known } => said!(
                "err-unknown-solution",
                exam = exam,
                name = name,
                known = known
            ),
            Self::CandidatePack { root, what } => {
                said!("err-candidate-pack", root = path(root), what = what)
            }
            Self::Io { path: p, source } => {
                said!(
                    "err-cannot-read",
                    path = path(p),
                    error = source.to_string()
                )
            }
            Self::Manifest(m) => said!("err-manifest", file = &m.file, why = &m.message),
            Self::Inconsistent { file, message } => {
                said!("err-path-text", path = file, text = message.clone())
            }
        }
    }
}

epreuve_i18n::says_itself!(ExamError);

impl ManifestError {
    /// The error as a message of the catalogues.
    pub fn said(&self) -> Said {
        said!("err-manifest", file = &self.file, why = &self.message)
    }
}

epreuve_i18n::says_itself!(ManifestError);
