//! Database servers reached over the network, through sqlx: PostgreSQL and MySQL/MariaDB.
//!
//! Grading talks to a server on two connections, each with its settings pinned (see
//! [`session`]): one for epreuve's own questions, read from the engine's catalogue
//! (`pg_catalog`, `information_schema` of MariaDB) with qualified names and literal schema
//! names, and one for the candidate's queries, so that nothing a candidate's query leaves in
//! a session reaches the grader's reads. A candidate's query is first prepared by the server
//! (the extended protocol, which refuses a second statement), must return columns, and runs
//! inside a read-only transaction with a deadline and a server-side row cap: on PostgreSQL as
//! a cursor (`DECLARE … CURSOR FOR` accepts only a query), on MariaDB with `sql_select_limit`.
//! The [`crate::Backend`] trait is synchronous: each server backend owns a small tokio
//! runtime.

mod address;
mod admin;
mod backend;
mod candidate;
mod dialect;
mod engines;
mod fetch;
mod kinds;
mod load;
mod mariadb;
mod postgres;
mod session;
mod types;

pub use address::{ServerAddress, redact};
pub use admin::{Administration, administer, connect_server, open_server};
pub use backend::ServerDb;
pub use dialect::AccountNames;
pub use engines::{create_accounts, drop_accounts, mariadb_bootstrap};
pub use kinds::{
    LocalImage, MARIADB, MONGODB, MONGODB_ADMIN, POSTGRES, POSTGRES_ADMIN, ServerKind, StopSignal,
};

use crate::error::first_line;
use crate::{Engine, SqlEngine};

/// The SQL a server engine reads, reached through sqlx: PostgreSQL's or MariaDB's. `None` for
/// DuckDB (a file, not a server) and MongoDB (a server without SQL).
pub(crate) fn sql_server(engine: Engine) -> Option<SqlEngine> {
    match engine {
        Engine::Postgres => Some(SqlEngine::Postgres),
        Engine::MariaDb => Some(SqlEngine::MariaDb),
        Engine::DuckDb | Engine::MongoDb => None,
    }
}
