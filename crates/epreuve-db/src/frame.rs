//! Rows of text fetched from an engine, turned into a polars frame of text columns.

use std::path::Path;

use polars::prelude::DataFrame;

use crate::DbError;

/// A frame with one text column per name, filled from `rows`.
pub(crate) fn text_frame(
    names: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
) -> Result<DataFrame, DbError> {
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); names.len()];
    for row in rows {
        for (column, cell) in columns.iter_mut().zip(row) {
            column.push(cell);
        }
    }
    epreuve_data::frame_from_columns(Path::new("query"), names, columns).map_err(|e| {
        DbError::Query {
            detail: e.to_string().replace("query: ", ""),
        }
    })
}
