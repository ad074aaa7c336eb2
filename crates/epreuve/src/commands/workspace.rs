//! `start`, `status` and `submit`: the candidate's side of the clock.

use std::path::PathBuf;

use epreuve_i18n::tr;

use chrono::Utc;
use epreuve_session::{Centre, StartOptions, Workspace};
use serde_json::json;

use epreuve_provision::Cancel;

use crate::cli::{DatabaseArgs, StartArgs, SubmitArgs, WatchArgs, WorkspaceArgs};
use crate::exit_codes;
use crate::printer::Printer;

pub fn start(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    centre: &Centre,
    cancel: &Cancel,
    args: &StartArgs,
) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    let exam = catalogue.exam(&args.exam)?;
    let options = start_options(
        &exam,
        &args.candidate,
        args.duration,
        &args.database,
        cancel,
        centre,
    )
    .with_progress(printer.progress());
    if options.route != epreuve_provision::Route::Embedded {
        printer.info(tr!(
            printer.lang,
            "cli-starting",
            engine = options.engine.label(),
            route = options.route.to_string()
        ));
    }
    let workspace = Workspace::start(&exam, &args.dir, &options)?;
    let state = workspace.state();
    printer.result(
        || {
            let lang = printer.lang;
            let dir = args.dir.display();
            let line = |id: &str, value: String| format!("  {:<12} {value}\n", tr!(lang, id));
            let mut out = format!(
                "{}\n",
                tr!(
                    lang,
                    "start-ready",
                    title = match lang {
                        epreuve_i18n::Lang::Fr => exam.manifest.title.as_str(),
                        epreuve_i18n::Lang::En => exam.manifest.title_en.as_str(),
                    }
                )
            );
            // The French statement is `statement.md`, the English one beside it.
            let statement = match lang {
                epreuve_i18n::Lang::Fr => "statement.md",
                epreuve_i18n::Lang::En => "statement.en.md",
            };
            out.push_str(&line("start-statement", format!("{dir}/{statement}")));
            out.push_str(&line("start-data", format!("{dir}/data/")));
            out.push_str(&line("start-answers", format!("{dir}/answers/")));
            out.push_str(&line(
                "start-deadline",
                tr!(
                    lang,
                    "start-local-time",
                    at = state
                        .deadline
                        .with_timezone(&chrono::Local)
                        .format("%d/%m/%Y %H:%M")
                        .to_string()
                ),
            ));
            out.push_str(&format!(
                "\n{}\n  {}\n\n{}\n",
                tr!(lang, "start-database"),
                workspace.connection_help(lang),
                tr!(lang, "start-next", dir = dir.to_string())
            ));
            out
        },
        || status_json(&workspace),
    );
    Ok(exit_codes::SUCCESS)
}

/// Options of `start` (and `demo`) from the command line.
pub(crate) fn start_options(
    exam: &epreuve_exam::Exam,
    candidate: &str,
    duration: Option<std::time::Duration>,
    database: &DatabaseArgs,
    cancel: &Cancel,
    centre: &Centre,
) -> StartOptions {
    let (engine, route, images) = super::database::requested(database, exam);
    StartOptions {
        candidate: candidate.to_owned(),
        duration,
        now: Utc::now(),
        engine,
        route,
        images,
        url: database.url.clone(),
        port: database.port,
        cancel: cancel.clone(),
        progress: epreuve_session::Progress::default(),
        centre: centre.clone(),
    }
}

pub fn status(printer: &Printer, args: &WorkspaceArgs) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.dir)?;
    let state = workspace.state();
    let remaining = state.remaining(Utc::now());
    let lang = printer.lang;
    printer.result(
        || {
            let deadline = state
                .deadline
                .with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            let left = if remaining.is_zero() {
                tr!(lang, "status-time-up", deadline = deadline.as_str())
            } else {
                let secs = remaining.num_seconds();
                let left = format!("{}h{:02}m{:02}s", secs / 3600, secs % 3600 / 60, secs % 60);
                tr!(
                    lang,
                    "status-left",
                    left = left,
                    deadline = deadline.as_str()
                )
            };
            let submitted = match &state.submitted {
                Some(s) => {
                    let at =
                        s.at.with_timezone(&chrono::Local)
                            .format("%H:%M:%S")
                            .to_string();
                    if s.late {
                        tr!(lang, "status-submitted-late", at = at)
                    } else {
                        tr!(lang, "status-submitted", at = at)
                    }
                }
                None => tr!(lang, "status-not-submitted"),
            };
            format!(
                "{}\n  {left}\n  {submitted}\n\n{}\n  {}\n",
                tr!(
                    lang,
                    "status-exam",
                    exam = &state.exam,
                    candidate = &state.candidate
                ),
                tr!(lang, "status-database", engine = state.engine.to_string()),
                workspace.connection_help(printer.lang)
            )
        },
        || status_json(&workspace),
    );
    Ok(exit_codes::SUCCESS)
}

pub fn watch(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    args: &WatchArgs,
) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    epreuve_live::run(epreuve_live::Options {
        dir: args.dir.clone(),
        catalogue,
        lang: printer.lang,
        accessible: args.accessible,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    })?;
    Ok(exit_codes::SUCCESS)
}

pub fn submit(printer: &Printer, args: &SubmitArgs) -> anyhow::Result<u8> {
    let mut workspace = Workspace::open(&args.workspace.dir)?;
    let _lock = super::lock(printer, &workspace, "submit")?;
    let record = workspace.submit(Utc::now())?;
    if let Some(out) = &args.out {
        workspace.export_submission(out)?;
        printer.info(tr!(
            printer.lang,
            "submit-out",
            file = out.display().to_string()
        ));
    }
    printer.result(
        || {
            let lang = printer.lang;
            format!(
                "{}\n  {}\n",
                tr!(
                    lang,
                    if record.late {
                        "submit-done-late"
                    } else {
                        "submit-done"
                    },
                    at = record
                        .at
                        .with_timezone(&chrono::Local)
                        .format("%H:%M:%S")
                        .to_string(),
                    bundle = record.bundle.as_str()
                ),
                tr!(lang, "submit-seal", seal = record.seal.as_str())
            )
        },
        || json!({ "submitted_at": record.at, "late": record.late, "bundle": record.bundle, "seal": record.seal }).to_string(),
    );
    Ok(exit_codes::SUCCESS)
}

fn status_json(workspace: &Workspace) -> String {
    let state = workspace.state();
    let value = json!({
        "exam": state.exam,
        "candidate": state.candidate,
        "engine": state.engine,
        "via": workspace.database().route(),
        "database": match workspace.database_file() {
            Some(file) => json!(std::path::absolute(&file).unwrap_or(file)),
            None => json!(workspace.database().address().map(|a| a.redacted())),
        },
        // The candidate's own account, as the text output shows it: the candidate needs it to
        // connect, and it opens nothing but their own database.
        "connection": workspace.database().address().map(|a| json!({
            "url": a.url(),
            "host": a.host,
            "port": a.port,
            "user": a.user,
            "password": a.password,
            "database": a.database,
        })),
        "started_at": state.started_at,
        "deadline": state.deadline,
        "remaining_seconds": state.remaining(Utc::now()).num_seconds(),
        "submitted": state.submitted,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
