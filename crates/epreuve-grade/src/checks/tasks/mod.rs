//! The checks of `[[tasks]]`: each runs once per database. Expected values come from the
//! candidate's own files: through the ground-truth database (the grader's queries) or read
//! directly from the sources (statistics, frequencies, imputation).

use epreuve_data::{TypeFamily, canonical, is_missing, text_column, text_columns};
use epreuve_db::Query;
use epreuve_db::{Backend, DbError, DuckDb, Relation};
use epreuve_exam::{
    ColumnMatch, CompareSpec, ImputationMethod, Statistic, Task, TaskCheck, Tolerance,
};
use epreuve_fs::Root;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

use epreuve_results::{Said, said};

use super::Outcome;
use super::timing::{self, Timing};
use crate::compare::compare_results;
use crate::stats::{Percentile, frequencies, quantile_sorted};
use crate::{TableTruth, Truth};
use epreuve_data::TextColumn;

mod describe;
mod imputation;

use imputation::imputation_outcome;

/// Rows fetched from a candidate's query or table.
const MAX_ROWS: usize = 1_000_000;

/// What the tasks of one grading share, fetched once.
pub(crate) struct TaskContext<'a> {
    pub truth: &'a Truth,
    pub backend: &'a dyn Backend,
    pub answers: &'a Root,
    /// The candidate's tables and views.
    pub tables: &'a [Relation],
    /// Every task of the grader (a measurements task reads its timing task).
    tasks: &'a [Task],
    truth_db: OnceCell<Result<DuckDb, DbError>>,
    /// What each timing task measured, by task id: measured once, read by the timing task
    /// and by the candidate's measurements.
    timings: RefCell<BTreeMap<String, Result<Timing, Outcome>>>,
}

impl<'a> TaskContext<'a> {
    pub fn new(
        truth: &'a Truth,
        backend: &'a dyn Backend,
        answers: &'a Root,
        tables: &'a [Relation],
        tasks: &'a [Task],
    ) -> Self {
        Self {
            truth,
            backend,
            answers,
            tables,
            tasks,
            truth_db: OnceCell::new(),
            timings: RefCell::new(BTreeMap::new()),
        }
    }

    /// Runs one task.
    pub fn run(&self, task: &Task) -> Outcome {
        match &task.check {
            TaskCheck::Query {
                answer,
                expected,
                compare,
            } => self.query(answer, expected, compare),
            TaskCheck::Table {
                table,
                expected,
                compare,
            } => self.table(table, expected, compare),
            TaskCheck::Index {
                table,
                column,
                plan_query,
                plan_share,
            } => self.index(table, column, plan_query, *plan_share),
            TaskCheck::Statistics {
                answer,
                table,
                column,
                names,
                tolerance,
            } => self.statistics(answer, table, column, names, tolerance),
            TaskCheck::Frequencies {
                answer,
                table,
                column,
            } => self.frequencies(answer, table, column),
            TaskCheck::Imputation {
                table,
                source,
                key,
                columns,
                tolerance,
            } => self.imputation(table, source, key, columns, tolerance),
            TaskCheck::Timing(check) => match self.timing(&task.id) {
                Ok(timing) => timing::timing_outcome(&timing, check.plan_share),
                Err(outcome) => outcome,
            },
            TaskCheck::Measurements {
                answer,
                timing: timing_task,
                max_factor,
            } => match self.timing(timing_task) {
                Ok(timing) => {
                    timing::measurements_outcome(self.answers, answer, &timing, *max_factor)
                }
                Err(outcome) => Outcome {
                    message: Box::new(said!(
                        "ev-measurements-unmatched",
                        why = (*outcome.message).clone()
                    )),
                    ..outcome
                },
            },
        }
    }

    /// What the timing task `id` measured, timed on first use.
    fn timing(&self, id: &str) -> Result<Timing, Outcome> {
        if let Some(done) = self.timings.borrow().get(id) {
            return done.clone();
        }
        let measured = match self.tasks.iter().find(|t| t.id == id).map(|t| &t.check) {
            Some(TaskCheck::Timing(check)) => timing::measure(self.backend, self.tables, check),
            _ => Err(Outcome::grader_fault(said!("ev-no-timing-task", id = id))),
        };
        self.timings
            .borrow_mut()
            .insert(id.to_owned(), measured.clone());
        measured
    }

    /// The rows of the grader's query on the ground truth.
    fn expected(&self, sql: &str) -> Result<Vec<TextColumn>, Outcome> {
        let db = self
            .truth_db
            .get_or_init(|| self.truth.database())
            .as_ref()
            .map_err(|e| Outcome::grader_fault(said!("ev-truth-unloaded", error = e.said())))?;
        db.candidate_query(Query::Sql(sql), MAX_ROWS)
            .map(|r| r.columns)
            .map_err(|e| Outcome::grader_fault(said!("ev-grader-query-fails", error = e.said())))
    }

    /// The rows of the candidate's saved query `answer`.
    fn answer(&self, answer: &str) -> Result<Vec<TextColumn>, Outcome> {
        let file = format!("answers/{answer}");
        let sql = super::read_answer(self.answers, answer)?;
        match self
            .backend
            .candidate_query(Query::saved(self.backend.engine(), &sql), MAX_ROWS)
        {
            Ok(result) if result.truncated => Err(Outcome::lost(said!(
                "ev-answer-too-long",
                file = &file,
                cap = MAX_ROWS
            ))),
            Ok(result) => Ok(result.columns),
            Err(error) => Err(Outcome::from_error(
                &error,
                said!("doing-run-query", file = &file),
            )),
        }
    }

    /// The candidate's table, as text (a view is refused, a table without end is not read).
    fn candidate_table(
        &self,
        table: &str,
        expected_rows: usize,
    ) -> Result<Vec<TextColumn>, Outcome> {
        let actual = super::base_table(self.tables, table)?;
        let cap = super::table_cap(expected_rows);
        match self.backend.table_text(actual, cap) {
            Ok(result) if result.truncated => Err(Outcome::lost(said!(
                "ev-task-table-too-long",
                table = table,
                cap = cap
            ))),
            Ok(result) => Ok(result.columns),
            Err(e) => Err(Outcome::from_error(
                &e,
                said!("doing-read-named-table", table = table),
            )),
        }
    }

    fn source(&self, table: &str) -> Result<&TableTruth, Outcome> {
        self.truth
            .tables
            .iter()
            .find(|t| t.table == table)
            .ok_or_else(|| Outcome::grader_fault(said!("ev-no-exam-table", table = table)))
    }

    fn query(&self, answer: &str, expected: &str, compare: &CompareSpec) -> Outcome {
        let expected = match self.expected(expected) {
            Ok(rows) => rows,
            Err(outcome) => return outcome,
        };
        match self.answer(answer) {
            Ok(actual) => compared(
                &expected,
                &actual,
                compare,
                said!("what-file", file = format!("answers/{answer}")),
            ),
            Err(outcome) => outcome,
        }
    }

    fn table(&self, table: &str, expected: &str, compare: &CompareSpec) -> Outcome {
        let expected = match self.expected(expected) {
            Ok(rows) => rows,
            Err(outcome) => return outcome,
        };
        let expected_rows = expected.first().map_or(0, |(_, v)| v.len());
        match self.candidate_table(table, expected_rows) {
            Ok(actual) => compared(
                &expected,
                &actual,
                compare,
                said!("what-table", table = table),
            ),
            Err(outcome) => outcome,
        }
    }

    fn index(&self, table: &str, column: &str, plan_query: &str, plan_share: f64) -> Outcome {
        let actual = match super::base_table(self.tables, table) {
            Ok(actual) => actual,
            Err(outcome) => return outcome,
        };
        let indexes = match self.backend.indexes(actual) {
            Ok(indexes) => indexes,
            Err(error) => return Outcome::from_error(&error, said!("doing-list-indexes")),
        };
        let Some(index) = indexes.iter().find(|i| {
            i.columns
                .first()
                .is_some_and(|c| c.trim_matches(['"', '`']).eq_ignore_ascii_case(column))
        }) else {
            let found: Vec<Said> = indexes
                .iter()
                .map(|i| {
                    said!(
                        "ev-index-on",
                        index = &i.name,
                        columns = i.columns.join(", ")
                    )
                })
                .collect();
            return Outcome::lost(if found.is_empty() {
                said!("ev-no-index", table = table, column = column)
            } else {
                said!(
                    "ev-no-index-on-column",
                    table = table,
                    column = column,
                    found = found
                )
            });
        };
        let plan = match self
            .backend
            .explain(Query::saved(self.backend.engine(), plan_query))
        {
            Ok(plan) => plan,
            Err(error) => return Outcome::from_error(&error, said!("doing-read-plan")),
        };
        if super::plan::plan_uses_index(&plan, &[index.name.to_lowercase()]) {
            Outcome::passed(said!(
                "ev-index-used",
                index = &index.name,
                table = table,
                column = column
            ))
        } else {
            Outcome::failed(
                1.0 - plan_share,
                said!(
                    "ev-index-unused",
                    index = &index.name,
                    table = table,
                    column = column,
                    plan = super::plan::plan_line(&plan)
                ),
                said!("hint-index-unused"),
            )
        }
    }

    fn imputation(
        &self,
        table: &str,
        source: &str,
        key: &str,
        columns: &std::collections::BTreeMap<String, Vec<ImputationMethod>>,
        tolerance: &Tolerance,
    ) -> Outcome {
        let source = match self.source(source) {
            Ok(source) => source,
            Err(outcome) => return outcome,
        };
        let actual = match self.candidate_table(table, source.source.rows()) {
            Ok(actual) => actual,
            Err(outcome) => return outcome,
        };
        imputation_outcome(source, &actual, table, key, columns, tolerance)
    }
}

/// The outcome of a result-set comparison; `what` names what was compared (a file, a table).
fn compared(
    expected: &[TextColumn],
    actual: &[TextColumn],
    spec: &CompareSpec,
    what: Said,
) -> Outcome {
    let comparison = compare_results(expected, actual, spec);
    let rows = expected.first().map_or(0, |(_, v)| v.len());
    let parts = [
        ("rows".to_owned(), comparison.rows_share),
        ("columns".to_owned(), comparison.columns_share),
    ];
    let outcome = if comparison.matches() {
        let remarks = comparison.remarks;
        Outcome::passed(if remarks.is_empty() {
            said!("ev-compare-right", what = what, rows = rows)
        } else {
            said!(
                "ev-compare-right-remarks",
                what = what,
                rows = rows,
                remarks = remarks
            )
        })
    } else {
        Outcome::failed(
            comparison.fraction,
            said!(
                "ev-compare-differs",
                what = what.clone(),
                parts = comparison.parts()
            ),
            said!("hint-compare-differs", what = what),
        )
    };
    outcome.with_parts(parts)
}
