//! The processes of a local server: the programs found on this machine, the commands run,
//! the server's process found from its folder and signalled only when it is the server.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epreuve_db::{Engine, ServerKind};
use rustix::process::{Pid, Signal};

use crate::ProvisionError;
use epreuve_i18n::{Said, said};

/// The server's own folder of temporary files, beside its data: servers started at once never
/// share one.
pub(super) fn private_tmp(server_dir: &Path) -> Result<PathBuf, ProvisionError> {
    let tmp = server_dir.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(ProvisionError::io(said!(
        "action-create-path",
        path = tmp.display().to_string()
    )))?;
    Ok(tmp)
}

/// After a failure: stops whatever server the half-made folder holds.
pub(super) fn kill_leftover(server_dir: &Path, engine: Engine) {
    if let Some(pid) = server_pid(server_dir, engine) {
        end_process(pid, Signal::KILL, Duration::from_secs(10));
    }
}

/// Every server program (`postgres`, `mariadbd`, a MongoDB server started on it) whose working folder is the data folder of
/// `server_dir`, found in `/proc` rather than from a pid file: a server killed before it
/// wrote one is found too, and no other process is ever named.
pub(super) fn servers_working_in(server_dir: &Path) -> Vec<u32> {
    let Ok(data) = server_dir.join("data").canonicalize() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
            let sql_server = exe.is_some_and(|e| {
                e.file_name()
                    .is_some_and(|n| n == "postgres" || n == "mariadbd")
            });
            (sql_server || runs_mongod_on(*pid, &data)) && cwd.as_deref() == Some(data.as_path())
        })
        .collect()
}

/// The process id of the server of `server_dir`, when the id its files record is a running
/// server program working in that very data folder: a pid file is a file of the workspace,
/// and epreuve signals no process on its word alone.
pub(super) fn server_pid(server_dir: &Path, engine: Engine) -> Option<u32> {
    let data = server_dir.join("data");
    let kind = ServerKind::of(engine)?;
    let (recorded, program) = (read_pid(&server_dir.join(kind.pid_file)), kind.process);
    let pid = recorded?;
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
    let data = data.canonicalize().ok()?;
    // A MongoDB server may be any program that speaks its protocol (EPREUVE_MONGOD, often an
    // interpreter running a script): it is known by the data folder it was started on.
    let is_server = match engine {
        Engine::MongoDb => runs_mongod_on(pid, &data),
        Engine::DuckDb | Engine::Postgres | Engine::MariaDb => {
            exe.file_name().is_some_and(|n| n == program)
        }
    };
    if is_server && cwd == data {
        Some(pid)
    } else {
        tracing::warn!(
            "{} records process {pid}, which is not the server of this workspace ({}, in {}); it is left alone",
            server_dir.display(),
            exe.display(),
            cwd.display()
        );
        None
    }
}

/// Whether process `pid` was started as a MongoDB server on the data folder `data`
/// (`--dbpath <data>`, or the `--storage-path` SecantusDB's launcher hands on).
fn runs_mongod_on(pid: u32, data: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let data = data.as_os_str().as_encoded_bytes();
    args.windows(2)
        .any(|pair| (pair[0] == b"--dbpath" || pair[0] == b"--storage-path") && pair[1] == data)
}

/// Sends `signal` to `pid` and waits up to `patience` for it to end; true when it did.
pub(super) fn end_process(pid: u32, signal: Signal, patience: Duration) -> bool {
    if let Some(id) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = rustix::process::kill_process(id, signal);
    }
    let started = Instant::now();
    while process_alive(pid) {
        if started.elapsed() > patience {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// `--user=root` when running as root: MariaDB refuses root unless told so.
pub(super) fn user_args() -> Vec<String> {
    if effective_uid() == Some(0) {
        vec!["--user=root".into()]
    } else {
        Vec::new()
    }
}

pub(super) fn run(command: &mut Command, action: Said) -> Result<(), ProvisionError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(ProvisionError::io(action.clone()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(ProvisionError::StepFailed {
        action,
        detail: Said::verbatim(format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
    })
}

/// Finds a server program on PATH, in /usr/sbin, or in PostgreSQL's versioned folders.
pub fn find_program(name: &str, package: &str) -> Result<PathBuf, ProvisionError> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push("/usr/sbin".into());
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        dirs.extend(versions.into_iter().rev());
    }
    dirs.into_iter()
        .map(|d| d.join(name))
        // Not canonicalised: Debian's wrappers (`pg_dump` → pg_wrapper) choose what to run
        // from the name they are called by.
        .find(|p| p.is_file())
        .ok_or_else(|| ProvisionError::NotInstalled {
            program: name.into(),
            package: Said::verbatim(package),
        })
}

pub(super) fn effective_uid() -> Option<u32> {
    Some(rustix::process::geteuid().as_raw())
}

pub(super) fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

pub(super) fn process_alive(pid: u32) -> bool {
    // A zombie still has a /proc entry; its state letter is Z.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

pub(super) fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

pub(super) fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
