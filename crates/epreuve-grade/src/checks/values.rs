//! Nothing was cut, rounded, emptied or moved on the way in: each row of the table, paired
//! with its source row by the table's natural key (see [`crate::rows`]), holds the source's
//! values read in their family. Credit is the share of rows intact, so the harm done decides
//! the points: a price rounded on a few rows costs a little, every price emptied costs the
//! whole check. The share of the source's filled cells lost goes with the outcome, for the
//! criterion's verdict.
//!
//! Rows missing or loaded twice are the row count's business: said here, never charged here.

use super::{Outcome, TableContext};
use crate::rows::{ColumnHarm, RowComparison, compare_coded};

pub(crate) fn values(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let pair = match ctx.coded(actual) {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let key = ctx.rules.map(|r| r.key.as_slice()).unwrap_or_default();
    let found = compare_coded(pair, key);
    judge(&found, &ctx.truth.table, &ctx.truth.source_name)
}

/// The outcome of a comparison, in the words an examiner would use.
pub(crate) fn judge(found: &RowComparison, table: &str, source_name: &str) -> Outcome {
    let lost = found.lost_share();
    let Some(share) = found.intact_share() else {
        return Outcome::lost(format!("`{table}` holds no row of {source_name} to judge"))
            .with_loss(lost);
    };
    let rows = |n: usize| if n == 1 { "row" } else { "rows" };
    let mut problems = Vec::new();
    for harm in &found.columns {
        problems.push(column_sentence(harm, &found.key));
    }
    if found.foreign > 0 {
        let what = if found.key.is_empty() {
            "equal to no row of the source"
        } else {
            "whose key is not in the source"
        };
        problems.push(format!(
            "{} {} {what}, first one {}",
            found.foreign,
            rows(found.foreign),
            found.first_foreign.as_deref().unwrap_or_default()
        ));
    }
    let mut remarks = Vec::new();
    if found.duplicates > 0 {
        remarks.push(format!(
            "{} {} appear more than once (loaded twice?): the row count judges that, the values are judged once",
            found.duplicates,
            rows(found.duplicates)
        ));
    }
    if let Some(problem) = &found.key_problem {
        remarks.push(problem.clone());
    }
    let paired = if found.key.is_empty() {
        "as whole rows".to_owned()
    } else {
        format!("by {}", found.key.join(", "))
    };
    let tally = format!(
        "{} of {} rows intact (paired {paired}); {:.2} % of the source's filled cells lost",
        found.intact,
        found.judged,
        lost * 100.0
    );
    let mut message = vec![format!("values: {tally}")];
    message.extend(problems.iter().cloned());
    message.extend(remarks);
    let message = message.join("; ");
    if problems.is_empty() {
        return Outcome::passed(message).with_loss(lost);
    }
    let bad: Vec<String> = found
        .columns
        .iter()
        .map(|h| format!("`{}`", h.name))
        .collect();
    let hint = if bad.is_empty() {
        format!("values: some rows of `{table}` are not rows of {source_name}")
    } else {
        format!("values: look again at {}", bad.join(", "))
    };
    Outcome::failed(share, message, hint).with_loss(lost)
}

fn column_sentence(harm: &ColumnHarm, key: &[String]) -> String {
    let mut parts = Vec::new();
    if harm.altered > 0 {
        parts.push(format!(
            "{} {} another value",
            harm.altered,
            if harm.altered == 1 {
                "row has"
            } else {
                "rows have"
            }
        ));
    }
    if harm.emptied > 0 {
        parts.push(format!(
            "{} {} empty where the source has a value",
            harm.emptied,
            if harm.emptied == 1 {
                "row is"
            } else {
                "rows are"
            }
        ));
    }
    let mut sentence = format!("`{}`: {}", harm.name, parts.join(" and "));
    if let Some((at, got, want)) = &harm.first {
        let got_text = got
            .as_deref()
            .map_or("empty".to_owned(), |g| format!("'{g}'"));
        let cut = match got {
            Some(g) if want.len() > g.len() && want.starts_with(g.as_str()) => " (cut)",
            _ => "",
        };
        if key.is_empty() {
            sentence.push_str(&format!(", first one {got_text} in {at}"));
        } else {
            sentence.push_str(&format!(
                ", first one {}: {got_text} instead of '{want}'{cut}",
                if key.len() == 1 {
                    at.clone()
                } else {
                    format!("({at})")
                }
            ));
        }
    }
    sentence
}
