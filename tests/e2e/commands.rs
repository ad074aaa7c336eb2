//! Every command as a person sees it: its exit code, its standard output and its standard
//! error in one snapshot, in French and in English (`cargo insta review` after an intended
//! change). What changes from run to run (temporary folders, clocks, seals, ports, passwords) is
//! filtered out; what a person reads is not.

use std::path::Path;
use std::process::Output;

use crate::common::*;

/// The two languages every command speaks.
const LANGS: [&str; 2] = ["fr", "en"];

/// What varies between two runs of the same command, replaced by a name in brackets.
pub(crate) fn filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/commands");
    // The catalogue is this checkout, wherever it is cloned.
    let repo = repo().display().to_string();
    settings.add_filter(&regex::escape(&repo), "[REPO]");
    for (pattern, name) in [
        (r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]"),
        (r"/tmp/epreuve-test-centre-\d+", "[CENTRE]"),
        (r"\b[0-9a-f]{64}\b", "[SEAL]"),
        (r"\b[0-9a-f]{16}\b", "[SEAL16]"),
        (r"\b\d{4}-\d{8}T\d{6}-\d+\b", "[SUBMISSION]"),
        (
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?",
            "[TIMESTAMP]",
        ),
        (r"\b\d{8}T\d{6}Z?\b", "[TIMESTAMP]"),
        (r"\b\d{2}/\d{2}/\d{4}( \d{2}:\d{2})?", "[DATE]"),
        (r"\b\d{2}:\d{2}(:\d{2})?\b", "[TIME]"),
        (r"\b(\d+h ?)?\d+m ?\d+s\b", "[LEFT]"),
        (r"\b\d+(\.\d+)? ?(ms|µs)\b", "[DURATION]"),
        (r"\b\d+,\d+ ?ms\b", "[DURATION]"),
        (r"\b\d{2}/\d{2}\b", "[DAY]"),
        (
            r#""remaining_seconds": \d+"#,
            r#""remaining_seconds": [SECONDS]"#,
        ),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        // DuckDB names the program that holds a lock, and its pid.
        (
            r"lock is held in \S+ \(PID \d+\)",
            "lock is held in [PROGRAM] (PID [PID])",
        ),
        // A local server's port and its generated password (a password shown as *** stays).
        (r"(port|-p|-P) \d+", "$1 [PORT]"),
        (r#""port": \d+"#, r#""port": [PORT]"#),
        (
            r"\b(password|mot de passe) [A-Za-z0-9]{12,}",
            "$1 [PASSWORD]",
        ),
        (r"(PGPASSWORD=|-p)'[A-Za-z0-9]{12,}'", "$1'[PASSWORD]'"),
        (r"://([a-z_]+):[A-Za-z0-9]{12,}@", "://$1:[PASSWORD]@"),
        (
            r#""password": "[A-Za-z0-9]{12,}""#,
            r#""password": "[PASSWORD]""#,
        ),
    ] {
        settings.add_filter(pattern, name);
    }
    settings
}

/// `epreuve <args>` in `cwd`, in `lang`, with the repository's catalogue.
fn run(cwd: &Path, lang: &str, args: &[&str]) -> Output {
    run_with(cwd, lang, args, &[])
}

/// [`run`] with more environment variables.
fn run_with(cwd: &Path, lang: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let catalogue = repo();
    let mut all = vec![
        ("EPREUVE_CATALOGUE", catalogue.to_str().unwrap()),
        ("EPREUVE_LANG", lang),
    ];
    all.extend_from_slice(env);
    epreuve_with(cwd, args, &all)
}

/// What a person sees of a command: the command line, its exit code, its two outputs.
pub(crate) fn shown(args: &[&str], out: &Output) -> String {
    format!(
        "$ epreuve {}\nexit code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        // The command line as typed, its control and direction characters written as escapes
        // so that the snapshot file stays plain text.
        args.join(" ")
            .chars()
            .map(|c| match c {
                c if c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) => {
                    c.escape_unicode().to_string()
                }
                c => c.to_string(),
            })
            .collect::<String>(),
        code(out),
        stdout(out).trim_end(),
        stderr(out).trim_end()
    )
}

/// Snapshots what a person saw of `epreuve <args>` (already run) as `name`, with its exit code
/// checked against `expected` too: a command's whole answer, for the tests of other modules.
pub(crate) fn assert_answer(name: &str, args: &[&str], out: &Output, expected: i32) {
    let seen = shown(args, out);
    filters().bind(|| insta::assert_snapshot!(name.to_owned(), seen));
    assert_eq!(code(out), expected, "{seen}");
}

/// Runs `epreuve <args>` in `cwd` in `lang`, snapshots it as `<name>_<lang>`, checks its exit
/// code against `expected` (so that a wrong code fails even when snapshots are being updated)
/// and returns what it did.
fn snapshot(name: &str, cwd: &Path, lang: &str, args: &[&str], expected: i32) -> Output {
    snapshot_with(name, cwd, lang, args, &[], expected)
}

/// [`snapshot`] with more environment variables.
fn snapshot_with(
    name: &str,
    cwd: &Path,
    lang: &str,
    args: &[&str],
    env: &[(&str, &str)],
    expected: i32,
) -> Output {
    let out = run_with(cwd, lang, args, env);
    let seen = shown(args, &out);
    filters().bind(|| insta::assert_snapshot!(format!("{name}_{lang}"), seen));
    assert_eq!(code(&out), expected, "{seen}");
    out
}

/// The candidate's commands on the embedded DuckDB, from `start` to the assessor's `grade`.
#[test]
fn the_candidates_commands_and_the_assessors_grade() {
    for lang in LANGS {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        let start = ["start", EXAM, "--dir", "ws", "--candidate", "c042"];
        snapshot("start", cwd, lang, &start, 0);
        snapshot("status", cwd, lang, &["status", "--dir", "ws"], 0);
        let out = snapshot(
            "status_json",
            cwd,
            lang,
            &["status", "--dir", "ws", "--format", "json"],
            0,
        );
        json(&out);
        snapshot("check_empty", cwd, lang, &["check", "--dir", "ws"], 1);
        let out = snapshot(
            "check_empty_json",
            cwd,
            lang,
            &["check", "--dir", "ws", "--format", "json"],
            1,
        );
        json(&out);
        snapshot("db_info", cwd, lang, &["db", "info", "--dir", "ws"], 0);
        snapshot("db_down", cwd, lang, &["db", "down", "--dir", "ws"], 0);
        snapshot("db_up", cwd, lang, &["db", "up", "--dir", "ws"], 0);
        snapshot("submit", cwd, lang, &["submit", "--dir", "ws"], 0);
        snapshot("status_submitted", cwd, lang, &["status", "--dir", "ws"], 0);
        snapshot("grade_empty", cwd, lang, &["grade", "ws"], 1);
        let out = snapshot(
            "grade_empty_json",
            cwd,
            lang,
            &["grade", "ws", "--format", "json"],
            1,
        );
        json(&out);
        snapshot(
            "grade_evaluation_template",
            cwd,
            lang,
            &["grade", "ws", "--evaluation-template"],
            0,
        );
        snapshot(
            "submit_out",
            cwd,
            lang,
            &["submit", "--dir", "ws", "--out", "c042.epreuve"],
            0,
        );
    }
}

/// `exams`, `demo` of the reference and of a wrong solution, `pack`.
#[test]
fn the_catalogue_the_demo_and_the_pack() {
    for lang in LANGS {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        snapshot("exams", cwd, lang, &["exams"], 0);
        let out = snapshot("exams_json", cwd, lang, &["exams", "--format", "json"], 0);
        json(&out);
        snapshot(
            "demo_reference",
            cwd,
            lang,
            &["demo", EXAM, "--dir", "reference"],
            0,
        );
        let out = snapshot(
            "demo_wrong_json",
            cwd,
            lang,
            &[
                "demo",
                EXAM,
                "--solution",
                "decimaux-arrondis",
                "--dir",
                "wrong",
                "--format",
                "json",
            ],
            1,
        );
        json(&out);
        snapshot(
            "pack",
            cwd,
            lang,
            &["pack", EXAM, TIMING_EXAM, "--out", "pack"],
            0,
        );
    }
}

/// A class of two, from the roster to every format of its report.
#[test]
fn a_class_from_its_roster_to_its_report() {
    for lang in LANGS {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        std::fs::write(
            cwd.join("roster.csv"),
            "id,name,extra_time\nA1,Awa Diallo,\nB2,Bruno Martin,30min\n",
        )
        .unwrap();
        let prepare = [
            "class",
            "prepare",
            "roster.csv",
            "--exam",
            EXAM,
            "--dir",
            "class",
            "--jobs",
            "1",
        ];
        snapshot("class_prepare", cwd, lang, &prepare, 0);
        snapshot("class_prepare_again", cwd, lang, &prepare, 0);
        snapshot(
            "class_status",
            cwd,
            lang,
            &["class", "status", "--dir", "class"],
            0,
        );
        snapshot(
            "class_handout",
            cwd,
            lang,
            &["class", "handout", "--dir", "class", "--out", "handout"],
            0,
        );
        // A1 submits on their own machine and the file is gathered; B2 never submits.
        let a1 = cwd.join("handout/A1/workspace");
        let catalogue = cwd.join("handout/A1/catalogue");
        let submitted = epreuve_with(
            cwd,
            &[
                "submit",
                "--dir",
                a1.to_str().unwrap(),
                "--out",
                "A1.epreuve",
            ],
            &[("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())],
        );
        assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
        snapshot(
            "class_collect",
            cwd,
            lang,
            &["class", "collect", "--dir", "class", "A1.epreuve"],
            0,
        );
        snapshot(
            "class_grade",
            cwd,
            lang,
            &["class", "grade", "--dir", "class", "--jobs", "1"],
            0,
        );
        snapshot(
            "class_regrade",
            cwd,
            lang,
            &[
                "class",
                "grade",
                "--dir",
                "class",
                "--jobs",
                "1",
                "--regrade",
            ],
            0,
        );
        snapshot(
            "class_report",
            cwd,
            lang,
            &["class", "report", "--dir", "class"],
            0,
        );
        let out = snapshot(
            "class_report_json",
            cwd,
            lang,
            &["class", "report", "--dir", "class", "--format", "json"],
            0,
        );
        json(&out);
        snapshot(
            "class_report_csv",
            cwd,
            lang,
            &["class", "report", "--dir", "class", "--format", "csv"],
            0,
        );
        for format in ["gradescope", "html"] {
            let out_dir = format!("report-{format}");
            snapshot(
                &format!("class_report_{format}"),
                cwd,
                lang,
                &[
                    "class", "report", "--dir", "class", "--format", format, "--out", &out_dir,
                ],
                0,
            );
            assert!(cwd.join(&out_dir).is_dir(), "{format}: nothing written");
        }
    }
}

/// Each class of error the exit-code table names, as the person who caused it reads it.
#[test]
fn every_class_of_error_in_both_languages() {
    for lang in LANGS {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        // Bad arguments: clap's own exit code, 2.
        snapshot("error_no_dir", cwd, lang, &["start", EXAM], 2);
        snapshot(
            "error_bad_engine",
            cwd,
            lang,
            &[
                "start",
                EXAM,
                "--dir",
                "ws",
                "--candidate",
                "c1",
                "--engine",
                "oracle",
            ],
            2,
        );
        // A command typed with an escape sequence and Fluent's braces: echoed inert.
        snapshot(
            "error_hostile_command",
            cwd,
            lang,
            &["{ $what }\u{1b}[31m\u{202e}x"],
            2,
        );
        // User errors: unknown exam, no workspace, a broken manifest.
        snapshot(
            "error_unknown_exam",
            cwd,
            lang,
            &["start", "bloc9", "--dir", "ws", "--candidate", "c1"],
            2,
        );
        snapshot(
            "error_no_workspace",
            cwd,
            lang,
            &["status", "--dir", "nowhere"],
            2,
        );
        let catalogue = catalogue_copy(cwd);
        let manifest = catalogue.join("exercises").join(EXAM).join("exam.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, text.replacen("[", "[[", 1)).unwrap();
        snapshot_with(
            "error_broken_manifest",
            cwd,
            lang,
            &["start", EXAM, "--dir", "ws", "--candidate", "c1"],
            &[("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())],
            2,
        );
        // Refused input: a state.json epreuve would not have written.
        let out = run(
            cwd,
            lang,
            &["start", EXAM, "--dir", "ws", "--candidate", "c1"],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        std::fs::write(cwd.join("ws/.epreuve/state.json"), "{\"exam\": 42}").unwrap();
        snapshot(
            "error_state_rewritten",
            cwd,
            lang,
            &["status", "--dir", "ws"],
            2,
        );
        // Infrastructure: a server that does not answer, a Docker that is not there.
        snapshot(
            "error_server_unreachable",
            cwd,
            lang,
            &[
                "start",
                EXAM,
                "--dir",
                "ws2",
                "--candidate",
                "c1",
                "--engine",
                "postgres",
                "--via",
                "url",
                "--url",
                "postgres://centre:secret@127.0.0.1:9/epreuve",
            ],
            3,
        );
        assert!(!cwd.join("ws2").exists(), "a failed start leaves nothing");
        snapshot_with(
            "error_no_docker",
            cwd,
            lang,
            &["images", "build"],
            &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")],
            3,
        );
    }
}

/// A workspace on a throwaway local server of each engine, given as a relative `--dir` as a
/// person types it: start, the database described, stopped, described while stopped, started
/// again, the status as JSON, stopped at the end.
#[test]
fn a_local_server_started_stopped_and_described() {
    for (engine, exam) in [
        ("postgres", EXAM),
        ("mariadb", EXAM),
        ("mongodb", "bloc1-documents"),
    ] {
        for lang in LANGS {
            let temp = reachable_tempdir();
            let cwd = temp.path();
            let name = |step: &str| format!("local_{engine}_{step}");
            let start = [
                "start",
                exam,
                "--dir",
                "ws",
                "--candidate",
                "c042",
                "--engine",
                engine,
                "--via",
                "local",
            ];
            snapshot(&name("start"), cwd, lang, &start, 0);
            snapshot(
                &name("db_info"),
                cwd,
                lang,
                &["db", "info", "--dir", "ws"],
                0,
            );
            snapshot(
                &name("db_down"),
                cwd,
                lang,
                &["db", "down", "--dir", "ws"],
                0,
            );
            snapshot(
                &name("db_info_stopped"),
                cwd,
                lang,
                &["db", "info", "--dir", "ws"],
                3,
            );
            snapshot(&name("db_up"), cwd, lang, &["db", "up", "--dir", "ws"], 0);
            let out = snapshot(
                &name("status_json"),
                cwd,
                lang,
                &["status", "--dir", "ws", "--format", "json"],
                0,
            );
            json(&out);
            let out = run(cwd, lang, &["db", "down", "--dir", "ws"]);
            assert_eq!(code(&out), 0, "{}", stderr(&out));
        }
    }
}

/// Ctrl-C during `start` (exit 130): the million-line exam, interrupted while it generates
/// and loads, says what it removed and leaves no folder behind.
#[test]
fn ctrl_c_during_start_in_both_languages() {
    for lang in LANGS {
        let temp = tempfile::tempdir().unwrap();
        let cwd = temp.path();
        let args = [
            "--quiet",
            "start",
            TIMING_EXAM,
            "--dir",
            "ws",
            "--candidate",
            "c042",
        ];
        let catalogue = repo();
        let env = [
            ("EPREUVE_CATALOGUE", catalogue.to_str().unwrap()),
            ("EPREUVE_LANG", lang),
        ];
        let child = epreuve_command(cwd, &args, &env)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Generating and loading a million lines takes seconds: the signal comes during it.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        let seen = shown(&args, &out);
        filters().bind(|| insta::assert_snapshot!(format!("ctrl_c_start_{lang}"), seen));
        assert_eq!(code(&out), 130, "{seen}");
        assert!(!cwd.join("ws").exists(), "nothing is left: {seen}");
    }
}
