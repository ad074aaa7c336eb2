//! Profiles of source columns: the type family a column's values belong to, their longest
//! length in characters and bytes, their range and precision, and how many are missing.

use serde::{Deserialize, Serialize};

use crate::frame::column_text;
use crate::value::{canonical_boolean, number_digits, parse_date, parse_timestamp};
use crate::{SourceFrame, is_missing};

/// The families of types the certification asks candidates to tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeFamily {
    /// Whole numbers.
    Integer,
    /// Numbers with a fractional part (amounts, rates).
    Decimal,
    /// Calendar dates without a time.
    Date,
    /// Dates with a time of day.
    Timestamp,
    /// True/false, oui/non.
    Boolean,
    /// Anything else, and codes that look numeric but keep leading zeros.
    Text,
}

impl TypeFamily {
    /// The French word used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Integer => "entier",
            Self::Decimal => "décimal",
            Self::Date => "date",
            Self::Timestamp => "horodatage",
            Self::Boolean => "booléen",
            Self::Text => "texte",
        }
    }
}

impl std::fmt::Display for TypeFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = match self {
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Date => "date",
            Self::Timestamp => "timestamp",
            Self::Boolean => "boolean",
            Self::Text => "text",
        };
        f.write_str(word)
    }
}

/// What the grader needs to know about one source column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    /// Column name as in the file.
    pub name: String,
    /// The family every non-missing value belongs to.
    pub family: TypeFamily,
    /// Number of missing cells.
    pub nulls: usize,
    /// Longest value, in characters.
    pub max_chars: usize,
    /// Longest value, in UTF-8 bytes.
    pub max_bytes: usize,
    /// Smallest and largest value of an integer column.
    pub int_range: Option<(i64, i64)>,
    /// Most digits before the decimal separator (numbers only).
    pub max_int_digits: usize,
    /// Most digits after the decimal separator (numbers only).
    pub max_scale: usize,
}

/// The profile of every column of one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceProfile {
    /// Number of data rows.
    pub rows: usize,
    /// One profile per column, in file order.
    pub columns: Vec<ColumnProfile>,
}

impl SourceProfile {
    /// The profile of the column called `name` (exact match).
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The family of each of `columns` (as [`crate::text_columns`] gives them), `None` for a
    /// column the source does not have: what loading them into a table needs.
    pub fn families(&self, columns: &[(String, Vec<Option<String>>)]) -> Vec<Option<TypeFamily>> {
        columns
            .iter()
            .map(|(name, _)| self.column(name).map(|p| p.family))
            .collect()
    }
}

/// Profiles every column of `source`, one column's text at a time (a million-line source
/// would otherwise be held as text whole).
pub fn profile_frame(source: &SourceFrame) -> SourceProfile {
    let columns = source
        .frame
        .columns()
        .iter()
        .map(|column| match column.str() {
            // Text columns are read in place: no copy of a million cells.
            Ok(strings) => profile_values(column.name().to_string(), column.len(), strings.iter()),
            Err(_) => {
                let values = column_text(column);
                profile_values(
                    column.name().to_string(),
                    values.len(),
                    values.iter().map(|v| v.as_deref()),
                )
            }
        })
        .collect();
    SourceProfile {
        rows: source.rows(),
        columns,
    }
}

fn profile_values<'a>(
    name: String,
    len: usize,
    values: impl Iterator<Item = Option<&'a str>>,
) -> ColumnProfile {
    let present: Vec<&str> = values
        .filter(|v| !is_missing(*v))
        .map(|v| v.unwrap_or_default())
        .collect();
    let family = infer_family(&present);
    let mut profile = ColumnProfile {
        name,
        family,
        nulls: len - present.len(),
        max_chars: present.iter().map(|v| v.chars().count()).max().unwrap_or(0),
        max_bytes: present.iter().map(|v| v.len()).max().unwrap_or(0),
        int_range: None,
        max_int_digits: 0,
        max_scale: 0,
    };
    if matches!(family, TypeFamily::Integer | TypeFamily::Decimal) {
        for (int_digits, scale) in present.iter().filter_map(|v| number_digits(v)) {
            profile.max_int_digits = profile.max_int_digits.max(int_digits);
            profile.max_scale = profile.max_scale.max(scale);
        }
    }
    if family == TypeFamily::Integer {
        let ints = present.iter().filter_map(|v| v.trim().parse::<i64>().ok());
        profile.int_range = ints.fold(None, |range, n| match range {
            None => Some((n, n)),
            Some((lo, hi)) => Some((lo.min(n), hi.max(n))),
        });
    }
    profile
}

/// The narrowest family that every value belongs to; text when there is no value at all.
fn infer_family(values: &[&str]) -> TypeFamily {
    if values.is_empty() {
        return TypeFamily::Text;
    }
    let all = |test: fn(&str) -> bool| values.iter().all(|v| test(v.trim()));
    if all(is_integer) {
        TypeFamily::Integer
    } else if all(|v| is_integer(v) || is_decimal(v)) {
        TypeFamily::Decimal
    } else if all(|v| parse_date(v).is_some()) {
        TypeFamily::Date
    } else if all(|v| parse_timestamp(v).is_some() || parse_date(v).is_some()) {
        TypeFamily::Timestamp
    } else if all(|v| canonical_boolean(v).is_some()) {
        TypeFamily::Boolean
    } else {
        TypeFamily::Text
    }
}

/// Digits with an optional sign, and no leading zero: `01000` is a code, not a number.
fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

fn is_decimal(v: &str) -> bool {
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    match body.split_once(['.', ',']) {
        Some((int_part, frac)) => {
            !frac.is_empty()
                && frac.bytes().all(|b| b.is_ascii_digit())
                && (int_part == "0" || int_part.is_empty() || is_integer(int_part))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_inferred_from_every_value() {
        assert_eq!(infer_family(&["1", "-20", "300"]), TypeFamily::Integer);
        assert_eq!(infer_family(&["1", "2,5"]), TypeFamily::Decimal);
        assert_eq!(infer_family(&["01000", "75001"]), TypeFamily::Text);
        assert_eq!(
            infer_family(&["03/02/2025", "2025-01-31"]),
            TypeFamily::Date
        );
        assert_eq!(
            infer_family(&["2025-01-31 10:00:00"]),
            TypeFamily::Timestamp
        );
        assert_eq!(infer_family(&["oui", "Non"]), TypeFamily::Boolean);
        assert_eq!(infer_family(&["1", "oui"]), TypeFamily::Text);
    }

    fn profile_column(name: String, values: &[Option<String>]) -> ColumnProfile {
        profile_values(name, values.len(), values.iter().map(|v| v.as_deref()))
    }

    #[test]
    fn profile_measures_characters_and_bytes() {
        let p = profile_column(
            "ville".into(),
            &[
                Some("Orléans".into()),
                None,
                Some(" ".into()),
                Some("Lyon".into()),
            ],
        );
        assert_eq!((p.max_chars, p.max_bytes, p.nulls), (7, 8, 2));
        let n = profile_column("n".into(), &[Some("-3".into()), Some("120".into())]);
        assert_eq!(n.int_range, Some((-3, 120)));
        assert_eq!(n.max_int_digits, 3);
    }
}
