//! `epreuve class …` as a training centre runs it: a roster with a bad line refused with its
//! number, a class prepared, followed, graded, resumed and reported for a gradebook.

use crate::common::{assert_error, code, epreuve, json, stdout};

#[test]
fn a_class_is_prepared_followed_graded_and_reported() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let roster = cwd.join("roster.csv");
    std::fs::write(&roster, "id,name,email\nA1,Ana,ana@example.org\nA1,Bob,\n").unwrap();
    let out = epreuve(
        cwd,
        &[
            "class",
            "prepare",
            "roster.csv",
            "--exam",
            "bloc1-chargement",
            "--dir",
            "class",
        ],
    );
    assert_error(
        &out,
        2,
        "roster.csv, line 3: the roster gives the identifier `A1` again",
    );
    assert!(
        !cwd.join("class").exists(),
        "nothing prepared from a bad roster"
    );

    std::fs::write(
        &roster,
        "id,name,email,extra_time\nA1,Ana,ana@example.org,\nB2,\"Bob, Jr\",,15\nC3,Chloé,chloe@example.org,\n",
    )
    .unwrap();
    let out = epreuve(
        cwd,
        &[
            "class",
            "prepare",
            "roster.csv",
            "--exam",
            "bloc1-chargement",
            "--dir",
            "class",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&out)["made"], serde_json::json!(["A1", "B2", "C3"]));

    let out = epreuve(
        cwd,
        &["class", "status", "--dir", "class", "--format", "json"],
    );
    let standings = json(&out);
    assert_eq!(standings.as_array().unwrap().len(), 3);
    assert!(
        standings
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "working" && s["database_answers"] == true),
        "{standings:#}"
    );

    // A1 submits an empty workspace; the others do nothing.
    let out = epreuve(cwd, &["submit", "--dir", "class/workspaces/A1"]);
    assert_eq!(code(&out), 0);
    let out = epreuve(cwd, &["class", "status", "--dir", "class"]);
    assert!(
        stdout(&out).contains("A1") && stdout(&out).contains("submitted at"),
        "{}",
        stdout(&out)
    );

    let out = epreuve(
        cwd,
        &["class", "grade", "--dir", "class", "--format", "json"],
    );
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["graded"], 3);
    // Run again: A1's sealed submission stands, the two live workspaces are graded again.
    let out = epreuve(
        cwd,
        &["class", "grade", "--dir", "class", "--format", "json"],
    );
    let again = json(&out);
    assert_eq!(
        (again["graded"].as_u64(), again["kept"].as_u64()),
        (Some(2), Some(1))
    );

    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "csv"],
    );
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let mut rows = text.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("id,name,email,total,C1.6,C1.9,C1.10"),
        "{text}"
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[1].starts_with("B2,\"Bob, Jr\",,"), "{text}");
    assert!(rows[0].starts_with("A1,Ana,ana@example.org,"), "{text}");
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    let report = json(&out);
    assert_eq!(
        (report["candidates"].as_u64(), report["graded"].as_u64()),
        (Some(3), Some(3))
    );
    let notes = report["results"][1]["report"]["notes"].to_string();
    assert!(notes.contains("not_submitted"), "{notes}");
    // B2 and C3, who never submitted, save the same query under a name that clears the
    // screen: it is a lead, and its name reaches the terminal shown, not obeyed.
    for id in ["B2", "C3"] {
        std::fs::write(
            cwd.join(format!("class/workspaces/{id}/answers/copie\u{1b}[2J.sql")),
            "SELECT sku, COUNT(*) FROM ventes GROUP BY sku;",
        )
        .unwrap();
    }
    let out = epreuve(cwd, &["class", "report", "--dir", "class"]);
    let table = stdout(&out);
    assert!(table.contains("Score spread"), "{table}");
    assert!(!table.contains('\u{1b}'), "{table}");
    assert!(
        table.contains("copie\\u{1b}[2J.sql: B2 and C3, 100 %"),
        "{table}"
    );
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    let leads = &json(&out)["similar_queries"];
    assert_eq!(leads[0]["file"], "copie\\u{1b}[2J.sql", "{leads:#}");
    let out = epreuve(
        cwd,
        &[
            "class",
            "report",
            "--dir",
            "class",
            "--format",
            "gradescope",
            "--out",
            "gs",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("gs/B2/results.json")).unwrap()).unwrap();
    let tests = results["tests"].as_array().unwrap();
    let checks = report["results"][1]["report"]["checks"].as_array().unwrap();
    assert_eq!(tests.len(), checks.len());
    assert_eq!(results["score"], report["results"][1]["report"]["score"]);
    let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert!((sum - results["score"].as_f64().unwrap()).abs() < 1e-6);

    // HTML pages: the class's, and one per candidate; the file name a candidate chose is
    // text on the page, its escape sequence cleaned.
    let out = epreuve(
        cwd,
        &[
            "class", "report", "--dir", "class", "--format", "html", "--out", "pages",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let index = std::fs::read_to_string(cwd.join("pages/index.html")).unwrap();
    assert!(
        index.contains("<a href=\"candidates/B2.html\">B2</a>"),
        "{index}"
    );
    assert!(index.contains("copie\\u{1b}[2J.sql"), "{index}");
    for id in ["A1", "B2", "C3"] {
        let page =
            std::fs::read_to_string(cwd.join(format!("pages/candidates/{id}.html"))).unwrap();
        assert!(
            page.contains("<a href=\"../index.html\">Class report</a>"),
            "{page}"
        );
    }
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "html"],
    );
    assert_error(&out, 2, "--out");

    // Not a class folder: the message says how to make one.
    let out = epreuve(cwd, &["class", "grade", "--dir", "nowhere"]);
    assert_error(&out, 2, "is not a class folder");
}
