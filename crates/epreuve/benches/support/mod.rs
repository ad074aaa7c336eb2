//! What the benchmarks share: a command measured by GNU time, the median of several runs, the
//! Python of a baseline script, a copy of the catalogue.
// Each bench uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `command` under GNU time (`/usr/bin/time`, Debian's `time` package): its output, the
/// seconds it took and its peak resident memory in MiB.
pub fn measured(command: &Command) -> (Output, f64, f64) {
    let (output, seconds, mib, _) = measured_with_cpu(command);
    (output, seconds, mib)
}

/// The same, with the processor time the command itself spent (user and system seconds, a
/// server it talks to left out).
pub fn measured_with_cpu(command: &Command) -> (Output, f64, f64, f64) {
    let report = tempfile::NamedTempFile::new().expect("temporary file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %M %U %S")
        .arg("-o")
        .arg(report.path())
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let output = timed.output().expect("the command runs");
    let text = std::fs::read_to_string(report.path()).expect("time's report");
    let mut fields = text.lines().last().unwrap_or_default().split_whitespace();
    let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let kilobytes: f64 = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let cpu: f64 = fields.filter_map(|s| s.parse::<f64>().ok()).sum();
    (output, seconds, kilobytes / 1024.0, cpu)
}

/// Runs `command` under GNU time; checks its output with `check`; returns seconds and MiB.
pub fn timed(command: Command, check: impl Fn(&str)) -> (f64, f64) {
    let (seconds, mib, _) = timed_with_cpu(command, check);
    (seconds, mib)
}

/// The same, with the command's own processor seconds.
pub fn timed_with_cpu(command: Command, check: impl Fn(&str)) -> (f64, f64, f64) {
    let (output, seconds, mib, cpu) = measured_with_cpu(&command);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    check(&String::from_utf8_lossy(&output.stdout));
    (seconds, mib, cpu)
}

/// The run of median time among `runs` runs (whatever else each run measured).
pub fn median<T: Copy>(runs: usize, mut run: impl FnMut() -> (f64, T)) -> (f64, T) {
    let mut all: Vec<(f64, T)> = (0..runs).map(|_| run()).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all[all.len() / 2]
}

/// The runs of each command per size (`EPREUVE_BENCH_RUNS`, 3 by default), and the sizes
/// (`EPREUVE_BENCH_SIZES`, `default` otherwise).
pub fn runs_and_sizes(default: &str) -> (usize, Vec<usize>) {
    let sizes = std::env::var("EPREUVE_BENCH_SIZES")
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs = std::env::var("EPREUVE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    (runs, sizes)
}

/// The Python that runs a baseline script: `EPREUVE_BENCH_PYTHON`, or the virtual environment
/// `~/.cache/epreuve-tools/<venv>`, made once with `packages`.
pub fn python(venv: &str, packages: &[&str]) -> PathBuf {
    if let Some(python) = std::env::var_os("EPREUVE_BENCH_PYTHON") {
        return python.into();
    }
    let home = std::env::var_os("HOME").expect("HOME");
    let venv = Path::new(&home).join(".cache/epreuve-tools").join(venv);
    let python = venv.join("bin/python");
    let imports: Vec<&str> = packages
        .iter()
        .map(|p| p.split(['=', '<', '>']).next().unwrap_or(p))
        .collect();
    let ready = Command::new(&python)
        .args(["-c", &format!("import {}", imports.join(", "))])
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
            .args(["install", "-q"])
            .args(packages)
            .status()
            .is_ok_and(|s| s.success());
        assert!(installed, "pip could not install the script's packages");
    }
    python
}

/// A copy of `from` at `to`, folders included.
pub fn copy_dir(from: &Path, to: &Path) {
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

/// A copy of the repository's catalogue (exercises, graders, datasets) in `to`.
pub fn copy_catalogue(to: &Path) {
    let repo = manifest_dir().join("../..");
    for folder in ["exercises", "graders", "datasets"] {
        copy_dir(&repo.join(folder), &to.join(folder));
    }
}

/// The package's folder, asked of cargo when the bench runs.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
