//! What each server engine is, in one place: its URL scheme, its images and container, the
//! programs that dump and restore it, its local server's process, and the client command line a
//! candidate types. Adding a server engine is writing one [`ServerKind`]: every field must be
//! given, and [`ServerKind::of`] must name it, or the code does not compile.
//!
//! What differs in behaviour rather than in data (the catalogue questions, the accounts' SQL,
//! the arguments of a dump) stays in the engine's own module (`postgres.rs`, `mariadb.rs`) and
//! in the matches that name every engine.

use crate::{Engine, ServerAddress};

/// The signal that stops an engine's local server quickly, its data kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// SIGTERM.
    Term,
    /// SIGINT.
    Int,
}

/// One server engine, as every crate needs to know it.
#[derive(Debug)]
pub struct ServerKind {
    /// The engine.
    pub engine: Engine,
    /// The scheme of its URLs, as drivers read them.
    pub scheme: &'static str,
    /// What follows the database in its URLs (empty, or `?…`).
    pub url_options: &'static str,
    /// The official image the `docker` route runs, pinned.
    pub official_image: &'static str,
    /// The image `epreuve images build` makes from Debian's packages, if Debian has the engine.
    pub local_image: Option<LocalImage>,
    /// The port the server listens on in its container.
    pub container_port: &'static str,
    /// The administrator account of a new container, and the database it logs into.
    pub container_admin: (&'static str, &'static str),
    /// The container's environment, given the administrator's password (the official images'
    /// variables, which the local images honour too).
    pub container_env: fn(&str) -> Vec<String>,
    /// Arguments given to the server in its container (none: the image's own command).
    pub container_args: &'static [&'static str],
    /// The program that dumps a database at submission, and the Debian package that has it;
    /// `None` when epreuve dumps it itself through the driver.
    pub dump_program: Option<(&'static str, &'static str)>,
    /// The dump's file name in the submission bundle.
    pub dump_file: &'static str,
    /// The program that restores a dump for grading, and its package; `None` when epreuve
    /// restores it itself.
    pub restore_program: Option<(&'static str, &'static str)>,
    /// The local server's program, as `/proc/<pid>/exe` names it.
    pub process: &'static str,
    /// Its pid file, relative to the workspace's server folder.
    pub pid_file: &'static str,
    /// How the local route stops it.
    pub stop_signal: StopSignal,
    /// The command line a candidate types to reach `address` with the engine's own client.
    pub client_line: fn(&ServerAddress) -> String,
    /// Other tools of the engine's candidates and how each reaches `address` (tool, line).
    pub other_clients: fn(&ServerAddress) -> Vec<(&'static str, String)>,
}

/// An image built here from Debian's packages, for machines that cannot pull.
#[derive(Debug)]
pub struct LocalImage {
    /// Its reference.
    pub name: &'static str,
    /// Its build context: Dockerfile and entrypoint.
    pub context: [(&'static str, &'static str); 2],
}

/// The administrator account epreuve makes on PostgreSQL servers of its own.
pub const POSTGRES_ADMIN: &str = "epreuve_admin";

/// PostgreSQL 15.
pub const POSTGRES: ServerKind = ServerKind {
    engine: Engine::Postgres,
    scheme: "postgres",
    url_options: "",
    official_image: "postgres:15.8-bookworm",
    local_image: Some(LocalImage {
        name: "epreuve/postgres:15",
        context: [
            (
                "Dockerfile",
                include_str!("../../../../docker/postgres/Dockerfile"),
            ),
            (
                "entrypoint.sh",
                include_str!("../../../../docker/postgres/entrypoint.sh"),
            ),
        ],
    }),
    container_port: "5432/tcp",
    container_admin: (POSTGRES_ADMIN, "postgres"),
    container_env: |password| {
        vec![
            format!("POSTGRES_USER={POSTGRES_ADMIN}"),
            format!("POSTGRES_PASSWORD={password}"),
            "POSTGRES_DB=postgres".to_owned(),
        ]
    },
    container_args: &[],
    dump_program: Some(("pg_dump", "postgresql-client")),
    dump_file: "database.dump",
    restore_program: Some(("pg_restore", "postgresql-client")),
    process: "postgres",
    pid_file: "data/postmaster.pid",
    // A "smart" shutdown waits for the candidate's sessions; SIGINT is "fast".
    stop_signal: StopSignal::Int,
    client_line: |a| {
        format!(
            "PGPASSWORD='{}' psql -h {} -p {} -U {} {}",
            a.password, a.host, a.port, a.user, a.database
        )
    },
    other_clients: |_| Vec::new(),
};

/// MariaDB 10.11.
pub const MARIADB: ServerKind = ServerKind {
    engine: Engine::MariaDb,
    scheme: "mysql",
    url_options: "",
    official_image: "mariadb:10.11.9",
    local_image: Some(LocalImage {
        name: "epreuve/mariadb:10.11",
        context: [
            (
                "Dockerfile",
                include_str!("../../../../docker/mariadb/Dockerfile"),
            ),
            (
                "entrypoint.sh",
                include_str!("../../../../docker/mariadb/entrypoint.sh"),
            ),
        ],
    }),
    container_port: "3306/tcp",
    container_admin: ("root", ""),
    container_env: |password| vec![format!("MARIADB_ROOT_PASSWORD={password}")],
    container_args: &[],
    dump_program: Some(("mariadb-dump", "mariadb-client")),
    dump_file: "database.sql",
    restore_program: Some(("mariadb", "mariadb-client")),
    process: "mariadbd",
    pid_file: "mariadbd.pid",
    stop_signal: StopSignal::Term,
    client_line: |a| {
        format!(
            "mariadb -h {} -P {} -u {} -p'{}' {}",
            a.host, a.port, a.user, a.password, a.database
        )
    },
    other_clients: |_| Vec::new(),
};

/// The administrator account epreuve makes on MongoDB servers of its own (in `admin`).
pub const MONGODB_ADMIN: &str = "epreuve_admin";

/// MongoDB 8.0, or any server that speaks its wire protocol. Every account lives in the
/// server's `admin` database, so that the candidate, who administers their own database, can
/// neither see nor change the grading account.
pub const MONGODB: ServerKind = ServerKind {
    engine: Engine::MongoDb,
    scheme: "mongodb",
    // Every account epreuve makes lives in `admin`.
    url_options: "?authSource=admin",
    official_image: "mongo:8.0",
    // Debian ships no MongoDB: there is nothing to build an image from.
    local_image: None,
    container_port: "27017/tcp",
    container_admin: (MONGODB_ADMIN, "admin"),
    container_env: |password| {
        vec![
            format!("MONGO_INITDB_ROOT_USERNAME={MONGODB_ADMIN}"),
            format!("MONGO_INITDB_ROOT_PASSWORD={password}"),
        ]
    },
    // No server-side JavaScript ($where, $function, mapReduce): a candidate's query runs none.
    container_args: &["--noscripting"],
    // Frozen through the driver as canonical Extended JSON (`MongoDb::freeze`): MongoDB's
    // database tools are not always installed where candidates sit.
    dump_program: None,
    dump_file: "database.jsonl",
    restore_program: None,
    process: "mongod",
    pid_file: "mongod.pid",
    stop_signal: StopSignal::Term,
    client_line: |a| format!("mongosh '{}'", a.url()),
    other_clients: |a| {
        vec![
            ("pymongo", format!("pymongo.MongoClient(\"{}\")", a.url())),
            ("Compass", a.url()),
        ]
    },
};

impl ServerKind {
    /// The server engine `engine` is; `None` for DuckDB, a file in the workspace.
    pub fn of(engine: Engine) -> Option<&'static ServerKind> {
        match engine {
            Engine::DuckDb => None,
            Engine::Postgres => Some(&POSTGRES),
            Engine::MariaDb => Some(&MARIADB),
            Engine::MongoDb => Some(&MONGODB),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_engine_has_its_kind_and_only_those() {
        for engine in Engine::ALL {
            let kind = ServerKind::of(engine);
            assert_eq!(kind.is_some(), engine.runs_a_server(), "{engine}");
            if let Some(kind) = kind {
                assert_eq!(kind.engine, engine);
            }
        }
    }
}
