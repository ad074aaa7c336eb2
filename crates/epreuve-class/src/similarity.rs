//! Saved queries that look alike between candidates: a lead for the assessor, never a
//! verdict (two candidates who write the textbook query write the same text).
//!
//! Each query the candidate submitted (the bundle's `answers/`; the live folder when nothing
//! was submitted) is normalised (comments dropped, case folded, every run of
//! spaces one space, string and number literals kept) and cut into shingles of three tokens;
//! two candidates' files of the same name are compared by the Jaccard index of their shingles.
//! A text that three candidates or more wrote the same is the class's common answer, not a
//! lead.

use std::collections::{BTreeMap, HashSet};

use epreuve_fs::{Listed, limits};
use epreuve_results::SimilarQueries;
use epreuve_session::Workspace;

use crate::Class;

/// Pairs under this similarity are not shown.
const SHOWN_FROM: f64 = 0.8;
/// At most this many pairs are shown.
const SHOWN_AT_MOST: usize = 20;
/// A text this many candidates wrote the same is the class's common answer (the textbook
/// query), not a lead.
const COMMON: usize = 3;

/// One candidate's query: who, its tokens, its shingles.
type Written = (String, Vec<String>, HashSet<String>);

/// The closest pairs of saved queries between the class's candidates, most similar first.
pub fn similar_queries(class: &Class) -> Vec<SimilarQueries> {
    // For each file name, each candidate's shingles.
    let mut by_file: BTreeMap<String, Vec<Written>> = BTreeMap::new();
    for member in &class.manifest.members {
        // What the candidate submitted: a file edited after submission is not theirs.
        let Ok(answers) = Workspace::open(&class.workspace(&member.id))
            .and_then(|workspace| workspace.submitted_answers())
        else {
            continue;
        };
        let Ok(listed) = answers.list("") else {
            continue;
        };
        for entry in listed {
            let Listed::File(name) = entry else { continue };
            let name = name.to_string_lossy().into_owned();
            if !name.ends_with(".sql") {
                continue;
            }
            let Ok(text) = answers.read_to_string(&name, limits::ANSWER) else {
                continue;
            };
            let tokens = normalised(&text);
            let shingles = shingles(&tokens);
            if !shingles.is_empty() {
                by_file
                    .entry(name)
                    .or_default()
                    .push((member.id.clone(), tokens, shingles));
            }
        }
    }
    let mut pairs = Vec::new();
    for (file, candidates) in &by_file {
        let writers = |tokens: &Vec<String>| candidates.iter().filter(|c| &c.1 == tokens).count();
        for (i, (a, ta, sa)) in candidates.iter().enumerate() {
            for (b, tb, sb) in &candidates[i + 1..] {
                if ta == tb && writers(ta) >= COMMON {
                    continue;
                }
                let common = sa.intersection(sb).count();
                let all = sa.len() + sb.len() - common;
                let similarity = common as f64 / all as f64;
                if similarity >= SHOWN_FROM {
                    pairs.push(SimilarQueries {
                        // The candidate chose the name: no control character reaches a report.
                        file: epreuve_results::clean_text(file),
                        a: a.clone(),
                        b: b.clone(),
                        similarity: (similarity * 100.0).round() / 100.0,
                    });
                }
            }
        }
    }
    pairs.sort_by(|x, y| y.similarity.total_cmp(&x.similarity));
    pairs.truncate(SHOWN_AT_MOST);
    pairs
}

/// The query with its comments dropped, its case folded outside string literals, and its
/// tokens one space apart.
fn normalised(sql: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<String>| {
        if !word.is_empty() {
            tokens.push(std::mem::take(word).to_lowercase());
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut word, &mut tokens);
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut word, &mut tokens);
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' | '"' | '`' => {
                flush(&mut word, &mut tokens);
                let mut literal = String::from(c);
                for d in chars.by_ref() {
                    literal.push(d);
                    if d == c {
                        break;
                    }
                }
                tokens.push(if c == '\'' {
                    literal
                } else {
                    literal.to_lowercase()
                });
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => word.push(c),
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            c => {
                flush(&mut word, &mut tokens);
                tokens.push(c.to_string());
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// Runs of three tokens (the whole query when it has fewer).
fn shingles(tokens: &[String]) -> HashSet<String> {
    if tokens.len() < 3 {
        return std::iter::once(tokens.join(" "))
            .filter(|s| !s.is_empty())
            .collect();
    }
    tokens.windows(3).map(|w| w.join(" ")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_case_and_comments_do_not_hide_a_copy() {
        let a = normalised(
            "SELECT code_magasin, SUM(montant_ttc)\nFROM ventes -- par magasin\nGROUP BY code_magasin;",
        );
        let b = normalised(
            "select CODE_MAGASIN , sum( montant_ttc ) /* copie */ from VENTES group   by code_magasin ;",
        );
        assert_eq!(a, b);
        let c = normalised("SELECT * FROM ventes WHERE ville = 'Lille'");
        let d = normalised("SELECT * FROM ventes WHERE ville = 'LILLE'");
        assert_ne!(c, d, "string literals keep their case");
    }
}
