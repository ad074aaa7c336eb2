//! Bad input: one clear sentence, a documented exit code, and nothing the candidate wrote is
//! touched.

use crate::commands::assert_answer;
use crate::common::*;

#[test]
fn a_workspace_that_does_not_exist_is_a_user_error() {
    let temp = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("errors_status_nowhere", vec!["status", "--dir", "nowhere"]),
        ("errors_grade_nowhere", vec!["grade", "nowhere"]),
        ("errors_check_nowhere", vec!["check", "--dir", "nowhere"]),
        (
            "errors_status_not_a_workspace",
            vec!["status", "--dir", "."],
        ),
    ] {
        let out = epreuve_en(temp.path(), &args);
        assert_answer(name, &args, &out, 2);
    }
}

#[test]
fn an_unknown_exam_lists_the_known_ones() {
    let temp = tempfile::tempdir().unwrap();
    let args = ["start", "bloc9", "--dir", "ws", "--candidate", "x"];
    let out = epreuve_en(temp.path(), &args);
    assert_answer("errors_unknown_exam", &args, &out, 2);
    assert!(stderr(&out).contains(EXAM));
    assert!(!temp.path().join("ws").exists(), "nothing is left behind");
}

#[test]
fn start_never_writes_into_a_folder_that_holds_files() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mes notes").unwrap();
    let args = ["start", EXAM, "--dir", "ws", "--candidate", "x"];
    let out = epreuve_en(temp.path(), &args);
    assert_answer("errors_start_into_a_full_folder", &args, &out, 2);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mes notes"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn a_broken_manifest_points_at_its_line() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue = catalogue_copy(temp.path());
    let manifest = catalogue.join("exercises").join(EXAM).join("exam.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("duration = \"2h\"", "durée = \"2h\"");
    std::fs::write(&manifest, text).unwrap();
    let out = epreuve_with_en(
        temp.path(),
        &["exams"],
        &[("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())],
    );
    assert_error(&out, 2, "exam.toml is not a valid manifest");
    let err = stderr(&out);
    assert!(err.contains("durée"), "the snippet shows the line: {err}");
}

#[test]
fn a_deleted_data_file_is_replaced_by_the_original_and_noted() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    std::fs::remove_file(dir.join("data").join("ventes.csv")).unwrap();
    let (report, code) = grade(&dir);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], 41.0);
    assert!(
        report["notes"]
            .to_string()
            .contains("data/ventes.csv was deleted"),
        "{report:#}"
    );
}

#[test]
fn a_changed_file_and_its_recorded_checksum_are_caught_by_regeneration() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    // The candidate edits a file and the checksum recorded in the state to match it.
    let path = dir.join("data").join("ventes.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().take(1000).collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    let state_path = dir.join(".epreuve").join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    let sha = sha256_hex(&std::fs::read(&path).unwrap());
    for file in state["data"].as_array_mut().unwrap() {
        if file["name"] == "ventes.csv" {
            file["sha256"] = serde_json::Value::String(sha.clone());
        }
    }
    std::fs::write(&state_path, state.to_string()).unwrap();
    let (report, code) = grade(&dir);
    // Truth comes from the regenerated file: the table still holds all 24,000 lines.
    assert_eq!(
        (code, report["score"].as_f64()),
        (0, Some(41.0)),
        "{report:#}"
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("data/ventes.csv differs from the file this candidate was given"),
        "{report:#}"
    );
}

/// SHA-256 in hex, computed by the `sha256sum` program rather than epreuve's own code.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_changed_data_file_without_an_original_is_a_user_error() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue = catalogue_copy(temp.path());
    // An exam without a generator: the catalogue's copy is the only original.
    let manifest = catalogue.join("exercises").join(EXAM).join("exam.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text.find("[generator]").expect("the exam has a generator");
    let end = start + text[start..].find("\n\n").unwrap();
    std::fs::write(&manifest, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let env = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
    let out = epreuve_with_en(
        temp.path(),
        &["start", EXAM, "--dir", "ws", "--candidate", "x"],
        &env,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ws = temp.path().join("ws");
    // The candidate overwrote the workbook, and the catalogue's copy is no longer the one
    // handed out (the dataset was regenerated since).
    std::fs::write(ws.join("data").join("magasins.xlsx"), b"not a workbook").unwrap();
    let original = catalogue
        .join("datasets")
        .join("halles-verdier")
        .join("magasins.xlsx");
    let mut bytes = std::fs::read(&original).unwrap();
    bytes.push(0);
    std::fs::write(&original, bytes).unwrap();
    let out = epreuve_with_en(temp.path(), &["grade", "ws"], &env);
    assert_answer("errors_data_changed_no_original", &["grade", "ws"], &out, 2);
    assert!(
        stderr(&out).contains("data/magasins.xlsx was changed since the exam started"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_query_with_a_syntax_error_fails_its_check_only() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    std::fs::write(
        dir.join("answers").join("apercu_ventes.sql"),
        "SELEC * FROM ventes LIMIT 10;",
    )
    .unwrap();
    let out = epreuve(temp.path(), &["check", "--dir", "ws", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let failed: Vec<&serde_json::Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "passed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    let head = check(&report, "ventes.head");
    assert_eq!(head["status"], "failed");
    let message = head["message"].as_str().unwrap();
    assert!(
        message.contains("the query in answers/apercu_ventes.sql does not run"),
        "{message}"
    );
    assert!(message.contains("syntax error"), "{message}");
}

#[test]
fn a_missing_database_file_is_an_infrastructure_error() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    std::fs::remove_file(dir.join("base.duckdb")).unwrap();
    let out = epreuve_en(temp.path(), &["check", "--dir", "ws"]);
    assert_answer(
        "errors_database_file_missing",
        &["check", "--dir", "ws"],
        &out,
        3,
    );
}

/// A submitted snapshot that is damaged, or gone, is named by the workspace's bundle, which
/// the assessor can open, never by grading's private copy of it.
#[test]
fn a_damaged_or_missing_snapshot_is_named_by_the_workspace() {
    for damage in ["garbage", "gone"] {
        let temp = tempfile::tempdir().unwrap();
        let dir = start(temp.path());
        let out = epreuve_en(temp.path(), &["submit", "--dir", "ws"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let snapshot = bundle(&dir).join("base.duckdb");
        match damage {
            "garbage" => std::fs::write(&snapshot, vec![0x5a; 20_000]).unwrap(),
            _ => std::fs::remove_file(&snapshot).unwrap(),
        }
        let out = epreuve_en(temp.path(), &["grade", "ws", "--format", "json"]);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!said.contains("epreuve-grading-"), "{damage}: {said}");
        assert!(said.contains(".epreuve/submissions/"), "{damage}: {said}");
    }
}

#[test]
fn a_locked_database_file_says_who_to_close() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    // The candidate's own DuckDB session holds the file open for writing.
    let held = duckdb::Connection::open(dir.join("base.duckdb")).unwrap();
    held.execute_batch("CREATE TABLE brouillon (x INTEGER)")
        .unwrap();
    let out = epreuve_en(temp.path(), &["check", "--dir", "ws"]);
    assert_answer(
        "errors_database_file_locked",
        &["check", "--dir", "ws"],
        &out,
        3,
    );
    let out = epreuve_en(temp.path(), &["submit", "--dir", "ws"]);
    assert_eq!(code(&out), 3);
    drop(held);
    let out = epreuve_en(temp.path(), &["submit", "--dir", "ws"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn check_and_grade_never_modify_the_candidates_files() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "textes-coupes");
    let before: Vec<_> = ["answers", "data"]
        .iter()
        .flat_map(|d| snapshot(&dir.join(d)))
        .collect();
    let db_before = std::fs::read(dir.join("base.duckdb")).unwrap();
    epreuve(temp.path(), &["check", "--dir", "ws"]);
    grade(&dir);
    let after: Vec<_> = ["answers", "data"]
        .iter()
        .flat_map(|d| snapshot(&dir.join(d)))
        .collect();
    assert_eq!(before, after);
    assert_eq!(db_before, std::fs::read(dir.join("base.duckdb")).unwrap());
}

#[test]
fn an_unknown_solution_lists_the_shipped_ones() {
    let temp = tempfile::tempdir().unwrap();
    let args = ["demo", EXAM, "--solution", "parfaite"];
    let out = epreuve_en(temp.path(), &args);
    assert_answer("errors_unknown_solution", &args, &out, 2);
    let out = epreuve(temp.path(), &args);
    assert_answer("errors_unknown_solution_fr", &args, &out, 2);
    let err = stderr(&out);
    assert!(err.contains("reference"), "{err}");
}

/// Every error epreuve's crates name says itself through the catalogue: its `Display` is the
/// catalogue's English (logs and JSON keep that text), and it renders in French without a
/// missing message or argument.
#[test]
fn each_error_says_the_same_in_the_catalogue_and_renders_in_french() {
    use epreuve_i18n::{Lang, Said};
    use std::path::PathBuf;
    let p = || PathBuf::from("/w/x");
    let io = || std::io::Error::other("boom");
    let fs = [
        epreuve_fs::FsError::Missing { path: p() },
        epreuve_fs::FsError::Outside {
            path: p(),
            target: p(),
            root: p(),
        },
        epreuve_fs::FsError::NotRegular {
            path: p(),
            kind: "kind-a-fifo-named-pipe",
        },
        epreuve_fs::FsError::NotText { path: p() },
        epreuve_fs::FsError::TooLarge {
            path: p(),
            limit: 1024,
        },
        epreuve_fs::FsError::TooManyEntries {
            path: p(),
            limit: 10_000,
        },
        epreuve_fs::FsError::Busy {
            path: p(),
            holder: "grade".into(),
            seconds: 30,
        },
        epreuve_fs::FsError::Io {
            action: "create",
            path: p(),
            source: io(),
        },
    ];
    let db = || {
        vec![
            epreuve_db::DbError::Missing { path: p() },
            epreuve_db::DbError::Locked {
                path: p(),
                detail: "held".into(),
            },
            epreuve_db::DbError::unavailable("t", "d"),
            epreuve_db::DbError::query("d"),
            epreuve_db::DbError::Timeout { seconds: 5 },
            epreuve_db::DbError::Denied { detail: "d".into() },
            epreuve_db::DbError::internal("SELECT 1", "d"),
        ]
    };
    let session = [
        epreuve_session::SessionError::NoWorkspace { path: p() },
        epreuve_session::SessionError::NotAWorkspace { path: p() },
        epreuve_session::SessionError::NotEmpty { path: p() },
        epreuve_session::SessionError::BadState {
            path: p(),
            message: epreuve_i18n::said!("state-holds-accounts"),
        },
        epreuve_session::SessionError::DataChanged {
            file: "ventes.csv".into(),
            what: "deleted",
        },
        epreuve_session::SessionError::Generate {
            message: Said::verbatim("m"),
        },
        epreuve_session::SessionError::Preload {
            table: "t".into(),
            message: Said::verbatim("m"),
        },
        epreuve_session::SessionError::Io {
            action: "write the log",
            path: p(),
            source: io(),
        },
        epreuve_session::SessionError::BundleFile {
            path: p(),
            why: epreuve_i18n::said!("bundle-no-seal"),
        },
    ];
    let provision = [
        epreuve_provision::ProvisionError::NoDocker {
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::ImageMissing {
            image: "i".into(),
            detail: Said::verbatim("d"),
            hint: epreuve_i18n::said!("image-hint-local"),
        },
        epreuve_provision::ProvisionError::PortTaken {
            port: 5432,
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::Docker {
            action: epreuve_i18n::said!("action-create-the-container"),
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::NotInstalled {
            program: "initdb".into(),
            package: Said::verbatim("postgresql"),
        },
        epreuve_provision::ProvisionError::ServerFailed {
            what: epreuve_i18n::said!("what-server", engine = "PostgreSQL"),
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::StepFailed {
            action: epreuve_i18n::said!("action-create-the-postgresql-cluster-initdb"),
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::NotReady {
            what: epreuve_i18n::said!("what-server", engine = "PostgreSQL"),
            seconds: 30,
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::BadUrl {
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::Unreachable {
            url: "u".into(),
            detail: Said::verbatim("d"),
        },
        epreuve_provision::ProvisionError::DatabaseExists {
            name: "n".into(),
            url: "u".into(),
        },
        epreuve_provision::ProvisionError::Cancelled,
        epreuve_provision::ProvisionError::Io {
            action: epreuve_i18n::said!("action-find-a-free-port"),
            source: io(),
        },
    ];
    let data = [
        epreuve_data::DataError::Io {
            path: p(),
            source: io(),
        },
        epreuve_data::DataError::Csv {
            path: p(),
            line: 3,
            message: Said::verbatim("m"),
        },
        epreuve_data::DataError::Workbook {
            path: p(),
            message: Said::verbatim("m"),
        },
        epreuve_data::DataError::MissingSheet {
            path: p(),
            sheet: "s".into(),
            available: "a, b".into(),
        },
        epreuve_data::DataError::NoHeader {
            path: p(),
            what: epreuve_i18n::said!("data-sheet", sheet = "s"),
        },
        epreuve_data::DataError::Json {
            path: p(),
            line: 1,
            column: 2,
            message: Said::verbatim("m"),
        },
        epreuve_data::DataError::JsonShape {
            path: p(),
            message: Said::verbatim("m"),
        },
        epreuve_data::DataError::DuplicateColumn {
            path: p(),
            column: "c".into(),
        },
        epreuve_data::DataError::WriteWorkbook {
            path: p(),
            message: Said::verbatim("m"),
        },
        epreuve_data::DataError::Frame {
            path: p(),
            message: Said::verbatim("m"),
        },
    ];
    let exam = [
        epreuve_exam::ExamError::NotACatalogue { root: p() },
        epreuve_exam::ExamError::UnknownExam {
            id: "x".into(),
            known: "a, b".into(),
        },
        epreuve_exam::ExamError::UnknownSolution {
            exam: "e".into(),
            name: "x".into(),
            known: "a, b".into(),
        },
        epreuve_exam::ExamError::CandidatePack {
            root: p(),
            what: "`grade`".into(),
        },
        epreuve_exam::ExamError::Io {
            path: p(),
            source: io(),
        },
        epreuve_exam::ExamError::Inconsistent {
            file: "f".into(),
            message: epreuve_i18n::said!("grid-no-check", indicator = "i"),
        },
    ];
    let grading = [
        epreuve_grading::GradingError::PublicOnly { grader: p() },
        epreuve_grading::GradingError::EvaluationUnreadable {
            path: p(),
            source: io(),
        },
        epreuve_grading::GradingError::EvaluationInWorkspace { path: p() },
        epreuve_grading::GradingError::Db(db().remove(1)),
    ];
    let grade = [
        epreuve_grade::GradeError::Io {
            path: p(),
            source: io(),
        },
        epreuve_grade::GradeError::Solution {
            solution: "s".into(),
            message: Said::verbatim("m"),
        },
    ];
    let mut said: Vec<(String, Said)> = Vec::new();
    said.extend(fs.iter().map(|e| (e.to_string(), e.said())));
    said.extend(db().iter().map(|e| (e.to_string(), e.said())));
    said.extend(session.iter().map(|e| (e.to_string(), e.said())));
    said.extend(provision.iter().map(|e| (e.to_string(), e.said())));
    said.extend(data.iter().map(|e| (e.to_string(), e.said())));
    said.extend(exam.iter().map(|e| (e.to_string(), e.said())));
    said.extend(grading.iter().map(|e| (e.to_string(), e.said())));
    said.extend(grade.iter().map(|e| (e.to_string(), e.said())));
    let class = [
        epreuve_class::ClassError::Roster {
            path: p(),
            line: 3,
            why: Said::new("roster-repeated")
                .with("id", "c01")
                .with("first", 2.0),
        },
        epreuve_class::ClassError::Io {
            action: "read",
            path: p(),
            source: io(),
        },
        epreuve_class::ClassError::NoClass { dir: p() },
        epreuve_class::ClassError::OtherExam {
            dir: p(),
            found: "a".into(),
            asked: "b".into(),
        },
        epreuve_class::ClassError::Manifest {
            path: p(),
            why: "w".into(),
        },
    ];
    said.extend(class.iter().map(|e| (e.to_string(), e.said())));
    let live = epreuve_live::LiveError::Output(io());
    said.push((live.to_string(), live.said()));
    for (display, said) in said {
        assert_eq!(said.checked(Lang::En).as_deref(), Ok(display.as_str()));
        let french = said
            .checked(Lang::Fr)
            .unwrap_or_else(|e| panic!("{display}: {e:?}"));
        if display.split_whitespace().count() > 2 {
            assert_ne!(french, display, "not translated");
        }
    }
}

/// No error type of epreuve's crates types a sentence of its own: each says itself through
/// the catalogue (`epreuve_i18n::says_itself!`), so a sentence lives in one place.
#[test]
fn no_error_type_writes_its_own_sentence() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut typed = Vec::new();
    let mut stack = vec![crates];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("target") && !path.ends_with("tests") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if line.trim_start().starts_with("#[error(") {
                        typed.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        typed.is_empty(),
        "sentences typed outside the catalogue:\n{}",
        typed.join("\n")
    );
}

/// An error in French, the default: the same fault, in the candidate's words.
#[test]
fn an_error_is_said_in_the_users_language() {
    let temp = tempfile::tempdir().unwrap();
    let out = epreuve(temp.path(), &["--lang", "fr", "status", "--dir", "nowhere"]);
    assert_error(
        &out,
        2,
        "erreur : il n'y a pas d'espace de travail dans nowhere",
    );
    let out = epreuve(temp.path(), &["--lang", "en", "status", "--dir", "nowhere"]);
    assert_error(&out, 2, "error: there is no workspace at nowhere");
}

#[test]
fn one_format_option_for_every_command_and_a_format_a_command_does_not_write_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    // One option, before or after the command.
    for args in [
        &["--format", "json", "exams"][..],
        &["exams", "--format", "json"][..],
    ] {
        let out = epreuve_en(temp.path(), args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert!(json(&out).as_array().is_some_and(|a| !a.is_empty()));
    }
    // The gradebook's format is the class report's; the live view writes no JSON.
    let out = epreuve_en(temp.path(), &["exams", "--format", "csv"]);
    assert_error(
        &out,
        2,
        "`--format csv` is written by `class report` only: other commands write `table` or `json`",
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let out = epreuve(
        temp.path(),
        &["watch", "--dir", "nowhere", "--format", "json"],
    );
    assert_error(
        &out,
        2,
        "`watch` montre aux personnes ce qui se passe : il n'écrit pas de `--format json`",
    );
    // `--out` is asked of the formats that write files, wherever `--format` is given.
    for args in [
        &["--format", "html", "class", "report", "--dir", "x"][..],
        &["class", "report", "--dir", "x", "--format", "gradescope"][..],
    ] {
        let out = epreuve_en(temp.path(), args);
        assert_error(
            &out,
            2,
            "writes files: say in which folder with `--out DIR`",
        );
        assert!(!temp.path().join("html").exists() && !temp.path().join("gradescope").exists());
    }
}
