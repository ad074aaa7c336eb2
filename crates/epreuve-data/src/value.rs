//! Canonical forms of cell values, so that a source cell and a database value can be compared
//! whatever their spelling: `12,50` in a French CSV, `12.50` from a `DECIMAL(5,2)` and `12.5`
//! from a `DOUBLE` are the same number; `03/02/2025` and `2025-02-03` are the same date.

use crate::TypeFamily;

/// True for a cell that counts as missing: absent, or empty once trimmed.
pub fn is_missing(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// The canonical text of `value` read as a value of `family`, or the value unchanged when it
/// does not parse as that family (so that an altered value stays visibly different).
pub fn canonical(family: TypeFamily, value: &str) -> String {
    try_canonical(family, value).unwrap_or_else(|| value.to_owned())
}

/// The canonical text of `value` read as a value of `family`, or `None` when it is not one
/// (text is never a value of another family).
pub fn try_canonical(family: TypeFamily, value: &str) -> Option<String> {
    let trimmed = value.trim();
    match family {
        TypeFamily::Integer | TypeFamily::Decimal => canonical_number(trimmed),
        TypeFamily::Date => canonical_date(trimmed),
        TypeFamily::Timestamp => canonical_timestamp(trimmed),
        // A database may store a boolean as 1/0 (MariaDB's BOOLEAN is TINYINT(1)); a source
        // column only reaches here once it is known to hold booleans.
        TypeFamily::Boolean => canonical_boolean(trimmed)
            .or(match trimmed {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            })
            .map(|b| b.to_string()),
        TypeFamily::Text => None,
    }
}

/// `-012,500` → `-12.5`; `3` → `3`; `1e3` is not accepted (no source writes numbers that way).
pub(crate) fn canonical_number(text: &str) -> Option<String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = match body.find(['.', ',']) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int_part = int_part.trim_start_matches('0');
    let frac_part = frac_part.trim_end_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let zero = int_part == "0" && frac_part.is_empty();
    let mut out = String::with_capacity(text.len());
    if negative && !zero {
        out.push('-');
    }
    out.push_str(int_part);
    if !frac_part.is_empty() {
        out.push('.');
        out.push_str(frac_part);
    }
    Some(out)
}

/// Digits before and after the separator of a number, after canonicalisation.
///
/// Read from the text as [`canonical_number`] reads it, without building the canonical text.
pub(crate) fn number_digits(text: &str) -> Option<(usize, usize)> {
    let body = text
        .strip_prefix('-')
        .unwrap_or_else(|| text.strip_prefix('+').unwrap_or(text));
    let (int_part, frac_part) = match body.find(['.', ',']) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((
        int_part.trim_start_matches('0').len(),
        frac_part.trim_end_matches('0').len(),
    ))
}

/// `dd/mm/yyyy`, `yyyy-mm-dd` (optionally followed by a midnight time) → `yyyy-mm-dd`.
pub(crate) fn canonical_date(text: &str) -> Option<String> {
    let date = parse_date(text.split([' ', 'T']).next().unwrap_or(text))?;
    let rest = text[text.find([' ', 'T']).unwrap_or(text.len())..].trim_start_matches(['T', ' ']);
    if !rest.is_empty() && !is_midnight(rest) {
        return None;
    }
    use chrono::Datelike;
    if !(0..=9999).contains(&date.year()) {
        return Some(date.format("%Y-%m-%d").to_string());
    }
    // Written by hand: chrono's format parser costs more than the rest for a million dates.
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    ))
}

fn is_midnight(time: &str) -> bool {
    let time = time.trim_end_matches('Z');
    time.split([':', '.'])
        .all(|part| part.bytes().all(|b| b == b'0'))
}

pub(crate) fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    // The all-digit forms read straight from the bytes (chrono reads them the same way, far
    // slower); anything else goes to chrono.
    quick_date(text).or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y")
            .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .ok()
    })
}

/// A date written with digits only, `dd/mm/yyyy` or `yyyy-mm-dd`, read from its bytes; `None`
/// for any other text and for a day that does not exist. Where it reads a date, chrono's
/// formats read the same one.
pub fn quick_date(text: &str) -> Option<chrono::NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (year, month, day) = if b[2] == b'/' && b[5] == b'/' {
        (num(6..10)?, num(3..5)?, num(0..2)?)
    } else if b[4] == b'-' && b[7] == b'-' {
        (num(0..4)?, num(5..7)?, num(8..10)?)
    } else {
        return None;
    };
    chrono::NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// `yyyy-mm-dd hh:mm:ss` (or with `T`, or `dd/mm/yyyy hh:mm[:ss]`) → `yyyy-mm-dd hh:mm:ss`.
pub(crate) fn canonical_timestamp(text: &str) -> Option<String> {
    parse_timestamp(text).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

pub(crate) fn parse_timestamp(text: &str) -> Option<chrono::NaiveDateTime> {
    const FORMATS: [&str; 5] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ];
    let text = text.trim_end_matches('Z');
    FORMATS
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
}

/// The words French and English files use for booleans.
pub(crate) fn canonical_boolean(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "true" | "vrai" | "oui" | "t" | "yes" => Some(true),
        "false" | "faux" | "non" | "f" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_spelling_meet() {
        for (a, b) in [
            ("12,50", "12.5"),
            ("012", "12"),
            ("-0,0", "0"),
            ("3.", "3"),
            (",5", "0.5"),
        ] {
            assert_eq!(canonical(TypeFamily::Decimal, a), b, "{a}");
        }
        assert_eq!(canonical(TypeFamily::Decimal, "12,5 €"), "12,5 €");
        assert_eq!(number_digits("1234,50"), Some((4, 1)));
        assert_eq!(number_digits("0,05"), Some((0, 2)));
    }

    #[test]
    fn dates_in_every_spelling_meet() {
        assert_eq!(canonical(TypeFamily::Date, "03/02/2025"), "2025-02-03");
        assert_eq!(
            canonical(TypeFamily::Date, "2025-02-03 00:00:00"),
            "2025-02-03"
        );
        assert_eq!(
            canonical(TypeFamily::Date, "2025-02-03 10:00:00"),
            "2025-02-03 10:00:00"
        );
        assert_eq!(canonical(TypeFamily::Date, "31/02/2025"), "31/02/2025");
    }

    #[test]
    fn booleans_in_french_and_english() {
        assert_eq!(canonical(TypeFamily::Boolean, "Oui"), "true");
        assert_eq!(canonical(TypeFamily::Boolean, "false"), "false");
        // MariaDB stores BOOLEAN as TINYINT(1): 1 and 0 read as booleans, other numbers do not.
        assert_eq!(canonical(TypeFamily::Boolean, "1"), "true");
        assert_eq!(canonical(TypeFamily::Boolean, "0"), "false");
        assert_eq!(canonical(TypeFamily::Boolean, "2"), "2");
    }
}

#[cfg(test)]
mod quick_reading {
    use super::*;

    /// The digits read from the text are those of the canonical text, and a date read from
    /// its bytes is the one chrono reads.
    #[test]
    fn quick_readings_agree_with_the_slow_ones() {
        for text in [
            "12,50", "-012,500", "+3", "0", "00,00", ",5", "5,", "1.2.3", "", "-", "abc", "0012",
        ] {
            let slow = canonical_number(text).map(|c| {
                let body = c.trim_start_matches('-').to_owned();
                let (int_part, frac_part) = body.split_once('.').unwrap_or((&body, ""));
                (
                    if int_part == "0" { 0 } else { int_part.len() },
                    frac_part.len(),
                )
            });
            assert_eq!(number_digits(text), slow, "{text}");
        }
        for text in [
            "04/08/2024",
            "2024-08-04",
            "31/02/2024",
            "29/02/2024",
            "2024-13-01",
            "0000-01-01",
            "4/08/20245",
            "2024/08/04",
            "04-08-2024",
            "aa/bb/cccc",
        ] {
            let slow = chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y")
                .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
                .ok()
                .filter(|_| text.len() == 10);
            assert_eq!(parse_date(text), slow, "{text}");
        }
    }
}

#[cfg(test)]
mod date_text {
    /// The date written by hand is the one chrono's format writes.
    #[test]
    fn canonical_dates_are_written_as_chrono_writes_them() {
        for text in [
            "04/08/2024",
            "2024-08-04 00:00:00",
            "01/01/0001",
            "31/12/9999",
            "0000-01-01",
        ] {
            let date = super::parse_date(&text[..10]).unwrap();
            assert_eq!(
                super::canonical_date(text).unwrap(),
                date.format("%Y-%m-%d").to_string()
            );
        }
    }
}
