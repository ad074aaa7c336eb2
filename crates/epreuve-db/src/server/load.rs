//! How epreuve writes to a server database: the exam's schema and preloaded tables, a
//! shipped solution, the accounts of provisioning. Never used while grading.

use epreuve_data::TextRow;
use epreuve_i18n::said;
use sqlx::{AssertSqlSafe, Executor};

use super::ServerDb;
use super::backend::WRITE_LIMIT;
use super::fetch::engine_words;
use super::session::{Conn, Fault};
use crate::{DbError, Engine, Loader, SqlEngine};

impl ServerDb {
    fn write_fault(&self, fault: Fault) -> DbError {
        match fault {
            Fault::Gone(detail) => DbError::Unavailable {
                target: self.address.redacted(),
                detail,
            },
            Fault::Expired => DbError::Query {
                detail: said!("db-statement-late"),
            },
            Fault::Sql(error) => DbError::query(engine_words(&error)),
        }
    }
}

impl Loader for ServerDb {
    fn execute(&self, sql: &str) -> Result<(), DbError> {
        let text = sql.to_owned();
        self.on(false, WRITE_LIMIT, move |conn| {
            Box::pin(async move {
                let sql = sqlx::raw_sql(AssertSqlSafe(text));
                match conn {
                    Conn::Pg(c) => c.execute(sql).await.map(drop),
                    Conn::My(c) => c.execute(sql).await.map(drop),
                }
            })
        })
        .map_err(|fault| self.write_fault(fault))
    }

    /// Batches of 5,000 rows (under a megabyte for the sales, far below MariaDB's 16 MB
    /// packet limit): a million-line preload took 13.2 s on MariaDB, against 18.4 s with
    /// 500-row statements.
    fn rows_per_insert(&self) -> usize {
        5_000
    }

    /// PostgreSQL: one `COPY … FROM STDIN` in CSV per batch, which the server does not have
    /// to parse as SQL. MariaDB: `INSERT … VALUES` statements.
    fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        booleans: &[bool],
        rows: &[TextRow],
    ) -> Result<(), DbError> {
        if self.address.engine != Engine::Postgres {
            return self.insert_by_statements(table, columns, booleans, rows);
        }
        let statement = format!(
            "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
            crate::quote_ident(SqlEngine::Postgres, table),
            columns
                .iter()
                .map(|c| crate::quote_ident(SqlEngine::Postgres, c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let data = copy_csv(rows);
        self.on(false, WRITE_LIMIT, move |conn| {
            Box::pin(async move {
                let Conn::Pg(c) = conn else {
                    return Err(sqlx::Error::Protocol("COPY needs PostgreSQL".into()));
                };
                let mut copy = c.copy_in_raw(&statement).await?;
                if let Err(error) = copy.send(data.as_bytes()).await {
                    let _ = copy.abort(error.to_string()).await;
                    return Err(error);
                }
                copy.finish().await.map(drop)
            })
        })
        .map_err(|fault| self.write_fault(fault))
    }
}

/// Rows as PostgreSQL's CSV `COPY` reads them: every value quoted (quotes doubled), a
/// missing value as nothing at all, which `COPY` reads as NULL.
fn copy_csv(rows: &[TextRow]) -> String {
    let mut out = String::new();
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some(text) = value {
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_csv_quotes_every_value_and_leaves_nulls_empty() {
        let rows = vec![
            vec![Some("Produit \"coup de cœur\"".to_owned()), None],
            vec![Some(String::new()), Some("a,b\nc".to_owned())],
        ];
        assert_eq!(
            super::copy_csv(&rows),
            "\"Produit \"\"coup de cœur\"\"\",\n\"\",\"a,b\nc\"\n"
        );
    }
}
