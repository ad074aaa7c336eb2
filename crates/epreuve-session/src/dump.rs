//! A server database frozen into the submission bundle: `pg_dump` or `mariadb-dump`, run with
//! the candidate's own account (their database, nothing else), so that a later regrade can
//! read what was submitted rather than what the database became.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epreuve_db::{Engine, ServerAddress, ServerKind};
use epreuve_i18n::{Said, said};

/// How long a dump may take (a million lines is a few seconds).
const DUMP_LIMIT: Duration = Duration::from_secs(600);

/// Writes the dump of the database at `address` to `target`; the reason when it cannot.
pub(crate) fn dump(address: &ServerAddress, target: &Path) -> Result<(), Said> {
    let kind = ServerKind::of(address.engine).ok_or_else(|| said!("dump-no-server"))?;
    let Some((program, package)) = kind.dump_program else {
        // Frozen through the driver, with the candidate's account.
        return frozen(address, target).inspect_err(|_| {
            let _ = std::fs::remove_file(target);
        });
    };
    let found = epreuve_provision::find_program(program, package).map_err(|e| e.said())?;
    let mut command = Command::new(found);
    match address.engine {
        Engine::MongoDb => return Err(said!("dump-mongodb-driver")),
        Engine::MariaDb => {
            command
                .arg("--no-defaults")
                .arg(format!("--host={}", address.host))
                .arg(format!("--port={}", address.port))
                .arg(format!("--user={}", address.user))
                .args(["--protocol=tcp", "--single-transaction", "--skip-comments"])
                .arg(format!("--result-file={}", target.display()))
                .arg(&address.database)
                .env("MYSQL_PWD", &address.password);
        }
        Engine::DuckDb | Engine::Postgres => {
            // The custom format, restored by pg_restore: a plain SQL dump would need psql,
            // whose meta-commands run shell commands.
            command
                .args(["--format=custom", "--no-owner", "--no-privileges"])
                .arg(format!("--host={}", address.host))
                .arg(format!("--port={}", address.port))
                .arg(format!("--username={}", address.user))
                .arg(format!("--dbname={}", address.database))
                .arg(format!("--file={}", target.display()))
                .env("PGPASSWORD", &address.password)
                .env("PGCONNECT_TIMEOUT", "10");
        }
    }
    command.stdin(Stdio::null());
    run_bounded(&mut command, program, DUMP_LIMIT, None).inspect_err(|_| {
        let _ = std::fs::remove_file(target);
    })
}

/// The database at `address` frozen by epreuve itself (MongoDB: `MongoDb::freeze`).
fn frozen(address: &ServerAddress, target: &Path) -> Result<(), Said> {
    match address.engine {
        Engine::MongoDb => epreuve_db::MongoDb::connect(address)
            .and_then(|db| db.freeze(target))
            .map_err(|e| e.said()),
        Engine::DuckDb | Engine::Postgres | Engine::MariaDb => {
            Err(said!("dump-own-program", engine = address.engine.label()))
        }
    }
}

/// Runs `command` (the program `program`), stopping it after `limit` or when `cancel` is set;
/// the first line of what it said on error when it fails. Its error output goes to a file,
/// so that a program saying much cannot block on a full pipe.
pub(crate) fn run_bounded(
    command: &mut Command,
    program: &str,
    limit: Duration,
    cancel: Option<&epreuve_provision::Cancel>,
) -> Result<(), Said> {
    let said = tempfile::tempfile().map_err(|e| Said::verbatim(e.to_string()))?;
    let mut child = command
        .stdout(Stdio::null())
        .stderr(
            said.try_clone()
                .map_err(|e| Said::verbatim(e.to_string()))?,
        )
        .spawn()
        .map_err(|e| {
            said!(
                "program-cannot-run",
                program = program,
                error = e.to_string()
            )
        })?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                use std::io::{Read, Seek};
                let mut said = said;
                let mut message = String::new();
                let _ = said.rewind();
                let _ = said.take(64 * 1024).read_to_string(&mut message);
                let line = message
                    .lines()
                    .find(|l| l.to_lowercase().contains("error"))
                    .or_else(|| message.lines().next())
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                return Err(said!(
                    "program-failed",
                    program = program,
                    status = status.to_string(),
                    error = line
                ));
            }
            Ok(None) if started.elapsed() > limit || cancel.is_some_and(|c| c.is_cancelled()) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(said!(
                    "program-too-long",
                    program = program,
                    seconds = limit.as_secs().to_string()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                return Err(said!(
                    "program-error",
                    program = program,
                    error = e.to_string()
                ));
            }
        }
    }
}
