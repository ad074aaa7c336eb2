//! What can go wrong getting a database, each with what to do about it.

use epreuve_i18n::{Said, said};

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
         an SQL exam taken without --engine uses the embedded DuckDB database"
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
    /// A step of making a local server (a program epreuve runs) failed.
    #[error("cannot {action}: {detail}")]
    StepFailed {
        /// What epreuve was doing, a verb phrase (`create the PostgreSQL cluster (initdb)`).
        action: String,
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
            | Self::StepFailed { .. }
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

impl ProvisionError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> Said {
        match self {
            Self::Unsupported { detail } => said!("err-text", text = detail),
            Self::NoDocker { detail } => said!("err-no-docker", detail = detail),
            Self::ImageMissing {
                image,
                detail,
                hint,
            } => said!(
                "err-image-missing",
                image = image,
                detail = detail,
                hint = hint
            ),
            Self::PortTaken { port, detail } => {
                said!("err-port-taken", port = port.to_string(), detail = detail)
            }
            Self::Docker { action, detail } => said!(
                "err-docker",
                action = epreuve_i18n::action(action),
                detail = detail
            ),
            Self::NotInstalled { program, package } => {
                said!("err-not-installed", program = program, package = package)
            }
            Self::ServerFailed { what, detail } => {
                said!("err-server-failed", what = what, detail = detail)
            }
            Self::StepFailed { action, detail } => said!(
                "err-step-failed",
                action = epreuve_i18n::action(action),
                detail = detail
            ),
            Self::NotReady {
                what,
                seconds,
                detail,
            } => said!(
                "err-not-ready",
                what = what,
                seconds = *seconds,
                detail = detail
            ),
            Self::BadUrl { detail } => said!("err-bad-url", detail = detail),
            Self::Unreachable { url, detail } => {
                said!("err-unreachable", url = url, detail = detail)
            }
            Self::DatabaseExists { name, url } => {
                said!("err-database-exists", name = name, url = url)
            }
            Self::Cancelled => said!("err-cancelled"),
            Self::Io { action, source } => said!(
                "err-io-action",
                action = epreuve_i18n::action(action),
                error = source.to_string()
            ),
            Self::Db(e) => e.said(),
        }
    }
}
