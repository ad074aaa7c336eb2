//! The candidate's live view (`epreuve watch`): the time left, read from the sealed deadline
//! so that it survives a closed terminal, a crash or a reboot; warnings at 30, 15, 5 and 1
//! minutes left; the public checklist, re-run when the candidate saves a file of `answers/` or
//! changes the database; and the workspace submitted for the candidate just before the
//! deadline, so that nothing they saved is lost.
//!
//! Two faces over one engine ([`Watch`]): a full-screen view for a terminal, and an
//! accessible mode of one plain line per event for a screen reader, a braille display or a
//! log. The view speaks French by default, English when asked ([`Lang`]).

mod clock;
mod lang;
mod lines;
mod screen;
mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;

pub use clock::{SUBMIT_BEFORE, WARNINGS, digits, in_words, warnings_due};
pub use epreuve_i18n::Lang;
pub use lang::Say;
pub use watch::{Checklist, Event, Item, Watch};

/// What stops the view.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The workspace.
    Session(#[from] epreuve_session::SessionError),
    /// The terminal.
    Output(std::io::Error),
}

impl LiveError {
    /// The error as a message of the catalogues.
    pub fn said(&self) -> epreuve_i18n::Said {
        match self {
            Self::Session(e) => e.said(),
            Self::Output(e) => epreuve_i18n::said!("err-live-output", error = e.to_string()),
        }
    }
}

epreuve_i18n::says_itself!(LiveError);

/// How the view runs.
pub struct Options {
    /// The workspace.
    pub dir: PathBuf,
    /// The catalogue its exam comes from (the candidate-side pack is enough).
    pub catalogue: epreuve_exam::Catalogue,
    /// The language.
    pub lang: Lang,
    /// One line per event, no redraw (also when the output is not a terminal or
    /// `TERM=dumb`).
    pub accessible: bool,
    /// Colours (off with `NO_COLOR`).
    pub color: bool,
}

/// Whether the accessible mode is the one to use: asked for, or the output cannot show a
/// full-screen view.
pub fn accessible_by_default() -> bool {
    !std::io::stdout().is_terminal()
        || std::env::var("TERM").is_ok_and(|t| t == "dumb" || t.is_empty())
}

/// Runs the live view until the candidate leaves it (or, in the accessible mode, until the
/// time is up and the work is submitted).
pub fn run(options: Options) -> Result<(), LiveError> {
    let mut watch = Watch::open(&options.dir, options.catalogue, options.lang)?;
    if options.accessible || accessible_by_default() {
        lines::run(&mut watch, options.lang)
    } else {
        screen::run(&mut watch, options.lang, options.color)
    }
}
