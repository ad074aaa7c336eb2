//! `epreuve`: the command layer over the epreuve crates.

mod cli;
mod commands;
mod exit_codes;
mod help;
mod printer;

fn main() -> std::process::ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let command = help::localized(cli::Cli::command(), help::language(&args));
    let cli = match cli::Cli::from_arg_matches(&command.get_matches_from(args)) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    commands::run(cli)
}
