//! A message as data: its catalogue id and named arguments, kept in reports and rendered in
//! the reader's language when shown. Libraries say what they found with [`said!`]; no sentence
//! is built outside the catalogues.

use std::collections::BTreeMap;

use fluent_bundle::{FluentArgs, FluentValue};
use serde::{Deserialize, Serialize};

use crate::{Lang, bundle};

/// A message of the catalogues and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Said {
    /// The message's id in `locales/*.ftl`.
    pub id: String,
    /// Its arguments by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, SaidArg>,
}

/// An argument of a [`Said`] message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SaidArg {
    /// A count (it chooses plural forms).
    Number(f64),
    /// Text shown as it is, in every language: a name, a value, a query, an engine's error.
    Text(String),
    /// A decimal number shown with `places` digits after the separator of the language.
    Decimal {
        /// The number.
        decimal: f64,
        /// Digits after the separator.
        places: u8,
    },
    /// Another message, rendered in the same language.
    Said(Box<Said>),
    /// Messages rendered in the same language and joined with "; ".
    List(Vec<Said>),
    /// A whole number written with the thousands separator of the language (`1,000,000`,
    /// `1 000 000`).
    Grouped {
        /// The number.
        grouped: u64,
    },
}

impl SaidArg {
    /// `n` with the thousands separator of the language.
    pub fn grouped(n: usize) -> Self {
        Self::Grouped { grouped: n as u64 }
    }

    /// `value` shown with `places` decimals.
    pub fn decimal(value: f64, places: u8) -> Self {
        Self::Decimal {
            decimal: value,
            places,
        }
    }

    /// `share` (0 to 1) as a percentage: whole when it is, else with two decimals.
    pub fn percent(share: f64) -> Self {
        let p = share * 100.0;
        Self::decimal(p, if p == p.round() { 0 } else { 2 })
    }
}

impl From<&str> for SaidArg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<String> for SaidArg {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for SaidArg {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<Said> for SaidArg {
    fn from(v: Said) -> Self {
        Self::Said(Box::new(v))
    }
}
impl From<&Said> for SaidArg {
    fn from(v: &Said) -> Self {
        Self::Said(Box::new(v.clone()))
    }
}
impl From<Vec<Said>> for SaidArg {
    fn from(v: Vec<Said>) -> Self {
        Self::List(v)
    }
}
macro_rules! number_said_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for SaidArg {
            fn from(v: $t) -> Self {
                Self::Number(v as f64)
            }
        }
    )*};
}
number_said_arg!(usize, u8, u32, u64, i32, i64, f64);

impl Said {
    /// Message `id` without arguments yet.
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            args: BTreeMap::new(),
        }
    }

    /// Words epreuve did not write (another program's, a library's, the system's), shown as
    /// they are in every language.
    pub fn verbatim(text: impl Into<String>) -> Self {
        Self::new("err-text").with("text", text.into())
    }

    /// The same message with argument `name`.
    pub fn with(mut self, name: &str, value: impl Into<SaidArg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// The message in `lang`; the id itself where the catalogue lacks it (the catalogue tests
    /// and [`Said::checked`] catch that).
    pub fn render(&self, lang: Lang) -> String {
        self.checked(lang).unwrap_or_else(|(text, _)| text)
    }

    /// English, the language of the reports' `message` fields.
    pub fn english(&self) -> String {
        self.render(Lang::En)
    }

    /// The message in `lang`, or what it renders to with what went wrong: an id the catalogue
    /// lacks, an argument the message names but was not given.
    pub fn checked(&self, lang: Lang) -> Result<String, (String, String)> {
        let mut problems = Vec::new();
        let text = self.render_into(lang, &mut problems);
        if problems.is_empty() {
            Ok(text)
        } else {
            Err((text, problems.join("; ")))
        }
    }

    fn render_into(&self, lang: Lang, problems: &mut Vec<String>) -> String {
        let bundle = bundle(lang);
        let Some(pattern) = bundle.get_message(&self.id).and_then(|m| m.value()) else {
            problems.push(format!("{}: no message `{}`", lang.code(), self.id));
            return self.id.clone();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            match value {
                SaidArg::Number(n) => args.set(name.as_str(), FluentValue::from(*n)),
                SaidArg::Text(t) => args.set(name.as_str(), FluentValue::from(t.as_str())),
                SaidArg::Decimal { decimal, places } => args.set(
                    name.as_str(),
                    FluentValue::from(decimal_text(lang, *decimal, *places)),
                ),
                SaidArg::Said(inner) => args.set(
                    name.as_str(),
                    FluentValue::from(inner.render_into(lang, problems)),
                ),
                SaidArg::Grouped { grouped } => args.set(
                    name.as_str(),
                    FluentValue::from(grouped_text(lang, *grouped)),
                ),
                SaidArg::List(items) => {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|s| s.render_into(lang, problems))
                        .collect();
                    args.set(name.as_str(), FluentValue::from(parts.join("; ")))
                }
            }
        }
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned();
        for error in errors {
            problems.push(format!("{}: `{}`: {error}", lang.code(), self.id));
        }
        text
    }

    /// The same message with every text argument passed through `clean` (control characters
    /// of a candidate's names and values, for a terminal).
    pub fn map_text(mut self, clean: &impl Fn(&str) -> String) -> Self {
        self.clean_in_place(clean);
        self
    }

    fn clean_in_place(&mut self, clean: &impl Fn(&str) -> String) {
        for value in self.args.values_mut() {
            match value {
                SaidArg::Text(t) => *t = clean(t),
                SaidArg::Said(inner) => inner.clean_in_place(clean),
                SaidArg::List(items) => items.iter_mut().for_each(|s| s.clean_in_place(clean)),
                SaidArg::Number(_) | SaidArg::Decimal { .. } | SaidArg::Grouped { .. } => {}
            }
        }
    }
}

/// Serialises a [`Said`] as its English text, for a JSON field programs already read as text
/// (`#[serde(serialize_with = "epreuve_i18n::as_english")]`).
pub fn as_english<S: serde::Serializer>(said: &Said, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&said.english())
}

/// [`as_english`] for an optional sentence.
pub fn as_english_opt<S: serde::Serializer>(
    said: &Option<Said>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match said {
        Some(said) => serializer.serialize_some(&said.english()),
        None => serializer.serialize_none(),
    }
}

/// `value` with `places` decimals, the decimal separator of `lang`.
pub fn decimal_text(lang: Lang, value: f64, places: u8) -> String {
    with_separator(lang, format!("{value:.*}", usize::from(places)))
}

/// `n` with the thousands separator of `lang`: a comma in English, a narrow no-break space in
/// French.
pub fn grouped_text(lang: Lang, n: u64) -> String {
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A number written with a point, `text`, with the decimal separator of `lang`.
pub fn with_separator(lang: Lang, text: String) -> String {
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// `said!("id", name = value, …)`: a [`Said`] message with named arguments.
#[macro_export]
macro_rules! said {
    ($id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::Said::new($id)$(.with(stringify!($name), $value))*
    };
}

/// What an operation was doing, for an error's message: one of the catalogue's verbs
/// (`action-create`, `action-write-the-log`…) when it has the words, else the text as it is.
pub fn action(action: &str) -> SaidArg {
    words("action", action)
}

/// "cannot <action> <path>: <error>", the action in the reader's words when the catalogue has
/// them.
pub fn io_error(action: &str, path: &std::path::Path, error: &std::io::Error) -> Said {
    said!(
        "err-io",
        action = self::action(action),
        path = path.display().to_string(),
        error = error.to_string()
    )
}

/// `text`, an English phrase a library names (a verb, a kind of file), as the catalogue's
/// message `<prefix>-<the phrase's words joined by dashes>` when both catalogues have it,
/// else as it is.
pub fn words(prefix: &str, text: &str) -> SaidArg {
    let slug: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let id = format!("{prefix}-{}", slug.join("-"));
    if crate::bundle(Lang::En).has_message(&id) && crate::bundle(Lang::Fr).has_message(&id) {
        SaidArg::Said(Box::new(Said::new(&id)))
    } else {
        SaidArg::Text(text.to_owned())
    }
}

/// `names` as code, each in backticks, joined with ", ": the same in every language.
pub fn code_list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_in_each_language() {
        assert_eq!(grouped_text(Lang::En, 0), "0");
        assert_eq!(grouped_text(Lang::En, 999), "999");
        assert_eq!(grouped_text(Lang::En, 1_000), "1,000");
        assert_eq!(grouped_text(Lang::En, 1_000_000), "1,000,000");
        assert_eq!(grouped_text(Lang::En, 24_000), "24,000");
        assert_eq!(grouped_text(Lang::Fr, 1_000_000), "1\u{202f}000\u{202f}000");
    }

    #[test]
    fn a_said_message_renders_in_each_language_and_reads_back() {
        let said = said!(
            "status-left",
            left = "1 h",
            deadline = said!("time-minutes", n = 3usize)
        );
        assert_eq!(
            said.checked(Lang::En).unwrap(),
            "1 h left (deadline 3 minutes)"
        );
        let json = serde_json::to_string(&said).unwrap();
        let back: Said = serde_json::from_str(&json).unwrap();
        assert_eq!(back, said);
        let decimal = said!("report-changed", what = SaidArg::decimal(13.125, 2));
        let back: Said = serde_json::from_str(&serde_json::to_string(&decimal).unwrap()).unwrap();
        assert_eq!(back, decimal);
        assert!(
            decimal.render(Lang::Fr).contains("13,13")
                || decimal.render(Lang::Fr).contains("13,12")
        );
        assert!(decimal.render(Lang::En).contains("13.1"));
    }

    #[test]
    fn a_missing_id_or_argument_is_reported() {
        assert!(said!("no-such-message").checked(Lang::Fr).is_err());
        assert!(
            said!("status-left", left = "1 h")
                .checked(Lang::En)
                .is_err()
        );
    }
}
