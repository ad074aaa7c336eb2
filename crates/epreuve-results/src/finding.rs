//! What a check found, as the candidate's self-check says it: a kind and its fields, which the
//! message catalogues render in the candidate's language (the English sentence stays in the
//! check's `message`).

use serde::{Deserialize, Serialize};

/// A finding of a public check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// The table the statement asks for is not in the database.
    TableMissing {
        /// The table.
        table: String,
    },
    /// A view stands where a table is asked for.
    TableIsView {
        /// The view.
        table: String,
    },
    /// Columns of the source are not in the table.
    ColumnsMissing {
        /// The table.
        table: String,
        /// The columns missing.
        columns: Vec<String>,
    },
    /// The table does not have as many rows as its source.
    RowCountDiffers {
        /// The table.
        table: String,
        /// The source, as named in messages.
        source: String,
    },
    /// A file of `answers/` the statement asks for is not there.
    AnswerMissing {
        /// The file, `answers/…`.
        file: String,
    },
    /// The query showing a table's first rows returns too few or too many rows.
    HeadRowCount {
        /// The file of the query.
        file: String,
        /// Rows returned (at least, when `more`).
        rows: usize,
        /// More than `rows` were there.
        more: bool,
        /// Fewest rows that are "the first rows".
        min: usize,
        /// Most rows that are "the first rows".
        max: usize,
    },
    /// The query showing a table's first rows leaves out columns.
    HeadColumnsMissing {
        /// The file of the query.
        file: String,
        /// The columns not shown.
        columns: Vec<String>,
    },
    /// The query showing a table's first rows returns rows that are not the table's.
    HeadForeignRows {
        /// The file of the query.
        file: String,
        /// Rows that are not rows of the table.
        foreign: usize,
        /// Rows returned.
        rows: usize,
        /// The table.
        table: String,
    },
    /// The query meant to list the default tables lists none of the engine's catalogue.
    DefaultTablesNotListed {
        /// The file of the query.
        file: String,
        /// Names expected in one column, at least.
        required: usize,
        /// On DuckDB, whose system tables are views: the way to list them is said.
        duckdb: bool,
    },
}
