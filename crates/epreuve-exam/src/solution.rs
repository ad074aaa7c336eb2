//! Solutions shipped with a grader (`graders/<exam>/solutions/<name>/solution.toml`): the
//! reference, which must score the maximum, and wrong ones, each with the score it must get.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A solution the grader is tested with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolutionManifest {
    /// What the solution does, and what it gets wrong.
    pub description: String,
    /// SQL file (relative to the solution folder) creating the exam's tables, which are then
    /// loaded from the candidate's files; absent when the exam preloads them.
    #[serde(default)]
    pub schema: Option<String>,
    /// SQL file run once the tables are loaded (derived tables, indexes). A file next to it
    /// named `<stem>.<engine>.sql` (`build.postgres.sql`) replaces it on that engine.
    #[serde(default)]
    pub build: Option<String>,
    /// Folder (relative to the solution folder) of the files copied into `answers/`. Files in
    /// `<answers>.<engine>/` (`answers.mariadb/`) replace those of the same name on that engine.
    #[serde(default = "default_answers")]
    pub answers: String,
    /// Another solution of the same grader whose answers are copied first, this one's own
    /// answers replacing them file by file (a wrong solution that differs in one query).
    #[serde(default)]
    pub answers_from: Option<String>,
    /// The assessor's scores of the manual items, given to grading from the assessor's side.
    #[serde(default)]
    pub evaluation: Option<String>,
    /// Score the grader must give on DuckDB.
    pub expected_score: f64,
    /// Checks that must not pass on DuckDB, by id (`ventes.row_count`); every other check
    /// must pass.
    #[serde(default)]
    pub expected_failures: Vec<String>,
    /// Criteria the jury's verdict must give as "non acquis" on DuckDB; every other criterion
    /// must be "acquis" (or wait for the assessor).
    #[serde(default)]
    pub expected_not_acquired: Vec<String>,
    /// Lines of the jury's grid that must be "non acquis" on DuckDB, by indicator
    /// (`C1.9/observations`); every other line must be acquired (or wait for the assessor).
    #[serde(default)]
    pub expected_indicators_not_acquired: Vec<String>,
    /// The candidate's own measurements, taken on the tables the solution built, as a
    /// candidate's script takes them (see [`Measure`]).
    #[serde(default)]
    pub measure: Option<Measure>,
    /// Score and failures on the servers (PostgreSQL, MariaDB), which keep `VARCHAR(n)` and so
    /// judge text lengths; the same as on DuckDB when absent.
    #[serde(default)]
    pub on_servers: Option<Expectation>,
    /// Damage done to the data on its way to the tables, to imitate a mistake.
    #[serde(default)]
    pub transform: Transform,
}

/// What a solution must get on a group of engines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Score the grader must give.
    pub expected_score: f64,
    /// Checks that must not pass, by id.
    #[serde(default)]
    pub expected_failures: Vec<String>,
    /// Criteria that must be "non acquis".
    #[serde(default)]
    pub expected_not_acquired: Vec<String>,
    /// Lines of the jury's grid that must be "non acquis".
    #[serde(default)]
    pub expected_indicators_not_acquired: Vec<String>,
}

/// Measurements a solution takes itself, once its tables are built: each query of the
/// grader's timing task run on both tables, twice to warm up, then `runs` rounds that run it
/// once on each table in alternating order, every run written as a line of
/// `answers/<answer>` (a candidate's `time.perf_counter()` around each query does the same).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// File under `answers/`.
    #[serde(default = "Measure::default_answer")]
    pub answer: String,
    /// Id of the grader's timing task whose queries and tables are measured.
    pub timing: String,
    /// Timed rounds of each query (one run on each table per round).
    #[serde(default = "Measure::default_runs")]
    pub runs: usize,
    /// The file's first line, which also gives its separator.
    #[serde(default = "Measure::default_header")]
    pub header: String,
    /// Milliseconds written with a decimal comma (the separator must then not be a comma).
    #[serde(default)]
    pub decimal_comma: bool,
    /// Lines left out, as `query;table` (`R2;ventes`): a measurement forgotten.
    #[serde(default)]
    pub skip: Vec<String>,
}

impl Measure {
    fn default_answer() -> String {
        "mesures.csv".into()
    }

    fn default_runs() -> usize {
        3
    }

    fn default_header() -> String {
        "requete;table;duree_ms".into()
    }
}

fn default_answers() -> String {
    "answers".into()
}

/// Mistakes a wrong solution makes while loading.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    /// Rows left out at the end of a table: `{ ventes = 120 }`.
    #[serde(default)]
    pub drop_rows: BTreeMap<String, usize>,
    /// Text cut to a number of characters: `{ "magasins.nom" = 20 }`.
    #[serde(default)]
    pub truncate: BTreeMap<String, usize>,
    /// Columns left out of a table: dropped from the schema once it is created, and not
    /// loaded (`{ produits = ["categorie"] }`).
    #[serde(default)]
    pub drop_columns: BTreeMap<String, Vec<String>>,
    /// Columns sorted on their own, the rest of the row left in place (a spreadsheet's "sort
    /// without extending the selection"): `{ "magasins.ville" = true }`.
    #[serde(default)]
    pub sort_alone: BTreeMap<String, bool>,
    /// Columns whose every cell was lost on the way in: `{ ventes = ["prix_unitaire"] }`.
    #[serde(default)]
    pub empty_columns: BTreeMap<String, Vec<String>>,
    /// Tables whose rows were loaded twice (a notebook run twice): `["ventes"]`.
    #[serde(default)]
    pub load_twice: Vec<String>,
}
