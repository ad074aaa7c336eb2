//! Databases: one [`Backend`] trait, one module per engine (DuckDB embedded, PostgreSQL and MariaDB servers). A backend answers the questions
//! the grader asks (tables, declared column types, exact row counts, values as text) and runs
//! the candidate's read-only queries with a time limit and a row cap.

mod backend;
mod declared;
mod duckdb;
mod error;
mod frame;
mod load;
mod server;
mod sql_text;

pub use backend::{Backend, Capabilities, ColumnInfo, Engine, IndexInfo, QueryResult, find_name};
pub use declared::DeclaredType;
pub use duckdb::DuckDb;
pub use error::DbError;
pub use load::{fill_table, insert_statements, quote_ident};
pub use server::{ServerAddress, ServerDb, redact};
