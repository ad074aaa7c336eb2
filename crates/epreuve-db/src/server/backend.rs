//! What grading asks of a server database.

use crate::rows::NamedRows;
use epreuve_i18n::{Said, said};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ServerAddress;
use super::dialect::ErrorMeaning;
use super::fetch::{Refusal, engine_words, fetch_text, refusal};
use super::session::{Conn, Fault, Purpose, Runner, Session, code};
use super::types::declared_type;
use crate::rows::{text_at, u32_at};
use crate::{
    Backend, Capabilities, ColumnInfo, DbError, Engine, IndexInfo, Query, QueryResult, Relation,
    SqlEngine,
};

/// How long a query of epreuve's own may run.
const INTERNAL_LIMIT: Duration = Duration::from_secs(120);
/// How long one write may take: a million rows loaded, an index built on them.
pub(super) const WRITE_LIMIT: Duration = Duration::from_secs(3600);

/// A PostgreSQL or MariaDB database.
pub struct ServerDb {
    pub(super) address: ServerAddress,
    /// Its SQL: PostgreSQL's or MariaDB's.
    pub(super) sql: SqlEngine,
    purpose: Purpose,
    /// The schema graded: `public` on PostgreSQL, the database on MariaDB.
    schema: String,
    pub(super) runtime: tokio::runtime::Runtime,
    /// The connection of epreuve's own questions (and of the writes of a loader).
    pub(super) internal: Mutex<Option<Session>>,
    /// The connection of the candidate's queries.
    candidate: Mutex<Option<Session>>,
    /// Set once the server stopped answering: every later request fails at once.
    dead: Mutex<Option<Said>>,
    /// How long a candidate's query may run.
    pub(super) timeout: Duration,
    /// How long a query of epreuve's own may run.
    pub(super) internal_limit: Duration,
}

impl std::fmt::Debug for ServerDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerDb")
            .field("address", &self.address.redacted())
            .finish()
    }
}

impl ServerDb {
    /// Connects to the database at `address` to write to it (start, solutions, provisioning).
    pub fn connect(address: &ServerAddress) -> Result<Self, DbError> {
        Self::connect_for(address, Purpose::Writing)
    }

    /// Connects to the database at `address` for grading: every transaction read-only,
    /// settings pinned, row-level security never silently applied.
    pub fn open_read_only(address: &ServerAddress) -> Result<Self, DbError> {
        Self::connect_for(address, Purpose::Grading)
    }

    fn connect_for(address: &ServerAddress, purpose: Purpose) -> Result<Self, DbError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbError::unavailable(address.redacted(), e.to_string()))?;
        let Some(sql) = super::sql_server(address.engine) else {
            return Err(DbError::Unavailable {
                target: address.redacted(),
                detail: said!("db-not-sql-server", engine = address.engine.label()),
            });
        };
        let schema = match sql {
            SqlEngine::MariaDb => address.database.clone(),
            SqlEngine::DuckDb | SqlEngine::Postgres => "public".to_owned(),
        };
        let internal_limit = match purpose {
            Purpose::Grading => INTERNAL_LIMIT,
            Purpose::Writing => WRITE_LIMIT,
        };
        let db = Self {
            address: address.clone(),
            sql,
            purpose,
            schema,
            runtime,
            internal: Mutex::new(None),
            candidate: Mutex::new(None),
            dead: Mutex::new(None),
            timeout: Duration::from_secs(30),
            internal_limit,
        };
        // Connecting now says at once whether the server is there.
        db.internal_rows("SELECT 1")?;
        Ok(db)
    }

    /// Sets how long a candidate's query may run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how long a query of epreuve's own may run (two minutes unless told).
    pub fn with_internal_limit(mut self, limit: Duration) -> Self {
        self.internal_limit = limit;
        self
    }

    /// The address this backend talks to.
    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    fn runner(&self) -> Runner<'_> {
        Runner {
            runtime: &self.runtime,
            address: &self.address,
            purpose: self.purpose,
            schema: &self.schema,
            default_limit: self.internal_limit,
        }
    }

    /// Runs `work` on the internal or the candidate connection, with the client deadline
    /// `limit`; a server found gone is remembered.
    pub(super) fn on<T>(
        &self,
        candidate: bool,
        limit: Duration,
        work: impl for<'c> FnOnce(
            &'c mut Conn,
        )
            -> futures_util::future::BoxFuture<'c, Result<T, sqlx::Error>>,
    ) -> Result<T, Fault> {
        if let Some(reason) = self.dead.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Err(Fault::Gone(reason));
        }
        let slot = if candidate {
            &self.candidate
        } else {
            &self.internal
        };
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        let result = self.runner().run(&mut slot, limit, work);
        if let Err(Fault::Gone(reason)) = &result
            && reason.id == "db-server-stopped"
        {
            *self.dead.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
        }
        result
    }

    /// Runs one statement of epreuve's own through the text protocol and returns the rows of
    /// text of its result, at most `max_rows` of them (draining the rest without decoding),
    /// and whether more were there.
    pub(super) fn internal_capped(
        &self,
        sql: &str,
        max_rows: usize,
    ) -> Result<(NamedRows, bool), DbError> {
        let text = sql.to_owned();
        self.on(false, self.internal_limit, move |conn| {
            Box::pin(async move {
                match conn {
                    Conn::Pg(c) => fetch_text::<sqlx::Postgres>(c, &text, max_rows).await,
                    Conn::My(c) => fetch_text::<sqlx::MySql>(c, &text, max_rows).await,
                }
            })
        })
        .map_err(|fault| self.internal_fault(sql, fault))
    }

    pub(super) fn internal_rows(&self, sql: &str) -> Result<NamedRows, DbError> {
        self.internal_capped(sql, usize::MAX).map(|(rows, _)| rows)
    }

    /// A failure of epreuve's own SQL: the database is not in a state to be graded, unless
    /// the candidate's database refused the grading account on purpose.
    fn internal_fault(&self, sql: &str, fault: Fault) -> DbError {
        match fault {
            Fault::Gone(detail) => DbError::Unavailable {
                target: self.address.redacted(),
                detail,
            },
            Fault::Expired => DbError::Internal {
                sql: sql.to_owned(),
                detail: said!(
                    "db-internal-late",
                    seconds = self.internal_limit.as_secs().to_string()
                ),
            },
            Fault::Sql(error) => {
                if self.meaning(&error) == Some(ErrorMeaning::Denied) {
                    DbError::Denied {
                        detail: engine_words(&error),
                    }
                } else {
                    DbError::internal(sql, engine_words(&error))
                }
            }
        }
    }

    /// A failure of a query that ran under the deadline `limit` (a candidate's, or one of the
    /// grader's the candidate's tables slow down): its own doing, except a server gone.
    fn query_fault(&self, fault: Fault, limit: Duration) -> DbError {
        match fault {
            Fault::Gone(detail) => DbError::Unavailable {
                target: self.address.redacted(),
                detail,
            },
            Fault::Expired => DbError::Timeout {
                seconds: limit.as_secs(),
            },
            Fault::Sql(error) => match self.meaning(&error) {
                Some(ErrorMeaning::Timeout) => DbError::Timeout {
                    seconds: limit.as_secs(),
                },
                Some(ErrorMeaning::Write) => DbError::Query {
                    detail: said!("db-query-writes"),
                },
                Some(ErrorMeaning::SeveralStatements) => DbError::Query {
                    detail: said!("db-query-several-prepared"),
                },
                Some(ErrorMeaning::Denied) | None => DbError::query(engine_words(&error)),
            },
        }
    }

    fn quote(&self, name: &str) -> String {
        crate::load::quote_ident(self.sql, name)
    }

    /// `"public"."name"` or `` `database`.`name` ``: a relation of the graded schema, whatever
    /// the search path would make of the bare name.
    fn qualified(&self, name: &str) -> String {
        format!("{}.{}", self.quote(&self.schema), self.quote(name))
    }

    /// The graded schema as a string literal.
    fn schema_literal(&self) -> String {
        crate::load::literal(self.sql, &self.schema)
    }

    /// The SQL of this server's engine.
    fn dialect(&self) -> &'static dyn super::dialect::Dialect {
        super::engines::of(self.sql)
    }

    /// What the engine's error means for grading, as the engine's definition reads its code
    /// (a refusal of the candidate's objects is the candidate's doing, not the
    /// infrastructure's).
    fn meaning(&self, error: &sqlx::Error) -> Option<ErrorMeaning> {
        let code = code(error).unwrap_or_default();
        let lower = error.to_string().to_lowercase();
        self.dialect().error_meaning(&code, &lower)
    }
}

impl Backend for ServerDb {
    fn engine(&self) -> Engine {
        self.address.engine
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            keeps_text_length: true,
            keeps_decimal_precision: true,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} database {}",
            self.address.engine.label(),
            self.address.redacted()
        )
    }

    fn ping(&self) -> Result<(), DbError> {
        self.internal_rows("SELECT 1").map(|_| ())
    }

    fn tables(&self) -> Result<Vec<Relation>, DbError> {
        let sql = self.dialect().relations(&self.schema_literal());
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(crate::rows::relations(rows))
    }

    fn catalogue_tables(&self) -> Result<Vec<String>, DbError> {
        let (_, rows) = self.internal_rows(self.dialect().catalogue_relations())?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let table = crate::load::literal(self.sql, table);
        let sql = self.dialect().columns(&self.schema_literal(), &table);
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows
            .into_iter()
            .map(|r| ColumnInfo {
                name: text_at(&r, 0),
                declared: declared_type(
                    self.address.engine,
                    &text_at(&r, 1),
                    u32_at(&r, 2),
                    u32_at(&r, 3),
                    u32_at(&r, 4),
                ),
            })
            .collect())
    }

    fn row_count(&self, table: &str) -> Result<u64, DbError> {
        let sql = format!(
            "SELECT {} FROM {}",
            self.dialect().count(),
            self.qualified(table)
        );
        let (_, rows) = self.internal_rows(&sql)?;
        rows.first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DbError::Internal {
                sql,
                detail: said!("db-no-count"),
            })
    }

    fn table_text(&self, table: &str, max_rows: usize) -> Result<QueryResult, DbError> {
        let columns = self.columns(table)?;
        let list = columns
            .iter()
            .map(|c| self.quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let limit = if max_rows == usize::MAX {
            String::new()
        } else {
            format!(" LIMIT {}", max_rows + 1)
        };
        let sql = format!("SELECT {list} FROM {}{limit}", self.qualified(table));
        let started = Instant::now();
        let ((_, rows), truncated) = self.internal_capped(&sql, max_rows)?;
        let names = columns.into_iter().map(|c| c.name).collect();
        Ok(QueryResult {
            columns: crate::rows::columns_from_rows(names, rows)?,
            truncated,
            elapsed: started.elapsed(),
        })
    }

    fn candidate_query(&self, query: Query<'_>, max_rows: usize) -> Result<QueryResult, DbError> {
        let sql = query.sql()?;
        let shapes = crate::sql_text::shapes(sql, self.sql);
        let Some(body) = shapes.into_iter().next() else {
            return Err(DbError::Query {
                detail: said!("db-query-none"),
            });
        };
        let started = Instant::now();
        match self.run_candidate(body, max_rows) {
            Ok((names, mut rows)) => {
                let truncated = rows.len() > max_rows;
                rows.truncate(max_rows);
                Ok(QueryResult {
                    columns: crate::rows::columns_from_rows(names, rows)?,
                    truncated,
                    elapsed: started.elapsed(),
                })
            }
            Err(Fault::Sql(error)) if refusal(&error).is_some() => Err(DbError::Query {
                detail: match refusal(&error) {
                    Some(Refusal::NotAQuery) => said!("db-query-no-rows"),
                    _ => said!("db-query-several"),
                },
            }),
            Err(fault) => Err(self.query_fault(fault, self.timeout)),
        }
    }

    /// One round trip on the grader's connection: the statement alone (the grader's own
    /// queries are known to read only), every row streamed to the end without decoding any.
    fn time_query(&self, query: Query<'_>) -> Result<Duration, DbError> {
        let sql = query.sql()?;
        let text = sql.to_owned();
        let started = Instant::now();
        self.on(false, self.internal_limit, move |conn| {
            Box::pin(async move {
                match conn {
                    Conn::Pg(c) => fetch_text::<sqlx::Postgres>(c, &text, 0).await,
                    Conn::My(c) => fetch_text::<sqlx::MySql>(c, &text, 0).await,
                }
            })
        })
        .map_err(|fault| self.query_fault(fault, self.internal_limit))?;
        Ok(started.elapsed())
    }

    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError> {
        let dialect = self.dialect();
        let sql = dialect.indexes(
            &self.schema_literal(),
            &crate::load::literal(self.sql, table),
        );
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows
            .iter()
            .map(|r| super::dialect::index_info(dialect, r))
            .collect())
    }

    fn explain(&self, query: Query<'_>) -> Result<String, DbError> {
        let sql = query.sql()?;
        let body = crate::sql_text::without_trailing(sql, self.sql);
        let explain = format!("EXPLAIN {body}");
        let text = explain.clone();
        let ((names, rows), _) = self
            .on(false, self.internal_limit, move |conn| {
                Box::pin(async move {
                    match conn {
                        Conn::Pg(c) => fetch_text::<sqlx::Postgres>(c, &text, usize::MAX).await,
                        Conn::My(c) => fetch_text::<sqlx::MySql>(c, &text, usize::MAX).await,
                    }
                })
            })
            .map_err(|fault| self.query_fault(fault, self.internal_limit))?;
        Ok(self.dialect().plan_text(&names, rows))
    }
}
