//! The `Backend` trait on each engine, through the provisioning crate the binary uses:
//! declared types, indexes, query plans, timing, the row cap, the read-only guard and the
//! statement timeout behave alike on DuckDB, PostgreSQL and MariaDB.

use epreuve_db::Query;
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
    let plan = db
        .explain(Query::Sql("SELECT * FROM t WHERE b = 'x'"))
        .unwrap();
    assert!(plan.to_lowercase().contains('t'), "{engine}: {plan}");
    assert!(!plan.trim().is_empty(), "{engine}");
    let result = db
        .candidate_query(Query::Sql("SELECT a FROM t ORDER BY a"), 1)
        .unwrap();
    assert!(result.truncated, "{engine}");
    assert_eq!(result.rows(), 1, "{engine}");
    assert!(result.elapsed > Duration::ZERO, "{engine}");
    let refused = db.candidate_query(Query::Sql("INSERT INTO t VALUES (3, 'z', 0, FALSE)"), 10);
    assert!(
        matches!(&refused, Err(DbError::Query { detail }) if detail.english().contains("only SELECT")),
        "{engine}: {refused:?}"
    );
    assert_eq!(db.row_count("t").unwrap(), 2, "{engine}");
    let broken = db
        .candidate_query(Query::Sql("SELEC a FROM t"), 10)
        .unwrap_err();
    assert!(!broken.is_infrastructure(), "{engine}: {broken}");
    drop(db);
    // Grading reads through its own read-only account, which sees the candidate's tables
    // created after it, and cannot use the superuser's functions.
    let grading = epreuve_provision::open(temp.path(), &location).unwrap();
    assert_eq!(grading.row_count("t").unwrap(), 2, "{engine}");
    if engine != Engine::DuckDb {
        let who = grading
            .candidate_query(Query::Sql("SELECT current_user"), 1)
            .unwrap();
        let who = who.columns[0].1[0].clone().unwrap();
        let grader = &location.grader().unwrap().user;
        // MariaDB says `user@host`.
        let who = who.split('@').next().unwrap_or_default();
        assert_eq!(who, grader, "{engine}: grading runs as the grading account");
    }
    if engine != Engine::DuckDb {
        accounts_hold(engine, temp.path(), &location, grading.as_ref());
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
        let timed_out = server.candidate_query(Query::Sql(slow), 10);
        assert!(
            matches!(timed_out, Err(DbError::Timeout { seconds: 1 })),
            "{engine}: {timed_out:?}"
        );
        // The connection is still usable after the timeout.
        assert_eq!(server.row_count("t").unwrap(), 2);
    }
    epreuve_provision::down(temp.path(), &location, None).unwrap();
}

/// The candidate's account owns its database and nothing else: it cannot change the grading
/// account, lock it out, read password hashes or files, or make the grader's reads lie with
/// a function, a search path, a date style or a row-level policy. Grading still reads the
/// truth through its own account afterwards.
fn accounts_hold(engine: Engine, root: &Path, location: &DatabaseLocation, grading: &dyn Backend) {
    let candidate = epreuve_provision::open_writable(root, location).unwrap();
    let me = &location.address().unwrap().user;
    let them = &location.grader().unwrap().user;
    let db = &location.address().unwrap().database;
    let attacks: Vec<String> = match engine {
        Engine::MariaDb => vec![
            format!("SET PASSWORD FOR '{them}'@'%' = PASSWORD('pris')"),
            format!("ALTER USER '{them}'@'%' IDENTIFIED BY 'pris'"),
            format!("DROP USER '{them}'@'%'"),
            format!("REVOKE SELECT ON `{db}`.* FROM '{them}'@'%'"),
            "CREATE USER 'intrus'@'%' IDENTIFIED BY 'x'".into(),
            format!("GRANT ALL ON *.* TO '{me}'@'%'"),
            "CREATE DATABASE autre".into(),
        ],
        _ => vec![
            format!("ALTER ROLE \"{them}\" PASSWORD 'pris'"),
            format!("ALTER ROLE \"{them}\" NOLOGIN"),
            format!("REVOKE \"{me}\" FROM \"{them}\""),
            format!("ALTER ROLE \"{me}\" SUPERUSER"),
            "CREATE ROLE intrus LOGIN".into(),
            format!("DROP ROLE \"{them}\""),
            "CREATE DATABASE autre".into(),
        ],
    };
    for attack in &attacks {
        assert!(
            candidate.execute(attack).is_err(),
            "{engine}: the candidate could run `{attack}`"
        );
    }
    let secrets: &[&str] = match engine {
        Engine::MariaDb => &[
            "SELECT * FROM mysql.user",
            "SELECT * FROM mysql.global_priv",
        ],
        _ => &[
            "SELECT rolpassword FROM pg_authid",
            "SELECT pg_read_file('/etc/hostname')",
            "SELECT * FROM pg_ls_dir('/')",
        ],
    };
    for secret in secrets {
        assert!(
            candidate.candidate_query(Query::Sql(secret), 10).is_err(),
            "{engine}: the candidate reads `{secret}`"
        );
        let refused = grading.candidate_query(Query::Sql(secret), 10);
        assert!(
            matches!(refused, Err(DbError::Query { .. })),
            "{engine}: a saved query run by grading reads `{secret}`: {refused:?}"
        );
    }
    if engine == Engine::MariaDb {
        let file = grading
            .candidate_query(Query::Sql("SELECT LOAD_FILE('/etc/hostname') AS f"), 1)
            .unwrap();
        assert_eq!(file.columns[0].1, vec![None]);
    }
    // What the candidate may do to their own database must not fool the grader's reads.
    let tricks: &[&str] = match engine {
        Engine::MariaDb => &[
            "CREATE VIEW commandes AS SELECT a FROM t",
            "CREATE FUNCTION lower(x TEXT) RETURNS TEXT RETURN 'zzz'",
        ],
        _ => &[
            "CREATE SCHEMA leurre",
            "CREATE TABLE leurre.t (a INTEGER)",
            "INSERT INTO leurre.t SELECT generate_series(1, 50)",
            "CREATE FUNCTION public.count(anyelement) RETURNS bigint LANGUAGE sql AS 'SELECT 42::bigint'",
            "ALTER DATABASE {db} SET search_path = leurre, public, pg_catalog",
            "ALTER DATABASE {db} SET DateStyle = 'SQL, DMY'",
            "ALTER DATABASE {db} SET statement_timeout = 1",
            "CREATE VIEW commandes AS SELECT a FROM t",
        ],
    };
    for trick in tricks {
        candidate.execute(&trick.replace("{db}", db)).unwrap();
    }
    drop(candidate);
    let grading = epreuve_provision::open(root, location).unwrap();
    assert_eq!(grading.row_count("t").unwrap(), 2, "{engine}");
    let relations = grading.tables().unwrap();
    let commandes = relations.iter().find(|r| r.name == "commandes").unwrap();
    assert!(commandes.view, "{engine}: a view is said to be one");
    assert!(
        relations.iter().any(|r| r.name == "t" && !r.view),
        "{engine}"
    );
    assert_eq!(grading.columns("t").unwrap().len(), 4, "{engine}");
    if engine == Engine::Postgres {
        // A policy aimed at the grading account: refused, never silently applied.
        let candidate = epreuve_provision::open_writable(root, location).unwrap();
        candidate
            .execute(&format!(
                "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY; \
                 CREATE POLICY cache ON t USING (current_user <> '{them}')"
            ))
            .unwrap();
        let denied = grading.row_count("t").unwrap_err();
        assert!(
            matches!(denied, DbError::Denied { .. }) && !denied.is_infrastructure(),
            "{denied:?}"
        );
        candidate
            .execute("ALTER TABLE t NO FORCE ROW LEVEL SECURITY; ALTER TABLE t DISABLE ROW LEVEL SECURITY")
            .unwrap();
    }
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

/// The same questions, and the same accounts held apart, on the other route of each server.
#[test]
fn the_other_routes_answer_alike_and_keep_their_accounts_apart() {
    exercise(Engine::Postgres, Route::Docker);
    exercise(Engine::MariaDb, Route::Local);
}

/// On a centre's server (`--via url`), each candidate's role and grading role are held apart
/// the same way, whatever the candidate's role tries.
#[test]
fn a_centres_server_keeps_each_candidates_accounts_apart() {
    use std::os::unix::fs::PermissionsExt;
    for engine in [Engine::Postgres, Engine::MariaDb] {
        let temp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let centre_dir = temp.path().join("centre");
        std::fs::create_dir(&centre_dir).unwrap();
        let centre = provisioned(&centre_dir, engine, Route::Local);
        let url = centre
            .admin()
            .expect("the centre's record keeps the administrator")
            .url();
        let ws = temp.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        let location = epreuve_provision::provision(
            &ws,
            &Request {
                engine,
                route: Route::Url,
                candidate: "c-url".into(),
                images: ImageSource::Local,
                url: Some(url.clone()),
                port: None,
                cancel: Cancel::new(),
            },
        )
        .unwrap();
        let db = epreuve_provision::open_writable(&ws, &location).unwrap();
        db.execute("CREATE TABLE t (a INTEGER, b VARCHAR(10), c DECIMAL(5,2), d BOOLEAN)")
            .unwrap();
        db.execute("INSERT INTO t VALUES (1, 'x', 1.50, TRUE), (2, 'y', 2.25, FALSE)")
            .unwrap();
        drop(db);
        let grading = epreuve_provision::open(&ws, &location).unwrap();
        accounts_hold(engine, &ws, &location, grading.as_ref());
        drop(grading);
        epreuve_provision::down(&ws, &location, Some(&url)).unwrap();
        epreuve_provision::down(&centre_dir, &centre, None).unwrap();
    }
}
