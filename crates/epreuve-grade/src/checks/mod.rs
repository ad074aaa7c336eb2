//! The checks of the first exams. Each looks at one table and returns an [`Outcome`]; the
//! runner turns outcomes into scored results.

mod head;
mod instance;
mod plan;
mod presence;
mod tasks;
mod timing;
mod types;
mod values;

use epreuve_db::{Backend, ColumnInfo, DbError, find_name};
use epreuve_exam::{CheckKind, GraderManifest, TableRules};
use polars::prelude::DataFrame;

use crate::{Status, TableTruth};

pub(crate) use instance::default_tables;
pub(crate) use tasks::TaskContext;

/// What a check found, before weighting.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub status: Status,
    /// Share of the weight earned, from 0 to 1.
    pub fraction: f64,
    /// What was expected and what was found (for the assessor).
    pub message: String,
    /// What is missing, without expected values (for the candidate's self-check).
    pub hint: String,
}

impl Outcome {
    pub fn passed(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: Status::Passed,
            fraction: 1.0,
            hint: "ok".into(),
            message,
        }
    }

    pub fn failed(fraction: f64, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            status: Status::Failed,
            fraction,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Nothing earned; the message says nothing the candidate may not know, so it is also the hint.
    pub fn lost(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::failed(0.0, message.clone(), message)
    }

    pub fn not_applicable(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: Status::NotApplicable,
            fraction: 0.0,
            hint: message.clone(),
            message,
        }
    }

    pub fn not_gradable(error: &DbError) -> Self {
        let message = format!("not gradable: {error}");
        Self {
            status: Status::NotGradable,
            fraction: 0.0,
            hint: message.clone(),
            message,
        }
    }

    /// The grader's own rules cannot be applied (its query fails on the ground truth): the
    /// candidate is not the one at fault, so nothing is scored.
    pub fn grader_fault(message: impl Into<String>) -> Self {
        let message = format!("not gradable, the grader is at fault: {}", message.into());
        Self {
            status: Status::NotGradable,
            fraction: 0.0,
            hint: message.clone(),
            message,
        }
    }

    /// Waiting for the assessor, who scores this item by hand.
    pub fn pending(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: Status::Pending,
            fraction: 0.0,
            hint: message.clone(),
            message,
        }
    }

    /// The outcome when the database fails: not gradable for the infrastructure, failed when
    /// the candidate's own query is at fault.
    pub fn from_error(error: &DbError, what: &str) -> Self {
        if error.is_infrastructure() {
            Self::not_gradable(error)
        } else {
            Self::lost(format!("{what}: {error}"))
        }
    }
}

/// The SQL the candidate saved in `answers/<name>`, or the outcome when it is missing or
/// unreadable: every check that runs a saved query reads it this way.
pub(crate) fn read_answer(answers_dir: &std::path::Path, name: &str) -> Result<String, Outcome> {
    let file = format!("answers/{name}");
    match std::fs::read_to_string(answers_dir.join(name)) {
        Ok(sql) => Ok(sql),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Outcome::lost(format!("{file} is missing")))
        }
        Err(e) => Err(Outcome::lost(format!("{file} cannot be read: {e}"))),
    }
}

/// The verdict on one column of a column-wise check.
pub(crate) enum ColumnVerdict {
    Ok,
    Bad(String),
    NotApplicable,
}

/// Everything the checks of one table share, fetched once.
pub(crate) struct TableContext<'a> {
    pub truth: &'a TableTruth,
    pub rules: Option<&'a TableRules>,
    pub grader: &'a GraderManifest,
    pub backend: &'a dyn Backend,
    pub answers_dir: &'a std::path::Path,
    /// The table's name in the database, when it exists.
    pub actual: Option<String>,
    /// Its columns, or why they could not be read.
    pub columns: Result<Vec<ColumnInfo>, DbError>,
    table_text: std::cell::OnceCell<Result<DataFrame, DbError>>,
}

impl<'a> TableContext<'a> {
    pub fn new(
        truth: &'a TableTruth,
        grader: &'a GraderManifest,
        backend: &'a dyn Backend,
        answers_dir: &'a std::path::Path,
        tables: &[String],
    ) -> Self {
        let actual = find_name(tables, &truth.table).cloned();
        let columns = match &actual {
            Some(name) => backend.columns(name),
            None => Ok(Vec::new()),
        };
        Self {
            truth,
            rules: grader.tables.iter().find(|r| r.table == truth.table),
            grader,
            backend,
            answers_dir,
            actual,
            columns,
            table_text: std::cell::OnceCell::new(),
        }
    }

    /// The whole table as text, fetched on first use.
    pub fn table_text(&self, actual: &str) -> Result<&DataFrame, &DbError> {
        self.table_text
            .get_or_init(|| self.backend.table_text(actual))
            .as_ref()
    }

    /// The declared column matching a source column, without regard to case.
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns
            .as_ref()
            .ok()?
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Runs the check `kind` on this table.
    pub fn run(&self, kind: CheckKind) -> Outcome {
        // What the engine cannot express is decided first, so that the points at stake on an
        // engine are the same for every submission, even one without the table.
        if kind == CheckKind::TextLength && !self.backend.capabilities().keeps_text_length {
            return Outcome::not_applicable(format!(
                "{} does not keep declared VARCHAR(n) lengths: not applicable on this engine",
                self.backend.engine().label()
            ));
        }
        let table = &self.truth.table;
        let Some(actual) = self.actual.as_deref() else {
            return Outcome::lost(format!("the table `{table}` does not exist"));
        };
        if let Err(error) = &self.columns {
            return Outcome::from_error(error, "reading the columns");
        }
        match kind {
            CheckKind::Columns => presence::columns(self),
            CheckKind::RowCount => presence::row_count(self, actual),
            CheckKind::Head => head::head(self, actual),
            CheckKind::Values => values::values(self, actual),
            CheckKind::TypeFamily => types::type_family(self),
            CheckKind::Size => types::size(self),
            CheckKind::TextLength => types::text_length(self),
            // Run once per database by the runner, never per table.
            CheckKind::DefaultTables => Outcome::not_applicable("an instance check"),
        }
    }

    /// Applies `verdict` to every source column and sums up.
    pub fn per_column(
        &self,
        what: &str,
        mut verdict: impl FnMut(&epreuve_data::ColumnProfile, &ColumnInfo) -> ColumnVerdict,
    ) -> Outcome {
        let mut ok = 0usize;
        let mut applicable = 0usize;
        let mut problems = Vec::new();
        let mut bad_names = Vec::new();
        for profile in &self.truth.profile.columns {
            let result = match self.column(&profile.name) {
                Some(info) => verdict(profile, info),
                None => ColumnVerdict::Bad(format!("`{}` is missing", profile.name)),
            };
            match result {
                ColumnVerdict::Ok => {
                    ok += 1;
                    applicable += 1;
                }
                ColumnVerdict::Bad(problem) => {
                    applicable += 1;
                    problems.push(problem);
                    bad_names.push(format!("`{}`", profile.name));
                }
                ColumnVerdict::NotApplicable => {}
            }
        }
        if applicable == 0 {
            return Outcome::not_applicable(format!(
                "{what}: no column of this table is concerned"
            ));
        }
        if problems.is_empty() {
            return Outcome::passed(format!("{what}: all {ok} columns judged are right"));
        }
        Outcome::failed(
            ok as f64 / applicable as f64,
            format!(
                "{what}: {ok} of {applicable} columns right; {}",
                problems.join("; ")
            ),
            format!("{what}: look again at {}", bad_names.join(", ")),
        )
    }
}
