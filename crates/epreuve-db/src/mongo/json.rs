//! Extended JSON read with its keys in the order written. MongoDB reads order: a command's
//! name is its first key, and `$sort` or an index's keys are ordered. serde_json's maps sort
//! their keys (epreuve does not turn on its `preserve_order`, which would reorder every JSON
//! file epreuve writes), so the text is read into an ordered tree first; each object that is
//! an Extended JSON value (`{"$oid": …}`, `{"$date": …}`, `{"$numberLong": …}`…) is then
//! converted by bson itself.

use epreuve_i18n::{Said, said};
use std::fmt;

use mongodb::bson::{Bson, Document};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Nesting deeper than this is refused while reading.
const MAX_DEPTH: usize = 128;

/// A JSON value whose objects keep their keys in order.
enum Ordered {
    Scalar(serde_json::Value),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(
                    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into),
                ))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(serde_json::Value::Null))
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(serde_json::Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries: Vec<(String, Ordered)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Ordered>()? {
                    // A key written twice keeps its last value, in its first place.
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                Ok(Ordered::Object(entries))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Ordered {
    /// The plain JSON value (keys sorted), for bson's own reading of an Extended JSON value.
    fn plain(self) -> serde_json::Value {
        match self {
            Self::Scalar(v) => v,
            Self::Array(items) => items.into_iter().map(Self::plain).collect(),
            Self::Object(entries) => entries.into_iter().map(|(k, v)| (k, v.plain())).collect(),
        }
    }

    fn into_bson(self, depth: usize) -> Result<Bson, Said> {
        if depth > MAX_DEPTH {
            return Err(said!("mongo-json-deep", levels = MAX_DEPTH.to_string()));
        }
        match self {
            Self::Scalar(v) => Bson::try_from(v).map_err(|e| Said::verbatim(e.to_string())),
            Self::Array(items) => items
                .into_iter()
                .map(|i| i.into_bson(depth + 1))
                .collect::<Result<Vec<_>, _>>()
                .map(Bson::Array),
            // `{"$oid": …}` and the like: one of bson's Extended JSON values.
            Self::Object(entries) if is_extended_value(&entries) => {
                Bson::try_from(Self::Object(entries).plain())
                    .map_err(|e| Said::verbatim(e.to_string()))
            }
            Self::Object(entries) => {
                let mut document = Document::new();
                for (key, value) in entries {
                    document.insert(key, value.into_bson(depth + 1)?);
                }
                Ok(Bson::Document(document))
            }
        }
    }
}

/// Whether an object is an Extended JSON value rather than a document: its keys are those of
/// one of the value types (`$oid`, `$date`, `$numberLong`…), not operators like `$gte`.
fn is_extended_value(entries: &[(String, Ordered)]) -> bool {
    const TYPES: [&str; 16] = [
        "$oid",
        "$date",
        "$numberLong",
        "$numberInt",
        "$numberDouble",
        "$numberDecimal",
        "$binary",
        "$uuid",
        "$timestamp",
        "$regularExpression",
        "$symbol",
        "$code",
        "$minKey",
        "$maxKey",
        "$undefined",
        "$dbPointer",
    ];
    entries
        .first()
        .is_some_and(|(k, _)| TYPES.contains(&k.as_str()))
}

/// Reads Extended JSON text, keys in the order written; the error is a sentence for a person.
pub fn parse(text: &str) -> Result<Bson, Said> {
    let ordered: Ordered = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| said!("mongo-not-json", error = e.to_string()))?;
    ordered
        .into_bson(0)
        .map_err(|e| said!("mongo-not-extended-json", error = e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order_and_extended_values_are_read() {
        let bson = parse(
            r#"{"insert": "essai", "documents": [{"z": 1, "a": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "d": {"$date": "2025-02-03T00:00:00Z"}}], "sort": {"b": -1, "a": 1}}"#,
        )
        .unwrap();
        let Bson::Document(command) = bson else {
            panic!()
        };
        let keys: Vec<&String> = command.keys().collect();
        assert_eq!(keys, ["insert", "documents", "sort"]);
        let sort: Vec<&String> = command.get_document("sort").unwrap().keys().collect();
        assert_eq!(sort, ["b", "a"]);
        let first = command.get_array("documents").unwrap()[0]
            .as_document()
            .unwrap()
            .clone();
        assert_eq!(first.keys().collect::<Vec<_>>(), ["z", "a", "d"]);
        assert!(matches!(first.get("a"), Some(Bson::ObjectId(_))));
        assert!(matches!(first.get("d"), Some(Bson::DateTime(_))));
        // Operators stay documents.
        let filter = parse(r#"{"montant": {"$gte": 100, "$lt": 200}}"#).unwrap();
        assert_eq!(
            filter
                .as_document()
                .unwrap()
                .get_document("montant")
                .unwrap()
                .len(),
            2
        );
        assert!(parse("[").is_err());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).is_err());
    }
}
