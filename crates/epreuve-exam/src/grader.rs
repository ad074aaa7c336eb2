//! Grading rules (`graders/<exam>/grader.toml`): which checks run on each table, their weight,
//! the criterion each evidences, and the slack allowed when sizing columns.

use std::collections::BTreeMap;

use epreuve_data::TypeFamily;
use serde::{Deserialize, Serialize};

use crate::{ManualItem, Task};

/// The kinds of check the first exams use; each runs once per table, except the instance
/// checks (see [`CheckKind::is_instance`]), which run once per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The table exists and has the columns of its source.
    Columns,
    /// `COUNT(*)` equals the number of rows of the source.
    RowCount,
    /// The saved query shows the first rows of the table.
    Head,
    /// Every value in the table is a value of the source: nothing cut, rounded or altered.
    Values,
    /// Each column's declared type belongs to the family of its source values.
    TypeFamily,
    /// Each number's declared size fits the largest source value without being oversized.
    Size,
    /// Each text column's declared length fits the longest source value without being
    /// oversized (not applicable on engines that do not keep `VARCHAR(n)`).
    TextLength,
    /// The database answers, and the candidate's saved query lists the tables its catalogue
    /// holds ("l'affichage des tables par défaut", C1.6).
    DefaultTables,
}

impl CheckKind {
    /// The check's title on `table` in reports (`check-<id>` of the catalogue).
    pub fn title(self, table: &str) -> epreuve_i18n::Said {
        epreuve_i18n::Said::new(&format!("check-{}", self.id())).with("table", table)
    }

    /// Identifier used in check ids (`ventes.row_count`), as spelled in `grader.toml`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Columns => "columns",
            Self::RowCount => "row_count",
            Self::Head => "head",
            Self::Values => "values",
            Self::TypeFamily => "type_family",
            Self::Size => "size",
            Self::TextLength => "text_length",
            Self::DefaultTables => "default_tables",
        }
    }

    /// True for checks about the database as a whole rather than one table.
    pub fn is_instance(self) -> bool {
        matches!(self, Self::DefaultTables)
    }

    /// Every kind, in the order checks are run and reported.
    pub const ALL: [CheckKind; 8] = [
        Self::DefaultTables,
        Self::Columns,
        Self::RowCount,
        Self::Head,
        Self::Values,
        Self::TypeFamily,
        Self::Size,
        Self::TextLength,
    ];
}

/// Weight, criterion and visibility of one kind of check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRule {
    /// Certification criterion evidenced, such as `C1.9`.
    pub criterion: String,
    /// Points for this check on each table.
    pub weight: f64,
    /// Whether `epreuve check` runs it for the candidate.
    #[serde(default)]
    pub public: bool,
}

/// How far a declared size may stray from the source's longest value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizingRule {
    /// A text column may declare up to `max(ratio × longest, longest + min_slack)` characters.
    pub text_max_ratio: f64,
    /// See `text_max_ratio`.
    pub text_min_slack: usize,
    /// Integer types may be this many steps above the smallest of SMALLINT, INTEGER, BIGINT
    /// that holds every value.
    pub integer_extra_steps: usize,
    /// DECIMAL(p,s) may keep this many more digits before the point than the source needs.
    pub decimal_extra_int_digits: usize,
    /// DECIMAL(p,s) may keep this many more digits after the point than the source has.
    pub decimal_extra_scale: usize,
}

/// What the head query must return.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadRule {
    /// Fewest rows accepted.
    pub min_rows: usize,
    /// Most rows accepted.
    pub max_rows: usize,
}

/// Rules for one table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRules {
    /// Table name, as in the exam manifest.
    pub table: String,
    /// File under `answers/` holding the query that shows the first rows.
    pub head_query: String,
    /// The natural key the statement or the data names (`id_vente`, `code_magasin, annee,
    /// mois`): the values check pairs each row of the table with the source row of the same
    /// key. Without one, rows are compared as whole rows.
    #[serde(default)]
    pub key: Vec<String>,
    /// Families the grader imposes where inference from the values is not what the statement
    /// asks (a column of codes that look like numbers, say).
    #[serde(default)]
    pub families: BTreeMap<String, TypeFamily>,
}

/// The grading rules of one exam.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraderManifest {
    /// Identifier of the exam graded.
    pub exam: String,
    /// Sizing slack (for the per-table checks of sizes).
    #[serde(default)]
    pub sizing: Option<SizingRule>,
    /// Head query bounds (for the per-table head check).
    #[serde(default)]
    pub head: Option<HeadRule>,
    /// Weight, criterion and visibility of each kind of per-table check.
    #[serde(default)]
    pub checks: BTreeMap<CheckKind, CheckRule>,
    /// Rules of the instance checks.
    #[serde(default)]
    pub instance: InstanceRules,
    /// Per-table rules, in report order.
    #[serde(default)]
    pub tables: Vec<TableRules>,
    /// Tasks checked once per database, in report order.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// Items the assessor scores by hand, in report order.
    #[serde(default)]
    pub manual: Vec<ManualItem>,
    /// True in a candidate's pack: only the public checks are here.
    #[serde(default)]
    pub public_only: bool,
    /// When each criterion of the referential is acquired, by code (`[criteria."C1.9"]`):
    /// the rule of a criterion without indicators (see `indicators`).
    #[serde(default)]
    pub criteria: BTreeMap<String, CriterionRule>,
    /// The jury's grid: each indicator of the referential this exam evidences, the checks
    /// that show it and their tolerance. A criterion with indicators is acquired when every
    /// one of them is; one without keeps the share rule of `criteria`.
    #[serde(default)]
    pub indicators: Vec<IndicatorRule>,
}

/// One line of the jury's grid: an indicator of the referential, the checks that evidence it
/// and how far each may fall short.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRule {
    /// The referential's indicator (`C1.9/observations`, see `referential.toml`).
    pub id: String,
    /// The checks that evidence it, each named alone (`row_count`) or with a tolerance of its
    /// own (`{ check = "index", min_share = 0.75 }`).
    pub checks: Vec<IndicatorCheck>,
    /// Share of its points (or of its part) each check must keep, unless the check says
    /// otherwise; 1 unless said.
    #[serde(default = "IndicatorRule::whole")]
    pub min_share: f64,
    /// Share of the source's filled cells a check may lose (rounded, emptied, cut, moved, or in
    /// a row or column not loaded), for the checks that measure it.
    #[serde(default)]
    pub max_lost_share: Option<f64>,
}

/// A check an indicator reads: a kind of per-table check for every table (`row_count`), one
/// table's (`ventes.row_count`), a task or manual item by id (`selection`), or one part of a
/// task that judges several (`imputation:poids_g`, `selection:rows`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum IndicatorCheck {
    /// The check alone, with the indicator's tolerance.
    Named(String),
    /// The check with a tolerance of its own.
    WithTolerance {
        /// As above.
        check: String,
        /// Share of its points (or of its part) it must keep.
        #[serde(default)]
        min_share: Option<f64>,
        /// Share of the source's filled cells it may lose.
        #[serde(default)]
        max_lost_share: Option<f64>,
    },
}

impl IndicatorCheck {
    /// The selector (`imputation:poids_g`).
    pub fn selector(&self) -> &str {
        match self {
            Self::Named(s) | Self::WithTolerance { check: s, .. } => s,
        }
    }

    /// Its tolerance, the indicator's where it writes none: (min share, max lost share).
    pub fn tolerance(&self, rule: &IndicatorRule) -> (f64, Option<f64>) {
        match self {
            Self::Named(_) => (rule.min_share, rule.max_lost_share),
            Self::WithTolerance {
                min_share,
                max_lost_share,
                ..
            } => (
                min_share.unwrap_or(rule.min_share),
                max_lost_share.or(rule.max_lost_share),
            ),
        }
    }
}

impl IndicatorRule {
    fn whole() -> f64 {
        1.0
    }

    /// The check part of a selector (`imputation` of `imputation:poids_g`) and its part.
    pub fn split(selector: &str) -> (&str, Option<&str>) {
        match selector.split_once(':') {
            Some((check, part)) => (check, Some(part)),
            None => (selector, None),
        }
    }
}

/// The thresholds that decide whether a criterion is acquired, the verdict the jury uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionRule {
    /// Share of the criterion's points needed (0.75: three quarters).
    #[serde(default = "CriterionRule::default_share")]
    pub acquired_share: f64,
    /// The criterion is not acquired when a check of it measures a larger share of the
    /// source's filled cells lost (0.01: more than 1 %), whatever the points.
    #[serde(default)]
    pub max_lost_share: Option<f64>,
}

impl CriterionRule {
    /// Share of the points that acquires a criterion without a rule of its own.
    pub const DEFAULT_SHARE: f64 = 0.75;

    fn default_share() -> f64 {
        Self::DEFAULT_SHARE
    }
}

impl Default for CriterionRule {
    fn default() -> Self {
        Self {
            acquired_share: Self::DEFAULT_SHARE,
            max_lost_share: None,
        }
    }
}

impl GraderManifest {
    /// Whether any check compares the database with the candidate's files: per-table checks,
    /// or tasks whose expected values come from the sources. A grader that only times queries
    /// and reads the candidate's own reports does not, and grading then skips reading a
    /// million lines it would not use.
    pub fn reads_sources(&self) -> bool {
        !self.checks.is_empty()
            || self.tasks.iter().any(|t| {
                !matches!(
                    t.check,
                    crate::TaskCheck::Index { .. }
                        | crate::TaskCheck::Timing(_)
                        | crate::TaskCheck::Measurements { .. }
                )
            })
    }
}

/// Rules of the checks about the database as a whole.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceRules {
    /// File under `answers/` holding the query that lists the default tables (C1.6).
    pub tables_query: Option<String>,
}
