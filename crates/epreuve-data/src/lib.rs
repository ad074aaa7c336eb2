//! Source data of an exam: reads csv, xlsx and json files into polars frames of text, profiles
//! them (type family, lengths, nulls) and generates the exam datasets.
//!
//! Every cell is kept as the text the candidate sees in the file, so that the grader can compare
//! it with what the database holds, whatever type the candidate chose.

mod cores;
mod digest;
mod error;
mod frame;
pub mod generate;
mod profile;
mod read;
mod text;
mod value;

pub use cores::{map_on_cores, map_on_threads};
pub use digest::{fnv1a, hex};
pub use error::DataError;
pub use frame::{SourceFrame, for_each_text, frame_from_columns, text_column, text_columns};
pub use profile::{ColumnProfile, SourceProfile, TypeFamily, profile_frame};
pub use read::{Format, JsonMeta, SourceSpec, read_source};
pub use text::{TextColumn, TextRow, columns_from_rows};
pub use value::{canonical, is_missing, quick_date, try_canonical};
