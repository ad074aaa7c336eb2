//! Running the binary the way a person would, and reading what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, which is also the exam catalogue.
pub fn repo() -> PathBuf {
    manifest_dir()
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// `epreuve <args>` in `cwd`, with only PATH and HOME kept from the environment.
pub fn epreuve(cwd: &Path, args: &[&str]) -> Output {
    epreuve_with(
        cwd,
        args,
        &[("EPREUVE_CATALOGUE", repo().to_str().expect("utf-8 path"))],
    )
}

/// [`epreuve`] in English (`EPREUVE_LANG=en`), for tests that read its English sentences.
pub fn epreuve_en(cwd: &Path, args: &[&str]) -> Output {
    epreuve_with_en(
        cwd,
        args,
        &[("EPREUVE_CATALOGUE", repo().to_str().expect("utf-8 path"))],
    )
}

/// [`epreuve_with`] in English.
pub fn epreuve_with_en(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut env = env.to_vec();
    env.push(("EPREUVE_LANG", "en"));
    epreuve_with(cwd, args, &env)
}

/// Same, with extra environment variables.
pub fn epreuve_with(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    epreuve_command(cwd, args, env)
        .output()
        .expect("the epreuve binary runs")
}

/// The command [`epreuve_with`] runs, not started yet: for a test that signals it or reads it
/// while it runs.
pub fn epreuve_command(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("NO_COLOR", "1");
    for key in ["PATH", "HOME", "EPREUVE_MONGOD"] {
        if let Some(value) = std::env::var_os(key) {
            command.env(key, value);
        }
    }
    command.env("EPREUVE_CENTRE", centre());
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// The centre's folder of records for this test: one per test process (nextest runs each test
/// in a process of its own), shared by every command the test runs.
pub fn centre() -> PathBuf {
    std::env::temp_dir().join(format!("epreuve-test-centre-{}", std::process::id()))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

/// Asserts that the command exited with `expected` and said `needle` on standard error.
pub fn assert_error(output: &Output, expected: i32, needle: &str) {
    assert_eq!(
        code(output),
        expected,
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
    assert!(stderr(output).contains(needle), "{}", stderr(output));
}

/// Parses the JSON the command printed.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(output), stderr(output)))
}

pub const EXAM: &str = "bloc1-chargement";

/// The exam whose tasks time queries on a million lines: `timing.rs` grades its solutions on
/// every engine and route.
pub const TIMING_EXAM: &str = "bloc1-optimisation";

/// Every exam of the catalogue, as the catalogue lists them.
pub fn exams() -> Vec<String> {
    let catalogue = epreuve_exam::Catalogue::open(repo()).expect("the catalogue opens");
    let mut ids: Vec<String> = catalogue
        .exams()
        .expect("the catalogue lists its exams")
        .iter()
        .map(|e| e.manifest.id.clone())
        .collect();
    ids.sort();
    assert!(ids.len() >= 4, "the catalogue lists {ids:?}");
    ids
}

/// Every SQL exam of the catalogue but the timing one, which `timing.rs` covers (the document
/// exam runs on MongoDB only: `mongodb.rs` covers it).
pub fn exams_but_timing() -> Vec<String> {
    let catalogue = epreuve_exam::Catalogue::open(repo()).expect("the catalogue opens");
    exams()
        .into_iter()
        .filter(|e| e != TIMING_EXAM)
        .filter(|e| {
            catalogue
                .exam(e)
                .expect("the exam opens")
                .manifest
                .runs_on(epreuve_exam::Engine::DuckDb)
        })
        .collect()
}

/// What a solution must get on `engine`: `[on_servers]` on the servers when it has one.
pub fn expectation_on(
    solution: &epreuve_exam::SolutionManifest,
    engine: &str,
) -> epreuve_exam::Expectation {
    match (&solution.on_servers, engine) {
        (Some(servers), "postgres" | "mariadb") => servers.clone(),
        _ => epreuve_exam::Expectation {
            expected_score: solution.expected_score,
            expected_failures: solution.expected_failures.clone(),
            expected_not_acquired: solution.expected_not_acquired.clone(),
            expected_indicators_not_acquired: solution.expected_indicators_not_acquired.clone(),
        },
    }
}

/// Asserts that `report` failed exactly the checks `expected` names, scored its score and
/// judged "non acquis" exactly the criteria it names.
pub fn assert_outcome(
    report: &serde_json::Value,
    expected: &epreuve_exam::Expectation,
    what: &str,
) {
    let score = expected.expected_score;
    let mut not_acquired: Vec<String> = report["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .filter(|c| c["verdict"] == "non acquis")
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect();
    not_acquired.sort();
    let mut wanted = expected.expected_not_acquired.clone();
    wanted.sort();
    assert_eq!(
        not_acquired, wanted,
        "{what}: verdicts differ\n{:#}",
        report["criteria"]
    );
    // The jury's grid, line by line: the lines it names are "non acquis", every other one is
    // acquired or waits for the assessor.
    let mut lines_not: Vec<String> = Vec::new();
    for criterion in report["criteria"].as_array().expect("criteria") {
        let lines = criterion["indicators"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let code = criterion["code"].as_str().expect("code");
        for line in &lines {
            let id = line["id"].as_str().expect("indicator id");
            assert!(
                id.starts_with(&format!("{code}/")),
                "{what}: {id} under {code}"
            );
            assert!(
                !line["text"].as_str().unwrap_or_default().is_empty(),
                "{what}: {id} has no words"
            );
            if line["verdict"] == "non acquis" {
                lines_not.push(id.to_owned());
            }
        }
        // A criterion with a grid is acquired exactly when every line is.
        if !lines.is_empty() && criterion["verdict"] == "acquis" {
            assert!(
                lines.iter().all(|l| l["verdict"] == "acquis"),
                "{what}: {code} acquis with a line that is not: {criterion:#}"
            );
        }
    }
    lines_not.sort();
    let mut wanted = expected.expected_indicators_not_acquired.clone();
    wanted.sort();
    assert_eq!(
        lines_not, wanted,
        "{what}: the grid differs\n{:#}",
        report["criteria"]
    );
    let expected = &expected.expected_failures;
    let mut failed: Vec<String> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "failed")
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    failed.sort();
    let mut wanted = expected.to_vec();
    wanted.sort();
    assert_eq!(failed, wanted, "{what}: failed checks differ\n{report:#}");
    assert_eq!(report["score"].as_f64(), Some(score), "{what}: {report:#}");
}

/// The solutions shipped with the grader of `exam`, by name.
pub fn solutions_of(exam: &str) -> Vec<(String, epreuve_exam::SolutionManifest)> {
    let dir = repo().join("graders").join(exam).join("solutions");
    let mut out: Vec<(String, epreuve_exam::SolutionManifest)> = std::fs::read_dir(&dir)
        .expect("solutions folder")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text =
                std::fs::read_to_string(e.path().join("solution.toml")).expect("solution.toml");
            let manifest = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{name}/solution.toml does not parse: {e}"));
            (name, manifest)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A temporary folder the `postgres` user can reach (a local PostgreSQL runs as that user
/// when the tests run as root).
pub fn reachable_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    temp
}

/// `epreuve start` of the first exam in `parent/folder` for `candidate`, with more options
/// (`--engine`, `--via`…); the folder and what the command did.
pub fn start_in(
    parent: &Path,
    folder: &str,
    candidate: &str,
    options: &[String],
) -> (PathBuf, Output) {
    start_exam_in(parent, EXAM, folder, candidate, options)
}

/// [`start_in`] for `exam`.
pub fn start_exam_in(
    parent: &Path,
    exam: &str,
    folder: &str,
    candidate: &str,
    options: &[String],
) -> (PathBuf, Output) {
    let dir = parent.join(folder);
    let mut args = vec![
        "start",
        exam,
        "--dir",
        dir.to_str().unwrap(),
        "--candidate",
        candidate,
    ];
    args.extend(options.iter().map(String::as_str));
    let out = epreuve(parent, &args);
    (dir, out)
}

/// A fresh workspace of the first exam, in `parent/ws`.
pub fn start(parent: &Path) -> PathBuf {
    let (dir, out) = start_in(parent, "ws", "c042", &[]);
    assert_eq!(code(&out), 0, "start failed: {}", stderr(&out));
    dir
}

/// A workspace with a shipped solution applied and submitted, in `parent/ws`.
pub fn solved(parent: &Path, solution: &str) -> (PathBuf, serde_json::Value) {
    solved_exam(parent, EXAM, solution)
}

/// A workspace of `exam` with a shipped solution applied and submitted, in `parent/ws`.
pub fn solved_exam(parent: &Path, exam: &str, solution: &str) -> (PathBuf, serde_json::Value) {
    let dir = parent.join("ws");
    let out = epreuve(
        parent,
        &[
            "demo",
            exam,
            "--solution",
            solution,
            "--dir",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(
        code(&out) <= 1,
        "demo failed ({}): {}",
        code(&out),
        stderr(&out)
    );
    (dir, json(&out))
}

/// Grades `workspace` and returns the JSON report and the exit code.
pub fn grade(workspace: &Path) -> (serde_json::Value, i32) {
    grade_with(workspace, &[])
}

/// Grades `workspace` with more arguments (`--evaluation <file>`…).
pub fn grade_with(workspace: &Path, more: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["grade", workspace.to_str().unwrap(), "--format", "json"];
    args.extend(more);
    let out = epreuve(workspace.parent().unwrap(), &args);
    (json(&out), code(&out))
}

/// The centre's record of `workspace` (written by `start`, outside the workspace).
pub fn centre_record(workspace: &Path) -> serde_json::Value {
    let real = workspace.canonicalize().unwrap();
    for entry in std::fs::read_dir(centre())
        .expect("the centre's folder")
        .flatten()
    {
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
        if record["workspace"] == real.to_str().unwrap() {
            return record;
        }
    }
    panic!("the centre has no record of {}", workspace.display())
}

/// The candidate's own account on the server of `workspace`, as `state.json` gives it.
pub fn candidate_address(workspace: &Path) -> epreuve_db::ServerAddress {
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.join(".epreuve/state.json")).unwrap(),
    )
    .unwrap();
    serde_json::from_value(state["database"]["address"].clone()).unwrap()
}

/// Runs `sql` on the server of `workspace` with the candidate's own account, as the candidate
/// would from psql or mariadb.
pub fn as_candidate(workspace: &Path, sql: &str) {
    use epreuve_db::Loader;
    epreuve_db::ServerDb::connect(&candidate_address(workspace))
        .unwrap()
        .execute(sql)
        .unwrap();
}

/// The folder of the submission bundle `state.json` names.
pub fn bundle(workspace: &Path) -> PathBuf {
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.join(".epreuve/state.json")).unwrap(),
    )
    .unwrap();
    let name = state["submitted"]["bundle"].as_str().expect("submitted");
    workspace.join(".epreuve/submissions").join(name)
}

/// The check called `id` in a report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

/// SHA-256-free fingerprint of every file under `dir`: path and full contents.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A copy of the catalogue the test may damage.
pub fn catalogue_copy(parent: &std::path::Path) -> std::path::PathBuf {
    let target = parent.join("catalogue");
    for folder in ["exercises", "datasets", "graders"] {
        copy_dir(&repo().join(folder), &target.join(folder));
    }
    target
}

/// `from` copied into `to`, folders and files.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}

/// English words no French message of the catalogues holds once its data (names, values,
/// queries, an engine's own error text) is set aside.
const ENGLISH_WORDS: [&str; 23] = [
    "the", "of", "is", "are", "and", "not", "with", "rows", "row", "values", "columns", "column",
    "missing", "expected", "found", "right", "wrong", "lost", "needed", "which", "does", "has",
    "have",
];

/// Every check and criterion of `report` (a report's JSON) says its message through the
/// catalogues: its English is the report's `message`, its French renders without a missing
/// message or argument, and the French words (data set aside) hold no English.
pub fn assert_said_in_both(report: &serde_json::Value, label: &str) {
    use epreuve_i18n::Lang;
    let json = report;
    let report: epreuve_results::Report = serde_json::from_value(report.clone()).expect("a report");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let mut messages: Vec<(String, &epreuve_results::Said, String)> = Vec::new();
    for (i, check) in report.checks.iter().enumerate() {
        let english = text(&json["checks"][i]["message"]);
        messages.push((check.id.clone(), check.message.said(), english));
    }
    for (i, criterion) in report.criteria.iter().enumerate() {
        let english = text(&json["criteria"][i]["reason"]);
        messages.push((criterion.code.clone(), criterion.reason.said(), english));
        // Each line of the jury's grid: its evidence and its tolerance, said in both.
        for (j, line) in criterion.indicators.iter().enumerate() {
            let written = &json["criteria"][i]["indicators"][j];
            messages.push((
                line.id.clone(),
                line.evidence.said(),
                text(&written["evidence"]),
            ));
            messages.push((
                format!("{} tolerance", line.id),
                line.tolerance.said(),
                text(&written["tolerance"]),
            ));
        }
    }
    for (id, said, english) in &messages {
        let english = english.as_str();
        assert_ne!(
            said.id, "err-text",
            "{label}: {id} says no catalogue message"
        );
        assert_eq!(
            said.checked(Lang::En).as_deref(),
            Ok(english),
            "{label}: {id}"
        );
        let french = said
            .checked(Lang::Fr)
            .unwrap_or_else(|e| panic!("{label}: {id}: {e:?}"));
        // "ok", said of a public check that passes, is French too.
        if said.id != "hint-ok" {
            assert_ne!(&french, english, "{label}: {id} is not translated");
        }
        let words_only = (*said)
            .clone()
            .map_text(&|_| "X".to_owned())
            .render(Lang::Fr);
        for word in words_only.split(|c: char| !c.is_alphanumeric()) {
            assert!(
                !ENGLISH_WORDS.contains(&word),
                "{label}: {id}: English word `{word}` in {words_only:?}"
            );
        }
    }
}
