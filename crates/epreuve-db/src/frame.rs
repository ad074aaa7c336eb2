//! Rows of text fetched from an engine: cells read by position, and whole results turned into
//! a polars frame of text columns.

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

/// Relations from catalogue rows of `(name, 'table' | 'view')`.
pub(crate) fn relations(rows: Vec<Vec<Option<String>>>) -> Vec<crate::Relation> {
    rows.into_iter()
        .map(|r| crate::Relation {
            name: text_at(&r, 0),
            view: text_at(&r, 1) == "view",
        })
        .collect()
}

/// The text of cell `i` of a catalogue row, empty when absent or NULL.
pub(crate) fn text_at(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

/// Cell `i` of a catalogue row read as a count (lengths, precisions; CHAR casts may pad it).
pub(crate) fn u32_at(row: &[Option<String>], i: usize) -> Option<u32> {
    row.get(i)?.as_deref()?.trim().parse().ok()
}
