//! `class prepare`: one workspace per candidate of the roster, each with data of their own,
//! on the engine and route the centre chose, the centre's record of each kept in the class.

use chrono::Utc;
use epreuve_exam::Exam;
use epreuve_i18n::Said;
use epreuve_provision::{Cancel, ImageSource, Route};
use epreuve_results::{Engine, Member};
use epreuve_session::{Centre, StartOptions, Workspace};
use std::path::Path;

use crate::{Class, ClassError, ClassManifest};

/// How the workspaces are made.
#[derive(Debug, Clone)]
pub struct PrepareOptions {
    /// Database engine.
    pub engine: Engine,
    /// How each database comes to be.
    pub route: Route,
    /// Images for the `docker` route.
    pub images: ImageSource,
    /// The centre's server for the `url` route (one database and two roles per candidate).
    pub url: Option<String>,
    /// Time allowed, when it differs from the exam's (each candidate's extra time is added).
    pub duration: Option<std::time::Duration>,
    /// Workspaces made at once.
    pub jobs: usize,
    /// Set by Ctrl-C: no new workspace is started.
    pub cancel: Cancel,
}

/// What `prepare` did.
#[derive(Debug, Clone, Default)]
pub struct PrepareSummary {
    /// Candidates whose workspace was made now.
    pub made: Vec<String>,
    /// Candidates whose workspace was there already (a prepare run again).
    pub kept: Vec<String>,
    /// Candidates whose workspace could not be made, and why; the others were made.
    pub failed: Vec<(String, Said)>,
}

/// Prepares the class of `members` for `exam` in `dir`: a new folder, or a class of the same
/// exam prepared before, whose missing workspaces are made (candidates new to the roster are
/// added). `made(id)` is told each workspace as it is ready.
pub fn prepare(
    exam: &Exam,
    members: &[Member],
    dir: &Path,
    options: &PrepareOptions,
    made: &(dyn Fn(&str, Result<(), &Said>) + Sync),
) -> Result<(Class, PrepareSummary), ClassError> {
    let mut class = match Class::open(dir) {
        Ok(class) if class.manifest.exam != exam.manifest.id => {
            return Err(ClassError::OtherExam {
                dir: dir.to_path_buf(),
                found: class.manifest.exam,
                asked: exam.manifest.id.clone(),
            });
        }
        Ok(mut class) => {
            for member in members {
                if !class.manifest.members.iter().any(|m| m.id == member.id) {
                    class.manifest.members.push(member.clone());
                }
            }
            class.save()?;
            class
        }
        Err(ClassError::NoClass { .. }) => Class::create(
            dir,
            ClassManifest {
                exam: exam.manifest.id.clone(),
                engine: options.engine,
                route: options.route,
                created_at: Utc::now(),
                members: members.to_vec(),
            },
        )?,
        Err(other) => return Err(other),
    };
    class.manifest.members.sort_by_key(|m| {
        members
            .iter()
            .position(|r| r.id == m.id)
            .unwrap_or(usize::MAX)
    });
    let centre = Centre::of_class(class.centre_dir());
    // Each candidate's fate, in the roster's order: made, kept, failed, or left (Ctrl-C).
    let fates = epreuve_data::map_on_threads(&class.manifest.members, options.jobs, |member| {
        if options.cancel.is_cancelled() {
            return None;
        }
        let workspace = class.workspace(&member.id);
        if Workspace::open(&workspace).is_ok() {
            return Some(Ok(false));
        }
        let result = start_one(exam, &workspace, member, options, &centre);
        made(&member.id, result.as_ref().map(|_| ()));
        Some(result.map(|()| true))
    });
    let mut summary = PrepareSummary::default();
    for (member, fate) in class.manifest.members.iter().zip(fates) {
        let id = member.id.clone();
        match fate {
            Some(Ok(true)) => summary.made.push(id),
            Some(Ok(false)) => summary.kept.push(id),
            Some(Err(why)) => summary.failed.push((id, why)),
            None => {}
        }
    }
    Ok((class, summary))
}

/// Starts the workspace of `member`, their extra time added to the exam's.
fn start_one(
    exam: &Exam,
    dir: &Path,
    member: &Member,
    options: &PrepareOptions,
    centre: &Centre,
) -> Result<(), Said> {
    let base = options.duration.unwrap_or(exam.manifest.duration);
    let extra = std::time::Duration::from_secs(u64::from(member.extra_minutes) * 60);
    // Both come from the centre's input: their sum is checked, never trusted to fit.
    let duration = base.checked_add(extra).ok_or_else(|| {
        epreuve_results::said!(
            "class-duration-overflow",
            candidate = &member.id,
            duration = humantime::format_duration(base).to_string(),
            extra = member.extra_minutes
        )
    })?;
    let start = StartOptions {
        candidate: member.id.clone(),
        duration: Some(duration),
        now: Utc::now(),
        engine: options.engine,
        route: options.route,
        images: options.images,
        url: options.url.clone(),
        port: None,
        cancel: options.cancel.clone(),
        progress: epreuve_session::Progress::default(),
        centre: centre.clone(),
    };
    Workspace::start(exam, dir, &start)
        .map(|_| ())
        .map_err(|e| e.said())
}
