//! The engines that speak SQL, for the code that writes SQL text (quoting, statements, the
//! servers' sessions). MongoDB is not one: what writes SQL cannot be handed a MongoDB database,
//! because it asks for a [`SqlEngine`] and [`SqlEngine::of`] has none to give.

use crate::{DbError, Engine};
use epreuve_i18n::{Said, said};

/// An engine that reads SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlEngine {
    /// DuckDB, embedded.
    DuckDb,
    /// A PostgreSQL server.
    Postgres,
    /// A MariaDB (or MySQL) server.
    MariaDb,
}

impl SqlEngine {
    /// The SQL engine `engine` is, if it speaks SQL.
    pub fn of(engine: Engine) -> Option<Self> {
        match engine {
            Engine::DuckDb => Some(Self::DuckDb),
            Engine::Postgres => Some(Self::Postgres),
            Engine::MariaDb => Some(Self::MariaDb),
            Engine::MongoDb => None,
        }
    }

    /// The SQL engine `engine` is, or an error that says it has no SQL, for `doing` (a
    /// message of the catalogue).
    pub fn required(engine: Engine, doing: Said) -> Result<Self, DbError> {
        Self::of(engine).ok_or_else(|| DbError::Query {
            detail: said!("db-no-sql", engine = engine.label(), doing = doing),
        })
    }

    /// The engine.
    pub fn engine(self) -> Engine {
        match self {
            Self::DuckDb => Engine::DuckDb,
            Self::Postgres => Engine::Postgres,
            Self::MariaDb => Engine::MariaDb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_but_mongodb_speaks_sql_and_reads_back() {
        for engine in Engine::ALL {
            match SqlEngine::of(engine) {
                Some(sql) => assert_eq!(sql.engine(), engine),
                None => assert_eq!(engine, Engine::MongoDb),
            }
        }
        assert!(SqlEngine::required(Engine::MongoDb, said!("sql-needs-insert")).is_err());
    }
}
