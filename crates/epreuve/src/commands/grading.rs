//! `check`, `grade` and `demo`: the grading library ([`epreuve_grading`]) on a workspace, its
//! report printed.

use std::path::{Path, PathBuf};

use chrono::Utc;
use epreuve_exam::Catalogue;
use epreuve_grade::{Evaluation, Report, Truth, Visibility, apply_solution};
use epreuve_grading::{Request, grade_workspace};
use epreuve_i18n::tr;
use epreuve_provision::Cancel;
use epreuve_report::{render_checklist, render_json, render_table};
use epreuve_session::{Centre, Workspace};

use crate::cli::{DemoArgs, GradeArgs, WorkspaceArgs};
use crate::exit_codes;
use crate::printer::Printer;

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
    let report = grade_workspace(&Request {
        workspace: &workspace,
        catalogue: &catalogue,
        visibility: Visibility::Public,
        evaluation: None,
        centre: None,
        cancel: &Cancel::new(),
        strays: None,
    })?;
    let missing = report
        .checks
        .iter()
        .filter(|c| c.status == epreuve_grade::Status::Failed)
        .count();
    // The log is written in English, whoever reads the screen.
    let _ = workspace.log(
        "check",
        &epreuve_i18n::tr!(
            epreuve_i18n::Lang::En,
            "log-checks-missing",
            missing = missing
        ),
    );
    printer.result(
        || {
            let lang = printer.lang;
            let mut out = render_checklist(&report, printer.table_style(), lang);
            out.push_str(&match missing {
                _ if !report.gradable => tr!(lang, "check-database-silent"),
                0 => tr!(lang, "check-all-pass"),
                n => tr!(lang, "check-not-yet", n = n),
            });
            out.push('\n');
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
        print!("{}", Evaluation::template(&grader.manual, printer.lang));
        return Ok(exit_codes::SUCCESS);
    }
    let _lock = super::lock(printer, &workspace, "grade")?;
    // Which rules graded the work: the assessor reads it before the score.
    printer.waiting(tr!(
        printer.lang,
        "grade-catalogue",
        catalogue = catalogue
            .root()
            .canonicalize()
            .unwrap_or_else(|_| catalogue.root().to_path_buf())
            .display()
            .to_string()
    ));
    let report = grade_workspace(&Request {
        workspace: &workspace,
        catalogue: &catalogue,
        visibility: Visibility::Full,
        evaluation: args.evaluation.as_deref(),
        centre: Some(centre),
        cancel,
        strays: None,
    })?;
    print_report(printer, &report);
    Ok(report_code(&report))
}

fn print_report(printer: &Printer, report: &Report) {
    printer.result(
        || render_table(report, printer.table_style(), printer.lang),
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
            .ok_or_else(|| anyhow::anyhow!(tr!(printer.lang, "demo-no-exam")))?,
    };
    let exam = catalogue.exam(&exam_id)?;
    let grader = exam.grader()?;
    // Known before anything is started: an unknown solution makes no workspace or server.
    let solution = exam.solution(&args.solution)?;
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
    printer.info(tr!(
        printer.lang,
        "demo-start",
        exam = exam_id.as_str(),
        dir = dir.display().to_string()
    ));
    let options = super::workspace::start_options(
        &exam,
        &args.candidate,
        None,
        &args.database,
        cancel,
        centre,
    )
    .with_progress(printer.progress());
    let mut workspace = Workspace::start(&exam, &dir, &options)?;
    let result = demo_steps(
        printer,
        &catalogue,
        centre,
        cancel,
        &exam,
        &grader,
        solution,
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
        printer.info(tr!(
            printer.lang,
            "demo-kept",
            dir = dir.display().to_string()
        ));
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
    (solution, solution_dir): (epreuve_exam::SolutionManifest, PathBuf),
    args: &DemoArgs,
    assessor_dir: &Path,
    workspace: &mut Workspace,
) -> anyhow::Result<u8> {
    printer.info(tr!(
        printer.lang,
        "demo-apply",
        solution = args.solution.as_str(),
        description = solution.description.as_str()
    ));
    let truth = Truth::compute(exam, grader, &workspace.root().join("data"))?;
    {
        let db = workspace.open_database_writable()?;
        apply_solution(
            &args.solution,
            &solution,
            &solution_dir,
            grader,
            &truth,
            db.as_ref(),
            &workspace.answers_dir(),
        )?;
    }
    printer.info(tr!(printer.lang, "demo-submit"));
    {
        let _lock = super::lock(printer, workspace, "submit")?;
        workspace.submit(Utc::now())?;
    }
    // The assessor's scores live in the assessor's folder, never in the workspace.
    let evaluation = match &solution.evaluation {
        Some(evaluation) => {
            printer.info(format!("   {}", tr!(printer.lang, "demo-manual")));
            let from = solution_dir.join(evaluation);
            let to = assessor_dir.join("evaluation.toml");
            std::fs::copy(&from, &to).map_err(|e| {
                anyhow::anyhow!(epreuve_i18n::io_error("copy", &from, &e).render(printer.lang))
            })?;
            Some(to)
        }
        None => None,
    };
    printer.info(format!("{}\n", tr!(printer.lang, "demo-grade")));
    let report = {
        let _lock = super::lock(printer, workspace, "grade")?;
        grade_workspace(&Request {
            workspace,
            catalogue,
            visibility: Visibility::Full,
            evaluation: evaluation.as_deref(),
            centre: Some(centre),
            cancel,
            strays: None,
        })?
    };
    print_report(printer, &report);
    Ok(report_code(&report))
}
