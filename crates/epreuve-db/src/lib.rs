//! Databases: one [`Backend`] trait, one module per engine (DuckDB embedded, PostgreSQL and
//! MariaDB servers, MongoDB's collections read as tables).
//!
//! A [`Backend`] is what grading sees: the questions a grader asks (tables, declared column
//! types, exact row counts, values as text, indexes, plans) and the candidate's queries, run
//! in a connection the engine confines. A [`Loader`] is a database epreuve writes to; grading
//! never holds one on a candidate's database.

mod backend;
mod declared;
mod duckdb;
mod error;
mod load;
pub mod mongo;
mod rows;
mod server;
mod sql_engine;
mod sql_text;
mod watchdog;

pub use backend::{
    Backend, Capabilities, ColumnInfo, Engine, IndexInfo, Loader, Query, QueryResult, Relation,
    TextSink, round_trip,
};
pub use declared::DeclaredType;
pub use duckdb::DuckDb;
pub use error::DbError;
pub use load::{create_table_of_families, drop_column, fill_table, insert_statements, quote_ident};
pub use mongo::MongoDb;
pub use server::{
    AccountNames, Administration, LocalImage, MARIADB, MONGODB, MONGODB_ADMIN, POSTGRES,
    POSTGRES_ADMIN, ServerAddress, ServerDb, ServerKind, StopSignal, administer, connect_server,
    create_accounts, drop_accounts, mariadb_bootstrap, open_server, redact,
};
pub use sql_engine::SqlEngine;
