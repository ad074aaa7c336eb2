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

use epreuve_data::TypeFamily;
use epreuve_db::{Backend, ColumnInfo, DbError, Relation};
use epreuve_exam::{CheckKind, GraderManifest, TableRules};
use epreuve_fs::{FsError, Root, limits};

use epreuve_results::{Said, SaidArg, said};

use crate::canon::CodedPair;
use crate::{Status, TableTruth};

pub(crate) use instance::default_tables;
pub(crate) use tasks::TaskContext;

/// What a check found, before weighting: said as messages of the catalogues, never as
/// sentences (the report renders them in the reader's language).
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub status: Status,
    /// Share of the weight earned, from 0 to 1.
    pub fraction: f64,
    /// What was expected and what was found (for the assessor; boxed, as the hint: an
    /// outcome travels in many `Err`s).
    pub message: Box<Said>,
    /// What is missing, without expected values (for the candidate's self-check).
    pub hint: Box<Said>,
    /// Share of the source's filled cells lost, for the checks that measure it: the
    /// criterion's verdict reads it (see `[criteria]` in `grader.toml`).
    pub lost_share: Option<f64>,
    /// The parts judged, each with its share right, for the checks that judge several things
    /// at once: the jury's grid may read one part alone.
    pub parts: Vec<epreuve_results::Part>,
}

impl Outcome {
    fn new(status: Status, fraction: f64, message: Said, hint: Said) -> Self {
        Self {
            status,
            fraction,
            message: Box::new(message),
            hint: Box::new(hint),
            lost_share: None,
            parts: Vec::new(),
        }
    }

    pub fn passed(message: Said) -> Self {
        Self::new(Status::Passed, 1.0, message, said!("hint-ok"))
    }

    pub fn failed(fraction: f64, message: Said, hint: Said) -> Self {
        Self::new(Status::Failed, fraction, message, hint)
    }

    /// Nothing earned; the message says nothing the candidate may not know, so it is also the hint.
    pub fn lost(message: Said) -> Self {
        Self::new(Status::Failed, 0.0, message.clone(), message)
    }

    /// This outcome, with the parts it judged and the share right of each.
    pub fn with_parts(mut self, parts: impl IntoIterator<Item = (String, f64)>) -> Self {
        self.parts = parts
            .into_iter()
            .map(|(name, share)| epreuve_results::Part { name, share })
            .collect();
        self
    }

    /// This outcome, with the share of the source's filled cells lost.
    pub fn with_loss(mut self, share: f64) -> Self {
        self.lost_share = Some(share);
        self
    }

    pub fn not_applicable(message: Said) -> Self {
        Self::new(Status::NotApplicable, 0.0, message.clone(), message)
    }

    pub fn not_gradable(error: &DbError) -> Self {
        let message = said!("ev-not-gradable", error = error.said());
        Self::new(Status::NotGradable, 0.0, message.clone(), message)
    }

    /// The grader's own rules cannot be applied (its query fails on the ground truth): the
    /// candidate is not the one at fault, so nothing is scored.
    pub fn grader_fault(why: impl Into<SaidArg>) -> Self {
        let message = said!("ev-grader-fault", why = why);
        Self::new(Status::NotGradable, 0.0, message.clone(), message)
    }

    /// Waiting for the assessor, who scores this item by hand.
    pub fn pending(message: Said) -> Self {
        Self::new(Status::Pending, 0.0, message.clone(), message)
    }

    /// The outcome when the database fails: not gradable for the infrastructure, failed when
    /// the candidate's own query is at fault. `what` says what was being done.
    pub fn from_error(error: &DbError, what: Said) -> Self {
        if error.is_infrastructure() {
            Self::not_gradable(error)
        } else {
            Self::lost(said!("ev-failed-while", what = what, error = error.said()))
        }
    }
}

/// `items` joined by the message `join` (`join-and`, `join-or`: "a and b and c").
pub(crate) fn joined(join: &str, items: impl IntoIterator<Item = Said>) -> Said {
    let mut items = items.into_iter();
    let first = items.next().unwrap_or_else(|| said!("ev-nothing"));
    items.fold(first, |a, b| Said::new(join).with("a", a).with("b", b))
}

/// The text the candidate saved in `answers/<name>`, or the outcome when it is missing or
/// refused (a link out of the answers, a FIFO, a file too large): every check that reads an
/// answer reads it this way.
pub(crate) fn read_answer(answers: &Root, name: &str) -> Result<String, Outcome> {
    let file = format!("answers/{name}");
    match answers.read_to_string(name, limits::ANSWER) {
        Ok(text) => Ok(text),
        Err(FsError::Missing { .. }) => {
            Err(Outcome::lost(said!("hint-answer-missing", file = file)))
        }
        Err(e) => {
            // The refusal names the file as the candidate sees it, inside `answers/`.
            let mut why = e.said();
            if let Some(epreuve_i18n::SaidArg::Text(path)) = why.args.get_mut("path") {
                *path = format!("answers/{path}");
            }
            Err(Outcome::lost(said!("ev-answer-refused", why = why)))
        }
    }
}

/// The base table `wanted` among `relations`, or the outcome when it is missing or is a
/// view: what the statements ask for is a table holding the data, and a view's rows are
/// computed when read (from files grading cannot reach, or from a range without end).
pub(crate) fn base_table<'r>(relations: &'r [Relation], wanted: &str) -> Result<&'r str, Outcome> {
    match Relation::find(relations, wanted) {
        None => Err(Outcome::lost(said!("hint-table-missing", table = wanted))),
        Some(relation) if relation.view => Err(Outcome::lost(said!(
            "hint-table-is-view",
            table = &relation.name
        ))),
        Some(relation) => Ok(&relation.name),
    }
}

/// Rows epreuve reads of a candidate's table: four times the source and some (a table loaded
/// twice is still judged), never a table without end.
pub(crate) fn table_cap(source_rows: usize) -> usize {
    source_rows.saturating_mul(4).saturating_add(10_000)
}

/// The verdict on one column of a column-wise check.
pub(crate) enum ColumnVerdict {
    Ok,
    Bad(Said),
    NotApplicable,
    /// Another check already charged this column's mistake (one mistake, one penalty): a
    /// column missing from the table is the columns check's, a column of the wrong type family
    /// the types check's. It counts neither for nor against.
    JudgedElsewhere,
}

/// Everything the checks of one table share, fetched once.
pub(crate) struct TableContext<'a> {
    pub truth: &'a TableTruth,
    pub rules: Option<&'a TableRules>,
    pub grader: &'a GraderManifest,
    pub backend: &'a dyn Backend,
    pub answers: &'a Root,
    /// The table's name in the database, or why there is no table to judge.
    pub actual: Result<String, Outcome>,
    /// Its columns, or why they could not be read.
    pub columns: Result<Vec<ColumnInfo>, DbError>,
    coded: std::cell::OnceCell<Result<CodedPair, Outcome>>,
}

impl<'a> TableContext<'a> {
    pub fn new(
        truth: &'a TableTruth,
        grader: &'a GraderManifest,
        backend: &'a dyn Backend,
        answers: &'a Root,
        tables: &[Relation],
    ) -> Self {
        let actual = base_table(tables, &truth.table).map(str::to_owned);
        let columns = match &actual {
            Ok(name) => backend.columns(name),
            Err(_) => Ok(Vec::new()),
        };
        Self {
            truth,
            rules: grader.tables.iter().find(|r| r.table == truth.table),
            grader,
            backend,
            answers,
            actual,
            columns,
            coded: std::cell::OnceCell::new(),
        }
    }

    /// The table's rows that are no row of its source, as fingerprints (read as the values
    /// check reads them, once).
    pub fn strays(&self) -> Option<crate::StrayRows> {
        let actual = self.actual.as_ref().ok()?;
        let pair = self.coded(actual).ok()?;
        crate::strays::from_coded(&self.truth.table, pair)
    }

    /// The source and the whole table read into shared dictionaries of canonical values (see
    /// [`crate::canon`]), on first use: at most [`table_cap`] rows, streamed from the engine.
    pub fn coded(&self, actual: &str) -> Result<&CodedPair, Outcome> {
        self.coded
            .get_or_init(|| {
                let cap = table_cap(self.truth.source.rows());
                let mut pair = CodedPair::from_frame(&self.truth.source.frame, |name| {
                    self.truth
                        .column(name)
                        .map_or(TypeFamily::Text, |p| p.family)
                });
                let mut sink = pair.table_sink();
                match self.backend.scan_text(actual, cap, &mut sink) {
                    Ok((_, true)) => Err(Outcome::lost(said!(
                        "ev-table-too-long",
                        table = actual,
                        cap = cap,
                        source = &self.truth.source_name
                    ))),
                    Ok((rows, false)) => {
                        sink.finish(rows);
                        Ok(pair)
                    }
                    Err(error) => Err(Outcome::from_error(&error, said!("doing-read-table"))),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
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
            return Outcome::not_applicable(said!(
                "ev-text-length-not-kept",
                engine = self.backend.engine().label()
            ));
        }
        let actual = match &self.actual {
            Ok(actual) => actual.as_str(),
            Err(outcome) => return outcome.clone(),
        };
        if let Err(error) = &self.columns {
            return Outcome::from_error(error, said!("doing-read-columns"));
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
            CheckKind::DefaultTables => Outcome::not_applicable(said!("ev-instance-check")),
        }
    }

    /// Applies `verdict` to every source column and sums up; `what` names the check in its
    /// messages ("types", "sizes").
    pub fn per_column(
        &self,
        what: Said,
        mut verdict: impl FnMut(&epreuve_data::ColumnProfile, &ColumnInfo) -> ColumnVerdict,
    ) -> Outcome {
        let mut ok = 0usize;
        let mut applicable = 0usize;
        let mut problems = Vec::new();
        let mut bad_names = Vec::new();
        let mut elsewhere = 0usize;
        for profile in &self.truth.profile.columns {
            let result = match self.column(&profile.name) {
                Some(info) => verdict(profile, info),
                None => ColumnVerdict::JudgedElsewhere,
            };
            match result {
                ColumnVerdict::JudgedElsewhere => elsewhere += 1,
                ColumnVerdict::Ok => {
                    ok += 1;
                    applicable += 1;
                }
                ColumnVerdict::Bad(problem) => {
                    applicable += 1;
                    problems.push(problem);
                    bad_names.push(profile.name.as_str());
                }
                ColumnVerdict::NotApplicable => {}
            }
        }
        if applicable == 0 && elsewhere > 0 {
            return Outcome::passed(said!(
                "ev-columns-nothing-left",
                what = what,
                elsewhere = elsewhere
            ));
        }
        if applicable == 0 {
            return Outcome::not_applicable(said!("ev-columns-none-concerned", what = what));
        }
        if problems.is_empty() {
            return Outcome::passed(said!(
                "ev-columns-all-right",
                what = what,
                ok = ok,
                elsewhere = elsewhere
            ));
        }
        Outcome::failed(
            ok as f64 / applicable as f64,
            said!(
                "ev-columns-some-right",
                what = what.clone(),
                ok = ok,
                applicable = applicable,
                elsewhere = elsewhere,
                problems = problems
            ),
            said!(
                "hint-look-again",
                what = what,
                columns = epreuve_i18n::code_list(bad_names)
            ),
        )
    }
}
