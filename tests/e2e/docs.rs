//! The README and `docs/` stay true to the repository: every link leads to a file that exists,
//! every page is reachable from the README, the README stays a front door, and every command
//! the binary has is documented.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The Markdown pages people read: the README, `crates/README.md` and `docs/*.md`.
fn pages() -> Vec<PathBuf> {
    let root = repo();
    let mut pages = vec![root.join("README.md"), root.join("crates/README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The targets of the Markdown links of `text` (`[words](target)`), without their `#anchor`.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        if let Some(end) = rest.find(')') {
            let target = &rest[..end];
            let target = target.split('#').next().unwrap_or("");
            if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
                found.push(target.to_owned());
            }
            rest = &rest[end..];
        }
    }
    found
}

#[test]
fn every_link_of_the_readme_and_the_docs_leads_to_a_file() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let folder = page.parent().unwrap();
        for target in links(&text) {
            if !folder.join(&target).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_page_of_the_docs_is_reachable_from_the_readme() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let linked = links(&readme);
    let lost: Vec<String> = pages()
        .iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("docs")))
        .map(|p| format!("docs/{}", p.file_name().unwrap().to_string_lossy()))
        .filter(|p| !linked.contains(p))
        .collect();
    assert!(lost.is_empty(), "pages the README does not link: {lost:?}");
    let lines = readme.lines().count();
    assert!(lines <= 150, "the README is a front door: {lines} lines");
    // The two commands come first, before any section.
    let first_section = readme.find("\n## ").unwrap();
    assert!(
        readme[..first_section].contains("scripts/test")
            && readme[..first_section].contains("cargo run -p epreuve -- demo"),
        "the README opens with its two commands"
    );
}

/// The subcommands `epreuve <path> --help` lists (clap's "Commands:" section), `help` aside.
fn subcommands(path: &[&str]) -> Vec<String> {
    let mut args: Vec<&str> = path.to_vec();
    args.push("--help");
    let out = epreuve_en(Path::new("/"), &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    stdout(&out)
        .split("Commands:")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .skip(1)
                .take_while(|l| l.starts_with("  "))
                .filter_map(|l| l.split_whitespace().next())
                .filter(|c| *c != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_command_of_the_binary_is_in_the_commands_page() {
    let page = std::fs::read_to_string(repo().join("docs/commands.md")).unwrap();
    let commands = subcommands(&[]);
    // The help was read: the binary has a dozen commands, `class` six of its own.
    assert!(commands.len() >= 10, "{commands:?}");
    assert!(subcommands(&["class"]).len() >= 6);
    let mut missing = Vec::new();
    for command in commands {
        let nested = subcommands(&[command.as_str()]);
        if nested.is_empty() {
            if !page.contains(&format!("epreuve {command}")) {
                missing.push(command);
            }
            continue;
        }
        for sub in nested {
            let spelled = [
                format!("epreuve {command} {sub}"),
                format!("{sub}|"),
                format!("|{sub}"),
            ];
            if !spelled.iter().any(|s| page.contains(s.as_str())) {
                missing.push(format!("{command} {sub}"));
            }
        }
    }
    assert!(missing.is_empty(), "not in docs/commands.md: {missing:?}");
}

#[test]
fn every_command_the_docs_name_is_one_the_binary_has() {
    let commands = subcommands(&[]);
    assert!(commands.len() >= 10, "{commands:?}");
    let nested: Vec<(String, Vec<String>)> = commands
        .iter()
        .map(|c| (c.clone(), subcommands(&[c.as_str()])))
        .collect();
    let mut unknown = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (at, _) in text.match_indices("epreuve ") {
            // `epreuve <word>` in code: what follows a backtick or the start of a command line.
            let before = text[..at].chars().last();
            if !matches!(before, Some('`') | Some('\n') | Some(' ')) {
                continue;
            }
            let words: Vec<&str> = text[at + 8..]
                .split(|c: char| c.is_whitespace() || c == '`')
                .take(2)
                .collect();
            let word = words.first().copied().unwrap_or("");
            if word.is_empty() || !word.chars().all(|c| c.is_ascii_lowercase()) {
                continue;
            }
            let Some((_, subs)) = nested.iter().find(|(c, _)| c == word) else {
                // Prose ("epreuve runs…") is not a command line: only words inside backticks
                // or after a prompt are held to the binary.
                if before == Some('`') {
                    unknown.push(format!("{}: epreuve {word}", page.display()));
                }
                continue;
            };
            let sub = words.get(1).copied().unwrap_or("");
            if !subs.is_empty()
                && before == Some('`')
                && sub.chars().all(|c| c.is_ascii_lowercase())
                && !sub.is_empty()
                && !subs.iter().any(|s| s == sub)
            {
                unknown.push(format!("{}: epreuve {word} {sub}", page.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "not commands of the binary:\n{}",
        unknown.join("\n")
    );
}
