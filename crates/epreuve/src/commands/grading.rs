//! `check`, `grade` and `demo`: running the grader on a workspace.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use epreuve_db::{Backend, DuckDb};
use epreuve_exam::Catalogue;
use epreuve_grade::{Evaluation, Grading, Report, Truth, Visibility, apply_solution};
use epreuve_provision::Cancel;
use epreuve_report::{render_checklist, render_json, render_table};
use epreuve_session::{Centre, Workspace};

use crate::cli::{DemoArgs, GradeArgs, WorkspaceArgs};
use crate::exit_codes;
use crate::printer::Printer;

/// Grades `workspace`: its live state for the candidate's self-check, its submission (when
/// there is one, its seal checked) for the assessor, with the centre's record of it when the
/// centre has one.
fn grade_workspace(
    workspace: &Workspace,
    catalogue: &Catalogue,
    visibility: Visibility,
    evaluation_file: Option<&Path>,
    centre: Option<&Centre>,
    cancel: &Cancel,
) -> anyhow::Result<Report> {
    let state = workspace.state();
    let full = visibility == Visibility::Full;
    let record = match centre {
        Some(centre) if full => centre.find(workspace.root())?,
        _ => None,
    };
    let mut notes = Vec::new();
    let mut integrity = Vec::new();
    if full {
        match &record {
            Some(record) => integrity.extend(record.differences(state)),
            None => notes.push(
                "the centre has no record of this workspace: its start, deadline, seed and data checksums come from the candidate's machine".into(),
            ),
        }
    }
    let exam_id = record.as_ref().map_or(&state.exam, |r| &r.exam);
    let candidate = record.as_ref().map_or(&state.candidate, |r| &r.candidate);
    let deadline = record.as_ref().map_or(state.deadline, |r| r.deadline);
    let exam = catalogue.exam(exam_id)?;
    let grader = exam.grader()?;
    if full && grader.public_only {
        // A pack's grader: the hidden rules are not there, whatever the folder claims.
        catalogue.require_full("`grade`")?;
        anyhow::bail!(
            "{} holds the public checks only (public_only = true): grading needs the centre's full catalogue",
            exam.grader_dir.join("grader.toml").display()
        );
    }
    let source = workspace.truth_source(&exam, record.as_ref())?;
    let truth = Truth::compute(&exam, &grader, &source.dir)?;
    notes.extend(source.notes);
    let evaluation = match visibility {
        Visibility::Full if !grader.manual.is_empty() => {
            let evaluation = read_evaluation(workspace, evaluation_file, &grader)?;
            let unscored = grader
                .manual
                .iter()
                .filter(|i| !evaluation.items.contains_key(&i.id))
                .count();
            if unscored > 0 {
                notes.push(format!(
                    "{unscored} of {} manual items are not scored yet: `epreuve grade {} --evaluation-template` prints a file to fill in; keep it in a folder of yours and pass it with --evaluation",
                    grader.manual.len(),
                    workspace.root().display()
                ));
            }
            Some(evaluation)
        }
        _ => None,
    };
    let submission = match visibility {
        Visibility::Public => workspace.live()?,
        Visibility::Full => workspace.submission()?,
    };
    integrity.extend(submission.tampering.iter().cloned());
    if full {
        match &submission.record {
            Some(record) => {
                let late = record.at > deadline;
                if late {
                    notes.push(format!(
                        "submitted late, at {} (deadline {})",
                        record.at.format("%Y-%m-%d %H:%M:%S UTC"),
                        deadline.format("%Y-%m-%d %H:%M:%S UTC")
                    ));
                }
                if late && !record.late {
                    integrity.push(
                        "the submission is recorded as on time, but it came after the deadline"
                            .into(),
                    );
                }
            }
            None => notes.push("not submitted: the workspace was graded as it is now".into()),
        }
    }
    let opened: Result<Box<dyn Backend>, epreuve_db::DbError> = match &submission.snapshot {
        // A DuckDB file missing or held by the candidate's own session: the message says
        // what to do, and nothing is graded.
        Some(file) => Ok(Box::new(DuckDb::open_read_only(file)?)),
        None => workspace.open_for_grading(record.as_ref()),
    };
    // A server is graded live while it holds what was submitted; changed since, or gone, it
    // is graded from the dump frozen at submission, restored into a throwaway server.
    let mut restored: Option<epreuve_session::Restored> = None;
    let opened = match (full, &submission.evidence, opened) {
        (true, Some(submitted), opened) if submission.snapshot.is_none() => {
            let unchanged = opened
                .as_ref()
                .ok()
                .and_then(|live| epreuve_session::evidence(live.as_ref()).ok())
                .is_some_and(|now| now.tables == submitted.tables);
            match (&submission.dump, unchanged) {
                (_, true) => opened,
                (Some(dump), false) => {
                    let engine = record.as_ref().map_or(state.engine, |r| r.engine);
                    match epreuve_session::restore(dump, engine, cancel)
                        .and_then(|r| r.backend().map(|b| (r, b)).map_err(|e| e.to_string()))
                    {
                        Ok((server, backend)) => {
                            notes.push(
                                "the live database changed after submission or does not answer: it was graded from the dump frozen at submission".into(),
                            );
                            restored = Some(server);
                            Ok(backend)
                        }
                        Err(why) => {
                            integrity.push(format!(
                                "the database changed after submission (or does not answer) and the dump frozen then could not be restored ({why}); the live database was graded"
                            ));
                            opened
                        }
                    }
                }
                (None, false) => {
                    if opened.is_ok() {
                        integrity.push(
                            "the database changed after submission (tables, types or row counts differ from the evidence recorded then) and no dump was frozen; it was graded as it is now".into(),
                        );
                    }
                    opened
                }
            }
        }
        (_, _, opened) => opened,
    };
    // A database that does not answer: every check says "not gradable", none scores zero.
    let (live, unreachable) = match opened {
        Ok(backend) => (Some(backend), None),
        Err(error) if error.is_infrastructure() => (None, Some(error)),
        Err(error) => return Err(error.into()),
    };
    let backend = match (&live, &unreachable) {
        (Some(backend), _) => Ok(backend.as_ref()),
        (None, Some(error)) => Err(error),
        (None, None) => unreachable!("opened or failed"),
    };
    let report = epreuve_grade::grade(&Grading {
        exam: &exam,
        grader: &grader,
        truth: &truth,
        backend,
        answers: &submission.answers,
        candidate,
        visibility,
        evaluation: evaluation.as_ref(),
        notes,
        integrity,
    });
    // The throwaway server of a restored dump goes once grading is over.
    drop(live);
    drop(restored);
    Ok(report)
}

/// The assessor's scores, from a file of the assessor's: never one inside the workspace,
/// which the candidate can write.
fn read_evaluation(
    workspace: &Workspace,
    file: Option<&Path>,
    grader: &epreuve_exam::GraderManifest,
) -> anyhow::Result<Evaluation> {
    let Some(path) = file else {
        return Ok(Evaluation::default());
    };
    let real = path.canonicalize().with_context(|| {
        format!(
            "the assessor's file {} cannot be read (--evaluation)",
            path.display()
        )
    })?;
    if real.starts_with(workspace.files().path()) {
        anyhow::bail!(
            "the assessor's file {} lies inside the candidate's workspace, where the candidate can write; keep the scores in a folder of yours and pass that file with --evaluation",
            path.display()
        );
    }
    Ok(Evaluation::read(&real, &grader.manual)?)
}

fn report_code(report: &Report) -> u8 {
    if !report.gradable {
        exit_codes::INFRASTRUCTURE
    } else if report.all_passed() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECKS_FAILED
    }
}

pub fn check(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    args: &WorkspaceArgs,
) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.dir)?;
    let catalogue = super::open_catalogue(catalogue)?;
    let _lock = super::lock(printer, &workspace, "check")?;
    let report = grade_workspace(
        &workspace,
        &catalogue,
        Visibility::Public,
        None,
        None,
        &Cancel::new(),
    )?;
    let missing = report
        .checks
        .iter()
        .filter(|c| c.status == epreuve_grade::Status::Failed)
        .count();
    let _ = workspace.log(
        "check",
        &format!("{missing} public checks not yet satisfied"),
    );
    printer.result(
        || {
            let mut out = render_checklist(&report, printer.table_style());
            out.push_str(&match missing {
                _ if !report.gradable => {
                    "Some checks could not be run: the database did not answer (see above).\n"
                        .to_owned()
                }
                0 => "Every public check passes. The assessor's grading checks more than this.\n"
                    .to_owned(),
                1 => "1 public check is not yet satisfied.\n".to_owned(),
                n => format!("{n} public checks are not yet satisfied.\n"),
            });
            out
        },
        || render_json(&report),
    );
    Ok(report_code(&report))
}

pub fn grade(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    centre: &Centre,
    cancel: &Cancel,
    args: &GradeArgs,
) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.workspace)?;
    let catalogue = super::open_catalogue(catalogue)?;
    catalogue.require_full("`grade`")?;
    if args.evaluation_template {
        let grader = catalogue.exam(&workspace.state().exam)?.grader()?;
        print!("{}", Evaluation::template(&grader.manual));
        return Ok(exit_codes::SUCCESS);
    }
    let _lock = super::lock(printer, &workspace, "grade")?;
    let report = grade_workspace(
        &workspace,
        &catalogue,
        Visibility::Full,
        args.evaluation.as_deref(),
        Some(centre),
        cancel,
    )?;
    print_report(printer, &report);
    Ok(report_code(&report))
}

fn print_report(printer: &Printer, report: &Report) {
    printer.result(
        || render_table(report, printer.table_style()),
        || render_json(report),
    );
}

pub fn demo(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    centre: &Centre,
    cancel: &Cancel,
    args: &DemoArgs,
) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    catalogue.require_full("`demo`")?;
    let exam_id = match &args.exam {
        Some(id) => id.clone(),
        None => catalogue
            .exam_ids()?
            .into_iter()
            .next()
            .context("the catalogue holds no exam")?,
    };
    let exam = catalogue.exam(&exam_id)?;
    let grader = exam.grader()?;
    let temp = tempfile::Builder::new().prefix("epreuve-demo-").tempdir()?;
    // A local PostgreSQL runs as the `postgres` user when epreuve runs as root: it must be
    // able to reach the workspace.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().join("workspace"));
    printer.info(format!("1. start {exam_id} in {}", dir.display()));
    let options =
        super::workspace::start_options(&args.candidate, None, &args.database, cancel, centre)
            .with_progress(printer.progress());
    let mut workspace = Workspace::start(&exam, &dir, &options)?;
    let result = demo_steps(
        printer,
        &catalogue,
        centre,
        cancel,
        &exam,
        &grader,
        args,
        temp.path(),
        &mut workspace,
    );
    if args.dir.is_none() {
        // The temporary workspace goes; so does its server.
        let _ = epreuve_provision::down(
            workspace.root(),
            workspace.database(),
            args.database.url.as_deref(),
        );
    } else if result.is_ok() {
        printer.info(format!("The workspace is kept in {}.", dir.display()));
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn demo_steps(
    printer: &Printer,
    catalogue: &Catalogue,
    centre: &Centre,
    cancel: &Cancel,
    exam: &epreuve_exam::Exam,
    grader: &epreuve_exam::GraderManifest,
    args: &DemoArgs,
    assessor_dir: &Path,
    workspace: &mut Workspace,
) -> anyhow::Result<u8> {
    let (solution, solution_dir) = exam.solution(&args.solution)?;
    printer.info(format!(
        "2. apply the solution `{}`: {}",
        args.solution, solution.description
    ));
    let truth = Truth::compute(exam, grader, &workspace.root().join("data"))?;
    {
        let db = workspace.open_database_writable()?;
        apply_solution(
            &args.solution,
            &solution,
            &solution_dir,
            &truth,
            db.as_ref(),
            &workspace.answers_dir(),
        )?;
    }
    printer.info("3. submit");
    {
        let _lock = super::lock(printer, workspace, "submit")?;
        workspace.submit(Utc::now())?;
    }
    // The assessor's scores live in the assessor's folder, never in the workspace.
    let evaluation = match &solution.evaluation {
        Some(evaluation) => {
            printer.info("   the assessor scores the manual items");
            let from = solution_dir.join(evaluation);
            let to = assessor_dir.join("evaluation.toml");
            std::fs::copy(&from, &to).with_context(|| format!("copying {}", from.display()))?;
            Some(to)
        }
        None => None,
    };
    printer.info("4. grade\n");
    let report = {
        let _lock = super::lock(printer, workspace, "grade")?;
        grade_workspace(
            workspace,
            catalogue,
            Visibility::Full,
            evaluation.as_deref(),
            Some(centre),
            cancel,
        )?
    };
    print_report(printer, &report);
    Ok(report_code(&report))
}
