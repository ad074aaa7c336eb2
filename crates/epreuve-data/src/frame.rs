//! Frames of text: the shape every reader produces and every comparison consumes.

use std::path::Path;

use polars::prelude::{Column, DataFrame};

use crate::DataError;

/// A source as read from its file: one polars column of (nullable) text per source column,
/// with the column names of the file's header.
#[derive(Debug, Clone)]
pub struct SourceFrame {
    /// Path the frame was read from, for messages.
    pub path: std::path::PathBuf,
    /// The data, every column of polars type `String`.
    pub frame: DataFrame,
}

impl SourceFrame {
    /// Number of data rows (the header is not counted).
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    /// Column names, in file order.
    pub fn column_names(&self) -> Vec<String> {
        self.frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    }
}

/// Refuses a header that names a column twice.
pub(crate) fn check_names(path: &Path, names: &[String]) -> Result<(), DataError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            return Err(DataError::DuplicateColumn {
                path: path.to_path_buf(),
                column: name.clone(),
            });
        }
    }
    Ok(())
}

/// Builds a frame of text columns from names and cells, checking that names are unique.
pub fn frame_from_columns(
    path: &Path,
    names: Vec<String>,
    cells: Vec<Vec<Option<String>>>,
) -> Result<DataFrame, DataError> {
    check_names(path, &names)?;
    let height = cells.first().map_or(0, Vec::len);
    let columns: Vec<Column> = names
        .iter()
        .zip(cells)
        .map(|(name, values)| Column::new(name.as_str().into(), values))
        .collect();
    DataFrame::new(height, columns).map_err(|e| DataError::Frame {
        path: path.to_path_buf(),
        message: epreuve_i18n::Said::verbatim(e.to_string()),
    })
}

/// Reads back the columns of a text frame as vectors of optional strings.
///
/// Columns that are not of type `String` are cast to it first.
pub fn text_columns(frame: &DataFrame) -> Vec<crate::TextColumn> {
    frame
        .columns()
        .iter()
        .map(|column| (column.name().to_string(), column_text(column)))
        .collect()
}

/// One column of `frame` as optional strings, `None` when it has no column called `name`:
/// what a check about one column needs, without the text of every other.
pub fn text_column(frame: &DataFrame, name: &str) -> Option<Vec<Option<String>>> {
    frame
        .columns()
        .iter()
        .find(|c| c.name().as_str() == name)
        .map(column_text)
}

/// One column as optional strings, cast to text first when it is not.
pub(crate) fn column_text(column: &polars::prelude::Column) -> Vec<Option<String>> {
    match column.str() {
        Ok(ca) => ca.iter().map(|v| v.map(str::to_owned)).collect(),
        Err(_) => match column.cast(&polars::prelude::DataType::String) {
            Ok(cast) => cast
                .str()
                .map(|ca| ca.iter().map(|v| v.map(str::to_owned)).collect())
                .unwrap_or_default(),
            Err(_) => vec![None; column.len()],
        },
    }
}

/// Hands every cell of `column` to `visit` as text, in row order, without copying it (a
/// column that is not text is cast first): a million cells are read without a million
/// strings.
pub fn for_each_text(column: &polars::prelude::Column, mut visit: impl FnMut(Option<&str>)) {
    match column.str() {
        Ok(ca) => ca.iter().for_each(visit),
        Err(_) => match column.cast(&polars::prelude::DataType::String) {
            Ok(cast) => match cast.str() {
                Ok(ca) => ca.iter().for_each(visit),
                Err(_) => (0..column.len()).for_each(|_| visit(None)),
            },
            Err(_) => (0..column.len()).for_each(|_| visit(None)),
        },
    }
}
