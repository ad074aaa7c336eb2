//! The live view's engine, without a terminal: read the clock from the sealed deadline, say
//! the warnings that fall due, re-run the public checks when the candidate saves a file of
//! `answers/` or changes the database (debounced; a DuckDB file held open by the candidate's
//! tool is waited for), and submit the workspace for the candidate just before the deadline.
//!
//! [`Watch::tick`] is called a few times a second and returns what happened, as [`Event`]s;
//! the full-screen view draws [`Watch`]'s state, the accessible mode prints the events.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use epreuve_exam::Catalogue;
use epreuve_grade::Visibility;
use epreuve_grading::Request;
use epreuve_provision::Cancel;
use epreuve_results::{Report, Status};
use epreuve_session::{SubmissionRecord, Workspace};

use crate::clock::{announce, warnings_due};

/// How long the files must stay still before the checks run again.
const SETTLE: StdDuration = StdDuration::from_millis(800);
/// How often the files are looked at.
const LOOK_EVERY: StdDuration = StdDuration::from_millis(500);
/// How often a server's database (whose changes no file shows) is checked again.
const SERVER_EVERY: StdDuration = StdDuration::from_secs(30);
/// How long a busy database or a refused submission waits before trying again.
const RETRY: StdDuration = StdDuration::from_secs(2);

/// One public check as the candidate sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its identifier (`ventes.row_count`).
    pub id: String,
    /// What it checks, as the grader words it.
    pub title: String,
    /// Where it stands.
    pub status: Status,
    /// What to look at, when it does not pass: the check itself, whose message says it in
    /// the candidate's language.
    pub check: epreuve_results::CheckResult,
}

impl Item {
    /// What to look at in `lang`, empty when the check passes.
    pub fn hint(&self, lang: epreuve_i18n::Lang) -> String {
        if self.status == Status::Passed {
            String::new()
        } else {
            self.check.message_in(lang)
        }
    }
}

/// The public checklist at its last run.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    /// Every public check.
    pub items: Vec<Item>,
    /// Checks that pass.
    pub passed: usize,
    /// Checks that count (not applicable ones aside).
    pub total: usize,
}

impl Checklist {
    fn of(report: &Report) -> Self {
        let items: Vec<Item> = report
            .checks
            .iter()
            .map(|c| Item {
                id: c.id.clone(),
                title: c.title.clone(),
                status: c.status,
                check: c.clone(),
            })
            .collect();
        Self {
            passed: items.iter().filter(|i| i.status == Status::Passed).count(),
            total: items
                .iter()
                .filter(|i| i.status != Status::NotApplicable)
                .count(),
            items,
        }
    }
}

/// What happened since the last tick.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The time left, at the intervals the accessible mode announces it.
    Time(Duration),
    /// A warning: this many minutes left.
    Warning(i64),
    /// The checks ran again.
    Checked,
    /// The database file is held open for writing by another program: the check waits.
    DatabaseBusy,
    /// The checks could not run.
    CheckFailed(epreuve_i18n::Said),
    /// The workspace was submitted (by the view, or by the candidate elsewhere).
    Submitted {
        /// The submission.
        record: SubmissionRecord,
        /// Made by the view at the deadline.
        automatic: bool,
    },
    /// The automatic submission could not be made yet, and why.
    SubmitWaiting(epreuve_i18n::Said),
    /// The deadline passed.
    TimeUp,
}

/// What a check run in the background gives back.
enum Ran {
    Done(Box<Report>),
    Busy,
    Failed(epreuve_i18n::Said),
}

/// The live view's state.
pub struct Watch {
    dir: PathBuf,
    catalogue: Catalogue,
    /// Exam identifier.
    pub exam: String,
    /// Candidate identifier.
    pub candidate: String,
    /// The sealed deadline.
    pub deadline: DateTime<Utc>,
    /// The exam's grace after it, in seconds.
    pub grace_seconds: u64,
    /// How to reach the database.
    pub connection: String,
    /// The submission, when there is one.
    pub submitted: Option<SubmissionRecord>,
    /// The checklist at its last run.
    pub checklist: Option<Checklist>,
    /// A check is running.
    pub checking: bool,
    /// The database waits to be free.
    pub busy: bool,
    database_file: Option<PathBuf>,
    last_left: Option<Duration>,
    stamp: Option<u64>,
    looked_at: Option<Instant>,
    changed_at: Option<Instant>,
    wanted: bool,
    not_before: Option<Instant>,
    checked_at: Option<Instant>,
    worker: Option<mpsc::Receiver<Ran>>,
    submit_not_before: Option<Instant>,
    time_up_told: bool,
}

impl Watch {
    /// The view of the workspace in `dir`, its exam found in `catalogue`.
    pub fn open(
        dir: &Path,
        catalogue: Catalogue,
        lang: epreuve_i18n::Lang,
    ) -> Result<Self, epreuve_session::SessionError> {
        let workspace = Workspace::open(dir)?;
        let state = workspace.state();
        Ok(Self {
            dir: dir.to_path_buf(),
            catalogue,
            exam: state.exam.clone(),
            candidate: state.candidate.clone(),
            deadline: state.deadline,
            grace_seconds: state.grace_seconds,
            connection: workspace.connection_help(lang),
            submitted: state.submitted.clone(),
            checklist: None,
            checking: false,
            busy: false,
            database_file: workspace.database_file(),
            last_left: None,
            stamp: None,
            looked_at: None,
            changed_at: None,
            wanted: true,
            not_before: None,
            checked_at: None,
            worker: None,
            submit_not_before: None,
            time_up_told: false,
        })
    }

    /// The time left at `now`.
    pub fn left(&self, now: DateTime<Utc>) -> Duration {
        (self.deadline - now).max(Duration::zero())
    }

    /// Asks for the checks to run again now.
    pub fn check_now(&mut self) {
        self.wanted = true;
        self.not_before = None;
    }

    /// Everything that happened since the last call: the clock, the files, the checks, the
    /// submission.
    pub fn tick(&mut self, now: DateTime<Utc>, instant: Instant) -> Vec<Event> {
        let mut events = Vec::new();
        let left = self.left(now);
        if let Some(before) = self.last_left {
            events.extend(warnings_due(before, left).into_iter().map(Event::Warning));
            if announce(before, left) {
                events.push(Event::Time(left));
            }
        }
        self.last_left = Some(left);
        if left.is_zero() && !self.time_up_told {
            self.time_up_told = true;
            events.push(Event::TimeUp);
        }
        if self
            .looked_at
            .is_none_or(|at| instant.duration_since(at) >= LOOK_EVERY)
        {
            self.looked_at = Some(instant);
            self.look(instant, &mut events);
        }
        self.submit_when_due(now, instant, &mut events);
        self.collect(instant, &mut events);
        self.start_check(instant);
        events
    }

    /// The files and the state: a change asks for the checks; a submission made elsewhere is
    /// taken in.
    fn look(&mut self, instant: Instant, events: &mut Vec<Event>) {
        let stamp = stamp(&self.dir, self.database_file.as_deref());
        if self.stamp.is_some_and(|s| s != stamp) {
            self.changed_at = Some(instant);
            self.wanted = true;
        }
        self.stamp = Some(stamp);
        if self.database_file.is_none()
            && self
                .checked_at
                .is_some_and(|at| instant.duration_since(at) >= SERVER_EVERY)
        {
            self.wanted = true;
        }
        if let Ok(workspace) = Workspace::open(&self.dir) {
            let now = workspace.state().submitted.clone();
            if now.is_some() && now != self.submitted {
                self.submitted = now.clone();
                if let Some(record) = now {
                    events.push(Event::Submitted {
                        record,
                        automatic: false,
                    });
                }
            }
        }
    }

    /// When the view submits for the candidate (see [`crate::clock::submit_at`]).
    pub fn submit_at(&self) -> DateTime<Utc> {
        crate::clock::submit_at(self.deadline, self.grace_seconds)
    }

    /// Submits the workspace for the candidate once the deadline is near, if they have not.
    fn submit_when_due(&mut self, now: DateTime<Utc>, instant: Instant, events: &mut Vec<Event>) {
        if self.submitted.is_some()
            || now < self.submit_at()
            || self.submit_not_before.is_some_and(|at| instant < at)
        {
            return;
        }
        let made = Workspace::open(&self.dir).and_then(|mut workspace| {
            let _lock = workspace.lock("watch (automatic submission)", |_| {})?;
            workspace.submit(Utc::now())
        });
        match made {
            Ok(record) => {
                self.submitted = Some(record.clone());
                events.push(Event::Submitted {
                    record,
                    automatic: true,
                });
            }
            Err(e) => {
                self.submit_not_before = Some(instant + RETRY);
                events.push(Event::SubmitWaiting(e.said()));
            }
        }
    }

    /// The result of a check running in the background, if it is there.
    fn collect(&mut self, instant: Instant, events: &mut Vec<Event>) {
        let Some(worker) = &self.worker else {
            return;
        };
        let ran = match worker.try_recv() {
            Ok(ran) => ran,
            Err(mpsc::TryRecvError::Empty) => return,
            Err(mpsc::TryRecvError::Disconnected) => {
                Ran::Failed(epreuve_i18n::said!("live-check-no-answer"))
            }
        };
        self.worker = None;
        self.checking = false;
        self.checked_at = Some(instant);
        match ran {
            Ran::Done(report) => {
                self.busy = false;
                self.checklist = Some(Checklist::of(&report));
                events.push(Event::Checked);
            }
            Ran::Busy => {
                if !self.busy {
                    events.push(Event::DatabaseBusy);
                }
                self.busy = true;
                self.wanted = true;
                self.not_before = Some(instant + RETRY);
            }
            Ran::Failed(why) => {
                self.busy = false;
                events.push(Event::CheckFailed(why));
            }
        }
    }

    /// Starts the checks in the background when they are wanted and the files have settled.
    fn start_check(&mut self, instant: Instant) {
        if !self.wanted
            || self.worker.is_some()
            || self.not_before.is_some_and(|at| instant < at)
            || self
                .changed_at
                .is_some_and(|at| instant.duration_since(at) < SETTLE)
        {
            return;
        }
        self.wanted = false;
        self.checking = true;
        let (send, receive) = mpsc::channel();
        let dir = self.dir.clone();
        let catalogue = self.catalogue.clone();
        std::thread::spawn(move || {
            let _ = send.send(run_check(&dir, &catalogue));
        });
        self.worker = Some(receive);
    }
}

/// The public checks of the workspace, as `check` runs them; `Busy` when its DuckDB file is
/// held open for writing by another program.
fn run_check(dir: &Path, catalogue: &Catalogue) -> Ran {
    let workspace = match Workspace::open(dir) {
        Ok(w) => w,
        Err(e) => return Ran::Failed(e.said()),
    };
    let busy = || {
        workspace.database_file().is_some_and(|file| {
            matches!(
                epreuve_db::DuckDb::open_read_only(&file),
                Err(epreuve_db::DbError::Locked { .. })
            )
        })
    };
    if busy() {
        return Ran::Busy;
    }
    let _lock = match workspace.lock("watch", |_| {}) {
        Ok(lock) => lock,
        Err(e) => return Ran::Failed(e.said()),
    };
    let report = epreuve_grading::grade_workspace(&Request {
        workspace: &workspace,
        catalogue,
        visibility: Visibility::Public,
        evaluation: None,
        centre: None,
        cancel: &Cancel::new(),
        strays: None,
    });
    match report {
        // Held open between the look and the check: still busy, not a failure.
        Ok(report) if !report.gradable && busy() => Ran::Busy,
        Ok(report) => Ran::Done(Box::new(report)),
        Err(e) => Ran::Failed(e.said()),
    }
}

/// A digest of what the candidate changes: the files of `answers/` (names, sizes, times) and
/// the database file with its write-ahead log.
fn stamp(dir: &Path, database: Option<&Path>) -> u64 {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    let mut files: Vec<PathBuf> = Vec::new();
    collect_files(&dir.join("answers"), &mut files, 0);
    if let Some(db) = database {
        files.push(db.to_path_buf());
        files.push(PathBuf::from(format!("{}.wal", db.display())));
    }
    files.sort();
    for file in files {
        file.hash(&mut hash);
        if let Ok(meta) = std::fs::symlink_metadata(&file) {
            meta.len().hash(&mut hash);
            meta.modified().ok().hash(&mut hash);
        }
    }
    hash.finish()
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten().take(1000) {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&path, out, depth + 1),
            _ => out.push(path),
        }
    }
}
