//! A class folder, its exports and its records as a hostile candidate meets them: what a
//! candidate writes never becomes a formula, markup or broken JSON downstream; what the centre
//! keeps stays the centre's wherever the folder goes; the data's proof of copying rests on a
//! secret the candidate does not hold. Each attack is tried more than one way, and an honest
//! class still gets every point.

use crate::class::prepare;
use crate::common::{code, epreuve, epreuve_with, json, repo, solved, stderr, stdout};

/// Names and emails a candidate can have the roster hold: formulas for each spreadsheet, the
/// marks that turn text around, a C1 escape, quotes and Fluent's own syntax.
const HOSTILE_NAMES: [&str; 8] = [
    "=HYPERLINK(\"http://x.example/\",\"clic\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTab\u{202e}evil",
    "Ali\u{61c}ce \u{2067}x\u{2069}",
    "{ $candidate } \"quoted\" \u{9b}31m",
    "Zoé\u{200b}\u{feff}",
];

/// Whether `text` holds a character a terminal acts on (other than line breaks and tabs).
fn acts(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c != '\n' && c != '\t' && epreuve_results::acts_on_display(c))
}

#[test]
fn hostile_names_stay_data_in_the_gradebook_the_json_and_the_terminal() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let mut roster = "id,name,email\n".to_owned();
    for (i, name) in HOSTILE_NAMES.iter().enumerate() {
        let email = if i % 2 == 0 {
            format!("c{i}@example.org")
        } else {
            format!("=c{i}@example.org")
        };
        roster.push_str(&format!("c{i},\"{}\",{email}\n", name.replace('"', "\"\"")));
    }
    let out = prepare(cwd, &roster, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // One candidate also saves queries under names that turn text around.
    let answers = cwd.join("class/workspaces/c0/answers");
    std::fs::write(answers.join("a\u{202e}lqs.sql"), "SELECT 1").unwrap();
    std::fs::write(answers.join("b\u{61c}.sql"), "SELECT 2").unwrap();
    let out = epreuve(cwd, &["class", "grade", "--dir", "class"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // JSON: valid, every name read back as the roster wrote it, nothing a terminal obeys.
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(acts(&stdout(&out)), None, "the JSON text holds raw marks");
    let report = json(&out);
    for (i, name) in HOSTILE_NAMES.iter().enumerate() {
        // The roster's cells are read trimmed (a tab around a name is layout).
        assert_eq!(report["results"][i]["member"]["name"], name.trim(), "c{i}");
    }
    // The gradebook: every candidate's cells are text a spreadsheet shows, numbers stay
    // numbers, and the jury's verdict has a column per criterion.
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "csv"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(acts(&text), None, "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for code in ["C1.6 verdict", "C1.9 verdict", "C1.10 verdict"] {
        assert!(header.iter().any(|h| h == code), "{header:?}");
    }
    let verdict_at = header.iter().position(|h| h == "C1.9 verdict").unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
        let total = &row[3];
        assert!(
            total.is_empty() || total.parse::<f64>().is_ok(),
            "{total:?}"
        );
        assert!(
            ["acquis", "non acquis", "en attente", "non évaluable", ""].contains(&&row[verdict_at]),
            "{:?}",
            &row[verdict_at]
        );
    }
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'-2+3"), "{text}");
    // The terminal's class table and status: shown, never obeyed.
    for args in [
        &["class", "report", "--dir", "class"][..],
        &["class", "status", "--dir", "class"][..],
    ] {
        let out = epreuve(cwd, args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(acts(&stdout(&out)), None, "{args:?}: {}", stdout(&out));
        assert!(stdout(&out).contains("\\u{202e}"), "{}", stdout(&out));
    }
}

/// The centre's record is found by the workspace's identity: a class folder moved elsewhere
/// still grades a candidate who moved their deadline as late, and one who edited their
/// workspace's identity is said to have no record.
#[test]
fn a_moved_class_folder_keeps_the_centres_word() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(
        cwd,
        "id,name\nm1,Ana\nm2,Bob\nm3,Chloé\n",
        &["--duration", "1s"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let edit = |id: &str, change: &dyn Fn(&mut serde_json::Value)| {
        let path = cwd.join(format!("class/workspaces/{id}/.epreuve/state.json"));
        let mut state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        change(&mut state);
        std::fs::write(&path, serde_json::to_vec_pretty(&state).unwrap()).unwrap();
    };
    // m1 gives themselves a day; m2 also swaps their workspace's identity for another.
    edit("m1", &|state| {
        state["deadline"] = "2999-01-01T00:00:00Z".into()
    });
    edit("m2", &|state| {
        state["deadline"] = "2999-01-01T00:00:00Z".into();
        state["workspace_id"] = "0123456789abcdef0123456789abcdef".into();
    });
    for id in ["m1", "m2", "m3"] {
        let out = epreuve(cwd, &["submit", "--dir", &format!("class/workspaces/{id}")]);
        assert_eq!(code(&out), 0, "{id}: {}", stderr(&out));
    }
    // The class folder is what moves.
    std::fs::rename(cwd.join("class"), cwd.join("moved")).unwrap();
    let out = epreuve(cwd, &["class", "grade", "--dir", "moved"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "moved", "--format", "json"],
    );
    let report = json(&out);
    let of = |i: usize| report["results"][i]["report"].clone();
    let late = |r: &serde_json::Value| {
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "submitted_late")
    };
    let m1 = of(0);
    assert!(late(&m1), "m1 is late by the centre's deadline: {m1:#}");
    assert!(
        m1["integrity"].to_string().contains("deadline"),
        "the moved deadline is said: {m1:#}"
    );
    assert_eq!(m1["provisional"], true);
    let m2 = of(1);
    assert!(
        m2["integrity"].to_string().contains("no record"),
        "an identity that names no record is said: {m2:#}"
    );
    let m3 = of(2);
    assert!(late(&m3), "{m3:#}");
    assert_eq!(m3["integrity"], serde_json::json!([]), "{m3:#}");
    // `class status` believes the centre too: m1's deadline is the one prepared.
    let out = epreuve(
        cwd,
        &["class", "status", "--dir", "moved", "--format", "json"],
    );
    let standings = json(&out);
    assert!(!standings[0].to_string().contains("2999"), "{standings:#}");
}

/// A catalogue the candidate left in their workspace is never the one that grades, whether
/// it is the current folder or named with --catalogue; `grade` says which one it used.
#[test]
fn a_catalogue_planted_in_a_workspace_is_never_used() {
    let temp = tempfile::tempdir().unwrap();
    let (ws, report) = solved(temp.path(), "date-en-texte");
    let honest = report["score"].as_f64().unwrap();
    assert!(honest < 41.0, "{report:#}");
    // The candidate's own rules: every check worth nothing but the head queries.
    for folder in ["exercises", "datasets", "graders"] {
        let out = std::process::Command::new("cp")
            .args(["-r"])
            .arg(repo().join(folder))
            .arg(&ws)
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let grader = ws.join("graders/bloc1-chargement/grader.toml");
    let text = std::fs::read_to_string(&grader).unwrap().replace(
        "[checks.type_family]\ncriterion = \"C1.10\"\nweight = 2",
        "[checks.type_family]\ncriterion = \"C1.10\"\nweight = 0",
    );
    std::fs::write(&grader, text).unwrap();
    // Inside the workspace, no catalogue given: the built-in one grades, and says so.
    let out = epreuve_with(&ws, &["grade", ".", "--format", "json"], &[]);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    assert_eq!(
        json(&out)["score"].as_f64(),
        Some(honest),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains(repo().to_str().unwrap()),
        "grade names its catalogue: {}",
        stderr(&out)
    );
    // Named outright, or a folder inside the workspace: refused.
    for given in [ws.clone(), ws.join("graders")] {
        let out = epreuve_with(
            temp.path(),
            &[
                "grade",
                ws.to_str().unwrap(),
                "--catalogue",
                given.to_str().unwrap(),
            ],
            &[],
        );
        assert_ne!(code(&out), 0, "{}", stdout(&out));
        assert!(stderr(&out).contains("workspace"), "{}", stderr(&out));
    }
}

/// `class grade` keeps no result edited by hand: the seal of each result names it, and the
/// edited one is graded again; the class report meanwhile says it cannot be trusted.
#[test]
fn a_result_edited_by_hand_is_graded_again() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name\nr1,Ana\nr2,Bob\n", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for id in ["r1", "r2"] {
        let out = epreuve(cwd, &["submit", "--dir", &format!("class/workspaces/{id}")]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let out = epreuve(cwd, &["class", "grade", "--dir", "class"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let file = cwd.join("class/results/r1.json");
    let honest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let score = honest["report"]["score"].as_f64().unwrap();
    // Two ways: a better score written in; the seal beside it removed too.
    for strip_seal in [false, true] {
        let mut edited = honest.clone();
        edited["report"]["score"] = serde_json::json!(score + 30.0);
        if strip_seal {
            std::fs::remove_file(file.with_extension("json.seal")).unwrap();
        }
        std::fs::write(&file, serde_json::to_vec_pretty(&edited).unwrap()).unwrap();
        let out = epreuve(
            cwd,
            &["class", "report", "--dir", "class", "--format", "json"],
        );
        let report = json(&out);
        assert_eq!(
            report["results"][0]["outcome"], "not_gradable",
            "{report:#}"
        );
        assert!(
            report["results"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("seal"),
            "{report:#}"
        );
        let out = epreuve(
            cwd,
            &["class", "grade", "--dir", "class", "--format", "json"],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let summary = json(&out);
        assert_eq!(summary["changed"], serde_json::json!(["r1"]), "{summary:#}");
        assert_eq!(summary["kept"], 1, "r2's sealed result stands: {summary:#}");
        let out = epreuve(
            cwd,
            &["class", "report", "--dir", "class", "--format", "json"],
        );
        assert_eq!(
            json(&out)["results"][0]["report"]["score"].as_f64(),
            Some(score)
        );
    }
}

/// Each candidate's files come from the class's secret: the candidate-side pack and a
/// candidate's identifier do not make them, so rows of one candidate's files in another's
/// table prove that the files went from one to the other.
#[test]
fn a_candidates_files_cannot_be_made_from_the_pack() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name\nk01,Ana\nk02,Bob\n", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let secret = std::fs::read_to_string(cwd.join("class/centre/secret")).unwrap();
    assert_eq!(secret.trim().len(), 64);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(cwd.join("class/centre/secret"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the secret is the centre's alone");
    // Anyone with the catalogue starts "k02" and gets other files than k02's.
    let out = epreuve(
        cwd,
        &[
            "start",
            "bloc1-chargement",
            "--candidate",
            "k02",
            "--dir",
            "fake",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let theirs = std::fs::read(cwd.join("class/workspaces/k02/data/ventes.csv")).unwrap();
    let made = std::fs::read(cwd.join("fake/data/ventes.csv")).unwrap();
    assert_ne!(theirs, made, "k02's files were made without the secret");
    // Two candidates of the class have files of their own.
    let k01 = std::fs::read(cwd.join("class/workspaces/k01/data/ventes.csv")).unwrap();
    assert_ne!(k01, theirs);
    // Graded, every candidate's truth is their own files.
    let out = epreuve(cwd, &["class", "grade", "--dir", "class"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    let report = json(&out);
    for i in 0..2 {
        let notes = report["results"][i]["report"]["notes"].to_string();
        assert!(!notes.contains("changed"), "{notes}");
    }
}

/// Sums of durations from input never overflow: a duration and an extra time too large for
/// a duration are refused with the candidate's name, the others prepared.
#[test]
fn durations_that_add_up_past_what_a_duration_holds_are_refused() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(
        cwd,
        "id,name,extra_time\nd1,Ana,4294967295\nd2,Bob,\n",
        &["--duration", "584542046090years"],
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("d1"), "{all}");
}

/// A language epreuve does not speak is named, with the ones it does.
#[test]
fn an_unknown_language_is_refused_with_the_known_ones() {
    let temp = tempfile::tempdir().unwrap();
    for lang in ["xx", "de", "english"] {
        let out = epreuve(temp.path(), &["exams", "--lang", lang]);
        assert_eq!(code(&out), 2, "{lang}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("fr") && stderr(&out).contains("en"),
            "{}",
            stderr(&out)
        );
    }
    for lang in ["fr", "EN", "fr_FR.UTF-8", "en-GB"] {
        let out = epreuve(temp.path(), &["exams", "--lang", lang]);
        assert_eq!(code(&out), 0, "{lang}: {}", stderr(&out));
    }
}

/// Two candidates who save 80 queries of a mebibyte each cost the class report a bounded
/// amount of work: it finishes, and says what it left out.
#[test]
fn saved_queries_without_end_are_compared_within_bounds() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name\nq1,Ana\nq2,Bob\n", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let big = "SELECT a, b FROM ventes WHERE x = 1 -- padding\n".repeat(22_000);
    for id in ["q1", "q2"] {
        let answers = cwd.join(format!("class/workspaces/{id}/answers"));
        for n in 0..80 {
            std::fs::write(answers.join(format!("q{n:03}.sql")), &big).unwrap();
        }
        let out = epreuve(cwd, &["submit", "--dir", &format!("class/workspaces/{id}")]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let out = epreuve(cwd, &["class", "grade", "--dir", "class"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report = json(&out);
    let left = report["similar_queries_left_out"].to_string();
    assert!(left.contains("class-similar-skipped"), "{left}");
    assert!(left.contains("class-similar-cut"), "{left}");
    assert!(!report["similar_queries"].as_array().unwrap().is_empty());
}

/// A submission file whose entry's name a candidate chose (an escape, Fluent's braces, markup,
/// a formula, a direction mark) is refused with that name quoted, inert on the terminal and in
/// valid JSON, in either language.
#[test]
fn a_refused_submission_file_quotes_its_hostile_entry_inert() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let out = prepare(cwd, "id,name\nc01,Léa\n", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tar = cwd.join("c01.tar");
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import io, sys, tarfile\n\
             t = tarfile.open(sys.argv[1], 'w')\n\
             i = tarfile.TarInfo('\\x1b[31m{ $x }<b>=1\\u202e.sql'); i.size = 1\n\
             t.addfile(i, io.BytesIO(b'x')); t.close()",
        ])
        .arg(&tar)
        .status()
        .unwrap();
    assert!(made.success());
    let file = tar.to_str().unwrap();
    for (lang, said) in [("fr", "hors de `bundle/`"), ("en", "outside `bundle/`")] {
        let out = epreuve(
            cwd,
            &["class", "collect", "--dir", "class", file, "--lang", lang],
        );
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let text = stderr(&out);
        assert_eq!(acts(&text), None, "{text}");
        assert!(
            text.contains("`\\u{1b}[31m{ $x }<b>=1\\u{202e}.sql`") && text.contains(said),
            "{text}"
        );
    }
    let out = epreuve(
        cwd,
        &[
            "class", "collect", "--dir", "class", file, "--format", "json",
        ],
    );
    assert_eq!(acts(&stdout(&out)), None, "{}", stdout(&out));
    let why = json(&out)["refused"][0]["why"].as_str().unwrap().to_owned();
    assert_eq!(
        why,
        "it holds `\u{1b}[31m{ $x }<b>=1\u{202e}.sql`, outside `bundle/`"
    );
}
