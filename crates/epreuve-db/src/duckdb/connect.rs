//! Opening a DuckDB file (or memory) in the mode each use needs, and running queries on it
//! with a deadline and a row cap.

use crate::rows::NamedRows;
use epreuve_data::TextRow;
use epreuve_i18n::{Said, said};
use std::path::{Path, PathBuf};
use std::time::Duration;

use duckdb::arrow::array::{Array, AsArray};
use duckdb::arrow::datatypes::DataType;
use duckdb::{AccessMode, Config, Connection};

use crate::DbError;
use crate::error::first_line;
use crate::watchdog::Watchdog;

/// How long a query of epreuve's own may run on a candidate's database: reading a million
/// rows takes a few seconds; a view over a huge range is stopped.
const INTERNAL_LIMIT: Duration = Duration::from_secs(120);
/// Memory a grading connection may use: enough for a million-line table, bounded against a
/// query that would use the assessor's whole machine.
const GRADING_MEMORY: &str = "4GB";

/// A DuckDB database: a file, or memory.
pub struct DuckDb {
    pub(super) path: PathBuf,
    pub(super) conn: Connection,
    /// The catalog name of the database (`base` for `base.duckdb`), read once at opening.
    pub(super) catalog: String,
    /// How long a candidate's query may run.
    pub(super) timeout: Duration,
    /// How long a query of epreuve's own may run.
    internal_limit: Duration,
    watchdog: Watchdog,
    /// True for a database epreuve opened to write (`create`), which may read the files
    /// epreuve writes for loading; never for grading.
    pub(super) loads_files: bool,
}

impl std::fmt::Debug for DuckDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DuckDb").field("path", &self.path).finish()
    }
}

/// The settings every database epreuve opens carries: no extension fetched or loaded behind
/// its back.
fn base_config() -> Result<Config, duckdb::Error> {
    Config::default()
        .enable_autoload_extension(false)?
        .with("autoinstall_known_extensions", "false")?
        .with("allow_community_extensions", "false")
}

/// The sandbox of every connection grading opens on a candidate's database: no file but the
/// database itself, no network, no ATTACH, no COPY, no extension, and the configuration
/// locked so that a query cannot undo any of it.
/// The storage format of the databases epreuve creates: the oldest DuckDB that candidates
/// still install (1.4 LTS) reads it, and so does every later one.
pub const STORAGE_VERSION: &str = "v1.4.0";

fn sandbox(config: Config) -> Result<Config, duckdb::Error> {
    config
        .enable_external_access(false)?
        .max_memory(GRADING_MEMORY)?
        .with("lock_configuration", "true")
}

impl DuckDb {
    /// Creates the database file (or opens it when it exists) for reading and writing: the
    /// candidate's database at `start`, a shipped solution applied by `demo`.
    ///
    /// A new file is written in the storage format of DuckDB 1.4 (see [`STORAGE_VERSION`]), so
    /// that the DuckDB tools candidates install (the 1.4 LTS and 1.5 command lines, Python
    /// packages, DBeaver's driver) open it; an existing file keeps the format it has.
    pub fn create(path: &Path) -> Result<Self, DbError> {
        let config = base_config()
            .and_then(|c| c.access_mode(AccessMode::ReadWrite))
            .and_then(|c| c.with("storage_compatibility_version", STORAGE_VERSION))
            .map_err(|e| unavailable(path, &e))?;
        let mut db = Self::open_with(path, config)?;
        db.loads_files = true;
        Ok(db)
    }

    /// Opens an existing database file for grading and evidence: read-only, in the sandbox
    /// (see the module's documentation).
    pub fn open_read_only(path: &Path) -> Result<Self, DbError> {
        if !path.is_file() {
            return Err(DbError::Missing {
                path: path.to_path_buf(),
            });
        }
        let config = base_config()
            .and_then(|c| c.access_mode(AccessMode::ReadOnly))
            .and_then(sandbox)
            .map_err(|e| unavailable(path, &e))?;
        Self::open_with(path, config)
    }

    /// A database in memory, gone when dropped: the grader's ground truth. It reaches no
    /// file either; the grader fills it through the appender.
    pub fn in_memory() -> Result<Self, DbError> {
        let memory = Path::new(":memory:");
        let config = base_config()
            .and_then(|c| c.enable_external_access(false))
            .map_err(|e| unavailable(memory, &e))?;
        let conn =
            Connection::open_in_memory_with_flags(config).map_err(|e| unavailable(memory, &e))?;
        Self::from_connection(memory, conn, Duration::from_secs(300))
    }

    fn open_with(path: &Path, config: Config) -> Result<Self, DbError> {
        let conn = Connection::open_with_flags(path, config).map_err(|e| {
            let detail = e.to_string();
            if detail.contains("lock") {
                DbError::Locked {
                    path: path.to_path_buf(),
                    detail: first_line(&detail),
                }
            } else {
                unavailable(path, &e)
            }
        })?;
        Self::from_connection(path, conn, Duration::from_secs(30))
    }

    fn from_connection(path: &Path, conn: Connection, timeout: Duration) -> Result<Self, DbError> {
        let mut db = Self {
            path: path.to_path_buf(),
            conn,
            catalog: String::new(),
            timeout,
            internal_limit: INTERNAL_LIMIT,
            watchdog: Watchdog::new(),
            loads_files: false,
        };
        let (_, rows) = db.internal_rows("SELECT system.main.current_database()")?;
        db.catalog = rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .unwrap_or_else(|| "memory".into());
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

    /// How long a query of epreuve's own may run.
    pub(super) fn internal_limit(&self) -> Duration {
        self.internal_limit
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `"catalog"."main"."name"`: a relation of the database itself, whatever a search path
    /// or a temporary object would make of the bare name.
    pub(super) fn qualified(&self, name: &str) -> String {
        format!(
            "{}.main.{}",
            crate::quote_ident(crate::SqlEngine::DuckDb, &self.catalog),
            crate::quote_ident(crate::SqlEngine::DuckDb, name)
        )
    }

    /// Runs a query of epreuve's own and returns its rows as text; its failure means the
    /// database cannot be graded.
    pub(super) fn internal_rows(&self, sql: &str) -> Result<NamedRows, DbError> {
        self.internal_capped(sql, usize::MAX).map(|(rows, _)| rows)
    }

    /// The same with a row cap, saying when more rows were there.
    pub(super) fn internal_capped(
        &self,
        sql: &str,
        max_rows: usize,
    ) -> Result<(NamedRows, bool), DbError> {
        self.stream(&self.conn, sql, max_rows, self.internal_limit)
            .map_err(|failure| self.internal_failure(sql, failure))
    }

    /// Runs `sql` on the grader's connection under its internal limit and hands every cell,
    /// as text, to `sink` without keeping it (see [`crate::Backend::scan_text`]).
    pub(super) fn scan_internal(
        &self,
        sql: &str,
        max_rows: usize,
        sink: &mut dyn crate::TextSink,
    ) -> Result<(usize, bool), DbError> {
        self.scan(&self.conn, sql, max_rows, self.internal_limit, sink)
            .map_err(|failure| self.internal_failure(sql, failure))
    }

    /// What a failure of one of epreuve's own queries says.
    fn internal_failure(&self, sql: &str, failure: Failure) -> DbError {
        DbError::Internal {
            sql: sql.to_owned(),
            detail: match failure {
                Failure::Expired => said!(
                    "db-internal-stopped",
                    seconds = self.internal_limit.as_secs_f64().to_string()
                ),
                Failure::Engine(e) => Said::verbatim(first_line(&e.to_string())),
            },
        }
    }

    /// Runs `sql` on `conn` (whose columns must all be text), streaming at most `max_rows`
    /// rows: the query stops once they are read, so a huge result never sits in memory.
    pub(super) fn stream(
        &self,
        conn: &Connection,
        sql: &str,
        max_rows: usize,
        limit: Duration,
    ) -> Result<(NamedRows, bool), Failure> {
        let mut kept = Kept::default();
        let (rows, truncated) = self.scan(conn, sql, max_rows, limit, &mut kept)?;
        let rows = (0..rows)
            .map(|r| kept.columns.iter_mut().map(|c| c[r].take()).collect())
            .collect();
        Ok(((kept.names, rows), truncated))
    }

    /// Runs `sql` on `conn` under `limit`, handing at most `max_rows` rows to `sink`, every
    /// cell as text (a column that is not text is cast), batch by batch as the engine
    /// streams them: the query stops once they are read.
    fn scan(
        &self,
        conn: &Connection,
        sql: &str,
        max_rows: usize,
        limit: Duration,
        sink: &mut dyn crate::TextSink,
    ) -> Result<(usize, bool), Failure> {
        let armed = self.watchdog.arm(conn.interrupt_handle(), limit);
        let result = (|| {
            let mut stmt = conn.prepare(sql)?;
            let schema = stmt.stream_arrow([])?.get_schema();
            let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
            sink.names(&names);
            let mut rows = 0usize;
            let mut truncated = false;
            // Chunk by chunk through `step`, which returns DuckDB's error (an interrupted
            // query above all), where the crate's iterator would panic on it.
            while let Some(chunk) = stmt.step()? {
                let batch = duckdb::arrow::record_batch::RecordBatch::from(&chunk);
                let take = batch.num_rows().min(max_rows - rows);
                truncated = take < batch.num_rows();
                for (c, column) in batch.columns().iter().enumerate() {
                    let cast;
                    let column = match column.data_type() {
                        DataType::Utf8 => column.as_ref(),
                        _ => {
                            cast = duckdb::arrow::compute::cast(column, &DataType::Utf8)
                                .map_err(|e| duckdb::Error::ToSqlConversionFailure(Box::new(e)))?;
                            cast.as_ref()
                        }
                    };
                    let strings = column.as_string::<i32>();
                    for r in 0..take {
                        sink.cell(c, (!strings.is_null(r)).then(|| strings.value(r)));
                    }
                }
                rows += take;
                if truncated {
                    break;
                }
            }
            Ok::<_, duckdb::Error>((rows, truncated))
        })();
        match result {
            Ok(done) => Ok(done),
            Err(_) if armed.fired() => Err(Failure::Expired),
            Err(e) => Err(Failure::Engine(e)),
        }
    }

    /// Runs `sql` on `conn` and drains its rows without converting them, under `limit`.
    pub(super) fn drain(
        &self,
        conn: &Connection,
        sql: &str,
        limit: Duration,
    ) -> Result<Duration, Failure> {
        let armed = self.watchdog.arm(conn.interrupt_handle(), limit);
        let started = std::time::Instant::now();
        let result = (|| {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while rows.next()?.is_some() {}
            Ok::<_, duckdb::Error>(())
        })();
        let elapsed = started.elapsed();
        match result {
            Ok(()) => Ok(elapsed),
            Err(_) if armed.fired() => Err(Failure::Expired),
            Err(e) => Err(Failure::Engine(e)),
        }
    }

    /// A new connection to the same database, with the same sandbox, and no temporary
    /// object of any other connection: where each candidate query runs.
    pub(super) fn fresh_connection(&self) -> Result<Connection, DbError> {
        self.conn.try_clone().map_err(|e| {
            DbError::unavailable(self.path.display().to_string(), first_line(&e.to_string()))
        })
    }

    /// How many statements DuckDB's own parser finds in `sql`, all SELECTs, or why it
    /// refuses them: the engine, never a lexer of ours, decides what a candidate's file holds.
    pub(super) fn select_statements(&self, sql: &str) -> Result<usize, DbError> {
        let armed = self
            .watchdog
            .arm(self.conn.interrupt_handle(), self.internal_limit);
        let parsed: Result<String, duckdb::Error> = self
            .conn
            .prepare("SELECT system.main.json_serialize_sql(?::VARCHAR)")
            .and_then(|mut stmt| stmt.query_row([sql], |row| row.get::<_, String>(0)));
        let parsed = match parsed {
            Ok(json) => json,
            Err(_) if armed.fired() => {
                return Err(DbError::Query {
                    detail: said!("db-duckdb-parse-late"),
                });
            }
            Err(e) => {
                return Err(DbError::internal(
                    "json_serialize_sql(…)",
                    first_line(&e.to_string()),
                ));
            }
        };
        drop(armed);
        let value: serde_json::Value = serde_json::from_str(&parsed)
            .map_err(|e| DbError::internal("json_serialize_sql(…)", e.to_string()))?;
        if value["error"].as_bool() == Some(true) {
            let message = value["error_message"].as_str().unwrap_or("");
            if message.contains("Only SELECT statements") {
                return Err(DbError::Query {
                    detail: said!("db-query-not-select"),
                });
            }
            return Err(DbError::query(first_line(message)));
        }
        Ok(value["statements"].as_array().map_or(0, Vec::len))
    }
}

/// Why a query of ours did not finish.
pub(super) enum Failure {
    /// Its deadline passed and it was interrupted.
    Expired,
    /// The engine refused or failed it.
    Engine(duckdb::Error),
}

/// The cells of a result kept, column by column, for [`DuckDb::stream`].
#[derive(Default)]
struct Kept {
    names: Vec<String>,
    columns: Vec<TextRow>,
}

impl crate::TextSink for Kept {
    fn names(&mut self, names: &[String]) {
        self.names = names.to_vec();
        self.columns = vec![Vec::new(); names.len()];
    }

    fn cell(&mut self, column: usize, value: Option<&str>) {
        self.columns[column].push(value.map(str::to_owned));
    }
}

fn unavailable(path: &Path, error: &duckdb::Error) -> DbError {
    let detail = first_line(&error.to_string());
    // DuckDB's words for a file whose storage version it does not know yet.
    if detail.contains("database file with version number") {
        return DbError::NewerFormat {
            path: path.to_path_buf(),
            detail,
        };
    }
    DbError::unavailable(path.display().to_string(), first_line(&error.to_string()))
}
