//! The layout of the crates, as a newcomer reads it: no module of `epreuve-db` imports one that
//! imports it back (directly or through others), so each can be read from its imports down;
//! the database crate hands grading text columns, never a frame to be turned back into text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file under `src` (`server::backend`; `server` for its
/// `mod.rs`; empty for `lib.rs`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The modules of the crate a file's code (its tests left out) names through `crate::` or
/// `super::`, each path resolved as far as a known module goes; `use super::{a, b}` included.
fn imports(text: &str, parent: &[String], known: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.to_vec())] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(0)];
                group.split(',').map(|n| n.trim().to_owned()).collect()
            } else {
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                vec![path]
            };
            for name in names {
                let mut module = base.clone();
                let mut best = None;
                for part in name.split("::").filter(|p| !p.is_empty()) {
                    module.push(part.to_owned());
                    if known.contains(&module) {
                        best = Some(module.clone());
                    }
                }
                found.extend(best);
            }
        }
    }
    found
}

#[test]
fn no_module_of_epreuve_db_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../epreuve-db/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let known: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        let parent = if file.ends_with("mod.rs") || file.ends_with("lib.rs") {
            module.clone()
        } else {
            module[..module.len().saturating_sub(1)].to_vec()
        };
        let mut uses = imports(&std::fs::read_to_string(file).unwrap(), &parent, &known);
        uses.remove(&module);
        // A parent's own `mod` lines and re-exports are how Rust lays out modules: what a
        // module takes from its parent's re-exports is counted as taken from the parent.
        graph.insert(module, uses);
    }
    // Depth-first search for a path back to where it started.
    let mut circles = Vec::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start && path.len() > 1 && !start.is_empty() && !at.is_empty() {
                    circles.push(
                        path.iter()
                            .map(|m| m.join("::"))
                            .collect::<Vec<_>>()
                            .join(" → "),
                    );
                } else if !path.contains(next) && path.len() < 6 && !next.is_empty() {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles in epreuve-db:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_database_crate_hands_text_columns_not_frames() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../epreuve-db");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        !manifest
            .lines()
            .any(|l| l.trim_start().starts_with("polars")),
        "epreuve-db depends on polars again: query results are text columns \
         (epreuve_data::TextColumn), read as text by grading"
    );
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("DataFrame"),
            "{} builds a frame from a query's rows",
            file.display()
        );
    }
}

/// Functions of `crates/*/src` longer than [`LONGEST`] lines, their tests left out: as
/// `(file, function, lines)`. rustfmt lays a function out from its `fn` line to the `}` at the
/// same indentation, so counting those lines is enough.
fn long_functions(root: &Path) -> Vec<(String, String, usize)> {
    let mut found = Vec::new();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    crates.sort();
    for src in crates {
        let mut files = Vec::new();
        sources(&src, &mut files);
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            let lines: Vec<&str> = code.lines().collect();
            for (at, line) in lines.iter().enumerate() {
                let Some((indent, name)) = function_start(line) else {
                    continue;
                };
                // The signature ends at the first line ending in `{` (a body) or `;` (none).
                let Some(open) = lines[at..]
                    .iter()
                    .position(|l| l.ends_with('{') || l.ends_with(';') || l.ends_with('}'))
                else {
                    continue;
                };
                if !lines[at + open].ends_with('{') {
                    continue;
                }
                let close = format!("{indent}}}");
                let Some(end) = lines[at + open..].iter().position(|l| *l == close) else {
                    continue;
                };
                let length = open + end + 1;
                if length > LONGEST {
                    let file = file.strip_prefix(root).unwrap().display().to_string();
                    found.push((file, name, length));
                }
            }
        }
    }
    found
}

/// The indentation and name of a line that starts a function (`pub(crate) async fn name`).
fn function_start(line: &str) -> Option<(&str, String)> {
    let code = line.trim_start();
    let indent = &line[..line.len() - code.len()];
    let mut words = code.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match word {
            "pub" | "const" | "async" | "unsafe" | "extern" | "\"C\"" => continue,
            w if w.starts_with("pub(") => continue,
            "fn" => {
                let name: String = words
                    .next()?
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                return Some((indent, name));
            }
            _ => return None,
        }
    }
    None
}

/// The longest a function of `src` may be, in lines.
const LONGEST: usize = 100;

#[test]
fn no_function_in_src_is_longer_than_a_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let long: Vec<String> = long_functions(&root)
        .iter()
        .map(|(file, name, lines)| format!("{file}: {name}, {lines} lines"))
        .collect();
    assert!(
        long.is_empty(),
        "functions over {LONGEST} lines: split them by idea\n{}",
        long.join("\n")
    );
}

/// Whether a string literal of code reads as an English sentence: four words or more, one of
/// them a word sentences are made of, and no SQL keyword (the grader's own queries).
fn english_sentence(text: &str) -> bool {
    const GLUE: [&str; 13] = [
        "the", "is", "are", "was", "not", "cannot", "has", "holds", "give", "a", "an", "of", "to",
    ];
    const SQL: [&str; 6] = ["SELECT", "FROM", "WHERE", "CREATE", "INSERT", "TABLE"];
    let starts = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '`' || c == '{');
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    starts
        && text.split_whitespace().count() >= 4
        && words.iter().any(|w| GLUE.contains(w))
        && !words.iter().any(|w| SQL.contains(w))
}

/// The English sentences typed as string literals in the code (tests, comments, attributes
/// and log lines left out) of each file of `crates/*/src`, by file under `crates/`.
fn english_literals(root: &Path) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
        let mut count = 0;
        // The parentheses a log line written over several lines leaves open.
        let mut logging = 0i32;
        let open = |line: &str| line.matches('(').count() as i32 - line.matches(')').count() as i32;
        for line in code.lines() {
            let trimmed = line.trim_start();
            if logging > 0 {
                logging += open(line);
                continue;
            }
            if ["tracing::", "debug!", "info!", "warn!"]
                .iter()
                .any(|l| line.contains(l))
            {
                logging = open(line);
                continue;
            }
            if trimmed.starts_with("//") || trimmed.starts_with("#[") {
                continue;
            }
            // The literals of the line: text between unescaped quotes.
            let mut rest = line;
            while let Some(start) = rest.find('"') {
                let after = &rest[start + 1..];
                let mut end = None;
                let mut escaped = false;
                for (i, c) in after.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let Some(end) = end else { break };
                // A panic's message (`expect`, `unreachable!`) is for the developer, not the
                // reader.
                let panic = ["expect(", "unreachable!("]
                    .iter()
                    .any(|p| rest[..start].ends_with(p));
                if english_sentence(&after[..end]) && !panic {
                    count += 1;
                }
                rest = &after[end + 1..];
            }
        }
        if count > 0 {
            let name = file.strip_prefix(root).unwrap().display().to_string();
            found.insert(name, count);
        }
    }
    found
}

/// Every sentence a person reads is a message of both catalogues: none is typed in code.
#[test]
fn no_english_sentence_is_typed_outside_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = english_literals(&root);
    let more: Vec<String> = found
        .iter()
        .map(|(file, n)| format!("{file}: {n}"))
        .collect();
    assert!(
        more.is_empty(),
        "English sentences typed in code: say them from the catalogue (a message of en.ftl and \
         fr.ftl) instead\n{}",
        more.join("\n")
    );
    // The test sees a sentence where there is one (a planted one counts).
    assert!(english_sentence("the file holds no query"));
    assert!(!english_sentence("SELECT name FROM the_table WHERE a"));
}

/// The arguments of a macro call whose opening parenthesis ends `text[..start]`, split at the
/// commas outside brackets and strings, up to its closing parenthesis.
fn macro_arguments(text: &str, start: usize) -> Vec<String> {
    let mut args = vec![String::new()];
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in text[start..].chars() {
        if quoted {
            quoted = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else {
            match c {
                '"' => quoted = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        args.last_mut().unwrap().push(c);
    }
    args.iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Every catalogue message the code names by a literal id (`said!("id", name = …)`,
/// `tr!(lang, "id", …)`, `Said::new("id")`): its file, the id, and the argument names given
/// (`None` where they are added later, as `Said::new` does).
fn messages_named(root: &Path) -> Vec<(String, String, Option<Vec<String>>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let mut found = Vec::new();
    for file in files {
        // Comments (and the examples of doc comments) and tests left out.
        let text: String = std::fs::read_to_string(&file)
            .unwrap()
            .split("\n#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        let name = file.strip_prefix(root).unwrap().display().to_string();
        for (call, id_at) in [("said!(", 0), ("tr!(", 1), ("Said::new(", 0)] {
            for (at, _) in text.match_indices(call) {
                let args = macro_arguments(&text, at + call.len());
                let Some(id) = args
                    .get(id_at)
                    .and_then(|a| a.strip_prefix('"'))
                    .and_then(|a| a.strip_suffix('"'))
                else {
                    continue;
                };
                let given = (call != "Said::new(").then(|| {
                    args[id_at + 1..]
                        .iter()
                        .filter_map(|a| a.split_once('=').map(|(n, _)| n.trim().to_owned()))
                        .collect()
                });
                found.push((name.clone(), id.to_owned(), given));
            }
        }
    }
    found
}

/// A message id typed in code is in both catalogues, and every variable its text uses is given
/// where it is said: a typo would print the id, a missing argument a Fluent error, to the
/// reader.
#[test]
fn every_message_the_code_names_is_in_both_catalogues_with_its_arguments() {
    use epreuve_i18n::{Lang, ids, variables};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let named = messages_named(&root);
    let mut wrong = Vec::new();
    for (file, id, given) in &named {
        for lang in Lang::ALL {
            if !ids(lang).contains(id) {
                wrong.push(format!("{file}: `{id}` is not in {}.ftl", lang.code()));
                continue;
            }
            let Some(given) = given else { continue };
            for v in variables(lang, id) {
                if !given.contains(&v) {
                    wrong.push(format!(
                        "{file}: `{id}` uses ${v} in {}.ftl, which is not given",
                        lang.code()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The test reads the calls (it finds the ones this file knows to be there).
    assert!(named.len() > 300, "{} messages named", named.len());
    assert!(named.iter().any(|(_, id, given)| {
        id == "state-version"
            && given
                .as_ref()
                .is_some_and(|g| g.contains(&"reads".to_owned()))
    }));
}
