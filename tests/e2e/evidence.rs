//! The workspace is evidence, not instructions: what its files name (an exam, a database file,
//! a server folder, a process, a container, a file of answers) is checked before epreuve opens,
//! runs, signals or removes anything, and a link out of the workspace, a FIFO or a device is
//! refused with a sentence instead of being followed, read forever or blocked on.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;

/// Edits `state.json` of `dir` with `change`.
fn edit_state(dir: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(".epreuve/state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    change(&mut state);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
}

/// A field of `state.json` changed, and the words of the refusal.
type Case = (&'static str, fn(&mut serde_json::Value), &'static str);

#[test]
fn state_fields_that_name_paths_or_accounts_are_refused() {
    let temp = tempfile::tempdir().unwrap();
    // Another candidate's workspace, whose database the first would like graded instead.
    let other = temp.path().join("autre");
    let (_, out) = start_in(temp.path(), "autre", "c2", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let cases: [Case; 5] = [
        ("exam", |s| s["exam"] = "../../etc".into(), "is not a name"),
        (
            "database file",
            |s| s["database"]["file"] = "../autre/base.duckdb".into(),
            "epreuve only ever uses `base.duckdb`",
        ),
        (
            "absolute database file",
            |s| s["database"]["file"] = "/etc/passwd".into(),
            "epreuve only ever uses `base.duckdb`",
        ),
        (
            "data file",
            |s| s["data"][0]["name"] = "../../secret".into(),
            "not a plain file name",
        ),
        (
            "candidate",
            |s| s["candidate"] = "c\u{1b}[2J".into(),
            "is not allowed",
        ),
    ];
    for (what, change, needle) in cases {
        let parent = temp.path().join(what.replace(' ', "_"));
        std::fs::create_dir(&parent).unwrap();
        let dir = start(&parent);
        edit_state(&dir, change);
        for command in ["check", "submit", "status"] {
            let out = epreuve_en(temp.path(), &[command, "--dir", dir.to_str().unwrap()]);
            assert_error(&out, 2, needle);
        }
        let out = epreuve_en(temp.path(), &["grade", dir.to_str().unwrap()]);
        assert_error(&out, 2, needle);
        assert!(!stderr(&out).contains('\u{1b}'));
    }
    assert!(other.join("base.duckdb").is_file());
}

#[test]
fn links_fifos_and_devices_among_the_answers_are_refused_without_a_hang() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    let secret = temp.path().join("secret.sql");
    std::fs::write(&secret, "SELECT 'hunter2' AS mot_de_passe").unwrap();
    let answers = dir.join("answers");
    // Links out of the workspace, a FIFO and a device, where saved queries are expected.
    std::fs::remove_file(answers.join("apercu_ventes.sql")).unwrap();
    std::os::unix::fs::symlink(&secret, answers.join("apercu_ventes.sql")).unwrap();
    std::fs::remove_file(answers.join("apercu_magasins.sql")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(answers.join("apercu_magasins.sql"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::remove_file(answers.join("apercu_produits.sql")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", answers.join("apercu_produits.sql")).unwrap();
    std::os::unix::fs::symlink(temp.path(), answers.join("en_haut")).unwrap();
    let started = Instant::now();
    let checked = epreuve(temp.path(), &["check", "--dir", dir.to_str().unwrap()]);
    let submitted = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    let (report, _) = grade(&dir);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let all = format!("{}{}{report}", stdout(&checked), stderr(&checked));
    assert!(!all.contains("hunter2"), "{all}");
    // Said in the user's language (French here), the file named inside `answers/`.
    assert!(stdout(&checked).contains("hors de"), "{}", stdout(&checked));
    assert!(stdout(&checked).contains("FIFO"), "{}", stdout(&checked));
    assert!(
        stdout(&checked).contains("answers/"),
        "{}",
        stdout(&checked)
    );
    for table in ["ventes", "magasins", "produits"] {
        let head = check(&report, &format!("{table}.head"));
        assert_eq!(head["status"], "failed", "{head:#}");
    }
    assert_eq!(check(&report, "objectifs.head")["status"], "passed");
    // What submit left out is said in the bundle.
    let facts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(bundle(&dir).join("submission.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(facts["refused"].as_array().unwrap().len(), 4, "{facts:#}");
    assert!(!bundle(&dir).join("answers/en_haut").exists());
}

#[test]
fn data_files_replaced_by_a_fifo_or_a_link_do_not_stop_grading() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    let data = dir.join("data");
    std::fs::remove_file(data.join("ventes.csv")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(data.join("ventes.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::remove_file(data.join("catalogue.json")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", data.join("catalogue.json")).unwrap();
    let started = Instant::now();
    let (report, status) = grade(&dir);
    assert!(started.elapsed() < Duration::from_secs(60));
    // Ground truth is regenerated: every point, and the notes say what the workspace holds.
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(41.0)),
        "{report:#}"
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("data/ventes.csv") && notes.contains("FIFO"),
        "{notes}"
    );
    assert!(
        notes.contains("data/catalogue.json") && notes.contains("outside"),
        "{notes}"
    );
}

#[test]
fn a_pid_file_naming_another_process_is_never_signalled() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        let (dir, out) = start_in(
            temp.path(),
            "ws",
            "c1",
            &["--engine", engine, "--via", "local"].map(String::from),
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let pid_file = match engine {
            "mariadb" => dir.join(".epreuve/server/mariadbd.pid"),
            _ => dir.join(".epreuve/server/data/postmaster.pid"),
        };
        let original = std::fs::read_to_string(&pid_file).unwrap();
        // A process of the assessor's that the workspace names as its server.
        let mut bystander = std::process::Command::new("sleep")
            .arg("300")
            .spawn()
            .unwrap();
        let rest: String = original.lines().skip(1).map(|l| format!("{l}\n")).collect();
        std::fs::write(&pid_file, format!("{}\n{rest}", bystander.id())).unwrap();
        let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        assert!(
            bystander.try_wait().unwrap().is_none(),
            "{engine}: db down signalled a process that is not its server"
        );
        bystander.kill().unwrap();
        let _ = bystander.wait();
        // With its real pid back, the server stops.
        std::fs::write(&pid_file, &original).unwrap();
        let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        let pid: u32 = original.lines().next().unwrap().trim().parse().unwrap();
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .unwrap_or_default()
                    .contains(") Z"),
            "{engine}: the server still runs"
        );
    }
}

#[test]
fn a_container_named_by_another_workspace_is_left_alone() {
    let temp = reachable_tempdir();
    let docker = [
        "--engine", "postgres", "--via", "docker", "--images", "local",
    ]
    .map(String::from);
    let (mine, out) = start_in(temp.path(), "mine", "c1", &docker);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (theirs, out) = start_in(temp.path(), "theirs", "c2", &docker);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let read = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(".epreuve/state.json")).unwrap())
            .unwrap()
    };
    let their_container = read(&theirs)["database"]["container"].clone();
    let my_container = read(&mine)["database"]["container"]
        .as_str()
        .unwrap()
        .to_owned();
    edit_state(&mine, |s| {
        s["database"]["container"] = their_container.clone()
    });
    for command in ["down", "up"] {
        let out = epreuve(
            temp.path(),
            &["db", command, "--dir", mine.to_str().unwrap()],
        );
        assert_eq!(code(&out), 3, "db {command}: {}", stderr(&out));
        assert!(
            // Said in the user's language (French here).
            stderr(&out).contains("n'a pas été créé par epreuve pour cet espace de travail"),
            "{}",
            stderr(&out)
        );
    }
    let (report, status) = {
        let out = epreuve(
            temp.path(),
            &["db", "info", "--dir", theirs.to_str().unwrap()],
        );
        (stdout(&out), code(&out))
    };
    assert_eq!(status, 0, "their database still answers: {report}");
    for dir in [&theirs, &mine] {
        let _ = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
    }
    // Mine was left running by the refusals: its own container is removed by name now.
    let _ = std::process::Command::new("docker")
        .args(["rm", "-f", "-v", &my_container])
        .output();
}
