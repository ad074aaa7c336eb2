//! Database servers reached over the network, through sqlx: PostgreSQL and MySQL/MariaDB.
//!
//! Both are driven the same way. Every query goes through the text protocol (`raw_sql`), so
//! values come back exactly as the engine spells them; the candidate's query runs inside a
//! read-only transaction with a statement timeout, and no more rows than the cap are kept.
//! The [`Backend`] trait is synchronous: each server backend owns a small tokio runtime.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Column, Connection, Executor, MySqlConnection, PgConnection, Row};

use crate::backend::index_columns;
use crate::error::first_line;
use crate::frame::{text_at, u32_at};
use crate::{
    Backend, Capabilities, ColumnInfo, DbError, DeclaredType, Engine, IndexInfo, QueryResult,
};

/// Column names and rows of text.
type TextRows = (Vec<String>, Vec<Vec<Option<String>>>);

/// Where a server database is and how to log in. The password is kept so that epreuve can
/// reconnect; it is never printed by [`ServerDb::describe`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerAddress {
    /// PostgreSQL or MariaDB.
    pub engine: Engine,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Database name.
    pub database: String,
}

impl ServerAddress {
    /// `postgres://user:password@host:port/database` (or `mysql://…`), for drivers.
    pub fn url(&self) -> String {
        format!(
            "{}://{}:{}@{}:{}/{}",
            self.scheme(),
            encode(&self.user),
            encode(&self.password),
            self.host,
            self.port,
            encode(&self.database)
        )
    }

    /// The same address with the password hidden, for people and logs.
    pub fn redacted(&self) -> String {
        format!(
            "{}://{}:***@{}:{}/{}",
            self.scheme(),
            self.user,
            self.host,
            self.port,
            self.database
        )
    }

    fn scheme(&self) -> &'static str {
        match self.engine {
            Engine::MariaDb => "mysql",
            _ => "postgres",
        }
    }

    /// Reads `postgres://user:password@host:port/db` or `mysql://…` (also `postgresql://`,
    /// `mariadb://`). The database may be absent.
    pub fn parse(url: &str) -> Result<Self, String> {
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("`{url}` is not a URL like postgres://user:password@host:5432/db")
        })?;
        let engine = match scheme {
            "postgres" | "postgresql" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::MariaDb,
            other => {
                return Err(format!(
                    "`{other}://` is not a server epreuve knows; use postgres:// or mysql://"
                ));
            }
        };
        let (credentials, location) = rest
            .rsplit_once('@')
            .ok_or_else(|| format!("`{}` gives no user (user:password@host)", redact(url)))?;
        let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
        let (host_port, database) = location.split_once('/').unwrap_or((location, ""));
        let database = database.split('?').next().unwrap_or("");
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| format!("`{port}` is not a port number in `{}`", redact(url)))?,
            ),
            None => (host_port, engine.default_port()),
        };
        if host.is_empty() || user.is_empty() {
            return Err(format!("`{}` needs a user and a host", redact(url)));
        }
        Ok(Self {
            engine,
            host: host.to_owned(),
            port,
            user: decode(user),
            password: decode(password),
            database: decode(database),
        })
    }
}

/// A URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            let credentials = &url[start + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
}

/// A PostgreSQL or MariaDB database.
pub struct ServerDb {
    address: ServerAddress,
    runtime: tokio::runtime::Runtime,
    conn: Mutex<Conn>,
    timeout: Duration,
}

impl std::fmt::Debug for ServerDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerDb")
            .field("address", &self.address.redacted())
            .finish()
    }
}

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl ServerDb {
    /// Connects to the database at `address`.
    pub fn connect(address: &ServerAddress) -> Result<Self, DbError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbError::Unavailable {
                target: address.redacted(),
                detail: e.to_string(),
            })?;
        let url = address.url();
        let conn = runtime
            .block_on(async {
                tokio::time::timeout(CONNECT_TIMEOUT, async {
                    match address.engine {
                        Engine::MariaDb => MySqlConnection::connect(&url).await.map(Conn::My),
                        _ => PgConnection::connect(&url).await.map(Conn::Pg),
                    }
                })
                .await
            })
            .map_err(|_| DbError::Unavailable {
                target: address.redacted(),
                detail: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            })?
            .map_err(|e| DbError::Unavailable {
                target: address.redacted(),
                detail: first_line(&e.to_string()),
            })?;
        Ok(Self {
            address: address.clone(),
            runtime,
            conn: Mutex::new(conn),
            timeout: Duration::from_secs(30),
        })
    }

    /// Sets how long a candidate's query may run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The address this backend talks to.
    pub fn address(&self) -> &ServerAddress {
        &self.address
    }

    /// Runs `sql` (one or more statements) and returns the rows of text of the last result,
    /// at most `max_rows` of them, and whether more were there.
    fn rows(&self, sql: &str, max_rows: usize) -> Result<(TextRows, bool), sqlx::Error> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let conn = &mut *guard;
        self.runtime.block_on(async {
            match conn {
                Conn::Pg(c) => fetch_text::<sqlx::Postgres>(c, sql, max_rows).await,
                Conn::My(c) => fetch_text::<sqlx::MySql>(c, sql, max_rows).await,
            }
        })
    }

    fn run(&self, sql: &str) -> Result<(), sqlx::Error> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let conn = &mut *guard;
        let sql = AssertSqlSafe(sql.to_owned());
        self.runtime.block_on(async {
            match conn {
                Conn::Pg(c) => c.execute(sqlx::raw_sql(sql)).await.map(|_| ()),
                Conn::My(c) => c.execute(sqlx::raw_sql(sql)).await.map(|_| ()),
            }
        })
    }

    fn internal_rows(&self, sql: &str) -> Result<TextRows, DbError> {
        self.rows(sql, usize::MAX)
            .map(|(rows, _)| rows)
            .map_err(|e| self.internal(sql, &e))
    }

    /// A failure of SQL epreuve sent on the candidate's behalf: the server gone is the
    /// infrastructure's fault, anything else is the SQL's, told in the engine's words.
    fn failure(&self, error: &sqlx::Error) -> DbError {
        if is_connection_error(error) {
            DbError::Unavailable {
                target: self.address.redacted(),
                detail: first_line(&error.to_string()),
            }
        } else {
            DbError::Query {
                detail: engine_words(error),
            }
        }
    }

    /// A failure of epreuve's own SQL: the database is not in a state to be graded.
    fn internal(&self, sql: &str, error: &sqlx::Error) -> DbError {
        if is_connection_error(error) {
            self.failure(error)
        } else {
            DbError::Internal {
                sql: sql.to_owned(),
                detail: first_line(&error.to_string()),
            }
        }
    }

    fn quote(&self, name: &str) -> String {
        crate::load::quote_ident(self.address.engine, name)
    }

    /// The schema user tables live in: `current_schema()` on PostgreSQL, the database on
    /// MariaDB.
    fn schema_filter(&self) -> &'static str {
        match self.address.engine {
            Engine::MariaDb => "table_schema = DATABASE()",
            _ => "table_schema = current_schema()",
        }
    }

    fn candidate_rows(&self, body: &str, max_rows: usize) -> Result<(TextRows, bool), sqlx::Error> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let conn = &mut *guard;
        let millis = self.timeout.as_millis();
        let seconds = self.timeout.as_secs_f64();
        // The client gives up a little after the server's own limit, for a server that hangs.
        let backstop = self.timeout + Duration::from_secs(5);
        self.runtime.block_on(async {
            let work = async {
                match conn {
                    Conn::Pg(c) => {
                        c.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                            "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = {millis}"
                        ))))
                        .await?;
                        let result = fetch_text::<sqlx::Postgres>(c, body, max_rows).await;
                        let end = c.execute(sqlx::raw_sql("ROLLBACK")).await;
                        let rows = result?;
                        end?;
                        Ok(rows)
                    }
                    Conn::My(c) => {
                        c.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                            "SET SESSION max_statement_time = {seconds}"
                        ))))
                        .await?;
                        c.execute(sqlx::raw_sql("START TRANSACTION READ ONLY"))
                            .await?;
                        let result = fetch_text::<sqlx::MySql>(c, body, max_rows).await;
                        let end = c.execute(sqlx::raw_sql("ROLLBACK")).await;
                        let rows = result?;
                        end?;
                        Ok(rows)
                    }
                }
            };
            match tokio::time::timeout(backstop, work).await {
                Ok(result) => result,
                Err(_) => Err(sqlx::Error::PoolTimedOut),
            }
        })
    }
}

/// Rows of text of the last statement in `sql`, through the text protocol.
async fn fetch_text<DB>(
    conn: &mut DB::Connection,
    sql: &str,
    max_rows: usize,
) -> Result<(TextRows, bool), sqlx::Error>
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
                sqlx::Either::Left(_) => {
                    // A statement ended: only the last result set is kept.
                    continue;
                }
                sqlx::Either::Right(row) => row,
            };
            if names.is_empty() {
                names = row.columns().iter().map(|c| c.name().to_owned()).collect();
            }
            if out.len() == max_rows {
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

/// The engine's own message, without the driver's prefix and the lines below the first.
fn engine_words(error: &sqlx::Error) -> String {
    first_line(
        &error
            .to_string()
            .replace("error returned from database: ", ""),
    )
}

fn is_connection_error(error: &sqlx::Error) -> bool {
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

impl Backend for ServerDb {
    fn engine(&self) -> Engine {
        self.address.engine
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            keeps_text_length: true,
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

    fn tables(&self) -> Result<Vec<String>, DbError> {
        let sql = format!(
            "SELECT table_name FROM information_schema.tables WHERE {} ORDER BY 1",
            self.schema_filter()
        );
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn catalogue_tables(&self) -> Result<Vec<String>, DbError> {
        let (_, rows) = self.internal_rows("SELECT table_name FROM information_schema.tables")?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let type_column = match self.address.engine {
            // `tinyint(1)`, `decimal(4,2)`, `varchar(30)`: the type as declared.
            Engine::MariaDb => "column_type",
            _ => "data_type",
        };
        let sql = format!(
            "SELECT column_name, {type_column}, CAST(numeric_precision AS CHAR(10)), \
             CAST(numeric_scale AS CHAR(10)), CAST(character_maximum_length AS CHAR(10)) \
             FROM information_schema.columns WHERE {} AND lower(table_name) = lower('{}') \
             ORDER BY ordinal_position",
            self.schema_filter(),
            table.replace('\'', "''")
        );
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
        let sql = format!("SELECT COUNT(*) FROM {}", self.quote(table));
        let (_, rows) = self.internal_rows(&sql)?;
        rows.first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DbError::Internal {
                sql,
                detail: "no count returned".into(),
            })
    }

    fn table_text(&self, table: &str) -> Result<DataFrame, DbError> {
        let columns = self.columns(table)?;
        let list = columns
            .iter()
            .map(|c| self.quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {list} FROM {}", self.quote(table));
        let (_, rows) = self.internal_rows(&sql)?;
        let names = columns.into_iter().map(|c| c.name).collect();
        crate::frame::text_frame(names, rows)
    }

    fn candidate_query(&self, sql: &str, max_rows: usize) -> Result<QueryResult, DbError> {
        let body = crate::sql_text::reading_statement(sql)?;
        let started = Instant::now();
        match self.candidate_rows(&body, max_rows) {
            Ok(((names, rows), truncated)) => Ok(QueryResult {
                frame: crate::frame::text_frame(names, rows)?,
                truncated,
                elapsed: started.elapsed(),
            }),
            Err(sqlx::Error::PoolTimedOut) => Err(DbError::Timeout {
                seconds: self.timeout.as_secs(),
            }),
            Err(e) if is_connection_error(&e) => Err(self.failure(&e)),
            Err(e) => {
                let lower = e.to_string().to_lowercase();
                if lower.contains("statement timeout") || lower.contains("max_statement_time") {
                    Err(DbError::Timeout {
                        seconds: self.timeout.as_secs(),
                    })
                } else if lower.contains("read-only") || lower.contains("read only") {
                    Err(DbError::Query {
                        detail: "the query tries to change the database; only SELECT queries are accepted here".into(),
                    })
                } else {
                    Err(self.failure(&e))
                }
            }
        }
    }

    /// One round trip: the statement alone, outside the read-only transaction that wraps a
    /// candidate's query (the grader's own queries are known to read only). A cap of 0 rows
    /// streams every row to the end without decoding any.
    fn time_query(&self, sql: &str) -> Result<std::time::Duration, DbError> {
        let body = crate::sql_text::reading_statement(sql)?;
        let started = Instant::now();
        self.rows(&body, 0).map_err(|e| self.failure(&e))?;
        Ok(started.elapsed())
    }

    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError> {
        let table = table.replace('\'', "''");
        let sql = match self.address.engine {
            Engine::MariaDb => format!(
                "SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ','), \
                 CASE WHEN MIN(non_unique) = 0 THEN 'true' ELSE 'false' END \
                 FROM information_schema.statistics WHERE table_schema = DATABASE() \
                 AND lower(table_name) = lower('{table}') GROUP BY index_name ORDER BY index_name"
            ),
            _ => format!(
                "SELECT i.indexname, i.indexdef, \
                 CASE WHEN i.indexdef LIKE 'CREATE UNIQUE%' THEN 'true' ELSE 'false' END \
                 FROM pg_indexes i WHERE i.schemaname = current_schema() \
                 AND lower(i.tablename) = lower('{table}') ORDER BY 1"
            ),
        };
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let definition = text_at(&r, 1);
                IndexInfo {
                    name: text_at(&r, 0),
                    columns: match self.address.engine {
                        Engine::MariaDb => definition.split(',').map(str::to_owned).collect(),
                        _ => index_columns(&definition),
                    },
                    unique: text_at(&r, 2) == "true",
                }
            })
            .collect())
    }

    fn explain(&self, sql: &str) -> Result<String, DbError> {
        let body = crate::sql_text::single_statement(sql)?;
        let ((names, rows), _) = self
            .rows(&format!("EXPLAIN {body}"), usize::MAX)
            .map_err(|e| self.failure(&e))?;
        Ok(match self.address.engine {
            // MariaDB's plan is a table: one line per step, `column=value`.
            Engine::MariaDb => rows
                .into_iter()
                .map(|r| {
                    names
                        .iter()
                        .zip(r)
                        .filter_map(|(n, v)| v.map(|v| format!("{n}={v}")))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            _ => rows
                .into_iter()
                .filter_map(|r| r.into_iter().next().flatten())
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }

    fn execute(&self, sql: &str) -> Result<(), DbError> {
        self.run(sql).map_err(|e| self.failure(&e))
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
        rows: &[Vec<Option<String>>],
    ) -> Result<(), DbError> {
        if self.address.engine != Engine::Postgres {
            return self.insert_by_statements(table, columns, booleans, rows);
        }
        let statement = format!(
            "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
            crate::quote_ident(Engine::Postgres, table),
            columns
                .iter()
                .map(|c| crate::quote_ident(Engine::Postgres, c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let data = copy_csv(rows);
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let Conn::Pg(conn) = &mut *guard else {
            return Err(DbError::Query {
                detail: "COPY needs a PostgreSQL connection".into(),
            });
        };
        let copied: Result<u64, sqlx::Error> = self.runtime.block_on(async {
            let mut copy = conn.copy_in_raw(&statement).await?;
            if let Err(error) = copy.send(data.as_bytes()).await {
                let _ = copy.abort(error.to_string()).await;
                return Err(error);
            }
            copy.finish().await
        });
        drop(guard);
        copied.map(|_| ()).map_err(|e| self.failure(&e))
    }
}

/// Rows as PostgreSQL's CSV `COPY` reads them: every value quoted (quotes doubled), a
/// missing value as nothing at all, which `COPY` reads as NULL.
fn copy_csv(rows: &[Vec<Option<String>>]) -> String {
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

/// Sorts a server's spelling of a type into a [`DeclaredType`].
fn declared_type(
    engine: Engine,
    data_type: &str,
    precision: Option<u32>,
    scale: Option<u32>,
    length: Option<u32>,
) -> DeclaredType {
    let lower = data_type.trim().to_lowercase();
    if engine == Engine::MariaDb {
        // BOOLEAN is stored as TINYINT(1); `int(11) unsigned` and the like keep their width.
        if lower == "tinyint(1)" {
            let mut declared = DeclaredType::parse("BOOLEAN", None, None);
            declared.raw = data_type.to_owned();
            return declared;
        }
        let unsigned = lower.contains("unsigned");
        let base = lower.split('(').next().unwrap_or(&lower).trim().to_owned();
        let spelled =
            if unsigned && matches!(base.as_str(), "tinyint" | "smallint" | "int" | "bigint") {
                format!(
                    "U{}",
                    if base == "int" {
                        "INTEGER".into()
                    } else {
                        base.to_uppercase()
                    }
                )
            } else if matches!(base.as_str(), "decimal" | "varchar" | "char") {
                lower.clone()
            } else {
                base.clone()
            };
        let text_length = matches!(base.as_str(), "varchar" | "char")
            .then_some(length)
            .flatten();
        let mut declared = DeclaredType::parse(&spelled, text_length, None);
        if base == "mediumint" {
            declared.bytes = Some(3);
            declared.int_range = Some(if unsigned {
                (0, (1 << 24) - 1)
            } else {
                (-(1 << 23), (1 << 23) - 1)
            });
        }
        if matches!(
            base.as_str(),
            "text" | "tinytext" | "mediumtext" | "longtext"
        ) {
            declared.family = Some(epreuve_data::TypeFamily::Text);
            declared.text_length = None;
        }
        declared.raw = data_type.to_owned();
        return declared;
    }
    // PostgreSQL: `character varying` + length, `numeric` + precision and scale.
    let decimal = (lower == "numeric").then(|| precision.zip(scale)).flatten();
    let mut declared = DeclaredType::parse(&lower, length, decimal);
    declared.raw = match (lower.as_str(), length, decimal) {
        ("character varying" | "character", Some(n), _) => format!("{lower}({n})"),
        ("numeric", _, Some((p, s))) => format!("numeric({p},{s})"),
        _ => lower.clone(),
    };
    declared
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
    use super::*;

    #[test]
    fn urls_round_trip_and_hide_passwords() {
        let a = ServerAddress::parse("postgres://epreuve:p%40ss@127.0.0.1:5433/cand_1").unwrap();
        assert_eq!(
            (a.engine, a.port, a.password.as_str()),
            (Engine::Postgres, 5433, "p@ss")
        );
        assert_eq!(a.url(), "postgres://epreuve:p%40ss@127.0.0.1:5433/cand_1");
        assert_eq!(a.redacted(), "postgres://epreuve:***@127.0.0.1:5433/cand_1");
        let m = ServerAddress::parse("mariadb://root:x@db").unwrap();
        assert_eq!(
            (m.engine, m.port, m.database.as_str()),
            (Engine::MariaDb, 3306, "")
        );
        assert!(
            ServerAddress::parse("oracle://a:b@c")
                .unwrap_err()
                .contains("oracle")
        );
        assert!(
            ServerAddress::parse("postgres://a:b@c:port")
                .unwrap_err()
                .contains("port")
        );
        assert_eq!(redact("mysql://u:secret@h:1/d"), "mysql://u:***@h:1/d");
    }

    #[test]
    fn server_spellings_are_sorted() {
        let b = declared_type(Engine::MariaDb, "tinyint(1)", Some(3), Some(0), None);
        assert_eq!(b.family, Some(epreuve_data::TypeFamily::Boolean));
        let v = declared_type(Engine::MariaDb, "varchar(30)", None, None, Some(30));
        assert_eq!(v.text_length, Some(30));
        let d = declared_type(Engine::MariaDb, "decimal(6,2)", Some(6), Some(2), None);
        assert_eq!(d.decimal, Some((6, 2)));
        let s = declared_type(Engine::MariaDb, "smallint(6)", Some(5), Some(0), None);
        assert_eq!(s.bytes, Some(2));
        let p = declared_type(Engine::Postgres, "numeric", Some(4), Some(2), None);
        assert_eq!((p.decimal, p.raw.as_str()), (Some((4, 2)), "numeric(4,2)"));
        let t = declared_type(Engine::Postgres, "character varying", None, None, Some(9));
        assert_eq!(
            (t.text_length, t.raw.as_str()),
            (Some(9), "character varying(9)")
        );
        assert_eq!(
            declared_type(Engine::Postgres, "text", None, None, None).family,
            Some(epreuve_data::TypeFamily::Text)
        );
    }
}
