//! `db up|down|info` and `images build`: the workspace's database server and the local images.

use epreuve_provision::{BuildEvent, Cancel, DatabaseLocation, ImageSource, Route};
use epreuve_session::{Centre, Workspace};
use serde_json::json;

use crate::cli::{
    DatabaseArgs, DownArgs, EngineArg, ImagesArg, ImagesBuildArgs, ViaArg, WorkspaceArgs,
};
use crate::exit_codes;
use crate::printer::Printer;

/// Engine, route and images asked for on the command line, with the defaults filled in: the
/// engine is the exam's first when none is asked.
pub(crate) fn requested(
    args: &DatabaseArgs,
    exam: &epreuve_exam::Exam,
) -> (epreuve_db::Engine, Route, ImageSource) {
    let engine = match args.engine {
        Some(EngineArg::Duckdb) => epreuve_db::Engine::DuckDb,
        Some(EngineArg::Postgres) => epreuve_db::Engine::Postgres,
        Some(EngineArg::Mariadb) => epreuve_db::Engine::MariaDb,
        Some(EngineArg::Mongodb) => epreuve_db::Engine::MongoDb,
        None => exam
            .manifest
            .engines()
            .first()
            .copied()
            .unwrap_or(epreuve_db::Engine::DuckDb),
    };
    let route = match (args.via, engine) {
        (Some(ViaArg::Embedded), _) => Route::Embedded,
        (Some(ViaArg::Docker), _) => Route::Docker,
        (Some(ViaArg::Local), _) => Route::Local,
        (Some(ViaArg::Url), _) => Route::Url,
        (None, epreuve_db::Engine::DuckDb) => Route::Embedded,
        (None, _) if args.url.is_some() => Route::Url,
        (None, _) => Route::Docker,
    };
    let images = match args.images {
        ImagesArg::Official => ImageSource::Official,
        ImagesArg::Local => ImageSource::Local,
    };
    (engine, route, images)
}

pub fn up(printer: &Printer, cancel: &Cancel, args: &WorkspaceArgs) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.dir)?;
    let _lock = super::lock(printer, &workspace, "db up")?;
    epreuve_provision::up(workspace.root(), workspace.database(), cancel)?;
    let _ = workspace.log("db up", &workspace.database().route().to_string());
    printer.result(
        || {
            format!(
                "{}\n  {}\n",
                epreuve_i18n::said!("db-up-answers").render(printer.lang),
                workspace.connection_help(printer.lang)
            )
        },
        || json!({ "answers": true }).to_string(),
    );
    Ok(exit_codes::SUCCESS)
}

pub fn down(printer: &Printer, centre: &Centre, args: &DownArgs) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.workspace.dir)?;
    let _lock = super::lock(printer, &workspace, "db down")?;
    // On a shared server, what is dropped is what the centre created for this workspace, as
    // its record says: the workspace's state.json could name any other candidate's database.
    let location = match workspace.database() {
        DatabaseLocation::Url { .. } => match record_of(&workspace, centre)? {
            Some(record) => record.database,
            None => anyhow::bail!(
                epreuve_i18n::said!(
                    "err-down-no-record",
                    workspace = workspace.root().display().to_string(),
                    centre = centre.dir().display().to_string()
                )
                .render(printer.lang)
            ),
        },
        other => other.clone(),
    };
    epreuve_provision::down(workspace.root(), &location, args.url.as_deref())?;
    let _ = workspace.log("db down", &workspace.database().route().to_string());
    let what = match workspace.database() {
        DatabaseLocation::Embedded { .. } => "db-down-embedded",
        DatabaseLocation::Docker { .. } => "db-down-docker",
        DatabaseLocation::Local { .. } => "db-down-local",
        DatabaseLocation::Url { .. } => "db-down-url",
    };
    let what = epreuve_i18n::said!(what).render(printer.lang);
    printer.result(
        || format!("{what}\n"),
        || json!({ "down": true }).to_string(),
    );
    Ok(exit_codes::SUCCESS)
}

/// The centre's record of `workspace`: in `centre`, or, for a workspace of a class folder
/// (`<class>/workspaces/<id>`), in the class's own `centre/`.
fn record_of(
    workspace: &Workspace,
    centre: &Centre,
) -> anyhow::Result<Option<epreuve_session::CentreRecord>> {
    if let Some(record) = centre.find(workspace)? {
        return Ok(Some(record));
    }
    let class = workspace
        .root()
        .canonicalize()
        .ok()
        .and_then(|real| real.parent()?.parent().map(std::path::Path::to_path_buf))
        .filter(|class| class.join("class.toml").is_file());
    match class {
        Some(class) => Ok(Centre::of_class(class.join("centre")).find(workspace)?),
        None => Ok(None),
    }
}

pub fn info(printer: &Printer, args: &WorkspaceArgs) -> anyhow::Result<u8> {
    let workspace = Workspace::open(&args.dir)?;
    let answers = epreuve_provision::answers(workspace.root(), workspace.database());
    let database = workspace.database();
    printer.result(
        || {
            format!(
                "{} via {}\n  {}\n  {}\n",
                workspace.state().engine.label(),
                database.route(),
                workspace.connection_help(printer.lang),
                match &answers {
                    Ok(()) => epreuve_i18n::said!("class-follow-database-answers"),
                    Err(e) => epreuve_i18n::said!(
                        "class-follow-database-silent",
                        why = e.said().render(printer.lang)
                    ),
                }
                .render(printer.lang)
            )
        },
        || {
            json!({
                "engine": workspace.state().engine,
                "via": database.route(),
                "address": database.address().map(|a| json!({
                    "host": a.host, "port": a.port, "user": a.user, "database": a.database,
                })),
                "answers": answers.is_ok(),
                "error": answers.as_ref().err().map(ToString::to_string),
            })
            .to_string()
        },
    );
    Ok(if answers.is_ok() {
        exit_codes::SUCCESS
    } else {
        exit_codes::INFRASTRUCTURE
    })
}

pub fn build_images(printer: &Printer, args: &ImagesBuildArgs) -> anyhow::Result<u8> {
    let lang = printer.lang;
    epreuve_provision::build_images(args.force, |event| match event {
        BuildEvent::Skipped { image } => printer.info(epreuve_i18n::tr!(
            lang,
            "images-kept",
            image = image.as_str()
        )),
        BuildEvent::Started { image } => printer.info(epreuve_i18n::tr!(
            lang,
            "images-building",
            image = image.as_str()
        )),
        BuildEvent::Line { image, line } => printer.info(format!("  [{image}] {line}")),
        BuildEvent::Built { image, seconds } => printer.info(epreuve_i18n::tr!(
            lang,
            "images-built",
            image = image.as_str(),
            seconds = seconds.round()
        )),
    })?;
    printer.result(
        || format!("{}\n", epreuve_i18n::tr!(lang, "images-ready")),
        || json!({ "built": true }).to_string(),
    );
    Ok(exit_codes::SUCCESS)
}
