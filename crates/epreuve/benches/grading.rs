//! Grading a `bloc1-chargement` submission as its sales grow, against a pandas + SQLAlchemy
//! script doing the same checks on the same workspace (`benches/grading/pandas_checks.py`),
//! side by side in one run.
//!
//! For each size, a copy of the catalogue generates that many sales lines, `epreuve demo`
//! applies the reference solution and submits it (not timed), then `epreuve grade` and the
//! script each run on the workspace; the time and the peak memory of each command come from
//! GNU time (`/usr/bin/time`, Debian's `time` package).
//!
//! Run it with the release profile: `cargo bench -p epreuve --bench grading`.
//! `EPREUVE_BENCH_SIZES` (`10000,24000,100000,1000000,2000000`), `EPREUVE_BENCH_RUNS` (runs of
//! each command per size, the median is kept; 3) and `EPREUVE_BENCH_PYTHON` (a Python with
//! pandas, SQLAlchemy, duckdb, duckdb_engine and openpyxl; by default the virtual environment
//! `~/.cache/epreuve-tools/bench-pandas`, made when missing) adjust it.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let sizes: Vec<usize> = std::env::var("EPREUVE_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,24000,100000,1000000,2000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("EPREUVE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    assert!(
        Path::new("/usr/bin/time").exists(),
        "/usr/bin/time is missing: apt-get install time"
    );
    let python = python();
    let script = manifest_dir().join("benches/grading/pandas_checks.py");
    let repo = manifest_dir().join("../..");
    println!(
        "| sales lines | epreuve grade | peak | per million lines | pandas + SQLAlchemy | peak | ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    for size in sizes {
        let temp = tempfile::tempdir().expect("temporary folder");
        let catalogue = temp.path().join("catalogue");
        for folder in ["exercises", "graders", "datasets"] {
            copy_dir(&repo.join(folder), &catalogue.join(folder));
        }
        let manifest = catalogue.join("exercises/bloc1-chargement/exam.toml");
        let text = std::fs::read_to_string(&manifest).expect("exam.toml");
        std::fs::write(
            &manifest,
            text.replace("sales = 24000", &format!("sales = {size}")),
        )
        .expect("exam.toml written");
        let workspace = temp.path().join("ws");
        let centre = temp.path().join("centre");
        let demo = Command::new(env!("CARGO_BIN_EXE_epreuve"))
            .args(["demo", "bloc1-chargement", "--quiet", "--format", "json"])
            .arg("--catalogue")
            .arg(&catalogue)
            .arg("--dir")
            .arg(&workspace)
            .arg("--centre")
            .arg(&centre)
            .output()
            .expect("epreuve demo runs");
        assert!(
            demo.status.code().is_some_and(|c| c <= 1),
            "demo at {size} lines: {}",
            String::from_utf8_lossy(&demo.stderr)
        );
        let grade = median(runs, || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
            command
                .args(["grade", "--format", "json"])
                .arg(&workspace)
                .arg("--catalogue")
                .arg(&catalogue)
                .arg("--centre")
                .arg(&centre);
            timed(command, |stdout| {
                let report: serde_json::Value =
                    serde_json::from_str(stdout).expect("the report is JSON");
                assert_eq!(report["score"], report["max_score"], "{report:#}");
            })
        });
        let pandas = median(runs, || {
            let mut command = Command::new(&python);
            command.arg(&script).arg(&workspace);
            timed(command, |stdout| {
                let result: serde_json::Value =
                    serde_json::from_str(stdout.trim()).expect("the script prints JSON");
                assert_eq!(result["failed"], serde_json::json!([]), "{result}");
            })
        });
        println!(
            "| {size} | {:.2} s | {:.0} MiB | {:.2} s | {:.2} s | {:.0} MiB | ×{:.1} |",
            grade.0,
            grade.1,
            grade.0 / size as f64 * 1e6,
            pandas.0,
            pandas.1,
            pandas.0 / grade.0
        );
    }
}

/// Runs `command` under GNU time; checks its output with `check`; returns seconds and MiB.
fn timed(command: Command, check: impl Fn(&str)) -> (f64, f64) {
    let (output, seconds, mib) = support::measured(&command);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    check(&String::from_utf8_lossy(&output.stdout));
    (seconds, mib)
}

/// The run of median time among `runs` runs.
fn median(runs: usize, mut run: impl FnMut() -> (f64, f64)) -> (f64, f64) {
    let mut all: Vec<(f64, f64)> = (0..runs).map(|_| run()).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all[all.len() / 2]
}

/// The Python that runs the script: `EPREUVE_BENCH_PYTHON`, or a virtual environment made
/// once with what it imports.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("EPREUVE_BENCH_PYTHON") {
        return python.into();
    }
    let home = std::env::var_os("HOME").expect("HOME");
    let venv = Path::new(&home).join(".cache/epreuve-tools/bench-pandas");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import pandas, sqlalchemy, duckdb, duckdb_engine, openpyxl",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            made,
            "python3 -m venv failed (apt-get install python3-venv)"
        );
        let installed = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                "pandas",
                "sqlalchemy",
                "duckdb",
                "duckdb_engine",
                "openpyxl",
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(installed, "pip could not install the script's packages");
    }
    python
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder created");
    for entry in std::fs::read_dir(from).expect("folder read").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("file copied");
        }
    }
}

/// The package's folder, asked of cargo when the bench runs.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
