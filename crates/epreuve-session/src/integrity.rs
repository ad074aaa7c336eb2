//! Checksums of the data files handed out, and the choice of the files ground truth is computed
//! from: the candidate's own copy when it is intact, else the catalogue's original.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SessionError;

/// A data file handed to the candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataFile {
    /// File name inside `data/`.
    pub name: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Where ground truth is read from.
#[derive(Debug, Clone)]
pub struct TruthSource {
    /// Folder holding intact copies of every data file.
    pub dir: PathBuf,
    /// What the assessor should know (files changed by the candidate and replaced).
    pub notes: Vec<String>,
    /// The temporary folder of regenerated files, kept as long as `dir` is used.
    _regenerated: Option<std::sync::Arc<tempfile::TempDir>>,
}

/// Writes the files of `spec` for `seed` into `dir`, calling `progress(lines written, lines
/// in all)` as the sales lines are written.
pub(crate) fn generate(
    spec: &epreuve_exam::GeneratorSpec,
    seed: u64,
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), SessionError> {
    match spec.kind {
        epreuve_exam::GeneratorKind::Retail => epreuve_data::generate::write_retail_with_progress(
            dir,
            seed,
            epreuve_data::generate::RetailScale {
                sales: spec.sales,
                stores: spec.stores,
                dirty: spec.dirty,
            },
            progress,
        )
        .map_err(|e| SessionError::Generate {
            message: e.to_string(),
        }),
    }
}

/// Ground truth for a generated exam: the candidate's files when they are byte for byte the
/// ones their seed produces, else the regenerated ones, with a note per file that differs.
pub(crate) fn regenerated_truth(
    spec: &epreuve_exam::GeneratorSpec,
    seed: u64,
    files: &[DataFile],
    data_dir: &Path,
) -> Result<TruthSource, SessionError> {
    let temp = tempfile::Builder::new()
        .prefix("epreuve-truth-")
        .tempdir()
        .map_err(SessionError::io("create", &std::env::temp_dir()))?;
    generate(spec, seed, temp.path(), &mut |_, _| {})?;
    let mut notes = Vec::new();
    for file in files {
        let original = sha256_file(&temp.path().join(&file.name)).ok();
        match sha256_file(&data_dir.join(&file.name)) {
            Ok(found) if Some(&found) == original.as_ref() => {}
            Ok(_) => notes.push(format!(
                "data/{} differs from the file this candidate was given; ground truth was computed from the regenerated original",
                file.name
            )),
            Err(_) => notes.push(format!(
                "data/{} was deleted in the workspace; ground truth was computed from the regenerated original",
                file.name
            )),
        }
    }
    if notes.is_empty() {
        return Ok(TruthSource {
            dir: data_dir.to_path_buf(),
            notes,
            _regenerated: None,
        });
    }
    Ok(TruthSource {
        dir: temp.path().to_path_buf(),
        notes,
        _regenerated: Some(std::sync::Arc::new(temp)),
    })
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Picks the folder ground truth is read from: `data_dir` when every file is intact, else
/// `original_dir` when all its copies carry the recorded checksums.
pub(crate) fn truth_source(
    files: &[DataFile],
    data_dir: &Path,
    original_dir: &Path,
) -> Result<TruthSource, SessionError> {
    let intact = |dir: &Path, file: &DataFile| {
        sha256_file(&dir.join(&file.name))
            .ok()
            .map(|s| s == file.sha256)
    };
    let damaged: Vec<(&DataFile, &'static str)> = files
        .iter()
        .filter_map(|file| match intact(data_dir, file) {
            Some(true) => None,
            Some(false) => Some((file, "changed")),
            None => Some((file, "deleted")),
        })
        .collect();
    let Some(&(first, what)) = damaged.first() else {
        return Ok(TruthSource {
            dir: data_dir.to_path_buf(),
            notes: Vec::new(),
            _regenerated: None,
        });
    };
    if !files
        .iter()
        .all(|file| intact(original_dir, file) == Some(true))
    {
        return Err(SessionError::DataChanged {
            file: first.name.clone(),
            what,
        });
    }
    let notes = damaged
        .iter()
        .map(|(file, what)| {
            format!(
                "data/{} was {what} in the workspace; ground truth was computed from the original copy",
                file.name
            )
        })
        .collect();
    Ok(TruthSource {
        dir: original_dir.to_path_buf(),
        notes,
        _regenerated: None,
    })
}
