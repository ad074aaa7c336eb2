//! Ways to get a database for a workspace, and to give it back.
//!
//! | route      | engines            | what epreuve does |
//! |------------|--------------------|-------------------|
//! | `embedded` | DuckDB             | creates one file in the workspace |
//! | `docker`   | PostgreSQL, MariaDB | runs a labelled container through the Docker Engine API, port on 127.0.0.1 only |
//! | `local`    | PostgreSQL, MariaDB | starts a throwaway server from the host's binaries, data inside the workspace |
//! | `url`      | PostgreSQL, MariaDB | creates one database per candidate on a server the centre runs |
//!
//! A database counts as ready only once `SELECT 1` answers. Whatever fails or is cancelled
//! half-way is removed before the error is returned.

mod accounts;
mod cancel;
mod docker;
mod error;
mod images;
mod local;
mod location;
mod url;
mod wait;

pub use wait::slug as server_name;

use std::path::Path;

pub use cancel::Cancel;
pub use docker::{OFFICIAL_MARIADB, OFFICIAL_POSTGRES, sweep};
pub use epreuve_db::Engine;
pub use error::ProvisionError;
pub use images::{BuildEvent, LOCAL_BASE, build_images, local_image};
pub use local::find_program;
pub use location::{DatabaseLocation, ImageSource, Route};

use epreuve_db::{Backend, DbError, DuckDb, Loader, ServerKind, connect_server, open_server};

/// `root` as an absolute path, for what outlives the current folder or runs elsewhere: the
/// servers' programs run in folders of their own (`mariadb-install-db` in `/usr`, where a
/// workspace given as `--dir ws` would name another folder), and a container's label names
/// its workspace wherever `db down` is run from.
pub(crate) fn absolute(root: &Path) -> std::path::PathBuf {
    std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf())
}

/// File name of the embedded database inside a workspace.
pub const DUCKDB_FILE: &str = "base.duckdb";

/// What `start` asks for.
#[derive(Debug, Clone)]
pub struct Request {
    /// Engine wanted.
    pub engine: Engine,
    /// How to get it.
    pub route: Route,
    /// Candidate identifier (container labels, database name on a shared server).
    pub candidate: String,
    /// Official images or the ones `epreuve images build` makes (route `docker`).
    pub images: ImageSource,
    /// Server to create the candidate's database on (route `url`).
    pub url: Option<String>,
    /// Port to listen on (routes `docker` and `local`); a free one when absent.
    pub port: Option<u16>,
    /// Set when the user presses Ctrl-C.
    pub cancel: Cancel,
}

/// Gets the database `request` describes for the workspace at `root`, and waits until it
/// answers. Nothing is left behind when this fails or is cancelled.
pub fn provision(root: &Path, request: &Request) -> Result<DatabaseLocation, ProvisionError> {
    request.cancel.check()?;
    match (ServerKind::of(request.engine), request.route) {
        (None, Route::Embedded) => {
            drop(DuckDb::create(&root.join(DUCKDB_FILE))?);
            Ok(DatabaseLocation::Embedded {
                file: DUCKDB_FILE.into(),
            })
        }
        (None, route) => Err(ProvisionError::Unsupported {
            detail: epreuve_i18n::said!("route-duckdb-embedded", route = route.to_string()),
        }),
        (Some(kind), Route::Embedded) => Err(ProvisionError::Unsupported {
            detail: epreuve_i18n::said!("route-server-needs-via", engine = kind.engine.label()),
        }),
        (Some(kind), Route::Docker) => docker::provision(root, request, kind),
        (Some(_), Route::Local) => local::provision(root, request),
        (Some(_), Route::Url) => url::provision(request),
    }
}

/// Opens the database of a workspace for grading and evidence, read-only: the file in the
/// engine's sandbox, or the server through the grading account when `location` knows it (the
/// centre's copy), else through the candidate's own account in read-only transactions.
pub fn open(root: &Path, location: &DatabaseLocation) -> Result<Box<dyn Backend>, DbError> {
    match location {
        DatabaseLocation::Embedded { file } => {
            Ok(Box::new(DuckDb::open_read_only(&root.join(file))?))
        }
        other => {
            let account = other
                .grader()
                .or(other.address())
                .expect("servers have an address");
            open_server(account)
        }
    }
}

/// Opens the database of a workspace with the candidate's rights (the preloaded tables of
/// `start`, a shipped solution).
pub fn open_writable(root: &Path, location: &DatabaseLocation) -> Result<Box<dyn Loader>, DbError> {
    match location {
        DatabaseLocation::Embedded { file } => Ok(Box::new(DuckDb::create(&root.join(file))?)),
        other => connect_server(other.address().expect("servers have an address")),
    }
}

/// The grading account on the servers epreuve makes for one workspace.
pub const GRADER: &str = "epreuve_grader";

/// Ends what a `start` killed half-way left running in the workspace folder `root` (a local
/// server in `.epreuve/server/`); containers are swept by their labels at the next start.
pub fn end_leftover(root: &Path) {
    local::end_leftover(root);
}

/// Starts the database again after `down` or a reboot (`docker` and `local`), and waits until
/// it answers.
pub fn up(root: &Path, location: &DatabaseLocation, cancel: &Cancel) -> Result<(), ProvisionError> {
    match location {
        DatabaseLocation::Embedded { .. } | DatabaseLocation::Url { .. } => wait::until_ready(
            location.address(),
            cancel,
            std::time::Duration::from_secs(10),
            || Ok(()),
        ),
        DatabaseLocation::Docker { .. } => docker::up(root, location, cancel),
        DatabaseLocation::Local { .. } => local::up(root, location, cancel),
    }
}

/// Stops the database and removes what epreuve made for it: the container and its volume,
/// the local server (its files stay in the workspace), or the candidate's database and roles
/// on a shared server, which needs the centre's account (`admin_url`). The embedded file is
/// never deleted.
pub fn down(
    root: &Path,
    location: &DatabaseLocation,
    admin_url: Option<&str>,
) -> Result<(), ProvisionError> {
    match location {
        DatabaseLocation::Embedded { .. } => Ok(()),
        DatabaseLocation::Docker { container, .. } => docker::remove(root, container),
        DatabaseLocation::Local { .. } => local::stop(root, location),
        DatabaseLocation::Url { .. } => url::drop_database(location, admin_url),
    }
}

/// Whether the database answers `SELECT 1` now.
pub fn answers(root: &Path, location: &DatabaseLocation) -> Result<(), DbError> {
    open(root, location)?.ping()
}
