//! Describing a variable (C2.3): statistics of a quantitative column, frequencies of a
//! categorical one, each read straight from the candidate's source.

use super::*;

impl TaskContext<'_> {
    pub(super) fn statistics(
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

    pub(super) fn frequencies(&self, answer: &str, table: &str, column: &str) -> Outcome {
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
