//! The checks of `[[tasks]]`: each runs once per database. Expected values come from the
//! candidate's own files: through the ground-truth database (the grader's queries) or read
//! directly from the sources (statistics, frequencies, imputation).

use epreuve_data::{TypeFamily, canonical, is_missing, text_column, text_columns};
use epreuve_db::{Backend, DbError, DuckDb, Relation};
use epreuve_exam::{
    ColumnMatch, CompareSpec, ImputationMethod, Statistic, Task, TaskCheck, Tolerance,
};
use epreuve_fs::Root;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

use super::Outcome;
use super::timing::{self, Timing};
use crate::compare::{TextColumns, compare_results};
use crate::stats::{Percentile, frequencies, quantile_sorted};
use crate::{TableTruth, Truth};

/// A result or a table as columns of text.
type Rows = Vec<(String, Vec<Option<String>>)>;

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
            } => match self.timing(timing_task) {
                Ok(timing) => timing::measurements_outcome(self.answers, answer, &timing),
                Err(outcome) => Outcome {
                    message: format!(
                        "the measurements cannot be set against epreuve's: {}",
                        outcome.message
                    ),
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
            _ => Err(Outcome::grader_fault(format!(
                "the grader has no timing task `{id}`"
            ))),
        };
        self.timings
            .borrow_mut()
            .insert(id.to_owned(), measured.clone());
        measured
    }

    /// The rows of the grader's query on the ground truth.
    fn expected(&self, sql: &str) -> Result<Rows, Outcome> {
        let db = self
            .truth_db
            .get_or_init(|| self.truth.database())
            .as_ref()
            .map_err(|e| Outcome::grader_fault(format!("loading the ground truth: {e}")))?;
        db.candidate_query(sql, MAX_ROWS)
            .map(|r| text_columns(&r.frame))
            .map_err(|e| Outcome::grader_fault(format!("the grader's query fails: {e}")))
    }

    /// The rows of the candidate's saved query `answer`.
    fn answer(&self, answer: &str) -> Result<Rows, Outcome> {
        let file = format!("answers/{answer}");
        let sql = super::read_answer(self.answers, answer)?;
        match self.backend.candidate_query(&sql, MAX_ROWS) {
            Ok(result) if result.truncated => Err(Outcome::lost(format!(
                "{file} returns more than {MAX_ROWS} rows"
            ))),
            Ok(result) => Ok(text_columns(&result.frame)),
            Err(error) => Err(Outcome::from_error(
                &error,
                &format!("the query in {file} does not run"),
            )),
        }
    }

    /// The candidate's table, as text (a view is refused, a table without end is not read).
    fn candidate_table(&self, table: &str, expected_rows: usize) -> Result<Rows, Outcome> {
        let actual = super::base_table(self.tables, table)?;
        let cap = super::table_cap(expected_rows);
        match self.backend.table_text(actual, cap) {
            Ok(result) if result.truncated => Err(Outcome::lost(format!(
                "`{table}` holds more than {cap} rows, far more than expected; epreuve reads no further"
            ))),
            Ok(result) => Ok(text_columns(&result.frame)),
            Err(e) => Err(Outcome::from_error(&e, &format!("reading `{table}`"))),
        }
    }

    fn source(&self, table: &str) -> Result<&TableTruth, Outcome> {
        self.truth
            .tables
            .iter()
            .find(|t| t.table == table)
            .ok_or_else(|| Outcome::grader_fault(format!("the exam has no table `{table}`")))
    }

    fn query(&self, answer: &str, expected: &str, compare: &CompareSpec) -> Outcome {
        let expected = match self.expected(expected) {
            Ok(rows) => rows,
            Err(outcome) => return outcome,
        };
        match self.answer(answer) {
            Ok(actual) => compared(&expected, &actual, compare, &format!("answers/{answer}")),
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
            Ok(actual) => compared(&expected, &actual, compare, &format!("the table `{table}`")),
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
            Err(error) => return Outcome::from_error(&error, "listing the indexes"),
        };
        let Some(index) = indexes.iter().find(|i| {
            i.columns
                .first()
                .is_some_and(|c| c.trim_matches(['"', '`']).eq_ignore_ascii_case(column))
        }) else {
            let found: Vec<String> = indexes
                .iter()
                .map(|i| format!("`{}` on ({})", i.name, i.columns.join(", ")))
                .collect();
            return Outcome::lost(if found.is_empty() {
                format!("`{table}` has no index; the search needs one on `{column}`")
            } else {
                format!(
                    "no index of `{table}` starts with `{column}` (found: {})",
                    found.join("; ")
                )
            });
        };
        let plan = match self.backend.explain(plan_query) {
            Ok(plan) => plan,
            Err(error) => return Outcome::from_error(&error, "reading the plan"),
        };
        if super::plan::plan_uses_index(&plan, &[index.name.to_lowercase()]) {
            Outcome::passed(format!(
                "index `{}` on `{table}`({column}), and the plan of the statement's search uses it",
                index.name
            ))
        } else {
            Outcome::failed(
                1.0 - plan_share,
                format!(
                    "index `{}` on `{table}`({column}) exists, but the plan of the statement's search does not use it ({})",
                    index.name,
                    super::plan::plan_line(&plan)
                ),
                "the index exists, but the engine's plan does not use it",
            )
        }
    }

    fn statistics(
        &self,
        answer: &str,
        table: &str,
        column: &str,
        names: &std::collections::BTreeMap<String, Statistic>,
        tolerance: &Tolerance,
    ) -> Outcome {
        let source = match self.source(table) {
            Ok(source) => source,
            Err(outcome) => return outcome,
        };
        let Some(values) = numbers(source, column) else {
            return Outcome::grader_fault(format!("`{table}` has no column `{column}`"));
        };
        let mut sorted = values;
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return Outcome::grader_fault(format!("`{table}.{column}` has no value"));
        }
        let actual = match self.answer(answer) {
            Ok(actual) => actual,
            Err(outcome) => return outcome,
        };
        let file = format!("answers/{answer}");
        let rows = actual.first().map_or(0, |(_, v)| v.len());
        if rows == 0 {
            return Outcome::lost(format!("{file} returns no row"));
        }
        let mut right = 0usize;
        let mut said = Vec::new();
        let mut wrong = Vec::new();
        for (name, statistic) in names {
            let found = actual
                .iter()
                .find(|(n, _)| crate::compare::column_key(n) == name.to_lowercase())
                .and_then(|(_, v)| v.first().cloned().flatten());
            let Some(found) = found else {
                wrong.push(format!("`{name}` ({}) is missing", statistic.label()));
                continue;
            };
            let Ok(number) = canonical(TypeFamily::Decimal, &found).parse::<f64>() else {
                wrong.push(format!("`{name}` is not a number: {found}"));
                continue;
            };
            let candidates = expected_statistic(&sorted, *statistic);
            match candidates
                .iter()
                .find(|(value, _)| tolerance.accepts(*value, number))
            {
                Some((_, how)) => {
                    right += 1;
                    said.push(format!("{} {}{how}", statistic.label(), show(number)));
                }
                None => wrong.push(format!(
                    "`{name}`: {} expected {}, found {}",
                    statistic.label(),
                    candidates
                        .iter()
                        .map(|(v, how)| format!("{}{how}", show(*v)))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    show(number)
                )),
            }
        }
        let total = names.len().max(1);
        let counted = format!(
            "`{table}.{column}`, {} values, missing ones left out",
            sorted.len()
        );
        if wrong.is_empty() {
            Outcome::passed(format!("{counted}: {}", said.join(", ")))
        } else {
            Outcome::failed(
                right as f64 / total as f64,
                format!("{counted}: {right} of {total} right; {}", wrong.join("; ")),
                format!(
                    "{right} of {total} statistics of `{column}` are right; look again at {}",
                    names
                        .keys()
                        .filter(|n| wrong.iter().any(|w| w.contains(&format!("`{n}`"))))
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
    }

    fn frequencies(&self, answer: &str, table: &str, column: &str) -> Outcome {
        let source = match self.source(table) {
            Ok(source) => source,
            Err(outcome) => return outcome,
        };
        let Some(values) = text_column(&source.source.frame, column) else {
            return Outcome::grader_fault(format!("`{table}` has no column `{column}`"));
        };
        let counts = frequencies(values.iter().map(|v| v.as_deref()));
        let expected: Vec<(String, Vec<Option<String>>)> = vec![
            (
                column.to_owned(),
                counts.iter().map(|(c, _)| Some(c.clone())).collect(),
            ),
            (
                "effectif".to_owned(),
                counts.iter().map(|(_, n)| Some(n.to_string())).collect(),
            ),
        ];
        let mut actual = match self.answer(answer) {
            Ok(actual) => actual,
            Err(outcome) => return outcome,
        };
        // A row for the missing values is harmless when it counts them right: the statement
        // counts categories, and 'Non renseigné' or NULL with the number of empty cells is
        // what an examiner accepts.
        let source_missing = values.iter().filter(|v| is_missing(v.as_deref())).count();
        let remark = leave_out_missing_row(&mut actual, &counts, source_missing);
        let spec = CompareSpec {
            columns: ColumnMatch::ByPosition,
            ..CompareSpec::default()
        };
        let mut outcome = compared(&expected, &actual, &spec, &format!("answers/{answer}"));
        if let Some(remark) = remark {
            outcome.message = format!("{}; {remark}", outcome.message);
        }
        outcome
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

/// Labels candidates give the row of missing values, besides NULL.
const MISSING_LABELS: [&str; 9] = [
    "non renseigné",
    "non renseigne",
    "na",
    "n/a",
    "inconnu",
    "inconnue",
    "manquant",
    "aucun",
    "null",
];

/// Takes out of a frequency table the row that labels the missing values (NULL or one of
/// [`MISSING_LABELS`], unless the source has a category of that name) when its count is the
/// source's number of missing values, and says so; a count that differs leaves the row in,
/// where it costs like any wrong row, and is said too.
fn leave_out_missing_row(
    actual: &mut [(String, Vec<Option<String>>)],
    categories: &[(String, usize)],
    source_missing: usize,
) -> Option<String> {
    let labels_missing = |cell: &Option<String>| match cell.as_deref() {
        None => true,
        Some(text) if text.trim().is_empty() => true,
        Some(text) => {
            let text = text.trim().to_lowercase();
            MISSING_LABELS.contains(&text.as_str())
                && !categories.iter().any(|(c, _)| c.to_lowercase() == text)
        }
    };
    let row = actual.first()?.1.iter().position(labels_missing)?;
    let label = actual[0].1[row]
        .clone()
        .map_or("NULL".to_owned(), |l| format!("'{}'", l.trim()));
    let count = actual
        .get(1)
        .and_then(|(_, v)| v.get(row).cloned().flatten())
        .and_then(|n| {
            epreuve_data::canonical(epreuve_data::TypeFamily::Decimal, &n)
                .parse::<f64>()
                .ok()
        });
    if count == Some(source_missing as f64) {
        for (_, values) in actual.iter_mut() {
            values.remove(row);
        }
        Some(format!(
            "the row {label} counts the {source_missing} missing values: accepted and left out"
        ))
    } else {
        Some(format!(
            "the row {label} should count the {source_missing} missing values, it says {}",
            count.map_or("nothing readable".to_owned(), |c| c.to_string())
        ))
    }
}

/// Judges a candidate's imputed table against its source.
fn imputation_outcome(
    source: &TableTruth,
    actual: &TextColumns,
    table: &str,
    key: &str,
    columns: &std::collections::BTreeMap<String, Vec<ImputationMethod>>,
    tolerance: &Tolerance,
) -> Outcome {
    let find = |cols: &TextColumns, name: &str| {
        cols.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let source_columns = text_columns(&source.source.frame);
    let (Some(source_key), Some(actual_key)) = (find(&source_columns, key), find(actual, key))
    else {
        return Outcome::lost(format!(
            "`{table}` must keep the key column `{key}` of its source"
        ));
    };
    let key_family = source.column(key).map_or(TypeFamily::Text, |p| p.family);
    let index: std::collections::HashMap<String, usize> = actual[actual_key]
        .1
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_deref().map(|v| (canonical(key_family, v), i)))
        .collect();
    let mut right = 0usize;
    let mut problems = Vec::new();
    let mut said = Vec::new();
    for (column, methods) in columns {
        let Some(source_column) = find(&source_columns, column) else {
            return Outcome::grader_fault(format!("the source has no column `{column}`"));
        };
        let Some(actual_column) = find(actual, column) else {
            problems.push(format!("`{column}` is missing"));
            continue;
        };
        let family = source.column(column).map_or(TypeFamily::Text, |p| p.family);
        let numeric = matches!(family, TypeFamily::Integer | TypeFamily::Decimal);
        let same = |a: &str, b: &str| {
            if numeric {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    _ => a == b,
                }
            } else {
                a == b
            }
        };
        let mut changed = 0usize;
        let mut absent = 0usize;
        let mut unfilled = 0usize;
        let mut fills: Vec<String> = Vec::new();
        let mut present: Vec<String> = Vec::new();
        for (row, key_value) in source_columns[source_key].1.iter().enumerate() {
            let Some(key_value) = key_value else { continue };
            let Some(&at) = index.get(&canonical(key_family, key_value)) else {
                absent += 1;
                continue;
            };
            let found = actual[actual_column].1[at]
                .as_deref()
                .filter(|v| !is_missing(Some(v)))
                .map(|v| canonical(family, v));
            match source_columns[source_column].1[row].as_deref() {
                Some(original) if !is_missing(Some(original)) => {
                    let original = canonical(family, original);
                    if !found.as_deref().is_some_and(|f| same(f, &original)) {
                        changed += 1;
                    }
                    present.push(original);
                }
                _ => match found {
                    Some(value) => fills.push(value),
                    None => unfilled += 1,
                },
            }
        }
        let mut faults = Vec::new();
        if absent > 0 {
            faults.push(format!("{absent} rows of the source are missing"));
        }
        if changed > 0 {
            faults.push(format!("{changed} values that were present were changed"));
        }
        if unfilled > 0 {
            faults.push(format!("{unfilled} missing cells are still empty"));
        }
        let filled = fills.len();
        let mut distinct: Vec<&String> = Vec::new();
        for value in &fills {
            if !distinct.iter().any(|d| same(d, value)) {
                distinct.push(value);
            }
        }
        let method = match distinct.as_slice() {
            [] => None,
            [value] => {
                let found = identify(value, &present, numeric, tolerance);
                match found.iter().find(|m| methods.contains(m)) {
                    Some(m) => Some(Ok((value.to_string(), *m))),
                    None => Some(Err(format!(
                        "the {filled} missing cells hold {value}, which is {} ({} asked)",
                        if found.is_empty() {
                            "none of the accepted methods".to_owned()
                        } else {
                            found
                                .iter()
                                .map(|m| m.label())
                                .collect::<Vec<_>>()
                                .join(" and ")
                        },
                        methods
                            .iter()
                            .map(|m| m.label())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ))),
                }
            }
            many => Some(Err(format!(
                "the {filled} missing cells hold {} different values ({}…); one method gives one value",
                many.len(),
                many.iter()
                    .take(3)
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
        match method {
            Some(Err(problem)) => faults.push(problem),
            Some(Ok((value, m))) if faults.is_empty() => said.push(format!(
                "`{column}`: {filled} missing cells filled with {value} ({})",
                m.label()
            )),
            None if faults.is_empty() => {
                said.push(format!("`{column}`: no missing cell in the source"))
            }
            _ => {}
        }
        if faults.is_empty() {
            right += 1;
        } else {
            problems.push(format!("`{column}`: {}", faults.join(", ")));
        }
    }
    let total = columns.len().max(1);
    if problems.is_empty() {
        Outcome::passed(format!("{}; every other value unchanged", said.join("; ")))
    } else {
        Outcome::failed(
            right as f64 / total as f64,
            format!(
                "{right} of {total} columns imputed as asked; {}",
                problems.join("; ")
            ),
            format!("{right} of {total} columns of `{table}` are imputed as the statement asks",),
        )
    }
}

/// The methods whose value is `value`, given the values present.
fn identify(
    value: &str,
    present: &[String],
    numeric: bool,
    tolerance: &Tolerance,
) -> Vec<ImputationMethod> {
    let mut out = Vec::new();
    if numeric {
        let Ok(value) = value.parse::<f64>() else {
            return out;
        };
        let mut sorted: Vec<f64> = present.iter().filter_map(|v| v.parse().ok()).collect();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return out;
        }
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        if tolerance.accepts(mean, value) {
            out.push(ImputationMethod::Mean);
        }
        if [Percentile::Continuous, Percentile::Discrete]
            .iter()
            .any(|d| tolerance.accepts(quantile_sorted(&sorted, 0.5, *d), value))
        {
            out.push(ImputationMethod::Median);
        }
        if value == 0.0 {
            out.push(ImputationMethod::Zero);
        }
    }
    let counts = frequencies(present.iter().map(|v| Some(v.as_str())));
    if let Some((_, top)) = counts.first()
        && counts.iter().any(|(c, n)| n == top && c == value)
    {
        out.push(ImputationMethod::Mode);
    }
    out
}

/// The accepted values of a statistic, each with the definition that gives it.
fn expected_statistic(sorted: &[f64], statistic: Statistic) -> Vec<(f64, &'static str)> {
    let quantile = |p: f64| {
        vec![
            (
                quantile_sorted(sorted, p, Percentile::Continuous),
                " (continuous)",
            ),
            (
                quantile_sorted(sorted, p, Percentile::Discrete),
                " (discrete)",
            ),
        ]
    };
    match statistic {
        Statistic::Count => vec![(sorted.len() as f64, "")],
        Statistic::Mean => vec![(sorted.iter().sum::<f64>() / sorted.len() as f64, "")],
        Statistic::Median => quantile(0.5),
        Statistic::Q1 => quantile(0.25),
        Statistic::Q3 => quantile(0.75),
        Statistic::Min => vec![(sorted[0], "")],
        Statistic::Max => vec![(sorted[sorted.len() - 1], "")],
    }
}

/// The numbers of a source column, missing values left out.
fn numbers(source: &TableTruth, column: &str) -> Option<Vec<f64>> {
    let values = text_column(&source.source.frame, column)?;
    Some(
        values
            .iter()
            .flatten()
            .filter(|v| !is_missing(Some(v)))
            .filter_map(|v| canonical(TypeFamily::Decimal, v).parse::<f64>().ok())
            .collect(),
    )
}

fn show(x: f64) -> String {
    let rounded = (x * 10_000.0).round() / 10_000.0;
    format!("{rounded}")
}

/// The outcome of a result-set comparison.
fn compared(
    expected: &TextColumns,
    actual: &TextColumns,
    spec: &CompareSpec,
    what: &str,
) -> Outcome {
    let comparison = compare_results(expected, actual, spec);
    let rows = expected.first().map_or(0, |(_, v)| v.len());
    if comparison.matches() {
        let mut message = format!("{what}: the {rows} rows expected");
        if !comparison.remarks.is_empty() {
            message = format!("{message} ({})", comparison.remarks.join("; "));
        }
        Outcome::passed(message)
    } else {
        Outcome::failed(
            comparison.fraction,
            format!("{what}: {}", comparison.message()),
            format!("{what} does not hold what the statement asks yet"),
        )
    }
}
