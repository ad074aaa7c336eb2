//! How a candidate connects to their database, in words and in the commands of the tools
//! they have (the DuckDB command line, Python, DBeaver, psql, the MariaDB client).

use std::path::Path;

use epreuve_db::Engine;
use epreuve_provision::DatabaseLocation;

/// The connection of the database at `location`, for the workspace at `root`: where it is,
/// the account, and a command for each tool.
pub fn help(root: &Path, location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::Embedded { file } => {
            let path = root.join(file);
            let path = std::path::absolute(&path).unwrap_or(path);
            format!(
                "DuckDB file {p}\n  duckdb CLI:   duckdb {p}\n  Python:       duckdb.connect(r\"{p}\")\n  DBeaver:      new DuckDB connection, path {p}",
                p = path.display()
            )
        }
        other => {
            let a = other.address().expect("servers have an address");
            let client = match a.engine {
                Engine::MariaDb => format!(
                    "mariadb -h {} -P {} -u {} -p'{}' {}",
                    a.host, a.port, a.user, a.password, a.database
                ),
                _ => format!(
                    "PGPASSWORD='{}' psql -h {} -p {} -U {} {}",
                    a.password, a.host, a.port, a.user, a.database
                ),
            };
            let how = match other {
                DatabaseLocation::Docker {
                    container, image, ..
                } => {
                    format!("Docker container {container} ({image})")
                }
                DatabaseLocation::Local { data_dir, .. } => {
                    format!("local server, files in {}", data_dir.display())
                }
                _ => "database on the centre's server".to_owned(),
            };
            format!(
                "{} {how}\n  host {}  port {}  user {}  password {}  database {}\n  client:  {client}\n  URL:     {}",
                a.engine.label(),
                a.host,
                a.port,
                a.user,
                a.password,
                a.database,
                a.url()
            )
        }
    }
}
