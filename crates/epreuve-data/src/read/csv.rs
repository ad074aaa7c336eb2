//! CSV sources: UTF-8 (a leading BOM is dropped), a header line, empty cells are missing.

use std::path::Path;

use polars::prelude::DataFrame;

use crate::{DataError, frame_from_columns};

pub(super) fn read(path: &Path, delimiter: char) -> Result<DataFrame, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::io(path, e))?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(u8::try_from(delimiter).unwrap_or(b','))
        .flexible(false)
        .from_reader(body);
    let csv_error = |e: ::csv::Error| DataError::Csv {
        path: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: describe(&e),
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(DataError::NoHeader {
            path: path.to_path_buf(),
            what: "the file".into(),
        });
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        for (column, field) in cells.iter_mut().zip(record.iter()) {
            column.push((!field.is_empty()).then(|| field.to_owned()));
        }
    }
    frame_from_columns(path, names, cells)
}

fn describe(error: &::csv::Error) -> String {
    match error.kind() {
        ::csv::ErrorKind::Utf8 { .. } => {
            "the file is not UTF-8 text (save it again as CSV UTF-8)".into()
        }
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this line has {len} fields where the header has {expected_len}"),
        _ => error.to_string(),
    }
}
