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

use std::path::Path;
use std::process::Command;

use support::{manifest_dir, median, python, timed};

fn main() {
    let (runs, sizes) = support::runs_and_sizes("10000,24000,100000,1000000,2000000");
    assert!(
        Path::new("/usr/bin/time").exists(),
        "/usr/bin/time is missing: apt-get install time"
    );
    let python = python(
        "bench-pandas",
        &[
            "pandas",
            "sqlalchemy",
            "duckdb",
            "duckdb_engine",
            "openpyxl",
        ],
    );
    let script = manifest_dir().join("benches/grading/pandas_checks.py");
    println!(
        "| sales lines | epreuve grade | peak | per million lines | pandas + SQLAlchemy | peak | ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    for size in sizes {
        let temp = tempfile::tempdir().expect("temporary folder");
        let catalogue = temp.path().join("catalogue");
        support::copy_catalogue(&catalogue);
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
