//! What stays on the assessor's side: the candidate-side catalogue `pack` writes holds no
//! reference, no hidden check, no expected query, no assessor's item, and `check` works from
//! it while `grade` and `demo` refuse it. Manifests a centre writes wrong are refused with the
//! file and the value named, never a panic nor a score of NaN.

use crate::common::*;

#[test]
fn a_pack_holds_the_public_checks_only_and_check_works_from_it() {
    let temp = tempfile::tempdir().unwrap();
    let pack = temp.path().join("pack");
    let out = epreuve_en(
        temp.path(),
        &[
            "pack",
            EXAM,
            "bloc2-exploitation",
            "bloc1-optimisation",
            "--out",
            pack.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("left out"), "{}", stdout(&out));
    // Nothing hidden made it into the pack.
    for (file, bytes) in snapshot(&pack) {
        let name = file.display().to_string();
        assert!(!name.contains("solutions"), "{name}");
        let text = String::from_utf8_lossy(&bytes);
        for hidden in [
            "expected =",
            "[[manual]]",
            "guidance",
            "families",
            "kind = \"statistics\"",
        ] {
            assert!(!text.contains(hidden), "{name} holds `{hidden}`");
        }
    }
    let grader =
        std::fs::read_to_string(pack.join("graders/bloc2-exploitation/grader.toml")).unwrap();
    assert!(
        grader.contains("public_only = true") && grader.contains("\"index\""),
        "{grader}"
    );
    let env = [("EPREUVE_CATALOGUE", pack.to_str().unwrap())];
    // A candidate starts, checks and submits from the pack…
    let out = epreuve_with_en(
        temp.path(),
        &["start", EXAM, "--dir", "ws", "--candidate", "c5"],
        &env,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let from_pack = epreuve_with_en(
        temp.path(),
        &["check", "--dir", "ws", "--format", "json"],
        &env,
    );
    assert_eq!(code(&from_pack), 1, "{}", stderr(&from_pack));
    let full = epreuve_en(temp.path(), &["check", "--dir", "ws", "--format", "json"]);
    let ids = |out: &std::process::Output| -> Vec<String> {
        json(out)["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&from_pack), ids(&full), "the same public checks");
    let out = epreuve_with_en(temp.path(), &["submit", "--dir", "ws"], &env);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // …and the pack cannot grade nor show a reference.
    for args in [
        vec!["grade", "ws"],
        vec!["demo", EXAM],
        vec!["pack", EXAM, "--out", "again"],
    ] {
        let out = epreuve_with_en(temp.path(), &args, &env);
        assert_error(&out, 2, "candidate's catalogue");
    }
    // The centre's full catalogue grades the same workspace.
    let (report, _) = grade(&temp.path().join("ws"));
    assert!(report["max_score"].as_f64().unwrap() > 30.0, "{report:#}");
    let out = epreuve_en(
        temp.path(),
        &["pack", EXAM, "--out", pack.to_str().unwrap()],
    );
    assert_error(&out, 2, "not empty");
}

#[test]
fn manifests_written_wrong_are_refused_with_the_value_named() {
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            "exercises",
            "exam.toml",
            "stores = ",
            "stores = 0\n#",
            "stores = 0",
        ),
        (
            "exercises",
            "exam.toml",
            "sales = ",
            "sales = 0\n#",
            "sales = 0",
        ),
        (
            "graders",
            "grader.toml",
            "weight = 2",
            "weight = nan",
            "weight = NaN",
        ),
        (
            "graders",
            "grader.toml",
            "weight = 1",
            "weight = -3",
            "weight = -3",
        ),
        (
            "graders",
            "grader.toml",
            "weight = 2",
            "weight = inf",
            "weight = inf",
        ),
        (
            "exercises",
            "exam.toml",
            "dataset = \"",
            "dataset = \"../../",
            // Said in the user's language (French here).
            "n'est pas un nom de dossier",
        ),
    ];
    for (folder, file, from, to, needle) in cases {
        let temp = tempfile::tempdir().unwrap();
        let catalogue = catalogue_copy(temp.path());
        let path = catalogue.join(folder).join(EXAM).join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let env = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
        // A broken grader does not stop a candidate's start (it needs none); it stops what
        // grades.
        let commands = if folder == "graders" {
            let out = epreuve_with(
                temp.path(),
                &["start", EXAM, "--dir", "ws", "--candidate", "c1"],
                &env,
            );
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            vec![vec!["check", "--dir", "ws"], vec!["demo", EXAM]]
        } else {
            vec![
                vec!["start", EXAM, "--dir", "ws", "--candidate", "c1"],
                vec!["demo", EXAM],
            ]
        };
        for args in commands {
            let out = epreuve_with(temp.path(), &args, &env);
            assert_eq!(code(&out), 2, "{to}: {} {}", stdout(&out), stderr(&out));
            assert!(stderr(&out).contains(needle), "{to}: {}", stderr(&out));
            assert!(stderr(&out).contains(file), "{to}: {}", stderr(&out));
            assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        }
    }
}

/// Every exam has its statement in French and in English, and the English one says the same
/// things: the same sections, and every name the candidate must use (files, tables, columns,
/// queries, in `code`) in both.
#[test]
fn every_statement_exists_in_french_and_in_english_and_names_the_same_things() {
    let catalogue = epreuve_exam::Catalogue::open(crate::common::repo()).unwrap();
    let exams = catalogue.exams().unwrap();
    assert_eq!(exams.len(), 5);
    for exam in exams {
        let read = |name: &str| std::fs::read_to_string(exam.dir.join(name)).unwrap();
        let fr = read(&exam.manifest.statement.fr);
        let en = read(&exam.manifest.statement.en);
        let sections = |t: &str| t.lines().filter(|l| l.starts_with("## ")).count();
        assert_eq!(sections(&fr), sections(&en), "{}", exam.manifest.id);
        let names = |t: &str| {
            let mut names: Vec<String> = t
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|s| !s.contains(' ') && !s.is_empty())
                // A date format is spelled in the reader's language.
                .map(|s| if s == "jj/mm/aaaa" { "dd/mm/yyyy" } else { s })
                .map(str::to_owned)
                .collect();
            names.sort();
            names.dedup();
            names
        };
        assert_eq!(names(&fr), names(&en), "{}", exam.manifest.id);
    }
}
