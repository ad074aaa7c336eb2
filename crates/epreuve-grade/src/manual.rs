//! Manual items (charts, RGPD control points): the assessor scores them in a file of their own,
//! outside the workspace (`grade --evaluation FILE`), and grading merges those scores into the
//! report. An item without a
//! score waits for the assessor; it is listed, never counted as failed.
//!
//! ```toml
//! assessor = "C. Martin"
//!
//! [items.nuage_de_points]
//! score = 2
//! comment = "axes nommés, unités en euros"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use epreuve_exam::ManualItem;
use serde::Deserialize;

use crate::checks::Outcome;

/// The assessor's file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Who scored the items.
    #[serde(default)]
    pub assessor: Option<String>,
    /// Scores, by item id.
    #[serde(default)]
    pub items: BTreeMap<String, ItemScore>,
}

/// The assessor's score of one item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemScore {
    /// Points given, from 0 to the item's weight.
    pub score: f64,
    /// What the assessor saw.
    #[serde(default)]
    pub comment: Option<String>,
}

/// What is wrong with an assessor's file.
#[derive(Debug, thiserror::Error)]
pub struct EvaluationError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, naming the item.
    pub message: epreuve_i18n::Said,
}

impl EvaluationError {
    /// The error as a message of the catalogues.
    pub fn said(&self) -> epreuve_i18n::Said {
        epreuve_i18n::said!(
            "err-evaluation",
            path = self.path.display().to_string(),
            why = self.message.clone()
        )
    }
}

epreuve_i18n::says_itself!(EvaluationError);

impl Evaluation {
    /// Reads the assessor's file at `path`, checked against the grader's items. The file must
    /// be there: a name given and not found is a mistake, not "no score yet".
    pub fn read(path: &Path, items: &[ManualItem]) -> Result<Self, EvaluationError> {
        use epreuve_i18n::{Said, said};
        let fault = |message: Said| EvaluationError {
            path: path.to_path_buf(),
            message,
        };
        if !path.is_file() {
            return Err(fault(said!("evaluation-not-a-file")));
        }
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > epreuve_fs::limits::EVALUATION {
            return Err(fault(said!(
                "evaluation-too-large",
                bytes = epreuve_fs::limits::EVALUATION.to_string()
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| fault(said!("evaluation-unreadable", error = e.to_string())))?;
        let evaluation: Self =
            toml::from_str(&text).map_err(|e| fault(Said::verbatim(e.to_string())))?;
        for (id, score) in &evaluation.items {
            let Some(item) = items.iter().find(|i| &i.id == id) else {
                return Err(fault(said!(
                    "evaluation-unknown-item",
                    item = id,
                    items = items
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if !score.score.is_finite() || !(0.0..=item.weight).contains(&score.score) {
                return Err(fault(said!(
                    "evaluation-score-range",
                    item = id,
                    score = score.score.to_string(),
                    weight = item.weight.to_string()
                )));
            }
        }
        Ok(evaluation)
    }

    /// A file for the assessor to fill in: every item, its guidance, no score.
    pub fn template(items: &[ManualItem], lang: epreuve_i18n::Lang) -> String {
        let mut out = String::new();
        for line in epreuve_i18n::said!("evaluation-template-head")
            .render(lang)
            .lines()
        {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str("assessor = \"\"\n");
        for item in items {
            out.push_str(&format!(
                "\n# {} ({}, {} points): {}\n[items.{}]\n# score = {}\ncomment = \"\"\n",
                item.title, item.criterion, item.weight, item.guidance, item.id, item.weight
            ));
        }
        out
    }

    pub(crate) fn outcome(&self, item: &ManualItem) -> Outcome {
        use epreuve_results::said;
        let Some(score) = self.items.get(&item.id) else {
            return Outcome::pending(said!("ev-manual-pending", guidance = &item.guidance));
        };
        let by = self
            .assessor
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|a| said!("ev-manual-by", assessor = a))
            .unwrap_or_else(|| said!("ev-nothing"));
        let comment = score
            .comment
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| said!("ev-manual-comment", comment = c))
            .unwrap_or_else(|| said!("ev-nothing"));
        let message = said!(
            "ev-manual-scored",
            score = score.score.to_string(),
            weight = item.weight.to_string(),
            by = by,
            comment = comment
        );
        if score.score >= item.weight {
            Outcome::passed(message)
        } else {
            Outcome::failed(score.score / item.weight, message.clone(), message)
        }
    }
}
