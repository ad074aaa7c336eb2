//! A candidate's saved MongoDB query: a file of Extended JSON that names one collection and
//! either a `find` (filter, projection, sort, skip, limit) or an `aggregate` pipeline, or one
//! of the listing commands of a new installation (`listDatabases`, `listCollections`).
//!
//! epreuve never runs a candidate's JavaScript and never sends their document as it is: it
//! reads the fields it knows, refuses anything that writes or runs code, and builds the
//! command itself, with its own `maxTimeMS` and batch size.
//!
//! ```json
//! {"find": "ventes", "filter": {"montant_ttc": {"$gte": 100}}, "projection": {"_id": 0}, "limit": 10}
//! {"aggregate": "ventes", "pipeline": [{"$group": {"_id": "$code_magasin", "n": {"$sum": 1}}}]}
//! {"listDatabases": 1}
//! ```

use epreuve_i18n::{Said, said};
use mongodb::bson::{Bson, Document, doc};

/// Operators and stages that write, or run code on the server: refused wherever they appear.
pub const REFUSED: [&str; 6] = [
    "$out",
    "$merge",
    "$where",
    "$function",
    "$accumulator",
    "$eval",
];

/// Nesting deeper than this is refused before the server sees it.
const MAX_DEPTH: usize = 64;

/// What a saved query asks. One is read per saved file: the size of a `find` is no cost.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum SavedQuery {
    /// Documents of `collection`.
    Find {
        /// The collection read.
        collection: String,
        /// Which documents.
        filter: Document,
        /// Which fields.
        projection: Option<Document>,
        /// In which order.
        sort: Option<Document>,
        /// How many skipped first.
        skip: Option<i64>,
        /// How many at most.
        limit: Option<i64>,
    },
    /// An aggregation pipeline over `collection`.
    Aggregate {
        /// The collection read.
        collection: String,
        /// The stages.
        pipeline: Vec<Document>,
    },
    /// The server's databases (`admin`, `config`, `local` on a new installation).
    ListDatabases,
    /// The collections of the candidate's database.
    ListCollections,
}

impl SavedQuery {
    /// Reads a saved query's text; the error is a sentence for the candidate.
    pub fn parse(text: &str) -> Result<Self, Said> {
        // mongosh's own words for the two listings, as a candidate used to it saves them
        // (mongosh reads them in lower case only: `SHOW DATABASES` is SQL).
        let words = text.trim().trim_end_matches(';').trim();
        match words.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["show", "dbs" | "databases"] => return Ok(Self::ListDatabases),
            ["show", "collections" | "tables"] => return Ok(Self::ListCollections),
            _ => {}
        }
        let bson = super::json::parse(text)?;
        let Bson::Document(document) = bson else {
            return Err(said!("mongo-query-no-object", example = "{…}"));
        };
        refuse_code(&Bson::Document(document.clone()), 0)?;
        let known = |allowed: &[&str]| -> Result<(), Said> {
            match document.keys().find(|k| !allowed.contains(&k.as_str())) {
                Some(key) => Err(said!(
                    "mongo-query-field",
                    key = key,
                    fields = allowed.join(", ")
                )),
                None => Ok(()),
            }
        };
        if document.contains_key("find") {
            known(&["find", "filter", "projection", "sort", "skip", "limit"])?;
            Ok(Self::Find {
                collection: collection(&document, "find")?,
                filter: optional_document(&document, "filter")?.unwrap_or_default(),
                projection: optional_document(&document, "projection")?,
                sort: optional_document(&document, "sort")?,
                skip: optional_count(&document, "skip")?,
                limit: optional_count(&document, "limit")?,
            })
        } else if document.contains_key("aggregate") {
            known(&["aggregate", "pipeline"])?;
            let stages = match document.get("pipeline") {
                Some(Bson::Array(stages)) => stages,
                Some(_) => return Err(said!("mongo-query-pipeline-list")),
                None => return Err(said!("mongo-query-no-pipeline")),
            };
            let pipeline = stages
                .iter()
                .map(|stage| match stage {
                    Bson::Document(stage) => Ok(stage.clone()),
                    _ => Err(said!("mongo-query-stage", example = r#"{"$match": {…}}"#)),
                })
                .collect::<Result<_, _>>()?;
            Ok(Self::Aggregate {
                collection: collection(&document, "aggregate")?,
                pipeline,
            })
        } else if document.contains_key("listDatabases") {
            known(&["listDatabases", "nameOnly"])?;
            Ok(Self::ListDatabases)
        } else if document.contains_key("listCollections") {
            known(&["listCollections", "nameOnly"])?;
            Ok(Self::ListCollections)
        } else {
            Err(said!("mongo-query-none"))
        }
    }

    /// The command epreuve sends: the candidate's fields, epreuve's limits.
    pub fn command(&self, max_time_ms: i64, batch: i32) -> Document {
        match self {
            Self::Find {
                collection,
                filter,
                projection,
                sort,
                skip,
                limit,
            } => {
                let mut command = doc! {
                    "find": collection,
                    "filter": filter.clone(),
                    "batchSize": batch,
                    "maxTimeMS": max_time_ms,
                };
                if let Some(projection) = projection {
                    command.insert("projection", projection.clone());
                }
                if let Some(sort) = sort {
                    command.insert("sort", sort.clone());
                }
                if let Some(skip) = skip {
                    command.insert("skip", *skip);
                }
                if let Some(limit) = limit {
                    command.insert("limit", *limit);
                }
                command
            }
            Self::Aggregate {
                collection,
                pipeline,
            } => doc! {
                "aggregate": collection,
                "pipeline": pipeline.clone(),
                "cursor": { "batchSize": batch },
                "maxTimeMS": max_time_ms,
            },
            // Every account may list the databases it holds rights on.
            Self::ListDatabases => doc! {
                "listDatabases": 1,
                "nameOnly": true,
                "authorizedDatabases": true,
            },
            Self::ListCollections => doc! {
                "listCollections": 1,
                "nameOnly": true,
                "cursor": { "batchSize": batch },
                "maxTimeMS": max_time_ms,
            },
        }
    }
}

/// Refuses any key of `value` that writes or runs code, and nesting without end.
fn refuse_code(value: &Bson, depth: usize) -> Result<(), Said> {
    if depth > MAX_DEPTH {
        return Err(said!("mongo-query-deep", levels = MAX_DEPTH.to_string()));
    }
    match value {
        Bson::Document(document) => {
            for (key, inner) in document {
                if REFUSED.contains(&key.as_str()) {
                    return Err(said!("mongo-query-writes", key = key));
                }
                refuse_code(inner, depth + 1)?;
            }
            Ok(())
        }
        Bson::Array(items) => items.iter().try_for_each(|i| refuse_code(i, depth + 1)),
        Bson::JavaScriptCode(_) | Bson::JavaScriptCodeWithScope(_) => {
            Err(said!("mongo-query-javascript"))
        }
        _ => Ok(()),
    }
}

fn collection(document: &Document, key: &str) -> Result<String, Said> {
    match document.get(key) {
        Some(Bson::String(name)) if !name.is_empty() => Ok(name.clone()),
        _ => Err(said!("mongo-query-collection", key = key)),
    }
}

fn optional_document(document: &Document, key: &str) -> Result<Option<Document>, Said> {
    match document.get(key) {
        None | Some(Bson::Null) => Ok(None),
        Some(Bson::Document(inner)) => Ok(Some(inner.clone())),
        Some(_) => Err(said!(
            "mongo-query-object",
            key = key,
            example = r#"{"field": 1}"#
        )),
    }
}

fn optional_count(document: &Document, key: &str) -> Result<Option<i64>, Said> {
    let count = match document.get(key) {
        None | Some(Bson::Null) => return Ok(None),
        Some(Bson::Int32(n)) => i64::from(*n),
        Some(Bson::Int64(n)) => *n,
        Some(Bson::Double(n)) if n.fract() == 0.0 && n.abs() < 1e15 => *n as i64,
        Some(_) => return Err(said!("mongo-query-whole", key = key)),
    };
    if count < 0 {
        return Err(said!("mongo-query-not-negative", key = key));
    }
    Ok(Some(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mongoshs_listings_are_read_in_its_own_spelling_only() {
        for text in ["show dbs", "show databases;\n", "  show   dbs  "] {
            assert_eq!(
                SavedQuery::parse(text),
                Ok(SavedQuery::ListDatabases),
                "{text}"
            );
        }
        assert_eq!(
            SavedQuery::parse("show collections"),
            Ok(SavedQuery::ListCollections)
        );
        // SQL, not mongosh: refused as a file that is not JSON.
        for text in ["SHOW DATABASES;", "Show Dbs", "SELECT * FROM dbs"] {
            assert!(SavedQuery::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_find_and_an_aggregate_are_read_and_limited_by_epreuve() {
        let find = SavedQuery::parse(
            r#"{"find": "ventes", "filter": {"montant_ttc": {"$gte": {"$numberDecimal": "100"}}}, "projection": {"_id": 0}, "limit": 10}"#,
        )
        .unwrap();
        let command = find.command(5000, 100);
        assert_eq!(command.get_str("find").unwrap(), "ventes");
        assert_eq!(command.get_i64("maxTimeMS").unwrap(), 5000);
        assert_eq!(command.get_i64("limit").unwrap(), 10);
        let aggregate = SavedQuery::parse(
            r#"{"aggregate": "ventes", "pipeline": [{"$group": {"_id": "$code_magasin", "n": {"$sum": 1}}}]}"#,
        )
        .unwrap();
        assert!(
            matches!(aggregate, SavedQuery::Aggregate { ref pipeline, .. } if pipeline.len() == 1)
        );
        assert_eq!(
            SavedQuery::parse(r#"{"listDatabases": 1}"#).unwrap(),
            SavedQuery::ListDatabases
        );
    }

    #[test]
    fn what_writes_or_runs_code_is_refused_wherever_it_hides() {
        for text in [
            r#"{"aggregate": "ventes", "pipeline": [{"$out": "produits"}]}"#,
            r#"{"aggregate": "ventes", "pipeline": [{"$match": {}}, {"$merge": {"into": "x"}}]}"#,
            r#"{"find": "ventes", "filter": {"$where": "sleep(100000)"}}"#,
            r#"{"aggregate": "ventes", "pipeline": [{"$project": {"x": {"$function": {"body": "1", "args": [], "lang": "js"}}}}]}"#,
            r#"{"aggregate": "ventes", "pipeline": [{"$group": {"_id": 1, "a": {"$accumulator": {}}}}]}"#,
            r#"{"find": "ventes", "filter": {"$expr": {"$and": [{"$or": [{"$where": "1"}]}]}}}"#,
            r#"{"find": "ventes", "filter": {"f": {"$code": "function(){}"}}}"#,
        ] {
            let refused = SavedQuery::parse(text).unwrap_err().english();
            assert!(
                refused.contains("only reads") || refused.contains("JavaScript"),
                "{text}: {refused}"
            );
        }
    }

    #[test]
    fn malformed_queries_are_named() {
        let deep = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
        for (text, said) in [
            ("db.ventes.find({})", "not JSON"),
            ("[1, 2]", "no JSON object"),
            (r#"{"find": 3}"#, "names a collection"),
            (r#"{"find": "v", "limit": -1}"#, "0 or more"),
            (r#"{"find": "v", "hint": "x"}"#, "`hint` is not a field"),
            (
                r#"{"aggregate": "v", "pipeline": {"$match": {}}}"#,
                "not a list",
            ),
            (r#"{"update": "v"}"#, "names no query"),
            (&deep, "deeper than"),
        ] {
            let refused = SavedQuery::parse(text).unwrap_err().english();
            assert!(refused.contains(said), "{text}: {refused}");
        }
    }

    /// A key the candidate wrote is quoted as written in both languages: Fluent's braces, an
    /// escape and markup in it are text, never a placeholder or a message of their own (the
    /// printers and pages then make them inert).
    #[test]
    fn a_hostile_key_is_quoted_as_written() {
        let key = "{ $fields }\u{1b}[2J<b>=1";
        let text = format!(r#"{{"find": "v", {}: 1}}"#, serde_json::json!(key));
        let refused = SavedQuery::parse(&text).unwrap_err();
        for lang in epreuve_i18n::Lang::ALL {
            let shown = refused.checked(lang).expect("renders");
            assert!(shown.contains(key), "{shown:?}");
        }
    }
}
