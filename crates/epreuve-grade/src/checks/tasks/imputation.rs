//! Imputation (C1.8): rows paired by key with the source, every value present kept, the
//! missing cells of a column filled with one value the grader identifies.

use super::*;

/// Judges a candidate's imputed table against its source.
pub(super) fn imputation_outcome(
    source: &TableTruth,
    actual: &TextColumns,
    table: &str,
    key: &str,
    columns: &std::collections::BTreeMap<String, Vec<ImputationMethod>>,
    tolerance: &Tolerance,
) -> Outcome {
    let find = |cols: &TextColumns, name: &str| {
        cols.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let source_columns = text_columns(&source.source.frame);
    let (Some(source_key), Some(actual_key)) = (find(&source_columns, key), find(actual, key))
    else {
        return Outcome::lost(format!(
            "`{table}` must keep the key column `{key}` of its source"
        ));
    };
    let key_family = source.column(key).map_or(TypeFamily::Text, |p| p.family);
    let index: std::collections::HashMap<String, usize> = actual[actual_key]
        .1
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_deref().map(|v| (canonical(key_family, v), i)))
        .collect();
    let mut right = 0usize;
    let mut problems = Vec::new();
    let mut said = Vec::new();
    for (column, methods) in columns {
        let Some(source_column) = find(&source_columns, column) else {
            return Outcome::grader_fault(format!("the source has no column `{column}`"));
        };
        let Some(actual_column) = find(actual, column) else {
            problems.push(format!("`{column}` is missing"));
            continue;
        };
        let family = source.column(column).map_or(TypeFamily::Text, |p| p.family);
        let numeric = matches!(family, TypeFamily::Integer | TypeFamily::Decimal);
        let same = |a: &str, b: &str| {
            if numeric {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    _ => a == b,
                }
            } else {
                a == b
            }
        };
        let mut changed = 0usize;
        let mut absent = 0usize;
        let mut unfilled = 0usize;
        let mut fills: Vec<String> = Vec::new();
        let mut present: Vec<String> = Vec::new();
        for (row, key_value) in source_columns[source_key].1.iter().enumerate() {
            let Some(key_value) = key_value else { continue };
            let Some(&at) = index.get(&canonical(key_family, key_value)) else {
                absent += 1;
                continue;
            };
            let found = actual[actual_column].1[at]
                .as_deref()
                .filter(|v| !is_missing(Some(v)))
                .map(|v| canonical(family, v));
            match source_columns[source_column].1[row].as_deref() {
                Some(original) if !is_missing(Some(original)) => {
                    let original = canonical(family, original);
                    if !found.as_deref().is_some_and(|f| same(f, &original)) {
                        changed += 1;
                    }
                    present.push(original);
                }
                _ => match found {
                    Some(value) => fills.push(value),
                    None => unfilled += 1,
                },
            }
        }
        let mut faults = Vec::new();
        if absent > 0 {
            faults.push(format!("{absent} rows of the source are missing"));
        }
        if changed > 0 {
            faults.push(format!("{changed} values that were present were changed"));
        }
        if unfilled > 0 {
            faults.push(format!("{unfilled} missing cells are still empty"));
        }
        let filled = fills.len();
        let mut distinct: Vec<&String> = Vec::new();
        for value in &fills {
            if !distinct.iter().any(|d| same(d, value)) {
                distinct.push(value);
            }
        }
        let method = match distinct.as_slice() {
            [] => None,
            [value] => {
                let found = identify(value, &present, numeric, tolerance);
                match found.iter().find(|m| methods.contains(m)) {
                    Some(m) => Some(Ok((value.to_string(), *m))),
                    None => Some(Err(format!(
                        "the {filled} missing cells hold {value}, which is {} ({} asked)",
                        if found.is_empty() {
                            "none of the accepted methods".to_owned()
                        } else {
                            found
                                .iter()
                                .map(|m| m.label())
                                .collect::<Vec<_>>()
                                .join(" and ")
                        },
                        methods
                            .iter()
                            .map(|m| m.label())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ))),
                }
            }
            many => Some(Err(format!(
                "the {filled} missing cells hold {} different values ({}…); one method gives one value",
                many.len(),
                many.iter()
                    .take(3)
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
        match method {
            Some(Err(problem)) => faults.push(problem),
            Some(Ok((value, m))) if faults.is_empty() => said.push(format!(
                "`{column}`: {filled} missing cells filled with {value} ({})",
                m.label()
            )),
            None if faults.is_empty() => {
                said.push(format!("`{column}`: no missing cell in the source"))
            }
            _ => {}
        }
        if faults.is_empty() {
            right += 1;
        } else {
            problems.push(format!("`{column}`: {}", faults.join(", ")));
        }
    }
    let total = columns.len().max(1);
    if problems.is_empty() {
        Outcome::passed(format!("{}; every other value unchanged", said.join("; ")))
    } else {
        Outcome::failed(
            right as f64 / total as f64,
            format!(
                "{right} of {total} columns imputed as asked; {}",
                problems.join("; ")
            ),
            format!("{right} of {total} columns of `{table}` are imputed as the statement asks",),
        )
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
