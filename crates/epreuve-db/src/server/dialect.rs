//! What a server engine's SQL must say ([`Dialect`]), each engine answering it in a module
//! of its own (`postgres.rs`, `mariadb.rs`; `engines.rs` picks one): catalogue questions, the
//! count, the plan's text. The backend runs what these give; it writes no SQL of its own about
//! the catalogue.

use crate::IndexInfo;
use epreuve_data::TextRow;

/// What differs between the server engines, as SQL text and its reading back.
pub(super) trait Dialect: Sync {
    /// Name and kind (`table` or `view`) of each relation of the schema `schema` (a literal).
    fn relations(&self, schema: &str) -> String;
    /// Names of every relation the server lists, in every schema.
    fn catalogue_relations(&self) -> &'static str;
    /// Each column of `table` in `schema` (literals): name, declared type, precision, scale,
    /// length, as text.
    fn columns(&self, schema: &str, table: &str) -> String;
    /// The count of rows, as the engine's own function (never one the candidate shadowed).
    fn count(&self) -> &'static str;
    /// Each index of `table` in `schema` (literals): name, definition, `true` when unique.
    fn indexes(&self, schema: &str, table: &str) -> String;
    /// The indexed columns, from the definition [`Dialect::indexes`] gives.
    fn index_columns(&self, definition: &str) -> Vec<String>;
    /// The plan `EXPLAIN` returned, as lines of text.
    fn plan_text(&self, names: &[String], rows: Vec<TextRow>) -> String;
    /// What an error of the engine means for grading, from its code (SQLSTATE, or the
    /// server's own number) and its text in lower case; `None` for any other error.
    fn error_meaning(&self, code: &str, lower: &str) -> Option<ErrorMeaning>;
}

/// The errors of an engine grading tells apart; each engine's codes for them are its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ErrorMeaning {
    /// The statement ran past its deadline and was stopped.
    Timeout,
    /// The statement tried to write in a read-only transaction.
    Write,
    /// The text held several statements, which the engine refused to prepare.
    SeveralStatements,
    /// The account was refused the candidate's objects (their rights, row-level security).
    Denied,
}

/// An index as the backend reports it.
pub(super) fn index_info(dialect: &dyn Dialect, row: &[Option<String>]) -> IndexInfo {
    let definition = crate::rows::text_at(row, 1);
    IndexInfo {
        name: crate::rows::text_at(row, 0),
        columns: dialect.index_columns(&definition),
        unique: crate::rows::text_at(row, 2) == "true",
    }
}

/// The names of a server database made for one candidate and of its two roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNames {
    /// The candidate's database.
    pub database: String,
    /// The candidate's role, which owns the database and nothing else.
    pub candidate: String,
    /// The grading role, which reads the database and nothing else.
    pub grader: String,
}
