//! Imputation (C1.8): rows paired by key with the source, every value present kept, the
//! missing cells of a column filled with one value the grader identifies.

use super::*;
use crate::checks::joined;

/// Judges a candidate's imputed table against its source.
pub(super) fn imputation_outcome(
    source: &TableTruth,
    actual: &[TextColumn],
    table: &str,
    key: &str,
    columns: &std::collections::BTreeMap<String, Vec<ImputationMethod>>,
    tolerance: &Tolerance,
) -> Outcome {
    let source_columns = text_columns(&source.source.frame);
    let (Some(source_key), Some(actual_key)) = (find(&source_columns, key), find(actual, key))
    else {
        return Outcome::lost(said!("ev-impute-key-missing", table = table, key = key));
    };
    let key_family = source.column(key).map_or(TypeFamily::Text, |p| p.family);
    let paired = Paired {
        source_keys: &source_columns[source_key].1,
        key_family,
        index: actual[actual_key]
            .1
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_deref().map(|v| (canonical(key_family, v), i)))
            .collect(),
    };
    let mut right = 0usize;
    let mut problems = Vec::new();
    let mut said = Vec::new();
    // Each column imputed right or not: the grid judges quantitative and qualitative apart.
    let mut parts: Vec<(String, f64)> = Vec::new();
    for (column, methods) in columns {
        let Some(source_column) = find(&source_columns, column) else {
            return Outcome::grader_fault(said!("ev-source-no-column", column = column));
        };
        let Some(actual_column) = find(actual, column) else {
            problems.push(said!("ev-column-missing", column = column));
            parts.push((column.clone(), 0.0));
            continue;
        };
        let family = source.column(column).map_or(TypeFamily::Text, |p| p.family);
        let numeric = matches!(family, TypeFamily::Integer | TypeFamily::Decimal);
        let cells = paired.read(
            &source_columns[source_column].1,
            &actual[actual_column].1,
            family,
        );
        let verdict = cells.verdict(column, numeric, methods, tolerance);
        parts.push((column.clone(), if verdict.is_ok() { 1.0 } else { 0.0 }));
        match verdict {
            Ok(fine) => {
                right += 1;
                said.push(fine);
            }
            Err(faults) => {
                problems.push(said!("ev-impute-column", column = column, faults = faults))
            }
        }
    }
    let total = columns.len().max(1);
    let outcome = if problems.is_empty() {
        Outcome::passed(said!("ev-impute-right", columns = said))
    } else {
        Outcome::failed(
            right as f64 / total as f64,
            said!(
                "ev-impute-wrong",
                right = right,
                total = total,
                problems = problems
            ),
            said!(
                "hint-impute-wrong",
                right = right,
                total = total,
                table = table
            ),
        )
    };
    outcome.with_parts(parts)
}

/// The column called `name` (without regard to case).
fn find(columns: &[TextColumn], name: &str) -> Option<usize> {
    columns
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Two canonical values alike: numbers within a relative 1e-9, text equal.
fn same(numeric: bool, a: &str, b: &str) -> bool {
    if numeric {
        match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            _ => a == b,
        }
    } else {
        a == b
    }
}

/// The source's rows and the table's, paired by key.
struct Paired<'a> {
    source_keys: &'a [Option<String>],
    key_family: TypeFamily,
    /// The table's row of each canonical key.
    index: std::collections::HashMap<String, usize>,
}

/// What a column of the table holds where its source row is.
#[derive(Default)]
struct ColumnCells {
    /// Values present in the source that the table changed.
    changed: usize,
    /// Source rows the table lacks.
    absent: usize,
    /// Cells missing in the source and still missing in the table.
    unfilled: usize,
    /// The values the table put where the source has none.
    fills: Vec<String>,
    /// The source's present values, canonical.
    present: Vec<String>,
}

impl Paired<'_> {
    /// A column of the source against the same column of the table, row by paired row.
    fn read(
        &self,
        source: &[Option<String>],
        actual: &[Option<String>],
        family: TypeFamily,
    ) -> ColumnCells {
        let numeric = matches!(family, TypeFamily::Integer | TypeFamily::Decimal);
        let mut cells = ColumnCells::default();
        for (row, key_value) in self.source_keys.iter().enumerate() {
            let Some(key_value) = key_value else { continue };
            let Some(&at) = self.index.get(&canonical(self.key_family, key_value)) else {
                cells.absent += 1;
                continue;
            };
            let found = actual[at]
                .as_deref()
                .filter(|v| !is_missing(Some(v)))
                .map(|v| canonical(family, v));
            match source[row].as_deref() {
                Some(original) if !is_missing(Some(original)) => {
                    let original = canonical(family, original);
                    if !found
                        .as_deref()
                        .is_some_and(|f| same(numeric, f, &original))
                    {
                        cells.changed += 1;
                    }
                    cells.present.push(original);
                }
                _ => match found {
                    Some(value) => cells.fills.push(value),
                    None => cells.unfilled += 1,
                },
            }
        }
        cells
    }
}

impl ColumnCells {
    /// The column's verdict: what was filled and how, or every fault found.
    fn verdict(
        &self,
        column: &str,
        numeric: bool,
        methods: &[ImputationMethod],
        tolerance: &Tolerance,
    ) -> Result<Said, Vec<Said>> {
        let mut faults = Vec::new();
        if self.absent > 0 {
            faults.push(said!("ev-impute-rows-missing", n = self.absent));
        }
        if self.changed > 0 {
            faults.push(said!("ev-impute-changed", n = self.changed));
        }
        if self.unfilled > 0 {
            faults.push(said!("ev-impute-unfilled", n = self.unfilled));
        }
        match self.method(numeric, methods, tolerance) {
            Some(Err(problem)) => faults.push(problem),
            Some(Ok((value, m))) if faults.is_empty() => {
                return Ok(said!(
                    "ev-impute-filled",
                    column = column,
                    n = self.fills.len(),
                    value = value,
                    method = method_said(m)
                ));
            }
            None if faults.is_empty() => return Ok(said!("ev-impute-nothing", column = column)),
            _ => {}
        }
        Err(faults)
    }

    /// The one value the fills share and the asked method that gives it; none when nothing
    /// was filled; why not when the fills differ or no asked method gives their value.
    fn method(
        &self,
        numeric: bool,
        methods: &[ImputationMethod],
        tolerance: &Tolerance,
    ) -> Option<Result<(String, ImputationMethod), Said>> {
        let filled = self.fills.len();
        let mut distinct: Vec<&String> = Vec::new();
        for value in &self.fills {
            if !distinct.iter().any(|d| same(numeric, d, value)) {
                distinct.push(value);
            }
        }
        match distinct.as_slice() {
            [] => None,
            [value] => {
                let found = identify(value, &self.present, numeric, tolerance);
                match found.iter().find(|m| methods.contains(m)) {
                    Some(m) => Some(Ok((value.to_string(), *m))),
                    None => Some(Err(said!(
                        "ev-impute-wrong-method",
                        n = filled,
                        value = value.as_str(),
                        found = if found.is_empty() {
                            said!("method-none")
                        } else {
                            joined("join-and", found.iter().map(|m| method_said(*m)))
                        },
                        asked = joined("join-or", methods.iter().map(|m| method_said(*m)))
                    ))),
                }
            }
            many => Some(Err(said!(
                "ev-impute-many-values",
                n = filled,
                distinct = many.len(),
                first = many
                    .iter()
                    .take(3)
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

/// An imputation method in the reader's words.
fn method_said(method: ImputationMethod) -> Said {
    Said::new(&format!("method-{}", method_id(method)))
}

fn method_id(method: ImputationMethod) -> &'static str {
    match method {
        ImputationMethod::Mean => "mean",
        ImputationMethod::Median => "median",
        ImputationMethod::Zero => "zero",
        ImputationMethod::Mode => "mode",
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
