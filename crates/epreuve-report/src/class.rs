//! Renderers of a class report: a terminal summary, JSON, and CSV for a learning platform's
//! gradebook.

use comfy_table::Cell;
use epreuve_i18n::{Lang, tr};
use epreuve_results::{ClassReport, Movement, Outcome};

use crate::{TableStyle, new_table, number, number_in};

/// The class as a terminal summary: the spread, the criteria, the checks that fail most, the
/// candidates, in `lang`.
pub fn render_class_table(report: &ClassReport, style: TableStyle, lang: Lang) -> String {
    let mut out = format!(
        "{}\n\n{}\n",
        tr!(
            lang,
            "class-report-head",
            exam = report.exam.as_str(),
            graded = report.graded,
            candidates = report.candidates,
            mean = number_in(lang, report.mean),
            median = number_in(lang, report.median),
            max = number_in(lang, report.max_score)
        ),
        tr!(lang, "class-report-spread")
    );
    out.push_str(&spread_bars(report, lang));
    out.push('\n');
    out.push_str(&criteria_tables(report, style, lang));
    out.push_str(&format!("\n\n{}\n", tr!(lang, "class-report-failing")));
    out.push_str(&failing_table(report, style, lang));
    out.push_str("\n\n");
    out.push_str(&candidates_table(report, style, lang));
    out.push('\n');
    out.push_str(&leads_text(report, lang));
    out
}

/// The score spread as bars of text, one line per band.
fn spread_bars(report: &ClassReport, lang: Lang) -> String {
    let widest = report.histogram.iter().map(|b| b.count).max().unwrap_or(0);
    let mut out = String::new();
    for bin in &report.histogram {
        let bar = if widest == 0 {
            0
        } else {
            (bin.count * 30).div_ceil(widest)
        };
        out.push_str(&format!(
            "  {:>6} – {:<6} {:>3} {}\n",
            number_in(lang, bin.from),
            number_in(lang, bin.to),
            bin.count,
            "█".repeat(bar)
        ));
    }
    out
}

/// The criteria acquired, then the jury's grid when the exam has one.
fn criteria_tables(report: &ClassReport, style: TableStyle, lang: Lang) -> String {
    let mut criteria = new_table(style);
    criteria.set_header(vec![
        tr!(lang, "report-criterion"),
        tr!(lang, "class-report-acquired"),
        tr!(lang, "class-report-judged"),
        tr!(lang, "class-report-share"),
    ]);
    for c in &report.criteria {
        criteria.add_row(vec![
            Cell::new(&c.code),
            Cell::new(c.acquired),
            Cell::new(c.judged),
            Cell::new(percent(c.share)),
        ]);
    }
    let mut out = criteria.to_string();
    if report.criteria.iter().any(|c| !c.indicators.is_empty()) {
        let mut grid = new_table(style);
        grid.set_header(vec![
            tr!(lang, "report-criterion"),
            tr!(lang, "grid-indicator"),
            tr!(lang, "class-report-acquired"),
            tr!(lang, "class-report-judged"),
            tr!(lang, "class-report-share"),
        ]);
        for c in &report.criteria {
            for line in &c.indicators {
                grid.add_row(vec![
                    Cell::new(&c.code),
                    Cell::new(crate::indicator_words(lang, &line.text, &line.gloss)),
                    Cell::new(line.acquired),
                    Cell::new(line.judged),
                    Cell::new(percent(line.share)),
                ]);
            }
        }
        out.push_str(&format!("\n\n{}\n", tr!(lang, "grid-title")));
        out.push_str(&grid.to_string());
    }
    out
}

/// The checks some candidate failed, with their failure rates.
fn failing_table(report: &ClassReport, style: TableStyle, lang: Lang) -> String {
    let mut checks = new_table(style);
    checks.set_header(vec![
        tr!(lang, "report-check"),
        tr!(lang, "class-report-failed"),
        tr!(lang, "class-report-graded"),
        tr!(lang, "class-report-failure-rate"),
    ]);
    for c in report.checks.iter().filter(|c| c.failed > 0) {
        checks.add_row(vec![
            Cell::new(&c.id),
            Cell::new(c.failed),
            Cell::new(c.graded),
            Cell::new(percent(c.failure_rate)),
        ]);
    }
    checks.to_string()
}

/// Every candidate: score, criteria acquired, and the notes of their grading.
fn candidates_table(report: &ClassReport, style: TableStyle, lang: Lang) -> String {
    let mut candidates = new_table(style);
    candidates.set_header(vec![
        tr!(lang, "class-report-candidate"),
        tr!(lang, "class-report-name"),
        tr!(lang, "report-points"),
        tr!(lang, "class-report-criteria-acquired"),
        tr!(lang, "class-report-notes"),
    ]);
    for r in &report.results {
        let (score, acquired, notes) = candidate_cells(r, lang);
        candidates.add_row(vec![
            Cell::new(&r.member.id),
            Cell::new(&r.member.name),
            Cell::new(score),
            Cell::new(acquired),
            Cell::new(notes),
        ]);
    }
    candidates.to_string()
}

/// A candidate's score, criteria acquired and notes (the collected seal first), as the
/// candidates' table shows them.
fn candidate_cells(r: &epreuve_results::CandidateOutcome, lang: Lang) -> (String, String, String) {
    let (score, acquired, notes) = match &r.outcome {
        Outcome::Graded { report: one } => (
            format!(
                "{} / {}",
                number_in(lang, one.score),
                number_in(lang, one.max_score)
            ),
            one.criteria
                .iter()
                .filter(|c| c.verdict == epreuve_results::Verdict::Acquired)
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            one.notes
                .iter()
                .map(|n| crate::note_text(lang, n))
                .chain(one.integrity_in(lang))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Outcome::NotGradable { reason } => (
            crate::status_word(lang, epreuve_results::Status::NotGradable),
            String::new(),
            reason.render(lang),
        ),
    };
    let notes = match &r.collected_seal {
        Some(seal) => {
            let seal = tr!(
                lang,
                "class-report-seal",
                seal = seal.get(..16).unwrap_or(seal.as_str())
            );
            if notes.is_empty() {
                seal
            } else {
                format!("{seal}; {notes}")
            }
        }
        None => notes,
    };
    (score, acquired, notes)
}

/// The copies found and the saved queries alike: leads for the assessor.
fn leads_text(report: &ClassReport, lang: Lang) -> String {
    let mut out = String::new();
    if !report.copied_rows.is_empty() {
        out.push_str(&format!("\n{}\n", tr!(lang, "class-report-copies")));
        for copy in &report.copied_rows {
            out.push_str(&format!("  {}\n", copied_sentence(copy, lang)));
            for row in &copy.evidence {
                out.push_str(&format!("      {row}\n"));
            }
        }
    }
    if !report.similar_queries.is_empty() || !report.similar_queries_left_out.is_empty() {
        out.push_str(&format!("\n{}\n", tr!(lang, "class-report-similar")));
        for left in &report.similar_queries_left_out {
            out.push_str(&format!("  {}\n", left.render(lang)));
        }
        for pair in &report.similar_queries {
            out.push_str(&format!(
                "  {}\n",
                tr!(
                    lang,
                    "class-report-similar-pair",
                    file = pair.file.as_str(),
                    a = pair.a.as_str(),
                    b = pair.b.as_str(),
                    share = percent(pair.similarity)
                )
            ));
        }
    }
    out
}

/// What a copied table shows, in a sentence of `lang`: `c07's table ventes holds 24000 of its
/// 24000 rows from c01's ventes.csv`.
pub fn copied_sentence(copy: &epreuve_results::CopiedRows, lang: Lang) -> String {
    let id = match (&copy.from, copy.at_least) {
        (epreuve_results::DataOwner::Candidate { .. }, false) => "class-copied",
        (epreuve_results::DataOwner::Candidate { .. }, true) => "class-copied-at-least",
        (epreuve_results::DataOwner::Preview, false) => "class-copied-preview",
        (epreuve_results::DataOwner::Preview, true) => "class-copied-preview-at-least",
    };
    let owner = match &copy.from {
        epreuve_results::DataOwner::Candidate { id } => id.as_str(),
        epreuve_results::DataOwner::Preview => "",
    };
    tr!(
        lang,
        id,
        candidate = copy.candidate.as_str(),
        table = copy.table.as_str(),
        rows = copy.rows,
        table_rows = copy.table_rows,
        owner = owner,
        source = copy.source.as_str()
    )
}

/// The class report as pretty-printed JSON.
pub fn render_class_json(report: &ClassReport) -> String {
    epreuve_results::to_json(report)
}

/// One row per candidate for a gradebook import: `id`, `name`, `email`, `total` (points),
/// then one column of points per criterion, one column of the jury's verdict per criterion
/// (`C1.9 verdict`: `acquis`, `non acquis`, `en attente`, `non évaluable`), then `status`. Numbers use a dot; a candidate
/// who could not be graded has empty grade cells (a gradebook import leaves those grades
/// alone) and says why in `status`. Moodle reads it through Grades › Import › CSV file,
/// matching users on `email` (or `id` as their ID number) and mapping each column to a grade
/// item.
pub fn render_class_csv(report: &ClassReport) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "id".to_owned(),
        "name".into(),
        "email".into(),
        "total".into(),
    ];
    header.extend(report.criteria.iter().map(|c| c.code.clone()));
    header.extend(
        report
            .criteria
            .iter()
            .map(|c| format!("{} verdict", c.code)),
    );
    header.push("status".into());
    let _ = writer.write_record(header.iter().map(|c| spreadsheet_cell(c)));
    for r in &report.results {
        let mut row = vec![
            r.member.id.clone(),
            r.member.name.clone(),
            r.member.email.clone().unwrap_or_default(),
        ];
        match &r.outcome {
            Outcome::Graded { report: one } if !one.gradable => {
                row.push(String::new());
                row.extend(report.criteria.iter().map(|_| String::new()));
                row.extend(report.criteria.iter().map(|_| String::new()));
                // The gradebook's `status` is in English, whatever the reader's language.
                row.push(tr!(Lang::En, "gradebook-unanswered"));
            }
            Outcome::Graded { report: one } => {
                row.push(number(one.score));
                for c in &report.criteria {
                    row.push(
                        one.criteria
                            .iter()
                            .find(|x| x.code == c.code)
                            .map(|x| number(x.score))
                            .unwrap_or_default(),
                    );
                }
                for c in &report.criteria {
                    row.push(
                        one.criteria
                            .iter()
                            .find(|x| x.code == c.code)
                            .map(|x| x.verdict.label().to_owned())
                            .unwrap_or_default(),
                    );
                }
                row.push(if one.provisional {
                    "provisional".into()
                } else {
                    "graded".into()
                });
            }
            Outcome::NotGradable { reason } => {
                row.push(String::new());
                row.extend(report.criteria.iter().map(|_| String::new()));
                row.extend(report.criteria.iter().map(|_| String::new()));
                row.push(tr!(
                    Lang::En,
                    "gradebook-not-gradable",
                    why = reason.english()
                ));
            }
        }
        let _ = writer.write_record(row.iter().map(|c| spreadsheet_cell(c)));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A cell as a spreadsheet may read it without running it (OWASP's guidance on CSV
/// injection): a number stays a number; any other text that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (what Excel, LibreOffice and Google Sheets take for the start of a
/// formula) gets a `'` first, which the spreadsheet shows as text; characters a terminal or a
/// spreadsheet acts on are shown as `\u{…}` (see [`epreuve_results::clean_text`]).
pub fn spreadsheet_cell(cell: &str) -> String {
    let is_number = !cell.is_empty()
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '+'));
    if is_number {
        return cell.to_owned();
    }
    let risky = cell.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ]);
    let cleaned = epreuve_results::clean_text(cell);
    if risky {
        format!("'{cleaned}")
    } else {
        cleaned
    }
}

/// Who a regrade moved, by how much and through which checks, in `lang`.
pub fn render_movements(moved: &[Movement], lang: Lang) -> String {
    if moved.is_empty() {
        return format!("{}\n", tr!(lang, "class-nothing-moved"));
    }
    let shown = |s: Option<f64>| {
        s.map_or_else(
            || crate::status_word(lang, epreuve_results::Status::NotGradable),
            |x| number_in(lang, x),
        )
    };
    let mut out = String::new();
    for m in moved {
        out.push_str(&format!(
            "{}: {} → {}\n",
            m.id,
            shown(m.before),
            shown(m.after)
        ));
        for (check, before, after) in &m.checks {
            out.push_str(&format!(
                "    {check}: {} → {}\n",
                number_in(lang, *before),
                number_in(lang, *after)
            ));
        }
    }
    out
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// One candidate's report as Gradescope's autograder `results.json`: the score, and a test
/// per check (its points, what was expected and found). Nothing is shown to the student
/// before the grades are published.
pub fn render_gradescope(report: &epreuve_results::Report) -> String {
    let tests: Vec<serde_json::Value> = report
        .checks
        .iter()
        .enumerate()
        .map(|(i, check)| {
            serde_json::json!({
                "number": format!("{}", i + 1),
                "name": format!("{} ({})", check.title, check.criterion),
                "score": check.score,
                "max_score": check.max_score,
                "status": if matches!(check.status, epreuve_results::Status::Passed) { "passed" } else { "failed" },
                "output": format!("{}: {}", check.status.label(), check.message.english()),
                "visibility": "after_published",
            })
        })
        .collect();
    // The jury's grid, line by line, in the referential's words: Gradescope shows it above
    // the tests.
    let grid = report.criteria.iter().flat_map(|c| {
        c.indicators.iter().map(move |line| {
            format!(
                "{} {} [{}]: {} ({})",
                c.code,
                line.text,
                line.verdict.label(),
                line.evidence.english(),
                line.gloss
            )
        })
    });
    let notes: Vec<String> = report
        .notes
        .iter()
        .map(ToString::to_string)
        .chain(report.integrity.english())
        .chain(grid)
        .collect();
    epreuve_results::to_json(&serde_json::json!({
        "score": report.score,
        "output": notes.join("\n"),
        "visibility": "after_published",
        "tests": tests,
    }))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_cell;

    #[test]
    fn a_cell_that_would_run_is_shown_and_a_number_stays_a_number() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tTab",
            "\rReturn",
            "＝1+1",
        ] {
            let cell = spreadsheet_cell(formula);
            assert!(cell.starts_with('\''), "{formula:?} -> {cell:?}");
        }
        for number in ["41", "-3", "37.09", "0", "1e3"] {
            assert_eq!(spreadsheet_cell(number), number);
        }
        assert_eq!(spreadsheet_cell("Léa Martin"), "Léa Martin");
        assert_eq!(spreadsheet_cell(""), "");
        assert_eq!(spreadsheet_cell("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(spreadsheet_cell("acquis"), "acquis");
    }
}
