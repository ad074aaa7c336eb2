//! CSV sources: UTF-8 (a leading BOM is dropped), a header line, empty cells are missing.

use epreuve_i18n::{Said, said};
use std::path::Path;

use polars::prelude::{Column, DataFrame, IntoColumn, StringChunkedBuilder};

use crate::DataError;

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
            what: said!("data-the-file"),
        });
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_owned()).collect();
    crate::frame::check_names(path, &names)?;
    // Each field goes straight into its column's buffer: a million lines never exist as
    // eleven million strings.
    let mut builders: Vec<StringChunkedBuilder> = names
        .iter()
        .map(|n| StringChunkedBuilder::new(n.as_str().into(), 1024))
        .collect();
    let mut record = ::csv::StringRecord::new();
    let mut rows = 0usize;
    while reader.read_record(&mut record).map_err(csv_error)? {
        for (builder, field) in builders.iter_mut().zip(record.iter()) {
            if field.is_empty() {
                builder.append_null();
            } else {
                builder.append_value(field);
            }
        }
        rows += 1;
    }
    let columns: Vec<Column> = builders
        .into_iter()
        .map(|b| b.finish().into_column())
        .collect();
    DataFrame::new(rows, columns).map_err(|e| DataError::Frame {
        path: path.to_path_buf(),
        message: Said::verbatim(e.to_string()),
    })
}

fn describe(error: &::csv::Error) -> Said {
    match error.kind() {
        ::csv::ErrorKind::Utf8 { .. } => said!("data-csv-not-utf8"),
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => said!(
            "data-csv-fields",
            fields = len.to_string(),
            header = expected_len.to_string()
        ),
        _ => Said::verbatim(error.to_string()),
    }
}
