//! The exam manifest (`exercises/<exam>/exam.toml`): what the candidate is given and asked.

use epreuve_data::SourceSpec;
use epreuve_results::Engine;
use serde::Deserialize;

/// One exam, a « mise en situation professionnelle reconstituée ».
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamManifest {
    /// Identifier used on the command line.
    pub id: String,
    /// Title, in French.
    pub title: String,
    /// Title, in English.
    pub title_en: String,
    /// Bloc of the certification (1 or 2).
    pub bloc: u8,
    /// Criteria the exam evidences, such as `C1.9`.
    pub criteria: Vec<String>,
    /// Time allowed, such as `2h` or `90min`.
    #[serde(with = "humantime_serde_compat")]
    pub duration: std::time::Duration,
    /// Time after the deadline during which a submission still counts as on time, such as
    /// `2min` (none when absent): the live view submits for the candidate at the deadline
    /// itself when the grace leaves room for it.
    #[serde(default, with = "humantime_serde_compat")]
    pub grace: std::time::Duration,
    /// Folder under `datasets/` holding the files given to the candidate (with a generator,
    /// the catalogue's preview of them).
    pub dataset: String,
    /// When present, each candidate gets files of their own, generated at `start` from a seed
    /// derived from the exam and the candidate identifier.
    #[serde(default)]
    pub generator: Option<GeneratorSpec>,
    /// Statement files, relative to the exam folder.
    pub statement: Statement,
    /// The tables of the exam, each from one source file: those the candidate must create
    /// and load, or, with `preload`, those loaded for them at `start`.
    pub tables: Vec<TableSpec>,
    /// When present, `start` creates the tables with this schema and loads the candidate's
    /// files into them, so that the exam begins from a loaded database (bloc 2).
    #[serde(default)]
    pub preload: Option<Preload>,
    /// The engines the exam runs on; the three SQL engines when absent. A statement written for
    /// a document store asks for collections and commands, one written for SQL for tables and
    /// queries: neither runs on the other's engines.
    #[serde(default)]
    pub engines: Option<Vec<Engine>>,
}

impl ExamManifest {
    /// The engines the exam runs on.
    pub fn engines(&self) -> Vec<Engine> {
        match &self.engines {
            Some(engines) => engines.clone(),
            None => Engine::ALL.into_iter().filter(|e| e.speaks_sql()).collect(),
        }
    }

    /// Whether the exam runs on `engine`.
    pub fn runs_on(&self, engine: Engine) -> bool {
        self.engines().contains(&engine)
    }

    /// The blocs the exam assesses: its own, and those of its criteria (`C2.1` is bloc 2), in
    /// order.
    pub fn blocs(&self) -> Vec<u8> {
        let mut blocs: Vec<u8> = self
            .criteria
            .iter()
            .filter_map(|c| c.strip_prefix('C')?.split('.').next()?.parse().ok())
            .chain([self.bloc])
            .collect();
        blocs.sort_unstable();
        blocs.dedup();
        blocs
    }
}

/// Tables loaded for the candidate at `start`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preload {
    /// SQL file, relative to the exam folder, creating every table of the exam. It must be
    /// accepted by every engine (standard types: INTEGER, DECIMAL(p,s), VARCHAR(n), DATE,
    /// BOOLEAN).
    pub schema: String,
}

/// How a candidate's own files are generated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorSpec {
    /// Which generator: `retail` (Les Halles Verdier).
    pub kind: GeneratorKind,
    /// Lines of sales.
    pub sales: usize,
    /// Stores.
    pub stores: usize,
    /// The dirt of real files (other spellings, missing values, outliers, duplicates).
    #[serde(default)]
    pub dirty: bool,
    /// Sales planted at the edges of the selection the statement asks, so that a filter
    /// written wrong at its boundary changes the result on every candidate's data.
    #[serde(default)]
    pub boundary: Option<SalesBoundary>,
}

/// The selection a statement asks of the sales (a store, with the loyalty card, an amount of
/// at least some euros): the generator plants, for every candidate, sales at the threshold,
/// just under it, and with the other value of each condition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesBoundary {
    /// The store's code, `MAG007`.
    pub store: String,
    /// The amount threshold, in cents (`10000` for "au moins 100 €").
    pub amount_cents: i64,
}

impl SalesBoundary {
    /// The store's index among the generated stores (`MAG007` → 6), when the code is one.
    pub fn store_index(&self) -> Option<usize> {
        let number: usize = self.store.strip_prefix("MAG")?.parse().ok()?;
        (self.store.len() == 6 && number >= 1).then(|| number - 1)
    }
}

/// The generators epreuve has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratorKind {
    /// `ventes.csv`, `magasins.xlsx`, `catalogue.json` of a grocery chain.
    Retail,
}

/// The statement, French first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// French statement (Markdown).
    pub fr: String,
    /// English statement (Markdown): every exam has one, for candidates and assessors who
    /// read English.
    pub en: String,
}

/// A table to create and the source it is loaded from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Table name the statement gives.
    pub name: String,
    /// Source file and how to read it.
    pub source: SourceSpec,
}

mod humantime_serde_compat {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(|e| {
            let said = epreuve_i18n::said!("exam-duration", text = &text, error = e.to_string());
            serde::de::Error::custom(said.english())
        })
    }
}
