//! Where a workspace's database is, as `.epreuve/state.json` records it.

use std::path::PathBuf;

use epreuve_db::ServerAddress;
use serde::{Deserialize, Serialize};

/// How to get a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// DuckDB in a file of the workspace.
    Embedded,
    /// A container through the Docker Engine API.
    Docker,
    /// A server started from the host's binaries.
    Local,
    /// A database created on a server at a URL.
    Url,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Embedded => "embedded",
            Self::Docker => "docker",
            Self::Local => "local",
            Self::Url => "url",
        })
    }
}

/// Which images the `docker` route runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageSource {
    /// The official images, pulled when missing (pinned tags).
    #[default]
    Official,
    /// The images `epreuve images build` makes from Debian's packages.
    Local,
}

/// Where the database is and how to get it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum DatabaseLocation {
    /// An embedded DuckDB file, relative to the workspace.
    Embedded {
        /// File name inside the workspace.
        file: String,
    },
    /// A container.
    Docker {
        /// Container name.
        container: String,
        /// Image it runs.
        image: String,
        /// How to log in.
        address: ServerAddress,
        /// The read-only account grading uses, so that a candidate's query never runs with
        /// the candidate's (superuser) rights.
        #[serde(default)]
        grader: Option<ServerAddress>,
    },
    /// A server started from the host's binaries, its files inside the workspace.
    Local {
        /// Data folder, relative to the workspace.
        data_dir: PathBuf,
        /// Server program that was started.
        program: PathBuf,
        /// How to log in.
        address: ServerAddress,
        /// The read-only account grading uses.
        #[serde(default)]
        grader: Option<ServerAddress>,
    },
    /// A database created on a server the centre runs.
    Url {
        /// How to log in to the candidate's database.
        address: ServerAddress,
    },
}

impl DatabaseLocation {
    /// The server address, for servers.
    pub fn address(&self) -> Option<&ServerAddress> {
        match self {
            Self::Embedded { .. } => None,
            Self::Docker { address, .. } | Self::Local { address, .. } | Self::Url { address } => {
                Some(address)
            }
        }
    }

    /// The account grading logs in with: the read-only one where epreuve made it, else the
    /// candidate's.
    pub fn grading_address(&self) -> Option<&ServerAddress> {
        match self {
            Self::Docker {
                grader: Some(grader),
                ..
            }
            | Self::Local {
                grader: Some(grader),
                ..
            } => Some(grader),
            other => other.address(),
        }
    }

    /// The route that made it.
    pub fn route(&self) -> Route {
        match self {
            Self::Embedded { .. } => Route::Embedded,
            Self::Docker { .. } => Route::Docker,
            Self::Local { .. } => Route::Local,
            Self::Url { .. } => Route::Url,
        }
    }
}
