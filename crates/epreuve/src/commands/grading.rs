//! `check`, `grade` and `demo`: running the grader on a workspace.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use epreuve_db::{Backend, DuckDb};
use epreuve_exam::Catalogue;
use epreuve_grade::{Evaluation, Grading, Report, Truth, Visibility, apply_solution};
use epreuve_provision::Cancel;
use epreuve_report::{render_checklist, render_json, render_table};
use epreuve_session::Workspace;

use crate::cli::{DemoArgs, GradeArgs, WorkspaceArgs};
use crate::exit_codes;
use crate::printer::Printer;

/// Grades `workspace`: its live state for the candidate's self-check, its submission (when
/// there is one) for the assessor.
fn grade_workspace(
    workspace: &Workspace,
    catalogue: &Catalogue,
    visibility: Visibility,
    evaluation_file: Option<&Path>,
) -> anyhow::Result<Report> {
    let state = workspace.state();
    let exam = catalogue.exam(&state.exam)?;
    let grader = exam.grader()?;
    let source = workspace.truth_source(&exam)?;
    let truth = Truth::compute(&exam, &grader, &source.dir)?;
    let mut notes = source.notes;
    let evaluation = match visibility {
        Visibility::Full if !grader.manual.is_empty() => {
            let default = workspace.root().join(EVALUATION_FILE);
            let path = evaluation_file.unwrap_or(&default);
            let evaluation = Evaluation::read(path, &grader.manual)?;
            if let Some(note) = evaluation_note(workspace, path, &evaluation, &grader) {
                notes.push(note);
            }
            Some(evaluation)
        }
        _ => None,
    };
    let (answers_dir, snapshot) = match visibility {
        Visibility::Public => (workspace.answers_dir(), workspace.database_file()),
        Visibility::Full => {
            let submission = workspace.submission();
            match &submission.record {
                Some(record) if record.late => notes.push(format!(
                    "submitted late, at {} (deadline {})",
                    record.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    state.deadline.format("%Y-%m-%d %H:%M:%S UTC")
                )),
                Some(_) => {}
                None => notes.push("not submitted: the workspace was graded as it is now".into()),
            }
            (submission.answers_dir, submission.snapshot)
        }
    };
    // Servers are graded live: no file was frozen at submission.
    let live = snapshot.is_none();
    let backend: Box<dyn Backend> = match snapshot {
        Some(file) => Box::new(DuckDb::open_read_only(&file)?),
        None => match workspace.open_database() {
            Ok(backend) => backend,
            // A server that does not answer: every check says "not gradable", none scores zero.
            Err(error) if error.is_infrastructure() => {
                return Ok(epreuve_grade::not_gradable(
                    &exam,
                    &grader,
                    &truth,
                    &state.candidate,
                    &state.engine.to_string(),
                    visibility,
                    &error,
                    evaluation.as_ref(),
                    notes,
                ));
            }
            Err(error) => return Err(error.into()),
        },
    };
    if visibility == Visibility::Full
        && live
        && let Some(submitted) = workspace.submitted_evidence()
        && let Ok(now) = epreuve_session::evidence(backend.as_ref())
        && now.tables != submitted.tables
    {
        notes.push(
            "the database changed after submission (tables, types or row counts differ from the evidence recorded then); it was graded as it is now".into(),
        );
    }
    Ok(epreuve_grade::grade(&Grading {
        exam: &exam,
        grader: &grader,
        truth: &truth,
        backend: backend.as_ref(),
        answers_dir: &answers_dir,
        candidate: &state.candidate,
        visibility,
        evaluation: evaluation.as_ref(),
        notes,
    }))
}

/// The assessor's file, in the workspace unless `grade --evaluation` names another.
const EVALUATION_FILE: &str = "evaluation.toml";

/// What the assessor should know about the file of manual scores.
fn evaluation_note(
    workspace: &Workspace,
    path: &Path,
    evaluation: &Evaluation,
    grader: &epreuve_exam::GraderManifest,
) -> Option<String> {
    let scored = grader
        .manual
        .iter()
        .filter(|i| evaluation.items.contains_key(&i.id))
        .count();
    if scored < grader.manual.len() {
        return Some(format!(
            "{} of {} manual items are not scored yet: write their scores in {} (`epreuve grade {} --evaluation-template` prints a file to fill in)",
            grader.manual.len() - scored,
            grader.manual.len(),
            path.display(),
            workspace.root().display()
        ));
    }
    // The candidate could write the file too: one older than the submission is suspect.
    let written = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    let submitted = workspace.submission().record?.at;
    let written: chrono::DateTime<Utc> = written.into();
    (written < submitted).then(|| {
        format!(
            "{} was written before the submission: make sure the scores in it are the assessor's",
            path.display()
        )
    })
}

/// The catalogue a workspace was started from, unless another is given.
fn workspace_catalogue(given: Option<PathBuf>, workspace: &Workspace) -> anyhow::Result<Catalogue> {
    match given {
        Some(_) => super::open_catalogue(given),
        None => workspace
            .catalogue()
            .or_else(|_| super::open_catalogue(None)),
    }
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
    let catalogue = workspace_catalogue(catalogue, &workspace)?;
    let report = grade_workspace(&workspace, &catalogue, Visibility::Public, None)?;
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
    args: &GradeArgs,
) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.workspace)?;
    let catalogue = workspace_catalogue(catalogue, &workspace)?;
    if args.evaluation_template {
        let grader = catalogue.exam(&workspace.state().exam)?.grader()?;
        print!("{}", Evaluation::template(&grader.manual));
        return Ok(exit_codes::SUCCESS);
    }
    let report = grade_workspace(
        &workspace,
        &catalogue,
        Visibility::Full,
        args.evaluation.as_deref(),
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
    cancel: &Cancel,
    args: &DemoArgs,
) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
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
    let options = super::workspace::start_options("demo", None, &args.database, cancel)
        .with_progress(printer.progress());
    let mut workspace = Workspace::start(&catalogue, &exam, &dir, &options)?;
    let result = demo_steps(
        printer,
        &catalogue,
        &exam,
        &grader,
        args,
        &dir,
        &mut workspace,
    );
    if args.dir.is_none() {
        // The temporary workspace goes; so does its server.
        let _ = epreuve_provision::down(workspace.root(), workspace.database());
    } else if result.is_ok() {
        printer.info(format!("The workspace is kept in {}.", dir.display()));
    }
    result
}

fn demo_steps(
    printer: &Printer,
    catalogue: &Catalogue,
    exam: &epreuve_exam::Exam,
    grader: &epreuve_exam::GraderManifest,
    args: &DemoArgs,
    dir: &std::path::Path,
    workspace: &mut Workspace,
) -> anyhow::Result<u8> {
    let (solution, solution_dir) = exam.solution(&args.solution)?;
    printer.info(format!(
        "2. apply the solution `{}`: {}",
        args.solution, solution.description
    ));
    let truth = Truth::compute(exam, grader, &dir.join("data"))?;
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
    workspace.submit(Utc::now())?;
    if let Some(evaluation) = &solution.evaluation {
        printer.info("   the assessor scores the manual items");
        let from = solution_dir.join(evaluation);
        std::fs::copy(&from, dir.join(EVALUATION_FILE))
            .with_context(|| format!("copying {}", from.display()))?;
    }
    printer.info("4. grade\n");
    let report = grade_workspace(workspace, catalogue, Visibility::Full, None)?;
    print_report(printer, &report);
    Ok(report_code(&report))
}
