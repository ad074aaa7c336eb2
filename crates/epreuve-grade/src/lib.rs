//! Grading: the check vocabulary, scoring by criterion, and the results model.
//!
//! Expected values are computed from the files the candidate was given (see [`Truth`]), never
//! from the database being graded. A check whose database could not answer says "not
//! gradable" instead of scoring a failure of the infrastructure.

mod canon;
mod checks;
mod compare;
mod error;
mod manual;
mod rows;
mod run;
mod solution;
mod stats;
mod strays;
mod truth;

pub use canon::{Coded, CodedPair, Codes};
pub use compare::{Comparison, compare_results};
pub use epreuve_results::{CheckResult, CriterionScore, Report, Status, Verdict, clean_text};
pub use error::GradeError;
pub use manual::{Evaluation, EvaluationError, ItemScore};
pub use rows::{ColumnHarm, RowComparison, compare_coded, compare_rows};
pub use run::{Grading, Visibility, grade, grade_task};
pub use solution::apply_solution;
pub use stats::{
    Percentile, Summary, frequencies, quantile_definition, quantile_sorted, summarize,
};
pub use strays::{STRAYS_KEPT, StrayRows, source_prints};
pub use truth::{TableTruth, Truth};
