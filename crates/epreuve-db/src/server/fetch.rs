//! Rows of a server's answer as text, through the text protocol.

use crate::rows::NamedRows;
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Column, Executor, Row};

use crate::error::first_line;

/// Rows of text of the last result of `sql`, through the text protocol.
pub(super) async fn fetch_text<DB>(
    conn: &mut DB::Connection,
    sql: &str,
    max_rows: usize,
) -> Result<(NamedRows, bool), sqlx::Error>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'r> Option<String>: sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut truncated = false;
    {
        let mut stream = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).fetch_many(&mut *conn);
        while let Some(item) = stream.try_next().await? {
            let row = match item {
                sqlx::Either::Left(_) => continue,
                sqlx::Either::Right(row) => row,
            };
            if names.is_empty() {
                names = row.columns().iter().map(|c| c.name().to_owned()).collect();
            }
            if out.len() >= max_rows {
                truncated = true;
                continue;
            }
            let cells = (0..row.len())
                .map(|i| row.try_get_unchecked::<Option<String>, usize>(i))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(cells);
        }
    }
    Ok(((names, out), truncated))
}

/// The rows of `sql` on MariaDB, refusing a text that turned out to hold more than one
/// result (the server prepared it as one statement, so this is a second line of defence).
pub(super) async fn fetch_single_result(
    conn: &mut sqlx::MySqlConnection,
    sql: &str,
) -> Result<NamedRows, sqlx::Error> {
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut results = 0usize;
    let mut stream = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).fetch_many(&mut *conn);
    while let Some(item) = stream.try_next().await? {
        match item {
            sqlx::Either::Left(_) => results += 1,
            sqlx::Either::Right(row) => {
                if results > 0 {
                    return Err(sqlx::Error::Decode(Box::new(Refusal::SeveralResults)));
                }
                if names.is_empty() {
                    names = row.columns().iter().map(|c| c.name().to_owned()).collect();
                }
                let cells = (0..row.len())
                    .map(|i| row.try_get_unchecked::<Option<String>, usize>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                out.push(cells);
            }
        }
    }
    Ok((names, out))
}

/// The engine's own message, without the driver's prefix, the lines below the first, and the
/// line of the engine's own C source the driver adds to PostgreSQL's (" at line 1244"), which
/// is no line of the candidate's query.
pub(super) fn engine_words(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(database) => first_line(database.message()),
        other => first_line(
            &other
                .to_string()
                .replace("error returned from database: ", ""),
        ),
    }
}

/// Why epreuve itself refused a candidate's statement before or after the server ran it.
#[derive(Debug, thiserror::Error)]
pub(super) enum Refusal {
    /// The statement returns no columns: not a query.
    NotAQuery,
    /// The server returned more than one result.
    SeveralResults,
}

impl Refusal {
    /// The refusal as a message of the catalogues.
    fn said(&self) -> epreuve_i18n::Said {
        match self {
            Self::NotAQuery => epreuve_i18n::said!("err-refusal-no-rows"),
            Self::SeveralResults => epreuve_i18n::said!("err-refusal-several"),
        }
    }
}

epreuve_i18n::says_itself!(Refusal);

/// The refusal of epreuve's inside a driver error, if that is what it is.
pub(super) fn refusal(error: &sqlx::Error) -> Option<&Refusal> {
    match error {
        sqlx::Error::Decode(inner) => inner.downcast_ref::<Refusal>(),
        _ => None,
    }
}
