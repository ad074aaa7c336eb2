//! MongoDB, the document store, against a real server that speaks its wire protocol:
//! `EPREUVE_MONGOD` (SecantusDB's launcher in this repository, installed by
//! `scripts/servers`; a real `mongod` when the environment names one). The document exam's
//! solutions get their scores on a local server; the candidate connects with the string
//! `status` prints, from pymongo and from mongosh; `db down` and `db up` end and restart the
//! server; on a centre's server (`--via url`) each candidate gets a database of their own that
//! the others cannot reach, and `db down --url` drops only it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

const EXAM: &str = "bloc1-documents";

fn tools() -> PathBuf {
    std::env::var_os("EPREUVE_TOOLS").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/epreuve-tools"),
        PathBuf::from,
    )
}

/// SecantusDB's virtual environment, which holds pymongo too.
fn python() -> PathBuf {
    tools().join("secantus-0.7/bin/python")
}

/// Runs `code` (Python, with `client` and its default database `db`) with pymongo at `uri`;
/// its output when it succeeds.
fn pymongo(uri: &str, code: &str) -> Result<String, String> {
    let script = format!(
        "import os, pymongo\nclient = pymongo.MongoClient(os.environ['URI'], serverSelectionTimeoutMS=5000)\ndb = client.get_default_database()\n{code}\n"
    );
    let out = Command::new(python())
        .env("URI", uri)
        .args(["-c", &script])
        .output()
        .expect("SecantusDB's Python runs (scripts/servers installs it)");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The line of `status` a candidate copies: the connection string after `label`.
fn printed(status: &str, label: &str) -> String {
    status
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{status}"))
        .trim()
        .to_owned()
}

fn local(parent: &Path, candidate: &str) -> PathBuf {
    let dir = parent.join(candidate);
    let out = epreuve(
        parent,
        &[
            "start",
            EXAM,
            "--candidate",
            candidate,
            "--via",
            "local",
            "--dir",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    dir
}

/// The reference solution applied by `demo` on a local server in `parent/ws`: the workspace
/// and the connection string its `status` prints.
fn reference_on_local(parent: &Path) -> (PathBuf, String) {
    let dir = parent.join("ws");
    let out = epreuve(
        parent,
        &[
            "demo",
            EXAM,
            "--via",
            "local",
            "--dir",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["score"], 76.0);
    let status = stdout(&epreuve(
        parent,
        &["status", "--dir", dir.to_str().unwrap()],
    ));
    (dir, printed(&status, "Compass:"))
}

/// `tests/e2e/candidates/mongo_pandas.py` run for the workspace `dir` (its connection string as
/// `status` prints it, its `answers/`) on the files in `data`, with care or in a hurry (`naive`).
fn pandas_candidate(cwd: &Path, dir: &Path, data: &Path, naive: bool) {
    let status = stdout(&epreuve(cwd, &["status", "--dir", dir.to_str().unwrap()]));
    let out = Command::new(python())
        .arg(repo().join("tests/e2e/candidates/mongo_pandas.py"))
        .env("URI", printed(&status, "Compass:"))
        .env("DATA", data)
        .env("ANSWERS", dir.join("answers"))
        .env("NAIVE", if naive { "1" } else { "0" })
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn down(parent: &Path, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["db", "down", "--dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    epreuve(parent, &args)
}

/// Every shipped solution of the document exam, each in a database of its own on one server
/// of the centre's (the `url` route, as the SQL servers' sweep does), one at a time.
#[test]
fn every_document_solution_gets_exactly_its_expected_score_on_mongodb() {
    let server = CentreServer::start();
    // One at a time: the exam times a query, and a solution graded beside it on the same
    // server would be part of its times (`class grade` grades such an exam one at a time too).
    sweep(&["--via", "url", "--url", &server.url], 1);
}

/// Every shipped solution of the document exam on a server of its own (the `local` route:
/// `mongod`, here SecantusDB through `EPREUVE_MONGOD`), two at a time, each stopped after.
#[test]
fn every_document_solution_gets_exactly_its_expected_score_on_a_local_mongodb() {
    sweep(&["--via", "local"], 2);
}

/// `epreuve demo` of each solution with `route`, `at_once` at a time: its exact score,
/// failures and verdicts, said in both languages.
fn sweep(route: &[&str], at_once: usize) {
    let solutions = solutions_of(EXAM);
    assert!(solutions.len() >= 4, "{solutions:?}");
    let mut shares: Vec<Vec<_>> = (0..at_once).map(|_| Vec::new()).collect();
    for (i, solution) in solutions.into_iter().enumerate() {
        shares[i % at_once].push((i, solution));
    }
    std::thread::scope(|scope| {
        for half in shares {
            scope.spawn(move || {
                for (_, (name, solution)) in half {
                    let temp = reachable_tempdir();
                    let dir = temp.path().join("ws");
                    let mut args = vec!["demo", EXAM, "--solution", &name, "--candidate", &name];
                    args.extend_from_slice(route);
                    args.extend(["--dir", dir.to_str().unwrap(), "--format", "json"]);
                    let out = epreuve(temp.path(), &args);
                    let what = format!("mongodb/{name}");
                    assert!(code(&out) <= 1, "{what}: {}", stderr(&out));
                    let report = json(&out);
                    assert_eq!(report["engine"], "mongodb", "{report:#}");
                    assert_eq!(report["max_score"], 76.0, "{what}: {report:#}");
                    assert_outcome(&report, &expectation_on(&solution, "mongodb"), &what);
                    assert_said_in_both(&report, &what);
                    if route.contains(&"local") {
                        assert_eq!(code(&down(temp.path(), &dir, &[])), 0, "{what}");
                    }
                }
            });
        }
    });
}

#[test]
fn an_sql_exam_refuses_mongodb_and_the_document_exam_refuses_sql_before_starting_anything() {
    let temp = tempfile::tempdir().unwrap();
    for (exam, engine, written_for) in [
        ("bloc1-chargement", "mongodb", "DuckDB, PostgreSQL, MariaDB"),
        (EXAM, "duckdb", "MongoDB"),
    ] {
        let dir = temp.path().join(format!("{exam}-{engine}"));
        let out = epreuve_en(
            temp.path(),
            &[
                "start",
                exam,
                "--candidate",
                "c01",
                "--engine",
                engine,
                "--via",
                "local",
                "--dir",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("it is written for {written_for}")),
            "{}",
            stderr(&out)
        );
        assert!(!dir.exists(), "{exam} on {engine} left {}", dir.display());
    }
    // Debian ships no MongoDB, so there is no local image to run: said, and nothing left.
    let dir = temp.path().join("docker-local");
    let out = epreuve_en(
        temp.path(),
        &[
            "start",
            EXAM,
            "--candidate",
            "c01",
            "--via",
            "docker",
            "--images",
            "local",
            "--dir",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Debian ships no MongoDB"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.exists());
}

#[test]
fn the_candidate_connects_with_the_printed_string_from_pymongo_and_mongosh() {
    let temp = reachable_tempdir();
    let dir = local(temp.path(), "c01");
    for (lang, run) in [
        ("fr", epreuve as fn(&Path, &[&str]) -> std::process::Output),
        ("en", epreuve_en),
    ] {
        let status = stdout(&run(
            temp.path(),
            &["status", "--dir", dir.to_str().unwrap()],
        ));
        assert!(
            status.contains("mongosh 'mongodb://epreuve:"),
            "{lang}: {status}"
        );
        assert!(
            status.contains("pymongo.MongoClient(\""),
            "{lang}: {status}"
        );
        assert!(status.contains("Compass:"), "{lang}: {status}");
    }
    let status = stdout(&epreuve(
        temp.path(),
        &["status", "--dir", dir.to_str().unwrap()],
    ));
    // pymongo, with the string of the `pymongo:` line as it is printed.
    let python_line = printed(&status, "pymongo:");
    let uri = python_line
        .strip_prefix("pymongo.MongoClient(\"")
        .and_then(|l| l.strip_suffix("\")"))
        .expect("a string in MongoClient(\"…\")");
    let inserted = pymongo(
        uri,
        "print(db.essai.insert_one({'de': 'pymongo'}).acknowledged)",
    );
    assert_eq!(inserted.as_deref().map(str::trim), Ok("True"));
    // mongosh, with the command of the `client:` line.
    let mongosh_line = printed(&status, "client:");
    let uri = mongosh_line
        .strip_prefix("mongosh '")
        .and_then(|l| l.strip_suffix('\''))
        .expect("mongosh '…'");
    let mongosh = tools().join("mongosh/node_modules/.bin/mongosh");
    let out = Command::new(&mongosh)
        .args([
            "--quiet",
            uri,
            "--eval",
            "db.essai.insertOne({de: 'mongosh'}).acknowledged",
        ])
        .output()
        .expect("mongosh runs (scripts/servers installs it from npm)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "true");
    assert_eq!(
        pymongo(uri, "print(db.essai.count_documents({}))")
            .unwrap()
            .trim(),
        "2"
    );

    // The candidate's command graded: both documents' database is listed.
    std::fs::write(dir.join("answers/bases.json"), "show dbs\n").unwrap();
    let checked = epreuve(
        temp.path(),
        &["check", "--dir", dir.to_str().unwrap(), "--format", "json"],
    );
    let report = json(&checked);
    assert_eq!(
        check(&report, "instance.default_tables")["status"],
        "passed",
        "{report:#}"
    );

    // db down ends the server (nothing answers), db up brings it back with the documents.
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
    assert!(pymongo(uri, "db.command('ping')").is_err());
    let up = epreuve(temp.path(), &["db", "up", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&up), 0, "{}", stderr(&up));
    assert_eq!(
        pymongo(uri, "print(db.essai.count_documents({}))")
            .unwrap()
            .trim(),
        "2"
    );
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
}

/// A centre's MongoDB with authentication on and an administrator, as a centre runs one:
/// started without authentication long enough to make the administrator, then again with it.
struct CentreServer {
    child: std::process::Child,
    url: String,
    _data: tempfile::TempDir,
}

impl CentreServer {
    fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mongod = std::env::var_os("EPREUVE_MONGOD").expect("EPREUVE_MONGOD is set");
        let spawn = |auth: bool| {
            let mut command = Command::new(&mongod);
            command
                .arg("--dbpath")
                .arg(data.path())
                .args(["--port", &port.to_string(), "--bind_ip", "127.0.0.1"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            if auth {
                command.arg("--auth");
            }
            command.spawn().unwrap()
        };
        let open = format!("mongodb://127.0.0.1:{port}/admin");
        let mut first = spawn(false);
        wait_until(|| pymongo(&open, "db.command('ping')").is_ok());
        pymongo(
            &open,
            "db.command('createUser', 'centre', pwd='mot-de-passe-du-centre', roles=['root'])",
        )
        .unwrap();
        let _ = first.kill();
        let _ = first.wait();
        let child = spawn(true);
        let url = format!("mongodb://centre:mot-de-passe-du-centre@127.0.0.1:{port}/");
        let admin = format!("{url}admin");
        wait_until(|| pymongo(&admin, "db.command('ping')").is_ok());
        Self {
            child,
            url,
            _data: data,
        }
    }
}

impl Drop for CentreServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until(mut ready: impl FnMut() -> bool) {
    for _ in 0..120 {
        if ready() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!("the server did not answer within 30 s");
}

#[test]
fn on_a_centres_server_each_candidate_gets_a_database_the_others_cannot_reach() {
    let server = CentreServer::start();
    let temp = tempfile::tempdir().unwrap();
    let start = |candidate: &str| {
        let dir = temp.path().join(candidate);
        let out = epreuve(
            temp.path(),
            &[
                "start",
                EXAM,
                "--candidate",
                candidate,
                "--via",
                "url",
                "--url",
                &server.url,
                "--dir",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        let status = stdout(&epreuve(
            temp.path(),
            &["status", "--dir", dir.to_str().unwrap()],
        ));
        (dir, printed(&status, "Compass:"))
    };
    let (dir_a, uri_a) = start("c07");
    let (_dir_b, uri_b) = start("c08");
    assert!(uri_a.contains("/epreuve_c07?"), "{uri_a}");
    // The centre's password is in no file of the workspace.
    let state = std::fs::read_to_string(dir_a.join(".epreuve/state.json")).unwrap();
    assert!(!state.contains("mot-de-passe-du-centre"));
    pymongo(&uri_a, "db.essai.insert_one({'de': 'c07'})").unwrap();
    pymongo(&uri_b, "db.essai.insert_one({'de': 'c08'})").unwrap();
    // Each reaches their own database only, and both see the server's list of databases.
    assert!(pymongo(&uri_a, "client['epreuve_c08'].essai.find_one()").is_err());
    assert!(pymongo(&uri_b, "client['epreuve_c07'].essai.insert_one({'x': 1})").is_err());
    let listed = pymongo(&uri_a, "print(sorted(client.list_database_names()))").unwrap();
    assert!(listed.contains("epreuve_c07"), "{listed}");
    // The same candidate again on the same server is refused: the database exists.
    let again = epreuve(
        temp.path(),
        &[
            "start",
            EXAM,
            "--candidate",
            "c07",
            "--via",
            "url",
            "--url",
            &server.url,
            "--dir",
            temp.path().join("again").to_str().unwrap(),
        ],
    );
    assert_ne!(code(&again), 0);
    // db down --url drops c07's database and accounts, and nothing of c08's.
    let out = down(temp.path(), &dir_a, &["--url", &server.url]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let admin = format!("{}admin", server.url);
    let names = pymongo(&admin, "print(sorted(client.list_database_names()))").unwrap();
    assert!(!names.contains("epreuve_c07"), "{names}");
    assert!(names.contains("epreuve_c08"), "{names}");
    assert!(pymongo(&uri_a, "db.command('ping'); db.essai.find_one()").is_err());
    assert_eq!(
        pymongo(&uri_b, "print(db.essai.count_documents({}))")
            .unwrap()
            .trim(),
        "1"
    );
}

/// `start` of a local MongoDB interrupted with Ctrl-C at several points (before, during and
/// after the administrator is made, while the server restarts with authentication) leaves no
/// folder and no server process.
#[test]
fn ctrl_c_at_any_point_of_a_local_mongodb_start_leaves_nothing() {
    let cancelled = [100, 500, 1200, 2500, 5000]
        .into_iter()
        .filter(|&millis| {
            crate::servers::interrupt_start_after(
                EXAM,
                "mongodb",
                "local",
                std::time::Duration::from_millis(millis),
            )
        })
        .count();
    assert!(
        cancelled >= 3,
        "only {cancelled} of 5 starts were cancelled"
    );
}

/// A local MongoDB start killed outright (no cleanup) leaves its server, which the next start
/// in the folder ends; `db down` then leaves no process.
#[test]
fn a_local_mongodb_start_killed_outright_leaves_its_server_to_the_next_start() {
    crate::servers::killed_start_leaves_its_server_to_the_next(EXAM, "mongodb");
}

/// `submit` freezes a MongoDB database into the sealed bundle as canonical Extended JSON
/// (collections, validators, indexes, documents), through the driver; after the candidate
/// drops their collection, and after the server is stopped altogether, grading restores the
/// frozen copy into a throwaway server and grades what was submitted.
#[test]
fn a_mongodb_database_is_frozen_and_regraded_as_it_was_submitted() {
    let temp = reachable_tempdir();
    let (dir, uri) = reference_on_local(temp.path());
    let seal: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle(&dir).join("seal.json")).unwrap())
            .unwrap();
    assert!(
        seal["files"]["database.jsonl"].is_string(),
        "the frozen database is sealed: {seal:#}"
    );
    let frozen = std::fs::read_to_string(bundle(&dir).join("database.jsonl")).unwrap();
    assert!(frozen.contains(r#"{"collection":"essai""#), "{frozen}");
    assert!(frozen.contains(r#""message":"bonjour""#), "{frozen}");
    // Typed as the validator declares: a date, a decimal, an integer.
    assert!(
        frozen.contains(r#""date_vente":{"$date":"#),
        "{}",
        &frozen[..2000]
    );
    assert!(
        frozen.contains(r#""prix_unitaire":{"$numberDecimal":"#),
        "{}",
        &frozen[..2000]
    );
    // After submitting, the candidate drops two collections: the live database would lose
    // C1.9's points for the sales.
    pymongo(&uri, "db.essai.drop(); db.ventes.drop()").unwrap();
    let (report, status) = grade(&dir);
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(76.0)),
        "{report:#}"
    );
    assert!(
        report["notes"].to_string().contains("graded from the dump"),
        "{report:#}"
    );
    assert_eq!(report["integrity"].to_string(), "[]", "{report:#}");
    // The server stopped altogether: still graded as submitted.
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
    let (report, status) = grade(&dir);
    assert_eq!(
        (status, report["score"].as_f64()),
        (0, Some(76.0)),
        "{report:#}"
    );
    // A frozen copy changed after submission is named, and the score is provisional.
    let file = bundle(&dir).join("database.jsonl");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"{\"in\": \"essai\", \"document\": {\"x\": 1}}\n");
    std::fs::write(&file, bytes).unwrap();
    let (report, _) = grade(&dir);
    assert!(
        report["integrity"]
            .to_string()
            .contains("the dump of the database was changed"),
        "{report:#}"
    );
}

/// Hostile work costs only its own checks: a saved query that runs code is refused before the
/// server sees it (and the server keeps answering), an operator named with terminal controls
/// reaches no output raw, and a view named like an expected
/// collection, over the loaded documents kept under another name, earns nothing for that
/// collection; everything else keeps its points.
#[test]
fn code_in_a_saved_query_and_a_view_named_like_a_collection_cost_only_their_own_checks() {
    let temp = reachable_tempdir();
    let (dir, uri) = reference_on_local(temp.path());
    let head = dir.join("answers/apercu_ventes.json");
    let kept = std::fs::read_to_string(&head).unwrap();
    for hostile in [
        r#"{"find": "ventes", "filter": {"$where": "sleep(100000) || true"}, "limit": 10}"#,
        r#"{"aggregate": "ventes", "pipeline": [{"$limit": 10}, {"$out": "magasins"}]}"#,
    ] {
        std::fs::write(&head, hostile).unwrap();
        let out = epreuve_en(
            temp.path(),
            &["check", "--dir", dir.to_str().unwrap(), "--format", "json"],
        );
        let report = json(&out);
        for check in report["checks"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap();
            let wanted = if id == "ventes.head" {
                "failed"
            } else {
                "passed"
            };
            assert_eq!(check["status"], wanted, "{hostile}: {check:#}");
        }
        assert!(
            check(&report, "ventes.head")["message"]
                .as_str()
                .unwrap()
                .contains("only reads"),
            "{report:#}"
        );
    }
    // A server's error that quotes the candidate's operator: a screen clear, a title change, a
    // bell, a carriage return and a reversal of the text direction reach no output raw.
    std::fs::write(
        &head,
        r#"{"find": "ventes", "filter": {"$\u001b[2J\u001b]0;pris\u0007\r\u202ex": 1}}"#,
    )
    .unwrap();
    let table = epreuve_en(temp.path(), &["check", "--dir", dir.to_str().unwrap()]);
    let as_json = epreuve_en(
        temp.path(),
        &["check", "--dir", dir.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(
        check(&json(&as_json), "ventes.head")["status"],
        "failed",
        "{}",
        stdout(&as_json)
    );
    for (what, out) in [("table", &table), ("json", &as_json)] {
        let printed = format!("{}{}", stdout(out), stderr(out));
        for c in ['\u{1b}', '\u{7}', '\r', '\u{202e}', '\u{9b}'] {
            assert!(
                !printed.contains(c),
                "{what}: {c:?} reached the terminal:\n{printed}"
            );
        }
    }
    // Shown, not obeyed: the server quotes the operator, epreuve spells its characters out.
    assert!(stdout(&table).contains("\\u{202e}"), "{}", stdout(&table));
    std::fs::write(&head, kept).unwrap();
    pymongo(
        &uri,
        "db.ventes_vraies.insert_many(list(db.ventes.find()))\ndb.ventes.drop()\ndb.create_collection('ventes', viewOn='ventes_vraies', pipeline=[])",
    )
    .unwrap();
    let out = epreuve_en(
        temp.path(),
        &["check", "--dir", dir.to_str().unwrap(), "--format", "json"],
    );
    let report = json(&out);
    // The magasins collection was not overwritten by the refused $out.
    assert_eq!(check(&report, "magasins.row_count")["status"], "passed");
    for check in report["checks"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        // The index of the search by product is asked of `ventes` too, and so are the
        // measurements of that search, set against epreuve's timing of it.
        if id.starts_with("ventes.") || id == "index" || id == "mesures" {
            assert_eq!(check["status"], "failed", "{check:#}");
            assert!(
                check["message"]
                    .as_str()
                    .unwrap()
                    .contains("is a view, not a table"),
                "{check:#}"
            );
        } else {
            assert_eq!(check["status"], "passed", "{check:#}");
        }
    }
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
}

/// A candidate's own tools load the data and are graded: pandas reads the csv, the workbook and
/// the json of their seed, pymongo creates each collection with a validator and inserts
/// `to_dict("records")` (`tests/e2e/candidates/mongo_pandas.py`). Done with care, every point;
/// done in a hurry (the sale date left as text, empty cells inserted as NaN), the types of the
/// sales are not their source's.
#[test]
fn a_pandas_and_pymongo_load_is_graded() {
    for (naive, candidate) in [(false, "c05"), (true, "c06")] {
        let temp = reachable_tempdir();
        let dir = local(temp.path(), candidate);
        pandas_candidate(temp.path(), &dir, &dir.join("data"), naive);
        let (report, _) = grade(&dir);
        if naive {
            assert!(report["score"].as_f64().unwrap() < 76.0, "{report:#}");
            assert_eq!(
                check(&report, "ventes.type_family")["status"],
                "failed",
                "{report:#}"
            );
            assert_eq!(check(&report, "magasins.type_family")["status"], "passed");
        } else {
            assert_eq!(report["score"], 76.0, "{report:#}");
        }
        assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
    }
}

/// A candidate who loads the sales in mongosh alone (`tests/e2e/candidates/mongosh_ventes.js`:
/// Node's fs reads the CSV, `insertMany` of typed documents into a collection with a
/// validator whose strings' maxLength is their longest value, an index on `sku`), and leaves
/// the other sources aside, gets exactly what that work is worth: C1.6 (1), every check of
/// `ventes` (columns 1, count 2, head 1, values 2, types 2, sizes 2, text lengths 1) and the
/// index (2), 14 points; the three collections never made have none.
#[test]
fn a_mongosh_insert_many_of_the_sales_is_graded() {
    let temp = reachable_tempdir();
    let dir = local(temp.path(), "c07");
    let status = stdout(&epreuve(
        temp.path(),
        &["status", "--dir", dir.to_str().unwrap()],
    ));
    let uri = printed(&status, "client:");
    let uri = uri
        .strip_prefix("mongosh '")
        .and_then(|l| l.strip_suffix('\''))
        .expect("mongosh '…'");
    let out = Command::new(tools().join("mongosh/node_modules/.bin/mongosh"))
        .args(["--quiet", uri, "--file"])
        .arg(repo().join("tests/e2e/candidates/mongosh_ventes.js"))
        .env("DATA", dir.join("data"))
        .env("ANSWERS", dir.join("answers"))
        .output()
        .expect("mongosh runs (scripts/servers installs it from npm)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let (report, _) = grade(&dir);
    for passed in [
        "instance.default_tables",
        "ventes.columns",
        "ventes.row_count",
        "ventes.head",
        "ventes.values",
        "ventes.type_family",
        "ventes.size",
        "ventes.text_length",
        "index",
    ] {
        assert_eq!(
            check(&report, passed)["status"],
            "passed",
            "{passed}: {report:#}"
        );
    }
    assert_eq!(check(&report, "magasins.row_count")["status"], "failed");
    assert_eq!(report["score"], 14.0, "{report:#}");
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
}

/// Hostile data in the collections themselves, submitted: fields named with `$`, with a dot and
/// with terminal controls, a comment of 15 MB (past its validator's `maxLength`, validation
/// bypassed), and documents of `objectifs` rewritten behind
/// their validator (validation bypassed: the validator still declares `objectif_ca` a decimal,
/// the documents hold text). Each costs its own check and no more, graded live and again from
/// the frozen copy once the server is gone; the outputs stay small, valid JSON and inert.
#[test]
fn hostile_documents_cost_only_their_own_checks_live_and_from_the_frozen_copy() {
    let temp = reachable_tempdir();
    let (dir, uri) = reference_on_local(temp.path());
    pymongo(
        &uri,
        r#"
first = db.ventes.find_one(sort=[("id_vente", 1)])
db.ventes.update_one({"_id": first["_id"]}, {"$set": {"commentaire": "x" * (15 * 1024 * 1024)}}, bypass_document_validation=True)
second = db.ventes.find_one(sort=[("id_vente", 1)], skip=1)
db.ventes.delete_one({"_id": second["_id"]})
second["$prix"] = 1
second["a.b"] = 2
second["\x1b[31mrouge\x07"] = "\x1b]0;titre\x07\u202e"
db.ventes.insert_one(second)
for document in db.objectifs.find({"objectif_ca": {"$exists": True}}):
    document["objectif_ca"] = str(document["objectif_ca"])
    db.objectifs.replace_one({"_id": document["_id"]}, document, bypass_document_validation=True)
"#,
    )
    .unwrap();
    let submitted = epreuve(temp.path(), &["submit", "--dir", dir.to_str().unwrap()]);
    assert_eq!(code(&submitted), 0, "{}", stderr(&submitted));
    let judged = |report: &serde_json::Value, how: &str| {
        for check in report["checks"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap();
            match id {
                // One field of four in text: 2 × 3/4.
                "objectifs.type_family" => {
                    assert_eq!(check["status"], "failed", "{how}: {check:#}");
                    assert_eq!(check["score"], 1.5, "{how}: {check:#}");
                }
                // One document of 6,000 spoiled by its comment.
                "ventes.values" => {
                    assert_eq!(check["status"], "failed", "{how}: {check:#}");
                    let points = check["score"].as_f64().unwrap();
                    assert!(
                        (points - 2.0 * 5999.0 / 6000.0).abs() < 1e-3,
                        "{how}: {check:#}"
                    );
                }
                _ => assert_eq!(check["status"], "passed", "{how}: {check:#}"),
            }
        }
    };
    let inert = |out: &std::process::Output, how: &str| {
        let printed = format!("{}{}", stdout(out), stderr(out));
        assert!(printed.len() < 200_000, "{how}: {} bytes", printed.len());
        for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!printed.contains(c), "{how}: {c:?} printed raw");
        }
    };
    let out = epreuve(
        temp.path(),
        &["grade", dir.to_str().unwrap(), "--format", "json"],
    );
    inert(&out, "live");
    judged(&json(&out), "live");
    for lang in ["fr", "en"] {
        let table = epreuve(
            temp.path(),
            &["grade", dir.to_str().unwrap(), "--lang", lang],
        );
        inert(&table, lang);
    }
    // The server gone, the frozen copy is restored and graded alike.
    assert_eq!(code(&down(temp.path(), &dir, &[])), 0);
    let out = epreuve(
        temp.path(),
        &["grade", dir.to_str().unwrap(), "--format", "json"],
    );
    inert(&out, "from the frozen copy");
    let report = json(&out);
    assert!(
        report["notes"].to_string().contains("graded from the dump"),
        "{report:#}"
    );
    judged(&report, "from the frozen copy");
}

/// A class on MongoDB, on one centre's server (`class prepare --via url`): A1 loads their own
/// files with pandas and pymongo (`candidates/mongo_pandas.py`), B2 runs the same script on
/// A1's files, C3 does nothing. `class grade` gives A1 every point and C3 none, the data names
/// B2's collections as holding A1's rows, and every export (CSV, JSON, Gradescope, HTML)
/// carries the class.
#[test]
fn a_mongodb_class_is_prepared_graded_and_exported_and_copied_data_is_named() {
    let server = CentreServer::start();
    let temp = reachable_tempdir();
    let cwd = temp.path();
    std::fs::write(
        cwd.join("roster.csv"),
        "id,name,email\nA1,Ana,\nB2,Bob,\nC3,Chloé,\n",
    )
    .unwrap();
    let out = epreuve(
        cwd,
        &[
            "class",
            "prepare",
            "roster.csv",
            "--exam",
            EXAM,
            "--dir",
            "class",
            "--via",
            "url",
            "--url",
            &server.url,
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(json(&out)["made"], serde_json::json!(["A1", "B2", "C3"]));
    for (id, data_of) in [("A1", "A1"), ("B2", "A1")] {
        let workspaces = cwd.join("class/workspaces");
        pandas_candidate(
            cwd,
            &workspaces.join(id),
            &workspaces.join(data_of).join("data"),
            false,
        );
    }
    let out = epreuve(
        cwd,
        &["class", "grade", "--dir", "class", "--format", "json"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["graded"], 3);

    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "json"],
    );
    let report = json(&out);
    let score = |id: &str| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["member"]["id"] == id)
            .map(|r| r["report"]["score"].clone())
            .unwrap_or_else(|| panic!("{id} in {report:#}"))
    };
    assert_eq!(score("A1"), 76.0, "{report:#}");
    assert_eq!(score("C3"), 0.0, "{report:#}");
    assert!(score("B2").as_f64().unwrap() < 76.0, "{report:#}");
    let copied = report["copied_rows"].as_array().unwrap();
    assert!(
        copied
            .iter()
            .any(|c| c["candidate"] == "B2" && c["from"]["id"] == "A1" && c["table"] == "ventes"),
        "{copied:#?}"
    );
    assert!(
        copied.iter().all(|c| c["candidate"] == "B2"),
        "only B2 holds another's data: {copied:#?}"
    );

    let out = epreuve(
        cwd,
        &["class", "report", "--dir", "class", "--format", "csv"],
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("id,name,email,total,C1.6,C1.7,C1.8,C1.9,C1.10,C2.1,C2.3"),
        "{text}"
    );
    assert!(text.contains("\nA1,Ana,,76"), "{text}");
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
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("gs/A1/results.json")).unwrap()).unwrap();
    assert_eq!(results["score"], 76.0);
    let out = epreuve(
        cwd,
        &[
            "class", "report", "--dir", "class", "--format", "html", "--out", "pages",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let index = std::fs::read_to_string(cwd.join("pages/index.html")).unwrap();
    assert!(
        index.contains("<a href=\"candidates/B2.html\">B2</a>"),
        "{index}"
    );
    assert!(cwd.join("pages/candidates/A1.html").is_file());
    let out = epreuve(
        cwd,
        &["class", "status", "--dir", "class", "--format", "json"],
    );
    assert!(
        json(&out)
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["database_answers"] == true),
        "{}",
        stdout(&out)
    );
}
