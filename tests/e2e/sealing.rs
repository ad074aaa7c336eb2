//! The submission: whole, serialized, sealed. Two `submit` at once both finish and leave one
//! complete bundle; `submit` killed at any instant leaves the previous submission or the new
//! one, complete; whatever is changed after submitting (an answer, the snapshot, the log, the
//! deadline, the late flag) is named in the report, which then says the score is provisional.

use std::path::Path;
use std::time::Duration;

use crate::common::*;

fn bin() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_epreuve"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("EPREUVE_CATALOGUE", repo())
        .env("EPREUVE_CENTRE", centre())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

fn edit_json(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    change(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

fn integrity(report: &serde_json::Value) -> String {
    report["integrity"].to_string()
}

#[test]
fn changes_after_submission_are_named_and_the_score_is_provisional() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    let (report, status) = grade(&dir);
    assert_eq!((status, report["score"].as_f64()), (0, Some(41.0)));
    assert_eq!(report["provisional"], false, "{report:#}");
    let bundle = bundle(&dir);
    // An answer edited inside the bundle.
    std::fs::write(
        bundle.join("answers/apercu_ventes.sql"),
        "SELECT * FROM ventes LIMIT 3",
    )
    .unwrap();
    let (report, _) = grade(&dir);
    assert!(
        integrity(&report).contains("answers/apercu_ventes.sql was changed after submission"),
        "{report:#}"
    );
    assert_eq!(report["provisional"], true);
    // A file added and the snapshot replaced by another candidate's.
    std::fs::write(bundle.join("answers/bonus.sql"), "SELECT 1").unwrap();
    let (other, _) = solved(&temp.path().join("x").tap_mkdir(), "lignes-manquantes");
    std::fs::copy(
        self::bundle(&other).join("base.duckdb"),
        bundle.join("base.duckdb"),
    )
    .unwrap();
    let (report, _) = grade(&dir);
    let text = integrity(&report);
    assert!(
        text.contains("answers/bonus.sql was added after submission"),
        "{text}"
    );
    assert!(
        text.contains("the database snapshot (base.duckdb) was changed after submission"),
        "{text}"
    );
    // The seal itself rewritten to match: the state's record of it no longer does.
    let seal = bundle.join("seal.json");
    edit_json(&seal, |s| {
        s["files"]["answers/bonus.sql"] = "0".repeat(64).into()
    });
    let (report, _) = grade(&dir);
    assert!(
        integrity(&report).contains("seal of the submission is not the one recorded"),
        "{report:#}"
    );
}

trait Mkdir {
    fn tap_mkdir(self) -> Self;
}

impl Mkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

#[test]
fn the_log_the_deadline_and_the_late_flag_cannot_be_moved_unseen() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, out) = start_in(temp.path(), "ws", "c9", &["--duration".into(), "1s".into()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(1500));
    let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (report, _) = grade(&dir);
    assert!(
        report["notes"].to_string().contains("submitted late"),
        "{report:#}"
    );
    assert!(integrity(&report) == "[]", "{report:#}");
    // The candidate moves the deadline and clears the late flag in state.json…
    edit_json(&dir.join(".epreuve/state.json"), |s| {
        s["deadline"] = "2099-01-01T00:00:00Z".into();
        s["submitted"]["late"] = false.into();
    });
    let (report, _) = grade(&dir);
    let text = integrity(&report);
    assert!(
        text.contains("deadline") && text.contains("centre's record"),
        "{text}"
    );
    assert!(
        text.contains("its time or its late flag were changed"),
        "{text}"
    );
    assert!(
        report["notes"].to_string().contains("submitted late"),
        "the centre's deadline holds: {report:#}"
    );
    // …hides the submission from state.json…
    let state_path = dir.join(".epreuve/state.json");
    let saved = std::fs::read_to_string(&state_path).unwrap();
    edit_json(&state_path, |s| s["submitted"] = serde_json::Value::Null);
    let (report, _) = grade(&dir);
    assert!(
        integrity(&report).contains("state.json names none"),
        "{report:#}"
    );
    std::fs::write(&state_path, saved).unwrap();
    // …and rewrites the log: a line removed.
    let log = dir.join(".epreuve/log.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[2..].join("\n"))).unwrap();
    let (report, _) = grade(&dir);
    assert!(integrity(&report).contains("action log"), "{report:#}");
    // Without the centre's record, the report says where the facts came from.
    let out = epreuve_with(
        temp.path(),
        &["grade", dir.to_str().unwrap(), "--format", "json"],
        &[(
            "EPREUVE_CENTRE",
            temp.path().join("elsewhere").to_str().unwrap(),
        )],
    );
    assert!(
        json(&out)["notes"]
            .to_string()
            .contains("come from the candidate's machine"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn two_submits_at_once_both_finish_and_leave_one_whole_bundle() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    for round in 0..6 {
        let spawn = || {
            bin()
                .args(["submit", "--dir", dir.to_str().unwrap(), "-q"])
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn(), spawn());
        let (a, b) = (a.wait().unwrap(), b.wait().unwrap());
        assert!(a.success() && b.success(), "round {round}: {a:?} {b:?}");
        let (report, status) = grade(&dir);
        assert_eq!(
            (status, report["score"].as_f64()),
            (0, Some(41.0)),
            "round {round}: {report:#}"
        );
        assert_eq!(integrity(&report), "[]", "round {round}: {report:#}");
        let bundles = std::fs::read_dir(dir.join(".epreuve/submissions"))
            .unwrap()
            .count();
        assert_eq!(bundles, 1, "round {round}: older bundles are removed");
    }
}

#[test]
fn a_submit_killed_at_any_instant_leaves_the_previous_submission_or_the_new_one() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    // The new submission differs from the previous one: one head query broken (40 of 41).
    std::fs::write(dir.join("answers/apercu_magasins.sql"), "SELEC 1").unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for delay_ms in [
        0u64, 1, 2, 3, 5, 8, 12, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 300,
    ] {
        let mut child = bin()
            .args(["submit", "--dir", dir.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let (report, status) = grade(&dir);
        let score = report["score"].as_f64();
        assert!(
            score == Some(41.0) || score == Some(40.0),
            "killed after {delay_ms} ms: {status} {report:#}"
        );
        assert_eq!(
            integrity(&report),
            "[]",
            "killed after {delay_ms} ms: {report:#}"
        );
        seen.insert(score.map(|s| s as i64));
        // Back to the previous state half the time, so that later kills still have a
        // previous submission to fall back on.
        if score == Some(40.0) {
            std::fs::write(
                dir.join("answers/apercu_magasins.sql"),
                "SELECT * FROM magasins LIMIT 5",
            )
            .unwrap();
            let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            std::fs::write(dir.join("answers/apercu_magasins.sql"), "SELEC 1").unwrap();
        }
    }
    assert!(
        seen.contains(&Some(41)),
        "some kill came before the new submission took: {seen:?}"
    );
    // A complete submit afterwards cleans what the killed ones left.
    let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(dir.join(".epreuve/submissions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    let state = std::fs::read_to_string(dir.join(".epreuve/state.json")).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&state).is_ok(),
        "{state}"
    );
}

#[test]
fn a_server_database_is_frozen_and_regraded_as_it_was_submitted() {
    for engine in ["postgres", "mariadb"] {
        let temp = reachable_tempdir();
        let dir = temp.path().join("ws");
        let out = epreuve(
            temp.path(),
            &[
                "demo",
                EXAM,
                "--dir",
                dir.to_str().unwrap(),
                "--engine",
                engine,
                "--via",
                "local",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(json(&out)["score"], 45.0);
        let dump = if engine == "mariadb" {
            "database.sql"
        } else {
            "database.dump"
        };
        let seal: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(bundle(&dir).join("seal.json")).unwrap())
                .unwrap();
        assert!(
            seal["files"][dump].is_string(),
            "{engine}: the dump is sealed: {seal:#}"
        );
        // After submitting, the candidate empties a table and drops another.
        as_candidate(&dir, "DELETE FROM ventes; DROP TABLE objectifs");
        let (report, status) = grade(&dir);
        assert_eq!(
            (status, report["score"].as_f64()),
            (0, Some(45.0)),
            "{engine}: {report:#}"
        );
        assert!(
            report["notes"].to_string().contains("graded from the dump"),
            "{report:#}"
        );
        assert_eq!(report["integrity"].to_string(), "[]", "{report:#}");
        // The server stopped altogether: still graded as submitted.
        let down = epreuve(temp.path(), &["db", "down", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&down), 0, "{}", stderr(&down));
        let (report, status) = grade(&dir);
        assert_eq!(
            (status, report["score"].as_f64()),
            (0, Some(45.0)),
            "{engine}: {report:#}"
        );
        // A dump changed after submission is named, and the score is provisional.
        let file = bundle(&dir).join(dump);
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend_from_slice(b"\n-- modifie\n");
        std::fs::write(&file, bytes).unwrap();
        let (report, _) = grade(&dir);
        assert!(
            report["integrity"]
                .to_string()
                .contains("the dump of the database was changed"),
            "{engine}: {report:#}"
        );
    }
}

#[test]
fn two_starts_in_one_folder_leave_one_whole_workspace() {
    for round in 0..5 {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("ws");
        let spawn = |candidate: &str| {
            bin()
                .args([
                    "start",
                    EXAM,
                    "--dir",
                    dir.to_str().unwrap(),
                    "--candidate",
                    candidate,
                ])
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn("c1"), spawn("c2"));
        let (a, b) = (a.wait().unwrap(), b.wait().unwrap());
        assert!(
            a.success() != b.success(),
            "round {round}: exactly one start wins: {a:?} {b:?}"
        );
        // The winner's workspace is whole: the loser removed nothing of it.
        let out = epreuve(temp.path(), &["check", "--dir", "ws", "--format", "json"]);
        assert_eq!(code(&out), 1, "round {round}: {}", stderr(&out));
        assert!(dir.join("data/ventes.csv").is_file() && dir.join("base.duckdb").is_file());
    }
}

/// The exam's grace: a submission within it after the deadline is on time. Grading believes
/// the catalogue's grace, never the copy the workspace keeps: a candidate who grants
/// themself a grace is graded late, and the report says the record was bent.
#[test]
fn a_submission_within_the_exams_grace_is_on_time_and_only_the_catalogue_grants_it() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue = catalogue_copy(temp.path());
    let manifest = catalogue.join("exercises").join(EXAM).join("exam.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("duration = \"2h\"", "duration = \"2h\"\ngrace = \"10min\"");
    std::fs::write(&manifest, text).unwrap();
    let graced = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = epreuve_with(temp.path(), args, env);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        out
    };
    let start = [
        "start",
        EXAM,
        "--candidate",
        "c31",
        "--duration",
        "1s",
        "--dir",
    ];
    // Submitted 1.5 s after the deadline, within 10 minutes of grace.
    run(&[&start[..], &["in-grace"]].concat(), &graced);
    let in_grace = temp.path().join("in-grace");
    std::thread::sleep(Duration::from_millis(1500));
    run(&["submit", "--dir", in_grace.to_str().unwrap()], &graced);
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(in_grace.join(".epreuve/state.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["grace_seconds"], 600, "{state:#}");
    assert_eq!(state["submitted"]["late"], false, "{state:#}");
    // A blank workspace: the checks fail (exit code 1), the submission is on time.
    let report = json(&epreuve_with(
        temp.path(),
        &["grade", in_grace.to_str().unwrap(), "--format", "json"],
        &graced,
    ));
    assert!(
        !report["notes"].to_string().contains("submitted late"),
        "{report:#}"
    );
    assert_eq!(integrity(&report), "[]", "{report:#}");
    // The shipped exam has no grace; its candidate writes one into state.json.
    let (strict, out) = start_in(
        temp.path(),
        "strict",
        "c32",
        &["--duration".into(), "1s".into()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    edit_json(&strict.join(".epreuve/state.json"), |s| {
        s["grace_seconds"] = 3600.into();
    });
    std::thread::sleep(Duration::from_millis(1500));
    run(&["submit", "--dir", strict.to_str().unwrap()], &[]);
    let (report, _) = grade(&strict);
    assert!(
        report["notes"].to_string().contains("submitted late"),
        "{report:#}"
    );
    assert!(
        integrity(&report).contains("recorded as on time, but it came after the deadline"),
        "{report:#}"
    );
}
