//! A finding's sentence, kept once: the catalogue's message (its id and arguments), said in
//! the reader's language when a renderer asks. A report's JSON carries its English beside it
//! (`message` and `said`, `reason` and `said`, …) for programs that read no catalogue; a
//! report written before sentences had ids is read back from its English alone.

use std::fmt;
use std::marker::PhantomData;

use epreuve_i18n::{Lang, Said};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The two JSON fields a sentence is written as: its English, and its message.
pub trait Fields {
    /// The field of the English sentence.
    const ENGLISH: &'static str;
    /// The field of the catalogue's message.
    const SAID: &'static str;
}

/// One sentence of a report, flattened into its owner's JSON as the fields `F` names.
pub struct Spoken<F> {
    said: Said,
    fields: PhantomData<F>,
}

/// Many sentences, flattened into their owner's JSON as two lists (the message's list
/// written only when not empty).
pub struct SpokenList<F> {
    said: Vec<Said>,
    fields: PhantomData<F>,
}

/// An English sentence from a report written before sentences had ids, kept as it was.
fn written(english: String) -> Said {
    Said::verbatim(english)
}

impl<F> Spoken<F> {
    /// The sentence `said`.
    pub fn new(said: Said) -> Self {
        Self {
            said,
            fields: PhantomData,
        }
    }

    /// The catalogue's message.
    pub fn said(&self) -> &Said {
        &self.said
    }

    /// The sentence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.said.render(lang)
    }

    /// The sentence in English.
    pub fn english(&self) -> String {
        self.said.english()
    }

    /// The same sentence, its quoted texts passed through `clean`.
    pub fn map_text(self, clean: &impl Fn(&str) -> String) -> Self {
        Self::new(self.said.map_text(clean))
    }
}

impl<F> SpokenList<F> {
    /// The sentences `said`.
    pub fn new(said: Vec<Said>) -> Self {
        Self {
            said,
            fields: PhantomData,
        }
    }

    /// The catalogue's messages.
    pub fn said(&self) -> &[Said] {
        &self.said
    }

    /// The sentences in `lang`.
    pub fn render(&self, lang: Lang) -> Vec<String> {
        self.said.iter().map(|s| s.render(lang)).collect()
    }

    /// The sentences in English.
    pub fn english(&self) -> Vec<String> {
        self.said.iter().map(Said::english).collect()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.said.is_empty()
    }
}

impl<F> Clone for Spoken<F> {
    fn clone(&self) -> Self {
        Self::new(self.said.clone())
    }
}

impl<F> Clone for SpokenList<F> {
    fn clone(&self) -> Self {
        Self::new(self.said.clone())
    }
}

impl<F> PartialEq for Spoken<F> {
    fn eq(&self, other: &Self) -> bool {
        self.said == other.said
    }
}

impl<F> PartialEq for SpokenList<F> {
    fn eq(&self, other: &Self) -> bool {
        self.said == other.said
    }
}

impl<F> fmt::Debug for Spoken<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.said.fmt(f)
    }
}

impl<F> fmt::Debug for SpokenList<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.said.fmt(f)
    }
}

/// The sentence in English, as the report's JSON writes it.
impl<F> fmt::Display for Spoken<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said.english())
    }
}

impl<F: Fields> Serialize for Spoken<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(F::ENGLISH, &self.said.english())?;
        map.serialize_entry(F::SAID, &self.said)?;
        map.end()
    }
}

impl<F: Fields> Serialize for SpokenList<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(F::ENGLISH, &self.english())?;
        if !self.said.is_empty() {
            map.serialize_entry(F::SAID, &self.said)?;
        }
        map.end()
    }
}

/// The two fields of a sentence (or of a list of them), as read from the owner's JSON: the
/// owner's other fields are left to it.
struct Found<E, S> {
    english: Option<E>,
    said: Option<S>,
}

struct FoundVisitor<F, E, S>(PhantomData<(F, E, S)>);

impl<'de, F: Fields, E: Deserialize<'de>, S: Deserialize<'de>> Visitor<'de>
    for FoundVisitor<F, E, S>
{
    type Value = Found<E, S>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` and `{}`", F::ENGLISH, F::SAID)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Found {
            english: None,
            said: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == F::ENGLISH {
                found.english = Some(map.next_value()?);
            } else if key == F::SAID {
                found.said = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl<'de, F: Fields> Deserialize<'de> for Spoken<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found: Found<String, Said> =
            deserializer.deserialize_map(FoundVisitor::<F, String, Said>(PhantomData))?;
        match (found.said, found.english) {
            (Some(said), _) => Ok(Self::new(said)),
            (None, Some(english)) => Ok(Self::new(written(english))),
            (None, None) => Err(de::Error::missing_field(F::ENGLISH)),
        }
    }
}

impl<'de, F: Fields> Deserialize<'de> for SpokenList<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found: Found<Vec<String>, Vec<Said>> =
            deserializer.deserialize_map(FoundVisitor::<F, Vec<String>, Vec<Said>>(PhantomData))?;
        let english = found.english.unwrap_or_default();
        // Messages that do not answer the English one for one are from an older writer: the
        // English is what it meant.
        Ok(match found.said {
            Some(said) if said.len() == english.len() => Self::new(said),
            _ => Self::new(english.into_iter().map(written).collect()),
        })
    }
}

/// `message` and `said`: what a check found.
pub struct MessageFields;
impl Fields for MessageFields {
    const ENGLISH: &'static str = "message";
    const SAID: &'static str = "said";
}

/// `reason` and `said`: why a criterion's verdict.
pub struct ReasonFields;
impl Fields for ReasonFields {
    const ENGLISH: &'static str = "reason";
    const SAID: &'static str = "said";
}

/// `integrity` and `integrity_said`: what changed since submission.
pub struct IntegrityFields;
impl Fields for IntegrityFields {
    const ENGLISH: &'static str = "integrity";
    const SAID: &'static str = "integrity_said";
}

/// `tolerance` and `tolerance_said`: what a line of the grid tolerates.
pub struct ToleranceFields;
impl Fields for ToleranceFields {
    const ENGLISH: &'static str = "tolerance";
    const SAID: &'static str = "tolerance_said";
}

/// `evidence` and `said`: what shows a line of the grid's verdict.
pub struct EvidenceFields;
impl Fields for EvidenceFields {
    const ENGLISH: &'static str = "evidence";
    const SAID: &'static str = "said";
}

#[cfg(test)]
mod tests {
    use super::*;
    use epreuve_i18n::said;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Finding {
        id: String,
        #[serde(flatten)]
        message: Spoken<MessageFields>,
        #[serde(flatten)]
        changes: SpokenList<IntegrityFields>,
        score: f64,
    }

    #[test]
    fn a_sentence_is_written_with_its_english_and_read_back_whole() {
        let finding = Finding {
            id: "ventes.row_count".into(),
            message: Spoken::new(said!(
                "ev-head",
                file = "answers/q.sql",
                rows = 3,
                table = "ventes"
            )),
            changes: SpokenList::new(vec![said!("integrity-seal-replaced")]),
            score: 1.5,
        };
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["message"], finding.message.english());
        assert_eq!(json["integrity"][0], finding.changes.english()[0]);
        assert!(json["said"].is_object() && json["integrity_said"].is_array());
        let back: Finding = serde_json::from_value(json).unwrap();
        assert_eq!(back, finding);
        assert_ne!(back.message.render(Lang::Fr), back.message.english());
    }

    #[test]
    fn a_report_written_before_messages_had_ids_is_read_from_its_english() {
        let old = r#"{"id": "x", "message": "3 rows { $n } <b>", "integrity": ["the seal was replaced"], "score": 0}"#;
        let back: Finding = serde_json::from_str(old).unwrap();
        assert_eq!(back.message.render(Lang::Fr), "3 rows { $n } <b>");
        assert_eq!(back.changes.render(Lang::Fr), vec!["the seal was replaced"]);
        // Messages that do not answer the English one for one: the English stands.
        let mixed = r#"{"id": "x", "message": "m", "integrity": ["a", "b"], "integrity_said": [], "score": 0}"#;
        let back: Finding = serde_json::from_str(mixed).unwrap();
        assert_eq!(back.changes.english(), vec!["a", "b"]);
        // Without either field, the sentence is missing.
        assert!(serde_json::from_str::<Finding>(r#"{"id": "x", "score": 0}"#).is_err());
    }
}
