//! The live view's words, from the message catalogues (`epreuve-i18n`).

use chrono::{DateTime, Local, Utc};
use epreuve_i18n::{Lang, tr};

/// What the live view says, in the language chosen.
pub trait Say {
    /// The view's title.
    fn title(self, exam: &str, candidate: &str) -> String;
    /// The label of the clock.
    fn time_left(self) -> String;
    /// When the exam ends.
    fn ends_at(self, deadline: DateTime<Utc>) -> String;
    /// The time is up.
    fn time_is_up(self) -> String;
    /// The time left, in a sentence.
    fn left(self, words: &str) -> String;
    /// A warning.
    fn warning(self, words: &str) -> String;
    /// The checklist's tally.
    fn checks_pass(self, passed: usize, total: usize) -> String;
    /// What is still to look at.
    fn to_review(self, titles: &str) -> String;
    /// A check is running.
    fn checking(self) -> String;
    /// The database file is held by the candidate's tool.
    fn database_busy(self) -> String;
    /// The check could not run.
    fn check_failed(self, why: &epreuve_i18n::Said) -> String;
    /// The workspace was submitted.
    fn submitted(self, at: DateTime<Utc>, automatic: bool, late: bool) -> String;
    /// The automatic submission must wait.
    fn submit_waiting(self, why: &epreuve_i18n::Said) -> String;
    /// The automatic submission is coming: at the deadline (`at_end`) or just before it.
    fn submit_soon(self, at_end: bool) -> String;
    /// The keys.
    fn keys(self) -> String;
    /// Said when the view is left.
    fn left_view(self) -> String;
    /// Section title.
    fn database(self) -> String;
    /// Section title.
    fn checklist(self) -> String;
}

impl Say for Lang {
    fn title(self, exam: &str, candidate: &str) -> String {
        tr!(self, "live-title", exam = exam, candidate = candidate)
    }
    fn time_left(self) -> String {
        tr!(self, "live-time-left")
    }
    fn ends_at(self, deadline: DateTime<Utc>) -> String {
        let at = deadline.with_timezone(&Local).format("%H:%M").to_string();
        tr!(self, "live-ends-at", at = at)
    }
    fn time_is_up(self) -> String {
        tr!(self, "live-time-is-up")
    }
    fn left(self, words: &str) -> String {
        tr!(self, "live-left", words = words)
    }
    fn warning(self, words: &str) -> String {
        tr!(self, "live-warning", words = words)
    }
    fn checks_pass(self, passed: usize, total: usize) -> String {
        tr!(self, "live-checks-pass", passed = passed, total = total)
    }
    fn to_review(self, titles: &str) -> String {
        tr!(self, "live-to-review", titles = titles)
    }
    fn checking(self) -> String {
        tr!(self, "live-checking")
    }
    fn database_busy(self) -> String {
        tr!(self, "live-database-busy")
    }
    fn check_failed(self, why: &epreuve_i18n::Said) -> String {
        tr!(self, "live-check-failed", why = why.clone())
    }
    fn submitted(self, at: DateTime<Utc>, automatic: bool, late: bool) -> String {
        let at = at.with_timezone(&Local).format("%H:%M:%S").to_string();
        let id = match (automatic, late) {
            (false, false) => "live-submitted",
            (false, true) => "live-submitted-late",
            (true, false) => "live-submitted-automatically",
            (true, true) => "live-submitted-automatically-late",
        };
        tr!(self, id, at = at)
    }
    fn submit_waiting(self, why: &epreuve_i18n::Said) -> String {
        tr!(self, "live-submit-waiting", why = why.clone())
    }
    fn submit_soon(self, at_end: bool) -> String {
        if at_end {
            tr!(self, "live-submit-at-end")
        } else {
            tr!(self, "live-submit-soon")
        }
    }
    fn keys(self) -> String {
        tr!(self, "live-keys")
    }
    fn left_view(self) -> String {
        tr!(self, "live-left-view")
    }
    fn database(self) -> String {
        tr!(self, "live-database")
    }
    fn checklist(self) -> String {
        tr!(self, "live-checklist")
    }
}
