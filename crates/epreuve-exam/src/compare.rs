//! How a grader wants a result set compared with the expected one (`[compare]` in
//! `grader.toml`): rows as a bag, a set or an ordered list; columns by name or by position;
//! numbers with a tolerance, per column where the statement allows rounding.

use std::collections::BTreeMap;

use serde::Deserialize;

/// How rows are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowMatch {
    /// Same rows, each as often, in any order.
    #[default]
    Bag,
    /// Same distinct rows, duplicates ignored.
    Set,
    /// Same rows in the same order (`ORDER BY` asked for).
    Ordered,
}

/// How columns are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnMatch {
    /// By name, without regard to case, quotes or a table prefix (`v.CA` is `ca`).
    #[default]
    ByName,
    /// By position, names ignored (the statement does not name the columns).
    ByPosition,
}

/// How far a number may be from the expected one: within `absolute` or within `relative`
/// (a share of the expected value), whichever is larger.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Absolute difference accepted.
    #[serde(default)]
    pub absolute: f64,
    /// Relative difference accepted (0.005 is 0.5 %).
    #[serde(default)]
    pub relative: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self {
            absolute: 1e-9,
            relative: 0.0,
        }
    }
}

impl Tolerance {
    /// Whether `found` is close enough to `expected`.
    pub fn accepts(&self, expected: f64, found: f64) -> bool {
        let difference = (expected - found).abs();
        difference <= self.absolute || difference <= self.relative * expected.abs()
    }
}

/// The comparison rules of one result set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    /// Bag, set or ordered list.
    #[serde(default)]
    pub rows: RowMatch,
    /// By name or by position.
    #[serde(default)]
    pub columns: ColumnMatch,
    /// Tolerance for every number.
    #[serde(default)]
    pub tolerance: Tolerance,
    /// Tolerances of named columns, overriding `tolerance`.
    #[serde(default)]
    pub column_tolerance: BTreeMap<String, Tolerance>,
    /// Share of the points kept when the rows are right but in the wrong order.
    #[serde(default = "default_order_credit")]
    pub wrong_order_credit: f64,
}

fn default_order_credit() -> f64 {
    0.5
}

impl Default for CompareSpec {
    fn default() -> Self {
        Self {
            rows: RowMatch::default(),
            columns: ColumnMatch::default(),
            tolerance: Tolerance::default(),
            column_tolerance: BTreeMap::new(),
            wrong_order_credit: default_order_credit(),
        }
    }
}

impl CompareSpec {
    /// The tolerance of the column called `name`.
    pub fn tolerance_of(&self, name: &str) -> Tolerance {
        self.column_tolerance
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(self.tolerance, |(_, t)| *t)
    }
}
