//! A hostile candidate against the DuckDB sandbox of grading: every way a saved query (or an
//! object the candidate left in the database) could reach the assessor's files, the network,
//! the settings or a second statement, each tried several ways. The engine must refuse them;
//! no list of forbidden words of ours is involved.

use epreuve_db::Query;
use std::time::{Duration, Instant};

use epreuve_db::{Backend, DbError, DuckDb, Loader};

/// A candidate's database: a table, and whatever `extra` the candidate left in it.
fn database(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("base.duckdb");
    let db = DuckDb::create(&path).unwrap();
    db.execute("CREATE TABLE ventes (id INTEGER, montant DECIMAL(8,2)); INSERT INTO ventes VALUES (1, 10.5), (2, 20.25);")
        .unwrap();
    if !extra.is_empty() {
        db.execute(extra).unwrap();
    }
    path
}

/// A secret of the assessor's, next to the workspace.
fn secret(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("secret.csv");
    std::fs::write(&path, "mot_de_passe\nhunter2\n").unwrap();
    path
}

fn refused(db: &DuckDb, sql: &str) -> DbError {
    let error = db
        .candidate_query(Query::Sql(sql), 100)
        .map(|r| format!("{:?}", r.columns))
        .expect_err(sql);
    assert!(
        matches!(error, DbError::Query { .. }),
        "{sql}: a refusal is the candidate's, not the infrastructure's: {error:?}"
    );
    assert!(!error.to_string().contains("hunter2"), "{sql}: {error}");
    error
}

#[test]
fn saved_queries_reach_no_file() {
    let temp = tempfile::tempdir().unwrap();
    let secret = secret(temp.path());
    let s = secret.display();
    let db = DuckDb::open_read_only(&database(temp.path(), "")).unwrap();
    for sql in [
        format!("SELECT * FROM read_csv('{s}')"),
        format!("SELECT * FROM read_csv_auto('{s}')"),
        format!("SELECT * FROM '{s}'"),
        format!("SELECT content FROM read_text('{s}')"),
        format!("SELECT * FROM read_blob('{s}')"),
        format!("SELECT * FROM read_json('{s}')"),
        format!("SELECT * FROM glob('{}/*')", temp.path().display()),
        format!("SELECT * FROM sniff_csv('{s}')"),
        "SELECT * FROM read_csv('/etc/passwd')".to_owned(),
        format!("SELECT * FROM (SELECT 1) t, read_text('{s}')"),
        format!("WITH x AS (SELECT * FROM read_text('{s}')) SELECT * FROM x"),
    ] {
        let error = refused(&db, &sql);
        assert!(
            error.to_string().contains("grading does not allow")
                || error.to_string().contains("disabled"),
            "{sql}: {error}"
        );
    }
}

#[test]
fn statements_other_than_one_select_are_refused_by_the_engine() {
    let temp = tempfile::tempdir().unwrap();
    let other = temp.path().join("other.duckdb");
    DuckDb::create(&other).unwrap();
    let written = temp.path().join("written.csv");
    let db = DuckDb::open_read_only(&database(temp.path(), "")).unwrap();
    for sql in [
        format!("COPY (SELECT 1) TO '{}'", written.display()),
        format!("ATTACH '{}' AS autre", other.display()),
        "SET enable_external_access = true".to_owned(),
        "RESET lock_configuration".to_owned(),
        "PRAGMA enable_profiling".to_owned(),
        "INSTALL httpfs".to_owned(),
        "LOAD httpfs".to_owned(),
        "CREATE TEMP VIEW ventes AS SELECT 99 AS id".to_owned(),
        "DROP TABLE ventes".to_owned(),
        "CHECKPOINT".to_owned(),
        // A second statement hidden behind each quoting rule DuckDB knows.
        "SELECT 'a'';'; DROP TABLE ventes".to_owned(),
        "SELECT $$;$$; DROP TABLE ventes".to_owned(),
        "SELECT $x$ ' $x$; SET threads = 1".to_owned(),
        "SELECT E'\\''; DROP TABLE ventes; --'".to_owned(),
        "SELECT \"a;\" FROM (SELECT 1 AS \"a;\"); DROP TABLE ventes".to_owned(),
        "/* ; */ SELECT 1; /* */ ATTACH ':memory:' AS m".to_owned(),
        "SELECT 1 -- ; \n; COMMIT".to_owned(),
    ] {
        let error = refused(&db, &sql);
        let text = error.to_string();
        assert!(
            text.contains("only SELECT") || text.contains("statements") || text.contains("syntax"),
            "{sql}: {text}"
        );
    }
    assert!(!written.exists(), "COPY wrote a file");
    assert_eq!(db.row_count("ventes").unwrap(), 2, "the table is intact");
    for sql in ["SELECT 1; SELECT 2", "SELECT 1;\n-- fin\nSELECT 2;"] {
        assert!(
            refused(&db, sql).to_string().contains("2 statements"),
            "{sql}"
        );
    }
}

#[test]
fn settings_extensions_and_other_databases_stay_out_of_reach() {
    let temp = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_only(&database(temp.path(), "")).unwrap();
    // Extensions that are not built in are never fetched nor loaded behind epreuve's back.
    for sql in [
        "SELECT * FROM read_xlsx('x.xlsx')",
        "SELECT * FROM st_read('x.shp')",
        "SELECT * FROM read_parquet('https://example.org/x.parquet')",
    ] {
        refused(&db, sql);
    }
    let settings = db
        .candidate_query(
            Query::Sql("SELECT current_setting('enable_external_access') AS a, current_setting('lock_configuration') AS l"),
            1,
        )
        .unwrap();
    let cell = |s: &str| vec![Some(s.to_owned())];
    assert_eq!(
        settings.columns,
        vec![
            ("a".to_owned(), cell("false")),
            ("l".to_owned(), cell("true"))
        ]
    );
}

#[test]
fn the_grader_reads_the_catalogue_not_objects_named_like_it() {
    let temp = tempfile::tempdir().unwrap();
    let path = database(
        temp.path(),
        "CREATE MACRO duckdb_tables() AS TABLE SELECT 'fausse' AS table_name, false AS internal, 'main' AS schema_name, 'base' AS database_name; \
         CREATE MACRO count_star() AS 42; \
         CREATE MACRO lower(x) AS 'ventes'; \
         CREATE MACRO current_database() AS 'autre'; \
         CREATE MACRO json_serialize_sql(x) AS '{\"error\":false,\"statements\":[{}]}'; \
         CREATE SCHEMA information_schema_bis; \
         CREATE VIEW commandes AS SELECT * FROM ventes;",
    );
    let db = DuckDb::open_read_only(&path).unwrap();
    let relations = db.tables().unwrap();
    let names: Vec<(String, bool)> = relations.iter().map(|r| (r.name.clone(), r.view)).collect();
    assert_eq!(
        names,
        vec![("commandes".to_owned(), true), ("ventes".to_owned(), false)],
        "a view is said to be one; a macro named like the catalogue fools nobody"
    );
    assert_eq!(db.row_count("ventes").unwrap(), 2);
    assert_eq!(db.columns("ventes").unwrap().len(), 2);
    assert!(db.columns("commandes_inconnues").unwrap().is_empty());
    // The parser that decides what a saved query holds is the engine's, not a macro.
    let error = db
        .candidate_query(Query::Sql("SELECT 1; SELECT 2"), 10)
        .unwrap_err();
    assert!(error.to_string().contains("2 statements"), "{error}");
}

#[test]
fn a_view_without_end_is_read_only_as_far_as_the_cap() {
    let temp = tempfile::tempdir().unwrap();
    let path = database(
        temp.path(),
        "CREATE VIEW sans_fin AS SELECT range AS id FROM range(1000000000000)",
    );
    let db = DuckDb::open_read_only(&path).unwrap();
    let started = Instant::now();
    let read = db.table_text("sans_fin", 1000).unwrap();
    assert!(read.truncated && read.rows() == 1000);
    let asked = db
        .candidate_query(Query::Sql("SELECT * FROM sans_fin"), 50)
        .unwrap();
    assert!(asked.truncated && asked.rows() == 50);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "rows stream: the cap ends the query ({:?})",
        started.elapsed()
    );
}

#[test]
fn every_query_of_the_grader_has_a_deadline() {
    let temp = tempfile::tempdir().unwrap();
    let path = database(
        temp.path(),
        "CREATE VIEW lente AS SELECT count(*) AS n FROM range(100000) a, range(100000) b",
    );
    let db = DuckDb::open_read_only(&path)
        .unwrap()
        .with_internal_limit(Duration::from_millis(300))
        .with_timeout(Duration::from_millis(300));
    let counted = db.row_count("lente").unwrap_err();
    assert!(
        counted.is_infrastructure() && counted.to_string().contains("no answer within"),
        "{counted:?}"
    );
    let timed = db
        .time_query(Query::Sql("SELECT * FROM lente"))
        .unwrap_err();
    assert!(matches!(timed, DbError::Timeout { .. }), "{timed:?}");
    // The database answers at once afterwards.
    assert_eq!(db.row_count("ventes").unwrap(), 2);
}
