//! Command-line arguments: every clap type lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Runs hands-on data-engineering exams (« mises en situation professionnelles ») and grades them.
#[derive(Debug, Parser)]
#[command(name = "epreuve", version, about)]
pub struct Cli {
    /// The exam catalogue (a folder with exercises/, datasets/ and graders/).
    #[arg(long, global = true, env = "EPREUVE_CATALOGUE")]
    pub catalogue: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More log output on standard error (-v, -vv); RUST_LOG works too.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the exams of the catalogue.
    Exams(FormatArg),
    /// Create a candidate's workspace and database, and start the clock.
    Start(StartArgs),
    /// Show the time left and how to connect to the database.
    Status(WorkspaceArgs),
    /// Run the public checks: what is still missing, without the answers.
    Check(WorkspaceArgs),
    /// Freeze the answers and a snapshot of the database, and record the time.
    Submit(WorkspaceArgs),
    /// Grade a workspace (its submission when there is one) and print the report.
    Grade(GradeArgs),
    /// Start an exam in a temporary folder, apply the reference solution, grade it.
    Demo(DemoArgs),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
}

/// Just `--format`.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// Exam identifier (see `epreuve exams`).
    pub exam: String,
    /// Folder to create the workspace in (must not exist, or be empty).
    #[arg(long)]
    pub dir: PathBuf,
    /// Candidate identifier.
    #[arg(long)]
    pub candidate: String,
    /// Time allowed, overriding the exam's (`90min`, `2h30m`).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub duration: Option<std::time::Duration>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A workspace to act on.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// The workspace folder.
    #[arg(long, default_value = ".", env = "EPREUVE_WORKSPACE")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The workspace folder to grade.
    pub workspace: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Exam to run; the first of the catalogue when absent.
    pub exam: Option<String>,
    /// Solution to apply (`reference`, or one of the wrong ones shipped with the grader).
    #[arg(long, default_value = "reference")]
    pub solution: String,
    /// Keep the workspace in this folder instead of a temporary one.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
