//! The class report as HTML pages: one for the class and one per candidate, each a single
//! file that needs nothing else. Charts are drawn inline in SVG; no script, no font, no image
//! is fetched (the pages forbid it themselves with a content security policy), so a page opens
//! the same on a machine without network. Every chart has a title and a description that
//! says its figures, and every figure is also in a table with headers, for a screen reader.
//!
//! Everything a candidate wrote (their name, a file name, a value of their table) is cleaned
//! of control characters and escaped before it reaches a page.

use epreuve_results::{CandidateOutcome, ClassReport, Outcome, Report, Status, clean_text};

use crate::number;

/// Text for a page: cleaned, then escaped for HTML (element content and quoted attributes).
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean_text(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1a1a1a;line-height:1.4;padding:0 1rem}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}\
table{border-collapse:collapse;margin:.5rem 0;min-width:50%}\
caption{text-align:left;font-weight:600;padding:.3rem 0}\
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.passed{color:#1d6b2f}.failed{color:#a3231a}.muted{color:#555}\
.warn{background:#fff4d6;border-left:4px solid #c98a00;padding:.4rem .8rem}\
svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}";

/// A whole page around `body`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    )
}

/// A table: a caption, column headers, rows of cells already made HTML (`(class, html)`).
fn table(caption: &str, headers: &[&str], rows: &[Vec<(&str, String)>]) -> String {
    let mut out = format!("<table>\n<caption>{}</caption>\n<thead><tr>", esc(caption));
    for h in headers {
        out.push_str(&format!("<th scope=\"col\">{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, (class, cell)) in row.iter().enumerate() {
            // The first cell names the row.
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            if class.is_empty() {
                out.push_str(&format!("<{tag}>{cell}</{close}>"));
            } else {
                out.push_str(&format!("<{tag} class=\"{class}\">{cell}</{close}>"));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A chart of horizontal bars, one per `(label, value, of, shown)`, drawn to `of`; `id`
/// names its title and description.
fn bars(id: &str, title: &str, items: &[(String, f64, f64, String)]) -> String {
    let row = 26.0;
    let (left, width) = (150.0, 420.0);
    let height = row * items.len() as f64 + 10.0;
    let desc: Vec<String> = items
        .iter()
        .map(|(label, _, _, shown)| format!("{label}: {shown}"))
        .collect();
    let mut out = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 680 {height}\" width=\"680\" height=\"{height}\">\n\
<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        esc(title),
        esc(&desc.join("; "))
    );
    for (i, (label, value, of, shown)) in items.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let share = if *of > 0.0 {
            (value / of).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
<rect x=\"{left}\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"#e4e7eb\"/>\
<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#2f6db5\"/>\
<text x=\"{}\" y=\"{}\">{}</text>\n",
            left - 8.0,
            y + 14.0,
            esc(label),
            width * share,
            left + width + 8.0,
            y + 14.0,
            esc(shown)
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// The score spread as a column chart: one column per bin, its count above it.
fn histogram(report: &ClassReport) -> String {
    let (left, bottom, plot_h, col) = (40.0, 200.0, 160.0, 58.0);
    let widest = report
        .histogram
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let desc: Vec<String> = report
        .histogram
        .iter()
        .map(|b| {
            format!(
                "{} to {}: {} candidate{}",
                number(b.from),
                number(b.to),
                b.count,
                if b.count == 1 { "" } else { "s" }
            )
        })
        .collect();
    let mut out = format!(
        "<svg role=\"img\" aria-labelledby=\"spread-title spread-desc\" viewBox=\"0 0 640 240\" width=\"640\" height=\"240\">\n\
<title id=\"spread-title\">Score spread, points out of {}</title>\n<desc id=\"spread-desc\">{}</desc>\n\
<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#555\"/>\n",
        number(report.max_score),
        esc(&desc.join("; ")),
        left + col * report.histogram.len() as f64
    );
    for (i, bin) in report.histogram.iter().enumerate() {
        let h = plot_h * bin.count as f64 / widest as f64;
        let x = left + col * i as f64 + 4.0;
        // Each column's count above it, the band's lower bound below its left edge.
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{:.1}\" width=\"{}\" height=\"{h:.1}\" fill=\"#2f6db5\"/>\
<text x=\"{}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            bottom - h,
            col - 8.0,
            x + (col - 8.0) / 2.0,
            bottom - h - 4.0,
            bin.count,
            x - 4.0,
            bottom + 16.0,
            number(bin.from)
        ));
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n\
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">points</text>\n</svg>\n",
        left + col * report.histogram.len() as f64,
        bottom + 16.0,
        number(report.max_score),
        left + col * report.histogram.len() as f64 / 2.0,
        bottom + 34.0
    ));
    out
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// The candidate's score as shown in the class list.
fn score_of(line: &CandidateOutcome) -> String {
    match &line.outcome {
        Outcome::Graded { report } if report.gradable => {
            format!("{} / {}", number(report.score), number(report.max_score))
        }
        Outcome::Graded { .. } => "not gradable (the database did not answer)".into(),
        Outcome::NotGradable { .. } => "not gradable".into(),
    }
}

/// The class page (`index.html`, the candidates' pages in `candidates/`): the figures, the charts, every candidate with a link to
/// their page, and the copies found.
pub fn render_class_html(report: &ClassReport) -> String {
    let mut body = format!(
        "<h1>Class report: {}</h1>\n<p>{} of {} candidates graded · mean {} · median {} · out of {} points</p>\n",
        esc(&report.exam),
        report.graded,
        report.candidates,
        number(report.mean),
        number(report.median),
        number(report.max_score)
    );
    body.push_str("<h2>Score spread</h2>\n");
    body.push_str(&histogram(report));
    let spread: Vec<Vec<(&str, String)>> = report
        .histogram
        .iter()
        .map(|b| {
            vec![
                ("", format!("{} to {}", number(b.from), number(b.to))),
                ("n", b.count.to_string()),
            ]
        })
        .collect();
    body.push_str(&table(
        "Candidates per score band",
        &["score band", "candidates"],
        &spread,
    ));
    body.push_str("<h2>Criteria acquired</h2>\n");
    let items: Vec<(String, f64, f64, String)> = report
        .criteria
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.share,
                1.0,
                format!("{} ({} of {})", percent(c.share), c.acquired, c.judged),
            )
        })
        .collect();
    body.push_str(&bars(
        "criteria",
        "Share of candidates who acquired each criterion",
        &items,
    ));
    let rows: Vec<Vec<(&str, String)>> = report
        .criteria
        .iter()
        .map(|c| {
            vec![
                ("", esc(&c.code)),
                ("n", c.acquired.to_string()),
                ("n", c.judged.to_string()),
                ("n", percent(c.share)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Share of candidates who acquired each criterion",
        &["criterion", "acquired", "judged", "share"],
        &rows,
    ));
    body.push_str("<h2>Checks that fail most</h2>\n");
    let rows: Vec<Vec<(&str, String)>> = report
        .checks
        .iter()
        .filter(|c| c.failed > 0)
        .map(|c| {
            vec![
                ("", esc(&c.id)),
                ("", esc(&c.title)),
                ("n", c.failed.to_string()),
                ("n", c.graded.to_string()),
                ("n", percent(c.failure_rate)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Checks failed, most failed first",
        &[
            "check",
            "what it checks",
            "failed",
            "graded",
            "failure rate",
        ],
        &rows,
    ));
    if !report.copied_rows.is_empty() {
        body.push_str(
            "<h2>Tables holding someone else's data</h2>\n<p class=\"warn\">Each candidate's data comes from their own seed: rows of another candidate's data, or of the catalogue's preview, in a table prove the data was copied.</p>\n",
        );
        let rows: Vec<Vec<(&str, String)>> = report
            .copied_rows
            .iter()
            .map(|c| {
                vec![
                    ("", esc(&c.candidate)),
                    ("", esc(&c.table)),
                    ("", esc(&format!("{} {}", c.from, c.source))),
                    (
                        "n",
                        format!(
                            "{}{} of {}",
                            if c.at_least { "at least " } else { "" },
                            c.rows,
                            c.table_rows
                        ),
                    ),
                    (
                        "",
                        c.evidence
                            .iter()
                            .map(|e| esc(e))
                            .collect::<Vec<_>>()
                            .join("<br>"),
                    ),
                ]
            })
            .collect();
        body.push_str(&table(
            "Copied rows, with the first rows as evidence",
            &["candidate", "table", "data of", "rows", "first rows"],
            &rows,
        ));
    }
    if !report.similar_queries.is_empty() {
        body.push_str("<h2>Saved queries that look alike</h2>\n<p>A lead to look at, never a verdict: two candidates who write the textbook query write the same text.</p>\n");
        let rows: Vec<Vec<(&str, String)>> = report
            .similar_queries
            .iter()
            .map(|p| {
                vec![
                    ("", esc(&p.file)),
                    ("", esc(&p.a)),
                    ("", esc(&p.b)),
                    ("n", percent(p.similarity)),
                ]
            })
            .collect();
        body.push_str(&table(
            "Pairs of saved queries, most similar first",
            &["file", "candidate", "candidate", "similarity"],
            &rows,
        ));
    }
    body.push_str("<h2>Candidates</h2>\n");
    let rows: Vec<Vec<(&str, String)>> = report
        .results
        .iter()
        .map(|line| {
            let acquired = line
                .grade()
                .map(|r| {
                    r.criteria
                        .iter()
                        .filter(|c| c.verdict == epreuve_results::Verdict::Acquired)
                        .map(|c| c.code.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            vec![
                (
                    "",
                    format!(
                        "<a href=\"candidates/{}.html\">{}</a>",
                        esc(&line.member.id),
                        esc(&line.member.id)
                    ),
                ),
                ("", esc(&line.member.name)),
                ("n", esc(&score_of(line))),
                ("", esc(&acquired)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Every candidate, in the roster's order",
        &["candidate", "name", "score", "criteria acquired"],
        &rows,
    ));
    page(&format!("Class report: {}", report.exam), &body)
}

/// Writes the class's pages into `out`: `index.html` and `candidates/<id>.html` (a roster's
/// identifiers are safe file names), each whole or not at all. Returns the class page.
pub fn write_class_html(
    report: &ClassReport,
    out: &std::path::Path,
) -> Result<std::path::PathBuf, epreuve_fs::FsError> {
    let pages = out.join("candidates");
    std::fs::create_dir_all(&pages).map_err(|source| epreuve_fs::FsError::Io {
        action: "create",
        path: pages.clone(),
        source,
    })?;
    for line in &report.results {
        epreuve_fs::write_atomic(
            &pages.join(format!("{}.html", line.member.id)),
            render_candidate_html(line, report).as_bytes(),
        )?;
    }
    let index = out.join("index.html");
    epreuve_fs::write_atomic(&index, render_class_html(report).as_bytes())?;
    Ok(index)
}

/// One candidate's page: what `grade` reports of them, with a chart of their points per
/// criterion, and what the class report found about them.
pub fn render_candidate_html(line: &CandidateOutcome, class: &ClassReport) -> String {
    let member = &line.member;
    let mut body = format!(
        "<p><a href=\"../index.html\">Class report</a></p>\n<h1>{} · {}</h1>\n",
        esc(&member.id),
        esc(&member.name)
    );
    match &line.outcome {
        Outcome::NotGradable { reason } => {
            body.push_str(&format!(
                "<p class=\"warn\">Not gradable: {}</p>\n",
                esc(reason)
            ));
        }
        Outcome::Graded { report } => body.push_str(&candidate_report(report)),
    }
    let copies: Vec<_> = class
        .copied_rows
        .iter()
        .filter(|c| {
            c.candidate == member.id
                || matches!(&c.from, epreuve_results::DataOwner::Candidate { id } if *id == member.id)
        })
        .collect();
    if !copies.is_empty() {
        body.push_str("<h2>Copied data</h2>\n<ul>\n");
        for c in copies {
            body.push_str(&format!(
                "<li>{}</li>\n",
                esc(&crate::class::copied_sentence(c, epreuve_i18n::Lang::En))
            ));
        }
        body.push_str("</ul>\n");
    }
    page(&format!("{} · {}", member.id, class.exam), &body)
}

fn candidate_report(report: &Report) -> String {
    let mut body = format!(
        "<p>Exam {} · engine {} · score <strong>{} / {}</strong>{}</p>\n",
        esc(&report.exam),
        esc(&report.engine.to_string()),
        number(report.score),
        number(report.max_score),
        match (report.gradable, report.provisional) {
            (false, _) => " (incomplete: some checks could not be graded)",
            (true, true) => " (provisional)",
            (true, false) => "",
        }
    );
    let notes: Vec<String> = report
        .integrity
        .iter()
        .map(|i| format!("Changed: {i}"))
        .chain(report.notes.iter().map(|n| format!("Note: {n}")))
        .collect();
    if !notes.is_empty() {
        body.push_str("<ul class=\"warn\">\n");
        for n in notes {
            body.push_str(&format!("<li>{}</li>\n", esc(&n)));
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Criteria</h2>\n");
    let items: Vec<(String, f64, f64, String)> = report
        .criteria
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.score,
                c.max_score,
                format!(
                    "{} / {} ({})",
                    number(c.score),
                    number(c.max_score),
                    c.verdict.label()
                ),
            )
        })
        .collect();
    body.push_str(&bars("points", "Points per criterion", &items));
    let rows: Vec<Vec<(&str, String)>> = report
        .criteria
        .iter()
        .map(|c| {
            vec![
                ("", esc(&c.code)),
                ("n", number(c.score)),
                ("n", number(c.max_score)),
                ("", esc(c.verdict.label())),
                ("", esc(&c.reason)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Points and verdict per criterion",
        &["criterion", "score", "max", "verdict", "why"],
        &rows,
    ));
    body.push_str("<h2>Checks</h2>\n");
    let rows: Vec<Vec<(&str, String)>> = report
        .checks
        .iter()
        .map(|c| {
            let class = match c.status {
                Status::Passed => "passed",
                Status::Failed => "failed",
                _ => "muted",
            };
            let score = if matches!(c.status, Status::Passed | Status::Failed) {
                format!("{} / {}", number(c.score), number(c.max_score))
            } else {
                "–".into()
            };
            vec![
                ("", esc(&c.id)),
                ("", esc(&c.criterion)),
                (class, esc(c.status.label())),
                ("n", score),
                ("", esc(&c.message)),
            ]
        })
        .collect();
    body.push_str(&table(
        "Every check, with what it found",
        &["check", "criterion", "status", "score", "evidence"],
        &rows,
    ));
    body
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_never_becomes_markup() {
        assert_eq!(
            super::esc("<img src=x onerror='a()'> & \"b\""),
            "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;b&quot;"
        );
        assert_eq!(
            super::esc("a\u{1b}[2Jb"),
            super::esc(&super::clean_text("a\u{1b}[2Jb"))
        );
    }
}
