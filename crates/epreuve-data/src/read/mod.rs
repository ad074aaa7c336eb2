//! Reading a source file, as an exam manifest describes it, into a [`SourceFrame`].

mod csv;
mod json;
mod xlsx;
mod xlsx_bounds;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{DataError, SourceFrame};

pub use json::JsonMeta;

/// The file formats the certification names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Delimited text.
    Csv,
    /// Excel workbook (one sheet per source).
    Xlsx,
    /// JSON document (an array of records, possibly nested).
    Json,
}

/// How to read one source: which file, and the options its format needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// File name, relative to the dataset (and to the workspace's `data/`).
    pub file: String,
    /// Format; guessed from the extension when absent.
    #[serde(default)]
    pub format: Option<Format>,
    /// CSV field delimiter (one character); `,` when absent.
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Workbook sheet; the first sheet when absent.
    #[serde(default)]
    pub sheet: Option<String>,
    /// JSON: keys leading from the document to the records, each step an array
    /// (`["categories", "produits"]` reads every product of every category).
    #[serde(default)]
    pub record_path: Vec<String>,
    /// JSON: fields of enclosing objects copied onto each record.
    #[serde(default)]
    pub meta: Vec<JsonMeta>,
}

impl SourceSpec {
    /// The format, from the manifest or from the file's extension.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_else(|| {
            let lower = self.file.to_lowercase();
            if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") {
                Format::Xlsx
            } else if lower.ends_with(".json") {
                Format::Json
            } else {
                Format::Csv
            }
        })
    }

    /// A short human name: `ventes.csv`, `magasins.xlsx [objectifs]`.
    pub fn display_name(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{} [{sheet}]", self.file),
            None => self.file.clone(),
        }
    }
}

/// Reads the source `spec` from the folder `dir`.
pub fn read_source(dir: &Path, spec: &SourceSpec) -> Result<SourceFrame, DataError> {
    let path = dir.join(&spec.file);
    let _span = tracing::debug_span!("read_source", file = %path.display()).entered();
    let frame = match spec.format() {
        Format::Csv => csv::read(&path, spec.delimiter.unwrap_or(','))?,
        Format::Xlsx => xlsx::read(&path, spec.sheet.as_deref())?,
        Format::Json => json::read(&path, &spec.record_path, &spec.meta)?,
    };
    tracing::debug!(rows = frame.height(), "read");
    Ok(SourceFrame { path, frame })
}
