//! The exam model: exam manifests (`exercises/`), grading rules and solutions (`graders/`),
//! datasets (`datasets/`), and the catalogue that finds them.

mod catalogue;
mod compare;
mod error;
mod grader;
mod manifest;
mod pack;
mod referential;
mod solution;
mod task;

pub use catalogue::{Catalogue, Exam, is_exam_id};
pub use compare::{ColumnMatch, CompareSpec, RowMatch, Tolerance};
pub use epreuve_results::Engine;
pub use error::{ExamError, ManifestError};
pub use grader::{
    CheckKind, CheckRule, CriterionRule, GraderManifest, HeadRule, IndicatorCheck, IndicatorRule,
    InstanceRules, SizingRule, TableRules,
};
pub use manifest::{
    ExamManifest, GeneratorKind, GeneratorSpec, Preload, SalesBoundary, Statement, TableSpec,
};
pub use pack::{PACK_MARKER, PackSummary};
pub use referential::{CriterionIndicators, Indicator, indicator, referential};
pub use solution::{Expectation, Measure, SolutionManifest, Transform};
pub use task::{
    ENGINE_NAMES, ImputationMethod, ManualItem, MinRatio, Statistic, Task, TaskCheck, TimedQuery,
    TimingCheck,
};
