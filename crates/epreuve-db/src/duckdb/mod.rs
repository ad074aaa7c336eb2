//! DuckDB, embedded: the database is one file in the workspace.
//!
//! Grading opens that file in a sandbox the engine itself enforces (see [`DuckDb::open_read_only`]):
//! read-only, no file system or network, no extension installed or loaded, configuration
//! locked. A candidate's query is first read by DuckDB's own parser, which must find exactly
//! one SELECT; it then runs in a fresh connection of its own, so that nothing it leaves
//! behind (a temporary view named like a table) reaches the next query; and every query, the
//! grader's own included, has a deadline after which it is interrupted.

mod backend;
mod connect;

pub use connect::DuckDb;
