//! Filling a table from rows of text with plain `INSERT … VALUES` statements that every SQL
//! engine accepts: each value is a string literal the engine casts to the column's type.

/// `INSERT` statements for `rows`, `batch` rows per statement. Values must already be in the
/// canonical spelling the engine casts (`2025-02-03`, `12.5`, `true`).
pub fn insert_statements(
    table: &str,
    columns: &[String],
    rows: &[Vec<Option<String>>],
    batch: usize,
) -> Vec<String> {
    let column_list = columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    rows.chunks(batch.max(1))
        .map(|chunk| {
            let values = chunk
                .iter()
                .map(|row| {
                    let cells = row
                        .iter()
                        .map(|v| match v {
                            Some(text) => format!("'{}'", text.replace('\'', "''")),
                            None => "NULL".to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("({cells})")
                })
                .collect::<Vec<_>>()
                .join(",\n");
            format!(
                "INSERT INTO {} ({column_list}) VALUES\n{values}",
                quote_ident(table)
            )
        })
        .collect()
}

/// Double-quoted identifier, as standard SQL writes it.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped() {
        let sql = insert_statements(
            "t",
            &["a".into()],
            &[vec![Some("l'île".into())], vec![None]],
            10,
        );
        assert_eq!(
            sql,
            vec!["INSERT INTO \"t\" (\"a\") VALUES\n('l''île'),\n(NULL)".to_owned()]
        );
    }
}
