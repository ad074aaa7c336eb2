//! A class's results: each candidate's report (or why there is none), and what a training
//! centre reads of the whole class: the score spread, the share of candidates who acquired
//! each criterion, the checks that fail most.

use serde::{Deserialize, Serialize};

use crate::{ReasonFields, Report, Spoken, Status, Verdict, round2};

/// A candidate of the class, as the roster gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Candidate identifier (also the workspace's folder name).
    pub id: String,
    /// Name, as the roster writes it.
    pub name: String,
    /// Email address, when the roster gives one (LMS imports match on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Extra time, in minutes (0 when none).
    #[serde(default)]
    pub extra_minutes: u32,
}

/// What grading made of one candidate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Graded: the report `grade` gives.
    Graded {
        /// The report.
        report: Box<Report>,
    },
    /// Not gradable at all (no workspace, a broken record…); the others were graded.
    NotGradable {
        /// Why, in a sentence (in the JSON: `reason` in English, `said` the catalogue's
        /// message; a result written before sentences had ids keeps its English).
        #[serde(flatten)]
        reason: Spoken<ReasonFields>,
    },
}

/// One candidate's line of the class report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CandidateOutcome {
    /// Who.
    pub member: Member,
    /// What grading made of their work.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The seal of the submission `class collect` took from their machine, as it recorded it
    /// (for the proctor to compare with the one `submit` showed the candidate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_seal: Option<String>,
}

impl CandidateOutcome {
    /// The report, when the candidate was graded.
    pub fn report(&self) -> Option<&Report> {
        match &self.outcome {
            Outcome::Graded { report } => Some(report),
            Outcome::NotGradable { .. } => None,
        }
    }

    /// The report, when it grades the candidate whole: a database that did not answer some
    /// checks leaves a partial score, which no class figure or gradebook takes.
    pub fn grade(&self) -> Option<&Report> {
        self.report().filter(|r| r.gradable)
    }
}

/// Candidates whose score falls in `[from, to)` (the last bin includes the maximum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// Lowest score of the bin.
    pub from: f64,
    /// Highest score of the bin (excluded but for the last).
    pub to: f64,
    /// Candidates in it.
    pub count: usize,
}

/// How the class did on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionRate {
    /// Criterion code.
    pub code: String,
    /// Candidates whose verdict is "acquis".
    pub acquired: usize,
    /// Candidates graded on it (those "non évaluable" or "en attente" aside).
    pub judged: usize,
    /// `acquired / judged`; 0 when nobody was judged.
    pub share: f64,
    /// The same, line by line of the jury's grid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorRate>,
}

/// How the class did on one indicator of the referential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRate {
    /// The referential's id (`C1.9/observations`).
    pub id: String,
    /// The referential's words, in French.
    pub text: String,
    /// The English gloss.
    pub gloss: String,
    /// Candidates for whom it is acquired.
    pub acquired: usize,
    /// Candidates judged on it (those waiting for the assessor or not gradable aside).
    pub judged: usize,
    /// `acquired / judged`; 0 when nobody was judged.
    pub share: f64,
}

/// How the class did on one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRate {
    /// Check identifier.
    pub id: String,
    /// What it checks.
    pub title: String,
    /// Candidates who lost points on it.
    pub failed: usize,
    /// Candidates graded on it.
    pub graded: usize,
    /// `failed / graded`.
    pub failure_rate: f64,
}

/// The class report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClassReport {
    /// Exam identifier.
    pub exam: String,
    /// Points at stake for a candidate graded whole.
    pub max_score: f64,
    /// Candidates graded whole (every check answered).
    pub graded: usize,
    /// Candidates in the class.
    pub candidates: usize,
    /// Mean score of the graded candidates.
    pub mean: f64,
    /// Median score of the graded candidates.
    pub median: f64,
    /// Score spread: ten bins from 0 to the maximum.
    pub histogram: Vec<Bin>,
    /// Per criterion, the share of candidates who acquired it, in the exam's order.
    pub criteria: Vec<CriterionRate>,
    /// Per check, its failure rate, the checks that fail most first.
    pub checks: Vec<CheckRate>,
    /// Every candidate, in the roster's order.
    pub results: Vec<CandidateOutcome>,
    /// Saved queries that look alike between two candidates, most similar first: a lead for
    /// the assessor, never a verdict.
    #[serde(default)]
    pub similar_queries: Vec<SimilarQueries>,
    /// What the comparison of saved queries left out to stay bounded (queries beyond a count
    /// per candidate, the end of a very long one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub similar_queries_left_out: Vec<crate::Said>,
    /// Tables that hold rows of another candidate's data, or of the catalogue's preview: every
    /// candidate's values come from their own seed, so these rows prove copying.
    #[serde(default)]
    pub copied_rows: Vec<CopiedRows>,
}

/// Whose data a copied row is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataOwner {
    /// Another candidate of the class.
    Candidate {
        /// Their identifier.
        id: String,
    },
    /// The catalogue's preview of the exam's files.
    Preview,
}

impl DataOwner {
    /// Whose data, in `lang`: the candidate's identifier, or the catalogue's preview.
    pub fn shown(&self, lang: epreuve_i18n::Lang) -> String {
        match self {
            Self::Candidate { id } => id.clone(),
            Self::Preview => epreuve_i18n::tr!(lang, "owner-preview"),
        }
    }
}

/// A candidate's table that holds rows of someone else's data: the evidence of copying.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopiedRows {
    /// The candidate whose table holds the rows.
    pub candidate: String,
    /// Whose data the rows are.
    pub from: DataOwner,
    /// The table.
    pub table: String,
    /// Rows of the table that are rows of `from`'s data.
    pub rows: usize,
    /// True when the table held more rows than epreuve keeps to compare: `rows` is then a
    /// lower bound.
    #[serde(default)]
    pub at_least: bool,
    /// Rows of the table.
    pub table_rows: usize,
    /// The source file of `from` the rows come from (`ventes.csv`).
    pub source: String,
    /// The first of those rows as `from`'s file writes them, with their line number.
    pub evidence: Vec<String>,
}

/// Two candidates' saved queries of the same name that look alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarQueries {
    /// The file, in `answers/`.
    pub file: String,
    /// One candidate.
    pub a: String,
    /// The other.
    pub b: String,
    /// Jaccard index of their normalised queries' runs of three tokens (1: the same text
    /// once layout, case and comments are set aside).
    pub similarity: f64,
}

impl ClassReport {
    /// The report of `results`, every figure computed from the candidates' reports.
    pub fn new(exam: &str, results: Vec<CandidateOutcome>) -> Self {
        let reports: Vec<&Report> = results.iter().filter_map(|r| r.grade()).collect();
        let max_score = reports.iter().map(|r| r.max_score).fold(0.0, f64::max);
        let mut scores: Vec<f64> = reports.iter().map(|r| r.score).collect();
        scores.sort_by(f64::total_cmp);
        let mean = if scores.is_empty() {
            0.0
        } else {
            round2(scores.iter().sum::<f64>() / scores.len() as f64)
        };
        let median = match scores.len() {
            0 => 0.0,
            n if n % 2 == 1 => scores[n / 2],
            n => round2((scores[n / 2 - 1] + scores[n / 2]) / 2.0),
        };
        let histogram = histogram(&scores, max_score);
        let criteria = criterion_rates(&reports);
        let mut checks = check_rates(&reports);
        // The checks that fail most first; among equals, the exam's order.
        checks.sort_by(|a, b| b.failure_rate.total_cmp(&a.failure_rate));
        Self {
            exam: exam.to_owned(),
            max_score,
            graded: reports.len(),
            candidates: results.len(),
            mean,
            median,
            histogram,
            criteria,
            checks,
            results,
            similar_queries: Vec::new(),
            similar_queries_left_out: Vec::new(),
            copied_rows: Vec::new(),
        }
    }
}

/// How many candidates acquired each criterion and each line of its grid, of those judged.
fn criterion_rates(reports: &[&Report]) -> Vec<CriterionRate> {
    let mut criteria: Vec<CriterionRate> = Vec::new();
    for report in reports {
        for c in &report.criteria {
            let at = match criteria.iter().position(|r| r.code == c.code) {
                Some(at) => at,
                None => {
                    criteria.push(CriterionRate {
                        code: c.code.clone(),
                        acquired: 0,
                        judged: 0,
                        share: 0.0,
                        indicators: Vec::new(),
                    });
                    criteria.len() - 1
                }
            };
            let (acquired, judged) = tally(c.verdict);
            criteria[at].acquired += acquired;
            criteria[at].judged += judged;
            for line in &c.indicators {
                let rates = &mut criteria[at].indicators;
                let i = match rates.iter().position(|r| r.id == line.id) {
                    Some(i) => i,
                    None => {
                        rates.push(IndicatorRate {
                            id: line.id.clone(),
                            text: line.text.clone(),
                            gloss: line.gloss.clone(),
                            acquired: 0,
                            judged: 0,
                            share: 0.0,
                        });
                        rates.len() - 1
                    }
                };
                let (acquired, judged) = tally(line.verdict);
                rates[i].acquired += acquired;
                rates[i].judged += judged;
            }
        }
    }
    for c in &mut criteria {
        c.share = share(c.acquired, c.judged);
        for line in &mut c.indicators {
            line.share = share(line.acquired, line.judged);
        }
    }
    criteria
}

/// How often each graded check failed.
fn check_rates(reports: &[&Report]) -> Vec<CheckRate> {
    let mut checks: Vec<CheckRate> = Vec::new();
    for report in reports {
        for check in &report.checks {
            if !matches!(check.status, Status::Passed | Status::Failed) {
                continue;
            }
            let at = match checks.iter().position(|r| r.id == check.id) {
                Some(at) => at,
                None => {
                    checks.push(CheckRate {
                        id: check.id.clone(),
                        title: check.title.clone(),
                        failed: 0,
                        graded: 0,
                        failure_rate: 0.0,
                    });
                    checks.len() - 1
                }
            };
            checks[at].graded += 1;
            if check.score < check.max_score {
                checks[at].failed += 1;
            }
        }
    }
    for c in &mut checks {
        c.failure_rate = share(c.failed, c.graded);
    }
    checks
}

/// What a verdict adds to a rate: (acquired, judged).
fn tally(verdict: Verdict) -> (usize, usize) {
    match verdict {
        Verdict::Acquired => (1, 1),
        Verdict::NotAcquired => (0, 1),
        Verdict::Pending | Verdict::NotGradable => (0, 0),
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Ten bins of equal width from 0 to `max`; a score of `max` goes in the last.
fn histogram(scores: &[f64], max: f64) -> Vec<Bin> {
    const BINS: usize = 10;
    let width = if max > 0.0 { max / BINS as f64 } else { 1.0 };
    let mut bins: Vec<Bin> = (0..BINS)
        .map(|i| Bin {
            from: round2(i as f64 * width),
            to: round2((i + 1) as f64 * width),
            count: 0,
        })
        .collect();
    for &score in scores {
        let i = ((score / width).floor() as usize).min(BINS - 1);
        bins[i].count += 1;
    }
    bins
}

/// A candidate whose score a regrade moved, and the checks that moved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// Candidate identifier.
    pub id: String,
    /// Score before (`None`: not gradable before).
    pub before: Option<f64>,
    /// Score after (`None`: not gradable now).
    pub after: Option<f64>,
    /// The checks whose points changed: id, points before, points after.
    pub checks: Vec<(String, f64, f64)>,
}

impl Movement {
    /// What changed between two outcomes of one candidate; `None` when the score and every
    /// check's points are the same.
    pub fn between(id: &str, before: &Outcome, after: &Outcome) -> Option<Self> {
        let score = |o: &Outcome| match o {
            Outcome::Graded { report } => Some(report.score),
            Outcome::NotGradable { .. } => None,
        };
        let points = |o: &Outcome| -> Vec<(String, f64)> {
            match o {
                Outcome::Graded { report } => report
                    .checks
                    .iter()
                    .map(|c| (c.id.clone(), c.score))
                    .collect(),
                Outcome::NotGradable { .. } => Vec::new(),
            }
        };
        let (old, new) = (points(before), points(after));
        let mut checks = Vec::new();
        for (id, now) in &new {
            let was = old.iter().find(|(i, _)| i == id).map_or(0.0, |(_, p)| *p);
            if (was - now).abs() > 1e-9 {
                checks.push((id.clone(), was, *now));
            }
        }
        for (id, was) in &old {
            if !new.iter().any(|(i, _)| i == id) && *was != 0.0 {
                checks.push((id.clone(), *was, 0.0));
            }
        }
        let (before, after) = (score(before), score(after));
        let moved = match (before, after) {
            (Some(a), Some(b)) => (a - b).abs() > 1e-9,
            (None, None) => false,
            _ => true,
        };
        (moved || !checks.is_empty()).then(|| Self {
            id: id.to_owned(),
            before,
            after,
            checks,
        })
    }
}
