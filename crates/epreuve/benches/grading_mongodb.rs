//! Grading a `bloc1-documents` submission on MongoDB as its sales grow, against a pandas +
//! pymongo script doing the same checks on the same database
//! (`benches/grading/pymongo_checks.py`: columns, document counts, BSON type families, values
//! paired by key), side by side in one run.
//!
//! For each size, two copies of the catalogue generate that many sales lines: one whole, one
//! whose grader keeps only the loading checks the script does too (its tasks taken out).
//! `epreuve demo` starts a local MongoDB server (`mongod`, or what `EPREUVE_MONGOD` names:
//! SecantusDB here, `.cargo/config.toml`), applies the reference solution and submits it (not
//! timed); then `epreuve grade` of the loading checks, the script, and `epreuve grade` of the
//! whole exam each run against the live database, and the server is stopped. Times, peaks
//! and processor time come from GNU time (`/usr/bin/time`); the server's own time is in every
//! wall-clock figure and in no processor figure, its memory in none.
//!
//! Run it with the release profile: `cargo bench -p epreuve --bench grading_mongodb`.
//! `EPREUVE_BENCH_SIZES` (`6000,24000`), `EPREUVE_BENCH_RUNS` (3) and `EPREUVE_BENCH_PYTHON` (a
//! Python with pandas, openpyxl, SQLAlchemy and pymongo; by default the virtual environment
//! `~/.cache/epreuve-tools/bench-pymongo`, made when missing) adjust it.

mod support;

use std::path::Path;
use std::process::Command;

use support::{manifest_dir, median, python, timed_with_cpu};

const EXAM: &str = "bloc1-documents";

fn main() {
    let (runs, sizes) = support::runs_and_sizes("6000,24000");
    assert!(
        Path::new("/usr/bin/time").exists(),
        "/usr/bin/time is missing: apt-get install time"
    );
    let python = python(
        "bench-pymongo",
        &["pandas", "openpyxl", "sqlalchemy", "pymongo"],
    );
    let script = manifest_dir().join("benches/grading/pymongo_checks.py");
    println!(
        "| sales lines | epreuve grade, loading checks | its CPU | peak | pandas + pymongo, same checks | its CPU | peak | ratio | CPU ratio | epreuve grade, whole exam | its CPU | peak |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for size in sizes {
        let temp = tempfile::tempdir().expect("temporary folder");
        let whole = temp.path().join("catalogue");
        let loading = temp.path().join("catalogue-loading");
        catalogue_of(&whole, size, false);
        catalogue_of(&loading, size, true);
        let workspace = temp.path().join("ws");
        let ws = workspace.to_str().expect("a UTF-8 path");
        let centre = temp.path().join("centre");
        let epreuve = |catalogue: &Path, args: &[&str]| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
            command
                .args(args)
                .arg("--catalogue")
                .arg(catalogue)
                .arg("--centre")
                .arg(&centre)
                .env("EPREUVE_LANG", "en");
            command
        };
        let demo = epreuve(
            &loading,
            &[
                "demo", EXAM, "--via", "local", "--quiet", "--dir", ws, "--format", "json",
            ],
        )
        .output()
        .expect("epreuve demo runs");
        assert!(
            demo.status.code().is_some_and(|c| c <= 1),
            "demo at {size} lines: {}",
            String::from_utf8_lossy(&demo.stderr)
        );
        let status = epreuve(&loading, &["status", "--dir", ws])
            .output()
            .expect("epreuve status runs");
        let status = String::from_utf8_lossy(&status.stdout).into_owned();
        let uri = status
            .lines()
            .find_map(|l| l.trim().strip_prefix("Compass:"))
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| panic!("no connection string in: {status}"));
        let full_marks = |stdout: &str| {
            let report: serde_json::Value =
                serde_json::from_str(stdout).expect("the report is JSON");
            assert_eq!(report["score"], report["max_score"], "{report:#}");
        };
        // The whole exam: every check passes but the candidate's own measurements, which the
        // workspace lacks (made by the loading catalogue's demo, which has no timing task);
        // epreuve still times R1 on both collections.
        let whole_marks = |stdout: &str| {
            let report: serde_json::Value =
                serde_json::from_str(stdout).expect("the report is JSON");
            let failed: Vec<&str> = report["checks"]
                .as_array()
                .expect("checks")
                .iter()
                .filter(|c| c["status"] != "passed")
                .filter_map(|c| c["id"].as_str())
                .collect();
            assert_eq!(failed, ["mesures"], "{report:#}");
        };
        let grade = median(runs, || {
            let (seconds, mib, cpu) = timed_with_cpu(
                epreuve(&loading, &["grade", ws, "--format", "json"]),
                full_marks,
            );
            (seconds, (mib, cpu))
        });
        let pandas = median(runs, || {
            let mut command = Command::new(&python);
            command.arg(&script).arg(&uri).arg(workspace.join("data"));
            let (seconds, mib, cpu) = timed_with_cpu(command, |stdout| {
                let result: serde_json::Value =
                    serde_json::from_str(stdout.trim()).expect("the script prints JSON");
                assert_eq!(result["failed"], serde_json::json!([]), "{result}");
            });
            (seconds, (mib, cpu))
        });
        let exam = median(runs, || {
            let (seconds, mib, cpu) = timed_with_cpu(
                epreuve(&whole, &["grade", ws, "--format", "json"]),
                whole_marks,
            );
            (seconds, (mib, cpu))
        });
        let down = epreuve(&loading, &["db", "down", "--dir", ws])
            .output()
            .expect("epreuve db down runs");
        assert!(
            down.status.success(),
            "{}",
            String::from_utf8_lossy(&down.stderr)
        );
        let ((grade_s, (grade_mib, grade_cpu)), (pandas_s, (pandas_mib, pandas_cpu))) =
            (grade, pandas);
        let (exam_s, (exam_mib, exam_cpu)) = exam;
        println!(
            "| {size} | {grade_s:.2} s | {grade_cpu:.2} s | {grade_mib:.0} MiB | {pandas_s:.2} s | {pandas_cpu:.2} s | {pandas_mib:.0} MiB | ×{:.1} | ×{:.1} | {exam_s:.2} s | {exam_cpu:.2} s | {exam_mib:.0} MiB |",
            pandas_s / grade_s,
            pandas_cpu / grade_cpu.max(0.01),
        );
    }
}

/// A copy of the catalogue at `to` whose document exam has `size` sales lines; with
/// `loading_only`, its grader without its tasks (C1.7, C1.8, C2.1, C2.3 and C1.10's query
/// times: the exam without those criteria and that line of the grid).
fn catalogue_of(to: &Path, size: usize, loading_only: bool) {
    support::copy_catalogue(to);
    let manifest = to.join("exercises").join(EXAM).join("exam.toml");
    let text = std::fs::read_to_string(&manifest).expect("exam.toml");
    assert!(text.contains("sales = 6000"), "the exam's size moved");
    let mut text = text.replace("sales = 6000", &format!("sales = {size}"));
    if loading_only {
        text = text.replace(
            r#"criteria = ["C1.6", "C1.7", "C1.8", "C1.9", "C1.10", "C2.1", "C2.3"]"#,
            r#"criteria = ["C1.6", "C1.9", "C1.10"]"#,
        );
        let grader = to.join("graders").join(EXAM).join("grader.toml");
        let mut rules: toml::Table = std::fs::read_to_string(&grader)
            .expect("grader.toml")
            .parse()
            .expect("grader.toml parses");
        rules.remove("tasks");
        if let Some(toml::Value::Array(indicators)) = rules.get_mut("indicators") {
            indicators.retain(|i| {
                // The query times of C1.10 are tasks too: their line goes with them.
                i.get("id").and_then(|id| id.as_str()).is_some_and(|id| {
                    id != "C1.10/temps"
                        && ["C1.6", "C1.9", "C1.10"]
                            .iter()
                            .any(|c| id.starts_with(&format!("{c}/")))
                })
            });
        }
        std::fs::write(
            &grader,
            toml::to_string(&rules).expect("grader.toml written"),
        )
        .expect("grader.toml written");
        // The reference measures the timing task, gone with the tasks.
        let reference = to
            .join("graders")
            .join(EXAM)
            .join("solutions/reference/solution.toml");
        let mut solution: toml::Table = std::fs::read_to_string(&reference)
            .expect("solution.toml")
            .parse()
            .expect("solution.toml parses");
        solution.remove("measure");
        std::fs::write(
            &reference,
            toml::to_string(&solution).expect("solution.toml written"),
        )
        .expect("solution.toml written");
    }
    std::fs::write(&manifest, text).expect("exam.toml written");
}
