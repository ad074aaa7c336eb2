//! The jury's grid: one line per indicator of the referential, acquired or not from the checks
//! that evidence it, each held to the tolerance the grader writes. Points rank candidates; the
//! grid says whether each observable of the referential was shown.

use epreuve_i18n::{Said, SaidArg, said};
use serde::{Deserialize, Serialize};

use crate::{CheckResult, EvidenceFields, Spoken, Status, ToleranceFields, Verdict};

/// An indicator as a grader grids it: the referential's words and the checks that show it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRule {
    /// The referential's id (`C1.9/observations`).
    pub id: String,
    /// The referential's words, in French.
    pub text: String,
    /// The English gloss.
    pub gloss: String,
    /// Which checks evidence it, each with its tolerance.
    pub checks: Vec<GridCheck>,
}

/// A check a line of the grid reads, and how far it may fall short.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCheck {
    /// Which checks (`row_count` for every table, `ventes.row_count`, `imputation:poids_g`).
    pub selector: String,
    /// Share of its points, or of its part, each check must keep.
    pub min_share: f64,
    /// Share of the source's filled cells a check may lose, for those that measure it.
    pub max_lost_share: Option<f64>,
}

/// One part of a check that judges several things at once (a column of an imputation, the
/// rows and the columns of a selection), with the share of it that is right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The part's name (`poids_g`, `rows`).
    pub name: String,
    /// Share of it that is right, from 0 to 1.
    pub share: f64,
}

/// One check as an indicator reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorCheck {
    /// The check's id, with the part read (`imputation:poids_g`).
    pub check: String,
    /// Whether it holds within the tolerance.
    pub holds: bool,
}

/// One line of the jury's grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// The referential's id (`C1.9/observations`).
    pub id: String,
    /// The referential's words, in French: the jury's, in every language.
    pub text: String,
    /// An English gloss of them.
    pub gloss: String,
    /// Acquired, not acquired, waiting for the assessor, or not gradable.
    pub verdict: Verdict,
    /// The tolerance (in the JSON: `tolerance` in English, `tolerance_said` the catalogue's
    /// message).
    #[serde(flatten)]
    pub tolerance: Spoken<ToleranceFields>,
    /// What shows the verdict ("ventes: 48,000 rows for 24,000 observations"; in the JSON:
    /// `evidence` in English, `said` the catalogue's message).
    #[serde(flatten)]
    pub evidence: Spoken<EvidenceFields>,
    /// The checks read, each held or not.
    pub checks: Vec<IndicatorCheck>,
}

impl IndicatorResult {
    /// The evidence in `lang`.
    pub fn evidence_in(&self, lang: epreuve_i18n::Lang) -> String {
        self.evidence.render(lang)
    }

    /// The tolerance in `lang`.
    pub fn tolerance_in(&self, lang: epreuve_i18n::Lang) -> String {
        self.tolerance.render(lang)
    }
}

/// Whether the check `id` is one a selector names: the same id, or a per-table check of that
/// kind (`row_count` names `ventes.row_count`).
fn selects(selector: &str, id: &str) -> bool {
    id == selector
        || id
            .strip_suffix(selector)
            .is_some_and(|table| table.ends_with('.'))
}

/// The tolerance of `rule`, said: once when every check has the same, else check by check.
fn tolerance(rule: &IndicatorRule) -> Said {
    let first = &rule.checks[0];
    if rule
        .checks
        .iter()
        .all(|c| c.min_share == first.min_share && c.max_lost_share == first.max_lost_share)
    {
        return check_tolerance(first);
    }
    said!(
        "grid-evidence-short",
        short = rule
            .checks
            .iter()
            .map(|c| said!(
                "grid-tolerance-of",
                check = &c.selector,
                tolerance = check_tolerance(c)
            ))
            .collect::<Vec<_>>()
    )
}

fn check_tolerance(rule: &GridCheck) -> Said {
    let share = if rule.min_share >= 1.0 - 1e-9 {
        said!("grid-tolerance-whole")
    } else if rule.min_share <= 1e-9 {
        said!("grid-tolerance-answers")
    } else {
        said!(
            "grid-tolerance-share",
            share = SaidArg::percent(rule.min_share)
        )
    };
    match rule.max_lost_share {
        // The points are the score's business: only the loss is the line's.
        Some(lost) if rule.min_share <= 1e-9 => {
            said!("grid-tolerance-lost-only", lost = SaidArg::percent(lost))
        }
        Some(lost) => said!(
            "grid-tolerance-lost",
            share = share,
            lost = SaidArg::percent(lost)
        ),
        None => share,
    }
}

/// The share of `check` an indicator reads: its part's when it names one the check judged,
/// else its points'.
fn share_of(check: &CheckResult, part: Option<&str>) -> f64 {
    if let Some(found) = part.and_then(|p| check.parts.iter().find(|x| x.name == p)) {
        return found.share;
    }
    match check.status {
        Status::Passed => 1.0,
        _ if check.max_score > 0.0 => check.score / check.max_score,
        _ => 0.0,
    }
}

/// The line of the grid for `rule`, from `checks`; `None` when none of its checks ran here
/// (the candidate's self-check runs only the public ones, an engine may not apply them).
pub(crate) fn judge(rule: &IndicatorRule, checks: &[CheckResult]) -> Option<IndicatorResult> {
    let mut read: Vec<IndicatorCheck> = Vec::new();
    let mut short: Vec<Said> = Vec::new();
    let mut held: Vec<String> = Vec::new();
    let mut open: Option<(Verdict, Said)> = None;
    for grid_check in &rule.checks {
        let selector = &grid_check.selector;
        let (wanted, part) = match selector.split_once(':') {
            Some((c, p)) => (c, Some(p)),
            None => (selector.as_str(), None),
        };
        for check in checks.iter().filter(|c| selects(wanted, &c.id)) {
            let name = match part {
                Some(p) => format!("{}:{p}", check.id),
                None => check.id.clone(),
            };
            if not_read(check, &mut open) {
                continue;
            }
            let share = share_of(check, part);
            let enough = share + 1e-9 >= grid_check.min_share;
            let kept = match (grid_check.max_lost_share, check.lost_share) {
                (None, _) => true,
                (Some(max), Some(lost)) => lost <= max + 1e-12,
                // Nothing counted: a check that failed before it could compare a cell (no
                // table, no column) is no evidence that nothing was lost.
                (Some(_), None) => check.status == Status::Passed,
            };
            let holds = enough && kept;
            read.push(IndicatorCheck {
                check: name.clone(),
                holds,
            });
            if holds {
                held.push(name);
                continue;
            }
            short.push(why_short(check, &name, share, kept));
        }
    }
    if read.is_empty() && open.is_none() {
        return None;
    }
    let (verdict, evidence) = if !short.is_empty() {
        (
            Verdict::NotAcquired,
            said!("grid-evidence-short", short = short),
        )
    } else if let Some((verdict, why)) = open {
        (verdict, why)
    } else {
        (
            Verdict::Acquired,
            said!(
                "grid-evidence-held",
                n = held.len(),
                checks = held.join(", ")
            ),
        )
    };
    let tolerance = tolerance(rule);
    Some(IndicatorResult {
        id: rule.id.clone(),
        text: rule.text.clone(),
        gloss: rule.gloss.clone(),
        verdict,
        tolerance: Spoken::new(tolerance),
        evidence: Spoken::new(evidence),
        checks: read,
    })
}

/// Whether `check` is no evidence for the line: not applicable here, or one that leaves the
/// line open (not gradable, which wins, or waiting for the assessor).
fn not_read(check: &CheckResult, open: &mut Option<(Verdict, Said)>) -> bool {
    match check.status {
        Status::NotApplicable => true,
        Status::NotGradable => {
            open.get_or_insert((
                Verdict::NotGradable,
                said!("criterion-not-gradable", check = &check.id),
            ));
            true
        }
        Status::Pending => {
            if !matches!(open, Some((Verdict::NotGradable, _))) {
                *open = Some((
                    Verdict::Pending,
                    said!("criterion-pending", check = &check.id),
                ));
            }
            true
        }
        Status::Passed | Status::Failed => false,
    }
}

/// Why the check `name` falls short of its line: its share right, or the share it lost when
/// that is what the line does not keep.
fn why_short(check: &CheckResult, name: &str, share: f64, kept: bool) -> Said {
    let found = check.message.said().clone();
    if kept || check.lost_share.is_none() {
        said!(
            "grid-short-share",
            check = name,
            share = SaidArg::percent((share * 100.0).floor() / 100.0),
            found = found
        )
    } else {
        said!(
            "grid-short-lost",
            check = name,
            lost =
                SaidArg::percent((check.lost_share.unwrap_or(0.0) * 10_000.0).round() / 10_000.0),
            found = found
        )
    }
}

/// The criterion's verdict from its lines of the grid: not acquired as soon as one indicator
/// is (no manual score, no regraded check can give back what a failed indicator shows), then
/// not gradable, then waiting for the assessor, else acquired.
pub(crate) fn criterion_verdict(lines: &[IndicatorResult]) -> (Verdict, Said) {
    let not: Vec<&IndicatorResult> = lines
        .iter()
        .filter(|l| l.verdict == Verdict::NotAcquired)
        .collect();
    if let Some(first) = not.first() {
        return (
            Verdict::NotAcquired,
            said!(
                "criterion-indicators-not-acquired",
                n = not.len(),
                total = lines.len(),
                first = &first.id
            ),
        );
    }
    for verdict in [Verdict::NotGradable, Verdict::Pending] {
        if let Some(line) = lines.iter().find(|l| l.verdict == verdict) {
            return (verdict, line.evidence.said().clone());
        }
    }
    (
        Verdict::Acquired,
        said!("criterion-indicators-acquired", n = lines.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, status: Status, score: f64, max: f64) -> CheckResult {
        CheckResult {
            id: id.into(),
            criterion: "C1.9".into(),
            title: id.into(),
            status,
            public: false,
            score,
            max_score: max,
            message: crate::Spoken::new(said!("ev-nothing")),
            lost_share: None,
            parts: Vec::new(),
        }
    }

    fn rule(checks: &[&str], min_share: f64, lost: Option<f64>) -> IndicatorRule {
        IndicatorRule {
            id: "C1.9/observations".into(),
            text: "Le(s) nombre(s)".into(),
            gloss: "The number".into(),
            checks: checks
                .iter()
                .map(|c| GridCheck {
                    selector: (*c).to_owned(),
                    min_share,
                    max_lost_share: lost,
                })
                .collect(),
        }
    }

    #[test]
    fn one_table_short_fails_the_indicator_whatever_the_others() {
        let checks = vec![
            check("ventes.row_count", Status::Failed, 0.0, 2.0),
            check("magasins.row_count", Status::Passed, 2.0, 2.0),
            check("ventes.values", Status::Passed, 2.0, 2.0),
        ];
        let line = judge(&rule(&["row_count"], 1.0, None), &checks).unwrap();
        assert_eq!(line.verdict, Verdict::NotAcquired);
        assert_eq!(line.checks.len(), 2, "values is not a row count");
        assert!(
            line.evidence.english().contains("ventes.row_count"),
            "{}",
            line.evidence.english()
        );
        let held = judge(&rule(&["magasins.row_count"], 1.0, None), &checks).unwrap();
        assert_eq!(held.verdict, Verdict::Acquired);
    }

    #[test]
    fn a_loss_never_counted_is_no_evidence_that_nothing_was_lost() {
        // The table does not exist: the values check failed before it compared a cell.
        let values = check("ventes.values", Status::Failed, 0.0, 2.0);
        let lenient = rule(&["values"], 0.0, Some(0.01));
        let line = judge(&lenient, std::slice::from_ref(&values)).unwrap();
        assert_eq!(
            line.verdict,
            Verdict::NotAcquired,
            "{}",
            line.evidence.english()
        );
        // Every cell compared, none lost.
        let mut intact = check("ventes.values", Status::Passed, 2.0, 2.0);
        intact.lost_share = Some(0.0);
        assert_eq!(
            judge(&lenient, &[intact]).unwrap().verdict,
            Verdict::Acquired
        );
    }

    #[test]
    fn tolerances_are_read_per_check_and_per_part() {
        let mut values = check("ventes.values", Status::Failed, 1.9, 2.0);
        values.lost_share = Some(0.004);
        let checks = vec![values.clone()];
        let lenient = rule(&["values"], 0.0, Some(0.01));
        assert_eq!(judge(&lenient, &checks).unwrap().verdict, Verdict::Acquired);
        values.lost_share = Some(0.02);
        let line = judge(&lenient, &[values]).unwrap();
        assert_eq!(line.verdict, Verdict::NotAcquired);
        assert!(
            line.evidence.english().contains('2'),
            "{}",
            line.evidence.english()
        );

        let mut selection = check("selection", Status::Failed, 1.0, 3.0);
        selection.parts = vec![
            Part {
                name: "rows".into(),
                share: 0.33,
            },
            Part {
                name: "columns".into(),
                share: 1.0,
            },
        ];
        let checks = vec![selection];
        let rows = judge(&rule(&["selection:rows"], 0.95, None), &checks).unwrap();
        let columns = judge(&rule(&["selection:columns"], 0.95, None), &checks).unwrap();
        assert_eq!(rows.verdict, Verdict::NotAcquired);
        assert_eq!(columns.verdict, Verdict::Acquired);
    }

    #[test]
    fn a_failed_indicator_is_not_left_waiting_for_a_manual_item() {
        let checks = vec![
            check("selection", Status::Failed, 0.0, 3.0),
            check("rgpd", Status::Pending, 0.0, 0.0),
        ];
        let lines = vec![
            judge(&rule(&["selection"], 1.0, None), &checks).unwrap(),
            judge(&rule(&["rgpd"], 0.5, None), &checks).unwrap(),
        ];
        assert_eq!(lines[1].verdict, Verdict::Pending);
        assert_eq!(criterion_verdict(&lines).0, Verdict::NotAcquired);
        assert_eq!(criterion_verdict(&lines[1..]).0, Verdict::Pending);
        let absent = judge(&rule(&["nothing"], 1.0, None), &checks);
        assert!(absent.is_none());
        let applicable = vec![check("ventes.text_length", Status::NotApplicable, 0.0, 0.0)];
        assert!(judge(&rule(&["text_length"], 1.0, None), &applicable).is_none());
    }
}
