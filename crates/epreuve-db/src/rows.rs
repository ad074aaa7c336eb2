//! Rows of text fetched from an engine: cells read by position, and whole results turned into
//! the text columns grading reads.

use std::path::Path;

use epreuve_data::{TextColumn, TextRow};

use crate::DbError;

/// One text column per name, filled from `rows` (epreuve-data's conversion, its refusals said
/// as the database's): a name given twice is refused as a query error (a candidate's
/// `SELECT a, a`).
pub(crate) fn columns_from_rows(
    names: Vec<String>,
    rows: Vec<TextRow>,
) -> Result<Vec<TextColumn>, DbError> {
    epreuve_data::columns_from_rows(Path::new("query"), names, rows).map_err(|e| match e {
        epreuve_data::DataError::DuplicateColumn { column, .. } => DbError::Query {
            detail: epreuve_i18n::said!("db-column-twice", column = column),
        },
        other => DbError::Query {
            detail: other.said(),
        },
    })
}

/// Relations from catalogue rows of `(name, 'table' | 'view')`.
pub(crate) fn relations(rows: Vec<TextRow>) -> Vec<crate::Relation> {
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

/// A result as fetched: its column names, then its rows.
pub(crate) type NamedRows = (Vec<String>, Vec<TextRow>);
