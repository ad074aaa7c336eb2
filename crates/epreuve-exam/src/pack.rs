//! The candidate-side catalogue: what a candidate's machine needs to start, check and submit
//! an exam (manifests, statements, the generator's preview, the public checks), and nothing
//! else: no reference solution, no hidden check, no expected query, no assessor's item.
//!
//! `epreuve pack <exam>… --out <dir>` writes it; `grade` and `demo` refuse it, because the
//! rules they need are not in it.

use std::path::{Path, PathBuf};

use crate::{Catalogue, ExamError};

/// The file that marks a folder as a candidate's pack.
pub const PACK_MARKER: &str = "pack.toml";

/// What a pack holds and what it left out.
#[derive(Debug, Clone, Default)]
pub struct PackSummary {
    /// Exams packed.
    pub exams: Vec<String>,
    /// Checks and tasks kept, as `exam: id`.
    pub public: Vec<String>,
    /// What was left out and why, as a catalogue message (`pack-left-*`, with `entry` as
    /// `exam: id`).
    pub left_out: Vec<epreuve_i18n::Said>,
}

impl Catalogue {
    /// Whether this catalogue is a candidate's pack, without the hidden rules.
    pub fn is_pack(&self) -> bool {
        self.root().join(PACK_MARKER).is_file()
    }

    /// Fails when this catalogue is a candidate's pack: `what` needs the full catalogue.
    pub fn require_full(&self, what: &str) -> Result<(), ExamError> {
        if self.is_pack() {
            return Err(ExamError::CandidatePack {
                root: self.root().to_path_buf(),
                what: what.to_owned(),
            });
        }
        Ok(())
    }

    /// Writes the candidate-side catalogue of `exams` into `out` (a new or empty folder).
    pub fn pack(&self, exams: &[String], out: &Path) -> Result<PackSummary, ExamError> {
        self.require_full("`pack`")?;
        if out.exists()
            && std::fs::read_dir(out)
                .map_err(|e| ExamError::io(out, e))?
                .next()
                .is_some()
        {
            return Err(ExamError::Inconsistent {
                file: out.display().to_string(),
                message: epreuve_i18n::said!("pack-not-empty"),
            });
        }
        // Written in a folder beside, then moved in place: a pack appears whole or not at all,
        // never as a folder without its marker that would pass for a full catalogue.
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| ExamError::io(&parent, e))?;
        let staging = parent.join(format!(
            ".{}.partial-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&staging);
        let written = self.write_pack(exams, &staging);
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
            return written;
        }
        if out.exists() {
            std::fs::remove_dir(out).map_err(|e| ExamError::io(out, e))?;
        }
        std::fs::rename(&staging, out).map_err(|e| ExamError::io(out, e))?;
        written
    }

    fn write_pack(&self, exams: &[String], out: &Path) -> Result<PackSummary, ExamError> {
        let mut summary = PackSummary::default();
        for id in exams {
            let exam = self.exam(id)?;
            // Checked whole first: a pack is made only of exams whose grader reads.
            exam.grader()?;
            copy_tree(&exam.dir, &out.join("exercises").join(id))?;
            copy_tree(
                &exam.dataset_dir,
                &out.join("datasets").join(&exam.manifest.dataset),
            )?;
            let text = std::fs::read_to_string(exam.grader_dir.join("grader.toml"))
                .map_err(|e| ExamError::io(&exam.grader_dir, e))?;
            let public = public_grader(&text, id, &mut summary)?;
            let dir = out.join("graders").join(id);
            std::fs::create_dir_all(&dir).map_err(|e| ExamError::io(&dir, e))?;
            std::fs::write(dir.join("grader.toml"), public).map_err(|e| ExamError::io(&dir, e))?;
            summary.exams.push(id.clone());
        }
        let marker = format!(
            "# A candidate's catalogue, made by `epreuve pack`: manifests, statements and the public\n\
             # checks only. Grading needs the centre's full catalogue.\nkind = \"candidate\"\nexams = [{}]\n",
            summary
                .exams
                .iter()
                .map(|e| format!("\"{e}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        std::fs::write(out.join(PACK_MARKER), marker).map_err(|e| ExamError::io(out, e))?;
        Ok(summary)
    }
}

/// The public part of a grader's TOML: public checks and tasks (and the hidden tasks a
/// public one reads, shown to nobody), no table families, no assessor's items.
fn public_grader(text: &str, exam: &str, summary: &mut PackSummary) -> Result<String, ExamError> {
    // The TOML library's own words.
    let fault = |error: String| ExamError::Inconsistent {
        file: format!("graders/{exam}/grader.toml"),
        message: epreuve_i18n::Said::verbatim(error),
    };
    let mut table: toml::Table = toml::from_str(text).map_err(|e| fault(e.to_string()))?;
    let is_public = |v: &toml::Value| v.get("public").and_then(toml::Value::as_bool) == Some(true);
    if let Some(toml::Value::Table(checks)) = table.get_mut("checks") {
        checks.retain(|kind, rule| {
            let keep = is_public(rule);
            let entry = format!("{exam}: {kind}");
            if keep {
                summary.public.push(entry);
            } else {
                summary
                    .left_out
                    .push(epreuve_i18n::said!("pack-left-hidden-check", entry = entry));
            }
            keep
        });
    }
    if let Some(toml::Value::Array(tables)) = table.get_mut("tables") {
        for rules in tables.iter_mut() {
            if let Some(rules) = rules.as_table_mut() {
                rules.remove("families");
            }
        }
    }
    if let Some(toml::Value::Array(tasks)) = table.get("tasks").cloned() {
        let id = |t: &toml::Value| {
            t.get("id")
                .and_then(toml::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let check = |t: &toml::Value| {
            t.get("check")
                .cloned()
                .unwrap_or(toml::Value::Table(toml::Table::new()))
        };
        // Tasks a public task reads (the timing task of the measurements).
        let needed: Vec<String> = tasks
            .iter()
            .filter(|t| is_public(t))
            .filter_map(|t| {
                check(t)
                    .get("timing")
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let mut kept = Vec::new();
        for task in tasks {
            let name = id(&task);
            let has_expected = check(&task).get("expected").is_some();
            if is_public(&task) && has_expected {
                summary.left_out.push(epreuve_i18n::said!(
                    "pack-left-hidden-query",
                    entry = format!("{exam}: {name}")
                ));
            } else if is_public(&task) {
                summary.public.push(format!("{exam}: {name}"));
                kept.push(task);
            } else if needed.contains(&name) && !has_expected {
                kept.push(task);
            } else {
                summary.left_out.push(epreuve_i18n::said!(
                    "pack-left-hidden-task",
                    entry = format!("{exam}: {name}")
                ));
            }
        }
        table.insert("tasks".into(), toml::Value::Array(kept));
    }
    if let Some(toml::Value::Array(items)) = table.remove("manual") {
        for item in items {
            let name = item.get("id").and_then(toml::Value::as_str).unwrap_or("");
            summary.left_out.push(epreuve_i18n::said!(
                "pack-left-manual",
                entry = format!("{exam}: {name}")
            ));
        }
    }
    // The grid reads the hidden checks too: the candidate's self-check shows checks, not
    // verdicts.
    table.remove("indicators");
    table.insert("public_only".into(), toml::Value::Boolean(true));
    let body = toml::to_string(&table).map_err(|e| fault(e.to_string()))?;
    Ok(format!(
        "# The public checks of {exam}, for the candidate's self-check (`epreuve check`).\n{body}"
    ))
}

/// Copies the folder `from` into `to`, regular files only.
fn copy_tree(from: &Path, to: &Path) -> Result<(), ExamError> {
    std::fs::create_dir_all(to).map_err(|e| ExamError::io(to, e))?;
    for entry in std::fs::read_dir(from)
        .map_err(|e| ExamError::io(from, e))?
        .flatten()
    {
        let path = entry.path();
        let target: PathBuf = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| ExamError::io(&path, e))?;
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &target).map_err(|e| ExamError::io(&path, e))?;
        }
    }
    Ok(())
}
