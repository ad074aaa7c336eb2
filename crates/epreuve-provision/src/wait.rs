//! Waiting for a database to answer `SELECT 1`.

use epreuve_i18n::said;
use std::time::{Duration, Instant};

use epreuve_db::{ServerAddress, open_server};

use crate::{Cancel, ProvisionError};

/// Polls until the server at `address` answers `SELECT 1`, `limit` passes, the user
/// cancels, or `alive` says the server is gone. No address (an embedded file) is ready.
pub(crate) fn until_ready(
    address: Option<&ServerAddress>,
    cancel: &Cancel,
    limit: Duration,
    mut alive: impl FnMut() -> Result<(), ProvisionError>,
) -> Result<(), ProvisionError> {
    let Some(address) = address else {
        return Ok(());
    };
    let started = Instant::now();
    loop {
        cancel.check()?;
        alive()?;
        let last = match open_server(address).and_then(|db| db.ping()) {
            Ok(()) => return Ok(()),
            Err(e) => e.said(),
        };
        if started.elapsed() >= limit {
            return Err(ProvisionError::NotReady {
                what: epreuve_i18n::said!("what-server", engine = address.engine.label()),
                seconds: limit.as_secs(),
                detail: last,
            });
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A random password of 20 letters and digits, from the system's random source.
pub(crate) fn random_token(len: usize) -> Result<String, ProvisionError> {
    use std::io::Read;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = vec![0u8; len];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(ProvisionError::io(said!("action-read-dev-urandom")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// A port on 127.0.0.1 nobody listens on right now.
pub(crate) fn free_port() -> Result<u16, ProvisionError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(ProvisionError::io(said!("action-find-a-free-port")))
}

/// Fails with `PortTaken` when something already listens on `port`.
pub(crate) fn ensure_free(port: u16) -> Result<(), ProvisionError> {
    std::net::TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|e| ProvisionError::PortTaken {
            port,
            detail: epreuve_i18n::Said::verbatim(e.to_string()),
        })
}

/// A name made of the candidate identifier's letters and digits, for containers and databases
/// (`p1.x` and `p1-x` both give `p1_x`: a roster refuses two such identifiers).
pub fn slug(candidate: &str) -> String {
    let slug: String = candidate
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if slug.is_empty() {
        "candidate".into()
    } else {
        slug
    }
}
