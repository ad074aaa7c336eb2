//! Bloc 2: the exam starts from a loaded database, and the assessor's scores of the manual
//! items (charts, RGPD) are merged into the report.

use crate::common::*;

const BLOC2: &str = "bloc2-exploitation";

fn lines_of(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn the_tables_are_loaded_from_the_candidates_own_files_at_start() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, out) = start_exam_in(temp.path(), BLOC2, "ws", "c7", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let db = epreuve_db::DuckDb::open_read_only(&dir.join("base.duckdb")).unwrap();
    use epreuve_db::Backend;
    let mut tables: Vec<String> = db.tables().unwrap().into_iter().map(|r| r.name).collect();
    tables.sort();
    assert_eq!(tables, ["magasins", "produits", "ventes"]);
    // Every line of the csv but the header, quoted newlines aside (the generator writes none).
    let sales = lines_of(&dir.join("data/ventes.csv")) - 1;
    assert_eq!(db.row_count("ventes").unwrap() as usize, sales);
    let ventes = db.columns("ventes").unwrap();
    assert_eq!(
        ventes[1].declared.family,
        Some(epreuve_data::TypeFamily::Date)
    );
}

#[test]
fn manual_items_wait_for_the_assessor_until_scored() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, report) = solved_exam(temp.path(), BLOC2, "autre-ecriture");
    let pending: Vec<&str> = report["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        pending,
        [
            "nuage_de_points",
            "distributions",
            "correlations",
            "lisibilite",
            "rgpd"
        ]
    );
    assert_eq!(check(&report, "rgpd")["status"], "pending");
    assert_eq!(check(&report, "rgpd")["max_score"], 0.0);
    assert!(
        report["notes"]
            .to_string()
            .contains("5 of 5 manual items are not scored yet")
    );
    // The table says so too.
    let out = epreuve(temp.path(), &["grade", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("En attente de l'évaluateur : nuage_de_points"),
        "French by default: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Remarque : 5 des 5 éléments manuels ne sont pas encore notés"));
    let out = epreuve(
        temp.path(),
        &["--lang", "en", "grade", dir.to_str().unwrap()],
    );
    assert!(stdout(&out).contains("Waiting for the assessor: nuage_de_points"));
    assert!(stdout(&out).contains("Note: 5 of 5 manual items are not scored yet"));
    // The template lists every item; filled in, it is merged.
    let out = epreuve(
        temp.path(),
        &["grade", dir.to_str().unwrap(), "--evaluation-template"],
    );
    let template = stdout(&out);
    for id in &pending {
        assert!(template.contains(&format!("[items.{id}]")), "{template}");
    }
    let filled = template
        .replace("# score = 2\n", "score = 2\n")
        .replace("# score = 1\n", "score = 0\n")
        .replace("assessor = \"\"", "assessor = \"A. Dupont\"");
    // The assessor keeps the file in a folder of theirs, never in the workspace.
    let file = temp.path().join("evaluation-c1.toml");
    std::fs::write(&file, filled).unwrap();
    let (report, code) = grade_with(&dir, &["--evaluation", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{report:#}");
    // 13 automatic points, 8 of the 9 manual ones (readability scored 0 of 1).
    assert_eq!(report["score"], 21.0, "{report:#}");
    assert_eq!(report["max_score"], 22.0);
    assert_eq!(report["pending"].as_array().unwrap().len(), 0);
    assert_eq!(check(&report, "lisibilite")["status"], "failed");
    assert!(
        check(&report, "rgpd")["message"]
            .as_str()
            .unwrap()
            .contains("by A. Dupont")
    );
}

#[test]
fn a_wrong_evaluation_file_is_refused_with_the_item_named() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved_exam(temp.path(), BLOC2, "reference");
    let file = temp.path().join("evaluation.toml");
    let grade_it = || {
        epreuve_en(
            temp.path(),
            &[
                "grade",
                dir.to_str().unwrap(),
                "--evaluation",
                file.to_str().unwrap(),
            ],
        )
    };
    std::fs::write(&file, "[items.rgpd]\nscore = 5\n").unwrap();
    assert_error(&grade_it(), 2, "`rgpd` is scored 5, outside 0 to 2");
    std::fs::write(&file, "[items.rgpd]\nscore = nan\n").unwrap();
    assert_error(&grade_it(), 2, "`rgpd` is scored NaN");
    std::fs::write(&file, "[items.camembert]\nscore = 1\n").unwrap();
    assert_error(
        &grade_it(),
        2,
        "scores an item `camembert` the exam does not have",
    );
    std::fs::write(&file, "[items.rgpd\nscore = 1\n").unwrap();
    assert_error(&grade_it(), 2, "evaluation.toml");
    // A file named and not there is a mistake, not "no score yet".
    std::fs::remove_file(&file).unwrap();
    assert_error(&grade_it(), 2, "evaluation.toml cannot be read");
}

#[test]
fn scores_the_candidate_wrote_in_the_workspace_are_never_taken() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, out) = start_exam_in(temp.path(), BLOC2, "ws", "c8", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The candidate writes full marks for themselves, in the workspace, then submits.
    let mut text = String::new();
    for (id, weight) in [
        ("nuage_de_points", 2),
        ("distributions", 2),
        ("correlations", 2),
        ("lisibilite", 1),
        ("rgpd", 2),
    ] {
        text.push_str(&format!("[items.{id}]\nscore = {weight}\n"));
    }
    std::fs::write(dir.join("evaluation.toml"), &text).unwrap();
    std::fs::write(dir.join("answers").join("evaluation.toml"), &text).unwrap();
    let out = epreuve_en(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Graded without the assessor's file: the items wait, whatever the workspace holds.
    let (report, _) = grade(&dir);
    assert_eq!(report["pending"].as_array().unwrap().len(), 5, "{report:#}");
    assert_eq!(report["provisional"], true);
    // Pointed at the workspace's file, grading refuses it; through a link too.
    for file in [
        dir.join("evaluation.toml"),
        dir.join("answers").join("evaluation.toml"),
    ] {
        let out = epreuve_en(
            temp.path(),
            &[
                "grade",
                dir.to_str().unwrap(),
                "--evaluation",
                file.to_str().unwrap(),
            ],
        );
        assert_error(&out, 2, "lies inside the candidate's workspace");
    }
    let link = temp.path().join("scores.toml");
    std::os::unix::fs::symlink(dir.join("evaluation.toml"), &link).unwrap();
    let out = epreuve_en(
        temp.path(),
        &[
            "grade",
            dir.to_str().unwrap(),
            "--evaluation",
            link.to_str().unwrap(),
        ],
    );
    assert_error(&out, 2, "lies inside the candidate's workspace");
}

/// The frequency check of the workspace `ws` (bloc 2, solved and submitted) once its answer is
/// `sql`, submitted again.
pub fn frequencies_after(ws: &std::path::Path, sql: &str) -> serde_json::Value {
    std::fs::write(ws.join("answers/frequences_paiement.sql"), sql).unwrap();
    let parent = ws.parent().unwrap();
    let out = epreuve(parent, &["submit", "--dir", ws.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (report, _) = grade(ws);
    check(&report, "frequences_paiement").clone()
}

/// A row labelling the missing values, with their exact count, is accepted like NULL; with
/// another count it is wrong. Run on every engine (see `servers.rs` for the servers).
pub fn a_labelled_missing_row_counts_when_its_count_is_right(ws: &std::path::Path) {
    let labelled = frequencies_after(
        ws,
        "SELECT COALESCE(mode_paiement, 'Non renseigné') AS mode_paiement, COUNT(*) AS effectif \
         FROM ventes GROUP BY COALESCE(mode_paiement, 'Non renseigné') ORDER BY effectif DESC",
    );
    assert_eq!(labelled["status"], "passed", "{labelled:#}");
    assert!(
        labelled["message"]
            .as_str()
            .unwrap()
            .contains("'Non renseigné' counts the"),
        "{labelled:#}"
    );
    let null_row = frequencies_after(
        ws,
        "SELECT mode_paiement, COUNT(*) AS effectif FROM ventes GROUP BY mode_paiement ORDER BY effectif DESC",
    );
    assert_eq!(null_row["status"], "passed", "{null_row:#}");
    let wrong = frequencies_after(
        ws,
        "SELECT mode_paiement, COUNT(*) AS effectif FROM ventes WHERE mode_paiement IS NOT NULL \
         GROUP BY mode_paiement UNION ALL SELECT 'inconnu', COUNT(*) FROM ventes",
    );
    assert_eq!(wrong["status"], "failed", "{wrong:#}");
    assert!(
        wrong["message"]
            .as_str()
            .unwrap()
            .contains("should count the"),
        "{wrong:#}"
    );
}

#[test]
fn a_labelled_missing_row_is_accepted_with_its_exact_count_on_duckdb() {
    let temp = tempfile::tempdir().unwrap();
    let (ws, _) = solved_exam(temp.path(), BLOC2, "reference");
    a_labelled_missing_row_counts_when_its_count_is_right(&ws);
}

/// A criterion whose automatic indicators already fail is "non acquis" at once: no manual
/// score can give back a selection without its filter, or an index on the wrong column. One
/// whose automatic indicators hold waits for the assessor.
#[test]
fn a_failed_indicator_does_not_wait_for_the_assessor() {
    for (solution, failed) in [
        ("condition-oubliee", "C2.1/observations"),
        ("index-mauvaise-colonne", "C2.1/index"),
    ] {
        let temp = tempfile::tempdir().unwrap();
        let (dir, _) = solved_exam(temp.path(), BLOC2, solution);
        // Graded again without the assessor's file: the RGPD item waits.
        let (report, _) = grade(&dir);
        let c21 = report["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "C2.1")
            .unwrap()
            .clone();
        assert_eq!(c21["verdict"], "non acquis", "{solution}: {c21:#}");
        let line = |id: &str| {
            c21["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["id"] == id)
                .unwrap_or_else(|| panic!("{solution}: no {id} in {c21:#}"))
                .clone()
        };
        assert_eq!(line(failed)["verdict"], "non acquis", "{solution}");
        assert_eq!(line("C2.1/rgpd")["verdict"], "en attente", "{solution}");
        assert!(
            line(failed)["evidence"].as_str().unwrap().contains('%'),
            "{solution}: the evidence says how far it fell: {c21:#}"
        );
    }
    let temp = tempfile::tempdir().unwrap();
    let (dir, _) = solved_exam(temp.path(), BLOC2, "reference");
    let (report, _) = grade(&dir);
    let verdicts: Vec<(String, String)> = report["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        verdicts.contains(&("C2.1".into(), "en attente".into()))
            && verdicts.contains(&("C2.3".into(), "acquis".into())),
        "{verdicts:?}"
    );
}
