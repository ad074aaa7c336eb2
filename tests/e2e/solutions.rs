//! The grader's self-test: every solution shipped with a grader gets exactly the score and the
//! failed checks its manifest promises; a blank workspace scores zero.

use crate::common::*;

#[test]
fn every_exam_has_a_reference_and_at_least_three_wrong_solutions() {
    for exam in exams() {
        let exam = exam.as_str();
        let names: Vec<String> = solutions_of(exam).into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"reference".to_owned()), "{exam}: {names:?}");
        assert!(names.len() >= 4, "{exam}: {names:?}");
    }
}

#[test]
fn every_solution_gets_exactly_its_expected_score() {
    for exam in exams_but_timing() {
        let exam = exam.as_str();
        for (name, solution) in solutions_of(exam) {
            let temp = tempfile::tempdir().unwrap();
            let (_, report) = solved_exam(temp.path(), exam, &name);
            if exam == EXAM {
                assert_eq!(report["max_score"], 41.0, "{name}: {report:#}");
            }
            assert_eq!(report["gradable"], true, "{exam}/{name}");
            let expectation = expectation_on(&solution, "duckdb");
            assert_outcome(&report, &expectation, &format!("{exam}/{name}"));
        }
    }
}

#[test]
fn the_reference_scores_the_maximum_and_passes_every_check() {
    let temp = tempfile::tempdir().unwrap();
    let (dir, report) = solved(temp.path(), "reference");
    assert_eq!(report["score"], report["max_score"]);
    // The only checks not passed are the text lengths DuckDB cannot judge, and they say so.
    for c in report["checks"].as_array().unwrap() {
        if c["id"].as_str().unwrap().ends_with(".text_length") {
            assert_eq!(c["status"], "not_applicable", "{c:#}");
            assert_eq!(c["max_score"], 0.0);
            assert!(
                c["message"]
                    .as_str()
                    .unwrap()
                    .contains("not applicable on this engine"),
                "{c:#}"
            );
        } else {
            assert_eq!(c["status"], "passed", "{c:#}");
        }
    }
    // One instance check (C1.6), then seven per table.
    assert_eq!(report["checks"].as_array().unwrap().len(), 1 + 4 * 7);
    let (again, code) = grade(&dir);
    assert_eq!(code, 0);
    assert_eq!(again["score"], 41.0);
    let criteria = again["criteria"].as_array().unwrap();
    assert_eq!(criteria[0]["code"], "C1.6");
    assert_eq!(criteria[0]["max_score"], 1.0);
    assert_eq!(criteria[1]["code"], "C1.9");
    assert_eq!(criteria[1]["max_score"], 24.0);
    assert_eq!(criteria[2]["code"], "C1.10");
    assert_eq!(criteria[2]["max_score"], 16.0);
}

#[test]
fn a_blank_workspace_scores_zero_without_crashing() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    let (report, code) = grade(&dir);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["score"], 0.0);
    assert_eq!(report["max_score"], 41.0);
    assert_eq!(report["candidate"], "c042");
    assert_eq!(report["engine"], "duckdb");
    assert!(
        check(&report, "ventes.row_count")["message"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
    assert!(report["notes"].to_string().contains("not submitted"));
}

#[test]
fn a_family_imposed_by_the_grader_overrides_what_the_values_suggest() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue = catalogue_copy(temp.path());
    let grader = catalogue.join("graders").join(EXAM).join("grader.toml");
    let text = std::fs::read_to_string(&grader).unwrap().replace(
        "table = \"objectifs\"\nhead_query = \"apercu_objectifs.sql\"\n",
        "table = \"objectifs\"\nhead_query = \"apercu_objectifs.sql\"\nfamilies = { mois = \"text\" }\n",
    );
    std::fs::write(&grader, text).unwrap();
    let env = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
    let out = epreuve_with(
        temp.path(),
        &["demo", EXAM, "--dir", "ws", "--format", "json"],
        &env,
    );
    let report = json(&out);
    let types = check(&report, "objectifs.type_family");
    assert_eq!(types["status"], "failed", "{types:#}");
    assert!(
        types["message"]
            .as_str()
            .unwrap()
            .contains("`mois` is declared SMALLINT"),
        "{types:#}"
    );
    assert_eq!(check(&report, "magasins.type_family")["status"], "passed");
}
