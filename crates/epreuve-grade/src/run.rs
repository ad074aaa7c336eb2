//! Runs every check of an exam on one database and builds the report.

use epreuve_db::Backend;
use epreuve_exam::{CheckKind, Exam, GraderManifest, Task};
use epreuve_fs::Root;

use crate::checks::{Outcome, TableContext, TaskContext};
use crate::manual::Evaluation;
use crate::{CheckResult, Report, Truth};
use epreuve_results::round2;

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
    /// The candidate's database, or why it cannot be reached (every check is then "not
    /// gradable", none scores zero).
    pub backend: Result<&'a dyn Backend, &'a epreuve_db::DbError>,
    /// The candidate's `answers/` folder, read as hostile input.
    pub answers: &'a Root,
    /// Candidate identifier.
    pub candidate: &'a str,
    /// Public or full.
    pub visibility: Visibility,
    /// The assessor's scores of the manual items (full grading only).
    pub evaluation: Option<&'a Evaluation>,
    /// The workspace's engine, said in the report even when its database does not answer.
    pub engine: epreuve_results::Engine,
    /// Facts to pass on to the report.
    pub notes: Vec<epreuve_results::Note>,
    /// What changed since submission or differs from the centre's record: the score is then
    /// provisional.
    pub integrity: Vec<epreuve_results::Said>,
    /// When given, receives each table's rows that are no row of the candidate's own source
    /// (a class looks there for another candidate's data).
    pub strays: Option<&'a std::cell::RefCell<Vec<crate::StrayRows>>>,
}

/// Runs the checks and returns the report.
pub fn grade(grading: &Grading<'_>) -> Report {
    let Grading {
        exam,
        grader,
        truth,
        backend,
        answers,
        visibility,
        evaluation,
        ..
    } = grading;
    let engine = match backend {
        Ok(backend) => backend.engine(),
        Err(_) => grading.engine,
    };
    let _span = tracing::info_span!("grade", exam = %exam.manifest.id, engine = %engine).entered();
    let wanted = wanted_relations(truth, &grader.tasks);
    let listed = backend.as_ref().ok().map(|backend| {
        backend
            .ping()
            .and_then(|()| backend.relations_named(&wanted))
    });
    let (reachable, failure) = reached(backend, &listed);
    let relations = match &listed {
        Some(Ok(relations)) => relations.as_slice(),
        _ => &[],
    };
    let mut results = Vec::new();
    for kind in CheckKind::ALL.into_iter().filter(|k| k.is_instance()) {
        let Some(rule) = grader.checks.get(&kind) else {
            continue;
        };
        if *visibility == Visibility::Public && !rule.public {
            continue;
        }
        let outcome = match (reachable, failure) {
            (Some(backend), _) => crate::checks::default_tables(backend, grader, answers),
            (None, Some(error)) => Outcome::not_gradable(error),
            (None, None) => unreachable!("no database without a reason"),
        };
        results.push(result("instance", kind, rule, outcome, *visibility));
    }
    for table_truth in &truth.tables {
        let context = reachable
            .map(|backend| TableContext::new(table_truth, grader, backend, answers, relations));
        for kind in CheckKind::ALL.into_iter().filter(|k| !k.is_instance()) {
            let Some(rule) = grader.checks.get(&kind) else {
                continue;
            };
            if *visibility == Visibility::Public && !rule.public {
                continue;
            }
            let outcome = match (&context, failure) {
                (Some(context), _) => context.run(kind),
                (None, Some(error)) => Outcome::not_gradable(error),
                (None, None) => unreachable!("no database without a reason"),
            };
            tracing::debug!(table = %table_truth.table, ?kind, status = ?outcome.status, "check");
            results.push(result(&table_truth.table, kind, rule, outcome, *visibility));
        }
        if let (Some(out), Some(context)) = (grading.strays, &context)
            && let Some(strays) = context.strays()
        {
            out.borrow_mut().push(strays);
        }
    }
    let context = reachable
        .map(|backend| TaskContext::new(truth, backend, answers, relations, &grader.tasks));
    for task in &grader.tasks {
        if *visibility == Visibility::Public && !task.public {
            continue;
        }
        let outcome = match (&context, failure) {
            (Some(context), _) => context.run(task),
            (None, Some(error)) => Outcome::not_gradable(error),
            (None, None) => unreachable!("no database without a reason"),
        };
        tracing::debug!(task = %task.id, status = ?outcome.status, "task");
        results.push(task_result(task, outcome, *visibility));
    }
    manual_results(grader, *evaluation, &mut results);
    Report::new(
        &exam.manifest.id,
        grading.candidate,
        engine,
        &criteria_rules(exam, grader),
        results,
        grading.notes.clone(),
        grading.integrity.clone(),
    )
}

/// The database to grade, or why nothing can be graded on it: it cannot be reached, or it
/// does not answer the first questions (`listed`).
fn reached<'a, 'b>(
    backend: &'b Result<&'a dyn Backend, &'b epreuve_db::DbError>,
    listed: &'b Option<Result<Vec<epreuve_db::Relation>, epreuve_db::DbError>>,
) -> (Option<&'a dyn Backend>, Option<&'b epreuve_db::DbError>) {
    let failure: Option<&epreuve_db::DbError> = match (listed, backend) {
        (Some(Err(error)), _) => Some(error),
        (_, Err(error)) => Some(*error),
        _ => None,
    };
    let reachable = match (failure, backend) {
        (None, Ok(backend)) => Some(*backend),
        _ => None,
    };
    (reachable, failure)
}

/// Each criterion of the exam, in its order, with the grader's rule for its verdict.
fn criteria_rules(
    exam: &Exam,
    grader: &GraderManifest,
) -> Vec<(String, epreuve_results::CriterionRule)> {
    exam.manifest
        .criteria
        .iter()
        .map(|code| {
            let rule = grader.criteria.get(code).cloned().unwrap_or_default();
            let rule = epreuve_results::CriterionRule {
                acquired_share: rule.acquired_share,
                max_lost_share: rule.max_lost_share,
                indicators: grid_of(grader, code),
            };
            (code.clone(), rule)
        })
        .collect()
}

/// The lines of the jury's grid of `criterion`, in the referential's words (the catalogue
/// checked, when it read the grader, that each names an indicator of the referential).
fn grid_of(grader: &GraderManifest, criterion: &str) -> Vec<epreuve_results::IndicatorRule> {
    grader
        .indicators
        .iter()
        .filter_map(|rule| {
            let indicator = epreuve_exam::indicator(&rule.id)?;
            (indicator.criterion() == criterion).then(|| epreuve_results::IndicatorRule {
                id: rule.id.clone(),
                text: indicator.fr.clone(),
                gloss: indicator.en.clone(),
                checks: rule
                    .checks
                    .iter()
                    .map(|check| {
                        let (min_share, max_lost_share) = check.tolerance(rule);
                        epreuve_results::GridCheck {
                            selector: check.selector().to_owned(),
                            min_share,
                            max_lost_share,
                        }
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Runs one task of a grader on `backend`, with full messages: what `grade` does for each
/// `[[tasks]]` entry, usable without a whole exam (the tests on real data use it).
pub fn grade_task(
    task: &Task,
    truth: &Truth,
    backend: &dyn Backend,
    answers: &Root,
) -> CheckResult {
    let wanted = wanted_relations(truth, std::slice::from_ref(task));
    let outcome = match backend
        .ping()
        .and_then(|()| backend.relations_named(&wanted))
    {
        Ok(tables) => {
            TaskContext::new(truth, backend, answers, &tables, std::slice::from_ref(task)).run(task)
        }
        Err(error) => Outcome::not_gradable(&error),
    };
    task_result(task, outcome, Visibility::Full)
}

/// The names of the candidate's tables grading reads: the exam's tables and those its tasks
/// name. They are asked of the catalogue by name (a listing may stop before them).
fn wanted_relations(truth: &Truth, tasks: &[Task]) -> Vec<String> {
    let mut wanted: Vec<String> = truth.tables.iter().map(|t| t.table.clone()).collect();
    for name in tasks.iter().flat_map(Task::tables) {
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(name)) {
            wanted.push(name.to_owned());
        }
    }
    wanted
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
        let scope = Scope {
            id: item.id.clone(),
            criterion: &item.criterion,
            title: item.title.clone(),
            weight: item.weight,
            public: false,
        };
        results.push(scored(scope, outcome, Visibility::Full));
    }
}

fn task_result(task: &Task, outcome: Outcome, visibility: Visibility) -> CheckResult {
    let scope = Scope {
        id: task.id.clone(),
        criterion: &task.criterion,
        title: task.title.clone(),
        weight: task.weight,
        public: task.public,
    };
    scored(scope, outcome, visibility)
}

fn result(
    table: &str,
    kind: CheckKind,
    rule: &epreuve_exam::CheckRule,
    outcome: Outcome,
    visibility: Visibility,
) -> CheckResult {
    let scope = Scope {
        id: format!("{table}.{}", kind.id()),
        criterion: &rule.criterion,
        title: kind.title(table).english(),
        weight: rule.weight,
        public: rule.public,
    };
    scored(scope, outcome, visibility)
}

/// What a result is about: the check, its criterion and weight, and whether the candidate
/// sees it.
struct Scope<'a> {
    id: String,
    criterion: &'a str,
    title: String,
    weight: f64,
    public: bool,
}

fn scored(scope: Scope<'_>, outcome: Outcome, visibility: Visibility) -> CheckResult {
    let Scope {
        id,
        criterion,
        title,
        weight,
        public,
    } = scope;
    let counts = matches!(
        outcome.status,
        crate::Status::Passed | crate::Status::Failed
    );
    CheckResult {
        id,
        criterion: criterion.to_owned(),
        title,
        status: outcome.status,
        public,
        score: if counts {
            round2(weight * outcome.fraction)
        } else {
            0.0
        },
        max_score: if counts { weight } else { 0.0 },
        lost_share: match visibility {
            Visibility::Public => None,
            Visibility::Full => outcome.lost_share,
        },
        parts: match visibility {
            Visibility::Public => Vec::new(),
            Visibility::Full => outcome.parts,
        },
        message: epreuve_results::Spoken::new(match visibility {
            Visibility::Public => *outcome.hint,
            Visibility::Full => *outcome.message,
        }),
    }
}
