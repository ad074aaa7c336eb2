//! DuckDB, embedded: the database is one file in the workspace. Grading opens it read-only,
//! so nothing the candidate built can be changed by epreuve.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use duckdb::{AccessMode, Config, Connection};
use polars::prelude::DataFrame;

use crate::backend::index_columns;
use crate::error::first_line;
use crate::frame::{text_at, u32_at};
use crate::{
    Backend, Capabilities, ColumnInfo, DbError, DeclaredType, Engine, IndexInfo, QueryResult,
};

/// Column names and rows of text.
type TextRows = (Vec<String>, Vec<Vec<Option<String>>>);

/// A DuckDB database file.
pub struct DuckDb {
    path: PathBuf,
    conn: Connection,
    timeout: Duration,
}

impl std::fmt::Debug for DuckDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DuckDb").field("path", &self.path).finish()
    }
}

impl DuckDb {
    /// Creates the database file (or opens it when it exists) for reading and writing.
    pub fn create(path: &Path) -> Result<Self, DbError> {
        Self::open_with(path, AccessMode::ReadWrite)
    }

    /// Opens an existing database file read-only, as the grader does.
    pub fn open_read_only(path: &Path) -> Result<Self, DbError> {
        if !path.is_file() {
            return Err(DbError::Missing {
                path: path.to_path_buf(),
            });
        }
        Self::open_with(path, AccessMode::ReadOnly)
    }

    /// A database in memory, gone when dropped: the grader's ground truth.
    pub fn in_memory() -> Result<Self, DbError> {
        let unavailable = |e: duckdb::Error| DbError::Unavailable {
            target: "DuckDB in memory".into(),
            detail: first_line(&e.to_string()),
        };
        let config = Config::default()
            .enable_autoload_extension(false)
            .map_err(unavailable)?;
        let conn = Connection::open_in_memory_with_flags(config).map_err(unavailable)?;
        Ok(Self {
            path: PathBuf::from(":memory:"),
            conn,
            timeout: Duration::from_secs(300),
        })
    }

    /// Sets how long a candidate's query may run.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn open_with(path: &Path, mode: AccessMode) -> Result<Self, DbError> {
        let unavailable = |detail: String| DbError::Unavailable {
            target: path.display().to_string(),
            detail,
        };
        let config = Config::default()
            .access_mode(mode)
            .and_then(|c| c.enable_autoload_extension(false))
            .map_err(|e| unavailable(e.to_string()))?;
        let conn = Connection::open_with_flags(path, config).map_err(|e| {
            let detail = e.to_string();
            if detail.contains("lock") {
                DbError::Locked {
                    path: path.to_path_buf(),
                    detail: first_line(&detail),
                }
            } else {
                unavailable(first_line(&detail))
            }
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            conn,
            timeout: Duration::from_secs(30),
        })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs an internal query and returns its rows as text.
    fn internal_rows(&self, sql: &str) -> Result<TextRows, DbError> {
        self.rows(sql, usize::MAX)
            .map(|(rows, _)| rows)
            .map_err(|e| DbError::Internal {
                sql: sql.to_owned(),
                detail: first_line(&e.to_string()),
            })
    }

    /// Runs `sql`, whose columns must all be text, fetching at most `max_rows` rows.
    fn rows(&self, sql: &str, max_rows: usize) -> Result<(TextRows, bool), duckdb::Error> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let names = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        let mut out = Vec::new();
        let mut truncated = false;
        while let Some(row) = rows.next()? {
            if out.len() == max_rows {
                truncated = true;
                break;
            }
            let cells = (0..names.len())
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(cells);
        }
        Ok(((names, out), truncated))
    }
}

impl Backend for DuckDb {
    fn engine(&self) -> Engine {
        Engine::DuckDb
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            keeps_text_length: false,
        }
    }

    fn describe(&self) -> String {
        format!("DuckDB file {}", self.path.display())
    }

    fn ping(&self) -> Result<(), DbError> {
        self.internal_rows("SELECT '1'").map(|_| ())
    }

    fn tables(&self) -> Result<Vec<String>, DbError> {
        let (_, rows) = self.internal_rows(
            "SELECT table_name FROM duckdb_tables() \
             WHERE NOT internal AND schema_name = 'main' AND database_name = current_database() \
             UNION ALL SELECT view_name FROM duckdb_views() \
             WHERE NOT internal AND schema_name = 'main' AND database_name = current_database() \
             ORDER BY 1",
        )?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn catalogue_tables(&self) -> Result<Vec<String>, DbError> {
        let (_, rows) = self.internal_rows(
            "SELECT table_name FROM information_schema.tables \
             UNION ALL SELECT table_name FROM duckdb_tables() \
             UNION ALL SELECT view_name FROM duckdb_views()",
        )?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let sql = format!(
            "SELECT column_name, data_type, CAST(numeric_precision AS VARCHAR), \
             CAST(numeric_scale AS VARCHAR), CAST(character_maximum_length AS VARCHAR) \
             FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database() \
             AND lower(table_name) = lower('{}') ORDER BY column_index",
            table.replace('\'', "''")
        );
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let data_type = text_at(&r, 1);
                let decimal = data_type
                    .to_uppercase()
                    .starts_with("DECIMAL")
                    .then(|| u32_at(&r, 2).zip(u32_at(&r, 3)))
                    .flatten();
                ColumnInfo {
                    name: text_at(&r, 0),
                    declared: DeclaredType::parse(&data_type, u32_at(&r, 4), decimal),
                }
            })
            .collect())
    }

    fn row_count(&self, table: &str) -> Result<u64, DbError> {
        let sql = format!("SELECT CAST(COUNT(*) AS VARCHAR) FROM {}", quote(table));
        let (_, rows) = self.internal_rows(&sql)?;
        let count = rows.first().and_then(|r| r.first().cloned().flatten());
        count
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DbError::Internal {
                sql,
                detail: "no count returned".into(),
            })
    }

    fn table_text(&self, table: &str) -> Result<DataFrame, DbError> {
        let sql = format!("SELECT COLUMNS(*)::VARCHAR FROM {}", quote(table));
        let (names, rows) = self.internal_rows(&sql)?;
        crate::frame::text_frame(names, rows)
    }

    fn candidate_query(&self, sql: &str, max_rows: usize) -> Result<QueryResult, DbError> {
        let body = crate::sql_text::reading_statement(sql)?;
        let wrapped =
            format!("SELECT COLUMNS(*)::VARCHAR FROM (\n{body}\n) AS epreuve_candidate_query");
        let (done, watchdog) = mpsc::channel::<()>();
        let handle = self.conn.interrupt_handle();
        let timeout = self.timeout;
        // The query ending drops `done`, which wakes the watchdog with `Disconnected`: only a
        // real timeout interrupts the connection.
        let guard = std::thread::spawn(move || {
            let expired = matches!(
                watchdog.recv_timeout(timeout),
                Err(mpsc::RecvTimeoutError::Timeout)
            );
            if expired {
                handle.interrupt();
            }
            expired
        });
        let started = std::time::Instant::now();
        let result = self.rows(&wrapped, max_rows);
        let elapsed = started.elapsed();
        drop(done);
        let expired = guard.join().unwrap_or(false);
        match result {
            Ok(((names, rows), truncated)) => Ok(QueryResult {
                frame: crate::frame::text_frame(names, rows)?,
                truncated,
                elapsed,
            }),
            Err(_) if expired => Err(DbError::Timeout {
                seconds: timeout.as_secs(),
            }),
            Err(e) => Err(DbError::Query {
                detail: candidate_message(&e.to_string()),
            }),
        }
    }

    /// The statement as it is, rows drained without conversion: no wrapping query, no
    /// watchdog thread, whose cost would weigh on a lookup that takes a tenth of a millisecond.
    fn time_query(&self, sql: &str) -> Result<std::time::Duration, DbError> {
        let body = crate::sql_text::reading_statement(sql)?;
        let failed = |e: duckdb::Error| DbError::Query {
            detail: candidate_message(&e.to_string()),
        };
        let started = std::time::Instant::now();
        let mut stmt = self.conn.prepare(&body).map_err(failed)?;
        let mut rows = stmt.query([]).map_err(failed)?;
        while rows.next().map_err(failed)?.is_some() {}
        Ok(started.elapsed())
    }

    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError> {
        let sql = format!(
            "SELECT index_name, sql, CAST(is_unique AS VARCHAR) FROM duckdb_indexes() \
             WHERE database_name = current_database() AND lower(table_name) = lower('{}') \
             ORDER BY index_name",
            table.replace('\'', "''")
        );
        let (_, rows) = self.internal_rows(&sql)?;
        Ok(rows
            .into_iter()
            .map(|r| IndexInfo {
                name: text_at(&r, 0),
                columns: index_columns(&text_at(&r, 1)),
                unique: text_at(&r, 2) == "true",
            })
            .collect())
    }

    /// DuckDB decides on an index scan when the scan starts, not when it plans, so a plain
    /// `EXPLAIN` always says "Sequential Scan": the plan is read from `EXPLAIN ANALYZE`, which
    /// runs the query (reading only).
    fn explain(&self, sql: &str) -> Result<String, DbError> {
        let body = crate::sql_text::reading_statement(sql)?;
        let (_, rows) = self
            .rows(&format!("EXPLAIN ANALYZE {body}"), usize::MAX)
            .map(|(rows, _)| rows)
            .map_err(|e| DbError::Query {
                detail: candidate_message(&e.to_string()),
            })?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().last().flatten())
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// One appender per 50,000 rows: with one per 500, DuckDB spent most of a million-line
    /// preload scanning and compressing strings again at each flush (13.4 s, now 6.6 s).
    fn rows_per_insert(&self) -> usize {
        50_000
    }

    /// The appender: values are cast from text to each column's type, hundreds of times
    /// faster than parsing `INSERT … VALUES`.
    fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        _booleans: &[bool],
        rows: &[Vec<Option<String>>],
    ) -> Result<(), DbError> {
        let failed = |e: duckdb::Error| DbError::Query {
            detail: first_line(&e.to_string()),
        };
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        let mut appender = self
            .conn
            .appender_with_columns(table, &names)
            .map_err(failed)?;
        for row in rows {
            appender
                .append_row(duckdb::appender_params_from_iter(row))
                .map_err(failed)?;
        }
        appender.flush().map_err(failed)
    }

    fn execute(&self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(|e| DbError::Query {
            detail: first_line(&e.to_string()),
        })
    }
}

fn quote(name: &str) -> String {
    crate::load::quote_ident(Engine::DuckDb, name)
}

/// The engine's message without the wrapping epreuve added around the candidate's query.
fn candidate_message(text: &str) -> String {
    let text = text.replace("epreuve_candidate_query", "query");
    if text.contains("read-only") || text.contains("read only") {
        return "the query tries to change the database; only SELECT queries are accepted here"
            .into();
    }
    first_line(&text)
}
