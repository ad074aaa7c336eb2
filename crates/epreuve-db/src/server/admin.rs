//! A server as its administrator sees it, whatever the engine: make a candidate's database and
//! its two accounts, drop them, say whether a database exists. Provisioning asks only this, so
//! that no route knows an engine's statements or commands.

use super::dialect::AccountNames;
use super::engines::{create_accounts, drop_accounts};
use crate::{Backend, DbError, Engine, Loader, MongoDb, Query, ServerAddress, ServerDb, SqlEngine};

/// What an administrator's connection does for provisioning.
pub trait Administration {
    /// Creates the database of `names` and its candidate and grading accounts; what was made
    /// is dropped again when a step fails.
    fn create_accounts(
        &self,
        names: &AccountNames,
        candidate_password: &str,
        grader_password: &str,
    ) -> Result<(), DbError>;

    /// Drops the database of `names` and both accounts, whatever is left of them.
    fn drop_accounts(&self, names: &AccountNames);

    /// Whether the server holds a database called `name`.
    fn database_exists(&self, name: &str) -> Result<bool, DbError>;
}

/// Logs in to the server at `admin` with the administrator's account.
pub fn administer(admin: &ServerAddress) -> Result<Box<dyn Administration>, DbError> {
    match admin.engine {
        Engine::Postgres | Engine::MariaDb => Ok(Box::new(ServerDb::connect(admin)?)),
        Engine::MongoDb => Ok(Box::new(MongoDb::connect(admin)?)),
        Engine::DuckDb => Err(not_a_server(admin)),
    }
}

/// Connects to the server database at `address` with its account's rights, to write to it.
pub fn connect_server(address: &ServerAddress) -> Result<Box<dyn Loader>, DbError> {
    match address.engine {
        Engine::Postgres | Engine::MariaDb => Ok(Box::new(ServerDb::connect(address)?)),
        Engine::MongoDb => Ok(Box::new(MongoDb::connect(address)?)),
        Engine::DuckDb => Err(not_a_server(address)),
    }
}

/// Connects to the server database at `address` for grading: read-only where the engine has
/// read-only sessions, and through an account that reads only in any case.
pub fn open_server(address: &ServerAddress) -> Result<Box<dyn Backend>, DbError> {
    match address.engine {
        Engine::Postgres | Engine::MariaDb => Ok(Box::new(ServerDb::open_read_only(address)?)),
        Engine::MongoDb => Ok(Box::new(MongoDb::connect(address)?)),
        Engine::DuckDb => Err(not_a_server(address)),
    }
}

fn not_a_server(address: &ServerAddress) -> DbError {
    DbError::Unavailable {
        target: address.redacted(),
        detail: epreuve_i18n::said!("db-not-a-server", engine = address.engine.label()),
    }
}

impl Administration for ServerDb {
    fn create_accounts(
        &self,
        names: &AccountNames,
        candidate_password: &str,
        grader_password: &str,
    ) -> Result<(), DbError> {
        for statement in create_accounts(self.sql, names, candidate_password, grader_password) {
            if let Err(error) = self.execute(&statement) {
                self.drop_accounts(names);
                return Err(error);
            }
        }
        Ok(())
    }

    fn drop_accounts(&self, names: &AccountNames) {
        for statement in drop_accounts(self.sql, names) {
            if let Err(error) = self.execute(&statement) {
                tracing::warn!("cleaning up `{}`: {error}", names.database);
            }
        }
    }

    fn database_exists(&self, name: &str) -> Result<bool, DbError> {
        let name = crate::load::literal(self.sql, name);
        let sql = match self.sql {
            SqlEngine::MariaDb => format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {name}"
            ),
            SqlEngine::Postgres | SqlEngine::DuckDb => {
                format!("SELECT datname FROM pg_catalog.pg_database WHERE datname = {name}")
            }
        };
        Ok(self.candidate_query(Query::Sql(&sql), 1)?.rows() > 0)
    }
}
