//! The `local` route for MongoDB, against a real server: `EPREUVE_MONGOD` when set, else
//! SecantusDB through `scripts/mongod-secantus` (installed by `scripts/servers`). The server
//! starts in the workspace, answers with authentication on, holds the three accounts with
//! their rights, stops with `down`, comes back with `up`, and a server left by a killed start
//! is ended.

use std::path::{Path, PathBuf};
use std::process::Command;

use epreuve_db::{Engine, MongoDb};
use epreuve_provision::{Cancel, DatabaseLocation, ImageSource, Request, Route};

fn python() -> PathBuf {
    let tools = std::env::var_os("EPREUVE_TOOLS").map_or_else(
        || PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/epreuve-tools"),
        PathBuf::from,
    );
    tools.join("secantus-0.7/bin/python")
}

/// Whether the account at `uri` may run `code` (Python, with `client` and its default
/// database `db`) through pymongo, the driver candidates use.
fn allowed(uri: &str, code: &str) -> bool {
    let script = format!(
        "import os, pymongo\nclient = pymongo.MongoClient(os.environ['URI'], directConnection=True, serverSelectionTimeoutMS=5000)\ndb = client.get_default_database()\n{code}\n"
    );
    let out = Command::new(python())
        .env("URI", uri)
        .args(["-c", &script])
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "refused: {code}\n{}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    out.status.success()
}

/// Whether the account at `uri` may write a document into `collection` of its database.
fn writes(uri: &str, collection: &str) -> bool {
    allowed(uri, &format!("db.{collection}.insert_one({{'x': 1}})"))
}

#[test]
fn a_local_mongodb_starts_with_three_accounts_stops_and_comes_back() {
    // EPREUVE_MONGOD: the workspace's .cargo/config.toml names SecantusDB's launcher unless
    // the environment names a real mongod.
    assert!(std::env::var_os("EPREUVE_MONGOD").is_some());
    let workspace = tempfile::tempdir().unwrap();
    let root = workspace.path();
    let request = Request {
        engine: Engine::MongoDb,
        route: Route::Local,
        candidate: "c01".into(),
        images: ImageSource::Official,
        url: None,
        port: None,
        cancel: Cancel::new(),
    };
    let location = epreuve_provision::provision(root, &request).unwrap();
    let DatabaseLocation::Local {
        address,
        grader: Some(grader),
        admin: Some(admin),
        ..
    } = &location
    else {
        panic!("{location:?}");
    };
    assert_eq!(address.engine, Engine::MongoDb);
    assert!(
        address.url().starts_with("mongodb://epreuve:"),
        "{}",
        address.redacted()
    );
    // The candidate writes their own database; the grading account reads it only; nobody
    // logs in without a password.
    assert!(writes(&address.url(), "ventes"));
    assert!(
        !writes(&grader.url(), "ventes"),
        "the grading account wrote"
    );
    let anonymous = format!("mongodb://127.0.0.1:{}/epreuve", address.port);
    assert!(
        !writes(&anonymous, "ventes"),
        "a client without a password wrote"
    );
    // The candidate administers their own collections (indexes, validators) and lists the
    // server's databases; they reach no other database and make no account.
    let cand = address.url();
    assert!(allowed(&cand, "db.ventes.create_index('x')"));
    assert!(allowed(
        &cand,
        "db.command('collMod', 'ventes', validator={'$jsonSchema': {'bsonType': 'object'}})"
    ));
    assert!(allowed(
        &cand,
        "assert db.name in client.list_database_names(), client.list_database_names()"
    ));
    assert!(allowed(
        &admin.url(),
        "client['autre'].t.insert_one({'secret': 1})"
    ));
    for refused in [
        "client['autre'].t.insert_one({'x': 1})",
        "assert client['autre'].t.find_one() is not None",
        "db.command('createUser', 'intrus', pwd='x', roles=[])",
        "client.admin.command('createUser', 'intrus', pwd='x', roles=['root'])",
        "db.command('grantRolesToUser', 'epreuve', roles=[{'role': 'root', 'db': 'admin'}])",
        "client.admin.command('dropUser', 'epreuve_grader')",
    ] {
        assert!(!allowed(&cand, refused), "the candidate could: {refused}");
    }
    // The grading account reads the candidate's database and nothing else.
    assert!(allowed(
        &grader.url(),
        "assert db.ventes.find_one() is not None"
    ));
    for refused in [
        "assert client['autre'].t.find_one() is not None",
        "db.ventes.create_index('y')",
        "db.ventes.delete_many({})",
    ] {
        assert!(
            !allowed(&grader.url(), refused),
            "the grader could: {refused}"
        );
    }
    let graded = epreuve_provision::open(root, &location).unwrap();
    assert_eq!(graded.engine(), Engine::MongoDb);
    assert_eq!(graded.row_count("ventes").unwrap(), 1);
    assert!(MongoDb::connect(admin).is_ok());
    // No password of the centre's in the workspace's files.
    let files = walk(root);
    for file in &files {
        let text = std::fs::read(file).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        assert!(!text.contains(&admin.password), "{}", file.display());
    }
    drop(graded);

    // Down: the server ends, its files stay; up: it answers again with the same documents.
    epreuve_provision::down(root, &location, None).unwrap();
    assert!(epreuve_provision::answers(root, &location).is_err());
    epreuve_provision::up(root, &location, &Cancel::new()).unwrap();
    assert_eq!(
        epreuve_provision::open(root, &location)
            .unwrap()
            .row_count("ventes")
            .unwrap(),
        1
    );
    // A start killed outright leaves its server running; the next one ends it.
    epreuve_provision::end_leftover(root);
    assert!(epreuve_provision::answers(root, &location).is_err());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            // The server's own data is not epreuve's writing.
            if path.file_name().is_some_and(|n| n == "data") {
                continue;
            }
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
