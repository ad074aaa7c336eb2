//! Shaping the text of a query so that it can be wrapped in a sub-query: a trailing semicolon
//! or comment would end the wrapper early. Nothing here decides what may run: each engine's
//! own parser reads the original and the shaped text (one SELECT, or refused), so a shape
//! this module gets wrong is refused, never run.

use crate::SqlEngine;

/// Bodies to try for `sql`, most faithful first: the text without its trailing whitespace
/// and semicolons, then without its trailing comments too. Empty when the text holds nothing
/// but comments and semicolons.
pub(crate) fn shapes(sql: &str, engine: SqlEngine) -> Vec<String> {
    let light = sql
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace())
        .trim_start()
        .to_owned();
    let stripped = without_trailing(sql, engine);
    let mut out = Vec::new();
    for body in [light, stripped] {
        if !body.is_empty() && !out.contains(&body) && has_content(&body, engine) {
            out.push(body);
        }
    }
    out
}

/// `sql` cut after its last character that is neither whitespace, a semicolon nor inside a
/// comment, as the quoting rules of `engine` read it.
pub(crate) fn without_trailing(sql: &str, engine: SqlEngine) -> String {
    let end = scan(sql, engine).last_significant;
    sql[..end].trim().to_owned()
}

/// Whether anything but comments, whitespace and semicolons is there.
fn has_content(sql: &str, engine: SqlEngine) -> bool {
    scan(sql, engine).last_significant > 0
}

struct Scan {
    /// Byte offset just after the last significant character.
    last_significant: usize,
}

fn scan(sql: &str, engine: SqlEngine) -> Scan {
    let bytes: Vec<(usize, char)> = sql.char_indices().collect();
    let mut last = 0usize;
    let mut i = 0usize;
    let after = |i: usize| bytes.get(i).map_or(sql.len(), |(at, _)| *at);
    while i < bytes.len() {
        let (_, c) = bytes[i];
        let next = bytes.get(i + 1).map(|(_, c)| *c);
        match c {
            '\'' | '"' | '`' => {
                // Up to the closing quote; a doubled quote is read as close + open. MariaDB
                // also escapes with a backslash inside strings.
                let mut j = i + 1;
                while j < bytes.len() {
                    let inner = bytes[j].1;
                    if inner == '\\' && engine == SqlEngine::MariaDb && c != '`' {
                        j += 2;
                        continue;
                    }
                    if inner == c {
                        break;
                    }
                    j += 1;
                }
                i = j.min(bytes.len());
                last = after(i + 1).min(sql.len());
                i += 1;
            }
            '-' if next == Some('-') => {
                while i < bytes.len() && bytes[i].1 != '\n' {
                    i += 1;
                }
            }
            '#' if engine == SqlEngine::MariaDb => {
                while i < bytes.len() && bytes[i].1 != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes[i].1 == '*' && bytes.get(i + 1).map(|b| b.1) == Some('/'))
                {
                    i += 1;
                }
                i += 2;
            }
            ';' => i += 1,
            c if c.is_whitespace() => i += 1,
            _ => {
                i += 1;
                last = after(i);
            }
        }
    }
    Scan {
        last_significant: last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_semicolons_and_comments_go_and_the_inside_stays() {
        let sql = "-- aperçu\nSELECT '--;' AS x, \"a;b\" /* ; */ FROM t; -- fin\n;\n";
        assert_eq!(
            shapes(sql, SqlEngine::DuckDb),
            [
                "-- aperçu\nSELECT '--;' AS x, \"a;b\" /* ; */ FROM t; -- fin",
                "-- aperçu\nSELECT '--;' AS x, \"a;b\" /* ; */ FROM t"
            ]
        );
        assert_eq!(
            shapes("SELECT 'l''île';", SqlEngine::Postgres),
            ["SELECT 'l''île'"]
        );
    }

    #[test]
    fn a_hash_is_a_comment_on_mariadb_only() {
        assert_eq!(
            without_trailing("SELECT 5 # 3", SqlEngine::Postgres),
            "SELECT 5 # 3"
        );
        assert_eq!(
            without_trailing("SELECT 5 # 3", SqlEngine::MariaDb),
            "SELECT 5"
        );
        assert_eq!(
            without_trailing("SELECT 'a\\'b' # fin", SqlEngine::MariaDb),
            "SELECT 'a\\'b'"
        );
    }

    #[test]
    fn nothing_but_comments_gives_no_body() {
        assert!(shapes(" -- rien\n ; /* non */", SqlEngine::DuckDb).is_empty());
        assert!(shapes("", SqlEngine::MariaDb).is_empty());
    }
}
