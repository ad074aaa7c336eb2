//! The candidate's saved query shows the first rows of the table: it runs, returns between
//! the bounds of rows the grader sets, shows every column, and each row it returns is a row of
//! the table (which proves it reads the right table).

use epreuve_db::Query;
use epreuve_results::said;

use super::{Outcome, TableContext};
use crate::canon::{HashMap, row_hash};

pub(crate) fn head(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let Some(rules) = ctx.rules else {
        return Outcome::not_applicable(said!("ev-no-head-query"));
    };
    let file = format!("answers/{}", rules.head_query);
    let sql = match super::read_answer(ctx.answers, &rules.head_query) {
        Ok(sql) => sql,
        Err(outcome) => return outcome,
    };
    let Some(bounds) = &ctx.grader.head else {
        return Outcome::not_applicable(said!("ev-no-head-rules"));
    };
    let result = match ctx
        .backend
        .candidate_query(Query::saved(ctx.backend.engine(), &sql), bounds.max_rows)
    {
        Ok(result) => result,
        Err(error) => {
            return Outcome::from_error(&error, said!("doing-run-query", file = &file));
        }
    };
    let rows = result.rows();
    if result.truncated || rows < bounds.min_rows {
        return Outcome::lost(said!(
            if result.truncated {
                "hint-head-rows-more"
            } else {
                "hint-head-rows"
            },
            file = &file,
            rows = rows,
            min = bounds.min_rows,
            max = bounds.max_rows
        ));
    }
    let shown = result.columns;
    let expected = ctx.truth.source.column_names();
    let mut picked = Vec::new();
    let mut missing = Vec::new();
    for name in &expected {
        match shown.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(i) => picked.push(i),
            None => missing.push(name.as_str()),
        }
    }
    if !missing.is_empty() {
        return Outcome::lost(said!(
            "hint-head-columns",
            file = &file,
            columns = epreuve_i18n::code_list(missing)
        ));
    }
    let pair = match ctx.coded(actual) {
        Ok(pair) => pair,
        Err(outcome) => return outcome,
    };
    let found = rows_of_the_table(pair, &expected, &picked, &shown, rows);
    let foreign = found.iter().filter(|f| !**f).count();
    if foreign > 0 {
        return Outcome::lost(said!(
            "hint-head-foreign",
            file = &file,
            foreign = foreign,
            rows = rows,
            table = &ctx.truth.table
        ));
    }
    Outcome::passed(said!(
        "ev-head",
        file = &file,
        rows = rows,
        table = &ctx.truth.table
    ))
}

/// Which of the `rows` rows the query shows (`shown`, its columns `picked` for the source's
/// `expected` ones) are rows of the table. The table's rows are codes of its source columns:
/// the query's cells are read in the same dictionaries, so that an engine's spelling (`t`,
/// `1`, `12.50`) and the query's casts do not matter; a cell the dictionaries never met is in
/// no row of the table. One pass over the table finds which shown rows it holds.
fn rows_of_the_table(
    pair: &crate::canon::CodedPair,
    expected: &[String],
    picked: &[usize],
    shown: &[epreuve_data::TextColumn],
    rows: usize,
) -> Vec<bool> {
    let order: Vec<(usize, usize)> = expected
        .iter()
        .zip(picked)
        .filter_map(|(name, &shown_column)| {
            let s = pair.column(name)?;
            pair.table.columns[s].is_some().then_some((s, shown_column))
        })
        .collect();
    let shown_rows: Vec<Option<Vec<u32>>> = (0..rows)
        .map(|r| {
            order
                .iter()
                .map(|&(s, c)| pair.codes[s].find(shown[c].1[r].as_deref()))
                .collect()
        })
        .collect();
    let columns: Vec<&[u32]> = order
        .iter()
        .filter_map(|&(s, _)| pair.table.columns[s].as_deref())
        .collect();
    let hasher = foldhash::fast::RandomState::default();
    let mut wanted: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, row) in shown_rows.iter().enumerate() {
        if let Some(row) = row {
            let as_columns: Vec<&[u32]> = row.iter().map(std::slice::from_ref).collect();
            wanted
                .entry(row_hash(&hasher, &as_columns, 0))
                .or_default()
                .push(i);
        }
    }
    let mut found = vec![false; rows];
    for r in 0..pair.table.rows {
        if let Some(candidates) = wanted.get(&row_hash(&hasher, &columns, r)) {
            for &i in candidates {
                if let Some(row) = &shown_rows[i]
                    && row
                        .iter()
                        .zip(&columns)
                        .all(|(code, column)| column[r] == *code)
                {
                    found[i] = true;
                }
            }
        }
    }
    found
}
