//! Where a server database is and how to log in: the address epreuve stores, parses from a
//! URL the user gives, and shows without its password.

use serde::{Deserialize, Serialize};

use epreuve_i18n::{Said, said};

use crate::Engine;

/// Where a server database is and how to log in. The password is kept so that epreuve can
/// reconnect; it is never printed by [`ServerAddress::redacted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerAddress {
    /// PostgreSQL or MariaDB.
    pub engine: Engine,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Database name.
    pub database: String,
}

impl ServerAddress {
    /// `postgres://user:password@host:port/database` (or `mysql://…`, `mongodb://…`), for
    /// drivers; without `user:password@` when there is no account yet (a new local server).
    pub fn url(&self) -> String {
        let credentials = if self.user.is_empty() {
            String::new()
        } else {
            format!("{}:{}@", encode(&self.user), encode(&self.password))
        };
        format!(
            "{}://{credentials}{}:{}/{}{}",
            self.scheme(),
            self.host,
            self.port,
            encode(&self.database),
            self.options()
        )
    }

    /// The same address with the password hidden, for people and logs.
    pub fn redacted(&self) -> String {
        format!(
            "{}://{}:***@{}:{}/{}{}",
            self.scheme(),
            self.user,
            self.host,
            self.port,
            self.database,
            self.options()
        )
    }

    /// What follows the database in a URL (where MongoDB finds the account).
    fn options(&self) -> &'static str {
        super::ServerKind::of(self.engine).map_or("", |kind| kind.url_options)
    }

    fn scheme(&self) -> &'static str {
        super::ServerKind::of(self.engine).map_or("duckdb", |kind| kind.scheme)
    }

    /// Reads `postgres://user:password@host:port/db`, `mysql://…` (also `postgresql://`,
    /// `mariadb://`) or `mongodb://…`. The database may be absent; what follows `?` is not
    /// kept (a MongoDB account is looked for in `admin`).
    pub fn parse(url: &str) -> Result<Self, Said> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| said!("url-not-a-url", url = url))?;
        let engine = match scheme {
            "postgres" | "postgresql" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::MariaDb,
            "mongodb" => Engine::MongoDb,
            "mongodb+srv" => {
                return Err(said!("url-mongodb-srv"));
            }
            other => {
                return Err(said!("url-unknown-scheme", scheme = other));
            }
        };
        let (credentials, location) = rest
            .rsplit_once('@')
            .ok_or_else(|| said!("url-no-user", url = redact(url)))?;
        let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
        let (host_port, database) = location.split_once('/').unwrap_or((location, ""));
        let database = database.split('?').next().unwrap_or("");
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| said!("url-bad-port", port = port, url = redact(url)))?,
            ),
            None => (host_port, engine.default_port()),
        };
        if host.is_empty() || user.is_empty() {
            return Err(said!("url-no-host", url = redact(url)));
        }
        Ok(Self {
            engine,
            host: host.to_owned(),
            port,
            user: decode(user),
            password: decode(password),
            database: decode(database),
        })
    }
}

/// A URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            let credentials = &url[start + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_round_trip_and_hide_passwords() {
        let a = ServerAddress::parse("postgres://epreuve:p%40ss@127.0.0.1:5433/cand_1").unwrap();
        assert_eq!(
            (a.engine, a.port, a.password.as_str()),
            (Engine::Postgres, 5433, "p@ss")
        );
        assert_eq!(a.url(), "postgres://epreuve:p%40ss@127.0.0.1:5433/cand_1");
        assert_eq!(a.redacted(), "postgres://epreuve:***@127.0.0.1:5433/cand_1");
        let m = ServerAddress::parse("mariadb://root:x@db").unwrap();
        assert_eq!(
            (m.engine, m.port, m.database.as_str()),
            (Engine::MariaDb, 3306, "")
        );
        assert!(
            ServerAddress::parse("oracle://a:b@c")
                .unwrap_err()
                .english()
                .contains("oracle")
        );
        assert!(
            ServerAddress::parse("postgres://a:b@c:port")
                .unwrap_err()
                .english()
                .contains("port")
        );
        assert_eq!(redact("mysql://u:secret@h:1/d"), "mysql://u:***@h:1/d");
    }
}
