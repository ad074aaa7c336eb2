//! The statistics of C2.3 on files nobody here wrote, with their real missing values
//! (`../shared/real-data/csv/titanic.csv`, `penguins.csv`). The expected values are computed by
//! Python's `statistics` module from the raw CSV, not by epreuve's readers or formulas.

use std::path::PathBuf;
use std::process::Command;

use epreuve_data::{SourceSpec, read_source, text_columns};
use epreuve_grade::{Percentile, frequencies, quantile_sorted, summarize};

fn csv_dir() -> PathBuf {
    let dir = manifest_dir().join("../../../shared/real-data/csv");
    assert!(
        dir.is_dir(),
        "the shared real data must sit beside the repository"
    );
    dir
}

/// Python's answer for `column` of `file`: count, mean, median, continuous and discrete
/// quartiles, and the counts of each value of `category`.
fn python(file: &str, column: &str, category: &str) -> serde_json::Value {
    let script = r#"
import csv, json, math, statistics, sys
path, column, category = sys.argv[1:4]
rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
values = sorted(float(r[column]) for r in rows if r[column].strip() != '')
n = len(values)
cont = statistics.quantiles(values, n=4, method='inclusive')
disc = [values[max(1, math.ceil(p * n)) - 1] for p in (0.25, 0.5, 0.75)]
counts = {}
for r in rows:
    v = r[category].strip()
    if v:
        counts[v] = counts.get(v, 0) + 1
print(json.dumps({"count": n, "mean": statistics.fmean(values), "median": statistics.median(values),
                  "q1": cont[0], "q3": cont[2], "disc": disc, "counts": counts}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(csv_dir().join(file))
        .args([column, category])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(file: &str, column: &str, category: &str) {
    let spec = SourceSpec {
        file: file.into(),
        format: None,
        delimiter: None,
        sheet: None,
        record_path: vec![],
        meta: vec![],
    };
    let source = read_source(&csv_dir(), &spec).unwrap();
    let columns = text_columns(&source.frame);
    let cells = |name: &str| {
        columns
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{file} has no column {name}"))
            .1
            .clone()
    };
    let mut values: Vec<f64> = cells(column)
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().parse().unwrap())
        .collect();
    let expected = python(file, column, category);
    let summary = summarize(&values).unwrap();
    let close = |ours: f64, theirs: &serde_json::Value, what: &str| {
        let theirs = theirs.as_f64().unwrap();
        assert!(
            (ours - theirs).abs() < 1e-9,
            "{file}.{column} {what}: {ours} vs Python {theirs}"
        );
    };
    assert_eq!(
        summary.count as u64,
        expected["count"].as_u64().unwrap(),
        "{file}.{column}: missing values are left out"
    );
    close(summary.mean, &expected["mean"], "mean");
    close(summary.median, &expected["median"], "median");
    close(summary.q1, &expected["q1"], "q1");
    close(summary.q3, &expected["q3"], "q3");
    values.sort_by(f64::total_cmp);
    for (p, theirs) in [0.25, 0.5, 0.75]
        .iter()
        .zip(expected["disc"].as_array().unwrap())
    {
        close(
            quantile_sorted(&values, *p, Percentile::Discrete),
            theirs,
            "discrete quantile",
        );
    }
    let categories = cells(category);
    let ours = frequencies(categories.iter().map(|v| v.as_deref()));
    let theirs = expected["counts"].as_object().unwrap();
    assert_eq!(ours.len(), theirs.len(), "{file}.{category}: {ours:?}");
    for (name, count) in &ours {
        assert_eq!(
            theirs[name].as_u64(),
            Some(*count as u64),
            "{file}.{category} {name}"
        );
    }
}

#[test]
fn titanic_ages_and_fares_with_their_missing_values() {
    check("titanic.csv", "age", "embarked");
    check("titanic.csv", "fare", "class");
}

#[test]
fn penguins_measures_with_their_missing_values() {
    check("penguins.csv", "bill_length_mm", "sex");
    check("penguins.csv", "body_mass_g", "island");
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}
