//! End-to-end tests: the real `epreuve` binary, run in temporary folders with a cleaned
//! environment, against the real catalogue of this repository and a real DuckDB.

mod backends;
mod bloc2;
mod common;
mod errors;
mod native;
mod servers;
mod snapshots;
mod solutions;
mod timing;
mod workflow;
