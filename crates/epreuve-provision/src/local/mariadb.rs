//! A local MariaDB server: `mariadb-install-db`, a bootstrap that sets the accounts while
//! the server listens on no port, then `mariadbd` in its own process group.

use std::path::Path;
use std::process::{Command, Stdio};

use epreuve_db::{Engine, ServerAddress};
use std::os::unix::process::CommandExt;

use crate::wait::{random_token, until_ready};
use crate::{Cancel, DatabaseLocation, ProvisionError};
use epreuve_i18n::said;

use super::*;

pub(super) fn mariadb(
    root: &Path,
    server_dir: &Path,
    port: u16,
    cancel: &Cancel,
) -> Result<DatabaseLocation, ProvisionError> {
    let install = find_program("mariadb-install-db", "mariadb-server")?;
    let mariadbd = find_program("mariadbd", "mariadb-server")?;
    let data = server_dir.join("data");
    let tmp = private_tmp(server_dir)?;
    let user = user_args();
    system_tables(&install, &data, &tmp, &user)?;
    cancel.check()?;
    let root_password = random_token(20)?;
    let candidate_password = random_token(20)?;
    let grader_password = random_token(20)?;
    let names = crate::accounts::single();
    // root gets a password used by nobody; the candidate's account and the grading account
    // are made here, while the server listens on no port.
    let bootstrap = epreuve_db::mariadb_bootstrap(
        &root_password,
        &names,
        &candidate_password,
        &grader_password,
    );
    let mut child = Command::new(&mariadbd)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--tmpdir={}", tmp.display()))
        .args(["--bootstrap", "--skip-networking"])
        .args(&user)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ProvisionError::io(said!("action-run-mariadbd-bootstrap")))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(bootstrap.as_bytes())
            .map_err(ProvisionError::io(said!(
                "action-write-to-mariadbd-bootstrap"
            )))?;
    }
    let output = child
        .wait_with_output()
        .map_err(ProvisionError::io(said!("action-run-mariadbd-bootstrap")))?;
    if !output.status.success() {
        return Err(ProvisionError::ServerFailed {
            what: said!("what-server", engine = "MariaDB"),
            detail: said!(
                "mariadb-passwords-failed",
                error = String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    cancel.check()?;
    let mut server = spawn_mariadbd(&mariadbd, &data, server_dir, port)?;
    let admin = ServerAddress {
        engine: Engine::MariaDb,
        host: "127.0.0.1".into(),
        port,
        user: "root".into(),
        password: root_password,
        database: String::new(),
    };
    let accounts = crate::accounts::made(&admin, &names, candidate_password, grader_password);
    until_ready(Some(&accounts.candidate), cancel, READY_LIMIT, || {
        exited(&mut server, server_dir)
    })?;
    Ok(DatabaseLocation::Local {
        data_dir: relative(root, &data),
        address: accounts.candidate,
        grader: Some(accounts.grader),
        admin: Some(admin),
    })
}

/// Creates MariaDB's system tables in `data`. Under several starts at once, mariadbd has been
/// seen to crash while it creates them (signal 11 in an Aria temporary table): a second try
/// from an empty folder gets past it.
fn system_tables(
    install: &Path,
    data: &Path,
    tmp: &Path,
    user: &[String],
) -> Result<(), ProvisionError> {
    let mut tries = 0;
    loop {
        std::fs::create_dir_all(data).map_err(ProvisionError::io(said!(
            "action-create-path",
            path = data.display().to_string()
        )))?;
        let installed = run(
            Command::new(install)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--tmpdir={}", tmp.display()))
                .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
                .args(user),
            said!("action-create-the-mariadb-system-tables-mariadb-install-db"),
        );
        tries += 1;
        match installed {
            Err(error) if tries < 2 && error.to_string().contains("signal") => {
                tracing::warn!("mariadb-install-db crashed, trying again: {error}");
                let _ = std::fs::remove_dir_all(data);
            }
            other => break other?,
        }
    }
    Ok(())
}

pub(super) fn spawn_mariadbd(
    mariadbd: &Path,
    data: &Path,
    server_dir: &Path,
    port: u16,
) -> Result<std::process::Child, ProvisionError> {
    let log = server_dir.join("server.log");
    let mut socket = server_dir.join("mariadbd.sock");
    if socket.as_os_str().len() > 100 {
        // Unix sockets take paths of at most 107 bytes.
        socket = std::env::temp_dir().join(format!("epreuve-mariadb-{port}.sock"));
    }
    Command::new(mariadbd)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--socket={}", socket.display()))
        .arg(format!(
            "--pid-file={}",
            server_dir.join("mariadbd.pid").display()
        ))
        .arg(format!("--log-error={}", log.display()))
        .arg(format!("--tmpdir={}", private_tmp(server_dir)?.display()))
        .args([
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
        ])
        .args(user_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(ProvisionError::io(said!(
            "action-start-path",
            path = mariadbd.display().to_string()
        )))
}

pub(super) fn exited(
    child: &mut std::process::Child,
    server_dir: &Path,
) -> Result<(), ProvisionError> {
    match child.try_wait() {
        Ok(Some(status)) => Err(ProvisionError::ServerFailed {
            what: said!("what-server", engine = "MariaDB"),
            detail: said!(
                "server-exited",
                status = status.to_string(),
                log = tail(&server_dir.join("server.log"))
            ),
        }),
        _ => Ok(()),
    }
}
