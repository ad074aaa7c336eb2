//! The command line's help in the user's language. The English is the doc comments of
//! `cli.rs`; the French is `epreuve-i18n`'s `locales/help.fr.ftl`, one message per command
//! (`help-<command path>`) and per option (`help-<command path>--<option>`), whose test checks
//! that every command and option has one and that none is left over.

use clap::Command;
use epreuve_i18n::Lang;

/// The language asked for before the command line is parsed: `--lang` (or `--lang=`), then
/// `EPREUVE_LANG`, then the locale.
pub fn language(args: &[std::ffi::OsString]) -> Lang {
    let mut explicit = None;
    let mut words = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(word) = words.next() {
        if word == "--lang" {
            explicit = words.next();
        } else if let Some(value) = word.strip_prefix("--lang=") {
            explicit = Some(value.to_owned());
        }
    }
    let explicit =
        explicit.or_else(|| std::env::var("EPREUVE_LANG").ok().filter(|v| !v.is_empty()));
    Lang::choose(explicit.as_deref())
}

/// `command` with its help, and its subcommands', in `lang`.
pub fn localized(command: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return command;
    }
    let path = command.get_name().to_owned();
    localize(command, &path, lang)
}

fn localize(mut command: Command, path: &str, lang: Lang) -> Command {
    if let Some(text) = epreuve_i18n::help(lang, &format!("help-{path}")) {
        // The English long text (a doc comment of several paragraphs) must not show.
        command = command.about(text).long_about(None::<&str>);
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for id in ids {
        if let Some(text) = epreuve_i18n::help(lang, &format!("help-{path}--{id}")) {
            command = command.mut_arg(&id, |a| a.help(text).long_help(None::<&str>));
        }
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .filter(|n| n != "help")
        .collect();
    for name in names {
        let sub_path = format!("{path}-{name}");
        command = command.mut_subcommand(&name, |s| localize(s, &sub_path, lang));
    }
    command
}

/// Every help id the command line needs: `(id, English help)`.
#[cfg(test)]
fn needed(command: &Command, path: &str, out: &mut Vec<(String, String)>) {
    let english =
        |s: Option<&clap::builder::StyledStr>| s.map(ToString::to_string).unwrap_or_default();
    out.push((format!("help-{path}"), english(command.get_about())));
    for arg in command.get_arguments() {
        let id = arg.get_id().to_string();
        if id != "help" && id != "version" {
            out.push((format!("help-{path}--{id}"), english(arg.get_help())));
        }
    }
    for sub in command.get_subcommands() {
        if sub.get_name() != "help" {
            needed(sub, &format!("{path}-{}", sub.get_name()), out);
        }
    }
}

/// Ends the program on a command-line `error` (exit 2), said in `lang` for the errors a person
/// makes (a missing, unknown or wrong argument, an unknown command); help, the version and the
/// rest keep clap's own rendering.
pub fn exit_on(error: clap::Error, lang: Lang) -> ! {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let value = |kind: ContextKind| -> Vec<String> {
        match error.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            Some(other) => vec![other.to_string()],
            None => Vec::new(),
        }
    };
    let first = |kind: ContextKind| value(kind).into_iter().next().unwrap_or_default();
    let said = match error.kind() {
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = value(ContextKind::InvalidArg)
                .iter()
                .map(|a| format!("\n  {a}"))
                .collect();
            epreuve_i18n::said!("cli-missing", args = missing.concat())
        }
        ErrorKind::InvalidValue => epreuve_i18n::said!(
            "cli-invalid-value",
            value = first(ContextKind::InvalidValue),
            arg = first(ContextKind::InvalidArg),
            possible = value(ContextKind::ValidValue).join(", ")
        ),
        ErrorKind::UnknownArgument => {
            epreuve_i18n::said!("cli-unknown-argument", arg = first(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => epreuve_i18n::said!(
            "cli-unknown-command",
            command = first(ContextKind::InvalidSubcommand)
        ),
        _ => error.exit(),
    };
    let mut what = said.render(lang);
    let suggested: Vec<String> = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .flat_map(value)
        .collect();
    if !suggested.is_empty() {
        let suggested = suggested.join("`, `");
        what.push_str(&epreuve_i18n::said!("cli-did-you-mean", what = suggested).render(lang));
    }
    // What the person typed is echoed: cleaned of the characters a terminal obeys, as every
    // other message is (the printer's own cleaner).
    eprintln!(
        "{}\n\n{}",
        epreuve_grade::clean_text(&epreuve_i18n::said!("cli-error", what = what).render(lang)),
        epreuve_i18n::said!("cli-more").render(lang)
    );
    std::process::exit(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_and_option_has_its_french_help_and_none_is_left_over() {
        let command = crate::cli::Cli::command();
        let mut ids = Vec::new();
        needed(&command, "epreuve", &mut ids);
        let missing: Vec<String> = ids
            .iter()
            .filter(|(id, _)| epreuve_i18n::help(Lang::Fr, id).is_none())
            .map(|(id, english)| format!("{id} = {english}"))
            .collect();
        assert!(
            missing.is_empty(),
            "without French help:\n{}",
            missing.join("\n")
        );
        let known: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
        let left: Vec<String> = epreuve_i18n::help_ids()
            .into_iter()
            .filter(|id| !known.contains(&id.as_str()))
            .collect();
        assert!(left.is_empty(), "help for nothing: {left:?}");
        // The French help is what `--help` shows.
        let french = localized(crate::cli::Cli::command(), Lang::Fr)
            .render_help()
            .to_string();
        assert!(french.contains("Créer l'espace de travail"), "{french}");
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            language(&args(&["epreuve", "--lang", "en", "start"])),
            Lang::En
        );
        assert_eq!(
            language(&args(&["epreuve", "start", "--lang=en"])),
            Lang::En
        );
        assert_eq!(language(&args(&["epreuve", "--lang", "fr"])), Lang::Fr);
    }
}
