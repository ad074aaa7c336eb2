//! The exam clock as a candidate reads it: the time left in digits and in words, the warnings
//! that fall due, and when the workspace is submitted for them.
//!
//! Nothing here keeps time: every answer is computed from the sealed deadline and the time
//! now, so that a view opened again after a closed terminal, a crash or a reboot shows the same
//! clock.

use chrono::Duration;

use epreuve_i18n::{Lang, tr};

/// Minutes left at which the candidate is warned.
pub const WARNINGS: [i64; 4] = [30, 15, 5, 1];

/// The workspace is submitted for the candidate this long before the deadline, so that the
/// submission is on time (a snapshot of a large database takes a moment).
pub const SUBMIT_BEFORE: Duration = Duration::seconds(15);

/// The warnings that fall due between two readings of the time left (`before` then `now`,
/// `before` the larger): the minutes of each, largest first. A view opened with less time
/// left than a warning does not give it (it shows the time left instead).
pub fn warnings_due(before: Duration, now: Duration) -> Vec<i64> {
    WARNINGS
        .iter()
        .copied()
        .filter(|m| {
            let at = Duration::minutes(*m);
            before > at && now <= at
        })
        .collect()
}

/// `1:05:03`, `4:59`: what the screen shows.
pub fn digits(left: Duration) -> String {
    let secs = left.num_seconds().max(0);
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// The time left in words, to the minute (to the second under two minutes): `1 heure 5
/// minutes`, `45 secondes`; what the accessible mode says.
pub fn in_words(left: Duration, lang: Lang) -> String {
    let secs = left.num_seconds().max(0);
    let (hours, minutes, seconds) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if hours > 0 {
        parts.push(tr!(lang, "time-hours", n = hours));
    }
    if minutes > 0 {
        parts.push(tr!(lang, "time-minutes", n = minutes));
    }
    if (secs < 120 && seconds > 0) || secs == 0 {
        parts.push(tr!(lang, "time-seconds", n = seconds));
    }
    parts.join(" ")
}

/// Whether the accessible mode announces the time left now: every 5 minutes, every minute in
/// the last 5, every 15 seconds in the last minute; `before` is the time left at the last
/// reading.
pub fn announce(before: Duration, now: Duration) -> bool {
    let step = if now <= Duration::minutes(1) {
        15
    } else if now <= Duration::minutes(5) {
        60
    } else {
        300
    };
    let (b, n) = (before.num_seconds(), now.num_seconds());
    // At zero the time is up, which is said otherwise.
    n > 0 && b > n && (b - 1).div_euclid(step) != (n - 1).div_euclid(step)
}

/// When the view submits for the candidate: at the deadline itself when the exam's grace
/// (`grace_seconds`, read from the candidate's state.json, so any number) leaves twice
/// [`SUBMIT_BEFORE`] after it, else [`SUBMIT_BEFORE`] ahead of it, so that the submission is on
/// time either way.
pub fn submit_at(
    deadline: chrono::DateTime<chrono::Utc>,
    grace_seconds: u64,
) -> chrono::DateTime<chrono::Utc> {
    // Compared as whole seconds: a grace too large for a duration cannot overflow.
    let leaves_room =
        u64::try_from((SUBMIT_BEFORE * 2).num_seconds()).is_ok_and(|room| grace_seconds >= room);
    if leaves_room {
        deadline
    } else {
        deadline - SUBMIT_BEFORE
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn with_room_after_the_deadline_the_view_submits_at_it_whatever_the_grace_written() {
        let deadline = chrono::Utc::now();
        assert_eq!(
            super::submit_at(deadline, 0),
            deadline - super::SUBMIT_BEFORE
        );
        assert_eq!(
            super::submit_at(deadline, 29),
            deadline - super::SUBMIT_BEFORE
        );
        assert_eq!(super::submit_at(deadline, 30), deadline);
        // A grace state.json was made to say, larger than any duration: no overflow.
        assert_eq!(super::submit_at(deadline, u64::MAX), deadline);
        assert_eq!(super::submit_at(deadline, 1 << 62), deadline);
    }

    use super::*;

    #[test]
    fn a_warning_is_given_once_when_its_minute_is_crossed() {
        let m = Duration::minutes;
        let s = Duration::seconds;
        assert_eq!(warnings_due(m(30) + s(1), m(30)), vec![30]);
        assert!(
            warnings_due(m(30), m(30) - s(1)).is_empty(),
            "given already"
        );
        assert_eq!(warnings_due(m(16), m(4)), vec![15, 5], "a long sleep");
        assert!(warnings_due(m(45), m(44)).is_empty());
    }

    #[test]
    fn the_time_left_in_words_and_digits() {
        let s = Duration::seconds;
        assert_eq!(in_words(s(3900), Lang::Fr), "1 heure 5 minutes");
        assert_eq!(in_words(s(3900), Lang::En), "1 hour 5 minutes");
        assert_eq!(in_words(s(95), Lang::Fr), "1 minute 35 secondes");
        assert_eq!(in_words(s(7200), Lang::Fr), "2 heures");
        assert_eq!(in_words(s(0), Lang::Fr), "0 seconde");
        assert_eq!(in_words(s(1), Lang::En), "1 second");
        assert_eq!(digits(s(3903)), "1:05:03");
        assert_eq!(digits(s(299)), "4:59");
        assert_eq!(digits(s(-4)), "0:00");
    }

    #[test]
    fn the_time_is_announced_at_intervals_that_shorten() {
        let s = Duration::seconds;
        assert!(announce(s(601), s(600)), "every 5 minutes");
        assert!(!announce(s(600), s(599)));
        assert!(announce(s(241), s(240)), "every minute in the last 5");
        assert!(!announce(s(239), s(238)));
        assert!(announce(s(46), s(45)), "every 15 s in the last minute");
        assert!(!announce(s(1), s(0)), "the end is said otherwise");
    }
}
