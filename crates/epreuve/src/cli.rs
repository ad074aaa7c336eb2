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
    /// The centre's folder of records (start, deadline, seed, checksums and grading account of
    /// each workspace it started), kept out of candidates' reach; by default
    /// ~/.local/share/epreuve/centre.
    #[arg(long, global = true, env = "EPREUVE_CENTRE", value_name = "DIR")]
    pub centre: Option<PathBuf>,
    /// The language of the messages: `fr` or `en` (else from `LC_ALL`, `LC_MESSAGES` or
    /// `LANG`; French by default).
    #[arg(long, global = true, env = "EPREUVE_LANG", value_name = "fr|en", value_parser = language)]
    pub lang: Option<String>,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Output format: `table` for people, `json` for programs; `class report` also writes
    /// `csv` (a gradebook import), `gradescope` and `html` (both in `--out`).
    #[arg(long, global = true, value_enum, default_value_t)]
    pub format: Format,
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
    Exams,
    /// Create a candidate's workspace and database, and start the clock.
    Start(StartArgs),
    /// Show the time left and how to connect to the database.
    Status(WorkspaceArgs),
    /// Run the public checks: what is still missing, without the answers.
    Check(WorkspaceArgs),
    /// The live view: the time left, warnings, the public checks re-run on every change, and
    /// the work submitted just before the deadline.
    Watch(WatchArgs),
    /// Freeze the answers and a snapshot of the database, and record the time.
    Submit(SubmitArgs),
    /// Grade a workspace (its submission when there is one) and print the report.
    Grade(GradeArgs),
    /// Start an exam in a temporary folder, apply the reference solution, grade it.
    Demo(DemoArgs),
    /// Start, stop or describe a workspace's database server.
    #[command(subcommand)]
    Db(DbCommand),
    /// Write the candidate-side catalogue of some exams: what a candidate's machine needs to
    /// start, check and submit, without the hidden checks and the reference solutions.
    Pack(PackArgs),
    /// Docker images built from Debian's packages, for machines that reach no registry.
    #[command(subcommand)]
    Images(ImagesCommand),
    /// A mock exam for a whole class: prepare from a roster, follow, grade all, report.
    #[command(subcommand)]
    Class(ClassCommand),
}

/// `epreuve class …`.
#[derive(Debug, Subcommand)]
pub enum ClassCommand {
    /// Make one workspace per candidate of a roster (CSV: id, name, optionally email and
    /// extra_time), each with data of their own; run again, it makes the missing ones.
    Prepare(ClassPrepareArgs),
    /// Write, per candidate, what goes to their own machine: the candidate-side catalogue
    /// and the workspace prepared for them.
    Handout(ClassHandoutArgs),
    /// Who started, who submitted, who is late, whose database does not answer.
    Status(ClassArgs),
    /// Take the submission files gathered from candidates' machines (`submit --out`) into
    /// their workspaces; a broken seal or another candidate's file is refused.
    Collect(ClassCollectArgs),
    /// Grade every candidate on every core; run again, it resumes; `--regrade` grades
    /// everyone again and shows whose score moved.
    Grade(ClassGradeArgs),
    /// The class report: score spread, criteria acquired, checks that fail most, candidates.
    Report(ClassReportArgs),
}

/// A class folder to act on.
#[derive(Debug, Args)]
pub struct ClassArgs {
    /// The class folder.
    #[arg(long)]
    pub dir: PathBuf,
}

/// Arguments of `class prepare`.
#[derive(Debug, Args)]
pub struct ClassPrepareArgs {
    /// The roster: CSV with a header (`id,name,email,extra_time`, or in French
    /// `identifiant;nom;courriel;tiers_temps`).
    pub roster: PathBuf,
    /// Exam identifier (see `epreuve exams`).
    #[arg(long)]
    pub exam: String,
    /// The class folder (new, or a class of the same exam to complete).
    #[arg(long)]
    pub dir: PathBuf,
    /// Time allowed, overriding the exam's (each candidate's extra time is added).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub duration: Option<std::time::Duration>,
    /// Workspaces made at once (the number of cores by default).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// The database of every candidate.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Arguments of `class handout`.
#[derive(Debug, Args)]
pub struct ClassHandoutArgs {
    /// The class.
    #[command(flatten)]
    pub class: ClassArgs,
    /// A new folder: `<out>/<id>/catalogue` and `<out>/<id>/workspace` per candidate.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `class collect`.
#[derive(Debug, Args)]
pub struct ClassCollectArgs {
    /// The class.
    #[command(flatten)]
    pub class: ClassArgs,
    /// The files `epreuve submit --out` wrote, or folders holding them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Arguments of `class grade`.
#[derive(Debug, Args)]
pub struct ClassGradeArgs {
    /// The class.
    #[command(flatten)]
    pub class: ClassArgs,
    /// Candidates graded at once (the number of cores by default; one for an exam that times
    /// queries).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Grade everyone again (after a grader change) and show whose score moved.
    #[arg(long)]
    pub regrade: bool,
}

/// Arguments of `class report`.
#[derive(Debug, Args)]
pub struct ClassReportArgs {
    /// The class folder.
    #[arg(long)]
    pub dir: PathBuf,
    /// The folder where `--format gradescope` writes `<id>/results.json`, and `--format html`
    /// `index.html` and `candidates/<id>.html`.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// What a command's output is written as (`--format`, one option for every command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A table for people.
    #[default]
    Table,
    /// JSON for programs (for `class report`: the class figures and every candidate's report).
    Json,
    /// One row per candidate, a column of points per criterion and the total (LMS gradebook
    /// import).
    Csv,
    /// Gradescope's `results.json`, one per graded candidate, in `--out`.
    Gradescope,
    /// HTML pages in `--out`: `index.html` for the class, `candidates/<id>.html` each, charts
    /// inline, nothing fetched.
    Html,
}

/// `epreuve db …`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Start the database again (after `db down` or a reboot) and wait until it answers.
    Up(WorkspaceArgs),
    /// Stop the database and remove what epreuve made for it (container and volume, local
    /// server, or the candidate's database and roles on the centre's server). Grade first.
    Down(DownArgs),
    /// Where the database is, how to connect, and whether it answers now.
    Info(WorkspaceArgs),
}

/// `epreuve images …`.
#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Build the Debian base (debootstrap), PostgreSQL 15 and MariaDB 10.11 images; images
    /// already there are kept.
    Build(ImagesBuildArgs),
}

/// Arguments of `db down`.
#[derive(Debug, Args)]
pub struct DownArgs {
    /// The workspace.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// The centre's server account, needed to drop a database made with `--via url`.
    #[arg(long, env = "EPREUVE_DB_URL")]
    pub url: Option<String>,
}

/// Arguments of `pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// Exams to pack (see `epreuve exams`).
    #[arg(required = true)]
    pub exams: Vec<String>,
    /// A new folder to write the candidate's catalogue into.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `images build`.
#[derive(Debug, Args)]
pub struct ImagesBuildArgs {
    /// Build again even the images that exist.
    #[arg(long)]
    pub force: bool,
}

/// Database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Embedded DuckDB, one file in the workspace (no server, no Docker).
    Duckdb,
    /// PostgreSQL 15.
    Postgres,
    /// MariaDB 10.11.
    Mariadb,
    /// MongoDB 8.0, or a server that speaks its protocol (`EPREUVE_MONGOD`).
    Mongodb,
}

/// How to get the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViaArg {
    /// DuckDB in the workspace.
    Embedded,
    /// A container, through the Docker Engine API.
    Docker,
    /// A throwaway server started from the programs installed on this machine.
    Local,
    /// A database created on a server the centre runs (`--url`).
    Url,
}

/// Which images `--via docker` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ImagesArg {
    /// The official postgres and mariadb images, pulled when missing.
    #[default]
    Official,
    /// The images `epreuve images build` makes from Debian's packages.
    Local,
}

/// Which database a new workspace gets.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database engine: the exam's first (DuckDB for the SQL exams, MongoDB for the document
    /// one) when absent.
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// How to get it: `embedded` for DuckDB; `docker` (default for servers), `local` or `url`.
    #[arg(long, value_enum)]
    pub via: Option<ViaArg>,
    /// Images for `--via docker`.
    #[arg(long, value_enum, default_value_t, env = "EPREUVE_IMAGES")]
    pub images: ImagesArg,
    /// Server for `--via url`: postgres://user:password@host:5432/postgres, mysql://… or
    /// mongodb://….
    #[arg(long, env = "EPREUVE_DB_URL")]
    pub url: Option<String>,
    /// Port on 127.0.0.1 for `--via docker` or `--via local` (a free one when absent).
    #[arg(long)]
    pub port: Option<u16>,
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
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// A workspace to act on.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// The workspace folder.
    #[arg(long, default_value = ".", env = "EPREUVE_WORKSPACE")]
    pub dir: PathBuf,
}

/// Arguments of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The workspace folder.
    #[arg(long, default_value = ".", env = "EPREUVE_WORKSPACE")]
    pub dir: PathBuf,
    /// One line of plain text per event, no redraw (for a screen reader or a braille
    /// display); the default when the output is not a terminal or `TERM=dumb`.
    #[arg(long)]
    pub accessible: bool,
}

/// Arguments of `submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The workspace.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Also write the sealed submission into this one file, for a centre that gathers them
    /// from candidates' machines (`epreuve class collect`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The workspace folder to grade.
    pub workspace: PathBuf,
    /// The assessor's scores of the manual items: a file of the assessor's, outside the
    /// workspace (the candidate can write anything inside it). Without it, the manual items
    /// wait for the assessor and the score is provisional.
    #[arg(long, value_name = "FILE")]
    pub evaluation: Option<PathBuf>,
    /// Print a file for the assessor to fill in with the manual items, instead of grading.
    #[arg(long)]
    pub evaluation_template: bool,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Exam to run; the first of the catalogue when absent.
    pub exam: Option<String>,
    /// Solution to apply (`reference`, or one of the wrong ones shipped with the grader).
    #[arg(long, default_value = "reference")]
    pub solution: String,
    /// The candidate the demo plays: their identifier decides the data generated (each
    /// candidate gets numbers of their own), so a solution can be tried on other data.
    #[arg(long, default_value = "demo")]
    pub candidate: String,
    /// Keep the workspace in this folder instead of a temporary one (and its database
    /// running: `epreuve db down --dir …` removes it).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// A language epreuve speaks (`fr`, `en`, or a locale of one, `fr_FR.UTF-8`), refused with
/// the list otherwise: a typo must not silently give French.
fn language(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    let known = ["fr", "en"];
    if known.iter().any(|l| {
        lower == *l || lower.starts_with(&format!("{l}_")) || lower.starts_with(&format!("{l}-"))
    }) {
        Ok(text.to_owned())
    } else {
        // Said in the language of the environment, the one asked being unknown.
        Err(epreuve_i18n::tr!(
            epreuve_i18n::Lang::choose(None),
            "cli-lang-unknown",
            text = text
        ))
    }
}
