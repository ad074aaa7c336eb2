//! The table has the source's columns and as many rows as the source.

use epreuve_results::said;

use super::{Outcome, TableContext};

pub(crate) fn columns(ctx: &TableContext<'_>) -> Outcome {
    let expected = ctx.truth.source.column_names();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|name| ctx.column(name).is_none())
        .collect();
    if missing.is_empty() {
        return Outcome::passed(said!(
            "ev-columns-all",
            n = expected.len(),
            source = &ctx.truth.source_name,
            table = &ctx.truth.table
        ));
    }
    let found = expected.len() - missing.len();
    let columns = epreuve_i18n::code_list(&missing);
    Outcome::failed(
        found as f64 / expected.len() as f64,
        said!(
            "ev-columns-missing",
            table = &ctx.truth.table,
            missing = missing.len(),
            n = expected.len(),
            source = &ctx.truth.source_name,
            columns = columns.clone()
        ),
        said!(
            "hint-columns-missing",
            table = &ctx.truth.table,
            columns = columns
        ),
    )
}

pub(crate) fn row_count(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let expected = ctx.truth.source.rows() as u64;
    match ctx.backend.row_count(actual) {
        Ok(found) if found == expected => Outcome::passed(said!(
            "ev-row-count-same",
            n = found,
            table = &ctx.truth.table,
            source = &ctx.truth.source_name
        )),
        Ok(found) => Outcome::failed(
            0.0,
            said!(
                if found < expected {
                    "ev-row-count-missing"
                } else {
                    "ev-row-count-too-many"
                },
                source = &ctx.truth.source_name,
                expected = expected,
                table = &ctx.truth.table,
                found = found,
                difference = expected.abs_diff(found)
            ),
            said!(
                "hint-row-count",
                table = &ctx.truth.table,
                source = &ctx.truth.source_name
            ),
        ),
        Err(error) => Outcome::from_error(&error, said!("doing-count-rows")),
    }
}
