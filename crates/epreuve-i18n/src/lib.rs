//! The message catalogues every text epreuve shows a person comes from: Fluent files, one per
//! language (`locales/fr.ftl`, `locales/en.ftl`), compiled into the binary. French is the
//! default for these exams' candidates; `--lang`, `LC_ALL`, `LC_MESSAGES` or `LANG` choose
//! English.
//!
//! A message is asked for by its id with named arguments ([`text`]); a missing message or
//! argument is never a panic: the id itself is shown, which the catalogue test catches.

mod said;

pub use said::{
    Said, SaidArg, action, as_english, as_english_opt, code_list, decimal_text, grouped_text,
    io_error, with_separator, words,
};

use std::sync::OnceLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;

/// A language epreuve speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Français.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every language, French first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// `explicit` (`--lang`) when given, else the first of `LC_ALL`, `LC_MESSAGES` and `LANG`
    /// that is set; French unless it says English.
    pub fn choose(explicit: Option<&str>) -> Self {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let asked = explicit
            .map(str::to_owned)
            .or_else(|| env("LC_ALL"))
            .or_else(|| env("LC_MESSAGES"))
            .or_else(|| env("LANG"))
            .unwrap_or_default()
            .to_ascii_lowercase();
        if asked.starts_with("en") {
            Self::En
        } else {
            Self::Fr
        }
    }

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// The catalogue's source text.
    pub fn source(self) -> &'static str {
        match self {
            Self::Fr => include_str!("../locales/fr.ftl"),
            Self::En => include_str!("../locales/en.ftl"),
        }
    }
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let cell = match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Plain text: no direction marks around arguments in a terminal.
        bundle.set_use_isolating(false);
        // A catalogue that does not parse is caught by the catalogue test; what parses is kept.
        let resource = FluentResource::try_new(lang.source().to_owned())
            .unwrap_or_else(|(resource, _)| resource);
        let _ = bundle.add_resource(resource);
        // The command line's French help, whose English is the doc comments of the binary.
        if lang == Lang::Fr {
            let help = FluentResource::try_new(HELP_FR.to_owned())
                .unwrap_or_else(|(resource, _)| resource);
            let _ = bundle.add_resource(help);
        }
        bundle
    })
}

/// The French help of the command line (`help-<command>`, `help-<command>--<option>`).
const HELP_FR: &str = include_str!("../locales/help.fr.ftl");

/// What says itself through the catalogue: an error of epreuve's crates, by its message id
/// and arguments. No sentence of such a type is written anywhere else: its English `Display`
/// is the catalogue's English ([`says_itself!`]).
pub trait Saying {
    /// The message, for the reader's language.
    fn said(&self) -> Said;
}

/// Makes `$type`'s inherent `said()` its [`Saying`], and its `Display` the catalogue's
/// English of it: an error type declares no sentence of its own.
#[macro_export]
macro_rules! says_itself {
    ($($type:ty),+ $(,)?) => {$(
        impl $crate::Saying for $type {
            fn said(&self) -> $crate::Said {
                <$type>::said(self)
            }
        }
        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&<$type>::said(self).english())
            }
        }
    )+};
}

/// The help text `id` of the command line in `lang`, when the catalogue has it (English help
/// is the binary's own).
pub fn help(lang: Lang, id: &str) -> Option<String> {
    if lang == Lang::En || !bundle(lang).has_message(id) {
        return None;
    }
    Some(Said::new(id).render(lang))
}

/// The ids of the command line's French help.
pub fn help_ids() -> Vec<String> {
    HELP_FR
        .lines()
        .filter(|l| l.starts_with("help-"))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// `tr!(lang, "id", name = value, …)`: the message `id` with named arguments, rendered in
/// `lang` now (a [`Said`] kept for later is [`said!`]); the id itself when the catalogue lacks
/// it, which the catalogue tests catch.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::said!($id $(, $name = $value)*).render($lang)
    };
}

/// The ids of the messages of `lang`'s catalogue, in file order.
pub fn ids(lang: Lang) -> Vec<String> {
    lang.source()
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// The variables message `id` of `lang` uses (`$name`), for rendering it in a test.
pub fn variables(lang: Lang, id: &str) -> Vec<String> {
    let source = lang.source();
    let mut inside = false;
    let mut found = Vec::new();
    for line in source.lines() {
        // A message or a comment starts a line; a closing brace goes on with the message.
        let starts = line
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '#');
        if starts {
            inside = line.split_once(" =").is_some_and(|(i, _)| i.trim() == id);
        }
        if !inside {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find('$') {
            let name: String = rest[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !name.is_empty() && !found.contains(&name) {
                found.push(name.clone());
            }
            rest = &rest[at + 1 + name.len()..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_parse_and_hold_the_same_messages() {
        for lang in Lang::ALL {
            assert!(
                FluentResource::try_new(lang.source().to_owned()).is_ok(),
                "{} does not parse",
                lang.code()
            );
        }
        let (fr, en) = (ids(Lang::Fr), ids(Lang::En));
        let missing_en: Vec<_> = fr.iter().filter(|i| !en.contains(i)).collect();
        let missing_fr: Vec<_> = en.iter().filter(|i| !fr.contains(i)).collect();
        assert!(missing_en.is_empty(), "not in en.ftl: {missing_en:?}");
        assert!(missing_fr.is_empty(), "not in fr.ftl: {missing_fr:?}");
        assert!(fr.len() > 40, "{} messages", fr.len());
    }

    /// Every message renders in both languages with every variable it names, and none of the
    /// French ones is the English text left untranslated.
    #[test]
    fn every_message_renders_and_french_is_french() {
        // Words both languages write the same, and messages made only of them.
        const SAME: [&str; 4] = ["DuckDB", "PostgreSQL", "MariaDB", "SQL"];
        const SAME_IDS: [&str; 10] = [
            "json-null",
            "html-table",
            "time-minutes",
            "report-max",
            "report-verdict",
            "hint-ok",
            "family-date",
            "what-types",
            "stat-minimum",
            "stat-maximum",
        ];
        for id in ids(Lang::Fr) {
            let mut rendered = Vec::new();
            for lang in Lang::ALL {
                let said = variables(lang, &id)
                    .iter()
                    .fold(Said::new(&id), |said, v| said.with(v, 2.0));
                let out = said.render(lang);
                assert_ne!(out, id, "{} lacks `{id}`", lang.code());
                assert!(
                    !out.contains("{"),
                    "{}: `{id}` renders {out:?}",
                    lang.code()
                );
                rendered.push(out);
            }
            let (fr, en) = (&rendered[0], &rendered[1]);
            let words = fr.chars().filter(|c| c.is_alphabetic()).count();
            assert!(
                fr != en
                    || words == 0
                    || SAME.iter().any(|s| fr.contains(s))
                    || SAME_IDS.contains(&id.as_str()),
                "`{id}` is the same in French and in English: {fr:?}"
            );
        }
    }

    #[test]
    fn french_unless_english_is_asked() {
        assert_eq!(Lang::choose(Some("en")), Lang::En);
        assert_eq!(Lang::choose(Some("en_GB.UTF-8")), Lang::En);
        assert_eq!(Lang::choose(Some("fr_FR.UTF-8")), Lang::Fr);
        assert_eq!(Lang::choose(Some("de")), Lang::Fr);
    }

    #[test]
    fn plural_forms_follow_the_number() {
        assert_eq!(
            tr!(
                Lang::Fr,
                "live-checks-pass",
                passed = 1usize,
                total = 7usize
            ),
            "1 vérification sur 7 passe."
        );
        assert_eq!(
            tr!(
                Lang::Fr,
                "live-checks-pass",
                passed = 3usize,
                total = 7usize
            ),
            "3 vérifications sur 7 passent."
        );
        assert_eq!(
            tr!(
                Lang::Fr,
                "live-checks-pass",
                passed = 0usize,
                total = 7usize
            ),
            "Aucune des 7 vérifications ne passe."
        );
        assert_eq!(
            tr!(
                Lang::En,
                "live-checks-pass",
                passed = 1usize,
                total = 7usize
            ),
            "1 of 7 checks passes."
        );
        assert_eq!(tr!(Lang::Fr, "no-such-message"), "no-such-message");
    }
}
