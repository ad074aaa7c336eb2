//! JSON sources: an array of records, found at the end of a path of keys through nested
//! arrays, with fields of the enclosing objects copied onto each record (as pandas'
//! `json_normalize(record_path=…, meta=…)` does). Nested objects inside a record are flattened
//! with dotted names (`adresse.ville`).

use epreuve_i18n::{Said, said};
use std::path::Path;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{DataError, frame_from_columns};

/// A field of an enclosing object copied onto every record below it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonMeta {
    /// Depth of the enclosing object: 0 for the document, 1 for an element of the first
    /// array of `record_path`, and so on.
    pub level: usize,
    /// Key of the field in that object.
    pub field: String,
    /// Column name on the record.
    pub column: String,
}

pub(super) fn read(
    path: &Path,
    record_path: &[String],
    meta: &[JsonMeta],
) -> Result<DataFrame, DataError> {
    let text = std::fs::read_to_string(path).map_err(|e| DataError::io(path, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let document: Value = serde_json::from_str(text).map_err(|e| DataError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: Said::verbatim(e.to_string()),
    })?;
    let mut records = Vec::new();
    collect(
        path,
        &document,
        record_path,
        meta,
        &mut Vec::new(),
        "",
        &mut records,
    )?;

    let mut names: Vec<String> = meta.iter().map(|m| m.column.clone()).collect();
    let mut flat_records = Vec::with_capacity(records.len());
    for (inherited, record) in records {
        let mut flat = Map::new();
        flatten("", record, &mut flat);
        for key in flat.keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
        flat_records.push((inherited, flat));
    }
    // Inherited fields come first, in manifest order, then record fields in order of appearance.
    let mut cells: Vec<Vec<Option<String>>> =
        vec![Vec::with_capacity(flat_records.len()); names.len()];
    for (inherited, flat) in &flat_records {
        for (i, name) in names.iter().enumerate() {
            let value = if i < meta.len() {
                inherited.get(i).cloned().flatten()
            } else {
                flat.get(name).and_then(value_text)
            };
            cells[i].push(value);
        }
    }
    frame_from_columns(path, names, cells)
}

type Record<'a> = (Vec<Option<String>>, &'a Map<String, Value>);

/// Walks `rest` of the record path from `node`, collecting records and their inherited fields.
fn collect<'a>(
    path: &Path,
    node: &'a Value,
    rest: &[String],
    meta: &[JsonMeta],
    stack: &mut Vec<&'a Map<String, Value>>,
    at: &str,
    out: &mut Vec<Record<'a>>,
) -> Result<(), DataError> {
    let shape = |message: Said| DataError::JsonShape {
        path: path.to_path_buf(),
        message,
    };
    match (node, rest.split_first()) {
        (Value::Object(object), Some((key, tail))) => {
            let child = object
                .get(key)
                .ok_or_else(|| shape(said!("data-json-no-key", at = place(at), key = key)))?;
            let Value::Array(items) = child else {
                return Err(shape(said!(
                    "data-json-not-array",
                    at = format!("{at}.{key}")
                )));
            };
            stack.push(object);
            for (i, item) in items.iter().enumerate() {
                collect(
                    path,
                    item,
                    tail,
                    meta,
                    stack,
                    &format!("{at}.{key}[{i}]"),
                    out,
                )?;
            }
            stack.pop();
            Ok(())
        }
        (Value::Array(items), _) if stack.is_empty() && at.is_empty() => {
            // A document that is itself an array: its elements are the first level.
            for (i, item) in items.iter().enumerate() {
                collect(path, item, rest, meta, stack, &format!("[{i}]"), out)?;
            }
            Ok(())
        }
        (Value::Object(record), None) => {
            let inherited = meta
                .iter()
                .map(|m| {
                    stack
                        .get(m.level)
                        .and_then(|o| o.get(&m.field))
                        .and_then(value_text)
                })
                .collect();
            out.push((inherited, record));
            Ok(())
        }
        (other, _) => Err(shape(said!(
            "data-json-not-object",
            at = place(at),
            kind = kind(other)
        ))),
    }
}

fn flatten(prefix: &str, object: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            other => {
                out.insert(name, other.clone());
            }
        }
    }
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// What a JSON value is, in words.
fn kind(value: &Value) -> Said {
    Said::new(match value {
        Value::Null => "json-null",
        Value::Bool(_) => "json-boolean",
        Value::Number(_) => "json-number",
        Value::String(_) => "json-string",
        Value::Array(_) => "json-array",
        Value::Object(_) => "json-object",
    })
}

/// Where in the document `at` is: its path, or the document itself.
fn place(at: &str) -> Said {
    if at.is_empty() {
        said!("data-json-document")
    } else {
        Said::verbatim(format!("`{at}`"))
    }
}
