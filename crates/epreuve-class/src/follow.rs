//! `class status`: where each candidate is (started, submitted, late) and whether their
//! database answers, from the centre's record and the workspace.

use chrono::{DateTime, Utc};
use epreuve_i18n::Said;
use epreuve_results::Member;
use epreuve_session::{Centre, Workspace};
use serde::Serialize;

use crate::Class;

/// Where a candidate is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Progress {
    /// No workspace (prepare failed, or was interrupted).
    NotPrepared {
        /// Why the workspace cannot be opened (English in the JSON).
        #[serde(serialize_with = "epreuve_i18n::as_english")]
        why: Said,
    },
    /// Working, before the deadline.
    Working {
        /// The deadline the centre recorded.
        deadline: DateTime<Utc>,
    },
    /// The deadline passed without a submission.
    Overdue {
        /// The deadline the centre recorded.
        deadline: DateTime<Utc>,
    },
    /// Submitted.
    Submitted {
        /// When.
        at: DateTime<Utc>,
        /// After the deadline.
        late: bool,
    },
}

/// One candidate's line of `class status`.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// Who.
    pub member: Member,
    /// Where they are.
    #[serde(flatten)]
    pub progress: Progress,
    /// Whether their database answers.
    pub database_answers: bool,
    /// Why it does not, when it does not (English in the JSON).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "epreuve_i18n::as_english_opt"
    )]
    pub database_problem: Option<Said>,
}

/// Every candidate's standing at `now`, in the roster's order.
pub fn follow(class: &Class, now: DateTime<Utc>) -> Vec<Standing> {
    let centre = Centre::of_class(class.centre_dir());
    class
        .manifest
        .members
        .iter()
        .map(|member| standing(class, &centre, member, now))
        .collect()
}

fn standing(class: &Class, centre: &Centre, member: &Member, now: DateTime<Utc>) -> Standing {
    let workspace = match Workspace::open(&class.workspace(&member.id)) {
        Ok(workspace) => workspace,
        Err(e) => {
            return Standing {
                member: member.clone(),
                progress: Progress::NotPrepared { why: e.said() },
                database_answers: false,
                database_problem: Some(epreuve_i18n::said!("follow-no-workspace")),
            };
        }
    };
    let record = centre.find(&workspace).ok().flatten();
    let deadline = record
        .as_ref()
        .map_or(workspace.state().deadline, |r| r.deadline);
    let progress = match &workspace.state().submitted {
        Some(s) => Progress::Submitted {
            at: s.at,
            late: s.at > deadline,
        },
        None if now > deadline => Progress::Overdue { deadline },
        None => Progress::Working { deadline },
    };
    // A DuckDB file the candidate's own session holds open to write is a database at work,
    // not one that does not answer.
    let problem = match workspace
        .open_for_grading(record.as_ref())
        .and_then(|db| db.ping())
    {
        Ok(()) | Err(epreuve_db::DbError::Locked { .. }) => None,
        Err(e) => Some(e.said()),
    };
    Standing {
        member: member.clone(),
        progress,
        database_answers: problem.is_none(),
        database_problem: problem,
    }
}
