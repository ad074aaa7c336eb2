//! The catalogue: a folder with `exercises/`, `datasets/` and `graders/`.

use std::path::{Path, PathBuf};

use crate::error::parse_toml;
use crate::{ExamError, ExamManifest, GraderManifest, SolutionManifest};

/// A catalogue of exams on disk.
#[derive(Debug, Clone)]
pub struct Catalogue {
    root: PathBuf,
}

/// One exam of the catalogue, with its manifest read and checked.
#[derive(Debug, Clone)]
pub struct Exam {
    /// The manifest.
    pub manifest: ExamManifest,
    /// Folder of the exam (`exercises/<id>`).
    pub dir: PathBuf,
    /// Folder of its data files (`datasets/<dataset>`).
    pub dataset_dir: PathBuf,
    /// Folder of its grader (`graders/<id>`).
    pub grader_dir: PathBuf,
}

impl Catalogue {
    /// Opens the catalogue at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, ExamError> {
        let root = root.into();
        if !root.join("exercises").is_dir() {
            return Err(ExamError::NotACatalogue { root });
        }
        Ok(Self { root })
    }

    /// Where the catalogue is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Identifiers of every exam, sorted.
    pub fn exam_ids(&self) -> Result<Vec<String>, ExamError> {
        folders_holding(&self.root.join("exercises"), "exam.toml")
    }

    /// Every exam, read and checked.
    pub fn exams(&self) -> Result<Vec<Exam>, ExamError> {
        self.exam_ids()?.iter().map(|id| self.exam(id)).collect()
    }

    /// The exam called `id`.
    pub fn exam(&self, id: &str) -> Result<Exam, ExamError> {
        let dir = self.root.join("exercises").join(id);
        let path = dir.join("exam.toml");
        if !path.is_file() {
            return Err(ExamError::UnknownExam {
                id: id.to_owned(),
                known: self.exam_ids()?.join(", "),
            });
        }
        let manifest: ExamManifest = parse_toml(&path)?;
        let inconsistent = |message: String| ExamError::Inconsistent {
            file: path.display().to_string(),
            message,
        };
        if manifest.id != id {
            return Err(inconsistent(format!(
                "the manifest says id = \"{}\" but lives in the folder `{id}`",
                manifest.id
            )));
        }
        let dataset_dir = self.root.join("datasets").join(&manifest.dataset);
        for table in &manifest.tables {
            if !dataset_dir.join(&table.source.file).is_file() {
                return Err(inconsistent(format!(
                    "table `{}` is loaded from `{}`, which is not in {}",
                    table.name,
                    table.source.file,
                    dataset_dir.display()
                )));
            }
        }
        for statement in std::iter::once(&manifest.statement.fr).chain(&manifest.statement.en) {
            if !dir.join(statement).is_file() {
                return Err(inconsistent(format!(
                    "the statement `{statement}` is missing"
                )));
            }
        }
        Ok(Exam {
            grader_dir: self.root.join("graders").join(id),
            manifest,
            dir,
            dataset_dir,
        })
    }
}

impl Exam {
    /// The exam's grading rules, checked against its manifest.
    pub fn grader(&self) -> Result<GraderManifest, ExamError> {
        let path = self.grader_dir.join("grader.toml");
        let grader: GraderManifest = parse_toml(&path)?;
        let inconsistent = |message: String| ExamError::Inconsistent {
            file: path.display().to_string(),
            message,
        };
        if grader.exam != self.manifest.id {
            return Err(inconsistent(format!(
                "grades the exam `{}`, not `{}`",
                grader.exam, self.manifest.id
            )));
        }
        for rules in &grader.tables {
            if !self.manifest.tables.iter().any(|t| t.name == rules.table) {
                return Err(inconsistent(format!(
                    "has rules for the table `{}`, which the exam does not ask for",
                    rules.table
                )));
            }
        }
        Ok(grader)
    }

    /// Names of the solutions shipped with the grader, sorted.
    pub fn solution_names(&self) -> Result<Vec<String>, ExamError> {
        folders_holding(&self.grader_dir.join("solutions"), "solution.toml")
    }

    /// The solution called `name`, and its folder.
    pub fn solution(&self, name: &str) -> Result<(SolutionManifest, PathBuf), ExamError> {
        let dir = self.grader_dir.join("solutions").join(name);
        let path = dir.join("solution.toml");
        if !path.is_file() {
            return Err(ExamError::Inconsistent {
                file: self.grader_dir.display().to_string(),
                message: format!(
                    "there is no solution `{name}` (known solutions: {})",
                    self.solution_names()?.join(", ")
                ),
            });
        }
        Ok((parse_toml(&path)?, dir))
    }
}

/// Names of the sub-folders of `dir` that hold a file called `marker`, sorted.
fn folders_holding(dir: &Path, marker: &str) -> Result<Vec<String>, ExamError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ExamError::io(dir, e))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join(marker).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}
