//! C1.10, the timing half (`bloc1-optimisation`): a million sales lines loaded all in text,
//! the candidate's optimised table, and the statement's queries timed by epreuve on both.
//!
//! These tests run alone (`.config/nextest.toml` gives each the whole machine): times measured
//! while other tests load the two cores would not be those of an exam room. They assert
//! verdicts and scores, never a duration.

use std::path::{Path, PathBuf};

use crate::common::*;

/// `demo` of a solution of the timing exam on a route, the workspace kept in `parent/ws` when
/// `keep` (its database left running); the report.
fn demo(parent: &Path, solution: &str, route: &[&str], keep: bool) -> (PathBuf, serde_json::Value) {
    let ws = parent.join("ws");
    let mut args = vec![
        "demo",
        TIMING_EXAM,
        "--solution",
        solution,
        "--format",
        "json",
    ];
    if keep {
        args.extend(["--dir", ws.to_str().unwrap()]);
    }
    args.extend(route);
    let out = epreuve(parent, &args);
    assert!(code(&out) <= 1, "{solution} {route:?}: {}", stderr(&out));
    (ws, json(&out))
}

/// The ratio epreuve measured for `query` (`R1`), read from the timing check's evidence.
fn measured_ratio(report: &serde_json::Value, query: &str) -> f64 {
    let message = check(report, "temps_requetes")["message"].as_str().unwrap();
    let part = message
        .split("; ")
        .find(|p| p.starts_with(&format!("{query}: ")))
        .unwrap_or_else(|| panic!("no {query} in {message}"));
    let after = part.split('×').nth(1).unwrap();
    after
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn every_solution(route: &[&str], engine: &str) {
    for (name, solution) in solutions_of(TIMING_EXAM) {
        let temp = reachable_tempdir();
        let (_, report) = demo(temp.path(), &name, route, false);
        let expected = expectation_on(&solution, engine);
        assert_eq!(report["engine"], engine);
        assert_eq!(report["max_score"], 7.0, "{name}: {report:#}");
        assert_outcome(
            &report,
            &expected,
            &format!("{engine}/{TIMING_EXAM}/{name}"),
        );
        assert_said_in_both(&report, &format!("{engine}/{TIMING_EXAM}/{name}"));
    }
}

/// The reference graded five times in a row on the same database: the same verdict, the same
/// score each time. The ratios are printed (`--no-capture`) for the README.
fn five_gradings_agree(route: &[&str], engine: &str) {
    let temp = reachable_tempdir();
    let (ws, first) = demo(temp.path(), "reference", route, true);
    assert_eq!(first["score"], 7.0, "{first:#}");
    // The assessor's scores of the conclusion, from the assessor's side.
    let evaluation = repo().join("graders/bloc1-optimisation/solutions/reference/evaluation.toml");
    let mut ratios = Vec::new();
    for run in 1..=5 {
        let (report, exit) = grade_with(&ws, &["--evaluation", evaluation.to_str().unwrap()]);
        assert_eq!(exit, 0, "run {run}: {report:#}");
        let timing = check(&report, "temps_requetes");
        assert_eq!(timing["status"], "passed", "run {run}: {timing:#}");
        assert_eq!(check(&report, "mesures")["status"], "passed", "run {run}");
        assert_eq!(report["score"], 7.0, "run {run}");
        ratios.push((measured_ratio(&report, "R1"), measured_ratio(&report, "R2")));
    }
    eprintln!("{engine}: R1 and R2 ratios over five gradings: {ratios:?}");
    if engine != "duckdb" {
        let out = epreuve(temp.path(), &["db", "down", "--dir", ws.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
}

#[test]
fn timing_solutions_get_their_scores_on_duckdb() {
    every_solution(&[], "duckdb");
}

#[test]
fn timing_verdict_is_the_same_five_times_on_duckdb() {
    five_gradings_agree(&[], "duckdb");
}

#[test]
fn timing_solutions_get_their_scores_on_local_postgres() {
    every_solution(&["--engine", "postgres", "--via", "local"], "postgres");
}

#[test]
fn timing_solutions_get_their_scores_on_local_mariadb() {
    every_solution(&["--engine", "mariadb", "--via", "local"], "mariadb");
}

#[test]
fn timing_verdict_is_the_same_five_times_on_postgres_in_docker() {
    five_gradings_agree(
        &[
            "--engine", "postgres", "--via", "docker", "--images", "local",
        ],
        "postgres",
    );
}

#[test]
fn timing_verdict_is_the_same_five_times_on_mariadb_in_docker() {
    five_gradings_agree(
        &[
            "--engine", "mariadb", "--via", "docker", "--images", "local",
        ],
        "mariadb",
    );
}

/// A long start says how it goes; the candidate's self-check reads their measurements as
/// they are now: a line that is not a number is named, and nothing else is lost.
#[test]
fn timing_self_check_names_the_unreadable_line_of_the_measurements() {
    let temp = tempfile::tempdir().unwrap();
    let ws = temp.path().join("ws");
    let out = epreuve(
        temp.path(),
        &[
            "demo",
            TIMING_EXAM,
            "--dir",
            ws.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // A million lines: the generation and the preload say how they go, on standard error,
    // with the throughput; the JSON on standard output is whole.
    let said = stderr(&out);
    for needle in [
        "generating the data: 500,000 of 1,000,000 sales lines",
        "generated 1,000,000 sales lines in ",
        " lines/s)",
        "loading `ventes_brutes`: 400,000 of 1,000,000 lines",
        "loaded 1,000,000 lines into `ventes_brutes` in ",
    ] {
        assert!(said.contains(needle), "{needle:?} not in {said}");
    }
    assert_eq!(json(&out)["score"], 7.0);
    std::fs::write(
        ws.join("answers/mesures.csv"),
        "requete;table;duree_ms\nR1;ventes_brutes;rapide\n",
    )
    .unwrap();
    let out = epreuve(
        temp.path(),
        &["check", "--dir", ws.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let mesures = check(&report, "mesures");
    assert_eq!(mesures["status"], "failed", "{report:#}");
    let message = mesures["message"].as_str().unwrap();
    assert!(
        message.contains("line 2") && message.contains("rapide"),
        "{message}"
    );
    // The timing itself is the assessor's: the self-check does not show it.
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "temps_requetes"),
        "{report:#}"
    );
    // The submitted measurements are still those graded.
    let (graded, _) = grade(&ws);
    assert_eq!(check(&graded, "mesures")["status"], "passed", "{graded:#}");
}

/// A grader whose timing rules cannot be applied is refused before anything starts, with the
/// file and the rule named.
#[test]
fn timing_rules_that_cannot_apply_are_refused_with_their_file() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue = catalogue_copy(temp.path());
    let grader = catalogue
        .join("graders")
        .join(TIMING_EXAM)
        .join("grader.toml");
    let original = std::fs::read_to_string(&grader).unwrap();
    let env = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
    for (from, to, said) in [
        (
            "timing = \"temps_requetes\"",
            "timing = \"temps\"",
            "the timing task `temps`, which the grader does not have",
        ),
        (
            "mariadb = 1.3 }",
            "sqlite = 1.3 }",
            "asks a gain on `sqlite`, which is not an engine",
        ),
        ("runs = 7", "runs = 2", "a median needs at least 3 runs"),
    ] {
        assert!(original.contains(from), "{from}");
        std::fs::write(&grader, original.replacen(from, to, 1)).unwrap();
        let out = epreuve_with(temp.path(), &["demo", TIMING_EXAM], &env);
        assert_error(&out, 2, said);
        assert!(stderr(&out).contains("grader.toml"), "{}", stderr(&out));
        assert!(!temp.path().join("ws").exists());
    }
}
