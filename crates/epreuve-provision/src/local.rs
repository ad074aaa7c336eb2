//! The `local` route: a throwaway server started from the programs installed on the host
//! (`initdb` + `pg_ctl`, `mariadb-install-db` + `mariadbd`), its files in the workspace's
//! `.epreuve/server/`, listening on 127.0.0.1 on a free port. For exam rooms without Docker.
//!
//! The server runs in its own process group, so that Ctrl-C in the candidate's terminal after
//! `start` does not stop it; `epreuve db down` does.
//!
//! Nothing the workspace records is run or signalled on its word: the programs are found by
//! epreuve on this machine, and a process id read from the server's folder is signalled only
//! when that process is the server program and works in that very folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epreuve_db::{Engine, ServerAddress, ServerDb};
use rustix::process::{Pid, Signal};
use std::os::unix::process::CommandExt;

use crate::wait::{ensure_free, free_port, random_token, until_ready};
use crate::{Cancel, DatabaseLocation, ProvisionError, Request};

/// The PostgreSQL administrator of a local cluster; its password is kept in the centre's
/// record only.
const ADMIN: &str = "epreuve_admin";
/// How long a new server may take to answer.
const READY_LIMIT: Duration = Duration::from_secs(60);
/// Folder of the server's files, inside the workspace.
const SERVER_DIR: &str = ".epreuve/server";
/// The server's data folder, inside the workspace.
pub(crate) const DATA_DIR: &str = ".epreuve/server/data";

pub(crate) fn provision(
    root: &Path,
    request: &Request,
) -> Result<DatabaseLocation, ProvisionError> {
    let port = match request.port {
        Some(port) => {
            ensure_free(port)?;
            port
        }
        None => free_port()?,
    };
    let server_dir = root.join(SERVER_DIR);
    let result = match request.engine {
        Engine::MariaDb => mariadb(root, &server_dir, port, &request.cancel),
        _ => postgres(root, &server_dir, port, &request.cancel),
    };
    if let Err(error) = &result {
        tracing::debug!("local server failed: {error}");
        kill_leftover(&server_dir, request.engine);
        let _ = std::fs::remove_dir_all(&server_dir);
    }
    result
}

/// Starts a server whose files are already in the workspace.
pub(crate) fn up(
    root: &Path,
    location: &DatabaseLocation,
    cancel: &Cancel,
) -> Result<(), ProvisionError> {
    let DatabaseLocation::Local { address, .. } = location else {
        return Ok(());
    };
    if ServerDb::connect(address).is_ok() {
        return Ok(());
    }
    let server_dir = root.join(SERVER_DIR);
    let data = root.join(DATA_DIR);
    ensure_free(address.port)?;
    match address.engine {
        Engine::MariaDb => {
            let mariadbd = find_program("mariadbd", "mariadb-server")?;
            let mut child = spawn_mariadbd(&mariadbd, &data, &server_dir, address.port)?;
            until_ready(Some(address), cancel, READY_LIMIT, || {
                exited(&mut child, &server_dir)
            })
        }
        _ => {
            let pg_ctl = find_program("initdb", "postgresql")?.with_file_name("pg_ctl");
            pg_ctl_start(&pg_ctl, &data, &server_dir, address.port)?;
            until_ready(Some(address), cancel, READY_LIMIT, || Ok(()))
        }
    }
}

/// Stops the server; its files stay in the workspace.
pub(crate) fn stop(root: &Path, location: &DatabaseLocation) -> Result<(), ProvisionError> {
    let DatabaseLocation::Local { address, .. } = location else {
        return Ok(());
    };
    let server_dir = root.join(SERVER_DIR);
    let Some(pid) = server_pid(&server_dir, address.engine) else {
        return Ok(());
    };
    // SIGTERM: MariaDB shuts down cleanly; PostgreSQL does a "smart" shutdown, so SIGINT
    // ("fast") is sent to it instead, which ends the candidate's open sessions.
    let signal = match address.engine {
        Engine::MariaDb => Signal::TERM,
        _ => Signal::INT,
    };
    if !end_process(pid, signal, Duration::from_secs(30)) {
        end_process(pid, Signal::KILL, Duration::from_secs(10));
    }
    Ok(())
}

fn postgres(
    root: &Path,
    server_dir: &Path,
    port: u16,
    cancel: &Cancel,
) -> Result<DatabaseLocation, ProvisionError> {
    let initdb = find_program("initdb", "postgresql")?;
    let pg_ctl = initdb.with_file_name("pg_ctl");
    let data = server_dir.join("data");
    std::fs::create_dir_all(server_dir).map_err(ProvisionError::io(format!(
        "create {}",
        server_dir.display()
    )))?;
    let as_root = effective_uid() == Some(0);
    if as_root {
        // PostgreSQL refuses to run as root: the server runs as the `postgres` account the
        // Debian package creates, and must be able to reach the workspace.
        run(
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(server_dir),
            "give the server folder to the postgres user",
        )?;
        let reachable = as_postgres(Command::new("test").arg("-w").arg(server_dir))
            .status()
            .is_ok_and(|s| s.success());
        if !reachable {
            return Err(ProvisionError::ServerFailed {
                what: "PostgreSQL server".into(),
                detail: format!(
                    "PostgreSQL runs as the `postgres` user, which cannot reach {}; make the \
                     workspace's parent folders traversable (chmod o+x) or start as another user",
                    server_dir.display()
                ),
            });
        }
    }
    let admin_password = random_token(20)?;
    let pwfile = server_dir.join("pwfile");
    std::fs::write(&pwfile, format!("{admin_password}\n"))
        .map_err(ProvisionError::io("write the password file"))?;
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
        "create the PostgreSQL cluster (initdb)",
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
                what: "PostgreSQL server".into(),
                detail: tail(&log),
            })
        }
    })?;
    let accounts = crate::accounts::create(&admin, &crate::accounts::Names::single())?;
    Ok(DatabaseLocation::Local {
        data_dir: relative(root, &data),
        address: accounts.candidate,
        grader: Some(accounts.grader),
        admin: Some(admin),
    })
}

fn pg_ctl_start(
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
        "start the PostgreSQL server (pg_ctl start)",
    )
}

fn mariadb(
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
    // Under several starts at once, mariadbd has been seen to crash while it creates its
    // system tables (signal 11 in an Aria temporary table): a second try from an empty
    // folder gets past it.
    let mut tries = 0;
    loop {
        std::fs::create_dir_all(&data)
            .map_err(ProvisionError::io(format!("create {}", data.display())))?;
        let installed = run(
            Command::new(&install)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--tmpdir={}", tmp.display()))
                .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
                .args(&user),
            "create the MariaDB system tables (mariadb-install-db)",
        );
        tries += 1;
        match installed {
            Err(error) if tries < 2 && error.to_string().contains("signal") => {
                tracing::warn!("mariadb-install-db crashed, trying again: {error}");
                let _ = std::fs::remove_dir_all(&data);
            }
            other => break other?,
        }
    }
    cancel.check()?;
    let root_password = random_token(20)?;
    let candidate_password = random_token(20)?;
    let grader_password = random_token(20)?;
    let names = crate::accounts::Names::single();
    // root gets a password used by nobody; the candidate's account and the grading account
    // are made here, while the server listens on no port.
    // mariadb-install-db leaves root without a password on 127.0.0.1, ::1 and the host's
    // name: any local user could log in as root. Only root@localhost (the socket, which is
    // private) and root@127.0.0.1 stay, both with the administrator's password.
    let mut bootstrap = format!(
        "FLUSH PRIVILEGES;\n\
         DELETE FROM mysql.global_priv WHERE (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1')) OR User = '';\n\
         FLUSH PRIVILEGES;\n\
         ALTER USER 'root'@'localhost' IDENTIFIED BY '{root_password}';\n\
         CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '{root_password}';\n\
         GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n"
    );
    for statement in crate::accounts::statements(
        Engine::MariaDb,
        &names,
        &candidate_password,
        &grader_password,
    ) {
        bootstrap.push_str(&statement);
        bootstrap.push_str(";\n");
    }
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
        .map_err(ProvisionError::io("run mariadbd --bootstrap"))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(bootstrap.as_bytes())
            .map_err(ProvisionError::io("write to mariadbd --bootstrap"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(ProvisionError::io("run mariadbd --bootstrap"))?;
    if !output.status.success() {
        return Err(ProvisionError::ServerFailed {
            what: "MariaDB server".into(),
            detail: format!(
                "setting the passwords failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
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

fn spawn_mariadbd(
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
        .map_err(ProvisionError::io(format!("start {}", mariadbd.display())))
}

/// The server's own folder of temporary files, beside its data: servers started at once never
/// share one.
fn private_tmp(server_dir: &Path) -> Result<PathBuf, ProvisionError> {
    let tmp = server_dir.join("tmp");
    std::fs::create_dir_all(&tmp)
        .map_err(ProvisionError::io(format!("create {}", tmp.display())))?;
    Ok(tmp)
}

fn exited(child: &mut std::process::Child, server_dir: &Path) -> Result<(), ProvisionError> {
    match child.try_wait() {
        Ok(Some(status)) => Err(ProvisionError::ServerFailed {
            what: "MariaDB server".into(),
            detail: format!(
                "{status}; the end of its log:\n{}",
                tail(&server_dir.join("server.log"))
            ),
        }),
        _ => Ok(()),
    }
}

/// After a failure: stops whatever server the half-made folder holds.
fn kill_leftover(server_dir: &Path, engine: Engine) {
    if let Some(pid) = server_pid(server_dir, engine) {
        end_process(pid, Signal::KILL, Duration::from_secs(10));
    }
}

/// The process id of the server of `server_dir`, when the id its files record is a running
/// server program working in that very data folder: a pid file is a file of the workspace,
/// and epreuve signals no process on its word alone.
fn server_pid(server_dir: &Path, engine: Engine) -> Option<u32> {
    let data = server_dir.join("data");
    let (recorded, program) = match engine {
        Engine::MariaDb => (read_pid(&server_dir.join("mariadbd.pid")), "mariadbd"),
        _ => (read_pid(&data.join("postmaster.pid")), "postgres"),
    };
    let pid = recorded?;
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
    let data = data.canonicalize().ok()?;
    let is_server = exe.file_name().is_some_and(|n| n == program);
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

/// Sends `signal` to `pid` and waits up to `patience` for it to end; true when it did.
fn end_process(pid: u32, signal: Signal, patience: Duration) -> bool {
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
fn user_args() -> Vec<String> {
    if effective_uid() == Some(0) {
        vec!["--user=root".into()]
    } else {
        Vec::new()
    }
}

fn as_postgres(command: &mut Command) -> &mut Command {
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

fn run(command: &mut Command, what: &str) -> Result<(), ProvisionError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(ProvisionError::io(what.to_owned()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(ProvisionError::ServerFailed {
        what: what.into(),
        detail: format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ),
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
            package: package.into(),
        })
}

fn effective_uid() -> Option<u32> {
    Some(rustix::process::geteuid().as_raw())
}

fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn process_alive(pid: u32) -> bool {
    // A zombie still has a /proc entry; its state letter is Z.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
