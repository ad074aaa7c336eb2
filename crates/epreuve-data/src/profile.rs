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
    pub fn families(&self, columns: &[crate::TextColumn]) -> Vec<Option<TypeFamily>> {
        columns
            .iter()
            .map(|(name, _)| self.column(name).map(|p| p.family))
            .collect()
    }
}

/// Profiles every column of `source`, a column per core at a time (a million-line source
/// would otherwise be held as text whole).
pub fn profile_frame(source: &SourceFrame) -> SourceProfile {
    // Columns are profiled apart from each other, on every core.
    let columns = crate::map_on_cores(source.frame.columns(), |column| match column.str() {
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
    });
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
    // One pass, nothing kept: the families every value so far belongs to, and the
    // measures of the numeric families while they are still possible.
    let mut families = Families::ALL;
    let mut profile = ColumnProfile {
        name,
        family: TypeFamily::Text,
        nulls: 0,
        max_chars: 0,
        max_bytes: 0,
        int_range: None,
        max_int_digits: 0,
        max_scale: 0,
    };
    let mut present = 0usize;
    for value in values {
        if is_missing(value) {
            continue;
        }
        let v = value.unwrap_or_default();
        present += 1;
        profile.max_bytes = profile.max_bytes.max(v.len());
        profile.max_chars = profile.max_chars.max(if v.is_ascii() {
            v.len()
        } else {
            v.chars().count()
        });
        families.narrow(v.trim());
        if families.numeric()
            && let Some((int_digits, scale)) = number_digits(v)
        {
            profile.max_int_digits = profile.max_int_digits.max(int_digits);
            profile.max_scale = profile.max_scale.max(scale);
        }
        if families.has(TypeFamily::Integer)
            && let Ok(n) = v.trim().parse::<i64>()
        {
            profile.int_range = Some(match profile.int_range {
                None => (n, n),
                Some((lo, hi)) => (lo.min(n), hi.max(n)),
            });
        }
    }
    profile.nulls = len - present;
    profile.family = if present == 0 {
        TypeFamily::Text
    } else {
        families.narrowest()
    };
    if !matches!(profile.family, TypeFamily::Integer | TypeFamily::Decimal) {
        profile.max_int_digits = 0;
        profile.max_scale = 0;
    }
    if profile.family != TypeFamily::Integer {
        profile.int_range = None;
    }
    profile
}

/// The families every value met so far belongs to, narrowest first: integer, decimal (an
/// integer or a decimal), date, timestamp (a timestamp or a date), boolean; text always.
#[derive(Debug, Clone, Copy)]
struct Families(u8);

impl Families {
    const INTEGER: u8 = 1;
    const DECIMAL: u8 = 2;
    const DATE: u8 = 4;
    const TIMESTAMP: u8 = 8;
    const BOOLEAN: u8 = 16;
    const ALL: Self = Self(0b1_1111);

    fn has(self, family: TypeFamily) -> bool {
        let bit = match family {
            TypeFamily::Integer => Self::INTEGER,
            TypeFamily::Decimal => Self::DECIMAL,
            TypeFamily::Date => Self::DATE,
            TypeFamily::Timestamp => Self::TIMESTAMP,
            TypeFamily::Boolean => Self::BOOLEAN,
            TypeFamily::Text => return true,
        };
        self.0 & bit != 0
    }

    fn numeric(self) -> bool {
        self.0 & (Self::INTEGER | Self::DECIMAL) != 0
    }

    /// Keeps the families that the trimmed value `v` belongs to. A test runs only while its
    /// family is possible, and not when a narrower family that implies it passed (an integer
    /// is a decimal, a date a timestamp).
    fn narrow(&mut self, v: &str) {
        let alive = self.0;
        let mut kept = 0;
        if self.numeric() {
            if is_integer(v) {
                kept |= alive & (Self::INTEGER | Self::DECIMAL);
            } else if alive & Self::DECIMAL != 0 && is_decimal(v) {
                kept |= Self::DECIMAL;
            }
        }
        if alive & (Self::DATE | Self::TIMESTAMP) != 0 {
            if parse_date(v).is_some() {
                kept |= alive & (Self::DATE | Self::TIMESTAMP);
            } else if alive & Self::TIMESTAMP != 0 && parse_timestamp(v).is_some() {
                kept |= Self::TIMESTAMP;
            }
        }
        if alive & Self::BOOLEAN != 0 && canonical_boolean(v).is_some() {
            kept |= Self::BOOLEAN;
        }
        self.0 = kept;
    }

    /// The narrowest family left; text when none is.
    fn narrowest(self) -> TypeFamily {
        [
            TypeFamily::Integer,
            TypeFamily::Decimal,
            TypeFamily::Date,
            TypeFamily::Timestamp,
            TypeFamily::Boolean,
        ]
        .into_iter()
        .find(|f| self.has(*f))
        .unwrap_or(TypeFamily::Text)
    }
}

/// The narrowest family that every value belongs to; text when there is no value at all.
#[cfg(test)]
fn infer_family(values: &[&str]) -> TypeFamily {
    if values.is_empty() {
        return TypeFamily::Text;
    }
    let mut families = Families::ALL;
    for v in values {
        families.narrow(v.trim());
    }
    families.narrowest()
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

    /// The families are narrowed value by value: one that a later value leaves is gone, and
    /// the numeric measures count only when the column ends numeric.
    #[test]
    fn a_family_left_late_is_gone() {
        assert_eq!(infer_family(&["1", "2", "x"]), TypeFamily::Text);
        assert_eq!(infer_family(&["1", "2", "2,5"]), TypeFamily::Decimal);
        assert_eq!(
            infer_family(&["2025-01-31", "2025-01-31 10:00:00"]),
            TypeFamily::Timestamp
        );
        assert_eq!(infer_family(&["2025-01-31", "1"]), TypeFamily::Text);
        assert_eq!(infer_family(&["1", "0"]), TypeFamily::Integer);
        let mixed = profile_column(
            "m".into(),
            &[Some("12".into()), Some("3,25".into()), Some("abc".into())],
        );
        assert_eq!(mixed.family, TypeFamily::Text);
        assert_eq!((mixed.max_int_digits, mixed.max_scale), (0, 0));
        assert_eq!(mixed.int_range, None);
        let decimal = profile_column("d".into(), &[Some("12".into()), Some("3,25".into())]);
        assert_eq!(decimal.family, TypeFamily::Decimal);
        assert_eq!((decimal.max_int_digits, decimal.max_scale), (2, 2));
        assert_eq!(decimal.int_range, None);
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
