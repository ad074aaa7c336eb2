//! One function per command; each returns the exit code it earned.

mod class;
mod database;
mod exams;
mod grading;
mod pack;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use epreuve_db::DbError;
use epreuve_exam::{Catalogue, ExamError};
use epreuve_grade::GradeError;
use epreuve_session::{Centre, SessionError};

use epreuve_provision::{Cancel, ProvisionError};

use crate::cli::{ClassCommand, Cli, Command, DbCommand, Format, ImagesCommand};
use crate::exit_codes;
use crate::printer::Printer;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.verbose, cli.quiet);
    crate::printer::set_lang(epreuve_i18n::Lang::choose(cli.lang.as_deref()));
    let catalogue = cli.catalogue.clone();
    let centre = Centre::new(cli.centre.clone());
    // Ctrl-C sets a flag that every step of `start` checks, so that whatever was made so far
    // is removed rather than left running.
    let cancel = Cancel::new();
    {
        let cancel = cancel.clone();
        let _ = ctrlc::set_handler(move || {
            if cancel.is_cancelled() {
                std::process::exit(i32::from(exit_codes::CANCELLED));
            }
            cancel.cancel();
        });
    }
    let format = cli.format;
    let printer = Printer::new(format, cli.quiet);
    if let Some(refused) = format_refused(format, &cli.command) {
        eprintln!(
            "{}",
            epreuve_i18n::said!("cli-error", what = refused).render(printer.lang)
        );
        return ExitCode::from(exit_codes::USER_ERROR);
    }
    let result = dispatch(cli.command, &printer, catalogue, &centre, &cancel);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            report_error(&printer, &error);
            ExitCode::from(classify(&error))
        }
    }
}

/// Why `--format` cannot be `format` for `command`, if it cannot: the gradebook's, Gradescope's
/// and the pages' formats are the class report's, the last two with `--out`; the live view
/// and an image build show people what happens and write no JSON.
fn format_refused(format: Format, command: &Command) -> Option<epreuve_i18n::Said> {
    let shown = |f: &Format| {
        clap::ValueEnum::to_possible_value(f)
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    };
    let table_only = |name: &str| {
        (format != Format::Table).then(|| {
            epreuve_i18n::said!(
                "cli-format-table-only",
                format = shown(&format),
                command = name
            )
        })
    };
    match command {
        Command::Class(ClassCommand::Report(args)) => {
            (matches!(format, Format::Gradescope | Format::Html) && args.out.is_none())
                .then(|| epreuve_i18n::said!("cli-format-needs-out", format = shown(&format)))
        }
        Command::Watch(_) => table_only("watch"),
        Command::Images(_) => table_only("images build"),
        _ => (!matches!(format, Format::Table | Format::Json))
            .then(|| epreuve_i18n::said!("cli-format-class-report-only", format = shown(&format))),
    }
}

/// The command asked, run with the one printer of this run.
fn dispatch(
    command: Command,
    printer: &Printer,
    catalogue: Option<PathBuf>,
    centre: &Centre,
    cancel: &Cancel,
) -> anyhow::Result<u8> {
    match command {
        Command::Exams => exams::exams(printer, catalogue),
        Command::Start(args) => workspace::start(printer, catalogue, centre, cancel, &args),
        Command::Status(args) => workspace::status(printer, &args),
        Command::Submit(args) => workspace::submit(printer, &args),
        Command::Check(args) => grading::check(printer, catalogue, &args),
        Command::Watch(args) => workspace::watch(printer, catalogue, &args),
        Command::Grade(args) => grading::grade(printer, catalogue, centre, cancel, &args),
        Command::Demo(args) => grading::demo(printer, catalogue, centre, cancel, &args),
        Command::Db(DbCommand::Up(args)) => database::up(printer, cancel, &args),
        Command::Db(DbCommand::Down(args)) => database::down(printer, centre, &args),
        Command::Db(DbCommand::Info(args)) => database::info(printer, &args),
        Command::Pack(args) => pack::pack(printer, catalogue, &args),
        Command::Images(ImagesCommand::Build(args)) => database::build_images(printer, &args),
        Command::Class(ClassCommand::Prepare(args)) => {
            class::prepare_class(printer, catalogue, cancel, &args)
        }
        Command::Class(ClassCommand::Handout(args)) => class::handout(printer, catalogue, &args),
        Command::Class(ClassCommand::Collect(args)) => class::collect(printer, &args),
        Command::Class(ClassCommand::Status(args)) => class::status(printer, &args),
        Command::Class(ClassCommand::Grade(args)) => {
            class::grade(printer, catalogue, cancel, &args)
        }
        Command::Class(ClassCommand::Report(args)) => class::report(printer, &args),
    }
}

/// Takes the workspace's lock for the command `what`, saying so when another command holds
/// it.
pub(crate) fn lock(
    printer: &Printer,
    workspace: &epreuve_session::Workspace,
    what: &str,
) -> anyhow::Result<epreuve_fs::WorkspaceLock> {
    Ok(workspace.lock(what, |holder| {
        printer.waiting(epreuve_i18n::tr!(
            printer.lang,
            "cli-lock-waiting",
            holder = holder.to_string()
        ))
    })?)
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}

/// Finds the catalogue: `--catalogue`/`EPREUVE_CATALOGUE`, the current folder, or the one this
/// binary was built from. A folder that is, or lies inside, a candidate's workspace is never
/// a catalogue: its `exercises/` and `graders/` would be rules the candidate wrote.
pub(crate) fn open_catalogue(given: Option<PathBuf>) -> anyhow::Result<Catalogue> {
    if let Some(path) = given {
        if let Some(workspace) = workspace_around(&path) {
            anyhow::bail!(
                epreuve_i18n::said!(
                    "err-catalogue-in-workspace",
                    catalogue = path.display().to_string(),
                    workspace = workspace.display().to_string()
                )
                .english()
            );
        }
        return Ok(Catalogue::open(path)?);
    }
    let here = PathBuf::from(".");
    if here.join("exercises").is_dir() && workspace_around(&here).is_none() {
        return Ok(Catalogue::open(here)?);
    }
    let built_from = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    Ok(Catalogue::open(
        built_from.canonicalize().unwrap_or(built_from),
    )?)
}

/// The workspace `path` is, or lies inside, if any: the nearest folder, `path` or one of its
/// parents, that holds `.epreuve/state.json`.
fn workspace_around(path: &std::path::Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.ancestors()
        .find(|dir| dir.join(".epreuve").join("state.json").exists())
        .map(std::path::Path::to_path_buf)
}

fn report_error(printer: &Printer, error: &anyhow::Error) {
    if let Some(ExamError::Manifest(manifest)) = error.downcast_ref::<ExamError>() {
        let mut text = String::new();
        let handler = miette::GraphicalReportHandler::new_themed(if printer.color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        });
        // miette draws the snippet; the sentences are the catalogue's, in the reader's language.
        let message = epreuve_i18n::said!(
            "err-manifest",
            file = &manifest.file,
            why = &manifest.message
        )
        .render(printer.lang);
        let mut diagnostic = miette::MietteDiagnostic::new(message);
        if let Some(span) = manifest.span {
            diagnostic = diagnostic.with_label(miette::LabeledSpan::at(
                span,
                epreuve_i18n::said!("manifest-here").render(printer.lang),
            ));
        }
        let report = miette::Report::new(diagnostic).with_source_code(manifest.src.clone());
        if handler.render_report(&mut text, report.as_ref()).is_ok() {
            eprintln!("{text}");
            return;
        }
    }
    // Each error epreuve knows is said in the user's language; what wraps it (a context) and
    // what it does not know (a library's own error) keeps its words.
    let mut parts = Vec::new();
    for cause in error.chain() {
        if let Some(said) = said_of(cause) {
            parts.push(said.render(printer.lang));
            break;
        }
        parts.push(cause.to_string());
    }
    printer.error(parts.join(": "));
}

/// The catalogue's message for an error of epreuve's crates.
fn said_of(error: &(dyn std::error::Error + 'static)) -> Option<epreuve_i18n::Said> {
    if let Some(e) = error.downcast_ref::<epreuve_class::ClassError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_live::LiveError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_grading::GradingError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_session::SessionError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_provision::ProvisionError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_db::DbError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<ExamError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_grade::GradeError>() {
        return Some(e.said());
    }
    if let Some(e) = error.downcast_ref::<epreuve_data::DataError>() {
        return Some(e.said());
    }
    error
        .downcast_ref::<epreuve_fs::FsError>()
        .map(epreuve_fs::FsError::said)
}

/// The exit code an error earns: infrastructure faults apart from the user's own mistakes.
fn classify(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        // Grading wraps the errors of the crates below it.
        let cause = match cause.downcast_ref::<epreuve_grading::GradingError>() {
            Some(grading) => grading.inner(),
            None => cause,
        };
        let refused = cause.downcast_ref::<epreuve_fs::FsError>().or_else(|| {
            match cause.downcast_ref::<SessionError>() {
                Some(SessionError::Refused(e)) => Some(e),
                _ => None,
            }
        });
        if let Some(epreuve_fs::FsError::Busy { .. }) = refused {
            return exit_codes::INFRASTRUCTURE;
        }
        let provision = cause.downcast_ref::<ProvisionError>().or_else(|| {
            match cause.downcast_ref::<SessionError>() {
                Some(SessionError::Provision(e)) => Some(e),
                _ => None,
            }
        });
        match provision {
            Some(ProvisionError::Cancelled) => return exit_codes::CANCELLED,
            Some(e) if e.is_infrastructure() => return exit_codes::INFRASTRUCTURE,
            Some(_) => return exit_codes::USER_ERROR,
            None => {}
        }
        let db = cause
            .downcast_ref::<DbError>()
            .or_else(|| match cause.downcast_ref::<SessionError>() {
                Some(SessionError::Db(e)) => Some(e),
                _ => None,
            })
            .or_else(|| match cause.downcast_ref::<GradeError>() {
                Some(GradeError::Db(e)) => Some(e),
                _ => None,
            });
        if db.is_some_and(DbError::is_infrastructure) {
            return exit_codes::INFRASTRUCTURE;
        }
    }
    exit_codes::USER_ERROR
}
