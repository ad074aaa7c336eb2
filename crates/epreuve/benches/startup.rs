//! Median time from `epreuve start` to a database that answers `SELECT 1`, per engine and
//! route. `start` returns only once `SELECT 1` has answered, so the time of the whole command
//! is the figure.
//!
//! Run it with the debug profile (the time is the server's, not epreuve's, and the release
//! profile would rebuild DuckDB): `cargo bench --profile dev -p epreuve --bench startup`.
//! `EPREUVE_BENCH_RUNS` sets the runs per route (5); `EPREUVE_BENCH_ROUTES` picks routes
//! (`duckdb/embedded,postgres/docker,…`). Docker routes use `--images local`.

use std::process::Command;
use std::time::{Duration, Instant};

const ROUTES: [(&str, &str); 5] = [
    ("duckdb", "embedded"),
    ("postgres", "docker"),
    ("mariadb", "docker"),
    ("postgres", "local"),
    ("mariadb", "local"),
];

fn main() {
    let runs: usize = std::env::var("EPREUVE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let wanted = std::env::var("EPREUVE_BENCH_ROUTES").ok();
    let catalogue = manifest_dir().join("../..");
    println!("| engine | route | runs | median | min | max |");
    println!("|---|---|---|---|---|---|");
    for (engine, via) in ROUTES {
        if let Some(wanted) = &wanted
            && !wanted.split(',').any(|w| w == format!("{engine}/{via}"))
        {
            continue;
        }
        let mut times = Vec::new();
        for run in 0..runs {
            let temp = tempfile::tempdir().expect("temporary folder");
            {
                use std::os::unix::fs::PermissionsExt;
                let _ =
                    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755));
            }
            let dir = temp.path().join("ws");
            let mut command = Command::new(env!("CARGO_BIN_EXE_epreuve"));
            command
                .args([
                    "start",
                    "bloc1-chargement",
                    "--candidate",
                    &format!("bench{run}"),
                ])
                .arg("--dir")
                .arg(&dir)
                .args(["--engine", engine, "--via", via, "--quiet"])
                .env("EPREUVE_CATALOGUE", &catalogue);
            if via == "docker" {
                command.args(["--images", "local"]);
            }
            let started = Instant::now();
            let status = command.status().expect("epreuve runs");
            let elapsed = started.elapsed();
            assert!(status.success(), "{engine}/{via}: start failed");
            times.push(elapsed);
            let down = Command::new(env!("CARGO_BIN_EXE_epreuve"))
                .args(["db", "down", "--quiet", "--dir"])
                .arg(&dir)
                .status()
                .expect("epreuve runs");
            assert!(down.success(), "{engine}/{via}: db down failed");
        }
        times.sort();
        let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
        println!(
            "| {engine} | {via} | {runs} | {} | {} | {} |",
            secs(times[times.len() / 2]),
            secs(times[0]),
            secs(times[times.len() - 1])
        );
    }
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}
