//! Declared column types, read from the engine's catalogue and sorted into families with
//! their sizes, so that checks compare families and byte sizes rather than engine spellings.

use epreuve_data::TypeFamily;
use serde::Serialize;

/// A declared type, as a grader sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeclaredType {
    /// The engine's spelling, such as `DECIMAL(5,2)` or `VARCHAR`.
    pub raw: String,
    /// Family, or `None` for types outside the certification's families (lists, blobs…).
    pub family: Option<TypeFamily>,
    /// True for binary floating point (`REAL`, `DOUBLE`).
    pub is_float: bool,
    /// Declared maximum length of a text type, where the engine keeps it.
    pub text_length: Option<u32>,
    /// Precision and scale of an exact decimal.
    pub decimal: Option<(u32, u32)>,
    /// Storage size in bytes of fixed-size types (integers, dates, floats).
    pub bytes: Option<u32>,
    /// Smallest and largest value an integer type holds.
    pub int_range: Option<(i128, i128)>,
}

impl DeclaredType {
    /// Sorts a type name in the common SQL spelling (`INTEGER`, `DECIMAL(5,2)`,
    /// `CHARACTER VARYING(30)`…) into a family with its sizes.
    pub fn parse(raw: &str, text_length: Option<u32>, decimal: Option<(u32, u32)>) -> Self {
        let upper = raw.trim().to_uppercase();
        let base = upper.split('(').next().unwrap_or("").trim().to_owned();
        let mut declared = Self {
            raw: raw.trim().to_owned(),
            family: None,
            is_float: false,
            text_length,
            decimal: None,
            bytes: None,
            int_range: None,
        };
        let int = |bytes: u32, signed: bool| {
            let bits = bytes * 8;
            if signed {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            }
        };
        let integer = match base.as_str() {
            "TINYINT" | "INT1" => Some((1, true)),
            "SMALLINT" | "INT2" | "SHORT" => Some((2, true)),
            "INTEGER" | "INT" | "INT4" | "SIGNED" | "MEDIUMINT" => Some((4, true)),
            "BIGINT" | "INT8" | "LONG" => Some((8, true)),
            "HUGEINT" | "INT128" => Some((16, true)),
            "UTINYINT" => Some((1, false)),
            "USMALLINT" => Some((2, false)),
            "UINTEGER" => Some((4, false)),
            "UBIGINT" => Some((8, false)),
            "UHUGEINT" => Some((16, false)),
            _ => None,
        };
        if let Some((bytes, signed)) = integer {
            declared.family = Some(TypeFamily::Integer);
            declared.bytes = Some(bytes);
            declared.int_range = Some(int(bytes, signed));
            return declared;
        }
        match base.as_str() {
            "DECIMAL" | "NUMERIC" => {
                declared.family = Some(TypeFamily::Decimal);
                declared.decimal = decimal.or_else(|| parse_args(&upper));
            }
            "REAL" | "FLOAT4" | "FLOAT" | "DOUBLE" | "FLOAT8" | "DOUBLE PRECISION" => {
                declared.family = Some(TypeFamily::Decimal);
                declared.is_float = true;
                declared.bytes = Some(if matches!(base.as_str(), "REAL" | "FLOAT4" | "FLOAT") {
                    4
                } else {
                    8
                });
            }
            "DATE" => {
                declared.family = Some(TypeFamily::Date);
                declared.bytes = Some(4);
            }
            "TIMESTAMP"
            | "TIMESTAMP WITHOUT TIME ZONE"
            | "DATETIME"
            | "TIMESTAMP WITH TIME ZONE"
            | "TIMESTAMPTZ"
            | "TIMESTAMP_S"
            | "TIMESTAMP_MS"
            | "TIMESTAMP_NS" => {
                declared.family = Some(TypeFamily::Timestamp);
                declared.bytes = Some(8);
            }
            "BOOLEAN" | "BOOL" | "LOGICAL" => {
                declared.family = Some(TypeFamily::Boolean);
                declared.bytes = Some(1);
            }
            "VARCHAR" | "CHAR" | "CHARACTER" | "CHARACTER VARYING" | "TEXT" | "STRING"
            | "BPCHAR" | "NVARCHAR" | "NCHAR" => {
                declared.family = Some(TypeFamily::Text);
                declared.text_length = text_length.or_else(|| parse_args(&upper).map(|(n, _)| n));
            }
            _ => {}
        }
        declared
    }
}

/// `DECIMAL(5,2)` → `(5, 2)`; `VARCHAR(30)` → `(30, 0)`.
fn parse_args(upper: &str) -> Option<(u32, u32)> {
    let inside = upper.split_once('(')?.1.split_once(')')?.0;
    let mut parts = inside.split(',').map(|p| p.trim().parse::<u32>());
    let first = parts.next()?.ok()?;
    let second = parts.next().and_then(Result::ok).unwrap_or(0);
    Some((first, second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_are_sorted_into_families() {
        let d = DeclaredType::parse("DECIMAL(5,2)", None, None);
        assert_eq!(
            (d.family, d.decimal),
            (Some(TypeFamily::Decimal), Some((5, 2)))
        );
        let s = DeclaredType::parse("smallint", None, None);
        assert_eq!(s.int_range, Some((-32768, 32767)));
        let v = DeclaredType::parse("character varying(30)", None, None);
        assert_eq!(
            (v.family, v.text_length),
            (Some(TypeFamily::Text), Some(30))
        );
        assert_eq!(DeclaredType::parse("INTEGER[]", None, None).family, None);
        assert!(DeclaredType::parse("DOUBLE", None, None).is_float);
    }
}
