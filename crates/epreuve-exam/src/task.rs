//! Tasks of the statement that are not about one loaded table (`[[tasks]]` in `grader.toml`):
//! a saved query compared with the grader's, a table the candidate built from several
//! sources, an index, statistics, frequencies, imputed values. Each runs once per database and
//! is one scored check. Manual items (`[[manual]]`) are scored by the assessor.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{CompareSpec, Tolerance};

/// One scored task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Check id in reports (`selection`, `stats_quantite`).
    pub id: String,
    /// What is checked, in a few words, for reports.
    pub title: String,
    /// Certification criterion evidenced, such as `C2.1`.
    pub criterion: String,
    /// Points.
    pub weight: f64,
    /// Whether `epreuve check` runs it for the candidate.
    #[serde(default)]
    pub public: bool,
    /// What is checked and how.
    pub check: TaskCheck,
}

impl Task {
    /// The candidate's tables this task reads by name.
    pub fn tables(&self) -> Vec<&str> {
        match &self.check {
            TaskCheck::Table { table, .. } | TaskCheck::Index { table, .. } => vec![table],
            TaskCheck::Imputation { table, .. } => vec![table],
            TaskCheck::Timing(timing) => vec![&timing.slow, &timing.fast],
            TaskCheck::Query { .. }
            | TaskCheck::Statistics { .. }
            | TaskCheck::Frequencies { .. }
            | TaskCheck::Measurements { .. } => Vec::new(),
        }
    }
}

/// The kinds of task check.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskCheck {
    /// The candidate's saved query returns what the grader's query returns on the tables of
    /// the candidate's own files.
    Query {
        /// File under `answers/`.
        answer: String,
        /// The grader's query, run on the ground-truth database (DuckDB SQL).
        expected: String,
        /// How the two results are compared.
        #[serde(default)]
        compare: CompareSpec,
    },
    /// A table the candidate built holds what the grader's query computes from the candidate's
    /// files (C1.7: sources of different granularity unified).
    Table {
        /// Table the statement names.
        table: String,
        /// The grader's query, run on the ground-truth database (DuckDB SQL).
        expected: String,
        /// How the table and the expected rows are compared.
        #[serde(default)]
        compare: CompareSpec,
    },
    /// An index exists on `table(column)` (as its first column), and the engine's plan of
    /// `plan_query` uses it.
    Index {
        /// Table indexed.
        table: String,
        /// Column the statement's search needs.
        column: String,
        /// The statement's query, whose plan should use the index.
        plan_query: String,
        /// Share of the points for the plan evidence (the rest is for the index itself).
        #[serde(default = "default_plan_share")]
        plan_share: f64,
    },
    /// Mean, median, quartiles of a source column, under any of the accepted definitions.
    Statistics {
        /// File under `answers/`, returning one row.
        answer: String,
        /// Exam table whose source holds the column.
        table: String,
        /// The column described.
        column: String,
        /// Result column names and the statistic each must hold.
        names: BTreeMap<String, Statistic>,
        /// How close each number must be.
        #[serde(default)]
        tolerance: Tolerance,
    },
    /// The count of each category of a source column, missing values left out.
    Frequencies {
        /// File under `answers/`: one row per category, category first, its count second.
        answer: String,
        /// Exam table whose source holds the column.
        table: String,
        /// The qualitative column.
        column: String,
    },
    /// Missing values filled by an accepted method, every other value unchanged (C1.8).
    Imputation {
        /// Table the candidate built.
        table: String,
        /// Exam table whose source has the missing values.
        source: String,
        /// Column identifying a row in both.
        key: String,
        /// Each imputed column and the methods the statement accepts.
        columns: BTreeMap<String, Vec<ImputationMethod>>,
        /// How close a filled number must be to the method's value (rounding allowed).
        #[serde(default)]
        tolerance: Tolerance,
    },
    /// The statement's queries timed by epreuve on the table as loaded and on the table the
    /// candidate optimised (C1.10): warm-up runs discarded, runs alternated, medians compared,
    /// and the optimised table's plan read for an index.
    Timing(TimingCheck),
    /// The candidate's own measurements of the statement's queries (a csv file under
    /// `answers/`: `requete;table;duree_ms`), complete and agreeing with what epreuve
    /// measured in the timing task `timing`.
    Measurements {
        /// File under `answers/`.
        answer: String,
        /// Id of the timing task whose queries and tables the file reports.
        timing: String,
        /// How far the candidate's times may be from what a client measures of the engine: a
        /// gain at most this many times the one epreuve measures, the difference between the
        /// two tables from 1/this to this many times epreuve's (another machine), and no time
        /// faster than the engine answers (within half). A client's own cost, the same on
        /// both tables, may shrink the gain. Without it, only the direction of each gain is
        /// judged.
        #[serde(default)]
        max_factor: Option<f64>,
    },
}

/// The statement's queries timed on the non-optimised and the optimised table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingCheck {
    /// The non-optimised table (loaded all in text, without index).
    pub slow: String,
    /// The table the candidate optimised (types, sizes, index).
    pub fast: String,
    /// The statement's queries, `{table}` standing for either table's name.
    pub queries: Vec<TimedQuery>,
    /// Runs of each query on each table before measuring, discarded (caches, plans).
    #[serde(default = "default_warmup")]
    pub warmup: usize,
    /// Measured runs of each query on each table, alternated between the two tables.
    #[serde(default = "default_runs")]
    pub runs: usize,
    /// Share of the points for the plan evidence of the queries that must use an index.
    #[serde(default = "default_plan_share")]
    pub plan_share: f64,
}

/// One query of the statement, timed on both tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedQuery {
    /// Its name in the statement and in the candidate's measurements (`R1`).
    pub id: String,
    /// The query, `{table}` standing for the table's name.
    pub sql: String,
    /// The optimised table must answer at least this many times faster (median against
    /// median): one number, or one per engine (`{ duckdb = 1.3, postgres = 10 }`), since an
    /// index gains far more on a server than on a columnar engine. Without it, or on an engine
    /// it does not name, the query is measured and reported, not scored.
    #[serde(default)]
    pub min_ratio: Option<MinRatio>,
    /// Whether the optimised table's plan of this query must use an index.
    #[serde(default)]
    pub uses_index: bool,
}

impl TimedQuery {
    /// The query on `table`.
    pub fn on(&self, table: &str) -> String {
        self.sql.replace("{table}", table)
    }

    /// The gain asked on `engine` (`duckdb`, `postgres`, `mariadb`, `mongodb`), if any.
    pub fn min_ratio_on(&self, engine: &str) -> Option<f64> {
        match self.min_ratio.as_ref()? {
            MinRatio::Everywhere(ratio) => Some(*ratio),
            MinRatio::PerEngine(ratios) => ratios.get(engine).copied(),
        }
    }
}

/// The gain a timed query must show.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum MinRatio {
    /// The same on every engine.
    Everywhere(f64),
    /// By engine name (`duckdb`, `postgres`, `mariadb`, `mongodb`).
    PerEngine(BTreeMap<String, f64>),
}

/// The engine names a per-engine setting may use.
pub const ENGINE_NAMES: [&str; 4] = ["duckdb", "postgres", "mariadb", "mongodb"];

fn default_plan_share() -> f64 {
    0.25
}

fn default_warmup() -> usize {
    2
}

fn default_runs() -> usize {
    7
}

/// A statistic of a quantitative column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// Number of values, missing ones left out.
    Count,
    /// Arithmetic mean.
    Mean,
    /// Median, continuous or discrete.
    Median,
    /// First quartile, continuous or discrete.
    Q1,
    /// Third quartile, continuous or discrete.
    Q3,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
}

impl Statistic {
    /// The word used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Mean => "mean",
            Self::Median => "median",
            Self::Q1 => "first quartile",
            Self::Q3 => "third quartile",
            Self::Min => "minimum",
            Self::Max => "maximum",
        }
    }
}

/// How a missing value may be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputationMethod {
    /// The mean of the values present.
    Mean,
    /// The median of the values present (continuous or discrete).
    Median,
    /// Zero.
    Zero,
    /// The most frequent category (any of the tied ones).
    Mode,
}

/// An item the assessor scores by hand (charts, RGPD control points).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualItem {
    /// Item id in reports and in the assessor's file.
    pub id: String,
    /// What is assessed, in a few words.
    pub title: String,
    /// Certification criterion evidenced.
    pub criterion: String,
    /// Points.
    pub weight: f64,
    /// What the assessor looks for.
    pub guidance: String,
}
