//! Nothing was cut, rounded, emptied or moved on the way in: each row of the table, paired
//! with its source row by the table's natural key (see [`crate::rows`]), holds the source's
//! values read in their family. Credit is the share of rows intact, so the harm done decides
//! the points: a price rounded on a few rows costs a little, every price emptied costs the
//! whole check. The share of the source's filled cells lost goes with the outcome, for the
//! criterion's verdict.
//!
//! Rows missing or loaded twice are the row count's business: said here, never charged here.

use epreuve_results::{Said, SaidArg, said};

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
        return Outcome::lost(said!(
            "ev-values-nothing",
            table = table,
            source = source_name
        ))
        .with_loss(lost);
    };
    let mut problems: Vec<Said> = found
        .columns
        .iter()
        .map(|harm| column_said(harm, &found.key))
        .collect();
    if found.foreign > 0 {
        problems.push(said!(
            if found.key.is_empty() {
                "ev-values-foreign"
            } else {
                "ev-values-foreign-key"
            },
            n = found.foreign,
            first = found.first_foreign.as_deref().unwrap_or_default()
        ));
    }
    let mut details = problems.clone();
    if found.duplicates > 0 {
        details.push(said!("ev-values-duplicates", n = found.duplicates));
    }
    if let Some(problem) = &found.key_problem {
        details.push(problem.clone());
    }
    let paired = if found.key.is_empty() {
        said!("ev-paired-whole-rows")
    } else {
        said!("ev-paired-by", key = found.key.join(", "))
    };
    let message = said!(
        if details.is_empty() {
            "ev-values"
        } else {
            "ev-values-and"
        },
        intact = found.intact,
        judged = found.judged,
        paired = paired,
        lost = SaidArg::decimal(lost * 100.0, 2),
        details = details
    );
    if problems.is_empty() {
        return Outcome::passed(message).with_loss(lost);
    }
    let bad: Vec<&str> = found.columns.iter().map(|h| h.name.as_str()).collect();
    let hint = if bad.is_empty() {
        said!("hint-values-foreign", table = table, source = source_name)
    } else {
        said!(
            "hint-look-again",
            what = said!("what-values"),
            columns = epreuve_i18n::code_list(bad)
        )
    };
    Outcome::failed(share, message, hint).with_loss(lost)
}

fn column_said(harm: &ColumnHarm, key: &[String]) -> Said {
    let altered = said!("ev-values-altered", n = harm.altered);
    let emptied = said!("ev-values-emptied", n = harm.emptied);
    let what = match (harm.altered > 0, harm.emptied > 0) {
        (true, true) => said!(
            "ev-values-altered-and-emptied",
            altered = altered,
            emptied = emptied
        ),
        (false, true) => emptied,
        _ => altered,
    };
    let Some((at, got, want)) = &harm.first else {
        return said!("ev-values-column", column = &harm.name, what = what);
    };
    let got_arg: SaidArg = match got {
        Some(g) => format!("'{g}'").into(),
        None => said!("ev-value-empty").into(),
    };
    let first = if key.is_empty() {
        said!("ev-values-first-at", got = got_arg, at = at)
    } else {
        let cut = matches!(got, Some(g) if want.len() > g.len() && want.starts_with(g.as_str()));
        said!(
            if cut {
                "ev-values-first-cut"
            } else {
                "ev-values-first"
            },
            at = if key.len() == 1 {
                at.clone()
            } else {
                format!("({at})")
            },
            got = got_arg,
            want = format!("'{want}'")
        )
    };
    said!(
        "ev-values-column-first",
        column = &harm.name,
        what = what,
        first = first
    )
}
