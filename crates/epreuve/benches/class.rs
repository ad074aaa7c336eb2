//! A class of `bloc1-chargement` prepared and graded on DuckDB as it grows: `epreuve class
//! prepare` from a roster, every candidate then loading the reference solution and submitting
//! (not timed), `epreuve class grade` of the whole class; time and peak memory of each command
//! from GNU time (`/usr/bin/time`, Debian's `time` package).
//!
//! Run it with the release profile: `cargo bench -p epreuve --bench class`.
//! `EPREUVE_BENCH_CLASS_SIZES` (`10,30,100`) sets the class sizes.

mod support;

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
            ],
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

/// The package's folder, asked of cargo when the bench runs.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
