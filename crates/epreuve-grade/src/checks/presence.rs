//! The table has the source's columns and as many rows as the source.

use super::{Outcome, TableContext};

pub(crate) fn columns(ctx: &TableContext<'_>) -> Outcome {
    let expected = ctx.truth.source.column_names();
    let missing: Vec<String> = expected
        .iter()
        .filter(|name| ctx.column(name).is_none())
        .map(|name| format!("`{name}`"))
        .collect();
    if missing.is_empty() {
        return Outcome::passed(format!(
            "all {} columns of {} are in `{}`",
            expected.len(),
            ctx.truth.source_name,
            ctx.truth.table
        ));
    }
    let found = expected.len() - missing.len();
    Outcome::failed(
        found as f64 / expected.len() as f64,
        format!(
            "`{}` lacks {} of the {} columns of {}: {}",
            ctx.truth.table,
            missing.len(),
            expected.len(),
            ctx.truth.source_name,
            missing.join(", ")
        ),
        format!(
            "`{}` lacks the columns {}",
            ctx.truth.table,
            missing.join(", ")
        ),
    )
    .with_finding(epreuve_results::Finding::ColumnsMissing {
        table: ctx.truth.table.clone(),
        columns: missing
            .iter()
            .map(|m| m.trim_matches('`').to_owned())
            .collect(),
    })
}

pub(crate) fn row_count(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let expected = ctx.truth.source.rows() as u64;
    match ctx.backend.row_count(actual) {
        Ok(found) if found == expected => Outcome::passed(format!(
            "{found} rows in `{}`, as in {}",
            ctx.truth.table, ctx.truth.source_name
        )),
        Ok(found) => Outcome::failed(
            0.0,
            format!(
                "{} has {expected} rows, `{}` has {found} ({})",
                ctx.truth.source_name,
                ctx.truth.table,
                if found < expected {
                    format!("{} missing", expected - found)
                } else {
                    format!("{} too many", found - expected)
                }
            ),
            format!(
                "`{}` does not have as many rows as {}: compare the counts",
                ctx.truth.table, ctx.truth.source_name
            ),
        )
        .with_finding(epreuve_results::Finding::RowCountDiffers {
            table: ctx.truth.table.clone(),
            source: ctx.truth.source_name.clone(),
        }),
        Err(error) => Outcome::from_error(&error, "counting the rows"),
    }
}
