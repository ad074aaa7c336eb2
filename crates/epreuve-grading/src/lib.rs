//! Grading one workspace, the product's main use case, as a library: the binary's `check`,
//! `grade` and `demo`, class sessions and the candidate's live view all call
//! [`grade_workspace`]. It decides what grading decides beyond the checks: which evidence is
//! believed (the centre's record over the candidate's `state.json`), a late submission, a
//! server that changed since submission (graded from its dump), the assessor's file.

use std::path::{Path, PathBuf};

use epreuve_exam::Catalogue;
use epreuve_grade::{Evaluation, Grading, Report, Truth, Visibility};
use epreuve_provision::Cancel;
use epreuve_results::Note;
use epreuve_results::said;
use epreuve_session::{Centre, Workspace};

/// Why a workspace could not be graded at all (a check that cannot run is "not gradable" in
/// the report instead).
#[derive(Debug, thiserror::Error)]
pub enum GradingError {
    /// The workspace, its submission or the centre's record.
    Session(#[from] epreuve_session::SessionError),
    /// The catalogue or the exam's manifests.
    Exam(#[from] epreuve_exam::ExamError),
    /// Ground truth from the candidate's files.
    Grade(#[from] epreuve_grade::GradeError),
    /// The submitted database, in a way that is the candidate's to fix.
    Db(#[from] epreuve_db::DbError),
    /// The assessor's scores.
    Evaluation(#[from] epreuve_grade::EvaluationError),
    /// A candidate's pack holds the public checks only.
    PublicOnly {
        /// The grader's file.
        grader: PathBuf,
    },
    /// The assessor's file cannot be read.
    EvaluationUnreadable {
        /// The file named.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The assessor's file lies where the candidate can write.
    EvaluationInWorkspace {
        /// The file named.
        path: PathBuf,
    },
}

impl GradingError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> epreuve_results::Said {
        match self {
            Self::Session(e) => e.said(),
            Self::Exam(e) => e.said(),
            Self::Grade(e) => e.said(),
            Self::Db(e) => e.said(),
            Self::Evaluation(e) => said!(
                "err-path-text",
                path = e.path.display().to_string(),
                text = &e.message
            ),
            Self::PublicOnly { grader } => {
                said!("err-public-only", grader = grader.display().to_string())
            }
            Self::EvaluationUnreadable { path, source } => said!(
                "err-evaluation-unreadable",
                path = path.display().to_string(),
                error = source.to_string()
            ),
            Self::EvaluationInWorkspace { path } => said!(
                "err-evaluation-in-workspace",
                path = path.display().to_string()
            ),
        }
    }
}

impl GradingError {
    /// The error this one wraps, for the ones that wrap another (so that a caller can tell an
    /// infrastructure fault from the user's mistake); itself otherwise.
    pub fn inner(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            Self::Session(e) => e,
            Self::Exam(e) => e,
            Self::Grade(e) => e,
            Self::Db(e) => e,
            Self::Evaluation(e) => e,
            _ => self,
        }
    }
}

/// What to grade, and how.
pub struct Request<'a> {
    /// The workspace.
    pub workspace: &'a Workspace,
    /// The catalogue its exam comes from.
    pub catalogue: &'a Catalogue,
    /// `Public`: the candidate's self-check, on the live workspace; `Full`: the assessor's
    /// grading, on the submission.
    pub visibility: Visibility,
    /// The assessor's scores of the manual items (full grading).
    pub evaluation: Option<&'a Path>,
    /// The centre's records (full grading).
    pub centre: Option<&'a Centre>,
    /// Stops a restore in progress.
    pub cancel: &'a Cancel,
    /// When given, receives each table's rows that are no row of the candidate's own source
    /// (a class looks there for another candidate's data).
    pub strays: Option<&'a std::cell::RefCell<Vec<epreuve_grade::StrayRows>>>,
}

/// Grades `workspace`: its live state for the candidate's self-check, its submission (when
/// there is one, its seal checked) for the assessor, with the centre's record of it when the
/// centre has one.
pub fn grade_workspace(request: &Request<'_>) -> Result<Report, GradingError> {
    let Request {
        workspace,
        catalogue,
        visibility,
        evaluation: evaluation_file,
        centre,
        cancel,
        strays,
    } = *request;
    let state = workspace.state();
    let full = visibility == Visibility::Full;
    let record = match centre {
        Some(centre) if full => centre.find(workspace)?,
        _ => None,
    };
    let mut notes = Vec::new();
    let mut integrity = Vec::new();
    if full {
        identity(state, record.as_ref(), centre, &mut notes, &mut integrity);
    }
    let exam_id = record.as_ref().map_or(&state.exam, |r| &r.exam);
    let candidate = record.as_ref().map_or(&state.candidate, |r| &r.candidate);
    let deadline = record.as_ref().map_or(state.deadline, |r| r.deadline);
    let exam = catalogue.exam(exam_id)?;
    let grader = exam.grader()?;
    if full && grader.public_only {
        // A pack's grader: the hidden rules are not there, whatever the folder claims.
        catalogue.require_full("`grade`")?;
        return Err(GradingError::PublicOnly {
            grader: exam.grader_dir.join("grader.toml"),
        });
    }
    let source = workspace.truth_source(&exam, record.as_ref())?;
    let truth = Truth::compute(&exam, &grader, &source.dir)?;
    notes.extend(source.notes);
    let evaluation = match visibility {
        Visibility::Full if !grader.manual.is_empty() => Some(assessors_evaluation(
            workspace,
            evaluation_file,
            &grader,
            &mut notes,
        )?),
        _ => None,
    };
    let submission = match visibility {
        Visibility::Public => workspace.live()?,
        Visibility::Full => workspace.submission()?,
    };
    integrity.extend(submission.tampering.iter().cloned());
    if full {
        let on_time_until = epreuve_session::on_time_until(deadline, exam.manifest.grace.as_secs());
        timeliness(
            &submission,
            deadline,
            on_time_until,
            &mut notes,
            &mut integrity,
        );
    }
    let graded =
        epreuve_session::database_to_grade(workspace, &submission, record.as_ref(), full, cancel)?;
    integrity.extend(graded.integrity);
    if graded.from_dump {
        notes.push(Note::GradedFromDump);
    }
    let restored = graded.restored;
    let opened = graded.backend;
    // A database that does not answer: every check says "not gradable", none scores zero.
    let (live, unreachable) = match opened {
        Ok(backend) => (Some(backend), None),
        Err(error) if error.is_infrastructure() => (None, Some(error)),
        Err(error) => return Err(error.into()),
    };
    let backend = match (&live, &unreachable) {
        (Some(backend), _) => Ok(backend.as_ref()),
        (None, Some(error)) => Err(error),
        (None, None) => unreachable!("opened or failed"),
    };
    let report = epreuve_grade::grade(&Grading {
        exam: &exam,
        grader: &grader,
        truth: &truth,
        backend,
        answers: &submission.answers,
        candidate,
        visibility,
        evaluation: evaluation.as_ref(),
        engine: record.as_ref().map_or(state.engine, |r| r.engine),
        notes,
        integrity,
        strays,
    });
    // The throwaway server of a restored dump goes once grading is over.
    drop(live);
    drop(restored);
    Ok(report)
}

/// The assessor's scores of the manual items, noting how many are still to score.
fn assessors_evaluation(
    workspace: &Workspace,
    file: Option<&Path>,
    grader: &epreuve_exam::GraderManifest,
    notes: &mut Vec<Note>,
) -> Result<Evaluation, GradingError> {
    let evaluation = read_evaluation(workspace, file, grader)?;
    let unscored = grader
        .manual
        .iter()
        .filter(|i| !evaluation.items.contains_key(&i.id))
        .count();
    if unscored > 0 {
        notes.push(Note::ManualNotScored {
            unscored,
            total: grader.manual.len(),
            workspace: workspace.root().display().to_string(),
        });
    }
    Ok(evaluation)
}

/// What the centre's record says of the workspace's identity: every difference from the
/// state the candidate's folder holds, or that there is no record (a class's centre records
/// every workspace: none found means the identity was edited, the deadline, seed and data are
/// then the candidate's word alone).
fn identity(
    state: &epreuve_session::State,
    record: Option<&epreuve_session::CentreRecord>,
    centre: Option<&Centre>,
    notes: &mut Vec<Note>,
    integrity: &mut Vec<epreuve_results::Said>,
) {
    match (record, centre) {
        (Some(record), _) => integrity.extend(record.differences(state)),
        (None, Some(centre)) if centre.holds_every_workspace() => {
            integrity.push(said!("integrity-no-class-record"));
        }
        (None, _) => notes.push(Note::NoCentreRecord),
    }
}

/// When the work was submitted: late (after `on_time_until`, the catalogue's grace and not
/// the workspace's copy of it), a late submission recorded as on time, or none at all.
fn timeliness(
    submission: &epreuve_session::Submission,
    deadline: chrono::DateTime<chrono::Utc>,
    on_time_until: chrono::DateTime<chrono::Utc>,
    notes: &mut Vec<Note>,
    integrity: &mut Vec<epreuve_results::Said>,
) {
    let Some(record) = &submission.record else {
        notes.push(Note::NotSubmitted);
        return;
    };
    let late = record.at > on_time_until;
    if late {
        notes.push(Note::SubmittedLate {
            at: record.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            deadline: deadline.format("%Y-%m-%d %H:%M:%S").to_string(),
        });
    }
    if late && !record.late {
        integrity.push(said!("integrity-late-recorded-on-time"));
    }
}

/// The assessor's scores, from a file of the assessor's: never one inside the workspace,
/// which the candidate can write.
fn read_evaluation(
    workspace: &Workspace,
    file: Option<&Path>,
    grader: &epreuve_exam::GraderManifest,
) -> Result<Evaluation, GradingError> {
    let Some(path) = file else {
        return Ok(Evaluation::default());
    };
    let real = path
        .canonicalize()
        .map_err(|source| GradingError::EvaluationUnreadable {
            path: path.to_path_buf(),
            source,
        })?;
    if real.starts_with(workspace.files().path()) {
        return Err(GradingError::EvaluationInWorkspace {
            path: path.to_path_buf(),
        });
    }
    Ok(Evaluation::read(&real, &grader.manual)?)
}

epreuve_i18n::says_itself!(GradingError);
