//! The results model every renderer reads: a report, its checks and its criteria with the
//! jury's verdict. Serde and the message catalogues only, so that a renderer (terminal, JSON, a
//! class report, the candidate's live view) compiles no engine.

pub use epreuve_i18n::{Said, SaidArg, said};
use serde::{Deserialize, Serialize};

mod class;
mod engine;
mod grid;
mod note;
mod spoken;

pub use class::{
    Bin, CandidateOutcome, CheckRate, ClassReport, CopiedRows, CriterionRate, DataOwner,
    IndicatorRate, Member, Movement, Outcome, SimilarQueries,
};
pub use engine::Engine;
pub use grid::{GridCheck, IndicatorCheck, IndicatorResult, IndicatorRule, Part};
pub use note::{DataFinding, Note};
pub use spoken::{
    EvidenceFields, Fields, IntegrityFields, MessageFields, ReasonFields, Spoken, SpokenList,
    ToleranceFields,
};

/// When a criterion is acquired: the thresholds a grader writes for it.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionRule {
    /// Share of the criterion's points needed (0.75: three quarters).
    pub acquired_share: f64,
    /// The criterion is not acquired when a check of it measured a larger share of the
    /// source's filled cells lost, whatever the points.
    pub max_lost_share: Option<f64>,
    /// The jury's grid for this criterion: when it has lines, the criterion is acquired when
    /// every one of them is, and the two thresholds above are not read.
    pub indicators: Vec<IndicatorRule>,
}

impl CriterionRule {
    /// Share of the points that acquires a criterion without a rule of its own.
    pub const DEFAULT_SHARE: f64 = 0.75;
}

impl Default for CriterionRule {
    fn default() -> Self {
        Self {
            acquired_share: Self::DEFAULT_SHARE,
            max_lost_share: None,
            indicators: Vec::new(),
        }
    }
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Everything expected was found.
    Passed,
    /// Something expected was not found (partial credit may still be given).
    Failed,
    /// The engine cannot express what the check looks at; it counts for nothing either way.
    NotApplicable,
    /// The database could not answer; the check is neither passed nor failed.
    NotGradable,
    /// A manual item the assessor has not scored yet.
    Pending,
}

impl Status {
    /// The status in English words, for exports read by programs (Gradescope's output).
    pub fn label(self) -> String {
        epreuve_i18n::tr!(
            epreuve_i18n::Lang::En,
            match self {
                Self::Passed => "status-passed",
                Self::Failed => "status-failed",
                Self::NotApplicable => "status-not-applicable",
                Self::NotGradable => "status-not-gradable",
                Self::Pending => "status-waiting",
            }
        )
    }
}

/// One check, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable identifier, `<table>.<kind>`.
    pub id: String,
    /// Certification criterion evidenced.
    pub criterion: String,
    /// What is checked, in a few words.
    pub title: String,
    /// Outcome.
    pub status: Status,
    /// Whether `epreuve check` shows it to the candidate.
    pub public: bool,
    /// Points earned.
    pub score: f64,
    /// Points at stake (0 when not applicable or not gradable).
    pub max_score: f64,
    /// What was expected and what was found (in the JSON: `message` in English, `said` the
    /// catalogue's message).
    #[serde(flatten)]
    pub message: Spoken<MessageFields>,
    /// Share of the source's filled cells lost, for the checks that measure it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_share: Option<f64>,
    /// The parts of a check that judges several things at once, each with its share right
    /// (the jury's grid may read one part alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

impl CheckResult {
    /// The message in `lang`.
    pub fn message_in(&self, lang: epreuve_i18n::Lang) -> String {
        self.message.render(lang)
    }
}

/// The jury's verdict on a criterion of the referential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The thresholds the grader writes for this criterion are met.
    #[serde(rename = "acquis")]
    Acquired,
    /// They are not.
    #[serde(rename = "non acquis")]
    NotAcquired,
    /// A manual item of this criterion waits for the assessor.
    #[serde(rename = "en attente")]
    Pending,
    /// A check of this criterion could not be graded.
    #[serde(rename = "non évaluable")]
    NotGradable,
}

impl Verdict {
    /// The words the jury uses.
    pub fn label(self) -> &'static str {
        match self {
            Self::Acquired => "acquis",
            Self::NotAcquired => "non acquis",
            Self::Pending => "en attente",
            Self::NotGradable => "non évaluable",
        }
    }
}

/// Points per certification criterion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriterionScore {
    /// Criterion code, such as `C1.9`.
    pub code: String,
    /// Points earned.
    pub score: f64,
    /// Points at stake.
    pub max_score: f64,
    /// Acquired or not, from the thresholds of the grader.
    pub verdict: Verdict,
    /// Why ("92 % of the points, 75 % needed"; in the JSON: `reason` in English, `said` the
    /// catalogue's message).
    #[serde(flatten)]
    pub reason: Spoken<ReasonFields>,
    /// The jury's grid: one line per indicator of the referential the grader evidences
    /// (empty for a criterion judged by its share of points, and in older reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorResult>,
}

impl CriterionScore {
    /// The reason in `lang`.
    pub fn reason_in(&self, lang: epreuve_i18n::Lang) -> String {
        self.reason.render(lang)
    }
}

/// The grading report of one candidate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Exam identifier.
    pub exam: String,
    /// Candidate identifier.
    pub candidate: String,
    /// Database engine graded.
    pub engine: Engine,
    /// Points earned.
    pub score: f64,
    /// Points at stake on the gradable checks.
    pub max_score: f64,
    /// False when at least one check could not be graded: the score is then incomplete.
    pub gradable: bool,
    /// Manual items the assessor has not scored yet, by id: the score is then provisional.
    pub pending: Vec<String>,
    /// Points per criterion, in the order the exam lists them.
    pub criteria: Vec<CriterionScore>,
    /// Every check, in order.
    pub checks: Vec<CheckResult>,
    /// Facts the assessor should know (late submission, restored data file…), each with its
    /// kind, its fields and its sentence in the JSON.
    #[serde(serialize_with = "note::serialize_notes")]
    pub notes: Vec<Note>,
    /// What changed since submission or differs from the centre's record, a sentence each:
    /// the evidence can no longer be trusted whole (in the JSON: `integrity` in English,
    /// `integrity_said` the catalogue's messages).
    #[serde(flatten)]
    pub integrity: SpokenList<IntegrityFields>,
    /// True when the score may still change: manual items wait for the assessor, or the
    /// evidence was changed after submission.
    pub provisional: bool,
}

impl Report {
    /// Builds a report from its checks, totalling the scores. Every text that may come from
    /// the candidate (ids, messages quoting their queries, values and names) is cleaned of
    /// control characters here, once, for every renderer.
    pub fn new(
        exam: &str,
        candidate: &str,
        engine: Engine,
        criteria_order: &[(String, CriterionRule)],
        mut checks: Vec<CheckResult>,
        notes: Vec<Note>,
        integrity: Vec<Said>,
    ) -> Self {
        for check in &mut checks {
            check.id = clean_text(&check.id);
            check.title = clean_text(&check.title);
            check.message = check.message.clone().map_text(&quoted);
        }
        let notes: Vec<Note> = notes.into_iter().map(Note::cleaned).collect();
        let integrity =
            SpokenList::new(integrity.into_iter().map(|s| s.map_text(&quoted)).collect());
        // A criterion's points start at nought; its verdict and reason are set below, once
        // every check is counted.
        let fresh = |code: &str| CriterionScore {
            code: code.to_owned(),
            score: 0.0,
            max_score: 0.0,
            verdict: Verdict::Acquired,
            reason: Spoken::new(Said::verbatim("")),
            indicators: Vec::new(),
        };
        let mut criteria: Vec<CriterionScore> =
            criteria_order.iter().map(|(code, _)| fresh(code)).collect();
        for check in &checks {
            let index = match criteria.iter().position(|c| c.code == check.criterion) {
                Some(i) => i,
                None => {
                    criteria.push(fresh(&check.criterion));
                    criteria.len() - 1
                }
            };
            criteria[index].score += check.score;
            criteria[index].max_score += check.max_score;
        }
        for c in &mut criteria {
            c.score = round2(c.score);
            c.max_score = round2(c.max_score);
            let rule = criteria_order
                .iter()
                .find(|(code, _)| *code == c.code)
                .map(|(_, rule)| rule.clone())
                .unwrap_or_default();
            c.indicators = rule
                .indicators
                .iter()
                .filter_map(|line| grid::judge(line, &checks))
                .collect();
            let (verdict, said) = if c.indicators.is_empty() {
                verdict(c, &rule, &checks)
            } else {
                grid::criterion_verdict(&c.indicators)
            };
            c.verdict = verdict;
            c.reason = Spoken::new(said);
        }
        let pending: Vec<String> = checks
            .iter()
            .filter(|c| c.status == Status::Pending)
            .map(|c| c.id.clone())
            .collect();
        Self {
            exam: clean_text(exam),
            candidate: clean_text(candidate),
            engine,
            score: round2(checks.iter().map(|c| c.score).sum()),
            max_score: round2(checks.iter().map(|c| c.max_score).sum()),
            gradable: checks.iter().all(|c| c.status != Status::NotGradable),
            provisional: !pending.is_empty() || !integrity.is_empty(),
            pending,
            criteria,
            checks,
            notes,
            integrity,
        }
    }

    /// What changed since submission, in `lang`.
    pub fn integrity_in(&self, lang: epreuve_i18n::Lang) -> Vec<String> {
        self.integrity.render(lang)
    }

    /// True when every gradable check passed (manual items still waiting for the assessor
    /// are listed in `pending`, not counted as failures).
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| {
            matches!(
                c.status,
                Status::Passed | Status::NotApplicable | Status::Pending
            )
        })
    }
}

/// The verdict on `criterion`, from its checks and the grader's thresholds: a check that could
/// not be graded or a manual item still waiting leaves it open; a check that measured more of
/// the source lost than the rule allows, or too small a share of the points, makes it "non
/// acquis".
fn verdict(
    criterion: &CriterionScore,
    rule: &CriterionRule,
    checks: &[CheckResult],
) -> (Verdict, Said) {
    let own: Vec<&CheckResult> = checks
        .iter()
        .filter(|c| c.criterion == criterion.code)
        .collect();
    if let Some(check) = own.iter().find(|c| c.status == Status::NotGradable) {
        return (
            Verdict::NotGradable,
            said!("criterion-not-gradable", check = &check.id),
        );
    }
    if let Some(check) = own.iter().find(|c| c.status == Status::Pending) {
        return (
            Verdict::Pending,
            said!("criterion-pending", check = &check.id),
        );
    }
    if let Some(limit) = rule.max_lost_share {
        let worst = own
            .iter()
            .filter_map(|c| c.lost_share.map(|s| (s, *c)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((share, check)) = worst
            && share > limit
        {
            return (
                Verdict::NotAcquired,
                said!(
                    "criterion-lost",
                    lost = SaidArg::percent(share),
                    check = &check.id,
                    allowed = SaidArg::percent(limit)
                ),
            );
        }
    }
    if criterion.max_score <= 0.0 {
        return (Verdict::NotGradable, said!("criterion-nothing-counts"));
    }
    let share = criterion.score / criterion.max_score;
    let tally = said!(
        "criterion-share",
        share = SaidArg::percent((share * 100.0).floor() / 100.0),
        needed = SaidArg::percent(rule.acquired_share)
    );
    if share + 1e-9 >= rule.acquired_share {
        (Verdict::Acquired, tally)
    } else {
        (Verdict::NotAcquired, tally)
    }
}

/// Format characters (Unicode's general category Cf, Unicode 15.1), by range: invisible marks
/// that reverse or reorder text (U+202E, U+2066…, U+061C ARABIC LETTER MARK), join or hide it.
const FORMAT_CHARACTERS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether a terminal, a spreadsheet or a browser may act on `c` rather than show it: a
/// control character (category Cc: escape sequences, carriage returns, bells, the C1 set), a
/// format character (Cf: direction marks and overrides, invisible joiners), or a line or
/// paragraph separator (Zl, Zp). Line breaks and tabs are not: they lay text out.
pub fn acts_on_display(c: char) -> bool {
    if c == '\n' || c == '\t' {
        return false;
    }
    let code = u32::from(c);
    c.is_control()
        || code == 0x2028
        || code == 0x2029
        || FORMAT_CHARACTERS
            .iter()
            .any(|&(from, to)| (from..=to).contains(&code))
}

/// `text` without anything a terminal would act on (see [`acts_on_display`]): each such
/// character is shown as `\u{…}`; line breaks and tabs stay.
pub fn clean_text(text: &str) -> String {
    if !text.chars().any(acts_on_display) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if acts_on_display(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The most characters of one quoted text (a candidate's value, name or query) a report keeps:
/// a comment of 15 MB is evidence of a few lines, not 15 MB in every output.
pub const MAX_QUOTED_CHARS: usize = 1_000;

/// A text a report quotes, as every output shows it: cleaned by [`clean_text`], and cut after
/// [`MAX_QUOTED_CHARS`] characters with `…[+N]`, N the characters left out.
pub fn quoted(text: &str) -> String {
    let cleaned = clean_text(text);
    let total = cleaned.chars().count();
    if total <= MAX_QUOTED_CHARS {
        return cleaned;
    }
    let kept: String = cleaned.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{kept}…[+{}]", total - MAX_QUOTED_CHARS)
}

/// A JSON text with every character a terminal would act on written as a JSON escape
/// (`\u202e`, a pair of them above U+FFFF): the same JSON for a program, nothing a terminal
/// obeys when it is shown. Such characters can only stand inside the text's strings, so the
/// result is valid JSON whenever `json` is.
pub fn json_text(json: &str) -> String {
    if !json.chars().any(|c| c != '\n' && acts_on_display(c)) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c != '\n' && acts_on_display(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Serialises `value` as pretty JSON through serde, made safe to show by [`json_text`].
pub fn to_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => json_text(&text),
        Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
    }
}

/// Scores are shown with two decimals; rounding here keeps sums exact in JSON.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    fn acts_on_display_but_newline(c: char) -> bool {
        c != '\n' && super::acts_on_display(c)
    }

    #[test]
    fn json_keeps_its_data_and_loses_what_a_terminal_obeys() {
        let hostile = "a\u{202e}b\u{61c}c\u{1b}[2J\u{9b}\u{e0041}\"{ $candidate }\u{2028}";
        let text = super::to_json(&serde_json::json!({ "name": hostile, "n": -3 }));
        assert!(text.is_ascii() || !text.chars().any(acts_on_display_but_newline));
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back["name"], hostile);
        assert_eq!(back["n"], -3);
        assert!(
            text.contains("\\u202e") && text.contains("\\udb40\\udc41"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(clean_text("ventes\n\tok"), "ventes\n\tok");
        assert_eq!(clean_text("a\u{61c}b"), "a\\u{61c}b");
        assert_eq!(clean_text("a\u{2067}b\u{feff}"), "a\\u{2067}b\\u{feff}");
        assert_eq!(clean_text("é ü 中 🙂"), "é ü 中 🙂");
        assert_eq!(clean_text("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean_text("x\ry\u{7}"), "x\\u{d}y\\u{7}");
        assert_eq!(clean_text("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(clean_text("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn a_quoted_text_is_cleaned_and_cut() {
        assert_eq!(super::quoted("a\u{1b}b"), "a\\u{1b}b");
        let long = "é".repeat(super::MAX_QUOTED_CHARS + 5);
        let shown = super::quoted(&long);
        assert_eq!(
            shown.chars().count(),
            super::MAX_QUOTED_CHARS + "…[+5]".chars().count()
        );
        assert!(shown.ends_with("é…[+5]"), "{shown}");
        let exact = "x".repeat(super::MAX_QUOTED_CHARS);
        assert_eq!(super::quoted(&exact), exact);
    }
}
