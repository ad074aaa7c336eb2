//! End-to-end tests: the real `epreuve` binary, run in temporary folders with a cleaned
//! environment, against the real catalogue of this repository and a real DuckDB.

mod backends;
mod bloc2;
mod catalogue_side;
mod class;
mod class_attack;
mod commands;
mod common;
mod docs;
mod engine_seam;
mod errors;
mod evidence;
mod hostile;
mod layout;
mod mongodb;
mod native;
mod sealing;
mod servers;
mod snapshots;
mod solutions;
mod timing;
mod watch;
mod workflow;
