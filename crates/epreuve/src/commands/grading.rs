//! `check`, `grade` and `demo`: running the grader on a workspace.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use epreuve_db::DuckDb;
use epreuve_exam::Catalogue;
use epreuve_grade::{Grading, Report, Truth, Visibility, apply_solution};
use epreuve_report::{render_checklist, render_json, render_table};
use epreuve_session::{StartOptions, Workspace};

use crate::cli::{DemoArgs, GradeArgs, WorkspaceArgs};
use crate::exit_codes;
use crate::printer::Printer;

/// Grades `workspace`: its live state for the candidate's self-check, its submission (when
/// there is one) for the assessor.
fn grade_workspace(
    workspace: &Workspace,
    catalogue: &Catalogue,
    visibility: Visibility,
) -> anyhow::Result<Report> {
    let state = workspace.state();
    let exam = catalogue.exam(&state.exam)?;
    let grader = exam.grader()?;
    let source = workspace.truth_source(&exam)?;
    let truth = Truth::compute(&exam, &grader, &source.dir)?;
    let mut notes = source.notes;
    let (answers_dir, database) = match visibility {
        Visibility::Public => (workspace.answers_dir(), workspace.database_path()),
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
            (submission.answers_dir, submission.database)
        }
    };
    let backend = DuckDb::open_read_only(&database)?;
    Ok(epreuve_grade::grade(&Grading {
        exam: &exam,
        grader: &grader,
        truth: &truth,
        backend: &backend,
        answers_dir: &answers_dir,
        candidate: &state.candidate,
        visibility,
        notes,
    }))
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
    let report = grade_workspace(&workspace, &catalogue, Visibility::Public)?;
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
    let report = grade_workspace(&workspace, &catalogue, Visibility::Full)?;
    print_report(printer, &report);
    Ok(report_code(&report))
}

fn print_report(printer: &Printer, report: &Report) {
    printer.result(
        || render_table(report, printer.table_style()),
        || render_json(report),
    );
}

pub fn demo(printer: &Printer, catalogue: Option<PathBuf>, args: &DemoArgs) -> anyhow::Result<u8> {
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
    let (solution, solution_dir) = exam.solution(&args.solution)?;
    let temp = tempfile::Builder::new().prefix("epreuve-demo-").tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().join("workspace"));
    printer.info(format!("1. start {exam_id} in {}", dir.display()));
    let options = StartOptions {
        candidate: "demo".into(),
        duration: None,
        now: Utc::now(),
    };
    let mut workspace = Workspace::start(&catalogue, &exam, &dir, &options)?;
    printer.info(format!(
        "2. apply the solution `{}`: {}",
        args.solution, solution.description
    ));
    let truth = Truth::compute(&exam, &grader, &dir.join("data"))?;
    {
        let db = DuckDb::create(&workspace.database_path())?;
        apply_solution(
            &args.solution,
            &solution,
            &solution_dir,
            &truth,
            &db,
            &workspace.answers_dir(),
        )?;
    }
    printer.info("3. submit");
    workspace.submit(Utc::now())?;
    printer.info("4. grade\n");
    let report = grade_workspace(&workspace, &catalogue, Visibility::Full)?;
    print_report(printer, &report);
    if args.dir.is_some() {
        printer.info(format!("The workspace is kept in {}.", dir.display()));
    }
    Ok(report_code(&report))
}
