//! A class of `bloc1-chargement` prepared and graded on DuckDB as it grows: `epreuve class
//! prepare` from a roster, every candidate then loading the reference solution and submitting
//! (not timed), `epreuve class grade` of the whole class; time and peak memory of each command
//! from GNU time (`/usr/bin/time`, Debian's `time` package).
//!
//! Run it with the release profile: `cargo bench -p epreuve --bench class`.
//! `EPREUVE_BENCH_CLASS_SIZES` (`10,30,100`) sets the class sizes.
//! `EPREUVE_BENCH_CLASS_URL=postgres` puts every candidate on one local PostgreSQL server
//! through the `url` route (one database and two roles each), as a centre does with its own
//! server; the server is started for the bench and stopped after it.

mod support;

use support::manifest_dir;

use std::path::{Path, PathBuf};
use std::process::Command;

use epreuve_exam::Catalogue;
use epreuve_grade::{Truth, apply_solution};
use epreuve_session::Workspace;

const EXAM: &str = "bloc1-chargement";

fn main() {
    let sizes: Vec<usize> = std::env::var("EPREUVE_BENCH_CLASS_SIZES")
        .unwrap_or_else(|_| "10,30,100".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    assert!(
        Path::new("/usr/bin/time").exists(),
        "/usr/bin/time is missing: apt-get install time"
    );
    let repo = manifest_dir().join("../..");
    let catalogue = Catalogue::open(&repo).expect("the catalogue");
    let exam = catalogue.exam(EXAM).expect("the exam");
    let grader = exam.grader().expect("its grader");
    let (solution, solution_dir) = exam.solution("reference").expect("the reference");
    let server_root = tempfile::tempdir().expect("temporary folder");
    let server = std::env::var("EPREUVE_BENCH_CLASS_URL")
        .ok()
        .filter(|v| v == "postgres")
        .map(|_| Server::start(&exam, server_root.path()));
    let database_args: Vec<String> = match &server {
        Some(server) => vec![
            "--engine".into(),
            "postgres".into(),
            "--via".into(),
            "url".into(),
            "--url".into(),
            server.admin.clone(),
        ],
        None => Vec::new(),
    };
    println!("| candidates | class prepare | peak | class grade | peak | grade per candidate |");
    println!("|---|---|---|---|---|---|");
    for size in sizes {
        let temp = tempfile::tempdir().expect("temporary folder");
        let roster = temp.path().join("roster.csv");
        let mut text = String::from("id,name\n");
        for i in 0..size {
            text.push_str(&format!("c{i:03},Candidate {i}\n"));
        }
        std::fs::write(&roster, text).expect("roster written");
        let class = temp.path().join("class");
        let prepared = timed(
            temp.path(),
            &[
                "class",
                "prepare",
                roster.to_str().expect("utf-8"),
                "--exam",
                EXAM,
                "--dir",
                class.to_str().expect("utf-8"),
                "--quiet",
            ]
            .into_iter()
            .chain(database_args.iter().map(String::as_str))
            .collect::<Vec<_>>(),
            &repo,
        );
        for i in 0..size {
            let dir = class.join("workspaces").join(format!("c{i:03}"));
            let mut workspace = Workspace::open(&dir).expect("workspace");
            let truth = Truth::compute(&exam, &grader, &dir.join("data")).expect("truth");
            {
                let db = workspace.open_database_writable().expect("database");
                apply_solution(
                    "reference",
                    &solution,
                    &solution_dir,
                    &grader,
                    &truth,
                    db.as_ref(),
                    &workspace.answers_dir(),
                )
                .expect("solution applied");
            }
            workspace.submit(chrono::Utc::now()).expect("submitted");
        }
        let graded = timed(
            temp.path(),
            &[
                "class",
                "grade",
                "--dir",
                class.to_str().expect("utf-8"),
                "--quiet",
            ],
            &repo,
        );
        println!(
            "| {size} | {:.2} s | {:.0} MiB | {:.2} s | {:.0} MiB | {:.3} s |",
            prepared.0,
            prepared.1,
            graded.0,
            graded.1,
            graded.0 / size as f64
        );
        if let Some(server) = &server {
            server.drop_class(&class);
        }
    }
}

/// A local PostgreSQL server a centre would own, for the `url` route.
struct Server {
    root: PathBuf,
    location: epreuve_session::DatabaseLocation,
    admin: String,
}

impl Server {
    fn start(exam: &epreuve_exam::Exam, dir: &Path) -> Self {
        let root = dir.join("server");
        let centre = epreuve_session::Centre::new(Some(dir.join("centre")));
        let options = epreuve_session::StartOptions {
            engine: epreuve_results::Engine::Postgres,
            route: epreuve_provision::Route::Local,
            centre: centre.clone(),
            ..epreuve_session::StartOptions::embedded("server", chrono::Utc::now())
        };
        let workspace = Workspace::start(exam, &root, &options).expect("a local PostgreSQL");
        let record = centre
            .find(&workspace)
            .expect("the centre's record")
            .expect("a record");
        let admin = record.database.admin().expect("the administrator").url();
        Self {
            root,
            location: record.database,
            admin,
        }
    }

    /// Drops every candidate's database and roles.
    fn drop_class(&self, class: &Path) {
        let centre = epreuve_session::Centre::new(Some(class.join("centre")));
        for entry in std::fs::read_dir(class.join("workspaces"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(workspace) = Workspace::open(&entry.path())
                && let Ok(Some(record)) = centre.find(&workspace)
            {
                let _ =
                    epreuve_provision::down(workspace.root(), &record.database, Some(&self.admin));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = epreuve_provision::down(&self.root, &self.location, None);
    }
}

/// `epreuve <args>` under GNU time: seconds and MiB.
fn timed(cwd: &Path, args: &[&str], catalogue: &Path) -> (f64, f64) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
    command
        .args(args)
        .arg("--catalogue")
        .arg(catalogue)
        .current_dir(cwd);
    let (output, seconds, mib) = support::measured(&command);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (seconds, mib)
}
