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
///
/// The workspace's `state.json` holds it without the grading account (see
/// [`DatabaseLocation::for_candidate`]): the candidate's machine never learns how grading logs
/// in. A location read from a workspace is hostile input until [`DatabaseLocation::check`]
/// has accepted it.
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
        /// How the candidate logs in.
        address: ServerAddress,
        /// The read-only account grading uses; kept on the centre's side only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grader: Option<ServerAddress>,
        /// The server's administrator, which made both accounts; kept on the centre's side
        /// only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        admin: Option<ServerAddress>,
    },
    /// A server started from the host's binaries, its files inside the workspace.
    Local {
        /// Data folder, relative to the workspace (always `.epreuve/server/data`).
        data_dir: PathBuf,
        /// How the candidate logs in.
        address: ServerAddress,
        /// The read-only account grading uses; kept on the centre's side only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grader: Option<ServerAddress>,
        /// The server's administrator, which made both accounts; kept on the centre's side
        /// only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        admin: Option<ServerAddress>,
    },
    /// A database created on a server the centre runs.
    Url {
        /// How the candidate logs in to their database, with a role of their own.
        address: ServerAddress,
        /// The read-only account grading uses; kept on the centre's side only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grader: Option<ServerAddress>,
    },
}

impl DatabaseLocation {
    /// The candidate's server address, for servers.
    pub fn address(&self) -> Option<&ServerAddress> {
        match self {
            Self::Embedded { .. } => None,
            Self::Docker { address, .. }
            | Self::Local { address, .. }
            | Self::Url { address, .. } => Some(address),
        }
    }

    /// The grading account, when this location knows it (the centre's copy does).
    pub fn grader(&self) -> Option<&ServerAddress> {
        match self {
            Self::Embedded { .. } => None,
            Self::Docker { grader, .. } | Self::Local { grader, .. } | Self::Url { grader, .. } => {
                grader.as_ref()
            }
        }
    }

    /// The administrator of a server epreuve made (the centre's copy knows it).
    pub fn admin(&self) -> Option<&ServerAddress> {
        match self {
            Self::Docker { admin, .. } | Self::Local { admin, .. } => admin.as_ref(),
            _ => None,
        }
    }

    /// The same location without the grading and administrator accounts: what the
    /// candidate's workspace keeps.
    pub fn for_candidate(&self) -> Self {
        let mut out = self.clone();
        match &mut out {
            Self::Embedded { .. } => {}
            Self::Docker { grader, admin, .. } | Self::Local { grader, admin, .. } => {
                *grader = None;
                *admin = None;
            }
            Self::Url { grader, .. } => *grader = None,
        }
        out
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

    /// Refuses a location epreuve would not have made: a database file other than the
    /// workspace's `base.duckdb`, a server folder elsewhere than `.epreuve/server/data`, a
    /// container not named by epreuve. Each is a path or a name epreuve would otherwise open,
    /// start or remove on the word of a file the candidate can edit.
    pub fn check(&self) -> Result<(), epreuve_i18n::Said> {
        match self {
            Self::Embedded { file } if file == crate::DUCKDB_FILE => Ok(()),
            Self::Embedded { file } => Err(epreuve_i18n::said!(
                "location-file",
                file = file,
                expected = crate::DUCKDB_FILE
            )),
            Self::Local { data_dir, .. }
                if data_dir == std::path::Path::new(crate::local::DATA_DIR) =>
            {
                Ok(())
            }
            Self::Local { data_dir, .. } => Err(epreuve_i18n::said!(
                "location-server-dir",
                dir = data_dir.display().to_string(),
                expected = crate::local::DATA_DIR
            )),
            Self::Docker { container, .. }
                if container.starts_with("epreuve-")
                    && container.len() <= 128
                    && container
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Ok(())
            }
            Self::Docker { container, .. } => Err(epreuve_i18n::said!(
                "location-container",
                container = container
            )),
            Self::Url { .. } => Ok(()),
        }
    }
}
