//! The `Backend` trait on each engine, through the provisioning crate the binary uses:
//! declared types, indexes, query plans, timing, the row cap, the read-only guard and the
//! statement timeout behave alike on DuckDB, PostgreSQL and MariaDB.

use std::path::Path;
use std::time::Duration;

use epreuve_db::{Backend, DbError, Engine, IndexInfo, ServerDb};
use epreuve_provision::{Cancel, DatabaseLocation, ImageSource, Request, Route};

fn provisioned(root: &Path, engine: Engine, route: Route) -> DatabaseLocation {
    epreuve_provision::provision(
        root,
        &Request {
            engine,
            route,
            candidate: "backend-test".into(),
            images: ImageSource::Local,
            url: None,
            port: None,
            cancel: Cancel::new(),
        },
    )
    .unwrap_or_else(|e| panic!("{engine} via {route}: {e}"))
}

/// Declared text length and decimal precision of a column.
type Sizes = (Option<u32>, Option<(u32, u32)>);

fn exercise(engine: Engine, route: Route) {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let location = provisioned(temp.path(), engine, route);
    let db = epreuve_provision::open_writable(temp.path(), &location).unwrap();
    db.execute("CREATE TABLE t (a INTEGER, b VARCHAR(10), c DECIMAL(5,2), d BOOLEAN)")
        .unwrap();
    db.execute("CREATE INDEX t_b ON t (b)").unwrap();
    db.execute("INSERT INTO t VALUES (1, 'x', 1.50, TRUE), (2, 'y', 2.25, FALSE)")
        .unwrap();
    assert_eq!(
        db.indexes("T").unwrap(),
        vec![IndexInfo {
            name: "t_b".into(),
            columns: vec!["b".into()],
            unique: false
        }],
        "{engine}"
    );
    let columns = db.columns("t").unwrap();
    let raw: Vec<Sizes> = columns
        .iter()
        .map(|c| (c.declared.text_length, c.declared.decimal))
        .collect();
    let kept_length = if engine == Engine::DuckDb {
        None
    } else {
        Some(10)
    };
    assert_eq!(
        raw,
        vec![
            (None, None),
            (kept_length, None),
            (None, Some((5, 2))),
            (None, None)
        ],
        "{engine}: {columns:?}"
    );
    assert_eq!(
        columns[3].declared.family,
        Some(epreuve_data::TypeFamily::Boolean),
        "{engine}"
    );
    let plan = db.explain("SELECT * FROM t WHERE b = 'x'").unwrap();
    assert!(plan.to_lowercase().contains('t'), "{engine}: {plan}");
    assert!(!plan.trim().is_empty(), "{engine}");
    let result = db.candidate_query("SELECT a FROM t ORDER BY a", 1).unwrap();
    assert!(result.truncated, "{engine}");
    assert_eq!(result.frame.height(), 1, "{engine}");
    assert!(result.elapsed > Duration::ZERO, "{engine}");
    let refused = db.candidate_query("INSERT INTO t VALUES (3, 'z', 0, FALSE)", 10);
    assert!(
        matches!(&refused, Err(DbError::Query { detail }) if detail.contains("only SELECT")),
        "{engine}: {refused:?}"
    );
    assert_eq!(db.row_count("t").unwrap(), 2, "{engine}");
    let broken = db.candidate_query("SELEC a FROM t", 10).unwrap_err();
    assert!(!broken.is_infrastructure(), "{engine}: {broken}");
    drop(db);
    // Grading reads through its own read-only account, which sees the candidate's tables
    // created after it, and cannot use the superuser's functions.
    let grading = epreuve_provision::open(temp.path(), &location).unwrap();
    assert_eq!(grading.row_count("t").unwrap(), 2, "{engine}");
    if engine != Engine::DuckDb {
        let who = grading.candidate_query("SELECT current_user", 1).unwrap();
        let who = epreuve_data::text_columns(&who.frame)[0].1[0]
            .clone()
            .unwrap();
        assert!(who.starts_with("epreuve_grader"), "{engine}: {who}");
    }
    if engine == Engine::Postgres {
        let file = "SELECT pg_read_file('/etc/hostname')";
        let refused = grading.candidate_query(file, 1).unwrap_err().to_string();
        assert!(refused.contains("permission denied"), "{refused}");
        let candidate = epreuve_provision::open_writable(temp.path(), &location).unwrap();
        assert!(
            candidate.candidate_query(file, 1).is_ok(),
            "the candidate is superuser"
        );
    }
    drop(grading);
    if let Some(address) = location.address() {
        let slow = match engine {
            Engine::MariaDb => "SELECT COUNT(*) FROM seq_1_to_100000 a, seq_1_to_100000 b",
            _ => "SELECT pg_sleep(5)",
        };
        let server = ServerDb::connect(address)
            .unwrap()
            .with_timeout(Duration::from_secs(1));
        let timed_out = server.candidate_query(slow, 10);
        assert!(
            matches!(timed_out, Err(DbError::Timeout { seconds: 1 })),
            "{engine}: {timed_out:?}"
        );
        // The connection is still usable after the timeout.
        assert_eq!(server.row_count("t").unwrap(), 2);
    }
    epreuve_provision::down(temp.path(), &location).unwrap();
}

#[test]
fn duckdb_backend_answers_every_question() {
    exercise(Engine::DuckDb, Route::Embedded);
}

#[test]
fn postgres_backend_answers_every_question() {
    exercise(Engine::Postgres, Route::Local);
}

#[test]
fn mariadb_backend_answers_every_question() {
    exercise(Engine::MariaDb, Route::Docker);
}
