//! What can go wrong getting a database, each with what to do about it.

use epreuve_db::DbError;

/// Provisioning errors.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The engine and the route do not go together, or an option is missing.
    #[error("{detail}")]
    Unsupported {
        /// What to do instead.
        detail: String,
    },
    /// No Docker daemon answers.
    #[error(
        "Docker is not available ({detail}). Start the Docker daemon, or take the exam without \
         it: `--via local` starts a server from the programs installed on this machine, and \
         leaving out --engine uses the embedded DuckDB database"
    )]
    NoDocker {
        /// The client's words.
        detail: String,
    },
    /// The image is not on this machine and cannot be pulled.
    #[error("the image {image} is not available: {detail}. {hint}")]
    ImageMissing {
        /// Image reference.
        image: String,
        /// The daemon's words.
        detail: String,
        /// What to do.
        hint: String,
    },
    /// The port asked for is in use.
    #[error(
        "port {port} on 127.0.0.1 is already taken ({detail}); choose another with --port, or leave it out to get a free one"
    )]
    PortTaken {
        /// Port.
        port: u16,
        /// The system's words.
        detail: String,
    },
    /// A Docker call failed.
    #[error("Docker could not {action}: {detail}")]
    Docker {
        /// What was being done.
        action: String,
        /// The daemon's words.
        detail: String,
    },
    /// A program the `local` route needs is not installed.
    #[error("`{program}` was not found; install the Debian package {package}, or use --via docker")]
    NotInstalled {
        /// Program name.
        program: String,
        /// Debian package that provides it.
        package: String,
    },
    /// The server did not start, or stopped.
    #[error("the {what} did not start: {detail}")]
    ServerFailed {
        /// Which server.
        what: String,
        /// Log lines or exit status.
        detail: String,
    },
    /// The server did not answer `SELECT 1` in time.
    #[error("the {what} did not answer `SELECT 1` within {seconds} s: {detail}")]
    NotReady {
        /// Which server.
        what: String,
        /// Limit reached.
        seconds: u64,
        /// The last error.
        detail: String,
    },
    /// `--url` is malformed or names an unknown scheme.
    #[error("--url: {detail}")]
    BadUrl {
        /// What is wrong.
        detail: String,
    },
    /// The server at `--url` cannot be reached or refused the login.
    #[error("cannot connect to {url}: {detail}. Check the host, port, user and password")]
    Unreachable {
        /// The URL, password hidden.
        url: String,
        /// The driver's words.
        detail: String,
    },
    /// The candidate's database already exists on the shared server.
    #[error(
        "the database {name} already exists on {url}; use another --candidate, or drop it if it is left from an earlier session"
    )]
    DatabaseExists {
        /// Database name.
        name: String,
        /// Server, password hidden.
        url: String,
    },
    /// The user pressed Ctrl-C.
    #[error("cancelled: everything started so far was removed")]
    Cancelled,
    /// File system or process trouble.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done.
        action: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The database itself failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl ProvisionError {
    /// True when the machine or a server is at fault rather than what the user typed.
    pub fn is_infrastructure(&self) -> bool {
        match self {
            Self::NoDocker { .. }
            | Self::ImageMissing { .. }
            | Self::Docker { .. }
            | Self::ServerFailed { .. }
            | Self::NotReady { .. }
            | Self::Unreachable { .. }
            | Self::Io { .. } => true,
            Self::Db(e) => e.is_infrastructure(),
            _ => false,
        }
    }

    pub(crate) fn io(action: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let action = action.into();
        move |source| Self::Io { action, source }
    }
}
