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
/// Of each saved query, the first this many bytes are compared: a query of the exam is a few
/// hundred bytes, and a copy shows in its first lines. The rest is said left out.
pub const COMPARED_BYTES: usize = 16 * 1024;
/// Of each candidate, at most this many saved queries are compared (the exam asks for a few);
/// the others are said left out.
pub const COMPARED_FILES: usize = 64;

/// One candidate's query: who, a fingerprint of its whole token sequence, its shingles
/// (fingerprints of runs of three tokens).
type Written = (String, u64, HashSet<u64>);

/// What the comparison of saved queries left out to stay bounded, said in the class report.
#[derive(Debug, Default)]
pub struct LeftOut {
    /// Files compared on their first [`COMPARED_BYTES`] bytes only: (candidate, file).
    pub cut: Vec<(String, String)>,
    /// Candidates of whom [`COMPARED_FILES`] queries were compared, and how many were not.
    pub skipped: Vec<(String, usize)>,
}

/// The closest pairs of saved queries between the class's candidates, most similar first.
/// Work and memory are bounded per candidate ([`COMPARED_FILES`] queries of
/// [`COMPARED_BYTES`] each, as fingerprints): a candidate who saves a thousand queries of a
/// megabyte costs the report no more than one who saves the exam's.
pub fn similar_queries(class: &Class) -> (Vec<SimilarQueries>, LeftOut) {
    let mut left_out = LeftOut::default();
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
        let mut names: Vec<String> = listed
            .into_iter()
            .filter_map(|entry| match entry {
                Listed::File(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .filter(|name| name.ends_with(".sql"))
            .collect();
        names.sort();
        if names.len() > COMPARED_FILES {
            left_out
                .skipped
                .push((member.id.clone(), names.len() - COMPARED_FILES));
            names.truncate(COMPARED_FILES);
        }
        for name in names {
            let Ok(text) = answers.read_to_string(&name, limits::ANSWER) else {
                continue;
            };
            let text = if text.len() > COMPARED_BYTES {
                left_out
                    .cut
                    .push((member.id.clone(), epreuve_results::clean_text(&name)));
                let mut end = COMPARED_BYTES;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                &text[..end]
            } else {
                text.as_str()
            };
            let tokens = normalised(text);
            let shingles = shingles(&tokens);
            if !shingles.is_empty() {
                by_file.entry(name).or_default().push((
                    member.id.clone(),
                    fingerprint(&tokens),
                    shingles,
                ));
            }
        }
    }
    let mut pairs = Vec::new();
    for (file, candidates) in &by_file {
        let writers = |tokens: u64| candidates.iter().filter(|c| c.1 == tokens).count();
        for (i, (a, ta, sa)) in candidates.iter().enumerate() {
            for (b, tb, sb) in &candidates[i + 1..] {
                if ta == tb && writers(*ta) >= COMMON {
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
    (pairs, left_out)
}

/// A fingerprint of `tokens` (FNV-1a over the tokens, each ended by a byte no token holds).
fn fingerprint<S: AsRef<str>>(tokens: &[S]) -> u64 {
    epreuve_data::fnv1a(
        tokens
            .iter()
            .flat_map(|token| token.as_ref().bytes().chain(std::iter::once(0xff))),
    )
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

/// Fingerprints of the runs of three tokens (of the whole query when it has fewer).
fn shingles(tokens: &[String]) -> HashSet<u64> {
    if tokens.is_empty() {
        return HashSet::new();
    }
    if tokens.len() < 3 {
        return std::iter::once(fingerprint(tokens)).collect();
    }
    tokens.windows(3).map(fingerprint).collect()
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
