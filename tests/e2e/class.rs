//! `epreuve class …` as a training centre runs it: a roster with a bad line refused with its
//! number, a class prepared, followed, graded, resumed and reported for a gradebook.

use crate::common::{assert_error, code, epreuve, epreuve_with, json, stderr, stdout};

/// `epreuve class prepare` of `roster` (written as `roster.csv`) into `class/`, in `cwd`.
pub fn prepare(cwd: &std::path::Path, roster: &str, extra: &[&str]) -> std::process::Output {
    std::fs::write(cwd.join("roster.csv"), roster).unwrap();
    let mut args = vec![
        "class",
        "prepare",
        "roster.csv",
        "--exam",
        "bloc1-chargement",
        "--dir",
        "class",
    ];
    args.extend_from_slice(extra);
    epreuve(cwd, &args)
}

#[test]
fn a_class_is_prepared_followed_graded_and_reported() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name,email\nA1,Ana,ana@example.org\nA1,Bob,\n", &[]);
    // Said in the user's language (French by default), as every error of epreuve is.
    assert_error(
        &out,
        2,
        "roster.csv, ligne 3 : la liste donne de nouveau l'identifiant `A1` (déjà ligne 2)",
    );
    let out = prepare(
        cwd,
        "id,name,email\nA1,Ana,ana@example.org\nA1,Bob,\n",
        &["--lang", "en"],
    );
    assert_error(
        &out,
        2,
        "roster.csv, line 3: the roster gives the identifier `A1` again (first on line 2)",
    );
    assert!(
        !cwd.join("class").exists(),
        "nothing prepared from a bad roster"
    );
    // An exam that does not exist is said before the roster is read (here, not even there).
    let out = epreuve(
        cwd,
        &[
            "--lang",
            "en",
            "class",
            "prepare",
            "absent.csv",
            "--exam",
            "inconnue",
            "--dir",
            "class",
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("inconnue"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("absent.csv"), "{}", stderr(&out));

    let out = prepare(
        cwd,
        "id,name,email,extra_time\nA1,Ana,ana@example.org,\nB2,\"Bob, Jr\",,15\nC3,Chloé,chloe@example.org,\n",
        &["--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&out)["made"], serde_json::json!(["A1", "B2", "C3"]));

    // B2 works in their database (a connection open to write, as DuckDB's own tools hold
    // it): their database is at work, not gone.
    let session = duckdb::Connection::open(cwd.join("class/workspaces/B2/base.duckdb")).unwrap();
    let out = epreuve(
        cwd,
        &["class", "status", "--dir", "class", "--format", "json"],
    );
    drop(session);
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
    // C3's database file is gone: that one does not answer.
    let file = cwd.join("class/workspaces/C3/base.duckdb");
    std::fs::rename(&file, file.with_extension("away")).unwrap();
    let out = epreuve(
        cwd,
        &["class", "status", "--dir", "class", "--format", "json"],
    );
    std::fs::rename(file.with_extension("away"), &file).unwrap();
    let standings = json(&out);
    assert_eq!(standings[2]["database_answers"], false, "{standings:#}");
    assert!(
        standings[2]["database_problem"].is_string(),
        "{standings:#}"
    );

    // A1 submits an empty workspace; the others do nothing.
    let out = epreuve(cwd, &["submit", "--dir", "class/workspaces/A1"]);
    assert_eq!(code(&out), 0);
    let out = epreuve(cwd, &["class", "status", "--dir", "class"]);
    assert!(
        stdout(&out).contains("A1") && stdout(&out).contains("soumis à"),
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
    let out = epreuve(cwd, &["--lang", "en", "class", "report", "--dir", "class"]);
    let table = stdout(&out);
    assert!(table.contains("Score spread"), "{table}");
    assert!(!table.contains('\u{1b}'), "{table}");
    assert!(
        table.contains("copie\\u{1b}[2J.sql: B2 and C3, 100 %"),
        "{table}"
    );
    // The training centre's summary in French, the default.
    let out = epreuve(cwd, &["class", "report", "--dir", "class"]);
    let table = stdout(&out);
    assert!(table.contains("Répartition des notes"), "{table}");
    assert!(
        table.contains("copie\\u{1b}[2J.sql : B2 et C3, 100 %"),
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
            page.contains("<a href=\"../index.html\">Rapport de la classe</a>"),
            "{page}"
        );
        assert!(page.contains("<html lang=\"fr\">"), "{page}");
    }
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "html"],
    );
    assert_error(&out, 2, "--out");

    // Not a class folder: the message says how to make one.
    let out = epreuve(cwd, &["class", "grade", "--dir", "nowhere"]);
    assert_error(&out, 2, "n'est pas un dossier de classe");
}

/// A class on candidates' own machines: the handout carries the candidate-side catalogue and
/// each prepared workspace; `submit --out` writes one file; `class collect` takes the good
/// file and refuses, with the reason, a broken seal, a file named for another candidate, a
/// bundle made from another workspace, and a FIFO. Only what was taken is graded as submitted.
/// `H3.b`'s file, `H3.b.tar`, is theirs, not `H3`'s: a name is read up to the longest
/// identifier it begins with.
#[test]
fn submissions_gathered_from_candidates_machines_are_collected_or_refused() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name\nH3.b,Ana\nH2,Bob\nH3,Chloé\nH4,Dan\n", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = epreuve(
        cwd,
        &["class", "handout", "--dir", "class", "--out", "machines"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for id in ["H3.b", "H2", "H3", "H4"] {
        let machine = cwd.join("machines").join(id);
        assert!(machine.join("catalogue/pack.toml").is_file(), "{id}");
        assert!(
            machine.join("workspace/.epreuve/state.json").is_file(),
            "{id}"
        );
        assert!(
            !machine
                .join("catalogue/graders/bloc1-chargement/solutions")
                .exists(),
            "no reference solution leaves the centre"
        );
    }
    // On each candidate's machine: their catalogue, no centre.
    let on_machine = |id: &str, args: &[&str]| {
        let catalogue = cwd.join("machines").join(id).join("catalogue");
        let centre = cwd.join("machines").join(id).join("no-centre");
        epreuve_with(
            &cwd.join("machines").join(id),
            args,
            &[
                ("EPREUVE_CATALOGUE", catalogue.to_str().unwrap()),
                ("EPREUVE_CENTRE", centre.to_str().unwrap()),
            ],
        )
    };
    std::fs::create_dir_all(cwd.join("gathered")).unwrap();
    let mut printed_seals = std::collections::BTreeMap::new();
    for id in ["H3.b", "H2", "H3"] {
        std::fs::write(
            cwd.join("machines")
                .join(id)
                .join("workspace/answers/requete.sql"),
            format!("SELECT COUNT(*) FROM ventes; -- {id}\n"),
        )
        .unwrap();
        let out = on_machine(id, &["check", "--dir", "workspace"]);
        assert!(code(&out) <= 1, "the pack checks: {}", stderr(&out));
        // H3 hands in a file named for H4.
        let file = if id == "H3" {
            "H4.tar"
        } else {
            &format!("{id}.tar")
        };
        let target = cwd.join("gathered").join(file);
        let out = on_machine(
            id,
            &[
                "submit",
                "--dir",
                "workspace",
                "--out",
                target.to_str().unwrap(),
            ],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        // The seal `submit` shows the candidate, which the proctor notes.
        let seal = format!("{}{}", stdout(&out), stderr(&out))
            .split_whitespace()
            .find(|w| w.len() == 64 && w.bytes().all(|b| b.is_ascii_hexdigit()))
            .unwrap_or_else(|| panic!("{id}: no seal shown: {}", stdout(&out)))
            .to_owned();
        printed_seals.insert(id, seal);
    }
    // H2's file is changed on the way: same length, so the archive stays readable.
    let h2 = cwd.join("gathered/H2.tar");
    let bytes = std::fs::read(&h2).unwrap();
    let text = b"SELECT COUNT(*) FROM ventes; -- H2";
    let at = bytes.windows(text.len()).position(|w| w == text).unwrap();
    let mut changed = bytes.clone();
    changed[at..at + 6].copy_from_slice(b"SELEKT");
    std::fs::write(&h2, changed).unwrap();
    // H4 submits from a workspace started anew on their machine, not the one prepared.
    let out = on_machine(
        "H4",
        &[
            "start",
            "bloc1-chargement",
            "--candidate",
            "H4",
            "--dir",
            "anew",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let target = cwd.join("gathered/H4-second.tar");
    let out = on_machine(
        "H4",
        &["submit", "--dir", "anew", "--out", target.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // And a FIFO among the files: refused, never waited on.
    assert!(
        std::process::Command::new("mkfifo")
            .arg(cwd.join("gathered/pipe.tar"))
            .status()
            .unwrap()
            .success()
    );

    let out = epreuve(
        cwd,
        &[
            "class", "collect", "--dir", "class", "gathered", "--format", "json",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let collected = json(&out);
    assert_eq!(
        collected["taken"].as_array().unwrap().len(),
        1,
        "{collected:#}"
    );
    assert_eq!(collected["taken"][0]["id"], "H3.b");
    // Collect names the seal of what it took: the one H3.b's machine showed.
    assert_eq!(
        collected["taken"][0]["seal"], printed_seals["H3.b"],
        "{collected:#}"
    );
    let why = |file: &str| {
        collected["refused"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("{file}: {collected:#}"))["why"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        why("H2.tar").contains("the seal is broken: answers/requete.sql was changed"),
        "{}",
        why("H2.tar")
    );
    assert!(
        why("H4.tar").contains("named for `H4` but holds the submission of `H3`"),
        "{}",
        why("H4.tar")
    );
    assert!(
        why("H4-second.tar").contains("not made from that workspace"),
        "{}",
        why("H4-second.tar")
    );
    assert!(why("pipe.tar").contains("FIFO"), "{}", why("pipe.tar"));

    // Graded: H3.b as submitted on their machine, the others as not submitted.
    let out = epreuve(cwd, &["class", "grade", "--dir", "class"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    let report = json(&out);
    for (i, id) in ["H3.b", "H2", "H3", "H4"].iter().enumerate() {
        let notes = report["results"][i]["report"]["notes"].to_string();
        let integrity = report["results"][i]["report"]["integrity"].to_string();
        assert_eq!(
            notes.contains("not submitted"),
            *id != "H3.b",
            "{id}: {notes}"
        );
        assert_eq!(integrity, "[]", "{id}");
        // The class report shows the seal collected, for H3.b only.
        assert_eq!(
            report["results"][i]["collected_seal"].as_str(),
            (*id == "H3.b").then(|| printed_seals["H3.b"].as_str()),
            "{id}"
        );
    }
    // Collected again, the same file is taken again: nothing is lost or doubled.
    let out = epreuve(
        cwd,
        &["class", "collect", "--dir", "class", "gathered/H3.b.tar"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// `kill -9` in the middle of `class grade`: every result written is whole, and the next run
/// keeps them and grades only the others.
#[test]
fn a_class_grading_killed_resumes_where_it_stopped() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let ids: Vec<String> = (1..=8).map(|i| format!("K{i}")).collect();
    let mut roster = String::from("id,name\n");
    for id in &ids {
        roster.push_str(&format!("{id},Candidat {id}\n"));
    }
    let out = prepare(cwd, &roster, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Sealed submissions: what a resumed grading keeps.
    for id in &ids {
        let dir = format!("class/workspaces/{id}");
        let out = epreuve(cwd, &["submit", "--dir", &dir]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_epreuve"))
        .args(["class", "grade", "--dir", "class", "--jobs", "1"])
        .current_dir(cwd)
        .env("EPREUVE_CATALOGUE", crate::common::repo())
        .env("EPREUVE_CENTRE", crate::common::centre())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let results = cwd.join("class/results");
    // A result is written when its seal is: the seal is written last, and a result without
    // it is graded again.
    let written = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".json.seal"))
                    .count()
            })
            .unwrap_or(0)
    };
    let started = std::time::Instant::now();
    while written(&results) < 2 && started.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = written(&results);
    assert!(before >= 2, "results were written before the kill");
    for entry in std::fs::read_dir(&results).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            let bytes = std::fs::read(entry.path()).unwrap();
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name} is not whole: {e}"));
        }
    }
    let out = epreuve(
        cwd,
        &["class", "grade", "--dir", "class", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary = json(&out);
    let (graded, kept) = (
        summary["graded"].as_u64().unwrap() as usize,
        summary["kept"].as_u64().unwrap() as usize,
    );
    assert_eq!(graded + kept, 8, "{summary}");
    assert!(
        kept >= before.min(8),
        "{summary}: {before} written before the kill"
    );
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    assert_eq!(json(&out)["graded"], 8);
}
