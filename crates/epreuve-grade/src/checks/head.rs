//! The candidate's saved query shows the first rows of the table: it runs, returns between
//! the bounds of rows the grader sets, shows every column, and each row it returns is a row of
//! the table (which proves it reads the right table).

use std::collections::HashSet;

use epreuve_data::{TypeFamily, canonical, text_columns};

use super::{Outcome, TableContext};

pub(crate) fn head(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let Some(rules) = ctx.rules else {
        return Outcome::not_applicable("the grader names no head query for this table");
    };
    let file = format!("answers/{}", rules.head_query);
    let sql = match super::read_answer(ctx.answers, &rules.head_query) {
        Ok(sql) => sql,
        Err(outcome) => return outcome,
    };
    let Some(bounds) = &ctx.grader.head else {
        return Outcome::not_applicable("the grader has no [head] rules");
    };
    let result = match ctx.backend.candidate_query(&sql, bounds.max_rows) {
        Ok(result) => result,
        Err(error) => {
            return Outcome::from_error(&error, &format!("the query in {file} does not run"));
        }
    };
    let rows = result.frame.height();
    if result.truncated || rows < bounds.min_rows {
        return Outcome::lost(format!(
            "{file} returns {}{rows} rows; the first rows means {} to {}",
            if result.truncated { "more than " } else { "" },
            bounds.min_rows,
            bounds.max_rows
        ));
    }
    let shown: Vec<(String, Vec<Option<String>>)> = text_columns(&result.frame);
    let expected = ctx.truth.source.column_names();
    let mut picked = Vec::new();
    let mut missing = Vec::new();
    for name in &expected {
        match shown.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(i) => picked.push(i),
            None => missing.push(format!("`{name}`")),
        }
    }
    if !missing.is_empty() {
        return Outcome::lost(format!(
            "{file} does not show the columns {}",
            missing.join(", ")
        ));
    }
    let table = match ctx.table_text(actual) {
        Ok(frame) => text_columns(frame),
        Err(outcome) => return outcome,
    };
    let order: Vec<usize> = expected
        .iter()
        .filter_map(|name| table.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)))
        .collect();
    // Cells are compared in the family of their source column, so that an engine's spelling
    // (`t`, `1`, `12.50`) and the query's casts do not matter.
    let families: Vec<TypeFamily> = expected
        .iter()
        .map(|name| {
            ctx.truth
                .column(name)
                .map_or(TypeFamily::Text, |p| p.family)
        })
        .collect();
    let cell = |family: TypeFamily, value: Option<&str>| value.map(|v| canonical(family, v));
    let table_rows: HashSet<Vec<Option<String>>> = (0..table.first().map_or(0, |c| c.1.len()))
        .map(|r| {
            order
                .iter()
                .zip(&families)
                .map(|(&c, &f)| cell(f, table[c].1[r].as_deref()))
                .collect()
        })
        .collect();
    let foreign = (0..rows)
        .filter(|&r| {
            let row: Vec<Option<String>> = picked
                .iter()
                .zip(&families)
                .map(|(&c, &f)| cell(f, shown[c].1[r].as_deref()))
                .collect();
            !table_rows.contains(&row)
        })
        .count();
    if foreign > 0 {
        return Outcome::lost(format!(
            "{file} returns {foreign} of {rows} rows that are not rows of `{}`",
            ctx.truth.table
        ));
    }
    Outcome::passed(format!(
        "{file} shows {rows} rows of `{}` with every column",
        ctx.truth.table
    ))
}
