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
        &args.candidate,
        args.duration,
        &args.database,
        cancel,
        centre,
    )
    .with_progress(printer.progress());
    if options.route != epreuve_provision::Route::Embedded {
        printer.info(format!(
            "Starting {} via {}…",
            options.engine.label(),
            options.route
        ));
    }
    let workspace = Workspace::start(&exam, &args.dir, &options)?;
    let state = workspace.state();
    printer.result(
        || {
            format!(
                "Workspace ready: {}\n  statement: {}/statement.md\n  data:      {}/data/\n  answers:   {}/answers/\n  deadline:  {} (local time)\n\nDatabase:\n  {}\n\n`epreuve status --dir {}` shows the time left; `epreuve check` what is still missing.\n",
                exam.manifest.title,
                args.dir.display(),
                args.dir.display(),
                args.dir.display(),
                state.deadline.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M"),
                workspace.connection_help(printer.lang),
                args.dir.display()
            )
        },
        || status_json(&workspace),
    );
    Ok(exit_codes::SUCCESS)
}

/// Options of `start` (and `demo`) from the command line.
pub(crate) fn start_options(
    candidate: &str,
    duration: Option<std::time::Duration>,
    database: &DatabaseArgs,
    cancel: &Cancel,
    centre: &Centre,
) -> StartOptions {
    let (engine, route, images) = super::database::requested(database);
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
        printer.info(format!(
            "The sealed submission is also in {}: hand that file to your centre.",
            out.display()
        ));
    }
    printer.result(
        || {
            format!(
                "Submitted at {}{}. Your answers and a snapshot of your database are frozen and sealed in .epreuve/submissions/{}; submitting again replaces them.\n  seal: {}\n",
                record.at.with_timezone(&chrono::Local).format("%H:%M:%S"),
                if record.late { ", after the deadline: recorded as late" } else { "" },
                record.bundle,
                record.seal
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
