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
}

impl Engine {
    /// Every engine.
    pub const ALL: [Self; 3] = [Self::DuckDb, Self::Postgres, Self::MariaDb];

    /// Whether the engine is a server epreuve starts, reaches and stops (not a file).
    pub fn runs_a_server(self) -> bool {
        match self {
            Self::DuckDb => false,
            Self::Postgres | Self::MariaDb => true,
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
        }
    }

    /// The port the server listens on unless told otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            Self::DuckDb => 0,
            Self::Postgres => 5432,
            Self::MariaDb => 3306,
        }
    }

    /// Reads `duckdb`, `postgres` (`postgresql`, `pg`) or `mariadb` (`mysql`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "duckdb" => Some(Self::DuckDb),
            "postgres" | "postgresql" | "pg" => Some(Self::Postgres),
            "mariadb" | "mysql" => Some(Self::MariaDb),
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
