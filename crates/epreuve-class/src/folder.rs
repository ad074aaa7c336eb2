//! The class folder and its `class.toml`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use epreuve_provision::Route;
use epreuve_results::{Engine, Member};
use serde::{Deserialize, Serialize};

use crate::ClassError;

/// What `class.toml` records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassManifest {
    /// Exam identifier.
    pub exam: String,
    /// The engine every candidate got.
    pub engine: Engine,
    /// How their databases came to be.
    pub route: Route,
    /// When the class was prepared.
    pub created_at: DateTime<Utc>,
    /// The candidates, in the roster's order.
    pub members: Vec<Member>,
}

/// A class folder.
#[derive(Debug, Clone)]
pub struct Class {
    dir: PathBuf,
    /// Its manifest.
    pub manifest: ClassManifest,
}

const MANIFEST: &str = "class.toml";

impl Class {
    /// Opens the class in `dir`.
    pub fn open(dir: &Path) -> Result<Self, ClassError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ClassError::NoClass {
                    dir: dir.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(ClassError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        };
        let manifest = toml::from_str(&text).map_err(|e| ClassError::Manifest {
            path: path.clone(),
            why: e.to_string(),
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// A class of `manifest` in `dir`, its manifest written (whole or not at all).
    pub(crate) fn create(dir: &Path, manifest: ClassManifest) -> Result<Self, ClassError> {
        let class = Self {
            dir: dir.to_path_buf(),
            manifest,
        };
        for folder in [
            class.dir.clone(),
            class.centre_dir(),
            class.workspaces_dir(),
        ] {
            std::fs::create_dir_all(&folder).map_err(|source| ClassError::Io {
                action: "create",
                path: folder.clone(),
                source,
            })?;
        }
        class.save()?;
        Ok(class)
    }

    /// Writes `class.toml` whole or not at all.
    pub(crate) fn save(&self) -> Result<(), ClassError> {
        let text = toml::to_string_pretty(&self.manifest).unwrap_or_default();
        epreuve_fs::write_atomic(&self.dir.join(MANIFEST), text.as_bytes())?;
        Ok(())
    }

    /// The class folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The centre's records of the class's workspaces.
    pub fn centre_dir(&self) -> PathBuf {
        self.dir.join("centre")
    }

    /// The class's secret, kept in its `centre/` (readable by the centre's account only) and
    /// drawn the first time it is needed: what seals its result files, and what the
    /// candidates' data are drawn from with their identifiers, so that no one holding the
    /// candidate-side pack can make a candidate's files.
    pub fn secret(&self) -> Result<String, ClassError> {
        epreuve_session::Centre::of_class(self.centre_dir())
            .secret()
            .map(Option::unwrap_or_default)
            .map_err(ClassError::from)
    }

    /// Where `class collect` recorded the seal of the submission it took for candidate `id`.
    pub(crate) fn collected_file(&self, id: &str) -> PathBuf {
        self.centre_dir()
            .join("collected")
            .join(format!("{id}.json"))
    }

    /// The seal of the submission `class collect` took for candidate `id`, as it recorded it.
    pub fn collected_seal(&self, id: &str) -> Option<String> {
        let bytes = std::fs::read(self.collected_file(id)).ok()?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        value["seal"].as_str().map(str::to_owned)
    }

    /// The folder of the workspaces.
    pub fn workspaces_dir(&self) -> PathBuf {
        self.dir.join("workspaces")
    }

    /// The workspace of candidate `id`.
    pub fn workspace(&self, id: &str) -> PathBuf {
        self.workspaces_dir().join(id)
    }

    /// The last grading of candidate `id`.
    pub fn result_file(&self, id: &str) -> PathBuf {
        self.dir.join("results").join(format!("{id}.json"))
    }

    /// Whose data each candidate's tables hold, as the last grading of the class found.
    pub fn copying_file(&self) -> PathBuf {
        self.dir.join("copying.json")
    }

    /// The assessor's scores of candidate `id`'s manual items, when the assessor wrote some.
    pub fn evaluation_file(&self, id: &str) -> PathBuf {
        self.dir.join("evaluations").join(format!("{id}.toml"))
    }
}
