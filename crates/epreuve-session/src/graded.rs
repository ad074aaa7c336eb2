//! Which database grading reads: the submitted DuckDB snapshot; a server's database live while
//! it still holds what was submitted; otherwise the dump frozen at submission, restored into a
//! throwaway server. The choice is the session's: it knows the workspace, its submission and
//! the centre's record; grading only reads what it is given.

use epreuve_db::{Backend, DbError, DuckDb};
use epreuve_provision::Cancel;
use epreuve_results::{Said, said};

use crate::{CentreRecord, Restored, Submission, Workspace};

/// The database to grade and what choosing it found. Its fields drop in order: the backend
/// first, then the throwaway server it reads.
pub struct GradedDatabase {
    /// The database, or why it cannot be opened.
    pub backend: Result<Box<dyn Backend>, DbError>,
    /// The server a dump was restored into, stopped when this is dropped.
    pub restored: Option<Restored>,
    /// Whether the database read is the dump frozen at submission.
    pub from_dump: bool,
    /// What changed since submission, one sentence each.
    pub integrity: Vec<Said>,
}

/// The database grading reads for `submission` of `workspace` (`record`: the centre's, when
/// there is one). With `full` (an assessor's grading), a server changed since submission is
/// graded from its dump; a check for the candidate reads what is there now. A DuckDB file that
/// cannot be opened (missing, or held by the candidate's own session) is the error itself:
/// the message says what to do, and nothing is graded; a server that does not answer is the
/// backend's error, and every check then says "not gradable".
pub fn database_to_grade(
    workspace: &Workspace,
    submission: &Submission,
    record: Option<&CentreRecord>,
    full: bool,
    cancel: &Cancel,
) -> Result<GradedDatabase, DbError> {
    let mut graded = GradedDatabase {
        backend: opened(workspace, submission, record)?,
        restored: None,
        from_dump: false,
        integrity: Vec::new(),
    };
    let (true, Some(submitted), None) = (full, &submission.evidence, &submission.snapshot) else {
        return Ok(graded);
    };
    // A server is graded live while it holds what was submitted.
    let unchanged = graded
        .backend
        .as_ref()
        .ok()
        .and_then(|live| crate::evidence(live.as_ref()).ok())
        .is_some_and(|now| now.tables == submitted.tables);
    if unchanged {
        return Ok(graded);
    }
    let Some(dump) = &submission.dump else {
        if graded.backend.is_ok() {
            graded.integrity.push(said!("integrity-database-changed"));
        }
        return Ok(graded);
    };
    let engine = record.map_or(workspace.state().engine, |r| r.engine);
    match crate::restore(dump, engine, cancel)
        .and_then(|r| r.backend().map(|b| (r, b)).map_err(|e| e.said()))
    {
        Ok((server, backend)) => {
            graded.backend = Ok(backend);
            graded.restored = Some(server);
            graded.from_dump = true;
        }
        Err(why) => graded
            .integrity
            .push(said!("integrity-dump-unrestored", why = why)),
    }
    Ok(graded)
}

/// The submitted DuckDB snapshot (named by the workspace's file, not by grading's private
/// copy of it), or the live database through the grading account of the centre's record.
fn opened(
    workspace: &Workspace,
    submission: &Submission,
    record: Option<&CentreRecord>,
) -> Result<Result<Box<dyn Backend>, DbError>, DbError> {
    match &submission.snapshot {
        Some(file) => {
            let db =
                DuckDb::open_read_only(file).map_err(|e| match &submission.snapshot_shown {
                    Some(shown) => e.naming(file, shown),
                    None => e,
                })?;
            Ok(Ok(Box::new(db)))
        }
        None => Ok(workspace.open_for_grading(record)),
    }
}
