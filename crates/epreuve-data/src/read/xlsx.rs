//! Workbook sources: one sheet, whose first non-empty row names the columns.
//!
//! Cells become the text a person would read: whole numbers without `.0`, dates as
//! `yyyy-mm-dd`, booleans as `true`/`false`. Error cells (`#N/A`, `#DIV/0!`) count as missing.

use epreuve_i18n::{Said, said};
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use polars::prelude::DataFrame;

use crate::{DataError, frame_from_columns};

pub(super) fn read(path: &Path, sheet: Option<&str>) -> Result<DataFrame, DataError> {
    if !path.exists() {
        return Err(DataError::io(
            path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    super::xlsx_bounds::check(path).map_err(|message| DataError::Workbook {
        path: path.to_path_buf(),
        message,
    })?;
    // The reader of a dependency meets hostile bytes here: whatever it does not foresee ends
    // as one sentence, never as a crash.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_checked(path, sheet))) {
        Ok(result) => result,
        Err(_) => Err(DataError::Workbook {
            path: path.to_path_buf(),
            message: said!("data-xlsx-damaged"),
        }),
    }
}

fn read_checked(path: &Path, sheet: Option<&str>) -> Result<DataFrame, DataError> {
    let mut workbook = open_workbook_auto(path).map_err(|e| DataError::Workbook {
        path: path.to_path_buf(),
        message: describe(&e),
    })?;
    let names = workbook.sheet_names();
    let sheet = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| DataError::MissingSheet {
                path: path.to_path_buf(),
                sheet: wanted.to_owned(),
                available: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| DataError::Workbook {
            path: path.to_path_buf(),
            message: said!("data-xlsx-no-sheet"),
        })?,
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| DataError::Workbook {
            path: path.to_path_buf(),
            message: said!("data-xlsx-sheet", sheet = &sheet, why = describe(&e)),
        })?;
    let mut rows = range
        .rows()
        .skip_while(|row| row.iter().all(|c| matches!(c, Data::Empty)));
    let no_header = || DataError::NoHeader {
        path: path.to_path_buf(),
        what: said!("data-sheet", sheet = &sheet),
    };
    let header = rows.next().ok_or_else(no_header)?;
    // Trailing empty header cells are formatting, not columns.
    let width = header
        .iter()
        .rposition(|c| !matches!(c, Data::Empty))
        .map_or(0, |last| last + 1);
    let names: Vec<String> = header[..width]
        .iter()
        .enumerate()
        .map(|(i, c)| cell_text(c).unwrap_or_else(|| format!("column_{}", i + 1)))
        .collect();
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    for row in rows {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        for (i, column) in cells.iter_mut().enumerate() {
            column.push(row.get(i).and_then(cell_text));
        }
    }
    frame_from_columns(path, names, cells)
}

/// The text of a cell, or `None` for an empty or error cell.
fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) if s.is_empty() => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(float_text(*f)),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => Some(match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => float_text(dt.as_f64()),
        }),
    }
}

/// Workbooks store every number as a float: `4500.0` is the integer `4500`.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn describe(error: &calamine::Error) -> Said {
    let text = error.to_string();
    if text.to_lowercase().contains("password") {
        said!("data-xlsx-password")
    } else if text.to_lowercase().contains("zip") || text.contains("InvalidArchive") {
        said!("data-xlsx-invalid", error = text)
    } else {
        Said::verbatim(text)
    }
}
