//! The candidate's workspace: statement, data, answers, database, and the hidden `.epreuve/`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use epreuve_db::{Backend, DbError, Engine};
use epreuve_exam::{Catalogue, Exam};
use epreuve_provision::{Cancel, ImageSource, Request, Route};

use crate::integrity::truth_source;
use crate::{DataFile, DatabaseLocation, SessionError, State, TruthSource, log, sha256_file};

/// Version of `state.json`.
const STATE_VERSION: u32 = 1;

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
}

/// Lines about the progress of long steps (a million lines generated, then loaded), for a
/// person waiting; nothing when absent.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<Say>>);

/// What is told a line of progress.
type Say = dyn Fn(&str) + Send + Sync;

impl Progress {
    /// Progress told to `say`.
    pub fn new(say: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Self(Some(std::sync::Arc::new(say)))
    }

    /// Tells `text`, when someone listens.
    pub fn say(&self, text: &str) {
        if let Some(say) = &self.0 {
            say(text);
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

/// `1000000` → `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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
        }
    }
}

/// A workspace on disk.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    state: State,
}

impl Workspace {
    /// Creates the workspace of `exam` in `dir`, which must not exist or be empty.
    pub fn start(
        catalogue: &Catalogue,
        exam: &Exam,
        dir: &Path,
        options: &StartOptions,
    ) -> Result<Self, SessionError> {
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
        let result = Self::create(catalogue, exam, dir, options);
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

    fn create(
        catalogue: &Catalogue,
        exam: &Exam,
        dir: &Path,
        options: &StartOptions,
    ) -> Result<Self, SessionError> {
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
        if let Some(en) = &statement.en {
            copy_file(&exam.dir.join(en), &dir.join("statement.en.md"))?;
        }
        let seed =
            exam.manifest.generator.as_ref().map(|_| {
                epreuve_data::generate::candidate_seed(&exam.manifest.id, &options.candidate)
            });
        if let (Some(spec), Some(seed)) = (&exam.manifest.generator, seed) {
            let started = std::time::Instant::now();
            let long = spec.sales >= LONG_STEP;
            crate::integrity::generate(spec, seed, &dir.join("data"), &mut |done, all| {
                if long && done < all {
                    options.progress.say(&format!(
                        "generating the data: {} of {} sales lines",
                        thousands(done),
                        thousands(all)
                    ));
                }
            })?;
            if long {
                let seconds = started.elapsed().as_secs_f64().max(0.001);
                options.progress.say(&format!(
                    "generated {} sales lines in {seconds:.1} s ({} lines/s)",
                    thousands(spec.sales),
                    thousands((spec.sales as f64 / seconds) as usize)
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
        let finish = preload(exam, dir, &database, options).and_then(|()| {
            Self::finish(catalogue, exam, dir, options, data, seed, database.clone())
        });
        if finish.is_err() {
            let _ = epreuve_provision::down(dir, &database);
        }
        finish
    }

    fn finish(
        catalogue: &Catalogue,
        exam: &Exam,
        dir: &Path,
        options: &StartOptions,
        data: Vec<DataFile>,
        seed: Option<u64>,
        database: DatabaseLocation,
    ) -> Result<Self, SessionError> {
        let duration = options.duration.unwrap_or(exam.manifest.duration);
        let state = State {
            version: STATE_VERSION,
            exam: exam.manifest.id.clone(),
            candidate: options.candidate.clone(),
            catalogue: std::path::absolute(catalogue.root())
                .unwrap_or_else(|_| catalogue.root().to_path_buf()),
            engine: options.engine,
            database,
            started_at: options.now,
            deadline: chrono::Duration::from_std(duration)
                .ok()
                .and_then(|d| options.now.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            data,
            seed,
            submitted: None,
        };
        let workspace = Self {
            root: dir.to_path_buf(),
            state,
        };
        workspace.save_state()?;
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

    /// Opens the workspace at `dir`.
    pub fn open(dir: &Path) -> Result<Self, SessionError> {
        if !dir.is_dir() {
            return Err(SessionError::NoWorkspace {
                path: dir.to_path_buf(),
            });
        }
        let path = dir.join(".epreuve").join("state.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SessionError::NotAWorkspace {
                    path: dir.to_path_buf(),
                });
            }
            Err(e) => return Err(SessionError::io("read", &path)(e)),
        };
        let state = serde_json::from_str(&text).map_err(|e| SessionError::BadState {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Ok(Self {
            root: dir.to_path_buf(),
            state,
        })
    }

    /// The workspace folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The recorded state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The candidate's `answers/` folder.
    pub fn answers_dir(&self) -> PathBuf {
        self.root.join("answers")
    }

    /// The folder of the hidden state.
    pub(crate) fn hidden_dir(&self) -> PathBuf {
        self.root.join(".epreuve")
    }

    /// The live database file of an embedded database.
    pub fn database_file(&self) -> Option<PathBuf> {
        match &self.state.database {
            DatabaseLocation::Embedded { file } => Some(self.root.join(file)),
            _ => None,
        }
    }

    /// Where the database is.
    pub fn database(&self) -> &DatabaseLocation {
        &self.state.database
    }

    /// Opens the live database, read-only where the engine allows it.
    pub fn open_database(&self) -> Result<Box<dyn Backend>, DbError> {
        epreuve_provision::open(&self.root, &self.state.database)
    }

    /// Opens the live database for writing (to apply a shipped solution).
    pub fn open_database_writable(&self) -> Result<Box<dyn Backend>, DbError> {
        epreuve_provision::open_writable(&self.root, &self.state.database)
    }

    /// How a candidate connects, in words and commands.
    pub fn connection_help(&self) -> String {
        match &self.state.database {
            DatabaseLocation::Embedded { file } => {
                let path = self.root.join(file);
                let path = std::path::absolute(&path).unwrap_or(path);
                format!(
                    "DuckDB file {p}\n  duckdb CLI:   duckdb {p}\n  Python:       duckdb.connect(r\"{p}\")\n  DBeaver:      new DuckDB connection, path {p}",
                    p = path.display()
                )
            }
            other => {
                let a = other.address().expect("servers have an address");
                let client = match a.engine {
                    Engine::MariaDb => format!(
                        "mariadb -h {} -P {} -u {} -p'{}' {}",
                        a.host, a.port, a.user, a.password, a.database
                    ),
                    _ => format!(
                        "PGPASSWORD='{}' psql -h {} -p {} -U {} {}",
                        a.password, a.host, a.port, a.user, a.database
                    ),
                };
                let how = match other {
                    DatabaseLocation::Docker {
                        container, image, ..
                    } => {
                        format!("Docker container {container} ({image})")
                    }
                    DatabaseLocation::Local { data_dir, .. } => {
                        format!("local server, files in {}", data_dir.display())
                    }
                    _ => "database on the centre's server".to_owned(),
                };
                format!(
                    "{} {how}\n  host {}  port {}  user {}  password {}  database {}\n  client:  {client}\n  URL:     {}",
                    a.engine.label(),
                    a.host,
                    a.port,
                    a.user,
                    a.password,
                    a.database,
                    a.url()
                )
            }
        }
    }

    /// Appends a line to the action log.
    pub fn log(&self, event: &str, detail: &str) -> Result<(), SessionError> {
        log::append(&self.hidden_dir().join("log.jsonl"), event, detail)
    }

    /// Where ground truth must be read from, checking the data files handed out against the
    /// originals: regenerated from the exam and the candidate when the exam has a generator
    /// (so that neither the files nor the recorded checksums can be edited unnoticed), the
    /// catalogue's copies otherwise.
    pub fn truth_source(&self, exam: &Exam) -> Result<TruthSource, SessionError> {
        match &exam.manifest.generator {
            Some(spec) => crate::integrity::regenerated_truth(
                spec,
                epreuve_data::generate::candidate_seed(&exam.manifest.id, &self.state.candidate),
                &self.state.data,
                &self.root.join("data"),
            ),
            None => truth_source(&self.state.data, &self.root.join("data"), &exam.dataset_dir),
        }
    }

    /// The catalogue the exam came from.
    pub fn catalogue(&self) -> Result<Catalogue, SessionError> {
        Ok(Catalogue::open(&self.state.catalogue)?)
    }

    pub(crate) fn save_state(&self) -> Result<(), SessionError> {
        let path = self.hidden_dir().join("state.json");
        let text = serde_json::to_string_pretty(&self.state).unwrap_or_default();
        std::fs::write(&path, text).map_err(SessionError::io("write", &path))
    }

    pub(crate) fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// Copies a file, creating the target's folder when needed.
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
        message: format!("{}: {e}", schema_path.display()),
    })?;
    for table in &exam.manifest.tables {
        options.cancel.check()?;
        let fault = |message: String| SessionError::Preload {
            table: table.name.clone(),
            message,
        };
        let source = epreuve_data::read_source(&dir.join("data"), &table.source)
            .map_err(|e| fault(e.to_string()))?;
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
                .map_err(|e| fault(e.to_string()))?;
            offset += PRELOAD_SLICE;
            if height >= LONG_STEP && offset < height && offset % LONG_STEP == 0 {
                options.progress.say(&format!(
                    "loading `{}`: {} of {} lines",
                    table.name,
                    thousands(offset),
                    thousands(height)
                ));
            }
        }
        if height >= LONG_STEP {
            options.progress.say(&format!(
                "loaded {} lines into `{}` in {:.1} s",
                thousands(height),
                table.name,
                started.elapsed().as_secs_f64()
            ));
        }
    }
    // Statistics for the planner, as a database in service would have.
    if db.engine() == epreuve_db::Engine::Postgres {
        db.execute("ANALYZE").map_err(|e| SessionError::Preload {
            table: "(statistics)".into(),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000), "1,000");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
        assert_eq!(super::thousands(24_000), "24,000");
    }
}
