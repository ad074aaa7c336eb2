//! MongoDB read as grading reads it, against a real server that speaks MongoDB's wire
//! protocol: `mongod` when `EPREUVE_MONGOD` names it (or the official image's), SecantusDB
//! through `scripts/mongod-secantus` otherwise (`scripts/servers` installs it).
//!
//! The candidate loads their documents with their own tool (pymongo, from a pandas frame's
//! `to_dict("records")`), on their own account; grading reads them on the grading account:
//! collections and views, BSON types as families, a validator's lengths, exact counts, values
//! as text, indexes and a plan that uses one, and the candidate's saved queries, refused when
//! they write or run code, stopped when they do not end.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use epreuve_data::TypeFamily;
use epreuve_db::{
    AccountNames, Administration, Backend, DbError, Engine, MongoDb, Query, ServerAddress,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The server program: `EPREUVE_MONGOD`, or SecantusDB through its mongod-compatible script.
fn mongod() -> PathBuf {
    std::env::var_os("EPREUVE_MONGOD")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("scripts/mongod-secantus"))
}

/// The Python with pymongo and pandas that `scripts/servers` installs.
fn python() -> PathBuf {
    let tools = std::env::var_os("EPREUVE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/epreuve-tools")
        });
    let python = tools.join("secantus-0.7/bin/python");
    assert!(
        python.is_file(),
        "these tests need pymongo and pandas: run scripts/servers ({} is missing)",
        python.display()
    );
    python
}

/// The cells of column `name` of a result, as text (NULL as the empty string).
fn cells(columns: &[epreuve_data::TextColumn], name: &str) -> Vec<String> {
    let (_, values) = columns.iter().find(|(n, _)| n == name).unwrap();
    values
        .iter()
        .map(|v| v.clone().unwrap_or_default())
        .collect()
}

/// A server of the test's own, stopped when the test ends, however it ends.
struct Server {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(data: &Path, port: u16, auth: bool) -> Child {
    let mut command = Command::new(mongod());
    command
        .arg("--dbpath")
        .arg(data)
        .args(["--port", &port.to_string(), "--bind_ip", "127.0.0.1"])
        .args(["--setParameter", "javascriptEnabled=false"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if auth {
        command.arg("--auth");
    }
    command.spawn().expect("the MongoDB server starts")
}

fn address(port: u16, user: &str, password: &str, database: &str) -> ServerAddress {
    ServerAddress {
        engine: Engine::MongoDb,
        host: "127.0.0.1".into(),
        port,
        user: user.into(),
        password: password.into(),
        database: database.into(),
    }
}

/// Waits until the server answers a ping without logging in.
fn ready(port: u16) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no server on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A server with an administrator, then restarted with authentication on, and the two
/// accounts of database `epreuve` made by that administrator.
fn server() -> (Server, ServerAddress, ServerAddress) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut first = spawn(&data, port, false);
    ready(port);
    let out = Command::new(python())
        .args([
            "-c",
            &format!(
                "import pymongo; c = pymongo.MongoClient('mongodb://127.0.0.1:{port}/', directConnection=True); \
                 c.admin.command('createUser', 'root', pwd='rootpw', roles=['root'])"
            ),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = first.kill();
    let _ = first.wait();
    // The port is free again once the first server is gone.
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(100));
    }
    let child = spawn(&data, port, true);
    ready(port);
    let server = Server { child, _dir: dir };
    let admin = MongoDb::connect(&address(port, "root", "rootpw", "admin")).unwrap();
    let names = AccountNames {
        database: "epreuve".into(),
        candidate: "epreuve".into(),
        grader: "epreuve_correcteur".into(),
    };
    admin
        .create_accounts(&names, "candidatepw", "graderpw")
        .unwrap();
    (
        server,
        address(port, "epreuve", "candidatepw", "epreuve"),
        address(port, "epreuve_correcteur", "graderpw", "epreuve"),
    )
}

/// Runs a candidate's Python script with `uri` as the candidate's connection string.
fn candidate_python(uri: &str, script: &str) {
    let out = Command::new(python())
        .env("URI", uri)
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const LOAD: &str = r#"
import os, io, decimal
import pandas as pd, pymongo
from bson.decimal128 import Decimal128
db = pymongo.MongoClient(os.environ["URI"], directConnection=True).get_default_database()
csv = "id_vente;date_vente;montant_ttc;code_postal;payee\nV1;2024-03-01;19.90;01200;oui\nV2;2024-03-02;5.00;75001;non\nV3;2024-03-02;120.50;13008;oui\n"
frame = pd.read_csv(io.StringIO(csv), sep=";", dtype={"code_postal": str}, parse_dates=["date_vente"])
records = frame.to_dict("records")
for r in records:
    r["montant_ttc"] = Decimal128(decimal.Decimal(str(r["montant_ttc"])).quantize(decimal.Decimal("0.01")))
    r["payee"] = r["payee"] == "oui"
    r["date_vente"] = r["date_vente"].to_pydatetime()
db.ventes.insert_many(records)
db.ventes.create_index("code_postal")
db.create_collection("produits", validator={"$jsonSchema": {"bsonType": "object", "properties": {
    "sku": {"bsonType": "string", "maxLength": 12}, "poids_g": {"bsonType": "int"}}}})
db.produits.insert_many([{"sku": "A-1", "poids_g": 250, "note": 4}, {"sku": "B-2", "poids_g": 300, "note": "bien"}])
db.command("create", "ventes_vue", viewOn="ventes", pipeline=[])
"#;

#[test]
fn a_candidates_documents_are_read_as_tables_of_typed_fields() {
    let (server, candidate, grader) = server();
    candidate_python(&candidate.url(), LOAD);
    let db = MongoDb::connect(&grader).unwrap();
    assert_eq!(db.engine(), Engine::MongoDb);
    assert!(!db.describe().contains("graderpw"), "{}", db.describe());

    // Collections and the view, which holds no documents of its own.
    let tables = db.tables().unwrap();
    let names: Vec<(&str, bool)> = tables.iter().map(|t| (t.name.as_str(), t.view)).collect();
    assert_eq!(
        names,
        [("produits", false), ("ventes", false), ("ventes_vue", true)]
    );

    // Asked for by name, as grading asks: whole names, case aside, punctuation literal (the
    // pattern `ventes_vu.` would match the view).
    let wanted = ["VENTES_VUE", "produits", "ventes_vu.", "absente"].map(String::from);
    let named = db.relations_named(&wanted).unwrap();
    let names: Vec<(&str, bool)> = named.iter().map(|t| (t.name.as_str(), t.view)).collect();
    assert_eq!(names, [("produits", false), ("ventes_vue", true)]);

    // Fields in the order written, each with the family of its BSON type; a field of two
    // types has none; the validator's maxLength is the string's length.
    let columns = db.columns("VENTES").unwrap();
    let families: Vec<(&str, Option<TypeFamily>)> = columns
        .iter()
        .map(|c| (c.name.as_str(), c.declared.family))
        .collect();
    assert_eq!(
        families,
        [
            ("id_vente", Some(TypeFamily::Text)),
            ("date_vente", Some(TypeFamily::Date)),
            ("montant_ttc", Some(TypeFamily::Decimal)),
            ("code_postal", Some(TypeFamily::Text)),
            ("payee", Some(TypeFamily::Boolean)),
        ]
    );
    assert!(!columns[2].declared.is_float, "Decimal128, not a double");
    let produits = db.columns("produits").unwrap();
    assert_eq!(produits[0].declared.text_length, Some(12));
    assert_eq!(produits[1].declared.family, Some(TypeFamily::Integer));
    assert_eq!(produits[2].declared.family, None, "{:?}", produits[2]);
    assert_eq!(produits[2].declared.raw, "int|string");

    // Exact counts and values as the SQL engines write them.
    assert_eq!(db.row_count("ventes").unwrap(), 3);
    let text = db.table_text("ventes", 2).unwrap();
    assert!(text.truncated);
    let first: Vec<String> = [
        "id_vente",
        "date_vente",
        "montant_ttc",
        "code_postal",
        "payee",
    ]
    .iter()
    .map(|name| cells(&text.columns, name)[0].clone())
    .collect();
    assert_eq!(first, ["V1", "2024-03-01", "19.90", "01200", "true"]);

    // The index the candidate made, and a plan that scans it.
    let indexes = db.indexes("ventes").unwrap();
    assert!(
        indexes.iter().any(|i| i.columns == ["code_postal"]),
        "{indexes:?}"
    );
    let plan = db
        .explain(Query::Document(
            r#"{"find": "ventes", "filter": {"code_postal": "75001"}}"#,
        ))
        .unwrap();
    assert!(plan.contains("IXSCAN"), "{plan}");
    drop(server);
}

#[test]
fn saved_queries_read_and_never_write_or_run_code() {
    let (server, candidate, grader) = server();
    candidate_python(&candidate.url(), LOAD);
    let db = MongoDb::connect(&grader).unwrap();

    // A find with a filter, a projection, a sort and a limit; an aggregate with a group.
    let found = db
        .candidate_query(Query::Document(r#"{"find": "ventes", "filter": {"montant_ttc": {"$gte": {"$numberDecimal": "10"}}},
                "projection": {"_id": 0, "id_vente": 1, "montant_ttc": 1}, "sort": {"montant_ttc": -1}}"#),
            100,
        )
        .unwrap();
    assert_eq!(found.rows(), 2);
    let ids: Vec<String> = cells(&found.columns, "id_vente");
    assert_eq!(ids, ["V3", "V1"]);
    let grouped = db
        .candidate_query(Query::Document(r#"{"aggregate": "ventes", "pipeline": [{"$group": {"_id": "$payee", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]}"#),
            100,
        )
        .unwrap();
    let counts: Vec<String> = cells(&grouped.columns, "n");
    assert_eq!(counts, ["1", "2"]);
    // The cap holds while documents stream.
    let capped = db
        .candidate_query(Query::Document(r#"{"find": "ventes"}"#), 1)
        .unwrap();
    assert!(capped.truncated && capped.rows() == 1);
    // The databases the account may see: the candidate's own among them.
    let listed = db
        .candidate_query(Query::Document(r#"{"listDatabases": 1}"#), 100)
        .unwrap();
    let names: Vec<String> = cells(&listed.columns, "name");
    assert!(names.iter().any(|n| n == "epreuve"), "{names:?}");

    // What writes or runs code never reaches the server, and the collection is unchanged.
    for text in [
        r#"{"aggregate": "ventes", "pipeline": [{"$out": "produits"}]}"#,
        r#"{"aggregate": "ventes", "pipeline": [{"$merge": {"into": "ventes"}}]}"#,
        r#"{"find": "ventes", "filter": {"$where": "while(true){}"}}"#,
        r#"{"aggregate": "ventes", "pipeline": [{"$addFields": {"x": {"$function": {"body": "function(){return 1}", "args": [], "lang": "js"}}}}]}"#,
        r#"{"aggregate": "ventes", "pipeline": [{"$group": {"_id": null, "x": {"$accumulator": {}}}}]}"#,
    ] {
        let refused = db.candidate_query(Query::Document(text), 100).unwrap_err();
        assert!(
            matches!(refused, DbError::Query { .. }),
            "{text}: {refused:?}"
        );
        assert!(refused.to_string().contains("only reads"), "{refused}");
    }
    assert_eq!(db.row_count("produits").unwrap(), 2);
    // A query the server refuses is the candidate's error, in the server's words.
    let wrong = db
        .candidate_query(
            Query::Document(r#"{"aggregate": "ventes", "pipeline": [{"$nosuchstage": {}}]}"#),
            100,
        )
        .unwrap_err();
    assert!(matches!(wrong, DbError::Query { .. }), "{wrong:?}");

    // The grading account reads; it cannot write, and neither can a saved query through it.
    let out = Command::new(python())
        .env("URI", grader.url())
        .args([
            "-c",
            "import os, pymongo; db = pymongo.MongoClient(os.environ['URI'], directConnection=True).get_default_database(); db.ventes.insert_one({'x': 1})",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the grading account wrote");
    assert_eq!(db.row_count("ventes").unwrap(), 3);

    // A query without end is stopped at the deadline, by the server or by epreuve.
    candidate_python(
        &candidate.url(),
        "import os, pymongo\ndb = pymongo.MongoClient(os.environ['URI'], directConnection=True).get_default_database()\ndb.nombres.insert_many([{'i': i} for i in range(2000)])",
    );
    let db = db.with_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let endless = db
        .candidate_query(Query::Document(r#"{"aggregate": "nombres", "pipeline": [
                {"$lookup": {"from": "nombres", "pipeline": [{"$lookup": {"from": "nombres", "pipeline": [], "as": "c"}}], "as": "b"}},
                {"$unwind": "$b"}, {"$unwind": "$b.c"}, {"$count": "n"}]}"#),
            100,
        )
        .unwrap_err();
    assert!(matches!(endless, DbError::Timeout { .. }), "{endless:?}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    drop(server);
}
