//! The engine seam holds: no `match` on an engine ends in a catch-all arm, so that adding an
//! engine makes the compiler list every place that must say what it does there (a catch-all
//! arm would hand the new engine another engine's URL scheme, dump or quoting without a word).

use std::path::Path;

use crate::common::*;

/// Every `.rs` file under `dir`, tests and benches included.
fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") {
                sources(&path, found);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The catch-all arms (`_ =>`) at the top level of each `match` whose scrutinee names an
/// engine (`match engine`, `match address.engine`, `match (args.via, engine)`…), as
/// `file:line: the match's first line`.
fn catch_all_arms(file: &Path, text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("match ") {
        let start = from + at;
        from = start + 6;
        // The scrutinee: up to the block's opening brace.
        let Some(open) = text[start..].find('{').map(|o| start + o) else {
            break;
        };
        let scrutinee = &text[start + 6..open];
        if scrutinee.contains(';') || !scrutinee.to_lowercase().contains("engine") {
            continue;
        }
        // The block, braces matched; arms are read at depth one only.
        let (mut depth, mut at_line_start, mut i) = (0usize, true, open);
        while i < bytes.len() {
            match bytes[i] {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                b'\n' => at_line_start = true,
                b' ' | b'\t' => {}
                b'_' if depth == 1 && at_line_start => {
                    let rest = text[i + 1..].trim_start();
                    if rest.starts_with("=>") || rest.starts_with("if ") {
                        let line = text[..i].lines().count();
                        let first = text[start..].lines().next().unwrap_or("").trim();
                        found.push(format!("{}:{line}: {first}", file.display()));
                    }
                    at_line_start = false;
                }
                _ => at_line_start = false,
            }
            i += 1;
        }
    }
    found
}

#[test]
fn no_match_on_an_engine_ends_in_a_catch_all_arm() {
    let root = repo();
    let mut files = Vec::new();
    // The crates' code (the end-to-end tests name engines by their strings, `"postgres"`).
    sources(&root.join("crates"), &mut files);
    assert!(files.len() > 100, "the sources were read: {}", files.len());
    let mut arms = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        arms.extend(catch_all_arms(file.strip_prefix(&root).unwrap(), &text));
    }
    assert!(
        arms.is_empty(),
        "{} catch-all arms on an engine (name each engine instead):\n{}",
        arms.len(),
        arms.join("\n")
    );
}

#[test]
fn the_guard_sees_a_catch_all_arm() {
    let planted = "fn f(e: Engine) -> u8 {\n    match e.engine {\n        Engine::DuckDb => 1,\n        _ => 2,\n    }\n}\n";
    assert_eq!(catch_all_arms(Path::new("x.rs"), planted).len(), 1);
    let named = planted.replace("_ => 2", "Engine::Postgres | Engine::MariaDb => 2");
    assert!(catch_all_arms(Path::new("x.rs"), &named).is_empty());
}
