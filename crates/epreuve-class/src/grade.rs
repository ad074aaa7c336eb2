//! `class grade`: every candidate graded as `grade` grades one, on every core. A candidate's
//! failure is theirs alone ("not gradable", with the reason; the others go on). Each result
//! is written whole as soon as it is known, with a fingerprint of what it graded (the sealed
//! submission, the grader, epreuve's version): run again after an interruption, the grading
//! resumes with the candidates not graded yet. A regrade grades everyone again and says whose
//! score moved, by how much, and through which checks.

use std::panic::AssertUnwindSafe;
use std::path::Path;

use chrono::{DateTime, Utc};
use epreuve_exam::Catalogue;
use epreuve_grade::{StrayRows, Visibility};
use epreuve_grading::Request;
use epreuve_provision::Cancel;
use epreuve_results::{CandidateOutcome, ClassReport, Member, Movement, Outcome, Spoken};
use epreuve_session::{Centre, Workspace};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Class, ClassError};

/// How a class is graded.
#[derive(Debug, Clone)]
pub struct GradeOptions {
    /// Candidates graded at once.
    pub jobs: usize,
    /// Grade everyone again, even the candidates whose submission and grader did not change.
    pub regrade: bool,
    /// Set by Ctrl-C: no new candidate is taken; what is graded stays.
    pub cancel: Cancel,
}

/// What `grade_class` did.
#[derive(Debug, Clone, Default)]
pub struct GradeSummary {
    /// Candidates graded now.
    pub graded: usize,
    /// Candidates whose last grading still stands (same submission, same grader).
    pub kept: usize,
    /// Candidates left for a later run (interrupted).
    pub left: usize,
    /// Candidates whose score or points moved since their last grading.
    pub moved: Vec<Movement>,
    /// Candidates whose result file no longer matched its seal (edited by hand since it was
    /// written): graded again, never kept.
    pub changed: Vec<String>,
}

/// What became of one candidate in a grading of the class.
enum Fate {
    /// Graded now; how their score moved since their last grading, if it did.
    Graded(Option<Movement>),
    /// Their last grading stands.
    Kept,
    /// Left for a later run.
    Left,
}

/// A result file: the outcome and what it graded.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    /// What was graded (see [`fingerprint`]).
    fingerprint: String,
    /// When.
    graded_at: DateTime<Utc>,
    #[serde(flatten)]
    outcome: Outcome,
    /// The rows of each table that are no row of the candidate's own source (see
    /// [`crate::copying`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    strays: Vec<StrayRows>,
}

/// The seal of a result file's bytes under the class's `secret`: SHA-256 of the secret and of
/// the bytes as written. Kept beside the file (`<id>.json.seal`): a result edited by hand no
/// longer matches it (the bytes are sealed, not their reading: a number read back need not
/// print the same).
fn seal_of(bytes: &[u8], secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update([0]);
    hasher.update(bytes);
    epreuve_data::hex(&hasher.finalize())
}

/// The seal file of the result file `path`.
fn seal_file(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".seal");
    std::path::PathBuf::from(name)
}

/// Writes `stored` to `path` and its seal beside it, each whole or not at all (the seal last:
/// a crash between the two leaves a result that is graded again, never one believed).
fn write_sealed(path: &Path, stored: &Stored, secret: &str) -> Result<(), epreuve_fs::FsError> {
    let bytes = serde_json::to_vec_pretty(stored).unwrap_or_default();
    let _ = std::fs::remove_file(seal_file(path));
    epreuve_fs::write_atomic(path, &bytes)?;
    epreuve_fs::write_atomic(&seal_file(path), seal_of(&bytes, secret).as_bytes())
}

/// A result file as it was written: `Ok(None)` when there is none, `Err(())` when it no longer
/// matches its seal (or has none).
fn read_sealed(path: &Path, secret: &str) -> Result<Option<Stored>, ()> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let written = std::fs::read_to_string(seal_file(path)).map_err(|_| ())?;
    if written.trim() != seal_of(&bytes, secret) {
        return Err(());
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|_| ())
}

/// Grades the class; `done(id, outcome)` is told each candidate as they are graded.
pub fn grade_class(
    class: &Class,
    catalogue: &Catalogue,
    options: &GradeOptions,
    done: &(dyn Fn(&str, &Outcome) + Sync),
) -> Result<GradeSummary, ClassError> {
    let exam = catalogue.exam(&class.manifest.exam)?;
    let grader = grader_digest(&exam.grader_dir);
    let results = class.dir().join("results");
    std::fs::create_dir_all(&results).map_err(|source| ClassError::Io {
        action: "create",
        path: results.clone(),
        source,
    })?;
    let centre = Centre::of_class(class.centre_dir());
    let secret = class.secret()?;
    let members = &class.manifest.members;
    let changed = std::sync::Mutex::new(Vec::new());
    // Each candidate's fate, in the roster's order: graded (with the grading before, when
    // there was one), kept, or left (Ctrl-C, or a result that could not be written).
    // An exam that times queries is graded one candidate at a time: another candidate's
    // grading on the same machine, or on the centre's server, would be part of the times.
    let jobs = if times_queries(&exam) {
        1
    } else {
        options.jobs
    };
    let fates = epreuve_data::map_on_threads(members, jobs, |member| {
        if options.cancel.is_cancelled() {
            return Ok(Fate::Left);
        }
        let file = class.result_file(&member.id);
        let previous = match read_sealed(&file, &secret) {
            Ok(previous) => previous,
            Err(()) => {
                changed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(member.id.clone());
                None
            }
        };
        let workspace = Workspace::open(&class.workspace(&member.id));
        let fingerprint = workspace
            .as_ref()
            .ok()
            .and_then(|w| fingerprint(class, w, member, &grader));
        // A grading stands when it graded what is sealed now with the same grader, and the
        // database answered it whole (a server down then is asked again).
        if !options.regrade
            && previous.as_ref().is_some_and(|p| {
                Some(&p.fingerprint) == fingerprint.as_ref()
                    && matches!(&p.outcome, Outcome::Graded { report } if report.gradable)
            })
        {
            return Ok(Fate::Kept);
        }
        let (outcome, strays) = grade_one(
            class,
            catalogue,
            &centre,
            member,
            workspace,
            &options.cancel,
        );
        let stored = Stored {
            fingerprint: fingerprint.unwrap_or_else(|| "live".into()),
            graded_at: Utc::now(),
            outcome,
            strays,
        };
        if let Err(e) = write_sealed(&file, &stored, &secret) {
            // Nothing more is graded: the others would not be kept either.
            options.cancel.cancel();
            return Err(ClassError::from(e));
        }
        done(&member.id, &stored.outcome);
        Ok(Fate::Graded(previous.and_then(|p| {
            Movement::between(&member.id, &p.outcome, &stored.outcome)
        })))
    });
    let mut summary = GradeSummary {
        changed: changed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        ..GradeSummary::default()
    };
    let fates: Vec<Fate> = fates.into_iter().collect::<Result<_, _>>()?;
    record_copies(class, &exam, &secret, options.jobs)?;
    summary.count(fates);
    Ok(summary)
}

impl GradeSummary {
    /// Counts each candidate's fate.
    fn count(&mut self, fates: Vec<Fate>) {
        for fate in fates {
            match fate {
                Fate::Graded(moved) => {
                    self.graded += 1;
                    self.moved.extend(moved);
                }
                Fate::Kept => self.kept += 1,
                Fate::Left => self.left += 1,
            }
        }
    }
}

/// Whether the exam times queries.
fn times_queries(exam: &epreuve_exam::Exam) -> bool {
    exam.grader().is_ok_and(|grader| {
        grader
            .tasks
            .iter()
            .any(|t| matches!(t.check, epreuve_exam::TaskCheck::Timing(_)))
    })
}

/// Writes whose data each table holds, from every candidate's last grading (kept ones
/// included).
fn record_copies(
    class: &Class,
    exam: &epreuve_exam::Exam,
    secret: &str,
    jobs: usize,
) -> Result<(), ClassError> {
    let strays: Vec<(String, Vec<StrayRows>)> = class
        .manifest
        .members
        .iter()
        .map(|m| {
            let strays = read_sealed(&class.result_file(&m.id), secret)
                .ok()
                .flatten()
                .map_or_else(Vec::new, |s| s.strays);
            (m.id.clone(), strays)
        })
        .collect();
    let copied = crate::copying::copied_rows(class, exam, &strays, jobs);
    let text = serde_json::to_vec_pretty(&copied).unwrap_or_default();
    epreuve_fs::write_atomic(&class.copying_file(), &text)?;
    Ok(())
}

/// Grades one candidate as `grade` does, keeping the rows of their tables that are not theirs;
/// whatever goes wrong (an error, or a panic of epreuve's) is this candidate's "not
/// gradable", with the reason.
fn grade_one(
    class: &Class,
    catalogue: &Catalogue,
    centre: &Centre,
    member: &Member,
    workspace: Result<Workspace, epreuve_session::SessionError>,
    cancel: &Cancel,
) -> (Outcome, Vec<StrayRows>) {
    let strays = std::cell::RefCell::new(Vec::new());
    let attempt = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let workspace = workspace.map_err(|e| e.said())?;
        let evaluation = class.evaluation_file(&member.id);
        let request = Request {
            workspace: &workspace,
            catalogue,
            visibility: Visibility::Full,
            evaluation: evaluation.exists().then_some(evaluation.as_path()),
            centre: Some(centre),
            cancel,
            strays: Some(&strays),
        };
        epreuve_grading::grade_workspace(&request).map_err(|e| e.said())
    }));
    let outcome = match attempt {
        Ok(Ok(report)) => Outcome::Graded {
            report: Box::new(report),
        },
        Ok(Err(reason)) => Outcome::NotGradable {
            reason: Spoken::new(reason),
        },
        Err(panic) => Outcome::NotGradable {
            reason: Spoken::new(epreuve_i18n::said!(
                "class-grade-panicked",
                panic = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("panic")
            )),
        },
    };
    (outcome, strays.into_inner())
}

/// What a grading of `member` depends on: their sealed submission, the grader, epreuve's
/// version. `None` when the workspace has no submission (it is then graded live, and again at
/// every run: nothing frozen says it did not change).
fn fingerprint(
    class: &Class,
    workspace: &Workspace,
    member: &Member,
    grader: &str,
) -> Option<String> {
    let seal = &workspace.state().submitted.as_ref()?.seal;
    let evaluation = std::fs::read(class.evaluation_file(&member.id)).unwrap_or_default();
    let mut hash = Sha256::new();
    for part in [
        seal.as_bytes(),
        grader.as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        &evaluation,
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    Some(epreuve_data::hex(&hash.finalize()))
}

/// A digest of every file of the grader's folder (its rules and solutions), by path.
fn grader_digest(dir: &Path) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for (relative, bytes) in files {
        hash.update((relative.len() as u64).to_le_bytes());
        hash.update(relative.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    epreuve_data::hex(&hash.finalize())
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(root, &path, out),
            Ok(t) if t.is_file() => {
                if let (Ok(bytes), Ok(relative)) = (std::fs::read(&path), path.strip_prefix(root)) {
                    out.push((relative.to_string_lossy().into_owned(), bytes));
                }
            }
            _ => {}
        }
    }
}

/// The class report: each candidate's last grading, in the roster's order; a candidate not
/// graded yet is "not gradable" with that reason.
pub fn class_report(class: &Class) -> ClassReport {
    // Without the class's secret no result can be trusted: each then says so.
    let secret = class.secret().unwrap_or_default();
    let results = class
        .manifest
        .members
        .iter()
        .map(|member| CandidateOutcome {
            member: member.clone(),
            outcome: match read_sealed(&class.result_file(&member.id), &secret) {
                Ok(Some(stored)) => stored.outcome,
                Ok(None) => Outcome::NotGradable {
                    reason: Spoken::new(epreuve_i18n::said!("class-not-graded-yet")),
                },
                Err(()) => Outcome::NotGradable {
                    reason: Spoken::new(epreuve_i18n::said!(
                        "class-result-unsealed",
                        file = format!("results/{}.json", member.id)
                    )),
                },
            },
            collected_seal: class.collected_seal(&member.id),
        })
        .collect();
    let mut report = ClassReport::new(&class.manifest.exam, results);
    let (similar, left_out) = crate::similar_queries(class);
    report.similar_queries = similar;
    report.similar_queries_left_out = left_out
        .skipped
        .iter()
        .map(|(candidate, n)| {
            epreuve_results::said!(
                "class-similar-skipped",
                candidate = candidate,
                n = *n,
                max = crate::similarity::COMPARED_FILES
            )
        })
        .chain(left_out.cut.iter().map(|(candidate, file)| {
            epreuve_results::said!(
                "class-similar-cut",
                candidate = candidate,
                file = file,
                kib = crate::similarity::COMPARED_BYTES / 1024
            )
        }))
        .collect();
    report.copied_rows = std::fs::read(class.copying_file())
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    report
}
