//! What the benchmarks share: a command measured by GNU time.

use std::process::{Command, Output};

/// Runs `command` under GNU time (`/usr/bin/time`, Debian's `time` package): its output, the
/// seconds it took and its peak resident memory in MiB.
pub fn measured(command: &Command) -> (Output, f64, f64) {
    let report = tempfile::NamedTempFile::new().expect("temporary file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(report.path())
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let output = timed.output().expect("the command runs");
    let text = std::fs::read_to_string(report.path()).expect("time's report");
    let mut fields = text.lines().last().unwrap_or_default().split_whitespace();
    let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let kilobytes: f64 = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    (output, seconds, kilobytes / 1024.0)
}
