//! A local MongoDB server: `mongod`, or the program `EPREUVE_MONGOD` names (any server that
//! speaks MongoDB's wire protocol and takes mongod's flags: `--dbpath`, `--port`, `--bind_ip`,
//! `--auth`), working in the workspace's `.epreuve/server/data`.
//!
//! The first start has no authentication, long enough for epreuve to create the
//! administrator (kept in the centre's record); the server then runs with `--auth`, and the
//! administrator makes the candidate's and the grading account. Server-side JavaScript is
//! switched off (`--noscripting`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use epreuve_db::{Engine, MongoDb, ServerAddress};
use rustix::process::Signal;
use std::os::unix::process::CommandExt;

use crate::wait::random_token;
use crate::{Cancel, DatabaseLocation, ProvisionError};
use epreuve_i18n::said;

use super::*;

/// The file where epreuve records the server's process id (checked against `/proc` before
/// any signal: see `process::server_pid`).
const PID_FILE: &str = epreuve_db::MONGODB.pid_file;
/// The administrator's name, in the server's `admin` database.
const MONGO_ADMIN: &str = epreuve_db::MONGODB_ADMIN;

/// The server program: `EPREUVE_MONGOD` when set, else `mongod` on PATH.
pub(super) fn mongod_program() -> Result<PathBuf, ProvisionError> {
    match std::env::var_os("EPREUVE_MONGOD") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            if path.is_file() {
                Ok(path)
            } else {
                Err(ProvisionError::NotInstalled {
                    program: path.display().to_string(),
                    package: said!("mongod-not-there"),
                })
            }
        }
        _ => find_program("mongod", "mongodb-org"),
    }
}

pub(super) fn mongodb(
    root: &Path,
    server_dir: &Path,
    port: u16,
    cancel: &Cancel,
) -> Result<DatabaseLocation, ProvisionError> {
    let program = mongod_program()?;
    let data = server_dir.join("data");
    std::fs::create_dir_all(&data).map_err(ProvisionError::io(said!(
        "action-create-path",
        path = data.display().to_string()
    )))?;
    // The administrator, made while nobody else can log in: the server listens on 127.0.0.1
    // only, on a port chosen now, for a second.
    let mut first = spawn_mongod(&program, &data, server_dir, port, false)?;
    let open = ServerAddress {
        engine: Engine::MongoDb,
        host: "127.0.0.1".into(),
        port,
        user: String::new(),
        password: String::new(),
        database: "admin".into(),
    };
    let admin_password = random_token(20)?;
    let made = ready(&open, &mut first, server_dir, cancel).and_then(|db| {
        db.create_administrator(MONGO_ADMIN, &admin_password)
            .map_err(ProvisionError::from)
    });
    stop_child(&mut first);
    made?;
    cancel.check()?;
    let mut server = spawn_mongod(&program, &data, server_dir, port, true)?;
    let admin = ServerAddress {
        user: MONGO_ADMIN.into(),
        password: admin_password,
        ..open
    };
    ready(&admin, &mut server, server_dir, cancel)?;
    let accounts = crate::accounts::create(&admin, &crate::accounts::single())?;
    Ok(DatabaseLocation::Local {
        data_dir: relative(root, &data),
        address: accounts.candidate,
        grader: Some(accounts.grader),
        admin: Some(admin),
    })
}

/// Starts the server of `data` again, with authentication on.
pub(super) fn restart(
    data: &Path,
    server_dir: &Path,
    address: &ServerAddress,
    cancel: &Cancel,
) -> Result<(), ProvisionError> {
    let program = mongod_program()?;
    let mut server = spawn_mongod(&program, data, server_dir, address.port, true)?;
    ready(address, &mut server, server_dir, cancel).map(|_| ())
}

/// Starts the program in its own process group, working in the data folder (which is how
/// its process is recognised later), its output in `server.log`.
fn spawn_mongod(
    program: &Path,
    data: &Path,
    server_dir: &Path,
    port: u16,
    auth: bool,
) -> Result<Child, ProvisionError> {
    let log = std::fs::File::create(server_dir.join("server.log"))
        .map_err(ProvisionError::io(said!("action-create-the-server-s-log")))?;
    let err = log
        .try_clone()
        .map_err(ProvisionError::io(said!("action-create-the-server-s-log")))?;
    let mut command = Command::new(program);
    command
        .arg("--dbpath")
        .arg(data)
        .args(["--port", &port.to_string(), "--bind_ip", "127.0.0.1"])
        .arg("--noscripting")
        .current_dir(data)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .process_group(0);
    if auth {
        command.arg("--auth");
    }
    let child = command.spawn().map_err(ProvisionError::io(said!(
        "action-start-path",
        path = program.display().to_string()
    )))?;
    std::fs::write(server_dir.join(PID_FILE), format!("{}\n", child.id())).map_err(
        ProvisionError::io(said!("action-record-the-server-s-process")),
    )?;
    Ok(child)
}

/// Waits until the server answers `ping` at `address`; the server's own words if it ends.
fn ready(
    address: &ServerAddress,
    child: &mut Child,
    server_dir: &Path,
    cancel: &Cancel,
) -> Result<MongoDb, ProvisionError> {
    let started = Instant::now();
    loop {
        cancel.check()?;
        if let Ok(Some(status)) = child.try_wait() {
            return Err(ProvisionError::ServerFailed {
                what: said!("what-server", engine = "MongoDB"),
                detail: said!(
                    "server-exited",
                    status = status.to_string(),
                    log = tail(&server_dir.join("server.log"))
                ),
            });
        }
        let last = if std::net::TcpStream::connect(("127.0.0.1", address.port)).is_ok() {
            match MongoDb::connect(address) {
                Ok(db) => return Ok(db),
                Err(e) => e.said(),
            }
        } else {
            said!("server-no-answer-yet")
        };
        if started.elapsed() >= READY_LIMIT {
            return Err(ProvisionError::NotReady {
                what: said!("what-server", engine = "MongoDB"),
                seconds: READY_LIMIT.as_secs(),
                detail: last,
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Ends a server epreuve started and waits for it, so that its files are released.
fn stop_child(child: &mut Child) {
    let pid = child.id();
    if !end_process(pid, Signal::TERM, Duration::from_secs(20)) {
        end_process(pid, Signal::KILL, Duration::from_secs(10));
    }
    let _ = child.wait();
}
