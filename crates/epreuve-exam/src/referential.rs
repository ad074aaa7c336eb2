//! The referential's indicators, in its own words: what a jury's grid has one line for. They
//! are compiled in (`referential.toml` beside this crate), so that no catalogue, and no
//! workspace, can reword what the jury reads.

use std::sync::OnceLock;

use serde::Deserialize;

/// One indicator of the referential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id, `<criterion>/<name>` (`C1.9/observations`).
    pub id: String,
    /// The referential's words, in French, as the certification text writes them.
    pub fr: String,
    /// An English gloss, for English readers (the jury's words stay the French ones).
    pub en: String,
    /// Where the words come from when they are not in the criterion's list of indicators
    /// (`critère`: the criterion's own text).
    #[serde(default)]
    pub from: Option<String>,
}

impl Indicator {
    /// The criterion this indicator belongs to (`C1.9`).
    pub fn criterion(&self) -> &str {
        self.id.split_once('/').map_or(&self.id, |(c, _)| c)
    }
}

/// A criterion and its indicators, in the referential's order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionIndicators {
    /// Criterion code (`C1.9`).
    pub code: String,
    /// Its indicators.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    criterion: Vec<CriterionIndicators>,
}

/// Every criterion of blocs 1 and 2 with the indicators epreuve can evidence.
pub fn referential() -> &'static [CriterionIndicators] {
    static REFERENTIAL: OnceLock<Vec<CriterionIndicators>> = OnceLock::new();
    REFERENTIAL.get_or_init(|| {
        let file: File = toml::from_str(include_str!("../referential.toml"))
            .expect("referential.toml, compiled in, parses (see its test)");
        file.criterion
    })
}

/// The indicator `id` (`C1.9/observations`), when the referential has it.
pub fn indicator(id: &str) -> Option<&'static Indicator> {
    referential()
        .iter()
        .flat_map(|c| &c.indicators)
        .find(|i| i.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whitespace collapsed and a word doubled by the certification text's layout (`de de`)
    /// read once: what is left must be the referential's words.
    fn normalised(text: &str) -> String {
        let mut words: Vec<&str> = Vec::new();
        for word in text.split_whitespace() {
            if words.last() != Some(&word) {
                words.push(word);
            }
        }
        words.join(" ")
    }

    #[test]
    fn every_indicator_is_quoted_from_the_certification_text() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/seeds/002_ec26c74c5c9d4474.txt"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("the certification text {path} is beside the repository: {e}")
        });
        let text = normalised(&text);
        let mut seen = std::collections::BTreeSet::new();
        for criterion in referential() {
            assert!(
                text.contains(&format!("{} ", criterion.code)),
                "{} is a criterion of the certification text",
                criterion.code
            );
            for indicator in &criterion.indicators {
                assert_eq!(indicator.criterion(), criterion.code, "{}", indicator.id);
                assert!(seen.insert(&indicator.id), "{} twice", indicator.id);
                assert!(
                    text.contains(&normalised(&indicator.fr)),
                    "{}: «{}» is not in the certification text",
                    indicator.id,
                    indicator.fr
                );
                assert!(!indicator.en.is_empty() && indicator.en != indicator.fr);
            }
        }
        assert!(indicator("C1.9/observations").is_some());
        assert!(indicator("C1.9/nope").is_none());
    }
}
