//! The candidate's own measurements (`answers/mesures.csv`), read in the spellings people
//! write them and set against what epreuve measured.

use epreuve_fs::Root;

use epreuve_results::{Said, said};

use super::{Outcome, Timing, median, ratio, show_ratio};

/// The candidate's measurements, set against epreuve's: every query reported on both tables,
/// where epreuve found a verdict the same conclusion, and, with `max_factor`, a gain no
/// further from the one epreuve measured than that factor either way (invented timings agree
/// on the direction, not on the size).
pub(crate) fn measurements_outcome(
    answers: &Root,
    answer: &str,
    timing: &Timing,
    max_factor: Option<f64>,
) -> Outcome {
    let file = format!("answers/{answer}");
    let text = match crate::checks::read_answer(answers, answer) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let reported = match read_measurements(&text) {
        Ok(reported) => reported,
        Err(problem) => {
            return Outcome::lost(said!("ev-file-problem", file = &file, problem = problem));
        }
    };
    let mut right = 0usize;
    let mut said = Vec::new();
    let mut wrong = Vec::new();
    for query in &timing.queries {
        let times = |table: &str| -> Vec<f64> {
            reported
                .iter()
                .filter(|m| {
                    m.query.eq_ignore_ascii_case(&query.id) && m.table.eq_ignore_ascii_case(table)
                })
                .map(|m| m.ms)
                .collect()
        };
        let (slow, fast) = (times(&timing.slow), times(&timing.fast));
        let missing: Vec<Said> = [(&timing.slow, &slow), (&timing.fast, &fast)]
            .iter()
            .filter(|(_, t)| t.is_empty())
            .map(|(name, _)| said!("ev-table-name", table = name.as_str()))
            .collect();
        if !missing.is_empty() {
            wrong.push(said!(
                "ev-measure-no-time",
                query = &query.id,
                tables = crate::checks::joined("join-nor", missing)
            ));
            continue;
        }
        let theirs = ratio(median(&slow), median(&fast));
        let ours = query.ratio();
        let agrees = match (query.verdict(), query.min_ratio) {
            (Some(true), _) => theirs > 1.0,
            (Some(false), Some(min)) => theirs < min,
            _ => true,
        };
        let compared = said!(
            "ev-measure-compared",
            query = &query.id,
            theirs = show_ratio(theirs),
            ours = show_ratio(ours)
        );
        let off = if theirs > 0.0 && ours > 0.0 {
            (theirs / ours).max(ours / theirs)
        } else {
            f64::INFINITY
        };
        if agrees && max_factor.is_some_and(|max| off > max) {
            wrong.push(said!(
                if theirs > ours {
                    "ev-measure-too-large"
                } else {
                    "ev-measure-too-small"
                },
                compared = compared,
                off = show_ratio(off),
                allowed = show_ratio(max_factor.unwrap_or_default())
            ));
        } else if agrees {
            right += 1;
            said.push(compared);
        } else if query.verdict() == Some(true) {
            wrong.push(said!("ev-measure-not-faster", compared = compared));
        } else {
            wrong.push(said!("ev-measure-false-gain", compared = compared));
        }
    }
    let total = timing.queries.len().max(1);
    if wrong.is_empty() {
        Outcome::passed(said!("ev-measure-right", file = &file, queries = said))
    } else {
        Outcome::failed(
            right as f64 / total as f64,
            said!(
                "ev-measure-wrong",
                file = &file,
                right = right,
                total = total,
                wrong = wrong
            ),
            said!(
                "hint-measure-wrong",
                file = &file,
                right = right,
                total = total
            ),
        )
    }
}

/// One line of the candidate's measurements.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub query: String,
    pub table: String,
    pub ms: f64,
}

/// Reads `requete;table;duree_ms` lines (`,` or tab also accepted as separators, a decimal
/// comma when the separator is not a comma; several lines for the same query and table are
/// several runs).
pub(crate) fn read_measurements(text: &str) -> Result<Vec<Measured>, Said> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Err(said!("measure-empty"));
    };
    let separator = [';', '\t', ',']
        .into_iter()
        .find(|s| header.contains(*s))
        .ok_or_else(|| said!("measure-no-separator", header = header))?;
    let names: Vec<String> = header
        .split(separator)
        .map(|n| n.trim().trim_matches('"').to_lowercase())
        .collect();
    let position = |accepted: &[&str]| names.iter().position(|n| accepted.contains(&n.as_str()));
    let (Some(query), Some(table), Some(ms)) = (
        position(&["requete", "requête", "query"]),
        position(&["table"]),
        position(&["duree_ms", "durée_ms", "duration_ms", "ms", "temps_ms"]),
    ) else {
        return Err(said!("measure-wrong-columns", columns = names.join(", ")));
    };
    let mut measured = Vec::new();
    for (index, line) in lines {
        let cells: Vec<&str> = line
            .split(separator)
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let number = cell(ms).replace(' ', "");
        let number = if separator == ',' {
            number
        } else {
            number.replace(',', ".")
        };
        let value: f64 = number
            .parse()
            .map_err(|_| said!("measure-not-duration", line = index + 1, value = cell(ms)))?;
        if !(value.is_finite() && value > 0.0) {
            return Err(said!(
                "measure-not-positive",
                line = index + 1,
                value = cell(ms)
            ));
        }
        measured.push(Measured {
            query: cell(query).to_owned(),
            table: cell(table).to_owned(),
            ms: value,
        });
    }
    if measured.is_empty() {
        return Err(said!("measure-none"));
    }
    Ok(measured)
}
