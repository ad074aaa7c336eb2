//! A MongoDB database frozen into a file and restored from it, through the driver: MongoDB's
//! database tools (`mongodump`, `mongorestore`) are not always installed where candidates sit.
//!
//! The file is JSON Lines in canonical Extended JSON, keys in their stored order: first one
//! line per collection, `{"collection": name, "options": {…}, "indexes": [{…}]}` (its validator
//! and its indexes but `_id_`), then one line per document, `{"in": name, "document": {…}}`.
//! Views are frozen as their definition (`options` holds `viewOn` and `pipeline`).

use epreuve_i18n::{Said, said};
use std::io::{BufRead, Write};
use std::path::Path;

use futures_util::TryStreamExt;
use mongodb::bson::{Bson, Document, doc};

use super::MongoDb;
use crate::DbError;

/// The longest line read back: a document is at most 16 MiB in BSON, a little more as JSON.
const MAX_LINE: u64 = 64 * 1024 * 1024;
/// Documents inserted per round trip when restoring.
const BATCH: usize = 1000;

fn failed(what: &str, detail: impl std::fmt::Display) -> DbError {
    DbError::internal(what, detail.to_string())
}

/// The document of line `number` of a frozen database, `None` at its end.
fn frozen_entry(reader: &mut impl BufRead, number: usize) -> Result<Option<Document>, DbError> {
    let mut line = String::new();
    let read = std::io::Read::take(reader, MAX_LINE)
        .read_line(&mut line)
        .map_err(|e| failed("thaw", e))?;
    if read == 0 {
        return Ok(None);
    }
    if !line.ends_with('\n') && read as u64 == MAX_LINE {
        return Err(said_failed(
            "thaw",
            said!("freeze-line-long", line = number.to_string()),
        ));
    }
    match super::json::parse(line.trim_end()) {
        Ok(Bson::Document(entry)) => Ok(Some(entry)),
        Ok(_) => Err(said_failed(
            "thaw",
            said!("freeze-line-not-document", line = number.to_string()),
        )),
        Err(e) => Err(said_failed(
            "thaw",
            said!("freeze-line-bad", line = number.to_string(), error = e),
        )),
    }
}

/// A read or a write of epreuve's own (`what`) that failed: the server's words, or a line of
/// a frozen database that does not read back.
fn said_failed(what: &str, detail: Said) -> DbError {
    DbError::Internal {
        sql: what.to_owned(),
        detail,
    }
}

/// `value` as canonical Extended JSON, documents' keys in their stored order.
fn canonical(value: &Bson, out: &mut String) {
    match value {
        Bson::Document(document) => {
            out.push('{');
            for (i, (key, value)) in document.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                canonical(value, out);
            }
            out.push('}');
        }
        Bson::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        leaf => out.push_str(&leaf.clone().into_canonical_extjson().to_string()),
    }
}

impl MongoDb {
    /// Writes every collection of the database, its options and indexes and every document,
    /// to `target` (see the module's words).
    pub fn freeze(&self, target: &Path) -> Result<(), DbError> {
        let file = std::fs::File::create(target)
            .map_err(|e| failed("freeze", format!("{}: {e}", target.display())))?;
        let mut out = std::io::BufWriter::new(file);
        let db = self.database();
        let write = |out: &mut std::io::BufWriter<std::fs::File>, line: Document| {
            let mut text = String::new();
            canonical(&Bson::Document(line), &mut text);
            text.push('\n');
            out.write_all(text.as_bytes())
                .map_err(|e| failed("freeze", e))
        };
        let collections: Vec<Document> = self
            .block_on(async {
                let cursor = db.run_cursor_command(doc! { "listCollections": 1 }).await?;
                cursor.try_collect::<Vec<Document>>().await
            })
            .map_err(|e| said_failed("listCollections", super::words(&e)))?;
        let mut names = Vec::new();
        for collection in &collections {
            let Ok(name) = collection.get_str("name") else {
                continue;
            };
            if name.starts_with("system.") {
                continue;
            }
            let options = collection
                .get_document("options")
                .cloned()
                .unwrap_or_default();
            let view = collection.get_str("type").is_ok_and(|t| t == "view");
            let indexes: Vec<Bson> = if view {
                Vec::new()
            } else {
                self.block_on(async {
                    let cursor = db.run_cursor_command(doc! { "listIndexes": name }).await?;
                    cursor.try_collect::<Vec<Document>>().await
                })
                .map_err(|e| said_failed("listIndexes", super::words(&e)))?
                .into_iter()
                .filter(|i| i.get_str("name").is_ok_and(|n| n != "_id_"))
                .map(Bson::Document)
                .collect()
            };
            write(
                &mut out,
                doc! { "collection": name, "options": options, "indexes": indexes },
            )?;
            if !view {
                names.push(name.to_owned());
            }
        }
        for name in names {
            let collection = db.collection::<Document>(&name);
            let mut cursor = self
                .block_on(async { collection.find(doc! {}).await })
                .map_err(|e| said_failed("find", super::words(&e)))?;
            while let Some(document) = self
                .block_on(async { cursor.try_next().await })
                .map_err(|e| said_failed("find", super::words(&e)))?
            {
                write(&mut out, doc! { "in": &name, "document": document })?;
            }
        }
        out.flush().map_err(|e| failed("freeze", e))?;
        out.into_inner()
            .map_err(|e| failed("freeze", e))?
            .sync_all()
            .map_err(|e| failed("freeze", e))
    }

    /// Restores into this database what [`MongoDb::freeze`] wrote to `source`: collections
    /// with their options, documents, then indexes. The file is read as hostile input: each
    /// line at most 64 MiB, each a document of the two shapes above or refused.
    pub fn thaw(&self, source: &Path) -> Result<(), DbError> {
        let file = std::fs::File::open(source)
            .map_err(|e| failed("thaw", format!("{}: {e}", source.display())))?;
        let mut reader = std::io::BufReader::new(file);
        let db = self.database();
        let mut indexes: Vec<(String, Vec<Bson>)> = Vec::new();
        let mut pending: Vec<(String, Vec<Document>)> = Vec::new();
        let flush = |pending: &mut Vec<(String, Vec<Document>)>| -> Result<(), DbError> {
            for (name, documents) in pending.drain(..) {
                if documents.is_empty() {
                    continue;
                }
                let collection = db.collection::<Document>(&name);
                // The frozen documents are what the database held, whether or not they fit the
                // validator the candidate left (one changed after loading, or bypassed).
                self.block_on(async {
                    collection
                        .insert_many(documents)
                        .bypass_document_validation(true)
                        .await
                })
                .map_err(|e| said_failed("insert", super::words(&e)))?;
            }
            Ok(())
        };
        let mut number = 0usize;
        loop {
            number += 1;
            let Some(entry) = frozen_entry(&mut reader, number)? else {
                break;
            };
            if let (Ok(name), Ok(options)) =
                (entry.get_str("collection"), entry.get_document("options"))
            {
                let mut create = doc! { "create": name };
                for (key, value) in options {
                    create.insert(key.clone(), value.clone());
                }
                self.block_on(async { db.run_command(create).await })
                    .map_err(|e| said_failed("create", super::words(&e)))?;
                if let Ok(list) = entry.get_array("indexes") {
                    indexes.push((name.to_owned(), list.clone()));
                }
            } else if let (Ok(name), Ok(document)) =
                (entry.get_str("in"), entry.get_document("document"))
            {
                match pending.iter_mut().find(|(n, _)| n == name) {
                    Some((_, documents)) => documents.push(document.clone()),
                    None => pending.push((name.to_owned(), vec![document.clone()])),
                }
                if pending.iter().map(|(_, d)| d.len()).sum::<usize>() >= BATCH {
                    flush(&mut pending)?;
                }
            } else {
                return Err(said_failed(
                    "thaw",
                    said!("freeze-line-neither", line = number.to_string()),
                ));
            }
        }
        flush(&mut pending)?;
        for (name, list) in indexes {
            let specs: Vec<Bson> = list
                .into_iter()
                .filter_map(|spec| {
                    let mut spec = spec.as_document()?.clone();
                    // The server fills these in again.
                    spec.remove("v");
                    spec.remove("ns");
                    Some(Bson::Document(spec))
                })
                .collect();
            if specs.is_empty() {
                continue;
            }
            self.block_on(async {
                db.run_command(doc! { "createIndexes": &name, "indexes": specs })
                    .await
            })
            .map_err(|e| said_failed("createIndexes", super::words(&e)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_keeps_the_stored_order_and_the_types() {
        let value = Bson::Document(doc! {
            "z": 1_i32,
            "a": { "y": 2.5_f64, "b": [1_i64, "x"] },
        });
        let mut text = String::new();
        canonical(&value, &mut text);
        assert_eq!(
            text,
            r#"{"z":{"$numberInt":"1"},"a":{"y":{"$numberDouble":"2.5"},"b":[{"$numberLong":"1"},"x"]}}"#
        );
        assert_eq!(super::super::json::parse(&text).unwrap(), value);
    }
}
