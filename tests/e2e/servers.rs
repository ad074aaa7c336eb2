//! PostgreSQL and MariaDB, through Docker (the images `epreuve images build` makes) and as
//! throwaway local servers: the same exam gets the same grades on each, and every fault leaves
//! nothing behind. `.ci/run` installs the engines, starts dockerd and builds the images; these
//! tests fail, rather than skip, on a machine without them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::*;

/// The database options of a route.
fn route(engine: &str, via: &str) -> Vec<String> {
    let mut args = vec![
        "--engine".to_owned(),
        engine.to_owned(),
        "--via".to_owned(),
        via.to_owned(),
    ];
    if via == "docker" {
        args.extend(["--images".to_owned(), "local".to_owned()]);
    }
    args
}

fn run(parent: &Path, args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    epreuve(parent, &args)
}

/// Applies the shipped solutions of every exam but the timing one on `engine` through `route`
/// (the reference only when `reference_only`) and compares with `[on_servers]`.
fn solutions_on(engine: &str, route: &[String], reference_only: bool) {
    for exam in exams_but_timing() {
        let exam = exam.as_str();
        for (name, solution) in solutions_of(exam) {
            if reference_only && name != "reference" {
                continue;
            }
            let expected = expectation_on(&solution, engine);
            let temp = reachable_tempdir();
            let mut args: Vec<String> = ["demo", exam, "--solution", &name, "--format", "json"]
                .map(String::from)
                .to_vec();
            args.extend(route.iter().cloned());
            let out = run(temp.path(), &args);
            let what = format!("{engine}/{route:?}/{exam}/{name}");
            assert!(code(&out) <= 1, "{what}: {}", stderr(&out));
            let report = json(&out);
            assert_eq!(report["engine"], engine, "{report:#}");
            if exam == EXAM {
                assert_eq!(report["max_score"], 45.0, "{what}: {report:#}");
            }
            assert_outcome(&report, &expected, &what);
            assert_said_in_both(&report, &what);
            // PostgreSQL's words, not the line of its C source the driver appends (MariaDB's
            // own "at line 2" is the line of the candidate's query, and stays).
            for check in report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|_| engine == "postgres")
            {
                let message = check["message"].as_str().unwrap_or_default();
                assert!(
                    !message.contains(" at line "),
                    "{what}: {}: {message}",
                    check["id"]
                );
            }
            // Nothing is left running once the temporary workspace is gone.
            assert_eq!(leftover_containers(), Vec::<String>::new());
        }
    }
}

/// Every shipped solution on `engine`, each in a database of its own on one server started
/// once (the url route, as a centre's shared server): the checks are the engine's, whatever
/// route brought the database, and one server instead of one per solution keeps the suite short.
/// Each route keeps a test of its own below, with the references.
fn every_solution_on(engine: &str) {
    let temp = reachable_tempdir();
    let (centre, url) = centres_server(temp.path(), engine);
    let route: Vec<String> = ["--engine", engine, "--via", "url", "--url", &url]
        .map(String::from)
        .to_vec();
    solutions_on(engine, &route, false);
    let out = epreuve_en(
        temp.path(),
        &["db", "down", "--dir", centre.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn postgres_grades_every_solution_as_promised() {
    every_solution_on("postgres");
}

#[test]
fn mariadb_grades_every_solution_as_promised() {
    every_solution_on("mariadb");
}

#[test]
fn postgres_in_docker_grades_the_references() {
    solutions_on("postgres", &route("postgres", "docker"), true);
}

#[test]
fn mariadb_in_docker_grades_the_references() {
    solutions_on("mariadb", &route("mariadb", "docker"), true);
}

#[test]
fn local_postgres_grades_the_references() {
    solutions_on("postgres", &route("postgres", "local"), true);
}

#[test]
fn local_mariadb_grades_the_references() {
    solutions_on("mariadb", &route("mariadb", "local"), true);
}

/// Containers labelled by epreuve whose workspace folder no longer exists.
fn leftover_containers() -> Vec<String> {
    let out = Command::new("docker")
        .args([
            "ps",
            "-a",
            "--filter",
            "label=epreuve",
            "--format",
            "{{.Names}} {{.Label \"epreuve.workspace\"}}",
        ])
        .output()
        .expect("the docker client runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, ws)| !Path::new(ws).exists())
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// Containers labelled with `workspace`.
fn containers_of(workspace: &Path) -> Vec<String> {
    let label = format!("label=epreuve.workspace={}", workspace.display());
    let out = Command::new("docker")
        .args(["ps", "-a", "--filter", &label, "--format", "{{.Names}}"])
        .output()
        .expect("the docker client runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn state(workspace: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(workspace.join(".epreuve/state.json")).unwrap())
        .unwrap()
}

#[test]
fn db_up_down_and_info_drive_a_docker_container() {
    let temp = reachable_tempdir();
    let (ws, out) = start_in(temp.path(), "ws", "c1", &route("postgres", "docker"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("PGPASSWORD="), "{}", stdout(&out));
    let names = containers_of(&ws);
    assert_eq!(names.len(), 1, "{names:?}");
    let ws_str = ws.to_str().unwrap();
    let info = epreuve(
        temp.path(),
        &["db", "info", "--dir", ws_str, "--format", "json"],
    );
    assert_eq!(code(&info), 0, "{}", stderr(&info));
    assert_eq!(json(&info)["answers"], true);
    // `status --format json` gives the candidate's own account, as the text does, and it
    // connects.
    let status = epreuve(
        temp.path(),
        &["status", "--dir", ws_str, "--format", "json"],
    );
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let connection = json(&status)["connection"].clone();
    let password = connection["password"].as_str().unwrap();
    assert!(!password.is_empty());
    assert!(
        stdout(&out).contains(&format!("PGPASSWORD='{password}'")),
        "the text and the JSON give the same password"
    );
    let address = epreuve_db::ServerAddress::parse(connection["url"].as_str().unwrap()).unwrap();
    epreuve_db::ServerDb::connect(&address).unwrap();
    // The port is published on 127.0.0.1 only.
    let port = state(&ws)["database"]["address"]["port"].as_u64().unwrap();
    let inspect = Command::new("docker")
        .args(["port", &names[0]])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&inspect.stdout).trim(),
        format!("5432/tcp -> 127.0.0.1:{port}")
    );
    let mounts = Command::new("docker")
        .args([
            "inspect",
            "-f",
            "{{range .Mounts}}{{.Name}}{{end}}",
            &names[0],
        ])
        .output()
        .unwrap();
    let volume = String::from_utf8_lossy(&mounts.stdout).trim().to_owned();
    assert!(!volume.is_empty(), "the data lives in a volume");
    let down = epreuve(temp.path(), &["db", "down", "--dir", ws_str]);
    assert_eq!(code(&down), 0, "{}", stderr(&down));
    assert!(containers_of(&ws).is_empty());
    let gone = Command::new("docker")
        .args(["volume", "inspect", &volume])
        .output()
        .unwrap();
    assert!(
        !gone.status.success(),
        "the volume {volume} was left behind"
    );
    let info = epreuve(
        temp.path(),
        &["db", "info", "--dir", ws_str, "--format", "json"],
    );
    assert_eq!(code(&info), 3);
    assert_eq!(json(&info)["answers"], false);
}

/// The reference solution applied in `parent/ws`, its database left running.
fn reference_kept(parent: &Path, engine: &str, via: &str) -> PathBuf {
    reference_of_kept(parent, EXAM, engine, via)
}

/// The reference solution of `exam` applied in `parent/ws`, its database left running.
fn reference_of_kept(parent: &Path, exam: &str, engine: &str, via: &str) -> PathBuf {
    let ws = parent.join("ws");
    let mut args: Vec<String> = [
        "demo",
        exam,
        "--dir",
        ws.to_str().unwrap(),
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec();
    args.extend(route(engine, via));
    let out = run(parent, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    ws
}

#[test]
fn a_local_server_stops_and_starts_again_with_the_candidates_tables() {
    let temp = reachable_tempdir();
    let ws = reference_kept(temp.path(), "mariadb", "local");
    let ws_str = ws.to_str().unwrap();
    let down = epreuve(temp.path(), &["db", "down", "--dir", ws_str]);
    assert_eq!(code(&down), 0, "{}", stderr(&down));
    // Down: the submission is graded from its dump, never scored zero.
    let (report, status) = grade(&ws);
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(45.0)),
        "{report:#}"
    );
    let up = epreuve(temp.path(), &["db", "up", "--dir", ws_str]);
    assert_eq!(code(&up), 0, "{}", stderr(&up));
    let (report, status) = grade(&ws);
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(45.0)),
        "{report:#}"
    );
    assert!(
        !report["notes"]
            .to_string()
            .contains("changed after submission")
    );
    // A change after submission: the submission is graded from its dump, and the report
    // says so.
    as_candidate(&ws, "DELETE FROM objectifs WHERE mois = 1");
    let (report, status) = grade(&ws);
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(45.0)),
        "{report:#}"
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("changed after submission"),
        "{report:#}"
    );
    let down = epreuve(temp.path(), &["db", "down", "--dir", ws_str]);
    assert_eq!(code(&down), 0, "{}", stderr(&down));
}

#[test]
fn a_server_that_dies_during_grading_is_not_gradable_rather_than_zero() {
    // Not submitted: no dump to grade instead, the live server is all there is.
    let temp = reachable_tempdir();
    let (ws, out) = start_in(temp.path(), "ws", "c4", &route("postgres", "local"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::write(
        ws.join("answers/apercu_ventes.sql"),
        "SELECT * FROM ventes LIMIT 5",
    )
    .unwrap();
    let pid = std::fs::read_to_string(ws.join(".epreuve/server/data/postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().trim().to_owned();
    // The server is killed outright, as by the OOM killer or a crash.
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    let (report, status) = grade(&ws);
    assert_eq!(status, 3, "{report:#}");
    assert_eq!(report["gradable"], false, "{report:#}");
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "not_gradable", "{c:#}");
        assert!(
            c["message"].as_str().unwrap().contains("not gradable"),
            "{c:#}"
        );
    }
    // The candidate's files are all still there.
    assert!(ws.join("answers/apercu_ventes.sql").is_file());
    assert!(ws.join(".epreuve/server/data/PG_VERSION").is_file());
    let _ = epreuve(temp.path(), &["db", "down", "--dir", ws.to_str().unwrap()]);
}

#[test]
fn no_docker_daemon_suggests_the_local_route_and_leaves_no_folder() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    let catalogue = repo();
    let out = epreuve_with_en(
        temp.path(),
        &[
            "start",
            EXAM,
            "--dir",
            dir.to_str().unwrap(),
            "--candidate",
            "c1",
            "--engine",
            "postgres",
        ],
        &[
            ("EPREUVE_CATALOGUE", catalogue.to_str().unwrap()),
            ("DOCKER_HOST", "unix:///nonexistent/docker.sock"),
        ],
    );
    assert_error(&out, 3, "--via local");
    assert!(
        stderr(&out).contains("Docker is not available"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.exists());
}

#[test]
fn a_port_already_taken_is_named_and_nothing_is_left() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    for via in ["local", "docker"] {
        let temp = reachable_tempdir();
        let mut db = route("postgres", via);
        db.extend(["--port".to_owned(), port.clone()]);
        db.extend(["--lang".to_owned(), "en".to_owned()]);
        let (dir, out) = start_in(temp.path(), "ws", "c1", &db);
        assert_error(
            &out,
            2,
            &format!("port {port} on 127.0.0.1 is already taken"),
        );
        assert!(!dir.exists(), "{via}");
        assert!(containers_of(&dir).is_empty(), "{via}");
    }
    drop(listener);
}

#[test]
fn a_wrong_url_is_refused_with_its_reason() {
    let temp = tempfile::tempdir().unwrap();
    let start_with = |url: &str| {
        start_in(
            temp.path(),
            "ws",
            "c1",
            &[
                "--engine", "postgres", "--via", "url", "--url", url, "--lang", "en",
            ]
            .map(String::from),
        )
    };
    let (dir, out) = start_with("localhost:5432");
    assert_error(&out, 2, "--url");
    assert!(!dir.exists());
    // Nothing listens on port 1: the login cannot even be tried.
    let (_, out) = start_with("postgres://epreuve:secret@127.0.0.1:1/postgres");
    assert_error(
        &out,
        3,
        "cannot connect to postgres://epreuve:***@127.0.0.1:1/postgres",
    );
    assert!(!stderr(&out).contains("secret"), "{}", stderr(&out));
    assert!(!dir.exists());
    let (_, out) = start_with("mysql://root:x@127.0.0.1:1/");
    assert_error(&out, 2, "is a MariaDB server but --engine is PostgreSQL");
}

#[test]
fn the_url_route_gives_each_candidate_a_database_on_the_centres_server() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        // The centre's server: a local one, whose administrator the centre's record keeps.
        let (centre, url) = centres_server(temp.path(), engine);
        let admin_password = centre_record(&centre)["database"]["admin"]["password"]
            .as_str()
            .unwrap()
            .to_owned();
        let ws = temp.path().join("c7");
        let mut args: Vec<String> = [
            "demo",
            EXAM,
            "--dir",
            ws.to_str().unwrap(),
            "--format",
            "json",
            "--engine",
            engine,
            "--via",
            "url",
            "--url",
            &url,
        ]
        .map(String::from)
        .to_vec();
        args.push("--solution".into());
        args.push("reference".into());
        let out = run(temp.path(), &args);
        assert_eq!(code(&out), 0, "{engine}: {}", stderr(&out));
        assert_eq!(json(&out)["score"], 45.0);
        // The candidate has a role of their own; the centre's account is nowhere in the
        // workspace, and the grading account is only in the centre's record.
        let address = &state(&ws)["database"]["address"];
        assert_eq!(address["database"], "epreuve_demo");
        assert_eq!(address["user"], "epreuve_demo");
        for (file, bytes) in snapshot(&ws) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            assert!(
                !text.contains(&admin_password) && !text.contains("correcteur"),
                "{engine}: {} holds the centre's or the grader's account",
                file.display()
            );
        }
        assert_eq!(
            centre_record(&ws)["database"]["grader"]["user"],
            "epreuve_demo_correcteur"
        );
        // A second workspace for the same candidate would share the database: refused.
        let (_, again) = start_in(
            temp.path(),
            "again",
            "demo",
            &["--engine", engine, "--via", "url", "--url", &url].map(String::from),
        );
        assert_error(&again, 2, "la base epreuve_demo existe déjà");
        // Another candidate on the same server cannot reach the first one's database.
        let (other, out) = start_in(
            temp.path(),
            "c8",
            "c8",
            &["--engine", engine, "--via", "url", "--url", &url].map(String::from),
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let mut theirs: epreuve_db::ServerAddress =
            serde_json::from_value(state(&other)["database"]["address"].clone()).unwrap();
        theirs.database = "epreuve_demo".into();
        assert!(
            epreuve_db::ServerDb::connect(&theirs).is_err(),
            "{engine}: c8 reaches the database of another candidate"
        );
        // Dropping needs the centre's account, which the workspace does not hold.
        let down = epreuve_en(temp.path(), &["db", "down", "--dir", ws.to_str().unwrap()]);
        assert_error(&down, 2, "needs the centre's account");
        let down = epreuve_en(
            temp.path(),
            &["db", "down", "--dir", ws.to_str().unwrap(), "--url", &url],
        );
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        let (_, after) = start_in(
            temp.path(),
            "after",
            "demo",
            &["--engine", engine, "--via", "url", "--url", &url].map(String::from),
        );
        assert_eq!(
            code(&after),
            0,
            "{engine}: dropped, the name is free again: {}",
            stderr(&after)
        );
        for dir in ["after", "c8"] {
            let _ = epreuve_en(
                temp.path(),
                &[
                    "db",
                    "down",
                    "--dir",
                    temp.path().join(dir).to_str().unwrap(),
                    "--url",
                    &url,
                ],
            );
        }
        let _ = epreuve_en(
            temp.path(),
            &["db", "down", "--dir", centre.to_str().unwrap()],
        );
    }
}

/// A local server started as the centre's own (a workspace called `centre` in `parent`), and
/// the URL of its administrator, as a centre gives `--url`.
fn centres_server(parent: &Path, engine: &str) -> (PathBuf, String) {
    let (centre, out) = start_in(parent, "centre", "centre", &route(engine, "local"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let a = &centre_record(&centre)["database"]["admin"];
    let scheme = if engine == "postgres" {
        "postgres"
    } else {
        "mysql"
    };
    let url = format!(
        "{scheme}://{}:{}@127.0.0.1:{}/",
        a["user"].as_str().unwrap(),
        a["password"].as_str().unwrap(),
        a["port"]
    );
    (centre, url)
}

/// `db down` on the url route drops what the centre created for the workspace, as its record
/// says: a candidate who makes their state.json name another candidate's database has their
/// own dropped, never the other's; a workspace the centre has no record of is refused.
#[test]
fn db_down_on_a_shared_server_drops_only_what_the_centre_made() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        let (centre, url) = centres_server(temp.path(), engine);
        let on_url = ["--engine", engine, "--via", "url", "--url", &url].map(String::from);
        let (c1, out) = start_in(temp.path(), "c1", "c1", &on_url);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let (c2, out) = start_in(temp.path(), "c2", "c2", &on_url);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let c2_address = candidate_address(&c2);
        // c1 names c2's database (and roles) in their own state.json.
        let path = c1.join(".epreuve/state.json");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("epreuve_c1", "epreuve_c2");
        std::fs::write(&path, text).unwrap();
        let down = epreuve_en(
            temp.path(),
            &["db", "down", "--dir", c1.to_str().unwrap(), "--url", &url],
        );
        assert_eq!(code(&down), 0, "{engine}: {}", stderr(&down));
        assert!(
            epreuve_db::ServerDb::connect(&c2_address).is_ok(),
            "{engine}: c2's database was dropped through c1's state.json"
        );
        let mut c1_address = c2_address.clone();
        c1_address.database = "epreuve_c1".into();
        c1_address.user = "epreuve_c1".into();
        assert!(
            epreuve_db::ServerDb::connect(&c1_address).is_err(),
            "{engine}: c1's own stays"
        );
        // A centre without a record of c2 drops nothing on c2's word.
        let elsewhere = temp.path().join("another-centre");
        let down = epreuve_with_en(
            temp.path(),
            &["db", "down", "--dir", c2.to_str().unwrap(), "--url", &url],
            &[
                ("EPREUVE_CATALOGUE", repo().to_str().unwrap()),
                ("EPREUVE_CENTRE", elsewhere.to_str().unwrap()),
            ],
        );
        assert_ne!(code(&down), 0, "{engine}: {}", stdout(&down));
        assert!(stderr(&down).contains("no record"), "{}", stderr(&down));
        assert!(epreuve_db::ServerDb::connect(&c2_address).is_ok());
        let _ = epreuve_en(
            temp.path(),
            &["db", "down", "--dir", c2.to_str().unwrap(), "--url", &url],
        );
        let _ = epreuve_en(
            temp.path(),
            &["db", "down", "--dir", centre.to_str().unwrap()],
        );
    }
}

/// Sends SIGINT to `start` of `exam` after `delay`, and checks that nothing is left: no
/// folder, no container, no server process. Returns true when the start was really cancelled.
pub(crate) fn interrupt_start_after(exam: &str, engine: &str, via: &str, delay: Duration) -> bool {
    let temp = reachable_tempdir();
    let dir = temp.path().join("ws");
    let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
    command
        .args([
            "start",
            exam,
            "--dir",
            dir.to_str().unwrap(),
            "--candidate",
            "ctrlc",
        ])
        .args(route(engine, via))
        .env("EPREUVE_LANG", "en")
        .env("EPREUVE_CATALOGUE", repo())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();
    std::thread::sleep(delay);
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let why = format!(
        "{engine}/{via} after {delay:?}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        // Finished before the signal: a complete workspace, taken down by hand.
        Some(0) => {
            let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
            assert_eq!(code(&down), 0, "{why}");
            return false;
        }
        Some(130) => assert!(
            String::from_utf8_lossy(&out.stderr).contains("cancelled"),
            "{why}"
        ),
        // Killed by the signal before the handler was installed: nothing had been made.
        None => {}
        Some(_) => panic!("{why}"),
    }
    assert!(!dir.exists(), "{why}");
    assert!(containers_of(&dir).is_empty(), "{why}");
    let servers = Command::new("pgrep")
        .args(["-f", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        servers.stdout.is_empty(),
        "{why}: {}",
        String::from_utf8_lossy(&servers.stdout)
    );
    out.status.code() == Some(130)
}

/// The server processes (`postgres`, `mariadbd`, `mongod` or SecantusDB's `secantusd-py`)
/// whose command line names `dir`.
pub(crate) fn servers_in(dir: &Path) -> Vec<String> {
    let out = Command::new("pgrep")
        .args(["-f", dir.to_str().unwrap()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| {
                matches!(
                    c.trim(),
                    "postgres" | "mariadbd" | "mongod" | "secantusd-py"
                )
            })
        })
        .map(str::to_owned)
        .collect()
}

/// `start --via local` killed with SIGKILL once its server runs (no handler, no cleanup):
/// the next `start` in the folder ends that server, starts afresh, and `db down` leaves no
/// process behind.
#[test]
fn a_local_start_killed_outright_leaves_its_server_to_the_next_start() {
    for engine in ["postgres", "mariadb"] {
        killed_start_leaves_its_server_to_the_next(EXAM, engine);
    }
}

/// [`a_local_start_killed_outright_leaves_its_server_to_the_next_start`] for one exam and
/// engine.
pub(crate) fn killed_start_leaves_its_server_to_the_next(exam: &str, engine: &str) {
    {
        let temp = reachable_tempdir();
        let dir = temp.path().join("ws");
        let mut child = Command::new(env!("CARGO_BIN_EXE_epreuve"))
            .args([
                "start",
                exam,
                "--dir",
                dir.to_str().unwrap(),
                "--candidate",
                "k9",
            ])
            .args(route(engine, "local"))
            .env("EPREUVE_CATALOGUE", repo())
            .env("EPREUVE_CENTRE", centre())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while servers_in(&dir).is_empty() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status();
        let _ = child.wait();
        let left = servers_in(&dir);
        assert!(
            !left.is_empty(),
            "{engine}: the server had not started in 30 s"
        );
        let (_, out) = start_exam_in(temp.path(), exam, "ws", "k9", &route(engine, "local"));
        assert_eq!(code(&out), 0, "{engine}: {}", stderr(&out));
        for pid in &left {
            assert!(
                !std::path::Path::new(&format!("/proc/{pid}")).exists()
                    || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                        .is_ok_and(|s| s.contains(") Z ")),
                "{engine}: the killed start's server {pid} still runs"
            );
        }
        let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        assert!(
            servers_in(&dir).is_empty(),
            "{engine}: {:?}",
            servers_in(&dir)
        );
    }
}

#[test]
fn ctrl_c_at_any_point_of_a_docker_start_leaves_nothing() {
    let cancelled = [30, 300, 700, 1200, 1800, 5000]
        .into_iter()
        .filter(|&millis| {
            interrupt_start_after(EXAM, "postgres", "docker", Duration::from_millis(millis))
        })
        .count();
    // Most signals land while the container is being made or awaited, not after.
    assert!(
        cancelled >= 3,
        "only {cancelled} of 6 starts were cancelled"
    );
}

#[test]
fn ctrl_c_at_any_point_of_a_local_start_leaves_nothing() {
    let points = [
        ("postgres", 100),
        ("postgres", 400),
        ("postgres", 900),
        ("postgres", 3000),
        ("mariadb", 150),
        ("mariadb", 600),
        ("mariadb", 1100),
        ("mariadb", 3500),
    ];
    let cancelled = points
        .into_iter()
        .filter(|&(engine, millis)| {
            interrupt_start_after(EXAM, engine, "local", Duration::from_millis(millis))
        })
        .count();
    assert!(
        cancelled >= 4,
        "only {cancelled} of 8 starts were cancelled"
    );
}

#[test]
fn a_later_start_sweeps_the_containers_of_deleted_workspaces() {
    let temp = reachable_tempdir();
    let (ws, out) = start_in(temp.path(), "gone", "c1", &route("mariadb", "docker"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let orphan = containers_of(&ws);
    assert_eq!(orphan.len(), 1);
    // The folder is deleted without `db down`, as after a crash or a careless cleanup.
    std::fs::remove_dir_all(&ws).unwrap();
    let (next, out) = start_in(temp.path(), "next", "c2", &route("mariadb", "docker"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(containers_of(&ws).is_empty(), "{orphan:?} was not swept");
    let down = epreuve(
        temp.path(),
        &["db", "down", "--dir", next.to_str().unwrap()],
    );
    assert_eq!(code(&down), 0);
}

/// Two candidates started at once (a class prepared two at a time) both find the orphan of a
/// deleted workspace and both sweep it: the one whose removal comes second (the container
/// already going) still starts, and the orphan is gone.
#[test]
fn two_starts_at_once_sweep_the_same_orphan_and_both_start() {
    let temp = reachable_tempdir();
    let (ws, out) = start_in(temp.path(), "gone", "c1", &route("mariadb", "docker"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(containers_of(&ws).len(), 1);
    std::fs::remove_dir_all(&ws).unwrap();
    let parent = temp.path().to_path_buf();
    let starts: Vec<_> = ["c2", "c3"]
        .into_iter()
        .map(|candidate| {
            let parent = parent.clone();
            std::thread::spawn(move || {
                start_in(
                    &parent,
                    &format!("ws-{candidate}"),
                    candidate,
                    &route("mariadb", "docker"),
                )
            })
        })
        .collect();
    for start in starts {
        let (dir, out) = start.join().unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
    }
    assert!(containers_of(&ws).is_empty(), "the orphan was not swept");
}

/// On the servers, `information_schema.tables` lists the system's tables of a new database, as
/// the statement says: the step-0 example passes before the candidate created anything.
#[test]
fn a_new_server_database_lists_its_system_tables() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        let (ws, out) = start_in(temp.path(), "ws", "c1", &route(engine, "local"));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let listed = crate::native::default_tables_of(
            temp.path(),
            &ws,
            "SELECT table_schema, table_name FROM information_schema.tables",
        );
        let nothing = crate::native::default_tables_of(
            temp.path(),
            &ws,
            "SELECT table_name FROM information_schema.tables WHERE table_name = 'aucune'",
        );
        let down = epreuve(temp.path(), &["db", "down", "--dir", ws.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        assert_eq!(listed["status"], "passed", "{engine}: {listed:#}");
        assert_eq!(nothing["status"], "failed", "{engine}: {nothing:#}");
        assert!(
            !nothing["message"]
                .as_str()
                .unwrap()
                .contains("duckdb_views"),
            "{engine}: {nothing:#}"
        );
    }
}

#[test]
fn a_labelled_missing_row_is_accepted_with_its_exact_count_on_the_servers() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        let ws = reference_of_kept(temp.path(), "bloc2-exploitation", engine, "local");
        crate::bloc2::a_labelled_missing_row_counts_when_its_count_is_right(&ws);
        let down = epreuve(temp.path(), &["db", "down", "--dir", ws.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
    }
}
