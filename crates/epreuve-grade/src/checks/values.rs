//! Nothing was cut, rounded or altered on the way in: the values of each column, read in the
//! family of its source column, are a sub-bag of the source column's values (a value may not
//! appear more often than in the source, so a price rounded onto another existing price is still
//! caught), and no cell that had a value in the source became empty.
//!
//! Rows missing from the table are the row count's business, not this check's.

use std::collections::HashMap;

use epreuve_data::{canonical, is_missing, text_columns};

use super::{ColumnVerdict, Outcome, TableContext};

pub(crate) fn values(ctx: &TableContext<'_>, actual: &str) -> Outcome {
    let table = match ctx.table_text(actual) {
        Ok(frame) => text_columns(frame),
        Err(outcome) => return outcome,
    };
    let source = text_columns(&ctx.truth.source.frame);
    ctx.per_column("values", |profile, info| {
        let Some((_, found)) = table.iter().find(|(n, _)| n.eq_ignore_ascii_case(&info.name)) else {
            return ColumnVerdict::Bad(format!("`{}` is missing", profile.name));
        };
        let Some((_, given)) = source.iter().find(|(n, _)| *n == profile.name) else {
            return ColumnVerdict::NotApplicable;
        };
        let family = profile.family;
        let mut available: HashMap<String, usize> = HashMap::new();
        for value in given.iter().filter(|v| !is_missing(v.as_deref())) {
            *available.entry(canonical(family, value.as_deref().unwrap_or_default())).or_default() += 1;
        }
        let mut first_altered: Option<&str> = None;
        let mut altered_count = 0usize;
        let mut empty_in_table = 0usize;
        for value in found {
            if is_missing(value.as_deref()) {
                empty_in_table += 1;
                continue;
            }
            let text = value.as_deref().unwrap_or_default();
            match available.get_mut(&canonical(family, text)) {
                Some(left) if *left > 0 => *left -= 1,
                _ => {
                    altered_count += 1;
                    first_altered.get_or_insert(text);
                }
            }
        }
        if let Some(example) = first_altered {
            let original = given
                .iter()
                .flatten()
                .find(|v| v.len() > example.len() && v.starts_with(example));
            let looks = match original {
                Some(full) => format!(" (cut from '{full}')"),
                None => String::new(),
            };
            return ColumnVerdict::Bad(format!(
                "`{}` has {altered_count} values not in the source (or more often than there), such as '{example}'{looks}",
                profile.name
            ));
        }
        let emptied = empty_in_table.saturating_sub(profile.nulls);
        if emptied > 0 {
            return ColumnVerdict::Bad(format!(
                "`{}` has {emptied} more empty cells than the source ({} there, {empty_in_table} here)",
                profile.name, profile.nulls
            ));
        }
        ColumnVerdict::Ok
    })
}
