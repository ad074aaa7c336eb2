//! The text of a candidate's query file, made ready to wrap in a sub-query: comments removed,
//! trailing semicolons dropped, and one statement only.

use crate::DbError;

/// Returns the single statement of `sql` without comments or trailing semicolons.
pub(crate) fn single_statement(sql: &str) -> Result<String, DbError> {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut statements_ended = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                out.push(c);
                // A quote is escaped by doubling it, which this loop handles as close + open.
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for inner in chars.by_ref() {
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
                out.push(' ');
            }
            ';' => {
                statements_ended += 1;
                out.push(';');
            }
            _ => {
                if !c.is_whitespace() && statements_ended > 0 {
                    return Err(DbError::Query {
                        detail: "the file holds more than one statement; keep a single SELECT"
                            .into(),
                    });
                }
                out.push(c);
            }
        }
    }
    let body = out
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace())
        .to_owned();
    if body.is_empty() {
        return Err(DbError::Query {
            detail: "the file holds no query".into(),
        });
    }
    Ok(body)
}

/// Statements that change the database or the session. A query starting with one of them is
/// refused with the same words on every engine; anything else goes to the engine, whose own
/// message then names a typo (`SELEC`).
const WRITING: [&str; 27] = [
    "insert", "update", "delete", "merge", "upsert", "replace", "create", "drop", "alter",
    "truncate", "rename", "comment", "grant", "revoke", "copy", "set", "reset", "call", "do",
    "vacuum", "analyze", "attach", "detach", "install", "load", "pragma", "lock",
];

/// Like [`single_statement`], and refuses what writes (INSERT, DROP, SET…) with the same words
/// on every engine.
pub(crate) fn reading_statement(sql: &str) -> Result<String, DbError> {
    let body = single_statement(sql)?;
    let first: String = body
        .trim_start_matches(|c: char| c == '(' || c.is_whitespace())
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if WRITING.contains(&first.to_ascii_lowercase().as_str()) {
        Err(DbError::Query {
            detail: format!(
                "the query starts with `{first}`: only SELECT queries are accepted here; they may not change the database"
            ),
        })
    } else {
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::{reading_statement, single_statement};

    #[test]
    fn only_reading_statements_pass() {
        assert!(reading_statement("-- x\n(SELECT 1)").is_ok());
        assert!(reading_statement("with a as (select 1) select * from a").is_ok());
        assert!(reading_statement("SHOW TABLES").is_ok());
        // A typo is the engine's to report, as a syntax error.
        assert!(reading_statement("SELEC * FROM t").is_ok());
        let refused = reading_statement("DROP TABLE t").unwrap_err().to_string();
        assert!(
            refused.contains("`DROP`") && refused.contains("only SELECT"),
            "{refused}"
        );
    }

    #[test]
    fn comments_and_trailing_semicolons_go() {
        let sql = "-- aperçu\nSELECT '--;' AS x, \"a;b\" /* ; */ FROM t; -- fin\n;\n";
        assert_eq!(
            single_statement(sql).unwrap(),
            "SELECT '--;' AS x, \"a;b\"   FROM t"
        );
        assert_eq!(
            single_statement("SELECT 'l''île'").unwrap(),
            "SELECT 'l''île'"
        );
    }

    #[test]
    fn two_statements_or_none_are_refused() {
        assert!(
            single_statement("SELECT 1; SELECT 2")
                .unwrap_err()
                .to_string()
                .contains("more than one")
        );
        assert!(
            single_statement(" -- rien\n ; ")
                .unwrap_err()
                .to_string()
                .contains("no query")
        );
    }
}
