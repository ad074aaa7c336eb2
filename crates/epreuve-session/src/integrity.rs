//! Checksums of the data files handed out, and the files ground truth is computed from:
//! never the workspace's copies (which the candidate can change, or replace with a FIFO), but
//! the files the candidate's seed produces, or the catalogue's.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use epreuve_fs::{FsError, Root, limits};
use epreuve_results::{DataFinding, Note};

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
    pub notes: Vec<Note>,
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
                boundary: spec.boundary.as_ref().and_then(|b| {
                    Some(epreuve_data::generate::SalesBoundary {
                        store: b.store_index()?,
                        amount_cents: b.amount_cents,
                    })
                }),
            },
            progress,
        )
        .map_err(|e| SessionError::Generate { message: e.said() }),
    }
}

/// Ground truth for a generated exam: the files the candidate's seed produces. When the
/// centre recorded their checksums (`trusted`) and the workspace's copies, copied privately,
/// still have them, those copies are those files, byte for byte, and generating a million
/// lines again is spared. Otherwise they are regenerated, and the workspace's copies are
/// compared with them, and with the checksums recorded at start, for the notes.
pub(crate) fn regenerated_truth(
    spec: &epreuve_exam::GeneratorSpec,
    seed: u64,
    files: &[DataFile],
    trusted: bool,
    data: Option<&Root>,
) -> Result<TruthSource, SessionError> {
    let temp = tempfile::Builder::new()
        .prefix("epreuve-truth-")
        .tempdir()
        .map_err(SessionError::io("create", &std::env::temp_dir()))?;
    if trusted
        && let Some(data) = data
        && !files.is_empty()
        && files.iter().all(|file| {
            copy_with_digest(data, &file.name, &temp.path().join(&file.name)).as_deref()
                == Some(file.sha256.as_str())
        })
    {
        return Ok(TruthSource {
            dir: temp.path().to_path_buf(),
            notes: Vec::new(),
            _regenerated: Some(std::sync::Arc::new(temp)),
        });
    }
    generate(spec, seed, temp.path(), &mut |_, _| {})?;
    let mut notes = Vec::new();
    for file in files {
        let original = sha256_file(&temp.path().join(&file.name)).ok();
        if original.as_deref() != Some(file.sha256.as_str()) {
            notes.push(Note::DataFile {
                file: file.name.clone(),
                finding: DataFinding::RecordedChecksumDiffers,
            });
        }
        if let Some(note) = compare(data, &file.name, original.as_deref()) {
            notes.push(note);
        }
    }
    Ok(TruthSource {
        dir: temp.path().to_path_buf(),
        notes,
        _regenerated: Some(std::sync::Arc::new(temp)),
    })
}

/// Ground truth for an exam of fixed files: the catalogue's copy when it still has the
/// checksum recorded at start; else the workspace's copy, copied privately, when it has the
/// checksum the centre recorded (`trusted`); else there is no original left. Checksums that
/// only the candidate's `state.json` vouches for never make the workspace's copy the truth.
pub(crate) fn truth_source(
    files: &[DataFile],
    trusted: bool,
    data: Option<&Root>,
    original_dir: &Path,
) -> Result<TruthSource, SessionError> {
    let mut notes = Vec::new();
    let mut from_workspace = Vec::new();
    for file in files {
        let original = sha256_file(&original_dir.join(&file.name)).ok();
        if original.as_deref() == Some(file.sha256.as_str()) {
            if let Some(note) = compare(data, &file.name, original.as_deref()) {
                notes.push(note);
            }
            continue;
        }
        let handed_out = data.and_then(|d| sha256_in(d, &file.name).ok());
        match (trusted, handed_out) {
            (true, Some(found)) if found == file.sha256 => {
                notes.push(Note::DataFile {
                    file: file.name.clone(),
                    finding: DataFinding::CatalogueCopyChanged,
                });
                from_workspace.push(file);
            }
            (_, found) => {
                return Err(SessionError::DataChanged {
                    file: file.name.clone(),
                    what: if found.is_some() {
                        "changed"
                    } else {
                        "deleted"
                    },
                });
            }
        }
    }
    if from_workspace.is_empty() {
        return Ok(TruthSource {
            dir: original_dir.to_path_buf(),
            notes,
            _regenerated: None,
        });
    }
    let temp = tempfile::Builder::new()
        .prefix("epreuve-truth-")
        .tempdir()
        .map_err(SessionError::io("create", &std::env::temp_dir()))?;
    for file in files {
        let target = temp.path().join(&file.name);
        match (from_workspace.contains(&file), data) {
            (true, Some(data)) => {
                data.copy(&file.name, &target, limits::DATA)?;
            }
            _ => {
                std::fs::copy(original_dir.join(&file.name), &target)
                    .map_err(SessionError::io("copy", original_dir))?;
            }
        }
    }
    Ok(TruthSource {
        dir: temp.path().to_path_buf(),
        notes,
        _regenerated: Some(std::sync::Arc::new(temp)),
    })
}

/// A note when the workspace's `data/<name>` is not the original (of checksum `original`).
fn compare(data: Option<&Root>, name: &str, original: Option<&str>) -> Option<Note> {
    let data = data?;
    let finding = match sha256_in(data, name) {
        Ok(found) if Some(found.as_str()) == original => return None,
        Ok(_) => DataFinding::Differs,
        Err(FsError::Missing { .. }) => DataFinding::Deleted,
        Err(refused) => DataFinding::Unreadable {
            why: refused.to_string(),
        },
    };
    Some(Note::DataFile {
        file: name.to_owned(),
        finding,
    })
}

/// SHA-256 of a file epreuve trusts (one it wrote, or of the catalogue), hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    digest(std::fs::File::open(path)?)
}

/// SHA-256 of `relative` in a folder epreuve does not trust: a regular file inside it only.
pub fn sha256_in(root: &Root, relative: impl AsRef<Path>) -> Result<String, FsError> {
    let relative = relative.as_ref();
    let (file, _) = root.open(relative, limits::DATABASE)?;
    digest(file).map_err(|source| FsError::Io {
        action: "read",
        path: relative.to_path_buf(),
        source,
    })
}

/// Copies `name` out of `data` to `target` (a private path) and returns the SHA-256 of the
/// bytes copied, read once; `None` when the file is refused or cannot be copied.
fn copy_with_digest(data: &Root, name: &str, target: &Path) -> Option<String> {
    let (file, _) = data.open(name, limits::DATA).ok()?;
    let mut out = std::fs::File::create(target).ok()?;
    digest_into(file, &mut out).ok()
}

fn digest(file: std::fs::File) -> std::io::Result<String> {
    digest_into(file, &mut std::io::sink())
}

/// The SHA-256 of what `file` holds, hex, each block also written to `out`.
fn digest_into(mut file: std::fs::File, out: &mut dyn std::io::Write) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n])?;
    }
    Ok(epreuve_data::hex(&hasher.finalize()))
}
