//! A local PostgreSQL cluster: `initdb`, then `pg_ctl start`, as the `postgres` user when
//! epreuve runs as root.

use std::path::Path;
use std::process::Command;

use epreuve_db::{Engine, ServerAddress};
use std::os::unix::process::CommandExt;

use crate::wait::{random_token, until_ready};
use crate::{Cancel, DatabaseLocation, ProvisionError};
use epreuve_i18n::{Said, said};

use super::*;

pub(super) fn postgres(
    root: &Path,
    server_dir: &Path,
    port: u16,
    cancel: &Cancel,
) -> Result<DatabaseLocation, ProvisionError> {
    let initdb = find_program("initdb", "postgresql")?;
    let pg_ctl = initdb.with_file_name("pg_ctl");
    let data = server_dir.join("data");
    std::fs::create_dir_all(server_dir).map_err(ProvisionError::io(said!(
        "action-create-path",
        path = server_dir.display().to_string()
    )))?;
    let as_root = effective_uid() == Some(0);
    if as_root {
        // PostgreSQL refuses to run as root: the server runs as the `postgres` account the
        // Debian package creates, and must be able to reach the workspace.
        run(
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(server_dir),
            said!("action-give-the-server-folder-to-the-postgres-user"),
        )?;
        let reachable = as_postgres(Command::new("test").arg("-w").arg(server_dir))
            .status()
            .is_ok_and(|s| s.success());
        if !reachable {
            return Err(ProvisionError::ServerFailed {
                what: said!("what-server", engine = "PostgreSQL"),
                detail: said!(
                    "postgres-cannot-reach",
                    dir = server_dir.display().to_string()
                ),
            });
        }
    }
    let admin_password = random_token(20)?;
    let pwfile = server_dir.join("pwfile");
    std::fs::write(&pwfile, format!("{admin_password}\n"))
        .map_err(ProvisionError::io(said!("action-write-the-password-file")))?;
    if as_root {
        let _ = Command::new("chown").arg("postgres").arg(&pwfile).status();
    }
    let mut init = Command::new(&initdb);
    init.arg("-D")
        .arg(&data)
        .args([
            "-U",
            ADMIN,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ])
        .args(["--auth-host=scram-sha-256", "--auth-local=trust"])
        .arg(format!("--pwfile={}", pwfile.display()));
    let init_result = run(
        if as_root {
            as_postgres(&mut init)
        } else {
            &mut init
        },
        said!("action-create-the-postgresql-cluster-initdb"),
    );
    let _ = std::fs::remove_file(&pwfile);
    init_result?;
    cancel.check()?;
    pg_ctl_start(&pg_ctl, &data, server_dir, port)?;
    let admin = ServerAddress {
        engine: Engine::Postgres,
        host: "127.0.0.1".into(),
        port,
        user: ADMIN.into(),
        password: admin_password,
        database: "postgres".into(),
    };
    let log = server_dir.join("server.log");
    until_ready(Some(&admin), cancel, READY_LIMIT, || {
        // pg_ctl -W returns at once; the server reports a failed start in its log.
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        if data.join("postmaster.pid").is_file() || !log_text.contains("FATAL") {
            Ok(())
        } else {
            Err(ProvisionError::ServerFailed {
                what: said!("what-server", engine = "PostgreSQL"),
                detail: Said::verbatim(tail(&log)),
            })
        }
    })?;
    let accounts = crate::accounts::create(&admin, &crate::accounts::single())?;
    Ok(DatabaseLocation::Local {
        data_dir: relative(root, &data),
        address: accounts.candidate,
        grader: Some(accounts.grader),
        admin: Some(admin),
    })
}

pub(super) fn pg_ctl_start(
    pg_ctl: &Path,
    data: &Path,
    server_dir: &Path,
    port: u16,
) -> Result<(), ProvisionError> {
    let mut start = Command::new(pg_ctl);
    start
        .arg("start")
        .arg("-D")
        .arg(data)
        .arg("-l")
        .arg(server_dir.join("server.log"))
        .arg("-W")
        .arg("-o")
        .arg(format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        ))
        .process_group(0);
    let as_root = effective_uid() == Some(0);
    run(
        if as_root {
            as_postgres(&mut start)
        } else {
            &mut start
        },
        said!("action-start-the-postgresql-server-pg-ctl-start"),
    )
}

pub(super) fn as_postgres(command: &mut Command) -> &mut Command {
    // Rebuild as `setpriv --reuid=postgres … program args`.
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut wrapped = Command::new("setpriv");
    wrapped
        .args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program)
        .args(args);
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped.process_group(0);
    *command = wrapped;
    command
}
