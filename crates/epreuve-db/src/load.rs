//! Filling a table from rows of text with plain `INSERT … VALUES` statements that every SQL
//! engine accepts: each value is a string literal the engine casts to the column's type, except
//! booleans, written `TRUE`/`FALSE` because MariaDB's BOOLEAN is an integer that refuses `'true'`.

use epreuve_data::{TextColumn, TextRow};
use epreuve_data::{TypeFamily, canonical};

use crate::{DbError, Loader, SqlEngine};
use epreuve_i18n::said;

/// Creates `table` with a column per `(name, family)`, each of the engine's type for the
/// family (numbers that are not integers as floating point): the shape the grader's own
/// ground truth takes before [`fill_table`] fills it.
pub fn create_table_of_families(
    backend: &dyn Loader,
    table: &str,
    columns: &[(String, TypeFamily)],
) -> Result<(), DbError> {
    let engine = SqlEngine::required(backend.engine(), said!("sql-needs-table"))?;
    let definitions: Vec<String> = columns
        .iter()
        .map(|(name, family)| {
            format!(
                "{} {}",
                quote_ident(engine, name),
                family_type(engine, *family)
            )
        })
        .collect();
    backend.execute(&format!(
        "CREATE TABLE {} ({})",
        quote_ident(engine, table),
        definitions.join(", ")
    ))
}

/// The type of `engine` that holds every value of `family`.
fn family_type(engine: SqlEngine, family: TypeFamily) -> &'static str {
    match (family, engine) {
        (TypeFamily::Integer, _) => "BIGINT",
        (TypeFamily::Decimal, SqlEngine::Postgres) => "DOUBLE PRECISION",
        (TypeFamily::Decimal, _) => "DOUBLE",
        (TypeFamily::Date, _) => "DATE",
        (TypeFamily::Timestamp, SqlEngine::MariaDb) => "DATETIME",
        (TypeFamily::Timestamp, _) => "TIMESTAMP",
        (TypeFamily::Boolean, _) => "BOOLEAN",
        (TypeFamily::Text, SqlEngine::DuckDb) => "VARCHAR",
        (TypeFamily::Text, _) => "TEXT",
    }
}

/// Drops `column` of `table`.
pub fn drop_column(backend: &dyn Loader, table: &str, column: &str) -> Result<(), DbError> {
    let engine = SqlEngine::required(backend.engine(), said!("sql-needs-drop-column"))?;
    backend.execute(&format!(
        "ALTER TABLE {} DROP COLUMN {}",
        quote_ident(engine, table),
        quote_ident(engine, column)
    ))
}

/// Fills `table`, already created, with the first `rows` rows of `columns` (source text, as
/// [`epreuve_data::text_columns`] gives it). Each value is first written in the canonical
/// spelling of its column's family (`families`, one per column; `None` leaves it as it is), so
/// that every engine casts `16/07/2025` or `13,73` the same way.
pub fn fill_table(
    backend: &dyn Loader,
    table: &str,
    columns: &[TextColumn],
    families: &[Option<TypeFamily>],
    rows: usize,
) -> Result<(), DbError> {
    let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    if backend.loads_csv() && fill_through_csv(backend, table, &names, columns, families, rows)? {
        return Ok(());
    }
    let booleans: Vec<bool> = families
        .iter()
        .map(|f| *f == Some(TypeFamily::Boolean))
        .collect();
    let height = columns.first().map_or(0, |(_, v)| v.len()).min(rows);
    let batch = backend.rows_per_insert().max(1);
    let mut start = 0;
    while start < height {
        let end = (start + batch).min(height);
        let chunk: Vec<TextRow> = (start..end)
            .map(|r| {
                columns
                    .iter()
                    .zip(families)
                    .map(|((_, values), family)| {
                        values[r].as_deref().map(|v| match family {
                            Some(family) => canonical(*family, v),
                            None => v.to_owned(),
                        })
                    })
                    .collect()
            })
            .collect();
        backend.insert_rows(table, &names, &booleans, &chunk)?;
        start = end;
    }
    Ok(())
}

/// [`fill_table`] through a private CSV file of canonical text that the engine loads itself;
/// `false`, with nothing loaded, when a value is empty text, which the file could not tell
/// from NULL.
fn fill_through_csv(
    backend: &dyn Loader,
    table: &str,
    names: &[String],
    columns: &[TextColumn],
    families: &[Option<TypeFamily>],
    rows: usize,
) -> Result<bool, DbError> {
    let failed = |e: &dyn std::fmt::Display| DbError::Query {
        detail: epreuve_i18n::said!("db-load-write", table = table, error = e.to_string()),
    };
    let file = tempfile::Builder::new()
        .prefix("epreuve-load-")
        .suffix(".csv")
        .tempfile()
        .map_err(|e| failed(&e))?;
    {
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(std::io::BufWriter::new(file.as_file()));
        let height = columns.first().map_or(0, |(_, v)| v.len()).min(rows);
        let mut record: Vec<String> = vec![String::new(); columns.len()];
        for r in 0..height {
            for (cell, ((_, values), family)) in record.iter_mut().zip(columns.iter().zip(families))
            {
                cell.clear();
                if let Some(v) = values[r].as_deref() {
                    if v.is_empty() {
                        return Ok(false);
                    }
                    match family {
                        Some(family) => cell.push_str(&canonical(*family, v)),
                        None => cell.push_str(v),
                    }
                }
            }
            writer.write_record(&record).map_err(|e| failed(&e))?;
        }
        writer.flush().map_err(|e| failed(&e))?;
    }
    backend.load_csv(table, names, file.path())?;
    Ok(true)
}

/// `INSERT` statements for `rows`, `batch` rows per statement. Values must already be in the
/// canonical spelling the engine casts (`2025-02-03`, `12.5`, `true`); the columns flagged in
/// `booleans` are written as the keywords `TRUE` and `FALSE`.
pub fn insert_statements(
    engine: SqlEngine,
    table: &str,
    columns: &[String],
    booleans: &[bool],
    rows: &[TextRow],
    batch: usize,
) -> Vec<String> {
    let column_list = columns
        .iter()
        .map(|c| quote_ident(engine, c))
        .collect::<Vec<_>>()
        .join(", ");
    rows.chunks(batch.max(1))
        .map(|chunk| {
            let values = chunk
                .iter()
                .map(|row| {
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match v {
                            Some(text) if booleans.get(i) == Some(&true) => match text.as_str() {
                                "true" => "TRUE".to_owned(),
                                "false" => "FALSE".to_owned(),
                                _ => literal(engine, text),
                            },
                            Some(text) => literal(engine, text),
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
                quote_ident(engine, table)
            )
        })
        .collect()
}

/// A string literal; MariaDB also treats the backslash as an escape character.
pub(crate) fn literal(engine: SqlEngine, text: &str) -> String {
    let text = text.replace('\'', "''");
    match engine {
        SqlEngine::MariaDb => format!("'{}'", text.replace('\\', "\\\\")),
        SqlEngine::DuckDb | SqlEngine::Postgres => format!("'{text}'"),
    }
}

/// A quoted identifier: double quotes in standard SQL, backquotes on MariaDB (which reads
/// double quotes as strings unless ANSI_QUOTES is set).
pub fn quote_ident(engine: SqlEngine, name: &str) -> String {
    match engine {
        SqlEngine::MariaDb => format!("`{}`", name.replace('`', "``")),
        SqlEngine::DuckDb | SqlEngine::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped() {
        let sql = insert_statements(
            SqlEngine::DuckDb,
            "t",
            &["a".into()],
            &[false],
            &[vec![Some("l'île".into())], vec![None]],
            10,
        );
        assert_eq!(
            sql,
            vec!["INSERT INTO \"t\" (\"a\") VALUES\n('l''île'),\n(NULL)".to_owned()]
        );
    }

    #[test]
    fn mariadb_gets_backquotes_escaped_backslashes_and_boolean_keywords() {
        let sql = insert_statements(
            SqlEngine::MariaDb,
            "t",
            &["a".into(), "b".into()],
            &[false, true],
            &[vec![Some("C:\\data".into()), Some("true".into())]],
            10,
        );
        assert_eq!(
            sql,
            vec!["INSERT INTO `t` (`a`, `b`) VALUES\n('C:\\\\data', TRUE)".to_owned()]
        );
    }
}
