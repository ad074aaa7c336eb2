//! The `local` route: a throwaway server started from the programs installed on the host
//! (`initdb` + `pg_ctl`, `mariadb-install-db` + `mariadbd`, `mongod` or the server
//! `EPREUVE_MONGOD` names), its files in the workspace's
//! `.epreuve/server/`, listening on 127.0.0.1 on a free port. For exam rooms without Docker.
//!
//! The server runs in its own process group, so that Ctrl-C in the candidate's terminal after
//! `start` does not stop it; `epreuve db down` does.
//!
//! Nothing the workspace records is run or signalled on its word: the programs are found by
//! epreuve on this machine, and a process id read from the server's folder is signalled only
//! when that process is the server program and works in that very folder.

use std::path::Path;
use std::time::Duration;

use epreuve_db::{Engine, ServerKind, StopSignal, open_server};
use rustix::process::Signal;

use crate::absolute;
use crate::wait::{ensure_free, free_port, until_ready};
use crate::{Cancel, DatabaseLocation, ProvisionError, Request};

mod mariadb;
mod mongodb;
mod postgres;
mod process;

use mariadb::*;
use postgres::*;
pub use process::find_program;
use process::*;

/// The PostgreSQL administrator of a local cluster; its password is kept in the centre's
/// record only.
const ADMIN: &str = epreuve_db::POSTGRES_ADMIN;
/// How long a new server may take to answer.
const READY_LIMIT: Duration = Duration::from_secs(60);
/// Folder of the server's files, inside the workspace.
const SERVER_DIR: &str = ".epreuve/server";
/// The server's data folder, inside the workspace.
pub(crate) const DATA_DIR: &str = ".epreuve/server/data";

pub(crate) fn provision(
    root: &Path,
    request: &Request,
) -> Result<DatabaseLocation, ProvisionError> {
    let root = &absolute(root);
    let port = match request.port {
        Some(port) => {
            ensure_free(port)?;
            port
        }
        None => free_port()?,
    };
    let server_dir = root.join(SERVER_DIR);
    let result = match request.engine {
        Engine::MariaDb => mariadb(root, &server_dir, port, &request.cancel),
        Engine::MongoDb => mongodb::mongodb(root, &server_dir, port, &request.cancel),
        Engine::DuckDb | Engine::Postgres => postgres(root, &server_dir, port, &request.cancel),
    };
    if let Err(error) = &result {
        tracing::debug!("local server failed: {error}");
        kill_leftover(&server_dir, request.engine);
        let _ = std::fs::remove_dir_all(&server_dir);
    }
    result
}

/// Starts a server whose files are already in the workspace.
/// Ends the local server a `start` left running when it was killed before it could clean up
/// (`kill -9`, a power cut): the server of the workspace's own folder, of either engine, and
/// only when its process really is that server (see `process::server_pid`).
pub(crate) fn end_leftover(root: &Path) {
    let root = &absolute(root);
    let server_dir = root.join(SERVER_DIR);
    if server_dir.is_dir() {
        for engine in Engine::servers() {
            kill_leftover(&server_dir, engine);
        }
        // A server killed with its start may not have written its pid file yet.
        for pid in process::servers_working_in(&server_dir) {
            process::end_process(pid, rustix::process::Signal::KILL, Duration::from_secs(10));
        }
    }
}

pub(crate) fn up(
    root: &Path,
    location: &DatabaseLocation,
    cancel: &Cancel,
) -> Result<(), ProvisionError> {
    let DatabaseLocation::Local { address, .. } = location else {
        return Ok(());
    };
    let root = &absolute(root);
    if open_server(address).is_ok() {
        return Ok(());
    }
    let server_dir = root.join(SERVER_DIR);
    let data = root.join(DATA_DIR);
    ensure_free(address.port)?;
    match address.engine {
        Engine::MongoDb => mongodb::restart(&data, &server_dir, address, cancel),
        Engine::MariaDb => {
            let mariadbd = find_program("mariadbd", "mariadb-server")?;
            let mut child = spawn_mariadbd(&mariadbd, &data, &server_dir, address.port)?;
            until_ready(Some(address), cancel, READY_LIMIT, || {
                exited(&mut child, &server_dir)
            })
        }
        Engine::DuckDb | Engine::Postgres => {
            let pg_ctl = find_program("initdb", "postgresql")?.with_file_name("pg_ctl");
            pg_ctl_start(&pg_ctl, &data, &server_dir, address.port)?;
            until_ready(Some(address), cancel, READY_LIMIT, || Ok(()))
        }
    }
}

/// Stops the server; its files stay in the workspace.
pub(crate) fn stop(root: &Path, location: &DatabaseLocation) -> Result<(), ProvisionError> {
    let DatabaseLocation::Local { address, .. } = location else {
        return Ok(());
    };
    let root = &absolute(root);
    let server_dir = root.join(SERVER_DIR);
    let Some(pid) = server_pid(&server_dir, address.engine) else {
        return Ok(());
    };
    // SIGTERM: MariaDB shuts down cleanly; PostgreSQL does a "smart" shutdown, so SIGINT
    // ("fast") is sent to it instead, which ends the candidate's open sessions.
    let signal = match ServerKind::of(address.engine).map(|kind| kind.stop_signal) {
        Some(StopSignal::Int) => Signal::INT,
        Some(StopSignal::Term) | None => Signal::TERM,
    };
    if !end_process(pid, signal, Duration::from_secs(30)) {
        end_process(pid, Signal::KILL, Duration::from_secs(10));
    }
    Ok(())
}
