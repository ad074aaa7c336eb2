//! Facts the assessor should know about a grading, typed: a program (a class report, a
//! regrade) reads what a note is about from its kind and fields; a person reads the sentence
//! [`Note::message`] renders from them.

use epreuve_i18n::{Said, said};
use serde::{Deserialize, Serialize};

/// A fact about a grading that is not a check: how the submission came, where the truth came
/// from, what the assessor still has to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// The centre has no record of the workspace: start, deadline, seed and checksums come
    /// from the candidate's machine.
    NoCentreRecord,
    /// Submitted after the deadline (times in UTC, `2026-11-29 14:00:00`).
    SubmittedLate {
        /// When the submission was sealed.
        at: String,
        /// The deadline it missed.
        deadline: String,
    },
    /// Never submitted: the workspace was graded as it is now.
    NotSubmitted,
    /// Manual items the assessor has not scored yet.
    ManualNotScored {
        /// Items without a score.
        unscored: usize,
        /// Manual items of the grader.
        total: usize,
        /// The workspace graded, for the command that prints the file to fill in.
        workspace: String,
    },
    /// The live database changed after submission or did not answer: the dump frozen at
    /// submission was graded.
    GradedFromDump,
    /// A data file handed to the candidate, and what was found of it.
    DataFile {
        /// The file's name in `data/`.
        file: String,
        /// What was found.
        #[serde(flatten)]
        finding: DataFinding,
    },
}

/// What was found of a data file handed to the candidate. Ground truth is always computed
/// from an original the centre vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum DataFinding {
    /// The workspace's copy is not the file handed out.
    Differs,
    /// The workspace's copy was deleted.
    Deleted,
    /// The workspace's copy could not be read to compare it.
    Unreadable {
        /// Why.
        why: String,
    },
    /// The checksum recorded at start is not the one of the file handed out (the original
    /// was regenerated).
    RecordedChecksumDiffers,
    /// The catalogue's copy changed since the start; the copy handed out, whose checksum the
    /// centre recorded, was used.
    CatalogueCopyChanged,
}

impl Note {
    /// The note as a message of the catalogues: each kind of note is a message, its fields
    /// the message's arguments.
    pub fn said(&self) -> Said {
        match self {
            Self::NoCentreRecord => said!("note-no-centre-record"),
            Self::SubmittedLate { at, deadline } => {
                said!("note-submitted-late", at = at, deadline = deadline)
            }
            Self::NotSubmitted => said!("note-not-submitted"),
            Self::ManualNotScored {
                unscored,
                total,
                workspace,
            } => said!(
                "note-manual-not-scored",
                unscored = *unscored,
                total = *total,
                workspace = workspace
            ),
            Self::GradedFromDump => said!("note-graded-from-dump"),
            Self::DataFile { file, finding } => match finding {
                DataFinding::Differs => said!("note-data-differs", file = file),
                DataFinding::Deleted => said!("note-data-deleted", file = file),
                DataFinding::Unreadable { why } => {
                    said!("note-data-unreadable", file = file, why = why)
                }
                DataFinding::RecordedChecksumDiffers => {
                    said!("note-data-recorded-checksum", file = file)
                }
                DataFinding::CatalogueCopyChanged => {
                    said!("note-data-catalogue-changed", file = file)
                }
            },
        }
    }

    /// The note as a sentence, in English (the JSON report's `message`).
    pub fn message(&self) -> String {
        self.said().english()
    }

    /// The same note with every text that may come from the candidate (file names, reasons)
    /// cleaned of control characters.
    pub(crate) fn cleaned(self) -> Self {
        use crate::clean_text;
        match self {
            Self::ManualNotScored {
                unscored,
                total,
                workspace,
            } => Self::ManualNotScored {
                unscored,
                total,
                workspace: clean_text(&workspace),
            },
            Self::DataFile { file, finding } => Self::DataFile {
                file: clean_text(&file),
                finding: match finding {
                    DataFinding::Unreadable { why } => DataFinding::Unreadable {
                        why: clean_text(&why),
                    },
                    other => other,
                },
            },
            other => other,
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// A note as the JSON report gives it: its kind and fields, and the sentence.
#[derive(Serialize)]
pub(crate) struct NoteOut<'a> {
    #[serde(flatten)]
    note: &'a Note,
    message: String,
}

/// Serializes notes with their sentence beside their fields.
pub(crate) fn serialize_notes<S: serde::Serializer>(
    notes: &[Note],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = serializer.serialize_seq(Some(notes.len()))?;
    for note in notes {
        seq.serialize_element(&NoteOut {
            note,
            message: note.message(),
        })?;
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program reads the kind and the fields; a person reads the sentence beside them.
    #[test]
    fn the_json_gives_the_kind_the_fields_and_the_sentence() {
        #[derive(Serialize)]
        struct Notes {
            #[serde(serialize_with = "serialize_notes")]
            notes: Vec<Note>,
        }
        let notes = Notes {
            notes: vec![
                Note::SubmittedLate {
                    at: "2026-11-29 14:03:00".into(),
                    deadline: "2026-11-29 14:00:00".into(),
                },
                Note::DataFile {
                    file: "ventes.csv".into(),
                    finding: DataFinding::Deleted,
                },
            ],
        };
        let json = serde_json::to_value(&notes).expect("notes serialize");
        let late = &json["notes"][0];
        assert_eq!(late["kind"], "submitted_late");
        assert_eq!(late["deadline"], "2026-11-29 14:00:00");
        assert_eq!(
            late["message"],
            "submitted late, at 2026-11-29 14:03:00 UTC (deadline 2026-11-29 14:00:00 UTC)"
        );
        let data = &json["notes"][1];
        assert_eq!(
            (&data["kind"], &data["file"], &data["finding"]),
            (
                &serde_json::json!("data_file"),
                &serde_json::json!("ventes.csv"),
                &serde_json::json!("deleted")
            )
        );
        // The kind and fields read back into the note.
        for (json, note) in json["notes"].as_array().unwrap().iter().zip(&notes.notes) {
            let back: Note = serde_json::from_value(json.clone()).expect("a note reads back");
            assert_eq!(&back, note);
        }
    }

    /// A control character in a file name the candidate chose reaches no terminal.
    #[test]
    fn names_from_the_workspace_are_cleaned() {
        let note = Note::DataFile {
            file: "ventes\u{1b}[2J.csv".into(),
            finding: DataFinding::Deleted,
        }
        .cleaned();
        assert!(!note.message().contains('\u{1b}'), "{note}");
        assert!(
            note.message()
                .starts_with("data/ventes\\u{1b}[2J.csv was deleted")
        );
    }
}
