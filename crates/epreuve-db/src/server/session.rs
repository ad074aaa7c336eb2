//! One connection to a server, its settings pinned by epreuve, and the deadline of each piece
//! of work sent on it.
//!
//! Settings a candidate could attach to the database or to a role (`ALTER DATABASE … SET
//! search_path`, `ALTER ROLE … SET statement_timeout`, another `DateStyle`) are overridden by
//! `SET` as soon as the connection opens: the search path names the graded schema first and
//! temporary objects last, and timeouts, time zone and date style are epreuve's.
//!
//! Every piece of work has two deadlines: the server's own (`statement_timeout`,
//! `max_statement_time`), and a client one a little later for a server that no longer answers
//! at all. When the client one passes, the query is cancelled from a second connection and the
//! connection dropped; when even that cannot reach the server, it is marked dead and every
//! later request fails at once ("not gradable") instead of waiting again.

use std::str::FromStr;
use std::time::Duration;

use epreuve_i18n::{Said, said};
use futures_util::future::BoxFuture;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Executor, MySqlConnection, PgConnection};

use super::ServerAddress;
use crate::SqlEngine;

/// How long connecting may take before the server counts as unreachable.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time the client gives the server beyond its own deadline before cancelling from outside.
const GRACE: Duration = Duration::from_secs(5);
/// How long a session waits for a lock another session holds (a transaction left open).
const LOCK_TIMEOUT_SECONDS: u64 = 10;

/// A live connection.
pub(super) enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
}

/// A connection with its settings pinned, and the server's id of it (for cancelling).
pub(super) struct Session {
    pub conn: Conn,
    id: String,
}

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// Grading: every transaction read-only, row-level security never silently applied.
    Grading,
    /// Writing (start, shipped solutions, provisioning).
    Writing,
}

/// Why a piece of work did not end well.
pub(super) enum Fault {
    /// The server answered with an error.
    Sql(sqlx::Error),
    /// The client deadline passed; the query was cancelled on a server that still answers.
    Expired,
    /// The server does not answer (any more): connecting failed or it froze.
    Gone(Said),
}

impl Session {
    /// Connects to `address` and pins the session's settings; `limit` is the server-side
    /// deadline of every statement until a piece of work sets its own.
    pub async fn open(
        address: &ServerAddress,
        purpose: Purpose,
        limit: Duration,
        schema: &str,
    ) -> Result<Self, sqlx::Error> {
        let url = address.url();
        let mut session = match super::sql_server(address.engine) {
            Some(SqlEngine::MariaDb) => {
                let options = MySqlConnectOptions::from_str(&url)?
                    .statement_cache_capacity(0)
                    .disable_statement_logging();
                Self {
                    conn: Conn::My(options.connect().await?),
                    id: String::new(),
                }
            }
            Some(SqlEngine::Postgres) => {
                let options = PgConnectOptions::from_str(&url)?
                    .statement_cache_capacity(0)
                    .application_name("epreuve")
                    .disable_statement_logging();
                Self {
                    conn: Conn::Pg(options.connect().await?),
                    id: String::new(),
                }
            }
            Some(SqlEngine::DuckDb) | None => {
                return Err(sqlx::Error::Configuration(
                    said!("db-not-sql-server", engine = address.engine.label())
                        .english()
                        .into(),
                ));
            }
        };
        session.pin(purpose, limit, schema).await?;
        Ok(session)
    }

    async fn pin(
        &mut self,
        purpose: Purpose,
        limit: Duration,
        schema: &str,
    ) -> Result<(), sqlx::Error> {
        let millis = limit.as_millis();
        let seconds = limit.as_secs_f64();
        match &mut self.conn {
            Conn::Pg(c) => {
                let schema = crate::quote_ident(SqlEngine::Postgres, schema);
                let mut sql = format!(
                    "SET search_path TO {schema}, pg_temp; SET DateStyle TO 'ISO, YMD'; \
                     SET IntervalStyle TO postgres; SET TimeZone TO 'UTC'; \
                     SET extra_float_digits TO 1; SET bytea_output TO hex; \
                     SET standard_conforming_strings TO on; SET client_min_messages TO warning; \
                     SET lock_timeout TO '{LOCK_TIMEOUT_SECONDS}s'; SET statement_timeout TO {millis}; \
                     SET idle_in_transaction_session_timeout TO 0;"
                );
                if purpose == Purpose::Grading {
                    sql.push_str(
                        " SET row_security TO off; SET default_transaction_read_only TO on;",
                    );
                }
                c.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
                let (id,): (i32,) = sqlx::query_as("SELECT pg_catalog.pg_backend_pid()")
                    .fetch_one(&mut *c)
                    .await?;
                self.id = id.to_string();
            }
            Conn::My(c) => {
                let mut sql = format!(
                    "SET SESSION time_zone = '+00:00', max_statement_time = {seconds}, \
                     lock_wait_timeout = {LOCK_TIMEOUT_SECONDS}, \
                     innodb_lock_wait_timeout = {LOCK_TIMEOUT_SECONDS}, sql_select_limit = DEFAULT;"
                );
                if purpose == Purpose::Grading {
                    sql.push_str(" SET SESSION TRANSACTION READ ONLY;");
                }
                c.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await?;
                let (id,): (u64,) = sqlx::query_as("SELECT CONNECTION_ID()")
                    .fetch_one(&mut *c)
                    .await?;
                self.id = id.to_string();
            }
        }
        Ok(())
    }
}

/// What runs a piece of work on a session: the runtime, the address and the deadlines.
pub(super) struct Runner<'a> {
    pub runtime: &'a tokio::runtime::Runtime,
    pub address: &'a ServerAddress,
    pub purpose: Purpose,
    pub schema: &'a str,
    /// The session's default server-side deadline.
    pub default_limit: Duration,
}

impl Runner<'_> {
    /// Runs `work` on the session of `slot` (opened on first use, dropped when its state is
    /// unknown), with the client deadline
    /// `limit` + grace. After an error the transaction is rolled back; after the deadline the
    /// query is cancelled from a new connection and the session dropped.
    pub fn run<T>(
        &self,
        slot: &mut Option<Session>,
        limit: Duration,
        work: impl for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    ) -> Result<T, Fault> {
        if slot.is_none() {
            let opened = self.runtime.block_on(async {
                tokio::time::timeout(
                    CONNECT_TIMEOUT,
                    Session::open(self.address, self.purpose, self.default_limit, self.schema),
                )
                .await
            });
            *slot = Some(match opened {
                Ok(Ok(session)) => session,
                Ok(Err(e)) if is_connection_error(&e) => {
                    return Err(Fault::Gone(Said::verbatim(super::first_line(
                        &e.to_string(),
                    ))));
                }
                Ok(Err(e)) => return Err(Fault::Sql(e)),
                Err(_) => {
                    return Err(Fault::Gone(said!(
                        "db-no-answer",
                        seconds = CONNECT_TIMEOUT.as_secs().to_string()
                    )));
                }
            });
        }
        let session = slot.as_mut().expect("opened above");
        let outcome = self
            .runtime
            .block_on(async { tokio::time::timeout(limit + GRACE, work(&mut session.conn)).await });
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) if is_connection_error(&error) => {
                *slot = None;
                Err(Fault::Gone(Said::verbatim(super::first_line(
                    &error.to_string(),
                ))))
            }
            Ok(Err(error)) => {
                // Leave no transaction open behind the error; a session that cannot even do
                // that is dropped.
                let rolled_back = self.runtime.block_on(async {
                    tokio::time::timeout(GRACE, async {
                        match &mut session.conn {
                            Conn::Pg(c) => c.execute(sqlx::raw_sql("ROLLBACK")).await.map(drop),
                            Conn::My(c) => c.execute(sqlx::raw_sql("ROLLBACK")).await.map(drop),
                        }
                    })
                    .await
                });
                if !matches!(rolled_back, Ok(Ok(()))) {
                    *slot = None;
                }
                Err(Fault::Sql(error))
            }
            Err(_) => {
                let id = session.id.clone();
                *slot = None;
                if self.cancel(&id) {
                    Err(Fault::Expired)
                } else {
                    Err(Fault::Gone(said!(
                        "db-server-stopped",
                        seconds = (limit + GRACE).as_secs().to_string()
                    )))
                }
            }
        }
    }

    /// Cancels the query of the server session `id` from a new connection; false when the
    /// server cannot be reached.
    fn cancel(&self, id: &str) -> bool {
        if id.is_empty() {
            return false;
        }
        let sql = match super::sql_server(self.address.engine) {
            Some(SqlEngine::MariaDb) => format!("KILL QUERY {id}"),
            Some(SqlEngine::Postgres) => format!("SELECT pg_catalog.pg_cancel_backend({id})"),
            Some(SqlEngine::DuckDb) | None => return false,
        };
        self.runtime
            .block_on(async {
                tokio::time::timeout(GRACE, async {
                    let mut killer =
                        Session::open(self.address, Purpose::Writing, GRACE, self.schema).await?;
                    match &mut killer.conn {
                        Conn::Pg(c) => c.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await.map(drop),
                        Conn::My(c) => c.execute(sqlx::raw_sql(AssertSqlSafe(sql))).await.map(drop),
                    }
                })
                .await
            })
            .is_ok_and(|r| r.is_ok())
    }
}

/// True for failures of the connection rather than of the SQL.
pub(super) fn is_connection_error(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
    )
}

/// The SQLSTATE or error number the server gave, if any.
pub(super) fn code(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}
