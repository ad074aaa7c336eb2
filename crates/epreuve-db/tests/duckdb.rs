//! The DuckDB backend against a real DuckDB file.

use epreuve_db::Query;
use std::time::Duration;

use epreuve_data::TypeFamily;
use epreuve_db::{Backend, DbError, DuckDb, Loader, Relation, insert_statements};

fn sample(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("t.duckdb");
    let db = DuckDb::create(&path).unwrap();
    db.execute(
        "CREATE TABLE Magasins (code VARCHAR(6), surface SMALLINT, ca DECIMAL(8,2), ouvert DATE, bio BOOLEAN, note DOUBLE);",
    )
    .unwrap();
    let rows = vec![
        vec![
            Some("MAG001".into()),
            Some("350".into()),
            Some("1234.5".into()),
            Some("2003-05-12".into()),
            Some("true".into()),
            None,
        ],
        vec![
            Some("l'île".into()),
            None,
            Some("0.05".into()),
            None,
            Some("false".into()),
            Some("2.5".into()),
        ],
    ];
    let columns: Vec<String> = ["code", "surface", "ca", "ouvert", "bio", "note"]
        .map(String::from)
        .to_vec();
    for sql in insert_statements(
        epreuve_db::SqlEngine::DuckDb,
        "Magasins",
        &columns,
        &[false; 6],
        &rows,
        1,
    ) {
        db.execute(&sql).unwrap();
    }
    path
}

#[test]
fn introspection_reads_declared_types_counts_and_text() {
    let temp = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_only(&sample(temp.path())).unwrap();
    db.ping().unwrap();
    assert_eq!(
        db.tables().unwrap(),
        vec![Relation {
            name: "Magasins".to_owned(),
            view: false
        }]
    );
    let columns = db.columns("magasins").unwrap();
    let families: Vec<Option<TypeFamily>> = columns.iter().map(|c| c.declared.family).collect();
    use TypeFamily::*;
    assert_eq!(
        families,
        vec![
            Some(Text),
            Some(Integer),
            Some(Decimal),
            Some(Date),
            Some(Boolean),
            Some(Decimal)
        ]
    );
    assert_eq!(columns[2].declared.decimal, Some((8, 2)));
    assert_eq!(
        columns[0].declared.text_length, None,
        "DuckDB does not keep VARCHAR lengths"
    );
    assert!(!db.capabilities().keeps_text_length);
    assert_eq!(db.row_count("Magasins").unwrap(), 2);
    let text = db.table_text("Magasins", 10).unwrap().columns;
    assert_eq!(
        text[0].1,
        vec![Some("MAG001".to_owned()), Some("l'île".to_owned())]
    );
    assert_eq!(
        text[2].1,
        vec![Some("1234.50".to_owned()), Some("0.05".to_owned())]
    );
    assert_eq!(text[3].1[0].as_deref(), Some("2003-05-12"));
}

#[test]
fn candidate_queries_are_read_only_single_selects_with_a_row_cap() {
    let temp = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_only(&sample(temp.path())).unwrap();
    let result = db
        .candidate_query(
            Query::Sql("SELECT code FROM magasins ORDER BY code; -- fin\n"),
            1,
        )
        .unwrap();
    assert!(result.truncated);
    assert_eq!(result.rows(), 1);
    for (sql, needle) in [
        ("DELETE FROM magasins", "only SELECT queries"),
        ("SELECT 1; DROP TABLE magasins", "only SELECT queries"),
        ("SELECT 1; SELECT 2", "2 statements"),
        ("SELECT * FROM inconnue", "inconnue"),
        ("  ;  ", "holds no query"),
    ] {
        let error = db.candidate_query(Query::Sql(sql), 10).unwrap_err();
        assert!(matches!(error, DbError::Query { .. }), "{sql}: {error:?}");
        assert!(!error.is_infrastructure());
        assert!(error.to_string().contains(needle), "{sql}: {error}");
    }
    assert_eq!(db.row_count("Magasins").unwrap(), 2, "nothing was changed");
}

#[test]
fn a_query_past_its_time_limit_is_stopped() {
    let temp = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_only(&sample(temp.path()))
        .unwrap()
        .with_timeout(Duration::from_millis(200));
    let error = db
        .candidate_query(
            Query::Sql("SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b"),
            10,
        )
        .unwrap_err();
    assert!(matches!(error, DbError::Timeout { .. }), "{error:?}");
    // The connection still answers afterwards.
    assert_eq!(
        db.candidate_query(Query::Sql("SELECT 42 AS x"), 10)
            .unwrap()
            .rows(),
        1
    );
}

#[test]
fn a_missing_or_locked_file_is_an_infrastructure_error() {
    let temp = tempfile::tempdir().unwrap();
    let missing = DuckDb::open_read_only(&temp.path().join("absent.duckdb")).unwrap_err();
    assert!(matches!(missing, DbError::Missing { .. }) && missing.is_infrastructure());
    let garbage = temp.path().join("garbage.duckdb");
    std::fs::write(&garbage, b"this is not a database").unwrap();
    let error = DuckDb::open_read_only(&garbage).unwrap_err();
    assert!(error.is_infrastructure(), "{error:?}");
    assert!(error.to_string().contains("garbage.duckdb"), "{error}");
}

/// A file epreuve creates loads rows through a CSV file DuckDB reads itself; the grader's
/// in-memory database, which reaches no file, appends them. Both hold the same values, awkward
/// text included.
#[test]
fn loading_through_a_csv_file_keeps_every_value_as_appending_does() {
    let temp = tempfile::tempdir().unwrap();
    let schema = "CREATE TABLE t (txt VARCHAR, n INTEGER, d DECIMAL(6,2), day DATE, b BOOLEAN, raw VARCHAR);";
    let text = |v: &[&str]| -> Vec<Option<String>> {
        v.iter()
            .map(|s| (!s.is_empty()).then(|| (*s).to_owned()))
            .collect()
    };
    let columns = vec![
        (
            "txt".to_owned(),
            text(&[
                "a \"quoted\" word",
                "comma, semicolon; tab\t",
                "line\nbreak",
                " padded ",
                "",
                "NULL",
                "l'île — ünïcode",
            ]),
        ),
        (
            "n".to_owned(),
            text(&["1", "-2", "", "0040", "5", "6", "7"]),
        ),
        (
            "d".to_owned(),
            text(&["12,50", "0,05", "-3", "", "1234,5", "7", "8,1"]),
        ),
        (
            "day".to_owned(),
            text(&[
                "04/08/2024",
                "2024-02-29",
                "",
                "31/12/1999",
                "01/01/2000",
                "15/06/2010",
                "2024-08-04",
            ]),
        ),
        (
            "b".to_owned(),
            text(&["oui", "non", "", "true", "false", "Oui", "NON"]),
        ),
        (
            "raw".to_owned(),
            text(&["12,50", "04/08/2024", "", "oui", "\"", "\"\"", ","]),
        ),
    ];
    let families = [
        Some(TypeFamily::Text),
        Some(TypeFamily::Integer),
        Some(TypeFamily::Decimal),
        Some(TypeFamily::Date),
        Some(TypeFamily::Boolean),
        None,
    ];
    let file = DuckDb::create(&temp.path().join("f.duckdb")).unwrap();
    let memory = DuckDb::in_memory().unwrap();
    assert!(file.loads_csv() && !memory.loads_csv());
    let mut contents = Vec::new();
    for db in [&file, &memory] {
        db.execute(schema).unwrap();
        epreuve_db::fill_table(db, "t", &columns, &families, usize::MAX).unwrap();
        contents.push(db.table_text("t", 100).unwrap().columns);
    }
    assert_eq!(contents[0], contents[1]);
    assert_eq!(contents[0][0].1[4], None, "an empty cell is NULL");
    assert_eq!(contents[0][0].1[3].as_deref(), Some(" padded "));
    assert_eq!(contents[0][3].1[0].as_deref(), Some("2024-08-04"));
}
