//! What epreuve itself writes into a MongoDB database: a shipped solution applied by `demo`
//! and the tests, as a candidate's pymongo script would.
//!
//! - [`Loader::execute`] runs database commands written as Extended JSON (one document, or an
//!   array of them run in order): `create` with a validator, `createIndexes`, `collMod`,
//!   `drop`.
//! - [`Loader::insert_rows`] turns each row of canonical text into a document whose field
//!   types are the ones the collection's `$jsonSchema` validator declares (`bsonType`): a
//!   solution that keeps dates as strings declares them `string`. A field the validator does
//!   not type is a string; an empty cell leaves the field out, as `dropna` would.

use epreuve_data::TextRow;
use epreuve_i18n::said;
use mongodb::bson::{Bson, Document};

use super::MongoDb;
use super::text::validator_fields;
use crate::{DbError, Loader};

impl Loader for MongoDb {
    fn execute(&self, text: &str) -> Result<(), DbError> {
        self.forget_fields();
        let failed = |detail| DbError::Query { detail };
        let bson = super::json::parse(text).map_err(failed)?;
        let commands: Vec<Document> = match bson {
            Bson::Document(command) => vec![command],
            Bson::Array(list) => list
                .into_iter()
                .map(|c| match c {
                    Bson::Document(command) => Ok(command),
                    other => Err(failed(said!(
                        "mongo-command-not-document",
                        value = other.to_string()
                    ))),
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(failed(said!(
                    "mongo-not-a-command",
                    value = other.to_string()
                )));
            }
        };
        let db = self.database();
        for command in commands {
            let name = command.keys().next().cloned().unwrap_or_default();
            self.block_on(async { db.run_command(command).await })
                .map_err(|e| DbError::Query {
                    detail: said!(
                        "mongo-command-failed",
                        command = &name,
                        error = super::words(&e)
                    ),
                })?;
        }
        Ok(())
    }

    fn rows_per_insert(&self) -> usize {
        5000
    }

    fn insert_rows(
        &self,
        table: &str,
        columns: &[String],
        _booleans: &[bool],
        rows: &[TextRow],
    ) -> Result<(), DbError> {
        self.forget_fields();
        let declared = validator_fields(&self.collection_options(table)?);
        let types: Vec<Option<String>> = columns
            .iter()
            .map(|c| {
                declared
                    .iter()
                    .find(|(name, _, _)| name == c)
                    .and_then(|(_, t, _)| t.clone())
            })
            .collect();
        let mut documents = Vec::with_capacity(rows.len());
        for row in rows {
            let mut document = Document::new();
            for ((column, bson_type), value) in columns.iter().zip(&types).zip(row) {
                if let Some(value) = value {
                    document.insert(column, typed(value, bson_type.as_deref()));
                }
            }
            documents.push(document);
        }
        if documents.is_empty() {
            return Ok(());
        }
        let collection = self.database().collection::<Document>(table);
        self.block_on(async { collection.insert_many(documents).await })
            .map(|_| ())
            .map_err(|e| DbError::Query {
                detail: said!("db-insert-failed", table = table, error = super::words(&e)),
            })
    }
}

/// `value` (canonical text: `2025-07-16`, `13.73`, `true`) as the BSON type `bson_type` (the
/// first of a list), or as a string when it is none or the text does not read as one.
fn typed(value: &str, bson_type: Option<&str>) -> Bson {
    let text = || Bson::String(value.to_owned());
    match bson_type.and_then(|t| t.split('|').next()) {
        Some("int") => value
            .parse::<i32>()
            .map(Bson::Int32)
            .or_else(|_| value.parse::<i64>().map(Bson::Int64))
            .unwrap_or_else(|_| text()),
        Some("long") => value
            .parse::<i64>()
            .map(Bson::Int64)
            .unwrap_or_else(|_| text()),
        Some("double") => value
            .parse::<f64>()
            .map(Bson::Double)
            .unwrap_or_else(|_| text()),
        Some("decimal") => value
            .parse::<mongodb::bson::Decimal128>()
            .map(Bson::Decimal128)
            .unwrap_or_else(|_| text()),
        Some("bool") => match value {
            "true" => Bson::Boolean(true),
            "false" => Bson::Boolean(false),
            _ => text(),
        },
        Some("date") => date(value).map(Bson::DateTime).unwrap_or_else(text),
        _ => text(),
    }
}

/// A canonical date (`2025-07-16`) or timestamp (`2025-07-16 10:30:00`) as a BSON date in UTC.
fn date(value: &str) -> Option<mongodb::bson::DateTime> {
    let time = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()?;
    Some(mongodb::bson::DateTime::from_millis(
        time.and_utc().timestamp_millis(),
    ))
}

#[cfg(test)]
mod tests {
    use super::typed;
    use mongodb::bson::Bson;

    #[test]
    fn canonical_text_becomes_the_declared_type_or_stays_text() {
        assert_eq!(typed("12", Some("int")), Bson::Int32(12));
        assert_eq!(typed("5000000000", Some("int")), Bson::Int64(5_000_000_000));
        assert_eq!(typed("12.5", Some("double")), Bson::Double(12.5));
        assert_eq!(typed("true", Some("bool")), Bson::Boolean(true));
        assert_eq!(typed("oui", Some("bool")), Bson::String("oui".into()));
        assert_eq!(typed("12", None), Bson::String("12".into()));
        assert!(
            matches!(typed("13.73", Some("decimal")), Bson::Decimal128(d) if d.to_string() == "13.73")
        );
        let Bson::DateTime(day) = typed("2025-07-16", Some("date")) else {
            panic!("not a date")
        };
        assert_eq!(day.timestamp_millis() % 86_400_000, 0);
        assert_eq!(
            typed("16/07/2025", Some("date")),
            Bson::String("16/07/2025".into())
        );
    }
}
