//! A submission as one file, for a centre whose candidates work on machines of their own:
//! `submit --out <file>` writes the sealed bundle into a tar archive, the centre gathers one
//! file per candidate, and `class collect` takes each into the workspace the centre prepared
//! for that candidate.
//!
//! A gathered file is hostile input: only regular files and folders under `bundle/` are read,
//! never a link, a device or a path that climbs out; the seal must name every file with its
//! checksum; the bundle must be this exam's and this candidate's; and its action log must go
//! on from the log of the workspace the centre prepared, so that a bundle made from another
//! workspace (another candidate's, or one started anew) is refused, never graded.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use epreuve_fs::{Listed, Root, limits};

use crate::log::LOG_FILE;
use crate::submit::{SEAL, SUBMISSIONS, Seal, SubmittedFacts, bundle_name, hash_tree, keep_only};
use crate::{SessionError, SubmissionRecord, Workspace, verify_chain};
use epreuve_i18n::{Said, said};
use epreuve_results::clean_text;

/// The folder of the archive that holds the bundle's files.
const PREFIX: &str = "bundle";

/// A bundle read from a gathered file, its seal checked, not yet taken by a workspace.
#[derive(Debug)]
pub struct CollectedBundle {
    /// The file it came from.
    pub path: PathBuf,
    /// What the bundle says of itself: exam, candidate, time, deadline.
    pub facts: SubmittedFacts,
    /// The checksum of its seal.
    pub seal: String,
    /// Its action log.
    log: String,
    /// Its files, unpacked.
    dir: tempfile::TempDir,
}

impl Workspace {
    /// Writes the submission `state.json` names into `out` as one tar archive, whole or not
    /// at all.
    pub fn export_submission(&self, out: &Path) -> Result<(), SessionError> {
        let Some(record) = &self.state().submitted else {
            return Err(SessionError::BundleFile {
                path: out.to_path_buf(),
                why: said!("bundle-not-submitted"),
            });
        };
        let bundle = self
            .hidden
            .sub(Path::new(SUBMISSIONS).join(&record.bundle))?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut temp =
            tempfile::NamedTempFile::new_in(&parent).map_err(SessionError::io("write", out))?;
        {
            let mut archive = tar::Builder::new(temp.as_file_mut());
            for entry in bundle.list("")? {
                let Listed::File(relative) = entry else {
                    continue;
                };
                let (mut file, size) = bundle.open(&relative, limits::DATABASE)?;
                let mut header = tar::Header::new_gnu();
                header.set_size(size);
                header.set_mode(0o644);
                header.set_entry_type(tar::EntryType::Regular);
                archive
                    .append_data(&mut header, Path::new(PREFIX).join(&relative), &mut file)
                    .map_err(SessionError::io("write", out))?;
            }
            archive.finish().map_err(SessionError::io("write", out))?;
        }
        temp.as_file_mut()
            .flush()
            .and_then(|()| temp.as_file().sync_all())
            .map_err(SessionError::io("write", out))?;
        temp.persist(out)
            .map_err(|e| SessionError::io("write", out)(e.error))?;
        Ok(())
    }

    /// Takes `bundle` as this workspace's submission, if it is this exam's and this
    /// candidate's and was made from this workspace (its log goes on from this one's). The
    /// caller holds the workspace's lock.
    pub fn import_submission(
        &mut self,
        bundle: &CollectedBundle,
    ) -> Result<SubmissionRecord, SessionError> {
        let refuse = |why: Said| SessionError::BundleFile {
            path: bundle.path.clone(),
            why,
        };
        let state = self.state();
        if bundle.facts.exam != state.exam {
            return Err(refuse(said!(
                "bundle-other-exam",
                found = &bundle.facts.exam,
                expected = &state.exam
            )));
        }
        if bundle.facts.candidate != state.candidate {
            return Err(refuse(said!(
                "bundle-other-candidate",
                found = &bundle.facts.candidate,
                expected = &state.candidate
            )));
        }
        let prepared = self
            .hidden
            .read_to_string(LOG_FILE, limits::LOG)
            .unwrap_or_default();
        if !bundle.log.starts_with(&prepared) {
            return Err(refuse(said!(
                "bundle-other-workspace",
                candidate = &state.candidate
            )));
        }
        let submissions = self.hidden_dir().join(SUBMISSIONS);
        std::fs::create_dir_all(&submissions).map_err(SessionError::io("create", &submissions))?;
        let name = bundle_name(&submissions, bundle.facts.at);
        let staging = submissions.join(format!(".staging-{name}"));
        let copied = epreuve_fs::copy_tree(bundle.dir.path(), &staging, &[]);
        if let Err(error) = copied {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error.into());
        }
        epreuve_fs::publish_dir(&staging, &submissions.join(&name))?;
        // The log goes on from the bundle's, as on the candidate's machine.
        epreuve_fs::write_atomic(&self.hidden_dir().join(LOG_FILE), bundle.log.as_bytes())?;
        let record = SubmissionRecord {
            at: bundle.facts.at,
            late: bundle.facts.late,
            bundle: name.clone(),
            seal: bundle.seal.clone(),
        };
        self.state_mut().submitted = Some(record.clone());
        self.save_state()?;
        keep_only(&submissions, &name);
        Ok(record)
    }
}

/// Reads a submission file gathered from a candidate's machine: unpacked into a private
/// folder (regular files and folders under `bundle/` only), its seal checked against every
/// file, its log's chain checked.
pub fn read_bundle_file(path: &Path) -> Result<CollectedBundle, SessionError> {
    let refuse = |why: Said| SessionError::BundleFile {
        path: path.to_path_buf(),
        why,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| refuse(said!("bundle-not-a-file")))?;
    let (file, _) = Root::new(&parent)?.open(name, limits::DATABASE)?;
    let dir = tempfile::Builder::new()
        .prefix("epreuve-collect-")
        .tempdir()
        .map_err(SessionError::io("create", &std::env::temp_dir()))?;
    unpack(file, dir.path(), &refuse)?;
    let seal_bytes = check_seal(dir.path(), &refuse)?;
    let facts: SubmittedFacts = std::fs::read(dir.path().join("submission.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| refuse(said!("bundle-no-facts")))?;
    let log = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap_or_default();
    if let Err(problem) = verify_chain(&log) {
        return Err(refuse(said!("bundle-log-broken", problem = problem)));
    }
    Ok(CollectedBundle {
        path: path.to_path_buf(),
        facts,
        seal: epreuve_data::hex(&<sha2::Sha256 as sha2::Digest>::digest(&seal_bytes)),
        log,
        dir,
    })
}

/// How a submission file is refused: with why, in a sentence.
type Refuse<'a> = &'a dyn Fn(Said) -> SessionError;

/// Unpacks the submission file `file` into `dir`: only regular files and folders under
/// `bundle/`, none climbing out, none twice, within epreuve's limits of entries and bytes.
fn unpack(file: std::fs::File, dir: &Path, refuse: Refuse<'_>) -> Result<(), SessionError> {
    let mut archive = tar::Archive::new(file);
    let mut total: u64 = 0;
    let unreadable = |e: std::io::Error| refuse(said!("bundle-not-tar", error = e.to_string()));
    let entries = archive.entries().map_err(unreadable)?;
    for (count, entry) in entries.enumerate() {
        if count >= limits::ENTRIES {
            return Err(refuse(said!("bundle-too-many", max = limits::ENTRIES)));
        }
        let mut entry = entry.map_err(unreadable)?;
        let Some((relative, shown)) = entry_path(&entry, refuse)? else {
            continue;
        };
        let size = entry.header().size().unwrap_or(u64::MAX);
        total = total.saturating_add(size);
        if total > limits::DATABASE {
            return Err(refuse(said!("bundle-too-large", max = limits::DATABASE)));
        }
        let target = dir.join(&relative);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(SessionError::io("create", folder))?;
        }
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|_| refuse(said!("bundle-twice", entry = &shown)))?;
        std::io::copy(&mut (&mut entry).take(size), &mut out).map_err(|e| {
            refuse(said!(
                "bundle-entry-unreadable",
                entry = &shown,
                error = e.to_string()
            ))
        })?;
    }
    Ok(())
}

/// Where an entry of the archive goes under `bundle/`, and its name as shown; none for a
/// folder (made with the files it holds). Refused: a path outside `bundle/` or climbing out,
/// anything but a regular file or a folder.
fn entry_path(
    entry: &tar::Entry<'_, std::fs::File>,
    refuse: Refuse<'_>,
) -> Result<Option<(PathBuf, String)>, SessionError> {
    let kind = entry.header().entry_type();
    let inside = entry
        .path()
        .map_err(|e| refuse(said!("bundle-name-unreadable", error = e.to_string())))?
        .into_owned();
    let shown = inside.display().to_string();
    let mut parts = inside.components();
    if parts.next() != Some(Component::Normal(PREFIX.as_ref())) {
        return Err(refuse(said!(
            "bundle-outside",
            entry = &shown,
            prefix = PREFIX
        )));
    }
    let relative: PathBuf = parts.as_path().to_path_buf();
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(refuse(said!("bundle-climbs", entry = &shown)));
    }
    match kind {
        tar::EntryType::Directory => return Ok(None),
        tar::EntryType::Regular | tar::EntryType::Continuous => {}
        other => {
            return Err(refuse(said!(
                "bundle-not-regular",
                entry = &shown,
                kind = format!("{other:?}")
            )));
        }
    }
    Ok((!relative.as_os_str().is_empty()).then_some((relative, shown)))
}

/// The seal of the unpacked submission in `dir`, as its bytes, once it is found to name every
/// other file with its checksum, and nothing else is there.
fn check_seal(dir: &Path, refuse: Refuse<'_>) -> Result<Vec<u8>, SessionError> {
    let seal_bytes = std::fs::read(dir.join(SEAL)).map_err(|_| refuse(said!("bundle-no-seal")))?;
    let seal: Seal = serde_json::from_slice(&seal_bytes)
        .map_err(|e| refuse(said!("bundle-seal-unreadable", error = e.to_string())))?;
    let found = hash_tree(dir)?;
    let mut broken: Vec<Said> = Vec::new();
    for (file, sha) in &seal.files {
        match found.get(file) {
            Some(now) if now == sha => {}
            Some(_) => broken.push(said!("bundle-file-changed", file = clean_text(file))),
            None => broken.push(said!("bundle-file-missing", file = clean_text(file))),
        }
    }
    for file in found.keys() {
        if !seal.files.contains_key(file) {
            broken.push(said!("bundle-file-added", file = clean_text(file)));
        }
    }
    if !broken.is_empty() {
        return Err(refuse(said!("bundle-seal-broken", broken = broken)));
    }
    Ok(seal_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive of `entries` (name, kind, content) written by hand, as a hostile file is.
    fn archive(dir: &Path, entries: &[(&str, tar::EntryType, &[u8])]) -> PathBuf {
        let path = dir.join("file.tar");
        let mut builder = tar::Builder::new(std::fs::File::create(&path).unwrap());
        for (name, kind, content) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            if *kind == tar::EntryType::Symlink {
                header.set_link_name("/etc/passwd").unwrap();
            }
            // Written raw: `append_data` would refuse the names a hostile archive holds.
            let bytes = name.as_bytes();
            header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
            header.set_cksum();
            builder.append(&header, *content).unwrap();
        }
        builder.finish().unwrap();
        path
    }

    fn refused(entries: &[(&str, tar::EntryType, &[u8])]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = archive(dir.path(), entries);
        read_bundle_file(&path).unwrap_err().to_string()
    }

    #[test]
    fn a_hostile_archive_is_refused_with_the_reason() {
        let regular = tar::EntryType::Regular;
        assert!(
            refused(&[("bundle/../../escape", regular, b"x")]).contains("climbs out"),
            "parent folders"
        );
        assert!(refused(&[("/etc/cron.d/x", regular, b"x")]).contains("outside `bundle/`"));
        assert!(
            refused(&[("bundle/answers/a.sql", tar::EntryType::Symlink, b"")])
                .contains("not a regular file")
        );
        assert!(refused(&[("bundle/x", tar::EntryType::Fifo, b"")]).contains("not a regular file"));
        assert!(refused(&[("bundle/answers/a.sql", regular, b"SELECT 1")]).contains("no seal"));
        assert!(
            refused(&[("bundle/a", regular, b"1"), ("bundle/a", regular, b"2"),]).contains("twice")
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file.tar"), b"not an archive at all").unwrap();
        let why = read_bundle_file(&dir.path().join("file.tar"))
            .unwrap_err()
            .to_string();
        assert!(why.contains("file.tar"), "{why}");
    }
}
