//! `epreuve`: the command layer over the epreuve crates.

mod cli;
mod commands;
mod exit_codes;
mod help;
mod printer;

fn main() -> std::process::ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = help::language(&args);
    let command = help::localized(cli::Cli::command(), lang);
    let matches = match command.try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => help::exit_on(error, lang),
    };
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => help::exit_on(error, lang),
    };
    commands::run(cli)
}
