//! A server database graded as it was submitted: the dump frozen in the bundle, restored into
//! a throwaway server of the assessor's own (the local route, in a private folder), used when
//! the live database changed after submission or no longer answers.
//!
//! The dump is hostile input: it is restored by the candidate's role of that throwaway server
//! (no superuser, one database), by programs that run no shell command from it (`pg_restore`,
//! `mariadb --sandbox --local-infile=0`), and the server is removed when grading ends.

use epreuve_i18n::{Said, said};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use epreuve_db::{Backend, DbError, Engine, Loader, ServerDb, ServerKind};
use epreuve_provision::{Cancel, DatabaseLocation, ImageSource, Request, Route};

/// How long a restore may take (a million lines is a few seconds).
const RESTORE_LIMIT: Duration = Duration::from_secs(900);

/// The file name of a server's dump in the bundle.
pub fn dump_file(engine: Engine) -> &'static str {
    ServerKind::of(engine).map_or("base.duckdb", |kind| kind.dump_file)
}

/// A throwaway server holding a submitted database; removed when dropped.
pub struct Restored {
    dir: tempfile::TempDir,
    location: DatabaseLocation,
}

impl std::fmt::Debug for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restored")
            .field("dir", &self.dir.path())
            .finish()
    }
}

impl Restored {
    /// The restored database, read-only through its grading account.
    pub fn backend(&self) -> Result<Box<dyn Backend>, DbError> {
        epreuve_provision::open(self.dir.path(), &self.location)
    }
}

impl Drop for Restored {
    fn drop(&mut self) {
        let _ = epreuve_provision::down(self.dir.path(), &self.location, None);
    }
}

/// Restores the dump at `dump` into a new local server of `engine`; the reason when it cannot.
pub fn restore(dump: &Path, engine: Engine, cancel: &Cancel) -> Result<Restored, Said> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("epreuve-restore-")
        .tempdir()
        .map_err(|e| Said::verbatim(e.to_string()))?;
    // A local PostgreSQL runs as the `postgres` user when epreuve runs as root.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Said::verbatim(e.to_string()))?;
    let location = epreuve_provision::provision(
        dir.path(),
        &Request {
            engine,
            route: Route::Local,
            candidate: "restauration".into(),
            images: ImageSource::Official,
            url: None,
            port: None,
            cancel: cancel.clone(),
        },
    )
    .map_err(|e| said!("restore-no-server", error = e.said()))?;
    let restored = Restored { dir, location };
    let address = restored
        .location
        .address()
        .expect("a server has an address")
        .clone();
    let kind = ServerKind::of(engine).ok_or_else(|| said!("restore-duckdb"))?;
    let Some((program, package)) = kind.restore_program else {
        // Restored through the driver, with the throwaway server's candidate account.
        match engine {
            Engine::MongoDb => epreuve_db::MongoDb::connect(&address)
                .and_then(|db| db.thaw(dump))
                .map_err(|e| e.said())?,
            Engine::DuckDb | Engine::Postgres | Engine::MariaDb => {
                return Err(said!("restore-own-program", engine = engine.label()));
            }
        }
        return Ok(restored);
    };
    let found = epreuve_provision::find_program(program, package).map_err(|e| e.said())?;
    let mut command = Command::new(found);
    match engine {
        Engine::MongoDb => return Err(said!("restore-mongodb-driver")),
        Engine::MariaDb => {
            let input = std::fs::File::open(dump).map_err(|e| Said::verbatim(e.to_string()))?;
            command
                .args(["--no-defaults", "--sandbox", "--local-infile=0", "--batch"])
                .args(["--protocol=tcp", "--host=127.0.0.1"])
                .arg(format!("--port={}", address.port))
                .arg(format!("--user={}", address.user))
                .arg(&address.database)
                .env("MYSQL_PWD", &address.password)
                .stdin(input);
        }
        Engine::DuckDb | Engine::Postgres => {
            command
                .args(["--no-owner", "--no-privileges", "--exit-on-error"])
                .arg("--host=127.0.0.1")
                .arg(format!("--port={}", address.port))
                .arg(format!("--username={}", address.user))
                .arg(format!("--dbname={}", address.database))
                .arg(dump)
                .env("PGPASSWORD", &address.password)
                .stdin(Stdio::null());
        }
    }
    crate::dump::run_bounded(&mut command, program, RESTORE_LIMIT, Some(cancel))?;
    if engine == Engine::Postgres {
        // Statistics for the planner, as the database had them in service.
        ServerDb::connect(&address)
            .and_then(|db| db.execute("ANALYZE"))
            .map_err(|e| e.said())?;
    }
    Ok(restored)
}
