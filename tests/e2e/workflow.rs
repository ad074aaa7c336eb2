//! The candidate's path through an exam: start, status, check, submit.

use crate::common::*;

#[test]
fn exams_lists_the_first_exam() {
    let temp = tempfile::tempdir().unwrap();
    let out = epreuve(temp.path(), &["exams", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exams = json(&out);
    assert_eq!(exams[0]["id"], EXAM);
    assert_eq!(exams[0]["duration_seconds"], 7200);
    let out = epreuve(temp.path(), &["exams"]);
    assert!(stdout(&out).contains("Les Halles Verdier"));
}

#[test]
fn start_lays_out_the_workspace_and_the_clock() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    for file in [
        "statement.md",
        "statement.en.md",
        "data/ventes.csv",
        "data/magasins.xlsx",
        "data/catalogue.json",
        "base.duckdb",
        ".epreuve/state.json",
        ".epreuve/log.jsonl",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(dir.join("answers").is_dir());
    assert!(
        std::fs::read_to_string(dir.join("statement.md"))
            .unwrap()
            .contains("Travail demandé")
    );
    let out = epreuve(temp.path(), &["status", "--dir", "ws", "--format", "json"]);
    let status = json(&out);
    assert_eq!(status["candidate"], "c042");
    let left = status["remaining_seconds"].as_i64().unwrap();
    assert!((7100..=7200).contains(&left), "{left}");
    assert!(
        status["database"]
            .as_str()
            .unwrap()
            .ends_with("base.duckdb")
    );
    let out = epreuve(temp.path(), &["status", "--dir", "ws"]);
    assert!(stdout(&out).contains("il reste 1h59m"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("pas encore soumis"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("duckdb"));
    assert!(
        stdout(&out).contains("nouvelle connexion DuckDB, chemin"),
        "{}",
        stdout(&out)
    );
    let out = epreuve(temp.path(), &["--lang", "en", "status", "--dir", "ws"]);
    assert!(stdout(&out).contains("1h59m"), "{}", stdout(&out));
    assert!(stdout(&out).contains("left (deadline"), "{}", stdout(&out));
    assert!(stdout(&out).contains("not submitted"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("new DuckDB connection, path"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_says_what_is_missing_without_the_answers() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "lignes-manquantes");
    let out = epreuve(temp.path(), &["check", "--dir", "ws", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.iter()
            .any(|id| id.ends_with(".size") || id.ends_with(".values")),
        "hidden checks stay hidden: {ids:?}"
    );
    let rows = check(&report, "ventes.row_count");
    assert_eq!(rows["status"], "failed");
    let hint = rows["message"].as_str().unwrap();
    assert!(hint.contains("compare the counts"), "{hint}");
    assert!(
        !hint.chars().any(|c| c.is_ascii_digit()),
        "no expected value in a hint: {hint}"
    );
    let out = epreuve(temp.path(), &["check", "--dir", dir.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("1 vérification publique n'est pas encore satisfaite."),
        "French by default: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("ventes : nombre de lignes égal à la source"));
    let out = epreuve_with(
        temp.path(),
        &["check", "--dir", dir.to_str().unwrap()],
        &[
            ("EPREUVE_CATALOGUE", repo().to_str().unwrap()),
            ("LANG", "en_GB.UTF-8"),
        ],
    );
    assert!(
        stdout(&out).contains("1 public check is not yet satisfied"),
        "English from LANG: {}",
        stdout(&out)
    );
}

#[test]
fn check_passes_on_the_reference() {
    let temp = tempfile::tempdir().unwrap();
    solved(temp.path(), "reference");
    let out = epreuve(temp.path(), &["check", "--dir", "ws"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn grading_reads_the_submission_not_what_came_after() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "reference");
    // After submitting, the candidate drops a table and breaks a query.
    {
        let conn = duckdb::Connection::open(dir.join("base.duckdb")).unwrap();
        conn.execute_batch("DROP TABLE ventes").unwrap();
    }
    std::fs::write(dir.join("answers").join("apercu_magasins.sql"), "oops").unwrap();
    let (report, code) = grade(&dir);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["score"], 41.0);
    assert!(
        report["integrity"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let bundle = bundle(&dir);
    for file in [
        "answers/apercu_ventes.sql",
        "base.duckdb",
        "evidence.json",
        "seal.json",
        "log.jsonl",
        "submission.json",
    ] {
        assert!(bundle.join(file).is_file(), "{file}");
    }
    let evidence: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("evidence.json")).unwrap())
            .unwrap();
    assert!(evidence["tables"].to_string().contains("ventes"));
}

#[test]
fn a_submission_after_the_deadline_is_recorded_late() {
    let temp = tempfile::tempdir().unwrap();
    let out = epreuve(
        temp.path(),
        &[
            "start",
            EXAM,
            "--dir",
            "ws",
            "--candidate",
            "x",
            "--duration",
            "1s",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = epreuve(temp.path(), &["status", "--dir", "ws"]);
    assert!(stdout(&out).contains("temps écoulé"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Épreuve bloc1-chargement"),
        "{}",
        stdout(&out)
    );
    let out = epreuve(temp.path(), &["--lang", "en", "status", "--dir", "ws"]);
    assert!(stdout(&out).contains("time is up"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Exam bloc1-chargement"),
        "{}",
        stdout(&out)
    );
    let out = epreuve(temp.path(), &["submit", "--dir", "ws", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["late"], true);
    let (report, _) = grade(&temp.path().join("ws"));
    assert!(
        report["notes"].to_string().contains("submitted late"),
        "{report:#}"
    );
}

#[test]
fn the_table_report_is_plain_without_color() {
    let temp = tempfile::tempdir().unwrap();
    let out = epreuve(temp.path(), &["demo"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Note : 41 / 41"), "{text}");
    assert!(text.contains("C1.10"));
    assert!(!text.contains('\u{1b}'), "NO_COLOR is honoured");
}

#[test]
fn each_candidate_gets_data_of_their_own_and_the_same_again() {
    let temp = tempfile::tempdir().unwrap();
    let start_as = |folder: &str, candidate: &str| {
        let (dir, out) = start_in(temp.path(), folder, candidate, &[]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        dir
    };
    let (a, b, again) = (
        start_as("a", "c001"),
        start_as("b", "c002"),
        start_as("again", "c001"),
    );
    for file in ["ventes.csv", "magasins.xlsx", "catalogue.json"] {
        let read = |dir: &std::path::Path| std::fs::read(dir.join("data").join(file)).unwrap();
        assert_ne!(
            read(&a),
            read(&b),
            "{file}: neighbours must not get the same numbers"
        );
        assert_eq!(
            read(&a),
            read(&again),
            "{file}: the same candidate gets the same file"
        );
    }
    // Same shape as the catalogue's preview: the statement holds for every candidate.
    let lines = |dir: &std::path::Path| {
        std::fs::read_to_string(dir.join("data").join("ventes.csv"))
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(lines(&a), lines(&b));
}

/// What the public checks find is said through the catalogues: in English exactly the check's
/// message, in French a translation, for the candidate's self-check of a wrong solution and of
/// a blank workspace (tables missing, answers missing, a query that lists nothing).
#[test]
fn a_public_checks_message_is_said_in_both_languages() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved(temp.path(), "lignes-manquantes");
    let blank = temp.path().join("blank");
    let out = epreuve(
        temp.path(),
        &["start", EXAM, "--dir", "blank", "--candidate", "b1"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::write(
        blank.join("answers/tables_par_defaut.sql"),
        "SELECT 1 AS x;",
    )
    .unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for ws in [dir, blank] {
        let out = epreuve(
            temp.path(),
            &["check", "--dir", ws.to_str().unwrap(), "--format", "json"],
        );
        let report = json(&out);
        assert_said_in_both(&report, "check");
        for c in report["checks"].as_array().unwrap() {
            if c["status"] != "passed" {
                ids.insert(c["said"]["id"].as_str().unwrap().to_owned());
            }
        }
    }
    assert!(
        ids.len() >= 3,
        "messages of several kinds were compared: {ids:?}"
    );
}
