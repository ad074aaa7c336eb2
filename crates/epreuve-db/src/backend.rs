//! The interface every engine implements.

use epreuve_data::TextColumn;
use epreuve_data::TextRow;
use epreuve_i18n::said;
use serde::Serialize;

use crate::{DbError, DeclaredType};

pub use epreuve_results::Engine;

/// What an engine can express, so a check can say "not applicable on this engine" rather than
/// pass or fail on a property the engine does not keep.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Capabilities {
    /// Whether a declared `VARCHAR(n)` length is kept and enforced (DuckDB ignores it).
    pub keeps_text_length: bool,
    /// Whether a decimal type declares its precision and scale (`DECIMAL(p,s)`): MongoDB's
    /// `decimal` and `double` declare none, so a decimal's size is not judged there.
    pub keeps_decimal_precision: bool,
}

/// A query as a person or the grader wrote it, in its engine's language. A backend reads the
/// variant it speaks and refuses the other with a sentence for the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query<'a> {
    /// One SQL statement.
    Sql(&'a str),
    /// One MongoDB command, in Extended JSON (see [`crate::mongo::query::SavedQuery`]).
    Document(&'a str),
}

/// The text of a question that asks `engine` almost nothing, in its language: what a round
/// trip of the client costs, the baseline of a timing. `SELECT 1` on SQL engines; on MongoDB a
/// `find` of no document by `_id` in `collection`, which the `_id` index every collection has
/// answers at once.
pub fn round_trip(engine: Engine, collection: &str) -> String {
    match engine {
        Engine::DuckDb | Engine::Postgres | Engine::MariaDb => "SELECT 1".to_owned(),
        Engine::MongoDb => serde_json::json!({
            "find": collection,
            "filter": { "_id": null },
            "limit": 1,
        })
        .to_string(),
    }
}

impl<'a> Query<'a> {
    /// A saved file's text as a query of `engine`'s language.
    pub fn saved(engine: Engine, text: &'a str) -> Self {
        match engine {
            Engine::DuckDb | Engine::Postgres | Engine::MariaDb => Self::Sql(text),
            Engine::MongoDb => Self::Document(text),
        }
    }

    /// The SQL text, or why an SQL engine cannot run this query.
    pub fn sql(self) -> Result<&'a str, DbError> {
        match self {
            Self::Sql(sql) => Ok(sql),
            Self::Document(_) => Err(DbError::Query {
                detail: said!("db-query-is-mongodb"),
            }),
        }
    }

    /// The command's text, or why MongoDB cannot run this query.
    pub fn document(self) -> Result<&'a str, DbError> {
        match self {
            Self::Document(text) => Ok(text),
            Self::Sql(_) => Err(DbError::Query {
                detail: said!("db-query-is-sql"),
            }),
        }
    }

    /// The text as written.
    pub fn text(self) -> &'a str {
        match self {
            Self::Sql(text) | Self::Document(text) => text,
        }
    }
}

/// A column as the database declares it.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnInfo {
    /// Name as stored.
    pub name: String,
    /// Declared type.
    pub declared: DeclaredType,
}

/// An index as the engine lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexInfo {
    /// Index name.
    pub name: String,
    /// Indexed columns (or expressions), in order.
    pub columns: Vec<String>,
    /// True for a unique index.
    pub unique: bool,
}

/// Rows returned by a query, every value as text, with the column names of the result.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// One text column per result column, in the result's order.
    pub columns: Vec<TextColumn>,
    /// True when more rows existed than the cap allowed to fetch.
    pub truncated: bool,
    /// How long the query took, fetching included.
    pub elapsed: std::time::Duration,
}

impl QueryResult {
    /// The number of rows fetched (none without columns).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, values)| values.len())
    }
}

/// Where [`Backend::scan_text`] hands a table's cells.
pub trait TextSink {
    /// The table's column names, once, before any cell.
    fn names(&mut self, names: &[String]);
    /// The next cell of column `column` (NULL as `None`).
    fn cell(&mut self, column: usize, value: Option<&str>);
}

/// A table or a view of the graded schema, as the engine's own catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// Name as stored.
    pub name: String,
    /// True for a view (or a materialized view): its rows are computed when read, so it
    /// holds no loaded data.
    pub view: bool,
}

impl Relation {
    /// Finds `wanted` among `relations` without regard to case.
    pub fn find<'a>(relations: &'a [Relation], wanted: &str) -> Option<&'a Relation> {
        relations
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(wanted))
    }
}

/// One database as grading sees it: questions asked of the engine's own catalogue, the
/// candidate's tables read, the candidate's queries run. Nothing here writes.
///
/// Implementations confine what runs: a candidate's query is one SELECT as the engine's own
/// parser decides, in a connection that cannot reach files, the network or settings, with a
/// deadline that really stops it and a row cap that bounds memory while rows stream. Facts are
/// read from the engine's catalogue with qualified names, never through objects a candidate
/// can create. Table and column names are matched without regard to case, as SQL engines do
/// for unquoted identifiers. Values come back as the engine's text rendering.
pub trait Backend {
    /// Which engine this is.
    fn engine(&self) -> Engine;

    /// What the engine can express.
    fn capabilities(&self) -> Capabilities;

    /// A description for people: file path or address, never a password.
    fn describe(&self) -> String;

    /// Answers when the database is up (`SELECT 1`).
    fn ping(&self) -> Result<(), DbError>;

    /// The tables and views of the graded schema (not the engine's own catalogue).
    fn tables(&self) -> Result<Vec<Relation>, DbError>;

    /// The tables and views named one of `wanted` (without regard to case), sorted by name.
    /// Grading asks for the names an exam needs rather than searching a listing: a schema
    /// holding more relations than a listing returns still answers for these. Engines whose
    /// catalogue can be asked by name override this.
    fn relations_named(&self, wanted: &[String]) -> Result<Vec<Relation>, DbError> {
        Ok(self
            .tables()?
            .into_iter()
            .filter(|r| wanted.iter().any(|w| r.name.eq_ignore_ascii_case(w)))
            .collect())
    }

    /// Names of every table the engine lists in its catalogue, its own included: what a
    /// candidate sees when they list "the default tables" of a new installation.
    fn catalogue_tables(&self) -> Result<Vec<String>, DbError>;

    /// Columns of `table`, in declaration order.
    fn columns(&self, table: &str) -> Result<Vec<ColumnInfo>, DbError>;

    /// Exact `COUNT(*)` of `table`.
    fn row_count(&self, table: &str) -> Result<u64, DbError>;

    /// The values of `table`, as text, one column per table column, at most `max_rows` rows
    /// (the result says when there were more).
    fn table_text(&self, table: &str, max_rows: usize) -> Result<QueryResult, DbError>;

    /// The values of `table` as text, handed to `sink` without being kept: the column names
    /// first, then every cell, column by column within each batch of rows, so that a column's
    /// cells arrive in row order. At most `max_rows` rows; returns the rows handed and whether
    /// there were more. The engines that can stream do, so that a million-row table is never
    /// held as text; the others go through [`Backend::table_text`].
    fn scan_text(
        &self,
        table: &str,
        max_rows: usize,
        sink: &mut dyn TextSink,
    ) -> Result<(usize, bool), DbError> {
        let result = self.table_text(table, max_rows)?;
        let rows = result.rows();
        let names: Vec<String> = result.columns.iter().map(|(n, _)| n.clone()).collect();
        sink.names(&names);
        for (c, (_, values)) in result.columns.iter().enumerate() {
            for value in values {
                sink.cell(c, value.as_deref());
            }
        }
        Ok((rows, result.truncated))
    }

    /// Runs a query written by the candidate, with a time limit, fetching at most `max_rows`
    /// rows. Anything but a single SELECT is refused. Failures of the query itself are
    /// [`DbError::Query`] or [`DbError::Timeout`].
    fn candidate_query(&self, query: Query<'_>, max_rows: usize) -> Result<QueryResult, DbError>;

    /// Runs a read-only query of the grader's and fetches every row without converting it:
    /// how long the engine takes to answer, with as little of epreuve's own work in the
    /// measure as the engine allows. Used to time the statement's queries.
    fn time_query(&self, query: Query<'_>) -> Result<std::time::Duration, DbError>;

    /// Indexes of `table` (primary keys included where the engine lists them as indexes).
    fn indexes(&self, table: &str) -> Result<Vec<IndexInfo>, DbError>;

    /// The engine's query plan for a query of the grader's, as text: `EXPLAIN`, without
    /// running it, except on DuckDB, which only knows whether it scans an index once the query
    /// runs.
    fn explain(&self, query: Query<'_>) -> Result<String, DbError>;
}

/// A database epreuve writes to: the candidate's at `start` (preloaded tables), a shipped
/// solution applied by `demo` and the tests, the grader's own ground truth. Grading never
/// holds one on a candidate's database.
pub trait Loader: Backend {
    /// Runs SQL statements that change the database (creating and filling tables).
    fn execute(&self, sql: &str) -> Result<(), DbError>;

    /// Rows [`crate::fill_table`] hands to [`Loader::insert_rows`] at a time: a few hundred
    /// for `INSERT` statements, more where the engine appends in bulk.
    fn rows_per_insert(&self) -> usize {
        500
    }

    /// Whether the engine can load a CSV file of canonical text itself
    /// ([`Loader::load_csv`]): far faster than rows appended one by one.
    fn loads_csv(&self) -> bool {
        false
    }

    /// Loads `file` (CSV, every field quoted, `""` for NULL, no header) into the `columns` of
    /// `table`. Only called when [`Loader::loads_csv`] says so.
    fn load_csv(
        &self,
        table: &str,
        columns: &[String],
        file: &std::path::Path,
    ) -> Result<(), DbError> {
        let _ = (table, columns, file);
        Err(DbError::Query {
            detail: said!("db-no-csv", engine = self.engine().label()),
        })
    }

    /// Appends rows of canonical text (see [`crate::fill_table`]) to `table`, the columns
    /// flagged in `booleans` holding `true`/`false`. Plain `INSERT`s unless the engine has
    /// something faster.
    fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        booleans: &[bool],
        rows: &[TextRow],
    ) -> Result<(), DbError> {
        self.insert_by_statements(table, columns, booleans, rows)
    }

    /// [`Loader::insert_rows`] through one `INSERT … VALUES` statement for all `rows`.
    fn insert_by_statements(
        &self,
        table: &str,
        columns: &[String],
        booleans: &[bool],
        rows: &[TextRow],
    ) -> Result<(), DbError> {
        for statement in crate::insert_statements(
            crate::SqlEngine::required(self.engine(), said!("sql-needs-insert"))?,
            table,
            columns,
            booleans,
            rows,
            rows.len(),
        ) {
            self.execute(&statement)?;
        }
        Ok(())
    }
}

/// The columns of a `CREATE INDEX … (a, b)` definition: what stands between the last
/// parentheses before the `WHERE` of a partial index.
pub(crate) fn index_columns(definition: &str) -> Vec<String> {
    let definition = match definition.to_ascii_uppercase().find(" WHERE ") {
        Some(at) => &definition[..at],
        None => definition,
    };
    let Some(open) = definition.rfind('(') else {
        return Vec::new();
    };
    let inside = definition[open + 1..].split(')').next().unwrap_or("");
    inside
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::index_columns;

    #[test]
    fn columns_of_plain_composite_and_partial_indexes() {
        assert_eq!(
            index_columns("CREATE INDEX i ON ventes(sku);"),
            vec!["sku".to_owned()]
        );
        assert_eq!(
            index_columns("CREATE INDEX i ON public.ventes USING btree (sku, \"date_vente\")"),
            vec!["sku".to_owned(), "date_vente".to_owned()]
        );
        assert_eq!(
            index_columns(
                "CREATE INDEX i ON public.ventes USING btree (sku) WHERE (quantite > 40)"
            ),
            vec!["sku".to_owned()]
        );
    }
}
