//! Applies a solution shipped with a grader to a database and an `answers/` folder, the way a
//! candidate would have: create the tables, load the sources (with the solution's mistakes),
//! save the queries.

use std::path::Path;

use epreuve_data::{TypeFamily, canonical, text_columns};
use epreuve_db::{Backend, insert_statements, quote_ident};
use epreuve_exam::SolutionManifest;

use crate::{GradeError, Truth};

/// Rows per `INSERT` statement.
const BATCH: usize = 500;

/// Creates and fills the tables of `solution` in `backend`, and copies its answers.
pub fn apply_solution(
    name: &str,
    solution: &SolutionManifest,
    solution_dir: &Path,
    truth: &Truth,
    backend: &dyn Backend,
    answers_dir: &Path,
) -> Result<(), GradeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| GradeError::Io { path, source }
    };
    let schema_path = solution_dir.join(&solution.schema);
    let schema = std::fs::read_to_string(&schema_path).map_err(io(&schema_path))?;
    backend.execute(&schema)?;
    for (table, dropped) in &solution.transform.drop_columns {
        for column in dropped {
            let engine = backend.engine();
            backend.execute(&format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote_ident(engine, table),
                quote_ident(engine, column)
            ))?;
        }
    }
    for table in &truth.tables {
        let dropped = solution.transform.drop_columns.get(&table.table);
        let mut columns = text_columns(&table.source.frame);
        columns.retain(|(name, _)| !dropped.is_some_and(|d| d.contains(name)));
        for (column, values) in &mut columns {
            let family = table.column(column).map(|p| p.family);
            let cut = solution
                .transform
                .truncate
                .get(&format!("{}.{column}", table.table));
            for value in values.iter_mut().flatten() {
                if let Some(family) = family {
                    *value = canonical(family, value);
                }
                if let Some(&chars) = cut {
                    *value = value.chars().take(chars).collect();
                }
            }
        }
        let height = table.source.rows();
        let keep =
            height.saturating_sub(*solution.transform.drop_rows.get(&table.table).unwrap_or(&0));
        let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
        let booleans: Vec<bool> = names
            .iter()
            .map(|n| table.column(n).map(|p| p.family) == Some(TypeFamily::Boolean))
            .collect();
        let rows: Vec<Vec<Option<String>>> = (0..keep)
            .map(|r| columns.iter().map(|(_, v)| v[r].clone()).collect())
            .collect();
        for statement in insert_statements(
            backend.engine(),
            &table.table,
            &names,
            &booleans,
            &rows,
            BATCH,
        ) {
            backend
                .execute(&statement)
                .map_err(|e| GradeError::Solution {
                    solution: name.to_owned(),
                    message: format!("loading `{}`: {e}", table.table),
                })?;
        }
    }
    let answers = solution_dir.join(&solution.answers);
    if !answers.is_dir() {
        return Err(GradeError::Solution {
            solution: name.to_owned(),
            message: format!("its answers folder {} does not exist", answers.display()),
        });
    }
    std::fs::create_dir_all(answers_dir).map_err(io(answers_dir))?;
    for entry in std::fs::read_dir(&answers).map_err(io(&answers))?.flatten() {
        let target = answers_dir.join(entry.file_name());
        std::fs::copy(entry.path(), &target).map_err(io(&target))?;
    }
    Ok(())
}
