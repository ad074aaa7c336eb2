//! Applies a solution shipped with a grader to a database and an `answers/` folder, the way a
//! candidate would have: create the tables, load the sources (with the solution's mistakes),
//! build what the statement asks for, save the queries.

use epreuve_db::Query;
use epreuve_i18n::{Said, said};
use std::path::{Path, PathBuf};

use epreuve_data::text_columns;
use epreuve_db::{Loader, fill_table};
use epreuve_exam::{GraderManifest, Measure, SolutionManifest, TaskCheck};

use crate::{GradeError, Truth};

/// Creates and fills the tables of `solution` in `backend`, runs its build script and copies
/// its answers. (Its assessor's file, `solution.evaluation`, is the assessor's business: it is
/// copied after submission by whoever plays the assessor.)
pub fn apply_solution(
    name: &str,
    solution: &SolutionManifest,
    solution_dir: &Path,
    grader: &GraderManifest,
    truth: &Truth,
    backend: &dyn Loader,
    answers_dir: &Path,
) -> Result<(), GradeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| GradeError::Io { path, source }
    };
    // `what` was being done when the database refused.
    let failed = |what: Said| {
        let name = name.to_owned();
        move |e: epreuve_db::DbError| GradeError::Solution {
            solution: name,
            message: said!("solution-step-failed", what = what, error = e.said()),
        }
    };
    let engine = backend.engine();
    if let Some(schema) = &solution.schema {
        let schema_path = solution_dir.join(schema);
        let schema = std::fs::read_to_string(&schema_path).map_err(io(&schema_path))?;
        backend.execute(&schema)?;
        for (table, dropped) in &solution.transform.drop_columns {
            for column in dropped {
                epreuve_db::drop_column(backend, table, column)?;
            }
        }
        for table in &truth.tables {
            let columns = transformed_columns(solution, table);
            let families = table.profile.families(&columns);
            let keep = table
                .source
                .rows()
                .saturating_sub(*solution.transform.drop_rows.get(&table.table).unwrap_or(&0));
            let times = if solution.transform.load_twice.contains(&table.table) {
                2
            } else {
                1
            };
            for _ in 0..times {
                fill_table(backend, &table.table, &columns, &families, keep)
                    .map_err(failed(said!("doing-load-table", table = &table.table)))?;
            }
        }
    }
    if let Some(build) = &solution.build {
        let path = for_engine(&solution_dir.join(build), engine.to_string().as_str());
        let script = std::fs::read_to_string(&path).map_err(io(&path))?;
        backend.execute(&script).map_err(failed(said!(
            "doing-run-file",
            file = path.display().to_string()
        )))?;
    }
    copy_answers(
        name,
        solution,
        solution_dir,
        &engine.to_string(),
        answers_dir,
    )?;
    if let Some(measure) = &solution.measure {
        let text = measured(name, measure, grader, backend)?;
        let target = answers_dir.join(&measure.answer);
        std::fs::write(&target, text).map_err(io(&target))?;
    }
    Ok(())
}

/// The source columns of `table` as the solution loads them: columns dropped, values cut
/// short, a column sorted on its own, columns emptied.
fn transformed_columns(
    solution: &SolutionManifest,
    table: &crate::TableTruth,
) -> Vec<epreuve_data::TextColumn> {
    let dropped = solution.transform.drop_columns.get(&table.table);
    let mut columns = text_columns(&table.source.frame);
    columns.retain(|(name, _)| !dropped.is_some_and(|d| d.contains(name)));
    for (column, values) in &mut columns {
        if let Some(&chars) = solution
            .transform
            .truncate
            .get(&format!("{}.{column}", table.table))
        {
            for value in values.iter_mut().flatten() {
                *value = value.chars().take(chars).collect();
            }
        }
        let qualified = format!("{}.{column}", table.table);
        if solution.transform.sort_alone.get(&qualified) == Some(&true) {
            values.sort_by(|a, b| match (a, b) {
                (Some(a), Some(b)) => a.cmp(b),
                (a, b) => a.is_none().cmp(&b.is_none()),
            });
        }
        if solution
            .transform
            .empty_columns
            .get(&table.table)
            .is_some_and(|c| c.contains(column))
        {
            values.iter_mut().for_each(|v| *v = None);
        }
    }
    columns
}

/// Copies the solution's answers (those of the solution it takes them from first, then its
/// own, each with the engine's own folder after it) into `answers_dir`.
fn copy_answers(
    name: &str,
    solution: &SolutionManifest,
    solution_dir: &Path,
    engine: &str,
    answers_dir: &Path,
) -> Result<(), GradeError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| GradeError::Io { path, source }
    };
    let answers = solution_dir.join(&solution.answers);
    if !answers.is_dir() && solution.answers_from.is_none() {
        return Err(GradeError::Solution {
            solution: name.to_owned(),
            message: said!(
                "solution-no-answers",
                folder = answers.display().to_string()
            ),
        });
    }
    std::fs::create_dir_all(answers_dir).map_err(io(answers_dir))?;
    let mut folders = Vec::new();
    if let Some(base) = &solution.answers_from {
        let base_dir = solution_dir.with_file_name(base);
        if !base_dir.join("answers").is_dir() {
            return Err(GradeError::Solution {
                solution: name.to_owned(),
                message: said!("solution-base-no-answers", base = base),
            });
        }
        folders.push(base_dir.join("answers"));
        folders.push(base_dir.join(format!("answers.{engine}")));
    }
    folders.push(answers);
    folders.push(solution_dir.join(format!("{}.{engine}", solution.answers)));
    for folder in folders {
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))?.flatten() {
            let target = answers_dir.join(entry.file_name());
            std::fs::copy(entry.path(), &target).map_err(io(&target))?;
        }
    }
    Ok(())
}

/// The measurements a careful candidate's script takes: each query of the timing task on each
/// table, twice to warm up, then `runs` rounds alternating the tables, each run a line.
fn measured(
    name: &str,
    measure: &Measure,
    grader: &GraderManifest,
    backend: &dyn Loader,
) -> Result<String, GradeError> {
    let fault = |message: Said| GradeError::Solution {
        solution: name.to_owned(),
        message,
    };
    let timing = grader
        .tasks
        .iter()
        .find_map(|t| match &t.check {
            TaskCheck::Timing(timing) if t.id == measure.timing => Some(timing),
            _ => None,
        })
        .ok_or_else(|| fault(said!("solution-unknown-timing", timing = &measure.timing)))?;
    let separator = [';', '\t', ',']
        .into_iter()
        .find(|s| measure.header.contains(*s))
        .ok_or_else(|| fault(said!("solution-header-separator", header = &measure.header)))?;
    let mut text = format!("{}\n", measure.header);
    let tables = [&timing.slow, &timing.fast];
    for query in &timing.queries {
        let time = |table: &str| -> Result<f64, GradeError> {
            let elapsed = backend
                .time_query(Query::saved(backend.engine(), &query.on(table)))
                .map_err(|e| {
                    fault(said!(
                        "solution-step-failed",
                        what = said!("doing-timing", query = &query.id, table = table),
                        error = e.said()
                    ))
                })?;
            Ok(elapsed.as_secs_f64() * 1000.0)
        };
        // Two runs of each to warm the caches, not written down; then rounds that run the
        // query once on each table, the order swapped every round, as the statement advises:
        // whatever slows the machine for a while (a server's own vacuum after a load) slows
        // both tables alike.
        for table in tables {
            time(table)?;
            time(table)?;
        }
        let mut runs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for round in 0..measure.runs.max(1) {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for at in order {
                runs[at].push(time(tables[at])?);
            }
        }
        for (table, times) in tables.iter().zip(&runs) {
            if measure.skip.contains(&format!("{};{table}", query.id)) {
                continue;
            }
            for ms in times {
                let ms = format!("{ms:.3}");
                let ms = if measure.decimal_comma {
                    ms.replace('.', ",")
                } else {
                    ms
                };
                text.push_str(&format!("{}{separator}{table}{separator}{ms}\n", query.id));
            }
        }
    }
    Ok(text)
}

/// `build.postgres.sql` when it exists next to `build.sql`, else `build.sql`.
fn for_engine(path: &Path, engine: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let extension = path.extension().unwrap_or_default().to_string_lossy();
    let specific = path.with_file_name(format!("{stem}.{engine}.{extension}"));
    if specific.is_file() {
        specific
    } else {
        path.to_path_buf()
    }
}
