//! A candidate who wants a better grade, against grading on every engine: saved queries that
//! try to read the assessor's files, run a second statement behind each engine's quoting
//! rules, escape the read-only transaction, write files or hang; tables locked while grading
//! runs; names and values that would drive the assessor's terminal. The query is refused or
//! its check fails, nothing leaks, the database is untouched, and everything else a correct
//! submission earns is still earned.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// The engines and the route each is tried through here (local servers start fastest).
const ENGINES: [(&str, &[&str]); 3] = [
    ("duckdb", &[]),
    ("postgres", &["--engine", "postgres", "--via", "local"]),
    ("mariadb", &["--engine", "mariadb", "--via", "local"]),
];

/// The reference solution applied and submitted on `engine`, in `parent/ws`.
fn reference_on(parent: &Path, options: &[&str]) -> PathBuf {
    let dir = parent.join("ws");
    let mut args = vec![
        "demo",
        EXAM,
        "--solution",
        "reference",
        "--dir",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(options);
    let out = epreuve(parent, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    dir
}

/// Saves `sql` as the head query of `ventes`, submits, grades: the report.
fn graded_with(dir: &Path, sql: &str) -> serde_json::Value {
    std::fs::write(dir.join("answers").join("apercu_ventes.sql"), sql).unwrap();
    let out = epreuve(
        dir.parent().unwrap(),
        &["submit", "--dir", dir.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (report, _) = grade(dir);
    report
}

fn down(dir: &Path) {
    let _ = epreuve(
        dir.parent().unwrap(),
        &["db", "down", "--dir", dir.to_str().unwrap()],
    );
}

#[test]
fn hostile_saved_queries_are_refused_and_cost_only_their_own_check() {
    for (engine, options) in ENGINES {
        let temp = reachable_tempdir();
        let secret = temp.path().join("secret.csv");
        std::fs::write(&secret, "mot_de_passe\nhunter2\n").unwrap();
        let written = temp.path().join("volé.csv");
        let s = secret.display();
        let w = written.display();
        let dir = reference_on(temp.path(), options);
        let (full, _) = grade(&dir);
        let max = full["max_score"].as_f64().unwrap();
        assert_eq!(full["score"].as_f64(), Some(max), "{engine}: {full:#}");
        let head_weight = check(&full, "ventes.head")["max_score"].as_f64().unwrap();
        let queries: Vec<String> = match engine {
            "duckdb" => vec![
                format!("SELECT * FROM read_csv('{s}')"),
                format!("SELECT * FROM ventes LIMIT 5; COPY (SELECT 1) TO '{w}'"),
                "SELECT $$;$$ AS x FROM ventes LIMIT 5; DROP TABLE ventes".into(),
                format!("SELECT * FROM ventes, read_text('{s}') LIMIT 5"),
                "SELECT * FROM ventes LIMIT 5; ATTACH ':memory:' AS m".into(),
            ],
            "postgres" => vec![
                format!("SELECT *, pg_read_file('{s}') FROM ventes LIMIT 5"),
                "SELECT * FROM ventes LIMIT 5; DROP TABLE ventes".into(),
                "SELECT $q$;$q$ AS x, * FROM ventes LIMIT 5; COMMIT; DROP TABLE ventes".into(),
                "SELECT E'\\';' AS x, * FROM ventes LIMIT 5; DROP TABLE ventes; --'".into(),
                format!("COPY ventes TO '{w}'"),
                "WITH d AS (DELETE FROM ventes RETURNING *) SELECT * FROM d LIMIT 5".into(),
            ],
            _ => vec![
                format!("SELECT LOAD_FILE('{s}') AS f"),
                "SELECT 'a\\';' AS x, v.* FROM ventes v LIMIT 5; DROP TABLE ventes; #'".into(),
                "SELECT * FROM ventes LIMIT 5 # ;\n; DROP TABLE ventes".into(),
                format!("SELECT * FROM ventes LIMIT 5 INTO OUTFILE '{w}'"),
                "SELECT * FROM ventes LIMIT 5; COMMIT; DELETE FROM ventes".into(),
            ],
        };
        for sql in &queries {
            let report = graded_with(&dir, sql);
            let what = format!("{engine}: {sql}");
            let text = report.to_string();
            assert!(
                !text.contains("hunter2"),
                "{what}: the secret reached the report"
            );
            assert!(!written.exists(), "{what}: a file was written");
            let head = check(&report, "ventes.head");
            assert_eq!(head["status"], "failed", "{what}: {head:#}");
            // Everything else still earns its points: the table is intact.
            assert_eq!(
                report["score"].as_f64(),
                Some(max - head_weight),
                "{what}: {report:#}"
            );
            assert_eq!(
                check(&report, "ventes.row_count")["status"],
                "passed",
                "{what}"
            );
        }
        // Back to a correct query: every point again.
        let report = graded_with(&dir, "SELECT * FROM ventes LIMIT 10; -- aperçu\n");
        assert_eq!(report["score"].as_f64(), Some(max), "{engine}: {report:#}");
        down(&dir);
    }
}

#[test]
fn names_that_would_drive_the_terminal_reach_it_cleaned() {
    for (engine, options) in ENGINES {
        let temp = reachable_tempdir();
        let dir = reference_on(temp.path(), options);
        // An engine's error quotes the name: a screen clear, a title change, a bell, a
        // carriage return and a reversal of the text direction.
        let quoted = match engine {
            "mariadb" => "`\u{1b}[2J\u{1b}]0;pris\u{7}\r\u{202e}x`",
            _ => "\"\u{1b}[2J\u{1b}]0;pris\u{7}\r\u{202e}x\"",
        };
        graded_with(&dir, &format!("SELECT * FROM {quoted}"));
        let table = epreuve(temp.path(), &["grade", dir.to_str().unwrap()]);
        let json = epreuve(
            temp.path(),
            &["grade", dir.to_str().unwrap(), "--format", "json"],
        );
        for (what, out) in [("table", &table), ("json", &json)] {
            let printed = format!("{}{}", stdout(out), stderr(out));
            for c in ['\u{1b}', '\u{7}', '\r', '\u{202e}', '\u{9b}'] {
                assert!(
                    !printed.contains(c),
                    "{engine}/{what}: {:?} reached the terminal:\n{printed}",
                    c
                );
            }
        }
        // Shown, not obeyed (MariaDB spells the escape `\001B` itself).
        assert!(
            stdout(&table).contains("\\u{202e}"),
            "{engine}: {}",
            stdout(&table)
        );
        down(&dir);
    }
    // The candidate's identifier is a name, checked at start (said in French by default).
    let temp = tempfile::tempdir().unwrap();
    for bad in ["", "c\u{1b}[31m", "../c", "a b"] {
        let (_, out) = start_in(temp.path(), "ws", bad, &[]);
        assert_eq!(code(&out), 2, "{bad:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("l'identifiant de candidat"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains('\u{1b}'));
        assert!(!temp.path().join("ws").exists());
    }
}

#[test]
fn a_table_locked_during_grading_is_not_gradable_rather_than_a_hang() {
    for (engine, options) in &ENGINES[1..] {
        let temp = reachable_tempdir();
        let dir = reference_on(temp.path(), options);
        let address = candidate_address(&dir);
        // The candidate's own session holds the table, a transaction left open.
        use epreuve_db::Loader;
        let holder = epreuve_db::ServerDb::connect(&address).unwrap();
        let lock = match *engine {
            "mariadb" => "LOCK TABLES magasins WRITE",
            _ => "BEGIN; LOCK TABLE magasins IN ACCESS EXCLUSIVE MODE",
        };
        holder.execute(lock).unwrap();
        // Submitted: the live read is blocked, so the dump frozen at submission is graded.
        let (report, status) = grade(&dir);
        assert_eq!(status, 0, "{engine}: {report:#}");
        assert!(
            report["notes"].to_string().contains("graded from the dump"),
            "{report:#}"
        );
        // Not submitted: the live database is all there is, and the locked table says so.
        let path = dir.join(".epreuve/state.json");
        let mut state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        state["submitted"] = serde_json::Value::Null;
        std::fs::write(&path, state.to_string()).unwrap();
        let started = Instant::now();
        let (report, status) = grade(&dir);
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "{engine}: {:?}",
            started.elapsed()
        );
        assert_eq!(status, 3, "{engine}: {report:#}");
        let count = check(&report, "magasins.row_count");
        assert_eq!(count["status"], "not_gradable", "{engine}: {count:#}");
        assert!(
            count["message"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("lock"),
            "{engine}: {count:#}"
        );
        // The other tables were graded.
        assert_eq!(check(&report, "ventes.row_count")["status"], "passed");
        drop(holder);
        let (report, status) = grade(&dir);
        assert_eq!(status, 0, "{engine}: {report:#}");
        down(&dir);
    }
}

#[test]
fn a_frozen_server_is_not_gradable_within_a_bounded_time() {
    // Never submitted: no dump to fall back on, the live server is all there is.
    let temp = reachable_tempdir();
    let (dir, out) = start_in(
        temp.path(),
        "ws",
        "c3",
        &ENGINES[1]
            .1
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let pid_file = dir.join(".epreuve/server/data/postmaster.pid");
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let signal = |name: &str| {
        std::process::Command::new("kill")
            .args([name, &pid.to_string()])
            .status()
            .unwrap()
    };
    assert!(signal("-STOP").success());
    let started = Instant::now();
    let (report, status) = grade(&dir);
    let took = started.elapsed();
    assert!(signal("-CONT").success());
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert_eq!(status, 3, "{report:#}");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "not_gradable")
    );
    assert!(
        report.to_string().contains("no answer within"),
        "{report:#}"
    );
    down(&dir);
}

#[test]
fn a_view_named_like_a_table_or_a_table_loaded_eight_times_earns_nothing_for_it() {
    for (engine, options) in ENGINES {
        let temp = reachable_tempdir();
        let dir = reference_on(temp.path(), options);
        let (full, _) = grade(&dir);
        let max = full["max_score"].as_f64().unwrap();
        let run = |sql: &str| match engine {
            "duckdb" => duckdb::Connection::open(dir.join("base.duckdb"))
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            _ => as_candidate(&dir, sql),
        };
        let rename = match engine {
            "mariadb" => "RENAME TABLE ventes TO ventes_vraies",
            _ => "ALTER TABLE ventes RENAME TO ventes_vraies",
        };
        // The loaded table hidden behind a view of the expected name.
        run(rename);
        run("CREATE VIEW ventes AS SELECT * FROM ventes_vraies");
        let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let (report, _) = grade(&dir);
        for check in report["checks"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap();
            if !id.starts_with("ventes.") || check["status"] == "not_applicable" {
                continue;
            }
            assert_eq!(check["status"], "failed", "{engine}: {check:#}");
            assert!(
                check["message"]
                    .as_str()
                    .unwrap()
                    .contains("is a view, not a table"),
                "{engine}: {check:#}"
            );
        }
        assert_eq!(
            check(&report, "magasins.values")["status"],
            "passed",
            "{engine}"
        );
        // The table back, then loaded eight times: counted wrong, and read no further than
        // four times the source.
        run("DROP VIEW ventes");
        let back = match engine {
            "mariadb" => "RENAME TABLE ventes_vraies TO ventes",
            _ => "ALTER TABLE ventes_vraies RENAME TO ventes",
        };
        run(back);
        for _ in 0..3 {
            run("INSERT INTO ventes SELECT * FROM ventes");
        }
        let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let (report, _) = grade(&dir);
        assert_eq!(
            check(&report, "ventes.row_count")["status"],
            "failed",
            "{engine}"
        );
        let values = check(&report, "ventes.values");
        assert_eq!(values["status"], "failed", "{engine}: {values:#}");
        assert!(
            values["message"]
                .as_str()
                .unwrap()
                .contains("holds more than"),
            "{engine}: {values:#}"
        );
        assert!(report["score"].as_f64().unwrap() < max, "{engine}");
        down(&dir);
    }
}

/// A second copy of a store, its city carrying a screen clear, beside the right one: the row
/// paired by its key is not intact whichever copy is right (a wrong copy is not hidden by a
/// right one), the row count says a row too many, and the city reaches the assessor's terminal
/// cleaned, on every engine.
#[test]
fn a_wrong_copy_beside_the_right_row_spoils_it_and_reaches_the_terminal_cleaned() {
    for (engine, options) in ENGINES {
        let temp = reachable_tempdir();
        let dir = reference_on(temp.path(), options);
        let escape = match engine {
            "mariadb" => "CONCAT(CHAR(27 USING utf8mb4), '[2JParis')",
            _ => "chr(27) || '[2JParis'",
        };
        let sql = format!(
            "INSERT INTO magasins SELECT code_magasin, nom, {escape}, code_postal, region, \
             surface_m2, date_ouverture, ouvert_dimanche FROM magasins WHERE code_magasin = 'MAG001'"
        );
        if engine == "duckdb" {
            use epreuve_db::Loader;
            epreuve_db::DuckDb::create(&dir.join("base.duckdb"))
                .unwrap()
                .execute(&sql)
                .unwrap();
        } else {
            as_candidate(&dir, &sql);
        }
        let out = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{engine}: {}", stderr(&out));
        let (report, _) = grade(&dir);
        let values = check(&report, "magasins.values");
        assert_eq!(values["status"], "failed", "{engine}: {values:#}");
        // 29 of the 30 stores intact: 2 points × 29/30.
        assert_eq!(values["score"], 1.93, "{engine}: {values:#}");
        let message = values["message"].as_str().unwrap();
        assert!(
            message.contains("29 of 30 rows intact (paired by code_magasin)"),
            "{engine}: {message}"
        );
        assert!(
            message.contains("first one MAG001: '\\u{1b}[2JParis'"),
            "{engine}: {message}"
        );
        // A copy that differs is a wrong row, not a harmless duplicate.
        assert!(
            !message.contains("appear more than once"),
            "{engine}: {message}"
        );
        assert_eq!(check(&report, "magasins.row_count")["status"], "failed");
        let table = epreuve(temp.path(), &["grade", dir.to_str().unwrap()]);
        assert!(
            !stdout(&table).contains('\u{1b}'),
            "{engine}: {}",
            stdout(&table)
        );
        down(&dir);
    }
}
