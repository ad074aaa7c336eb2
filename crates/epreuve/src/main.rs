//! `epreuve`: the command layer over the epreuve crates.

mod cli;
mod commands;
mod exit_codes;
mod printer;

fn main() -> std::process::ExitCode {
    let cli = <cli::Cli as clap::Parser>::parse();
    commands::run(cli)
}
