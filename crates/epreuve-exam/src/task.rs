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
}

fn default_plan_share() -> f64 {
    0.25
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

impl ImputationMethod {
    /// The word used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mean => "the mean",
            Self::Median => "the median",
            Self::Zero => "zero",
            Self::Mode => "the most frequent category",
        }
    }
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
