//! The imputation and statistics checks on files nobody here wrote, with their real missing
//! values (`../shared/real-data/csv/titanic.csv`, `penguins.csv`). The candidate's side is
//! played by DuckDB: its own CSV reader loads the file and its own `median`, `mode`, `avg`
//! and `quantile_*` fill or describe it, so the values the checks accept are computed by
//! another code path than the grader's.

use epreuve_db::Query;
use std::path::{Path, PathBuf};

use epreuve_data::{SourceSpec, profile_frame, read_source};
use epreuve_db::{Backend, DuckDb, Loader};
use epreuve_exam::Task;
use epreuve_fs::Root;
use epreuve_grade::{TableTruth, Truth, grade_task};

fn csv_dir() -> PathBuf {
    let dir = manifest_dir().join("../../../shared/real-data/csv");
    assert!(
        dir.is_dir(),
        "the shared real data must sit beside the repository"
    );
    dir
}

/// `file` copied into `dir` with a first column `id` numbering its rows (Python's csv module
/// writes it), since the imputation check pairs rows by a key and these files have none.
fn with_ids(file: &str, dir: &Path) -> PathBuf {
    let target = dir.join(file);
    let script = r#"
import csv, sys
source, target = sys.argv[1:3]
with open(source, newline='', encoding='utf-8') as f, open(target, 'w', newline='', encoding='utf-8') as out:
    reader, writer = csv.reader(f), csv.writer(out)
    writer.writerow(['id'] + next(reader))
    for i, row in enumerate(reader, 1):
        writer.writerow([i] + row)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(csv_dir().join(file))
        .arg(&target)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target
}

/// The grader's truth for one table read from `path`.
fn truth(table: &str, path: &Path) -> Truth {
    let spec = SourceSpec {
        file: path.file_name().unwrap().to_string_lossy().into_owned(),
        format: None,
        delimiter: None,
        sheet: None,
        record_path: vec![],
        meta: vec![],
    };
    let source = read_source(path.parent().unwrap(), &spec).unwrap();
    let profile = profile_frame(&source);
    Truth {
        tables: vec![TableTruth {
            table: table.into(),
            source_name: spec.file.clone(),
            source,
            profile,
        }],
    }
}

/// A candidate's DuckDB file beside `path`, with `table` loaded by DuckDB's own CSV reader, as
/// a candidate's own DuckDB session would (grading's sandbox reaches no file; this does).
fn candidate(table: &str, path: &Path) -> DuckDb {
    let db = DuckDb::create(&path.with_extension("duckdb")).unwrap();
    db.execute(&format!(
        "CREATE TABLE {table} AS SELECT * FROM read_csv('{}', header = true)",
        path.display()
    ))
    .unwrap();
    db
}

fn task(text: &str) -> Task {
    toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const TITANIC_IMPUTATION: &str = r#"
id = "imputation"
title = "age and port imputed"
criterion = "C1.8"
weight = 4
check = { kind = "imputation", table = "titanic_complet", source = "titanic", key = "id", columns = { age = ["mean", "median"], embarked = ["mode"] }, tolerance = { absolute = 0.01 } }
"#;

fn imputed(db: &DuckDb, age: &str, embarked: &str) {
    db.execute("DROP TABLE IF EXISTS titanic_complet").unwrap();
    db.execute(&format!(
        "CREATE TABLE titanic_complet AS SELECT * REPLACE (COALESCE(age, {age}) AS age, COALESCE(embarked, {embarked}) AS embarked) FROM titanic"
    ))
    .unwrap();
}

#[test]
fn titanic_ages_and_ports_imputed_by_duckdb_pass_and_wrong_fills_fail() {
    let temp = tempfile::tempdir().unwrap();
    let path = with_ids("titanic.csv", temp.path());
    let truth = truth("titanic", &path);
    let db = candidate("titanic", &path);
    let task = task(TITANIC_IMPUTATION);
    // 177 ages and 2 ports are missing in the real file.
    let missing: Vec<String> = ["age", "embarked"]
        .iter()
        .map(|c| {
            db.candidate_query(
                Query::Sql(&format!("SELECT COUNT(*) FROM titanic WHERE {c} IS NULL")),
                1,
            )
            .map(|r| r.columns[0].1[0].clone().unwrap())
            .unwrap()
        })
        .collect();
    assert_eq!(missing, ["177", "2"]);

    let port = "(SELECT mode(embarked) FROM titanic)";
    for age in [
        "(SELECT median(age) FROM titanic)",
        "(SELECT avg(age) FROM titanic)",
        "(SELECT round(avg(age), 2) FROM titanic)",
        "(SELECT quantile_disc(age, 0.5) FROM titanic)",
    ] {
        imputed(&db, age, port);
        let result = grade_task(&task, &truth, &db, &Root::new(temp.path()).unwrap());
        assert_eq!(
            result.status,
            epreuve_grade::Status::Passed,
            "{age}: {result:#?}"
        );
        assert!(
            result
                .message
                .english()
                .contains("177 missing cells filled"),
            "{}",
            result.message
        );
        assert!(
            result
                .message
                .english()
                .contains("2 missing cells filled with S"),
            "{}",
            result.message
        );
    }

    // Zero is not accepted for the age here; 99 is no method at all; a port that is not
    // the most frequent one fails its column only.
    imputed(&db, "0", port);
    let result = grade_task(&task, &truth, &db, &Root::new(temp.path()).unwrap());
    assert_eq!(result.score, 2.0, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("which is zero (the mean or the median asked)"),
        "{}",
        result.message
    );
    imputed(&db, "99", "'Q'");
    let result = grade_task(&task, &truth, &db, &Root::new(temp.path()).unwrap());
    assert_eq!(result.score, 0.0, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("none of the accepted methods"),
        "{}",
        result.message
    );

    // The right fill, but a present age changed along the way.
    imputed(&db, "(SELECT median(age) FROM titanic)", port);
    db.execute("UPDATE titanic_complet SET age = age + 1 WHERE id = 1")
        .unwrap();
    let result = grade_task(&task, &truth, &db, &Root::new(temp.path()).unwrap());
    assert_eq!(result.score, 2.0, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("1 values that were present were changed"),
        "{}",
        result.message
    );

    // A row left out.
    imputed(&db, "(SELECT median(age) FROM titanic)", port);
    db.execute("DELETE FROM titanic_complet WHERE id = 6")
        .unwrap();
    let result = grade_task(&task, &truth, &db, &Root::new(temp.path()).unwrap());
    assert_eq!(result.status, epreuve_grade::Status::Failed, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("1 rows of the source are missing"),
        "{}",
        result.message
    );
}

#[test]
fn penguins_statistics_and_frequencies_from_duckdb_pass_and_wrong_ones_fail() {
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("penguins.csv");
    std::fs::copy(csv_dir().join("penguins.csv"), &path).unwrap();
    let truth = truth("penguins", &path);
    let db = candidate("penguins", &path);
    let answers = temp.path().join("answers");
    std::fs::create_dir(&answers).unwrap();
    let stats = task(
        r#"
id = "stats"
title = "bill length described"
criterion = "C2.3"
weight = 4
check = { kind = "statistics", answer = "stats.sql", table = "penguins", column = "bill_length_mm", names = { moyenne = "mean", mediane = "median", q1 = "q1", q3 = "q3" }, tolerance = { absolute = 0.01 } }
"#,
    );
    let run = |sql: &str, task: &Task| {
        let file = match &task.check {
            epreuve_exam::TaskCheck::Statistics { answer, .. }
            | epreuve_exam::TaskCheck::Frequencies { answer, .. } => answer.clone(),
            _ => unreachable!(),
        };
        std::fs::write(answers.join(file), sql).unwrap();
        grade_task(task, &truth, &db, &Root::new(&answers).unwrap())
    };
    for sql in [
        "SELECT avg(bill_length_mm) AS moyenne, median(bill_length_mm) AS mediane, quantile_cont(bill_length_mm, 0.25) AS q1, quantile_cont(bill_length_mm, 0.75) AS q3 FROM penguins",
        "SELECT round(avg(bill_length_mm), 2) AS MOYENNE, quantile_disc(bill_length_mm, 0.75) AS Q3, quantile_disc(bill_length_mm, 0.5) AS Mediane, quantile_disc(bill_length_mm, 0.25) AS q1 FROM penguins",
    ] {
        let result = run(sql, &stats);
        assert_eq!(
            result.status,
            epreuve_grade::Status::Passed,
            "{sql}: {result:#?}"
        );
        assert!(
            result.message.english().contains("342 values"),
            "{}",
            result.message
        );
    }
    // The two missing lengths counted as zero: the mean and the first quartile move.
    let result = run(
        "SELECT avg(coalesce(bill_length_mm, 0)) AS moyenne, median(coalesce(bill_length_mm, 0)) AS mediane, quantile_cont(coalesce(bill_length_mm, 0), 0.25) AS q1, quantile_cont(coalesce(bill_length_mm, 0), 0.75) AS q3 FROM penguins",
        &stats,
    );
    assert_eq!(result.status, epreuve_grade::Status::Failed, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("`moyenne`: mean expected"),
        "{}",
        result.message
    );

    let frequencies = task(
        r#"
id = "freq"
title = "sex counted"
criterion = "C2.3"
weight = 2
check = { kind = "frequencies", answer = "freq.sql", table = "penguins", column = "sex" }
"#,
    );
    let result = run(
        "SELECT sex, COUNT(*) AS n FROM penguins GROUP BY sex",
        &frequencies,
    );
    assert_eq!(result.status, epreuve_grade::Status::Passed, "{result:#?}");
    assert!(
        result
            .message
            .english()
            .contains("the row NULL counts the 11 missing values: accepted and left out"),
        "{}",
        result.message
    );
    // Counting the species of each sex instead of its penguins is wrong.
    let result = run(
        "SELECT sex, COUNT(DISTINCT species) AS n FROM penguins WHERE sex IS NOT NULL GROUP BY sex",
        &frequencies,
    );
    assert_eq!(result.status, epreuve_grade::Status::Failed, "{result:#?}");
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}
