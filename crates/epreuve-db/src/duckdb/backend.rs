//! What grading asks of a DuckDB database, and how epreuve writes to one.

use epreuve_data::TextRow;
use epreuve_i18n::said;
use std::time::Duration;

use super::DuckDb;
use super::connect::Failure;
use crate::backend::index_columns;
use crate::error::first_line;
use crate::rows::{text_at, u32_at};
use crate::{
    Backend, Capabilities, ColumnInfo, DbError, DeclaredType, Engine, IndexInfo, Loader, Query,
    QueryResult, Relation, SqlEngine,
};

/// A text as a SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl DuckDb {
    /// The filter naming this database's own objects of schema `main`, never a temporary one.
    fn own(&self) -> String {
        format!(
            "database_name = {} AND schema_name = 'main'",
            literal(&self.catalog)
        )
    }

    /// The candidate's query as it will run: checked by DuckDB's parser to be exactly one
    /// SELECT, then wrapped so that every column comes back as text; the wrapped query is
    /// checked the same way before it runs.
    fn wrapped_candidate_query(&self, sql: &str) -> Result<String, DbError> {
        match self.select_statements(sql)? {
            1 => {}
            0 => {
                return Err(DbError::Query {
                    detail: said!("db-query-none"),
                });
            }
            n => {
                return Err(DbError::Query {
                    detail: said!("db-query-statements", n = n),
                });
            }
        }
        for body in crate::sql_text::shapes(sql, crate::SqlEngine::DuckDb) {
            let wrapped =
                format!("SELECT COLUMNS(*)::VARCHAR FROM (\n{body}\n) AS epreuve_candidate_query");
            if let Ok(1) = self.select_statements(&wrapped) {
                return Ok(wrapped);
            }
        }
        Err(DbError::Query {
            detail: said!("db-query-trailing"),
        })
    }
}

impl Backend for DuckDb {
    fn engine(&self) -> Engine {
        Engine::DuckDb
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            keeps_text_length: false,
            keeps_decimal_precision: true,
        }
    }

    fn describe(&self) -> String {
        format!("DuckDB file {}", self.path.display())
    }

    fn ping(&self) -> Result<(), DbError> {
        self.internal_rows("SELECT '1'").map(|_| ())
    }

    fn tables(&self) -> Result<Vec<Relation>, DbError> {
        let own = self.own();
        let (_, rows) = self.internal_rows(&format!(
            "SELECT table_name, 'table' FROM system.main.duckdb_tables() WHERE NOT internal AND {own} \
             UNION ALL SELECT view_name, 'view' FROM system.main.duckdb_views() WHERE NOT internal AND {own} \
             ORDER BY 1"
        ))?;
        Ok(crate::rows::relations(rows))
    }

    fn catalogue_tables(&self) -> Result<Vec<String>, DbError> {
        let (_, rows) = self.internal_rows(
            "SELECT table_name FROM system.information_schema.tables \
             UNION ALL SELECT table_name FROM system.main.duckdb_tables() \
             UNION ALL SELECT view_name FROM system.main.duckdb_views()",
        )?;
        Ok(rows.into_iter().filter_map(|mut r| r.remove(0)).collect())
    }

    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError> {
        let sql = format!(
            "SELECT column_name, data_type, CAST(numeric_precision AS VARCHAR), \
             CAST(numeric_scale AS VARCHAR), CAST(character_maximum_length AS VARCHAR) \
             FROM system.main.duckdb_columns() WHERE {} AND system.main.lower(table_name) = system.main.lower({}) \
             ORDER BY column_index",
            self.own(),
            literal(table)
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
        let sql = format!(
            "SELECT CAST(system.main.count_star() AS VARCHAR) FROM {}",
            self.qualified(table)
        );
        let (_, rows) = self.internal_rows(&sql)?;
        let count = rows.first().and_then(|r| r.first().cloned().flatten());
        count
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| DbError::Internal {
                sql,
                detail: said!("db-no-count"),
            })
    }

    fn table_text(&self, table: &str, max_rows: usize) -> Result<QueryResult, DbError> {
        let sql = format!("SELECT COLUMNS(*)::VARCHAR FROM {}", self.qualified(table));
        let started = std::time::Instant::now();
        let ((names, rows), truncated) = self.internal_capped(&sql, max_rows)?;
        Ok(QueryResult {
            columns: crate::rows::columns_from_rows(names, rows)?,
            truncated,
            elapsed: started.elapsed(),
        })
    }

    fn scan_text(
        &self,
        table: &str,
        max_rows: usize,
        sink: &mut dyn crate::TextSink,
    ) -> Result<(usize, bool), DbError> {
        // Text as DuckDB writes it, the same as `table_text`, streamed.
        let sql = format!("SELECT COLUMNS(*)::VARCHAR FROM {}", self.qualified(table));
        self.scan_internal(&sql, max_rows, sink)
    }

    fn candidate_query(&self, query: Query<'_>, max_rows: usize) -> Result<QueryResult, DbError> {
        let sql = query.sql()?;
        let wrapped = self.wrapped_candidate_query(sql)?;
        let conn = self.fresh_connection()?;
        let started = std::time::Instant::now();
        let result = self.stream(&conn, &wrapped, max_rows, self.timeout);
        let elapsed = started.elapsed();
        match result {
            Ok(((names, rows), truncated)) => Ok(QueryResult {
                columns: crate::rows::columns_from_rows(names, rows)?,
                truncated,
                elapsed,
            }),
            Err(Failure::Expired) => Err(DbError::Timeout {
                seconds: self.timeout.as_secs(),
            }),
            Err(Failure::Engine(e)) => Err(candidate_error(&e.to_string())),
        }
    }

    /// The statement as it is, rows drained without conversion, on the grader's connection:
    /// no wrapping query and no new connection, whose cost would weigh on a lookup that takes
    /// a tenth of a millisecond. The watchdog still stops a query that never ends.
    fn time_query(&self, query: Query<'_>) -> Result<Duration, DbError> {
        let sql = query.sql()?;
        let limit = self.internal_limit();
        self.drain(&self.conn, sql, limit)
            .map_err(|failure| match failure {
                Failure::Expired => DbError::Timeout {
                    seconds: limit.as_secs(),
                },
                Failure::Engine(e) => candidate_error(&e.to_string()),
            })
    }

    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError> {
        let sql = format!(
            "SELECT index_name, sql, CAST(is_unique AS VARCHAR) FROM system.main.duckdb_indexes() \
             WHERE {} AND system.main.lower(table_name) = system.main.lower({}) ORDER BY index_name",
            self.own(),
            literal(table)
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
    fn explain(&self, query: Query<'_>) -> Result<String, DbError> {
        let sql = query.sql()?;
        let body = crate::sql_text::without_trailing(sql, crate::SqlEngine::DuckDb);
        let limit = self.internal_limit();
        let ((_, rows), _) = self
            .stream(
                &self.conn,
                &format!("EXPLAIN ANALYZE {body}"),
                usize::MAX,
                limit,
            )
            .map_err(|failure| match failure {
                Failure::Expired => DbError::Timeout {
                    seconds: limit.as_secs(),
                },
                Failure::Engine(e) => candidate_error(&e.to_string()),
            })?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().last().flatten())
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

impl Loader for DuckDb {
    fn execute(&self, sql: &str) -> Result<(), DbError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| DbError::query(first_line(&e.to_string())))
    }

    /// One appender per 50,000 rows: with one per 500, DuckDB spent most of a million-line
    /// preload scanning and compressing strings again at each flush (13.4 s, now 6.6 s).
    fn rows_per_insert(&self) -> usize {
        50_000
    }

    /// The appender: values are cast from text to each column's type, hundreds of times
    /// faster than parsing `INSERT … VALUES`.
    fn loads_csv(&self) -> bool {
        self.loads_files
    }

    fn load_csv(
        &self,
        table: &str,
        columns: &[String],
        file: &std::path::Path,
    ) -> Result<(), DbError> {
        let names: Vec<String> = columns
            .iter()
            .map(|c| crate::quote_ident(SqlEngine::DuckDb, c))
            .collect();
        // Every option spelled out: nothing is guessed from the file.
        self.execute(&format!(
            "COPY {} ({}) FROM {} (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', \
             ESCAPE '\"', AUTO_DETECT false, ALLOW_QUOTED_NULLS true)",
            crate::quote_ident(SqlEngine::DuckDb, table),
            names.join(", "),
            literal(&file.display().to_string())
        ))
    }

    fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        _booleans: &[bool],
        rows: &[TextRow],
    ) -> Result<(), DbError> {
        let failed = |e: duckdb::Error| DbError::query(first_line(&e.to_string()));
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
}

/// A candidate's query the engine refused: the engine's message without the wrapping epreuve
/// added around the query, or epreuve's sentence for a write or a reach outside the database.
fn candidate_error(text: &str) -> DbError {
    let text = text.replace("epreuve_candidate_query", "query");
    if text.contains("read-only") || text.contains("read only") {
        return DbError::Query {
            detail: said!("db-query-writes"),
        };
    }
    if text.contains("disabled through configuration")
        || text.contains("disabled by configuration")
        || text.contains("Permission Error")
    {
        return DbError::Query {
            detail: said!("db-query-outside", error = first_line(&text)),
        };
    }
    DbError::query(first_line(&text))
}
