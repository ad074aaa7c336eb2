//! `class handout` and `class collect`: a class whose candidates work on machines of their
//! own. The handout is, per candidate, what goes to their machine: the candidate-side
//! catalogue of the exam (no reference, no hidden check) and the workspace the centre
//! prepared for them. Collecting takes back the files `epreuve submit --out` wrote, one per
//! candidate: each is checked (its seal, its exam, its candidate, a log that goes on from the
//! workspace prepared for them) and taken into that workspace, or refused with the reason,
//! never graded silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use epreuve_exam::Catalogue;
use epreuve_session::{CollectedBundle, Workspace, read_bundle_file};

use crate::{Class, ClassError};
use epreuve_i18n::{Said, said};

/// What `collect` did.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Candidates whose submission was taken, the file it came from, and its seal.
    pub taken: Vec<(String, PathBuf, String)>,
    /// Files refused, and why.
    pub refused: Vec<(PathBuf, Said)>,
}

/// Takes the submission files `files` (files, or folders whose files are taken) into the
/// class's workspaces.
pub fn collect(class: &Class, files: &[PathBuf]) -> Collected {
    let mut summary = Collected::default();
    let mut read: BTreeMap<String, Vec<CollectedBundle>> = BTreeMap::new();
    for file in expand(files, &mut summary) {
        match read_bundle_file(&file) {
            Ok(bundle) => {
                let candidate = bundle.facts.candidate.clone();
                // A file named for a candidate of the class that holds another's submission
                // is a mix-up (or a swap): neither is taken on its word.
                // The member a file is named for: the longest identifier the name is, or
                // begins with before a dot (`a.b.tar` is `a.b`'s, not `a`'s).
                let file_name = file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let named = class
                    .manifest
                    .members
                    .iter()
                    .map(|m| m.id.as_str())
                    .filter(|id| {
                        file_name
                            .strip_prefix(id)
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                    })
                    .max_by_key(|id| id.len())
                    .map(str::to_owned);
                if let Some(named) = named.filter(|named| *named != candidate) {
                    summary.refused.push((
                        file,
                        said!(
                            "collect-named-for-other",
                            named = &named,
                            candidate = &candidate
                        ),
                    ));
                    continue;
                }
                read.entry(candidate).or_default().push(bundle);
            }
            Err(e) => summary.refused.push((file, why_refused(e))),
        }
    }
    for (candidate, bundles) in read {
        if !class.manifest.members.iter().any(|m| m.id == candidate) {
            for b in bundles {
                summary.refused.push((
                    b.path.clone(),
                    said!("collect-not-in-class", candidate = &candidate),
                ));
            }
            continue;
        }
        if bundles.len() > 1 {
            let names: Vec<String> = bundles
                .iter()
                .map(|b| b.path.display().to_string())
                .collect();
            for b in &bundles {
                summary.refused.push((
                    b.path.clone(),
                    said!(
                        "collect-several",
                        candidate = &candidate,
                        n = bundles.len(),
                        files = names.join(", ")
                    ),
                ));
            }
            continue;
        }
        let bundle = &bundles[0];
        match take(class, &candidate, bundle).and_then(|()| record_seal(class, &candidate, bundle))
        {
            Ok(()) => summary
                .taken
                .push((candidate, bundle.path.clone(), bundle.seal.clone())),
            Err(why) => summary.refused.push((bundle.path.clone(), why)),
        }
    }
    summary
}

/// Takes `bundle` into `candidate`'s workspace, holding its lock.
fn take(class: &Class, candidate: &str, bundle: &CollectedBundle) -> Result<(), Said> {
    let mut workspace = Workspace::open(&class.workspace(candidate)).map_err(why_refused)?;
    let _lock = workspace
        .lock("class collect", |_| {})
        .map_err(|e| e.said())?;
    workspace
        .import_submission(bundle)
        .map(|_| ())
        .map_err(why_refused)
}

/// Why a submission file is refused: the file's fault as said of it, any other error whole.
fn why_refused(error: epreuve_session::SessionError) -> Said {
    match error {
        epreuve_session::SessionError::BundleFile { why, .. } => why,
        other => other.said(),
    }
}

/// Records, in the class's `centre/`, the seal of the submission taken for `candidate`: the
/// class report shows it, for the proctor to compare with the seal `submit` showed.
fn record_seal(class: &Class, candidate: &str, bundle: &CollectedBundle) -> Result<(), Said> {
    let path = class.collected_file(candidate);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| epreuve_i18n::io_error("create", parent, &e))?;
    }
    let text = serde_json::to_vec_pretty(&serde_json::json!({
        "seal": bundle.seal,
        "file": bundle.path.display().to_string(),
        "submitted_at": bundle.facts.at,
        "collected_at": chrono::Utc::now(),
    }))
    .unwrap_or_default();
    epreuve_fs::write_atomic(&path, &text).map_err(|e| e.said())
}

/// The files named, a folder standing for the files in it (hidden ones aside), sorted.
fn expand(files: &[PathBuf], summary: &mut Collected) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in files {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| e.path())
                    .collect();
                inside.sort();
                out.extend(inside);
            }
            Ok(_) => out.push(path.clone()),
            Err(e) => summary.refused.push((
                path.clone(),
                said!("collect-unreadable", error = e.to_string()),
            )),
        }
    }
    out
}

/// What `handout` wrote.
#[derive(Debug, Clone, Default)]
pub struct Handout {
    /// Candidates whose folder was written.
    pub written: Vec<String>,
    /// Candidates whose folder could not be written, and why.
    pub failed: Vec<(String, Said)>,
}

/// Writes into `out/<id>/`, for each candidate, what goes to their machine: `catalogue/`, the
/// candidate-side catalogue of the class's exam, and `workspace/`, the workspace prepared for
/// them (its database, data, clock and log; the centre's record stays in the class).
pub fn handout(class: &Class, catalogue: &Catalogue, out: &Path) -> Result<Handout, ClassError> {
    let mut summary = Handout::default();
    let exams = [class.manifest.exam.clone()];
    for member in &class.manifest.members {
        let folder = out.join(&member.id);
        let result = (|| -> Result<(), Said> {
            if folder.exists() {
                return Err(said!(
                    "handout-exists",
                    folder = folder.display().to_string()
                ));
            }
            let workspace = class.workspace(&member.id);
            // No command may write the workspace while it is copied.
            let opened = Workspace::open(&workspace).map_err(|e| e.said())?;
            let _lock = opened.lock("class handout", |_| {}).map_err(|e| e.said())?;
            let staging = out.join(format!(".{}.partial", member.id));
            let _ = std::fs::remove_dir_all(&staging);
            let written = catalogue
                .pack(&exams, &staging.join("catalogue"))
                .map_err(|e| e.said())
                .and_then(|_| {
                    // Its lock file aside: the handout is a workspace no command holds.
                    epreuve_fs::copy_tree(&workspace, &staging.join("workspace"), &["lock"])
                        .map_err(|e| e.said())
                });
            if let Err(why) = written {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(why);
            }
            std::fs::rename(&staging, &folder)
                .map_err(|e| epreuve_i18n::io_error("move", &staging, &e))
        })();
        match result {
            Ok(()) => summary.written.push(member.id.clone()),
            Err(why) => summary.failed.push((member.id.clone(), why)),
        }
    }
    Ok(summary)
}
