//! How a candidate connects to their database, in words and in the commands of the tools
//! they have (the DuckDB command line, Python, DBeaver, psql, the MariaDB client).

use std::path::Path;

use epreuve_db::ServerKind;
use epreuve_i18n::{Lang, tr};
use epreuve_provision::DatabaseLocation;

/// The connection of the database at `location`, for the workspace at `root`: where it is,
/// the account, and a command for each tool, in `lang`.
pub fn help(root: &Path, location: &DatabaseLocation, lang: Lang) -> String {
    match location {
        DatabaseLocation::Embedded { file } => {
            let path = root.join(file);
            let path = std::path::absolute(&path).unwrap_or(path);
            let p = path.display().to_string();
            format!(
                "{}\n  duckdb CLI:   duckdb {p}\n  Python:       duckdb.connect(r\"{p}\")\n  DBeaver:      {}",
                tr!(lang, "conn-duckdb-file", path = p.as_str()),
                tr!(lang, "conn-dbeaver", path = p.as_str()),
            )
        }
        other => {
            let a = other.address().expect("servers have an address");
            let kind = ServerKind::of(a.engine);
            let client = kind.map(|kind| (kind.client_line)(a)).unwrap_or_default();
            let others: String = kind
                .map(|kind| (kind.other_clients)(a))
                .unwrap_or_default()
                .into_iter()
                .map(|(tool, line)| format!("\n  {:<8} {line}", format!("{tool}:")))
                .collect();
            let how = match other {
                DatabaseLocation::Docker {
                    container, image, ..
                } => tr!(
                    lang,
                    "conn-docker",
                    container = container.as_str(),
                    image = image.to_string()
                ),
                DatabaseLocation::Local { data_dir, .. } => {
                    tr!(lang, "conn-local", dir = data_dir.display().to_string())
                }
                _ => tr!(lang, "conn-centre"),
            };
            format!(
                "{} {how}\n  {}\n  client:  {client}{others}\n  URL:     {}",
                a.engine.label(),
                tr!(
                    lang,
                    "conn-account",
                    host = a.host.as_str(),
                    port = a.port.to_string(),
                    user = a.user.as_str(),
                    password = a.password.as_str(),
                    database = a.database.as_str()
                ),
                a.url()
            )
        }
    }
}
