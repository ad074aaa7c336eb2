//! What people read: the assessor's report and the candidate's checklist, as snapshots
//! (`cargo insta review` after an intended change). Temporary paths are filtered out.

use crate::common::*;

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn the_assessors_report_of_a_wrong_solution() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ws");
    let out = epreuve(
        temp.path(),
        &[
            "demo",
            EXAM,
            "--solution",
            "decimaux-arrondis",
            "--dir",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    settings().bind(|| insta::assert_snapshot!("report_decimaux_arrondis", stdout(&out)));
    // The same report in English, for an assessor who reads English.
    let out = epreuve(
        temp.path(),
        &["--lang", "en", "grade", dir.to_str().unwrap()],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    settings().bind(|| insta::assert_snapshot!("report_decimaux_arrondis_en", stdout(&out)));
}

/// The candidate's checklist in French (the default) and in English (`--lang en`).
#[test]
fn the_candidates_checklist_with_rows_missing() {
    let temp = tempfile::tempdir().unwrap();
    solved(temp.path(), "lignes-manquantes");
    let out = epreuve(temp.path(), &["check", "--dir", "ws"]);
    assert_eq!(code(&out), 1);
    settings().bind(|| insta::assert_snapshot!("checklist_lignes_manquantes", stdout(&out)));
    let out = epreuve(temp.path(), &["--lang", "en", "check", "--dir", "ws"]);
    assert_eq!(code(&out), 1);
    settings().bind(|| insta::assert_snapshot!("checklist_lignes_manquantes_en", stdout(&out)));
}
