//! Describing a variable (C2.3): statistics of a quantitative column, frequencies of a
//! categorical one, each read straight from the candidate's source.

use super::*;
use epreuve_data::TextColumn;

/// The statistic the candidate's result names `name` (its first row), against what the
/// sorted values give: why it is right, or why not.
fn judge_statistic(
    actual: &[TextColumn],
    name: &str,
    statistic: Statistic,
    sorted: &[f64],
    tolerance: &Tolerance,
) -> Result<Said, Said> {
    let found = actual
        .iter()
        .find(|(n, _)| crate::compare::column_key(n) == name.to_lowercase())
        .and_then(|(_, v)| v.first().cloned().flatten())
        .map(|found| only_element(&found).unwrap_or(found));
    let Some(found) = found else {
        return Err(said!(
            "ev-stat-missing",
            name = name,
            statistic = statistic_said(statistic)
        ));
    };
    let Ok(number) = canonical(TypeFamily::Decimal, &found).parse::<f64>() else {
        return Err(said!("ev-stat-not-number", name = name, found = found));
    };
    let candidates = expected_statistic(sorted, statistic);
    if let Some((_, how)) = candidates
        .iter()
        .find(|(value, _)| tolerance.accepts(*value, number))
    {
        return Ok(said!(
            "ev-stat-right",
            statistic = statistic_said(statistic),
            value = Said::new(how).with("value", show(number))
        ));
    }
    let mut accepted = candidates
        .iter()
        .map(|(v, how)| Said::new(how).with("value", show(*v)));
    let first = accepted
        .next()
        .unwrap_or_else(|| said!("stat-value", value = "?"));
    let expected = match accepted.next() {
        Some(second) => said!("join-or", a = first, b = second),
        None => first,
    };
    Err(said!(
        "ev-stat-wrong",
        name = name,
        statistic = statistic_said(statistic),
        expected = expected,
        found = show(number)
    ))
}

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
            return Outcome::grader_fault(said!("ev-no-column", table = table, column = column));
        };
        let mut sorted = values;
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return Outcome::grader_fault(said!("ev-no-value", table = table, column = column));
        }
        let actual = match self.answer(answer) {
            Ok(actual) => actual,
            Err(outcome) => return outcome,
        };
        let file = format!("answers/{answer}");
        let rows = actual.first().map_or(0, |(_, v)| v.len());
        if rows == 0 {
            return Outcome::lost(said!("ev-no-row", file = file));
        }
        let mut right = 0usize;
        let mut found_right = Vec::new();
        let mut wrong = Vec::new();
        let mut wrong_names = Vec::new();
        for (name, statistic) in names {
            match judge_statistic(&actual, name, *statistic, &sorted, tolerance) {
                Ok(fine) => {
                    right += 1;
                    found_right.push(fine);
                }
                Err(problem) => {
                    wrong.push(problem);
                    wrong_names.push(name.as_str());
                }
            }
        }
        let total = names.len().max(1);
        let counted = said!(
            "ev-stats-counted",
            table = table,
            column = column,
            n = sorted.len()
        );
        if wrong.is_empty() {
            Outcome::passed(said!(
                "ev-stats-right",
                counted = counted,
                found = found_right
            ))
        } else {
            Outcome::failed(
                right as f64 / total as f64,
                said!(
                    "ev-stats-wrong",
                    counted = counted,
                    right = right,
                    total = total,
                    wrong = wrong
                ),
                said!(
                    "hint-stats-wrong",
                    right = right,
                    total = total,
                    column = column,
                    names = epreuve_i18n::code_list(wrong_names)
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
            return Outcome::grader_fault(said!("ev-no-column", table = table, column = column));
        };
        let counts = frequencies(values.iter().map(|v| v.as_deref()));
        let expected: Vec<TextColumn> = vec![
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
        let mut outcome = compared(
            &expected,
            &actual,
            &spec,
            said!("what-file", file = format!("answers/{answer}")),
        );
        if let Some(remark) = remark {
            outcome.message = Box::new(said!("ev-and", first = *outcome.message, then = remark));
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
    actual: &mut [TextColumn],
    categories: &[(String, usize)],
    source_missing: usize,
) -> Option<Said> {
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
        Some(said!(
            "ev-missing-row-accepted",
            label = label,
            n = source_missing
        ))
    } else {
        Some(match count {
            Some(c) => said!(
                "ev-missing-row-wrong",
                label = label,
                n = source_missing,
                says = c.to_string()
            ),
            None => said!(
                "ev-missing-row-unreadable",
                label = label,
                n = source_missing
            ),
        })
    }
}

/// A statistic named in the reader's words.
fn statistic_said(statistic: Statistic) -> Said {
    Said::new(&format!("stat-{}", statistic.label().replace(' ', "-")))
}

/// The accepted values of a statistic, each with the message that shows it with the definition
/// that gives it.
fn expected_statistic(sorted: &[f64], statistic: Statistic) -> Vec<(f64, &'static str)> {
    let quantile = |p: f64| {
        vec![
            (
                quantile_sorted(sorted, p, Percentile::Continuous),
                "stat-value-continuous",
            ),
            (
                quantile_sorted(sorted, p, Percentile::Discrete),
                "stat-value-discrete",
            ),
        ]
    };
    match statistic {
        Statistic::Count => vec![(sorted.len() as f64, "stat-value")],
        Statistic::Mean => vec![(
            sorted.iter().sum::<f64>() / sorted.len() as f64,
            "stat-value",
        )],
        Statistic::Median => quantile(0.5),
        Statistic::Q1 => quantile(0.25),
        Statistic::Q3 => quantile(0.75),
        Statistic::Min => vec![(sorted[0], "stat-value")],
        Statistic::Max => vec![(sorted[sorted.len() - 1], "stat-value")],
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

/// The one value of a list of one written as JSON (`[12.5]`, `[{"$numberDecimal": "12.5"}]`):
/// MongoDB's `$percentile` gives a list with a value for each share asked, and a quartile
/// asked alone is that value.
fn only_element(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.starts_with('[') {
        return None;
    }
    let serde_json::Value::Array(items) = serde_json::from_str(text).ok()? else {
        return None;
    };
    let [only] = items.as_slice() else {
        return None;
    };
    match only {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(wrapped) => match wrapped.iter().next() {
            Some((key, serde_json::Value::String(s)))
                if wrapped.len() == 1
                    && [
                        "$numberDecimal",
                        "$numberDouble",
                        "$numberInt",
                        "$numberLong",
                    ]
                    .contains(&key.as_str()) =>
            {
                Some(s.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

fn show(x: f64) -> String {
    let rounded = (x * 10_000.0).round() / 10_000.0;
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::only_element;

    #[test]
    fn a_list_of_one_value_is_that_value() {
        assert_eq!(only_element("[12.5]").as_deref(), Some("12.5"));
        assert_eq!(
            only_element(r#"[{"$numberDecimal": "12.50"}]"#).as_deref(),
            Some("12.50")
        );
        assert_eq!(only_element("[1, 2]"), None);
        assert_eq!(only_element("[]"), None);
        assert_eq!(only_element("12.5"), None);
        assert_eq!(only_element("[[1]]"), None);
        assert_eq!(only_element(r#"[{"$numberDecimal": "1", "x": 2}]"#), None);
    }
}
