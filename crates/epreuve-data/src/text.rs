//! The one text table every read takes on its way to grading: named columns of text cells,
//! NULL as `None`. A database's rows and a source file's frame both end up in this shape, and
//! every comparison reads it.

use std::path::Path;

use crate::DataError;

/// A row of text cells as an engine hands it, NULL as `None`.
pub type TextRow = Vec<Option<String>>;

/// One named column of text cells, NULL as `None`.
pub type TextColumn = (String, Vec<Option<String>>);

/// The columns of `rows`, named by `names` in order, refusing a name given twice (`path` says
/// where the rows came from, for the message). A row shorter than the names leaves NULLs.
pub fn columns_from_rows(
    path: &Path,
    names: Vec<String>,
    rows: Vec<TextRow>,
) -> Result<Vec<TextColumn>, DataError> {
    crate::frame::check_names(path, &names)?;
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); names.len()];
    for row in rows {
        let mut cells = row.into_iter();
        for column in columns.iter_mut() {
            column.push(cells.next().flatten());
        }
    }
    Ok(names.into_iter().zip(columns).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn rows_become_columns_in_order() {
        let columns = columns_from_rows(
            Path::new("q"),
            vec!["a".into(), "b".into()],
            vec![vec![cell("1"), None], vec![cell("2"), cell("x")]],
        )
        .unwrap();
        assert_eq!(
            columns,
            vec![
                ("a".to_owned(), vec![cell("1"), cell("2")]),
                ("b".to_owned(), vec![None, cell("x")]),
            ]
        );
    }

    #[test]
    fn a_name_given_twice_is_refused_and_said() {
        let error =
            columns_from_rows(Path::new("q"), vec!["a".into(), "a".into()], vec![]).unwrap_err();
        assert!(matches!(error, DataError::DuplicateColumn { ref column, .. } if column == "a"));
    }
}
