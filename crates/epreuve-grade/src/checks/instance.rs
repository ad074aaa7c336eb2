//! C1.6: the database is installed and answers, and the candidate checked it by listing its
//! default tables. The saved query must run and return, in one of its columns, names of tables
//! the engine's catalogue holds (its own tables, or the candidate's); on MongoDB, the saved
//! command must list the server's databases.

use epreuve_db::Backend;
use epreuve_db::{Engine, Query};
use epreuve_exam::GraderManifest;
use epreuve_fs::Root;
use std::collections::HashSet;

use epreuve_results::said;

use super::Outcome;

/// Distinct catalogue table names the query must show (fewer when the catalogue has fewer).
const NAMES_REQUIRED: usize = 3;
/// Rows fetched from the candidate's query.
const MAX_ROWS: usize = 100_000;

pub(crate) fn default_tables(
    backend: &dyn Backend,
    grader: &GraderManifest,
    answers: &Root,
) -> Outcome {
    let Some(query) = &grader.instance.tables_query else {
        return Outcome::not_applicable(said!("ev-no-tables-query"));
    };
    let file = format!("answers/{query}");
    let sql = match super::read_answer(answers, query) {
        Ok(sql) => sql,
        Err(outcome) => return outcome,
    };
    let catalogue: HashSet<String> = match backend.catalogue_tables() {
        Ok(names) => names.into_iter().map(|n| n.to_lowercase()).collect(),
        Err(error) => return Outcome::from_error(&error, said!("doing-list-catalogue")),
    };
    // On MongoDB the databases are shown by the listing command itself: a `find` that returns
    // documents holding their names shows nothing of the server.
    if backend.engine() == Engine::MongoDb
        && epreuve_db::mongo::query::SavedQuery::parse(&sql)
            .is_ok_and(|q| q != epreuve_db::mongo::query::SavedQuery::ListDatabases)
    {
        return Outcome::lost(said!(
            "hint-default-databases",
            file = &file,
            required = NAMES_REQUIRED.min(catalogue.len()).max(1)
        ));
    }
    let result = match backend.candidate_query(Query::saved(backend.engine(), &sql), MAX_ROWS) {
        Ok(result) => result,
        Err(error) => {
            return Outcome::from_error(&error, said!("doing-run-query", file = &file));
        }
    };
    let required = NAMES_REQUIRED.min(catalogue.len()).max(1);
    let best = result
        .columns
        .into_iter()
        .map(|(name, values)| {
            let found: HashSet<String> = values
                .into_iter()
                .flatten()
                .map(|v| v.trim().to_lowercase())
                .filter(|v| catalogue.contains(v))
                .collect();
            (name, found.len())
        })
        .max_by_key(|(_, n)| *n);
    // What the catalogue is: the engine's tables, or a MongoDB server's databases.
    let (listed, hint) = match backend.engine() {
        // What DuckDB lists by default surprises candidates who know the servers: its
        // `information_schema.tables` shows only their own tables, none on a new database.
        Engine::DuckDb => ("ev-default-tables", "hint-default-tables-duckdb"),
        Engine::Postgres | Engine::MariaDb => ("ev-default-tables", "hint-default-tables"),
        Engine::MongoDb => ("ev-default-databases", "hint-default-databases"),
    };
    match best {
        Some((column, n)) if n >= required => Outcome::passed(said!(
            listed,
            engine = backend.engine().label(),
            file = &file,
            n = n,
            column = column
        )),
        _ => Outcome::lost(said!(hint, file = &file, required = required)),
    }
}
