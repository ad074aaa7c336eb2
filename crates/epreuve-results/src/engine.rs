//! The database engines epreuve grades, as the results and every crate name them.

use serde::{Deserialize, Serialize};

/// Database engines epreuve can grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// DuckDB, embedded: one file in the workspace.
    DuckDb,
    /// PostgreSQL, a server.
    Postgres,
    /// MariaDB (or MySQL), a server.
    MariaDb,
    /// MongoDB (or a server that speaks its wire protocol), a document store.
    MongoDb,
}

impl Engine {
    /// Every engine.
    pub const ALL: [Self; 4] = [Self::DuckDb, Self::Postgres, Self::MariaDb, Self::MongoDb];

    /// Whether the engine is a server epreuve starts, reaches and stops (not a file).
    pub fn runs_a_server(self) -> bool {
        match self {
            Self::DuckDb => false,
            Self::Postgres | Self::MariaDb | Self::MongoDb => true,
        }
    }

    /// Whether the engine reads SQL (every one but MongoDB, a document store).
    pub fn speaks_sql(self) -> bool {
        match self {
            Self::DuckDb | Self::Postgres | Self::MariaDb => true,
            Self::MongoDb => false,
        }
    }

    /// The engines that run a server.
    pub fn servers() -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(|e| e.runs_a_server())
    }

    /// The engine's name as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Self::DuckDb => "DuckDB",
            Self::Postgres => "PostgreSQL",
            Self::MariaDb => "MariaDB",
            Self::MongoDb => "MongoDB",
        }
    }

    /// The port the server listens on unless told otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            Self::DuckDb => 0,
            Self::Postgres => 5432,
            Self::MariaDb => 3306,
            Self::MongoDb => 27017,
        }
    }

    /// Reads `duckdb`, `postgres` (`postgresql`, `pg`), `mariadb` (`mysql`) or `mongodb`
    /// (`mongo`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "duckdb" => Some(Self::DuckDb),
            "postgres" | "postgresql" | "pg" => Some(Self::Postgres),
            "mariadb" | "mysql" => Some(Self::MariaDb),
            "mongodb" | "mongo" => Some(Self::MongoDb),
            _ => None,
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::DuckDb => "duckdb",
            Self::Postgres => "postgres",
            Self::MariaDb => "mariadb",
            Self::MongoDb => "mongodb",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_reads_back_from_its_name() {
        for engine in Engine::ALL {
            assert_eq!(Engine::parse(&engine.to_string()), Some(engine));
            assert_eq!(Engine::parse(engine.label()), Some(engine));
        }
        assert_eq!(Engine::parse("sqlite"), None);
    }
}
