//! What can go wrong getting a database, each with what to do about it.

use epreuve_i18n::{Said, said};

use epreuve_db::DbError;

/// Provisioning errors.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The engine and the route do not go together, or an option is missing.
    Unsupported {
        /// What to do instead.
        detail: Said,
    },
    /// No Docker daemon answers.
    NoDocker {
        /// The client's words.
        detail: Said,
    },
    /// The image is not on this machine and cannot be pulled.
    ImageMissing {
        /// Image reference.
        image: String,
        /// The daemon's words.
        detail: Said,
        /// What to do.
        hint: Said,
    },
    /// The port asked for is in use.
    PortTaken {
        /// Port.
        port: u16,
        /// The system's words.
        detail: Said,
    },
    /// A Docker call failed.
    Docker {
        /// What was being done.
        action: Said,
        /// The daemon's words.
        detail: Said,
    },
    /// A program the `local` route needs is not installed.
    NotInstalled {
        /// Program name.
        program: String,
        /// Debian package that provides it.
        package: Said,
    },
    /// The server did not start, or stopped.
    ServerFailed {
        /// Which server.
        what: Said,
        /// Log lines or exit status.
        detail: Said,
    },
    /// A step of making a local server (a program epreuve runs) failed.
    StepFailed {
        /// What epreuve was doing, a verb phrase (`create the PostgreSQL cluster (initdb)`).
        action: Said,
        /// Log lines or exit status.
        detail: Said,
    },
    /// The server did not answer `SELECT 1` in time.
    NotReady {
        /// Which server.
        what: Said,
        /// Limit reached.
        seconds: u64,
        /// The last error.
        detail: Said,
    },
    /// `--url` is malformed or names an unknown scheme.
    BadUrl {
        /// What is wrong.
        detail: Said,
    },
    /// The server at `--url` cannot be reached or refused the login.
    Unreachable {
        /// The URL, password hidden.
        url: String,
        /// The driver's words.
        detail: Said,
    },
    /// The candidate's database already exists on the shared server.
    DatabaseExists {
        /// Database name.
        name: String,
        /// Server, password hidden.
        url: String,
    },
    /// The user pressed Ctrl-C.
    Cancelled,
    /// File system or process trouble.
    Io {
        /// What was being done.
        action: Said,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The database itself failed.
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

    pub(crate) fn io(action: Said) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::Io { action, source }
    }
}

impl ProvisionError {
    /// The error as a message of the catalogues, for the reader's language.
    pub fn said(&self) -> Said {
        match self {
            Self::Unsupported { detail } => detail.clone(),
            Self::NoDocker { detail } => said!("err-no-docker", detail = detail.clone()),
            Self::ImageMissing {
                image,
                detail,
                hint,
            } => said!(
                "err-image-missing",
                image = image,
                detail = detail.clone(),
                hint = hint.clone()
            ),
            Self::PortTaken { port, detail } => {
                said!(
                    "err-port-taken",
                    port = port.to_string(),
                    detail = detail.clone()
                )
            }
            Self::Docker { action, detail } => said!(
                "err-docker",
                action = action.clone(),
                detail = detail.clone()
            ),
            Self::NotInstalled { program, package } => {
                said!(
                    "err-not-installed",
                    program = program,
                    package = package.clone()
                )
            }
            Self::ServerFailed { what, detail } => {
                said!(
                    "err-server-failed",
                    what = what.clone(),
                    detail = detail.clone()
                )
            }
            Self::StepFailed { action, detail } => said!(
                "err-step-failed",
                action = action.clone(),
                detail = detail.clone()
            ),
            Self::NotReady {
                what,
                seconds,
                detail,
            } => said!(
                "err-not-ready",
                what = what.clone(),
                seconds = *seconds,
                detail = detail.clone()
            ),
            Self::BadUrl { detail } => said!("err-bad-url", detail = detail.clone()),
            Self::Unreachable { url, detail } => {
                said!("err-unreachable", url = url, detail = detail.clone())
            }
            Self::DatabaseExists { name, url } => {
                said!("err-database-exists", name = name, url = url)
            }
            Self::Cancelled => said!("err-cancelled"),
            Self::Io { action, source } => said!(
                "err-io-action",
                action = action.clone(),
                error = source.to_string()
            ),
            Self::Db(e) => e.said(),
        }
    }
}

epreuve_i18n::says_itself!(ProvisionError);
