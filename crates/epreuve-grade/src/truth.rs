//! Ground truth: the sources as the candidate received them, read and profiled with polars.

use std::path::Path;

use epreuve_data::{
    ColumnProfile, SourceFrame, SourceProfile, TypeFamily, profile_frame, read_source, text_columns,
};
use epreuve_db::{DbError, DuckDb, create_table_of_families, fill_table};
use epreuve_exam::{Exam, GraderManifest};

use crate::GradeError;

/// What one table must hold, computed from its source file.
#[derive(Debug, Clone)]
pub struct TableTruth {
    /// Table name.
    pub table: String,
    /// Source name for messages (`magasins.xlsx [objectifs]`).
    pub source_name: String,
    /// The source, as read.
    pub source: SourceFrame,
    /// Its profile, with the families the grader imposes.
    pub profile: SourceProfile,
}

impl TableTruth {
    /// Profile of a source column.
    pub fn column(&self, name: &str) -> Option<&ColumnProfile> {
        self.profile.column(name)
    }
}

/// Ground truth of every table of an exam.
#[derive(Debug, Clone)]
pub struct Truth {
    /// One entry per table, in manifest order.
    pub tables: Vec<TableTruth>,
}

impl Truth {
    /// Reads and profiles every source of `exam` from `data_dir`; none when no check of
    /// `grader` reads them ([`GraderManifest::reads_sources`]).
    pub fn compute(
        exam: &Exam,
        grader: &GraderManifest,
        data_dir: &Path,
    ) -> Result<Self, GradeError> {
        let mut tables = Vec::new();
        if !grader.reads_sources() {
            return Ok(Self { tables });
        }
        for spec in &exam.manifest.tables {
            let source = read_source(data_dir, &spec.source)?;
            let mut profile = profile_frame(&source);
            if let Some(rules) = grader.tables.iter().find(|r| r.table == spec.name) {
                for column in &mut profile.columns {
                    if let Some(family) = rules.families.get(&column.name) {
                        column.family = *family;
                    }
                }
            }
            tables.push(TableTruth {
                table: spec.name.clone(),
                source_name: spec.source.display_name(),
                source,
                profile,
            });
        }
        Ok(Self { tables })
    }
}

impl Truth {
    /// The ground-truth database: every table of the exam in an in-memory DuckDB, each column
    /// typed by the family of its source values (numbers as DOUBLE), loaded from the
    /// candidate's files. The grader's own queries run on it, never on the database graded.
    pub fn database(&self) -> Result<DuckDb, DbError> {
        let db = DuckDb::in_memory()?;
        for table in &self.tables {
            let columns = text_columns(&table.source.frame);
            let shape: Vec<(String, TypeFamily)> = columns
                .iter()
                .map(|(name, _)| {
                    let family = table.column(name).map_or(TypeFamily::Text, |p| p.family);
                    (name.clone(), family)
                })
                .collect();
            create_table_of_families(&db, &table.table, &shape)?;
            let families = table.profile.families(&columns);
            fill_table(&db, &table.table, &columns, &families, usize::MAX)?;
        }
        Ok(db)
    }
}
