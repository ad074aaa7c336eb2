//! A candidate's query on a server: prepared by the server first (the extended protocol,
//! which refuses a second statement), it must return columns, and it runs inside a read-only
//! transaction with the server-side deadline and row cap.

use crate::rows::NamedRows;
use sqlx::{AssertSqlSafe, Executor, SqlSafeStr};

use super::ServerDb;
use super::fetch::{Refusal, fetch_single_result, fetch_text};
use super::session::{Conn, Fault};

impl ServerDb {
    /// The candidate's query, prepared by the server (one statement, returning columns), then
    /// run in a read-only transaction with the server-side deadline and row cap.
    pub(super) fn run_candidate(&self, body: String, max_rows: usize) -> Result<NamedRows, Fault> {
        let millis = self.timeout.as_millis();
        let seconds = self.timeout.as_secs_f64();
        let internal = self.internal_limit.as_secs_f64();
        let fetch = if max_rows == usize::MAX {
            "ALL".to_owned()
        } else {
            (max_rows + 1).to_string()
        };
        let select_limit = if max_rows == usize::MAX {
            "DEFAULT".to_owned()
        } else {
            (max_rows + 1).to_string()
        };
        self.on(true, self.timeout, move |conn| {
            Box::pin(async move {
                match conn {
                    Conn::Pg(c) => {
                        c.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                            "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {millis}"
                        ))))
                        .await?;
                        let statement = c.prepare(AssertSqlSafe(body.clone()).into_sql_str()).await?;
                        if sqlx::Statement::columns(&statement).is_empty() {
                            return Err(not_a_query());
                        }
                        // DECLARE … CURSOR accepts a query only, and the extended protocol one
                        // statement only: both are the server's decision.
                        sqlx::query(AssertSqlSafe(format!(
                            "DECLARE epreuve_candidate NO SCROLL CURSOR FOR\n{body}"
                        )))
                        .persistent(false)
                        .execute(&mut *c)
                        .await?;
                        let rows = fetch_text::<sqlx::Postgres>(
                            c,
                            &format!("FETCH FORWARD {fetch} FROM epreuve_candidate"),
                            usize::MAX,
                        )
                        .await?;
                        c.execute(sqlx::raw_sql("ROLLBACK")).await?;
                        Ok(rows.0)
                    }
                    Conn::My(c) => {
                        c.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                            "SET SESSION max_statement_time = {seconds}, sql_select_limit = {select_limit}"
                        ))))
                        .await?;
                        let statement = c.prepare(AssertSqlSafe(body.clone()).into_sql_str()).await?;
                        if sqlx::Statement::columns(&statement).is_empty() {
                            return Err(not_a_query());
                        }
                        c.execute(sqlx::raw_sql("START TRANSACTION READ ONLY")).await?;
                        // The text the server prepared as one statement, now run for its rows
                        // as the engine spells them.
                        let rows = fetch_single_result(c, &body).await;
                        let end = c
                            .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                                "ROLLBACK; SET SESSION max_statement_time = {internal}, sql_select_limit = DEFAULT"
                            ))))
                            .await;
                        let rows = rows?;
                        end?;
                        Ok(rows)
                    }
                }
            })
        })
    }
}

/// The error a statement without result columns earns.
fn not_a_query() -> sqlx::Error {
    sqlx::Error::Decode(Box::new(Refusal::NotAQuery))
}
