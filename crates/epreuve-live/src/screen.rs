//! The full-screen view (ratatui): the time left and the deadline, how to reach the database,
//! the public checklist, the last thing that happened, and the keys. A warning rings the
//! terminal's bell and shows in the notice line; nothing blocks.

use std::io::Write;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use epreuve_results::{Status, clean_text};
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event as Input, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::clock::{digits, in_words};
use crate::watch::{Event, Watch};
use crate::{Lang, LiveError, Say};

/// What the screen shows beside the watch's state.
struct Shown {
    lang: Lang,
    color: bool,
    /// The last thing that happened, and whether it is a warning.
    notice: Option<(String, bool)>,
}

impl Shown {
    fn style(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }
}

/// Runs the view until the candidate presses `q` (or Ctrl-C); the exam goes on.
pub(crate) fn run(watch: &mut Watch, lang: Lang, color: bool) -> Result<(), LiveError> {
    let mut terminal = ratatui::try_init().map_err(LiveError::Output)?;
    let mut shown = Shown {
        lang,
        color,
        notice: None,
    };
    if let Some(record) = &watch.submitted {
        shown.notice = Some((lang.submitted(record.at, false, record.late), false));
    }
    let result = (|| -> Result<(), LiveError> {
        loop {
            for event in watch.tick(Utc::now(), Instant::now()) {
                take(&mut shown, event);
            }
            terminal
                .draw(|frame| draw(frame, watch, &shown))
                .map_err(LiveError::Output)?;
            if event::poll(StdDuration::from_millis(250)).map_err(LiveError::Output)?
                && let Input::Key(key) = event::read().map_err(LiveError::Output)?
                && key.kind == KeyEventKind::Press
            {
                match key.code {
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok(());
                    }
                    KeyCode::Char('c') => {
                        watch.check_now();
                        shown.notice = Some((lang.checking(), false));
                    }
                    _ => {}
                }
            }
        }
    })();
    ratatui::restore();
    println!("{}", lang.left_view());
    result
}

/// What an event changes on screen; a warning also rings the bell.
fn take(shown: &mut Shown, event: Event) {
    let lang = shown.lang;
    let notice = match event {
        Event::Time(_) => return,
        Event::Warning(minutes) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            (
                lang.warning(&in_words(Duration::minutes(minutes), lang)),
                true,
            )
        }
        Event::Checked => {
            shown.notice = None;
            return;
        }
        Event::DatabaseBusy => (lang.database_busy(), false),
        Event::CheckFailed(why) => (lang.check_failed(&why), true),
        Event::Submitted { record, automatic } => {
            (lang.submitted(record.at, automatic, record.late), false)
        }
        Event::SubmitWaiting(why) => (lang.submit_waiting(&why), true),
        Event::TimeUp => (lang.time_is_up(), true),
    };
    shown.notice = Some(notice);
}

fn draw(frame: &mut Frame, watch: &Watch, shown: &Shown) {
    let lang = shown.lang;
    let connection_lines = watch.connection.lines().count() as u16;
    let [header, notice, database, checklist, keys] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(2),
        Constraint::Length(connection_lines.clamp(1, 8) + 2),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    draw_header(frame, header, watch, shown);
    let notice_line = notice_line(watch, shown);
    frame.render_widget(
        Paragraph::new(notice_line).wrap(Wrap { trim: true }),
        notice,
    );

    frame.render_widget(
        Paragraph::new(clean_text(&watch.connection))
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(lang.database()),
            ),
        database,
    );

    let (title, lines) = checklist_lines(watch, shown);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title)),
        checklist,
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            lang.keys(),
            shown.style(Color::Cyan),
        ))),
        keys,
    );
}

/// The clock: time left (red in the last five minutes, yellow in the last fifteen), when it
/// ends, and the same in words.
fn draw_header(frame: &mut Frame, area: Rect, watch: &Watch, shown: &Shown) {
    let lang = shown.lang;
    let left = watch.left(Utc::now());
    let urgency = if left <= Duration::minutes(5) {
        shown.style(Color::Red).add_modifier(Modifier::BOLD)
    } else if left <= Duration::minutes(15) {
        shown.style(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    };
    let clock = if left.is_zero() {
        Line::from(Span::styled(lang.time_is_up(), urgency))
    } else {
        Line::from(vec![
            Span::raw(format!("{} : ", lang.time_left())),
            Span::styled(digits(left), urgency),
            Span::raw(format!("  ({})", lang.ends_at(watch.deadline))),
        ])
    };
    let words = Line::from(lang.left(&in_words(left, lang)));
    frame.render_widget(
        Paragraph::new(vec![clock, words]).block(
            Block::default()
                .borders(Borders::ALL)
                .title(clean_text(&lang.title(&watch.exam, &watch.candidate))),
        ),
        area,
    );
}

/// The line under the clock: the last event, else what the view is doing.
fn notice_line(watch: &Watch, shown: &Shown) -> Line<'static> {
    let lang = shown.lang;
    match &shown.notice {
        Some((text, true)) => Line::from(Span::styled(
            format!("⚠ {}", clean_text(text)),
            shown.style(Color::Yellow).add_modifier(Modifier::BOLD),
        )),
        Some((text, false)) => Line::from(clean_text(text)),
        None if watch.checking => Line::from(lang.checking()),
        None if watch.submitted.is_none() => {
            Line::from(lang.submit_soon(watch.submit_at() == watch.deadline))
        }
        None => Line::from(""),
    }
}

/// The public checklist's title and a line per check: its mark, title, status and hint.
fn checklist_lines(watch: &Watch, shown: &Shown) -> (String, Vec<Line<'static>>) {
    let lang = shown.lang;
    match &watch.checklist {
        None => (
            lang.checklist().to_owned(),
            vec![Line::from(lang.checking())],
        ),
        Some(list) => {
            let lines = list
                .items
                .iter()
                .map(|item| {
                    let (mark, color) = match item.status {
                        Status::Passed => ("✔", Color::Green),
                        Status::Failed => ("✘", Color::Red),
                        Status::NotGradable => ("?", Color::Yellow),
                        _ => ("–", Color::DarkGray),
                    };
                    let mut spans = vec![
                        Span::styled(format!("{mark} "), shown.style(color)),
                        Span::raw(clean_text(&epreuve_report::check_title(
                            lang,
                            &item.id,
                            &item.title,
                        ))),
                        Span::styled(
                            format!(" — {}", epreuve_report::status_word(lang, item.status)),
                            shown.style(color),
                        ),
                    ];
                    let hint = item.hint(lang);
                    if !hint.is_empty() {
                        spans.push(Span::raw(format!(" : {}", clean_text(&hint))));
                    }
                    Line::from(spans)
                })
                .collect();
            (
                format!(
                    "{} — {}",
                    lang.checklist(),
                    lang.checks_pass(list.passed, list.total)
                        .trim_end_matches('.')
                ),
                lines,
            )
        }
    }
}
