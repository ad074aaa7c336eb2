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
            assert_said_in_both(&report, &format!("{exam}/{name}"));
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

/// How many candidates' data the self-test tries every solution on: three in the suite,
/// `EPREUVE_SELFTEST_SEEDS=20` for the whole self-test (docs/benchmarks.md).
fn seeds() -> usize {
    std::env::var("EPREUVE_SELFTEST_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
}

/// Every solution of `exam` on the data of [`seeds`] candidates, not only the demo's: the
/// checks a wrong solution promises to fail fail on every candidate's data, and no other; the
/// reference passes everything everywhere. One demo at a time: the test holds one slot.
fn every_solution_on_several_candidates(exam: &str) {
    let seeds = seeds();
    let jobs: Vec<(String, epreuve_exam::SolutionManifest, usize)> = solutions_of(exam)
        .into_iter()
        .flat_map(|(name, solution)| (0..seeds).map(move |i| (name.clone(), solution.clone(), i)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|scope| {
        for _ in 0..1 {
            scope.spawn(|| {
                loop {
                    let job = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((name, solution, i)) = jobs.get(job) else {
                        break;
                    };
                    let temp = tempfile::tempdir().unwrap();
                    let candidate = format!("seed{i:02}");
                    let out = epreuve(
                        temp.path(),
                        &[
                            "demo", exam, "--solution", name, "--candidate", &candidate,
                            "--format", "json",
                        ],
                    );
                    assert!(code(&out) <= 1, "{exam}/{name}/{candidate}: {}", stderr(&out));
                    let report = json(&out);
                    let mut failed: Vec<String> = report["checks"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|c| c["status"] == "failed")
                        .map(|c| c["id"].as_str().unwrap().to_owned())
                        .collect();
                    failed.sort();
                    let mut wanted = expectation_on(solution, "duckdb").expected_failures;
                    wanted.sort();
                    if failed != wanted {
                        failures.lock().unwrap().push(format!(
                            "{exam}/{name} on {candidate}'s data fails {failed:?}, promises {wanted:?}"
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bloc1_chargement_solutions_keep_their_verdict_on_several_candidates() {
    every_solution_on_several_candidates("bloc1-chargement");
}

#[test]
fn bloc1_preparation_solutions_keep_their_verdict_on_several_candidates() {
    every_solution_on_several_candidates("bloc1-preparation");
}

#[test]
fn bloc2_exploitation_solutions_keep_their_verdict_on_several_candidates() {
    every_solution_on_several_candidates("bloc2-exploitation");
}

/// The self-test above covers every exam but the timing one, whose start loads a million
/// lines (about 6 s per candidate): `timing.rs` grades its solutions on every engine instead.
#[test]
fn the_self_test_on_several_candidates_covers_every_exam_but_the_timing_one() {
    let covered = [
        "bloc1-chargement",
        "bloc1-preparation",
        "bloc2-exploitation",
    ];
    assert_eq!(exams_but_timing(), covered);
}

/// The reference's declared text lengths (`VARCHAR(n)` of its `schema.sql`), which the servers
/// judge, fit every candidate's data and not only the preview's: for sixty candidates' seeds,
/// each length holds the longest value of its source column and is not oversized by the
/// grader's sizing rule. The self-test on several candidates runs on DuckDB, which keeps no
/// `VARCHAR(n)`, so it cannot see this.
#[test]
fn the_references_text_lengths_fit_every_candidates_data() {
    let catalogue = epreuve_exam::Catalogue::open(repo()).unwrap();
    let exam = catalogue.exam(EXAM).unwrap();
    let grader = exam.grader().unwrap();
    let sizing = grader
        .sizing
        .clone()
        .expect("bloc1-chargement sizes its texts");
    let schema = std::fs::read_to_string(
        repo()
            .join("graders")
            .join(EXAM)
            .join("solutions/reference/schema.sql"),
    )
    .unwrap();
    // (table, column, n) of every VARCHAR(n) column.
    let mut declared = Vec::new();
    let mut table = String::new();
    for line in schema.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["CREATE", "TABLE", name, ..] = words.as_slice() {
            table = name.trim_end_matches('(').to_owned();
        } else if let [column, kind, ..] = words.as_slice()
            && let Some(n) = kind.strip_prefix("VARCHAR(")
        {
            let n: usize = n.trim_end_matches([')', ',']).parse().unwrap();
            declared.push((table.clone(), (*column).to_owned(), n));
        }
    }
    assert!(declared.len() >= 8, "{declared:?}");
    let temp = tempfile::tempdir().unwrap();
    let mut misfits = Vec::new();
    // Sixty candidates, and c278, whose stores' names are the shortest found in 400 (the
    // longest 47 characters, where the preview's is 70 and the longest possible 86).
    let ids = (0..60)
        .map(|c| format!("c{c:03}"))
        .chain(["c278".to_owned()]);
    for id in ids {
        let seed = epreuve_data::generate::candidate_seed(EXAM, &id);
        let dir = temp.path().join(&id);
        epreuve_data::generate::write_retail(&dir, seed, Default::default()).unwrap();
        for spec in &exam.manifest.tables {
            let frame = epreuve_data::read_source(&dir, &spec.source).unwrap();
            let profile = epreuve_data::profile_frame(&frame);
            for (_, column, n) in declared.iter().filter(|(t, _, _)| *t == spec.name) {
                let Some(longest) = profile
                    .columns
                    .iter()
                    .find(|c| c.name == *column)
                    .map(|c| c.max_chars)
                else {
                    continue;
                };
                let most = ((longest as f64 * sizing.text_max_ratio) as usize)
                    .max(longest + sizing.text_min_slack);
                if *n < longest || *n > most {
                    misfits.push(format!(
                        "{id}: {}.{column} VARCHAR({n}), longest {longest} (up to {most})",
                        spec.name
                    ));
                }
            }
        }
    }
    assert!(misfits.is_empty(), "{}", misfits.join("\n"));
}
