//! Exit codes of `epreuve`, the same for every command.

/// The command did what was asked and every check passed (or there was nothing to check).
pub const SUCCESS: u8 = 0;
/// The command ran but some checks failed: `check` found something still missing, `grade`
/// gave less than the maximum.
pub const CHECKS_FAILED: u8 = 1;
/// The user's input is wrong: unknown exam, missing or damaged workspace, broken manifest,
/// data file deleted with no original left, bad arguments (clap also uses 2).
pub const USER_ERROR: u8 = 2;
/// The infrastructure failed: the database is locked, missing or does not answer; for `grade`,
/// some checks could not be graded.
pub const INFRASTRUCTURE: u8 = 3;
/// The user pressed Ctrl-C; what was started was removed (128 + SIGINT, as shells report it).
pub const CANCELLED: u8 = 130;
