//! BSON values as grading reads them: text in the spelling the SQL engines use for the same
//! value (so that the checks compare one canonical form), and the BSON type of a field sorted
//! into the certification's type families.

use epreuve_data::TypeFamily;
use mongodb::bson::{Bson, Document};

use crate::DeclaredType;

/// A value as text, `None` for null (and for a field a document lacks). A date at midnight
/// UTC is a calendar date (`2024-03-01`), as pymongo and mongosh store a date without time;
/// otherwise `2024-03-01 10:30:00`. Documents and arrays are relaxed Extended JSON.
pub fn bson_text(value: &Bson) -> Option<String> {
    Some(match value {
        Bson::Null | Bson::Undefined => return None,
        Bson::String(s) => s.clone(),
        Bson::Int32(n) => n.to_string(),
        Bson::Int64(n) => n.to_string(),
        Bson::Double(d) => {
            if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e15 {
                format!("{d:.1}")
            } else {
                d.to_string()
            }
        }
        Bson::Decimal128(d) => d.to_string(),
        Bson::Boolean(b) => b.to_string(),
        Bson::DateTime(t) => {
            let time = utc(*t);
            if time.time() == chrono::NaiveTime::MIN {
                time.format("%Y-%m-%d").to_string()
            } else if time.timestamp_subsec_millis() == 0 {
                time.format("%Y-%m-%d %H:%M:%S").to_string()
            } else {
                time.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
            }
        }
        Bson::ObjectId(id) => id.to_hex(),
        other => other.clone().into_relaxed_extjson().to_string(),
    })
}

/// A BSON date as a UTC date and time (dates beyond chrono's range are its bounds).
fn utc(t: mongodb::bson::DateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(
        if t.timestamp_millis() < 0 {
            chrono::DateTime::<chrono::Utc>::MIN_UTC
        } else {
            chrono::DateTime::<chrono::Utc>::MAX_UTC
        },
    )
}

/// The BSON type's name as `$type` and `$jsonSchema` spell it.
pub fn bson_type_name(value: &Bson) -> &'static str {
    match value {
        Bson::Double(_) => "double",
        Bson::String(_) => "string",
        Bson::Document(_) => "object",
        Bson::Array(_) => "array",
        Bson::Binary(_) => "binData",
        Bson::ObjectId(_) => "objectId",
        Bson::Boolean(_) => "bool",
        Bson::DateTime(_) => "date",
        Bson::Null | Bson::Undefined => "null",
        Bson::RegularExpression(_) => "regex",
        Bson::JavaScriptCode(_) | Bson::JavaScriptCodeWithScope(_) => "javascript",
        Bson::Int32(_) => "int",
        Bson::Timestamp(_) => "timestamp",
        Bson::Int64(_) => "long",
        Bson::Decimal128(_) => "decimal",
        _ => "other",
    }
}

/// What grading knows of one field across a collection's documents: the BSON types its values
/// have (nulls aside), and whether every date is at midnight.
#[derive(Debug, Clone, Default)]
pub struct FieldTypes {
    /// The BSON types seen, in the order first seen.
    pub types: Vec<&'static str>,
    /// False once a date with a time of day is seen.
    pub dates_at_midnight: bool,
    /// True once any date was seen.
    pub any_date: bool,
}

impl FieldTypes {
    /// Counts one value of the field.
    pub fn see(&mut self, value: &Bson) {
        let name = bson_type_name(value);
        if name == "null" {
            return;
        }
        if let Bson::DateTime(t) = value {
            if !self.any_date {
                self.dates_at_midnight = true;
                self.any_date = true;
            }
            if utc(*t).time() != chrono::NaiveTime::MIN {
                self.dates_at_midnight = false;
            }
        }
        if !self.types.contains(&name) {
            self.types.push(name);
        }
    }

    /// The field's type as a declared type: one BSON type in a family, or several (`mixed`:
    /// no family). `max_length` is what the collection's validator declares for the field.
    pub fn declared(&self, max_length: Option<u32>) -> DeclaredType {
        let mut declared = DeclaredType {
            raw: self.types.join("|"),
            family: None,
            is_float: false,
            text_length: None,
            decimal: None,
            bytes: None,
            int_range: None,
        };
        if self.types.is_empty() {
            declared.raw = "null".into();
        }
        let [only] = self.types.as_slice() else {
            return declared;
        };
        match *only {
            "string" => {
                declared.family = Some(TypeFamily::Text);
                declared.text_length = max_length;
            }
            "int" => {
                declared.family = Some(TypeFamily::Integer);
                declared.bytes = Some(4);
                declared.int_range = Some((i32::MIN.into(), i32::MAX.into()));
            }
            "long" => {
                declared.family = Some(TypeFamily::Integer);
                declared.bytes = Some(8);
                declared.int_range = Some((i64::MIN.into(), i64::MAX.into()));
            }
            "double" => {
                declared.family = Some(TypeFamily::Decimal);
                declared.is_float = true;
                declared.bytes = Some(8);
            }
            "decimal" => {
                declared.family = Some(TypeFamily::Decimal);
                declared.bytes = Some(16);
            }
            "bool" => {
                declared.family = Some(TypeFamily::Boolean);
                declared.bytes = Some(1);
            }
            "date" => {
                declared.family = Some(if self.dates_at_midnight {
                    TypeFamily::Date
                } else {
                    TypeFamily::Timestamp
                });
                declared.bytes = Some(8);
            }
            _ => {}
        }
        declared
    }
}

/// The `maxLength` a collection's `$jsonSchema` validator declares for each field, and the
/// BSON type it requires, read from `listCollections`' options.
pub fn validator_fields(options: &Document) -> Vec<(String, Option<String>, Option<u32>)> {
    let Some(schema) = options
        .get_document("validator")
        .ok()
        .and_then(|v| v.get_document("$jsonSchema").ok())
    else {
        return Vec::new();
    };
    let Ok(properties) = schema.get_document("properties") else {
        return Vec::new();
    };
    properties
        .iter()
        .filter_map(|(name, rule)| {
            let rule = rule.as_document()?;
            let bson_type = match rule.get("bsonType") {
                Some(Bson::String(t)) => Some(t.clone()),
                Some(Bson::Array(ts)) => Some(
                    ts.iter()
                        .filter_map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                _ => None,
            };
            let max_length = match rule.get("maxLength") {
                Some(Bson::Int32(n)) => u32::try_from(*n).ok(),
                Some(Bson::Int64(n)) => u32::try_from(*n).ok(),
                Some(Bson::Double(n)) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as u32),
                _ => None,
            };
            Some((name.clone(), bson_type, max_length))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::{DateTime, Decimal128, doc};

    #[test]
    fn values_read_as_the_sql_engines_write_them() {
        let midnight = DateTime::builder()
            .year(2024)
            .month(3)
            .day(1)
            .build()
            .unwrap();
        let later = DateTime::builder()
            .year(2024)
            .month(3)
            .day(1)
            .hour(10)
            .minute(30)
            .build()
            .unwrap();
        let cases: [(Bson, Option<&str>); 8] = [
            (Bson::Null, None),
            (Bson::Int32(7), Some("7")),
            (Bson::Double(12.0), Some("12.0")),
            (Bson::Double(12.25), Some("12.25")),
            (
                Bson::Decimal128("19.90".parse::<Decimal128>().unwrap()),
                Some("19.90"),
            ),
            (Bson::Boolean(true), Some("true")),
            (Bson::DateTime(midnight), Some("2024-03-01")),
            (Bson::DateTime(later), Some("2024-03-01 10:30:00")),
        ];
        for (value, text) in cases {
            assert_eq!(bson_text(&value).as_deref(), text, "{value:?}");
        }
        assert_eq!(
            bson_text(&Bson::Document(doc! {"a": 1})).as_deref(),
            Some("{\"a\":1}")
        );
    }

    #[test]
    fn one_bson_type_is_a_family_several_are_none() {
        let mut dates = FieldTypes::default();
        dates.see(&Bson::DateTime(DateTime::from_millis(0)));
        dates.see(&Bson::Null);
        assert_eq!(dates.declared(None).family, Some(TypeFamily::Date));
        dates.see(&Bson::DateTime(DateTime::from_millis(3_600_000)));
        assert_eq!(dates.declared(None).family, Some(TypeFamily::Timestamp));
        let mut text = FieldTypes::default();
        text.see(&Bson::String("75001".into()));
        let declared = text.declared(Some(5));
        assert_eq!(
            (declared.family, declared.text_length),
            (Some(TypeFamily::Text), Some(5))
        );
        text.see(&Bson::Int32(75001));
        assert_eq!(text.declared(None).family, None);
        assert_eq!(text.declared(None).raw, "string|int");
    }

    #[test]
    fn a_validator_declares_types_and_lengths() {
        let options = doc! {"validator": {"$jsonSchema": {"bsonType": "object", "properties": {
            "nom": {"bsonType": "string", "maxLength": 40},
            "prix": {"bsonType": ["decimal", "null"]},
        }}}};
        assert_eq!(
            validator_fields(&options),
            vec![
                ("nom".to_owned(), Some("string".to_owned()), Some(40)),
                ("prix".to_owned(), Some("decimal|null".to_owned()), None),
            ]
        );
        assert!(validator_fields(&doc! {}).is_empty());
    }
}
