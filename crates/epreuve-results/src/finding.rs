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
}
