//! The accessible mode: no redraw, no animation, one line of plain text per event, the time
//! left said in words at intervals; what a screen reader or a braille display reads, and what
//! a log keeps. Chosen with `--accessible`, and by itself when the output is not a terminal or
//! `TERM=dumb`.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use epreuve_results::{Status, clean_text};

use crate::clock::in_words;
use crate::watch::{Checklist, Event, Watch};
use crate::{Lang, LiveError, Say};

/// Runs the accessible mode until the time is up and the work is submitted, or the candidate
/// types `q`.
pub(crate) fn run(watch: &mut Watch, lang: Lang) -> Result<(), LiveError> {
    let mut out = std::io::stdout();
    let bell = out.is_terminal();
    introduce(&mut out, watch, lang)?;
    let keys = typed_keys();
    if keys.is_some() {
        say(&mut out, lang.keys())?;
    }
    let mut shown: Option<Checklist> = None;
    let mut time_up = false;
    loop {
        for event in watch.tick(Utc::now(), Instant::now()) {
            let line = match event {
                Event::Time(left) => lang.left(&in_words(left, lang)),
                Event::Warning(minutes) => {
                    if bell {
                        write!(out, "\x07").map_err(LiveError::Output)?;
                    }
                    lang.warning(&in_words(Duration::minutes(minutes), lang))
                }
                Event::Checked => {
                    let Some(now) = &watch.checklist else {
                        continue;
                    };
                    if shown.as_ref() == Some(now) {
                        continue;
                    }
                    shown = Some(now.clone());
                    let failing: Vec<String> = now
                        .items
                        .iter()
                        .filter(|i| i.status == Status::Failed)
                        .map(|i| epreuve_report::check_title(lang, &i.id, &i.title))
                        .collect();
                    let mut line = lang.checks_pass(now.passed, now.total);
                    if !failing.is_empty() {
                        line.push(' ');
                        line.push_str(&lang.to_review(&failing.join(" ; ")));
                    }
                    line
                }
                Event::DatabaseBusy => lang.database_busy(),
                Event::CheckFailed(why) => lang.check_failed(&why),
                Event::Submitted { record, automatic } => {
                    lang.submitted(record.at, automatic, record.late)
                }
                Event::SubmitWaiting(why) => lang.submit_waiting(&why),
                Event::TimeUp => {
                    time_up = true;
                    lang.time_is_up()
                }
            };
            say(&mut out, line)?;
        }
        if time_up && watch.submitted.is_some() {
            return Ok(());
        }
        if let Some(keys) = &keys {
            match keys.recv_timeout(StdDuration::from_millis(250)) {
                Ok(key) if key.eq_ignore_ascii_case("q") => {
                    say(&mut out, lang.left_view())?;
                    return Ok(());
                }
                Ok(key) if key.eq_ignore_ascii_case("c") => {
                    say(&mut out, lang.checking())?;
                    watch.check_now();
                }
                _ => {}
            }
        } else {
            std::thread::sleep(StdDuration::from_millis(250));
        }
    }
}

/// What the candidate hears first: the exam, the time left and when it ends, and whether
/// the work is submitted.
fn introduce(out: &mut std::io::Stdout, watch: &Watch, lang: Lang) -> Result<(), LiveError> {
    say(out, lang.title(&watch.exam, &watch.candidate))?;
    let left = watch.left(Utc::now());
    say(
        out,
        format!(
            "{} ({}).",
            lang.left(&in_words(left, lang)).trim_end_matches('.'),
            lang.ends_at(watch.deadline)
        ),
    )?;
    match &watch.submitted {
        Some(record) => say(out, lang.submitted(record.at, false, record.late))?,
        None => say(out, lang.submit_soon(watch.submit_at() == watch.deadline))?,
    }
    Ok(())
}

/// Keys typed as lines (`q`, `c`), when a person is at the keyboard.
fn typed_keys() -> Option<mpsc::Receiver<String>> {
    std::io::stdin().is_terminal().then(|| {
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines().map_while(Result::ok) {
                if send.send(line.trim().to_owned()).is_err() {
                    break;
                }
            }
        });
        receive
    })
}

fn say(out: &mut std::io::Stdout, line: impl AsRef<str>) -> Result<(), LiveError> {
    writeln!(out, "{}", clean_text(line.as_ref()))
        .and_then(|()| out.flush())
        .map_err(LiveError::Output)
}
