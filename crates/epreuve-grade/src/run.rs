//! Runs every check of an exam on one database and builds the report.

use std::path::Path;

use epreuve_db::Backend;
use epreuve_exam::{CheckKind, Exam, GraderManifest, Task};

use crate::checks::{Outcome, TableContext, TaskContext};
use crate::manual::Evaluation;
use crate::model::round2;
use crate::{CheckResult, Report, Truth};

/// Which checks run, and how much their messages say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// The candidate's self-check: public checks only, messages that name what is missing
    /// without giving expected values.
    Public,
    /// The assessor's grade: every check, with expected and found values.
    Full,
}

/// Everything a grading needs.
pub struct Grading<'a> {
    /// The exam.
    pub exam: &'a Exam,
    /// Its grading rules.
    pub grader: &'a GraderManifest,
    /// Ground truth from the candidate's files.
    pub truth: &'a Truth,
    /// The candidate's database.
    pub backend: &'a dyn Backend,
    /// The candidate's `answers/` folder.
    pub answers_dir: &'a Path,
    /// Candidate identifier.
    pub candidate: &'a str,
    /// Public or full.
    pub visibility: Visibility,
    /// The assessor's scores of the manual items (full grading only).
    pub evaluation: Option<&'a Evaluation>,
    /// Facts to pass on to the report.
    pub notes: Vec<String>,
}

/// Runs the checks and returns the report.
pub fn grade(grading: &Grading<'_>) -> Report {
    let Grading {
        exam,
        grader,
        truth,
        backend,
        answers_dir,
        visibility,
        evaluation,
        ..
    } = grading;
    let _span = tracing::info_span!("grade", exam = %exam.manifest.id, engine = %backend.engine())
        .entered();
    let tables = backend.ping().and_then(|()| backend.tables());
    let mut results = Vec::new();
    for kind in CheckKind::ALL.into_iter().filter(|k| k.is_instance()) {
        let Some(rule) = grader.checks.get(&kind) else {
            continue;
        };
        if *visibility == Visibility::Public && !rule.public {
            continue;
        }
        let outcome = match &tables {
            Ok(_) => crate::checks::default_tables(*backend, grader, answers_dir),
            Err(error) => Outcome::not_gradable(error),
        };
        results.push(result("instance", kind, rule, outcome, *visibility));
    }
    for table_truth in &truth.tables {
        let context = tables
            .as_ref()
            .map(|names| TableContext::new(table_truth, grader, *backend, answers_dir, names));
        for kind in CheckKind::ALL.into_iter().filter(|k| !k.is_instance()) {
            let Some(rule) = grader.checks.get(&kind) else {
                continue;
            };
            if *visibility == Visibility::Public && !rule.public {
                continue;
            }
            let outcome = match &context {
                Ok(context) => context.run(kind),
                Err(error) => Outcome::not_gradable(error),
            };
            tracing::debug!(table = %table_truth.table, ?kind, status = ?outcome.status, "check");
            results.push(result(&table_truth.table, kind, rule, outcome, *visibility));
        }
    }
    let no_tables = Vec::new();
    let context = TaskContext::new(
        truth,
        *backend,
        answers_dir,
        tables.as_ref().unwrap_or(&no_tables),
        &grader.tasks,
    );
    for task in &grader.tasks {
        if *visibility == Visibility::Public && !task.public {
            continue;
        }
        let outcome = match &tables {
            Ok(_) => context.run(task),
            Err(error) => Outcome::not_gradable(error),
        };
        tracing::debug!(task = %task.id, status = ?outcome.status, "task");
        results.push(task_result(task, outcome, *visibility));
    }
    manual_results(grader, *evaluation, &mut results);
    Report::new(
        &exam.manifest.id,
        grading.candidate,
        &backend.engine().to_string(),
        &exam.manifest.criteria,
        results,
        grading.notes.clone(),
    )
}

/// The report when the database cannot be reached at all: every check says "not gradable"
/// with the reason, and none scores zero.
#[allow(clippy::too_many_arguments)]
pub fn not_gradable(
    exam: &Exam,
    grader: &GraderManifest,
    truth: &Truth,
    candidate: &str,
    engine: &str,
    visibility: Visibility,
    error: &epreuve_db::DbError,
    evaluation: Option<&Evaluation>,
    notes: Vec<String>,
) -> Report {
    let mut results = Vec::new();
    for kind in CheckKind::ALL.into_iter().filter(|k| k.is_instance()) {
        if let Some(rule) = grader.checks.get(&kind)
            && (visibility == Visibility::Full || rule.public)
        {
            let outcome = Outcome::not_gradable(error);
            results.push(result("instance", kind, rule, outcome, visibility));
        }
    }
    for table_truth in &truth.tables {
        for kind in CheckKind::ALL.into_iter().filter(|k| !k.is_instance()) {
            let Some(rule) = grader.checks.get(&kind) else {
                continue;
            };
            if visibility == Visibility::Public && !rule.public {
                continue;
            }
            let outcome = Outcome::not_gradable(error);
            results.push(result(&table_truth.table, kind, rule, outcome, visibility));
        }
    }
    for task in &grader.tasks {
        if visibility == Visibility::Full || task.public {
            let outcome = Outcome::not_gradable(error);
            results.push(task_result(task, outcome, visibility));
        }
    }
    manual_results(grader, evaluation, &mut results);
    Report::new(
        &exam.manifest.id,
        candidate,
        engine,
        &exam.manifest.criteria,
        results,
        notes,
    )
}

/// Runs one task of a grader on `backend`, with full messages: what `grade` does for each
/// `[[tasks]]` entry, usable without a whole exam (the tests on real data use it).
pub fn grade_task(
    task: &Task,
    truth: &Truth,
    backend: &dyn Backend,
    answers_dir: &Path,
) -> CheckResult {
    let outcome = match backend.ping().and_then(|()| backend.tables()) {
        Ok(tables) => TaskContext::new(
            truth,
            backend,
            answers_dir,
            &tables,
            std::slice::from_ref(task),
        )
        .run(task),
        Err(error) => Outcome::not_gradable(&error),
    };
    task_result(task, outcome, Visibility::Full)
}

/// The manual items, scored from the assessor's file (full grading only).
fn manual_results(
    grader: &GraderManifest,
    evaluation: Option<&Evaluation>,
    results: &mut Vec<CheckResult>,
) {
    let Some(evaluation) = evaluation else {
        return;
    };
    for item in &grader.manual {
        let outcome = evaluation.outcome(item);
        results.push(scored(
            item.id.clone(),
            &item.criterion,
            item.title.clone(),
            item.weight,
            outcome,
            Visibility::Full,
        ));
    }
}

fn task_result(task: &Task, outcome: Outcome, visibility: Visibility) -> CheckResult {
    scored(
        task.id.clone(),
        &task.criterion,
        task.title.clone(),
        task.weight,
        outcome,
        visibility,
    )
}

fn result(
    table: &str,
    kind: CheckKind,
    rule: &epreuve_exam::CheckRule,
    outcome: Outcome,
    visibility: Visibility,
) -> CheckResult {
    scored(
        format!("{table}.{}", kind.id()),
        &rule.criterion,
        format!("{table}: {}", kind.title()),
        rule.weight,
        outcome,
        visibility,
    )
}

fn scored(
    id: String,
    criterion: &str,
    title: String,
    weight: f64,
    outcome: Outcome,
    visibility: Visibility,
) -> CheckResult {
    let counts = matches!(
        outcome.status,
        crate::Status::Passed | crate::Status::Failed
    );
    CheckResult {
        id,
        criterion: criterion.to_owned(),
        title,
        status: outcome.status,
        score: if counts {
            round2(weight * outcome.fraction)
        } else {
            0.0
        },
        max_score: if counts { weight } else { 0.0 },
        message: match visibility {
            Visibility::Public => outcome.hint,
            Visibility::Full => outcome.message,
        },
    }
}
