//! Starting an exam: the workspace made (statement, the candidate's own data, answers/), its
//! database provisioned and preloaded when the exam says so, the clock started, and the
//! centre's own record written outside the workspace.

use epreuve_i18n::{Said, SaidArg, said};
use std::path::Path;

use chrono::{DateTime, Utc};
use epreuve_db::Engine;
use epreuve_exam::Exam;
use epreuve_provision::{Cancel, ImageSource, Request, Route};

use crate::{Centre, DataFile, DatabaseLocation, SessionError, State, Workspace, sha256_file};

/// How to start an exam.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Candidate identifier.
    pub candidate: String,
    /// Time allowed, when it differs from the exam's.
    pub duration: Option<std::time::Duration>,
    /// The start time.
    pub now: DateTime<Utc>,
    /// Database engine.
    pub engine: Engine,
    /// How to get the database.
    pub route: Route,
    /// Official or locally built images (route `docker`).
    pub images: ImageSource,
    /// Server on which to create the candidate's database (route `url`).
    pub url: Option<String>,
    /// Port for the server (routes `docker` and `local`).
    pub port: Option<u16>,
    /// Set by Ctrl-C.
    pub cancel: Cancel,
    /// Where to say how a long generation or preload is going.
    pub progress: Progress,
    /// Where the centre keeps its own record of the workspace.
    pub centre: Centre,
}

/// Lines about the progress of long steps (a million lines generated, then loaded), for a
/// person waiting; nothing when absent.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<Say>>);

/// What is told a line of progress, to say in the listener's language.
type Say = dyn Fn(&Said) + Send + Sync;

impl Progress {
    /// Progress told to `say`.
    pub fn new(say: impl Fn(&Said) + Send + Sync + 'static) -> Self {
        Self(Some(std::sync::Arc::new(say)))
    }

    /// Tells `line`, when someone listens.
    pub fn say(&self, line: &Said) {
        if let Some(say) = &self.0 {
            say(line);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(told)"
        } else {
            "Progress(silent)"
        })
    }
}

/// Steps shorter than this many lines say nothing of their progress.
const LONG_STEP: usize = 200_000;

impl StartOptions {
    /// The same options, telling `progress` how long steps go.
    pub fn with_progress(self, progress: Progress) -> Self {
        Self { progress, ..self }
    }

    /// Options for `candidate` on the embedded DuckDB default.
    pub fn embedded(candidate: &str, now: DateTime<Utc>) -> Self {
        Self {
            candidate: candidate.to_owned(),
            duration: None,
            now,
            engine: Engine::DuckDb,
            route: Route::Embedded,
            images: ImageSource::Official,
            url: None,
            port: None,
            cancel: Cancel::new(),
            progress: Progress::default(),
            centre: Centre::new(None),
        }
    }
}

impl Workspace {
    /// Creates the workspace of `exam` in `dir`, which must not exist or be empty.
    pub fn start(exam: &Exam, dir: &Path, options: &StartOptions) -> Result<Self, SessionError> {
        if !exam.manifest.runs_on(options.engine) {
            return Err(SessionError::WrongEngine {
                exam: exam.manifest.id.clone(),
                engine: options.engine.label().to_owned(),
                engines: exam
                    .manifest
                    .engines()
                    .iter()
                    .map(|e| e.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let hidden = dir.join(".epreuve");
        if hidden.is_dir() && !hidden.join("state.json").exists() {
            // A start killed half-way (kill -9 leaves no cleanup): nothing in the folder is the
            // candidate's, since the workspace never started. Its server is ended and the
            // folder emptied, under the lock, so that a start still running is left alone.
            let lock = epreuve_fs::WorkspaceLock::acquire(
                &hidden,
                "start",
                std::time::Duration::ZERO,
                |_| {},
            )?;
            epreuve_provision::end_leftover(dir);
            drop(lock);
            clear(dir).map_err(SessionError::io("clear", dir))?;
        }
        let existed = dir.exists();
        if existed
            && std::fs::read_dir(dir)
                .map_err(SessionError::io("read", dir))?
                .next()
                .is_some()
        {
            return Err(SessionError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        crate::state::check_candidate(&options.candidate)
            .map_err(|message| SessionError::BadInput { message })?;
        // The lock first: a second `start` in the same folder gives up here, before it has
        // made anything, so its cleanup never removes what the first one is making.
        std::fs::create_dir_all(&hidden).map_err(SessionError::io("create", &hidden))?;
        let _lock = epreuve_fs::WorkspaceLock::acquire(
            &hidden,
            "start",
            std::time::Duration::ZERO,
            |_| {},
        )?;
        if std::fs::read_dir(dir)
            .map_err(SessionError::io("read", dir))?
            .any(|e| e.is_ok_and(|e| e.file_name() != ".epreuve"))
            || std::fs::read_dir(&hidden)
                .map_err(SessionError::io("read", &hidden))?
                .any(|e| e.is_ok_and(|e| e.file_name() != "lock"))
        {
            return Err(SessionError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        let result = Self::create(exam, dir, options);
        if result.is_err() {
            // Leave nothing half-made behind; the folder was empty or absent before.
            let _ = if existed {
                clear(dir)
            } else {
                std::fs::remove_dir_all(dir)
            };
        }
        result
    }

    fn create(exam: &Exam, dir: &Path, options: &StartOptions) -> Result<Self, SessionError> {
        let hidden = dir.join(".epreuve");
        for folder in [
            dir.to_path_buf(),
            dir.join("data"),
            dir.join("answers"),
            hidden.clone(),
        ] {
            std::fs::create_dir_all(&folder).map_err(SessionError::io("create", &folder))?;
        }
        let statement = &exam.manifest.statement;
        copy_file(&exam.dir.join(&statement.fr), &dir.join("statement.md"))?;
        copy_file(&exam.dir.join(&statement.en), &dir.join("statement.en.md"))?;
        // In a class, the centre's secret keys the seed: the candidate-side pack alone cannot
        // make another candidate's files.
        let secret = options.centre.secret()?;
        let seed = exam.manifest.generator.as_ref().map(|_| match &secret {
            Some(secret) => epreuve_data::generate::keyed_candidate_seed(
                secret,
                &exam.manifest.id,
                &options.candidate,
            ),
            None => epreuve_data::generate::candidate_seed(&exam.manifest.id, &options.candidate),
        });
        if let (Some(spec), Some(seed)) = (&exam.manifest.generator, seed) {
            let started = std::time::Instant::now();
            let long = spec.sales >= LONG_STEP;
            crate::integrity::generate(spec, seed, &dir.join("data"), &mut |done, all| {
                if long && done < all {
                    options.progress.say(&said!(
                        "progress-generating",
                        done = SaidArg::grouped(done),
                        all = SaidArg::grouped(all)
                    ));
                }
            })?;
            if long {
                let seconds = started.elapsed().as_secs_f64().max(0.001);
                options.progress.say(&said!(
                    "progress-generated",
                    lines = SaidArg::grouped(spec.sales),
                    seconds = SaidArg::decimal(seconds, 1),
                    rate = SaidArg::grouped((spec.sales as f64 / seconds) as usize)
                ));
            }
        }
        let mut data = Vec::new();
        for table in &exam.manifest.tables {
            let name = &table.source.file;
            if data.iter().any(|d: &DataFile| &d.name == name) {
                continue;
            }
            let target = dir.join("data").join(name);
            if seed.is_none() {
                copy_file(&exam.dataset_dir.join(name), &target)?;
            }
            data.push(DataFile {
                name: name.clone(),
                sha256: sha256_file(&target).map_err(SessionError::io("read", &target))?,
                bytes: std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0),
            });
        }
        options.cancel.check()?;
        // The database exists and answers before the clock starts.
        let database = epreuve_provision::provision(
            dir,
            &Request {
                engine: options.engine,
                route: options.route,
                candidate: options.candidate.clone(),
                images: options.images,
                url: options.url.clone(),
                port: options.port,
                cancel: options.cancel.clone(),
            },
        )?;
        let finish = preload(exam, dir, &database, options)
            .and_then(|()| Self::finish(exam, dir, options, data, seed, &database));
        if finish.is_err() {
            let _ = epreuve_provision::down(dir, &database, options.url.as_deref());
        }
        finish
    }

    fn finish(
        exam: &Exam,
        dir: &Path,
        options: &StartOptions,
        data: Vec<DataFile>,
        seed: Option<u64>,
        database: &DatabaseLocation,
    ) -> Result<Self, SessionError> {
        let duration = options.duration.unwrap_or(exam.manifest.duration);
        let state = State {
            version: crate::state::STATE_VERSION,
            exam: exam.manifest.id.clone(),
            candidate: options.candidate.clone(),
            engine: options.engine,
            // The grading account stays on the centre's side.
            database: database.for_candidate(),
            started_at: options.now,
            deadline: chrono::Duration::from_std(duration)
                .ok()
                .and_then(|d| options.now.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            grace_seconds: exam.manifest.grace.as_secs(),
            data,
            seed,
            submitted: None,
            workspace_id: Some(workspace_id()?),
        };
        let fs = epreuve_fs::Root::new(dir)?;
        let hidden = fs.sub(".epreuve")?;
        let workspace = Self {
            root: dir.to_path_buf(),
            fs,
            hidden,
            state,
        };
        workspace.save_state()?;
        options.centre.record(dir, &workspace.state, database)?;
        workspace.log(
            "start",
            &format!(
                "exam {} for candidate {} on {} ({})",
                exam.manifest.id,
                options.candidate,
                options.engine.label(),
                options.route
            ),
        )?;
        options.cancel.check()?;
        Ok(workspace)
    }
}

/// Creates the exam's tables and loads the candidate's files into them, when the exam starts
/// from a loaded database (`[preload]`).
/// Lines of a source loaded at a time by the preload.
const PRELOAD_SLICE: usize = 50_000;

fn preload(
    exam: &Exam,
    dir: &Path,
    database: &DatabaseLocation,
    options: &StartOptions,
) -> Result<(), SessionError> {
    let Some(preload) = &exam.manifest.preload else {
        return Ok(());
    };
    let schema_path = exam.dir.join(&preload.schema);
    let schema =
        std::fs::read_to_string(&schema_path).map_err(SessionError::io("read", &schema_path))?;
    let db = epreuve_provision::open_writable(dir, database)?;
    db.execute(&schema).map_err(|e| SessionError::Preload {
        table: "(schema)".into(),
        message: said!(
            "err-path-text",
            path = schema_path.display().to_string(),
            text = e.said()
        ),
    })?;
    for table in &exam.manifest.tables {
        options.cancel.check()?;
        let fault = |message: Said| SessionError::Preload {
            table: table.name.clone(),
            message,
        };
        let source = epreuve_data::read_source(&dir.join("data"), &table.source)
            .map_err(|e| fault(e.said()))?;
        let profile = epreuve_data::profile_frame(&source);
        // A slice of the source at a time: a million lines are never all held as text, and
        // Ctrl-C is heard between slices.
        let height = source.frame.height();
        let started = std::time::Instant::now();
        let mut offset = 0;
        while offset < height {
            options.cancel.check()?;
            let slice = source.frame.slice(offset as i64, PRELOAD_SLICE);
            let columns = epreuve_data::text_columns(&slice);
            let families = profile.families(&columns);
            epreuve_db::fill_table(db.as_ref(), &table.name, &columns, &families, usize::MAX)
                .map_err(|e| fault(e.said()))?;
            offset += PRELOAD_SLICE;
            if height >= LONG_STEP && offset < height && offset % LONG_STEP == 0 {
                options.progress.say(&said!(
                    "progress-loading",
                    table = &table.name,
                    done = SaidArg::grouped(offset),
                    all = SaidArg::grouped(height)
                ));
            }
        }
        if height >= LONG_STEP {
            options.progress.say(&said!(
                "progress-loaded",
                lines = SaidArg::grouped(height),
                table = &table.name,
                seconds = SaidArg::decimal(started.elapsed().as_secs_f64(), 1)
            ));
        }
    }
    // Statistics for the planner, as a database in service would have.
    if db.engine() == epreuve_db::Engine::Postgres {
        db.execute("ANALYZE").map_err(|e| SessionError::Preload {
            table: "(statistics)".into(),
            message: e.said(),
        })?;
    }
    Ok(())
}

/// Copies a file of the catalogue, creating the target's folder when needed.
pub(crate) fn copy_file(from: &Path, to: &Path) -> Result<(), SessionError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(SessionError::io("create", parent))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(SessionError::io("copy", from))
}

fn clear(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            std::fs::remove_dir_all(path)?;
        } else {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

/// 128 random bits from the system's random source, in hex: the workspace's identity.
fn workspace_id() -> Result<String, SessionError> {
    crate::random_hex(16)
}
