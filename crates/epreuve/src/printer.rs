//! The one way output reaches the user, so that `--format json`, `--quiet` and `NO_COLOR` are
//! honoured by every command, and no control character a candidate slipped into a name, a
//! value or a file reaches the terminal (see [`epreuve_grade::clean_text`]).

use std::io::IsTerminal;

use epreuve_grade::clean_text;
use epreuve_i18n::Lang;

use crate::cli::Format;

/// The language of this run (`--lang`, else the environment's), set once at start.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// Sets the language every printer of this run speaks.
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// Writes results to standard output and errors to standard error.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    /// The output format asked (`--format`): JSON, or text for people for every other.
    pub format: Format,
    /// Errors only.
    pub quiet: bool,
    /// Whether colours may be used.
    pub color: bool,
    /// The language of the messages.
    pub lang: Lang,
}

impl Printer {
    /// A printer for `format`; colours when standard output is a terminal and `NO_COLOR` is unset.
    pub fn new(format: Format, quiet: bool) -> Self {
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self {
            format,
            quiet,
            color,
            lang: LANG.get().copied().unwrap_or_else(|| Lang::choose(None)),
        }
    }

    /// Prints text meant for people (skipped with `--quiet` or when JSON is asked for).
    pub fn info(&self, text: impl AsRef<str>) {
        if !self.quiet && self.format != Format::Json {
            println!("{}", clean_text(text.as_ref()));
        }
    }

    /// Where a long step says how it is going: standard error, so that a JSON result on
    /// standard output stays whole; nothing with `--quiet`.
    pub fn progress(&self) -> epreuve_session::Progress {
        if self.quiet {
            epreuve_session::Progress::default()
        } else {
            let lang = self.lang;
            epreuve_session::Progress::new(move |line| {
                eprintln!("{}", clean_text(&line.render(lang)));
            })
        }
    }

    /// Prints the result of a command: `table` for people, `json` (a JSON text) for programs.
    pub fn result(&self, table: impl FnOnce() -> String, json: impl FnOnce() -> String) {
        match self.format {
            Format::Json => println!("{}", epreuve_results::json_text(&json())),
            // Coloured tables are the report's, whose texts are cleaned when it is built.
            _ if !self.quiet && self.color => print!("{}", table()),
            _ if !self.quiet => print!("{}", clean_text(&table())),
            _ => {}
        }
    }

    /// Says on standard error that the command waits for another one (skipped with
    /// `--quiet`), so that a JSON result on standard output stays whole.
    pub fn waiting(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", clean_text(text.as_ref()));
        }
    }

    /// Prints an error (always).
    pub fn error(&self, text: impl AsRef<str>) {
        eprintln!(
            "{}",
            clean_text(&epreuve_i18n::tr!(
                self.lang,
                "cli-error",
                what = text.as_ref()
            ))
        );
    }

    /// Style of the terminal tables.
    pub fn table_style(&self) -> epreuve_report::TableStyle {
        epreuve_report::TableStyle { color: self.color }
    }
}
