//! The class report as HTML pages: one for the class and one per candidate, each a single
//! file that needs nothing else. Charts are drawn inline in SVG; no script, no font, no image
//! is fetched (the pages forbid it themselves with a content security policy), so a page opens
//! the same on a machine without network. Every chart has a title and a description that
//! says its figures, and every figure is also in a table with headers, for a screen reader.
//!
//! Everything a candidate wrote (their name, a file name, a value of their table) is cleaned
//! of control characters and escaped before it reaches a page.

use epreuve_i18n::{Lang, tr};
use epreuve_results::{CandidateOutcome, ClassReport, Outcome, Report, Status, clean_text};

use crate::number_in;

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

/// A whole page around `body`, in `lang`.
fn page(title: &str, body: &str, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang.code(),
        esc(title)
    )
}

/// A table: a caption, column headers, rows of cells already made HTML (`(class, html)`).
fn table(caption: &str, headers: &[String], rows: &[Vec<(&str, String)>]) -> String {
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
fn histogram(report: &ClassReport, lang: Lang) -> String {
    let number = |x: f64| number_in(lang, x);
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
            tr!(
                lang,
                "html-band-count",
                from = number(b.from),
                to = number(b.to),
                n = b.count
            )
        })
        .collect();
    let mut out = format!(
        "<svg role=\"img\" aria-labelledby=\"spread-title spread-desc\" viewBox=\"0 0 640 240\" width=\"640\" height=\"240\">\n\
<title id=\"spread-title\">{}</title>\n<desc id=\"spread-desc\">{}</desc>\n\
<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#555\"/>\n",
        esc(&tr!(
            lang,
            "html-spread-title",
            max = number(report.max_score)
        )),
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
<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>\n",
        left + col * report.histogram.len() as f64,
        bottom + 16.0,
        number(report.max_score),
        left + col * report.histogram.len() as f64 / 2.0,
        bottom + 34.0,
        tr!(lang, "report-points")
    ));
    out
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// The candidate's score as shown in the class list.
fn score_of(line: &CandidateOutcome, lang: Lang) -> String {
    match &line.outcome {
        Outcome::Graded { report } if report.gradable => format!(
            "{} / {}",
            number_in(lang, report.score),
            number_in(lang, report.max_score)
        ),
        Outcome::Graded { .. } => tr!(lang, "class-graded-partly"),
        Outcome::NotGradable { .. } => crate::status_word(lang, Status::NotGradable),
    }
}

/// The class page (`index.html`, the candidates' pages in `candidates/`): the figures, the charts, every candidate with a link to
/// their page, and the copies found.
pub fn render_class_html(report: &ClassReport, lang: Lang) -> String {
    let number = |x: f64| number_in(lang, x);
    let words = |ids: &[&str]| -> Vec<String> { ids.iter().map(|id| tr!(lang, id)).collect() };
    let title = tr!(lang, "html-class-title", exam = report.exam.as_str());
    let mut body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        esc(&title),
        esc(&tr!(
            lang,
            "html-class-head",
            graded = report.graded,
            candidates = report.candidates,
            mean = number(report.mean),
            median = number(report.median),
            max = number(report.max_score)
        ))
    );
    body.push_str(&format!("<h2>{}</h2>\n", tr!(lang, "class-report-spread")));
    body.push_str(&histogram(report, lang));
    let spread: Vec<Vec<(&str, String)>> = report
        .histogram
        .iter()
        .map(|b| {
            vec![
                (
                    "",
                    tr!(lang, "html-band", from = number(b.from), to = number(b.to)),
                ),
                ("n", b.count.to_string()),
            ]
        })
        .collect();
    body.push_str(&table(
        &tr!(lang, "html-bands-caption"),
        &words(&["html-band-header", "html-candidates"]),
        &spread,
    ));
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        tr!(lang, "html-criteria-acquired")
    ));
    let items: Vec<(String, f64, f64, String)> = report
        .criteria
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.share,
                1.0,
                tr!(
                    lang,
                    "html-share-of",
                    share = percent(c.share),
                    acquired = c.acquired,
                    judged = c.judged
                ),
            )
        })
        .collect();
    body.push_str(&bars(
        "criteria",
        &tr!(lang, "html-criteria-caption"),
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
        &tr!(lang, "html-criteria-caption"),
        &words(&[
            "report-criterion",
            "class-report-acquired",
            "class-report-judged",
            "class-report-share",
        ]),
        &rows,
    ));
    let grid: Vec<Vec<(&str, String)>> = report
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |line| (c, line)))
        .map(|(c, line)| {
            vec![
                ("", esc(&c.code)),
                ("", indicator_html(lang, &line.text, &line.gloss)),
                ("n", line.acquired.to_string()),
                ("n", line.judged.to_string()),
                ("n", percent(line.share)),
            ]
        })
        .collect();
    if !grid.is_empty() {
        body.push_str(&format!("<h2>{}</h2>\n", esc(&tr!(lang, "grid-title"))));
        body.push_str(&table(
            &tr!(lang, "grid-title"),
            &words(&[
                "report-criterion",
                "grid-indicator",
                "class-report-acquired",
                "class-report-judged",
                "class-report-share",
            ]),
            &grid,
        ));
    }
    body.push_str(&format!("<h2>{}</h2>\n", tr!(lang, "html-checks-failing")));
    let rows: Vec<Vec<(&str, String)>> = report
        .checks
        .iter()
        .filter(|c| c.failed > 0)
        .map(|c| {
            vec![
                ("", esc(&c.id)),
                ("", esc(&crate::check_title(lang, &c.id, &c.title))),
                ("n", c.failed.to_string()),
                ("n", c.graded.to_string()),
                ("n", percent(c.failure_rate)),
            ]
        })
        .collect();
    body.push_str(&table(
        &tr!(lang, "class-report-failing"),
        &words(&[
            "report-check",
            "html-what-it-checks",
            "class-report-failed",
            "class-report-graded",
            "class-report-failure-rate",
        ]),
        &rows,
    ));
    if !report.copied_rows.is_empty() {
        body.push_str(&format!(
            "<h2>{}</h2>\n<p class=\"warn\">{}</p>\n",
            tr!(lang, "html-copies"),
            tr!(lang, "html-copies-why")
        ));
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
                        tr!(
                            lang,
                            if c.at_least {
                                "html-rows-at-least"
                            } else {
                                "html-rows-of"
                            },
                            rows = c.rows,
                            of = c.table_rows
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
            &tr!(lang, "html-copies-caption"),
            &words(&[
                "class-report-candidate",
                "html-table",
                "html-data-of",
                "html-rows",
                "html-first-rows",
            ]),
            &rows,
        ));
    }
    if !report.similar_queries.is_empty() {
        body.push_str(&format!(
            "<h2>{}</h2>\n<p>{}</p>\n",
            tr!(lang, "html-similar"),
            tr!(lang, "html-similar-why")
        ));
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
            &tr!(lang, "html-similar-caption"),
            &words(&[
                "html-file",
                "class-report-candidate",
                "class-report-candidate",
                "html-similarity",
            ]),
            &rows,
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        tr!(lang, "html-candidates-heading")
    ));
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
                ("n", esc(&score_of(line, lang))),
                ("", esc(&acquired)),
            ]
        })
        .collect();
    body.push_str(&table(
        &tr!(lang, "html-candidates-caption"),
        &words(&[
            "class-report-candidate",
            "class-report-name",
            "report-points",
            "class-report-criteria-acquired",
        ]),
        &rows,
    ));
    page(&title, &body, lang)
}

/// Writes the class's pages into `out`: `index.html` and `candidates/<id>.html` (a roster's
/// identifiers are safe file names), each whole or not at all. Returns the class page.
pub fn write_class_html(
    report: &ClassReport,
    out: &std::path::Path,
    lang: Lang,
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
            render_candidate_html(line, report, lang).as_bytes(),
        )?;
    }
    let index = out.join("index.html");
    epreuve_fs::write_atomic(&index, render_class_html(report, lang).as_bytes())?;
    Ok(index)
}

/// One candidate's page: what `grade` reports of them, with a chart of their points per
/// criterion, and what the class report found about them.
pub fn render_candidate_html(line: &CandidateOutcome, class: &ClassReport, lang: Lang) -> String {
    let member = &line.member;
    let mut body = format!(
        "<p><a href=\"../index.html\">{}</a></p>\n<h1>{} · {}</h1>\n",
        esc(&tr!(lang, "html-back")),
        esc(&member.id),
        esc(&member.name)
    );
    // The seal of the submission collected from the candidate's machine, for the proctor to
    // compare with the one `submit` showed there.
    if let Some(seal) = &line.collected_seal {
        body.push_str(&format!(
            "<p><code>{}</code></p>\n",
            esc(&tr!(lang, "class-report-seal", seal = seal.as_str()))
        ));
    }
    match &line.outcome {
        Outcome::NotGradable { reason } => {
            body.push_str(&format!(
                "<p class=\"warn\">{}</p>\n",
                esc(&tr!(lang, "class-not-gradable", why = reason.as_str()))
            ));
        }
        Outcome::Graded { report } => body.push_str(&candidate_report(report, lang)),
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
        body.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            tr!(lang, "html-copied-data")
        ));
        for c in copies {
            body.push_str(&format!(
                "<li>{}</li>\n",
                esc(&crate::class::copied_sentence(c, lang))
            ));
        }
        body.push_str("</ul>\n");
    }
    page(&format!("{} · {}", member.id, class.exam), &body, lang)
}

/// The referential's words of an indicator, with its English gloss under them in English.
fn indicator_html(lang: Lang, text: &str, gloss: &str) -> String {
    match lang {
        Lang::Fr => format!("<span lang=\"fr\">{}</span>", esc(text)),
        Lang::En => format!(
            "<span lang=\"fr\">{}</span><br><small>{}</small>",
            esc(text),
            esc(&tr!(lang, "grid-gloss", gloss = gloss))
        ),
    }
}

fn candidate_report(report: &Report, lang: Lang) -> String {
    let number = |x: f64| number_in(lang, x);
    let state = match (report.gradable, report.provisional) {
        (false, _) => format!(" {}", tr!(lang, "report-incomplete")),
        (true, true) => format!(" {}", tr!(lang, "report-provisional")),
        (true, false) => String::new(),
    };
    let mut body = format!(
        "<p>{} · <strong>{}</strong>{}</p>\n",
        esc(&tr!(
            lang,
            "report-head",
            exam = report.exam.as_str(),
            candidate = report.candidate.as_str(),
            engine = report.engine.to_string()
        )),
        esc(&tr!(
            lang,
            "report-score",
            score = number(report.score),
            max = number(report.max_score)
        )),
        esc(&state)
    );
    let notes: Vec<String> = report
        .integrity_in(lang)
        .into_iter()
        .map(|i| tr!(lang, "report-changed", what = i))
        .chain(
            report
                .notes
                .iter()
                .map(|n| tr!(lang, "report-note", what = crate::note_text(lang, n))),
        )
        .collect();
    if !notes.is_empty() {
        body.push_str("<ul class=\"warn\">\n");
        for n in notes {
            body.push_str(&format!("<li>{}</li>\n", esc(&n)));
        }
        body.push_str("</ul>\n");
    }
    body.push_str(&format!("<h2>{}</h2>\n", tr!(lang, "html-criteria")));
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
    body.push_str(&bars("points", &tr!(lang, "html-points-caption"), &items));
    let rows: Vec<Vec<(&str, String)>> = report
        .criteria
        .iter()
        .map(|c| {
            vec![
                ("", esc(&c.code)),
                ("n", number(c.score)),
                ("n", number(c.max_score)),
                ("", esc(c.verdict.label())),
                ("", esc(&c.reason_in(lang))),
            ]
        })
        .collect();
    body.push_str(&table(
        &tr!(lang, "html-verdicts-caption"),
        &[
            "report-criterion",
            "report-points",
            "report-max",
            "report-verdict",
            "report-why",
        ]
        .map(|id| tr!(lang, id)),
        &rows,
    ));
    let grid: Vec<Vec<(&str, String)>> = report
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |line| (c, line)))
        .map(|(c, line)| {
            let class = match line.verdict {
                epreuve_results::Verdict::Acquired => "passed",
                epreuve_results::Verdict::NotAcquired => "failed",
                _ => "muted",
            };
            vec![
                ("", esc(&c.code)),
                ("", indicator_html(lang, &line.text, &line.gloss)),
                ("", esc(&line.tolerance_in(lang))),
                (class, esc(line.verdict.label())),
                ("", esc(&line.evidence_in(lang))),
            ]
        })
        .collect();
    if !grid.is_empty() {
        body.push_str(&format!("<h2>{}</h2>\n", esc(&tr!(lang, "grid-title"))));
        body.push_str(&table(
            &tr!(lang, "grid-title"),
            &[
                "report-criterion",
                "grid-indicator",
                "grid-tolerance",
                "report-verdict",
                "grid-evidence",
            ]
            .map(|id| tr!(lang, id)),
            &grid,
        ));
    }
    body.push_str(&format!("<h2>{}</h2>\n", tr!(lang, "html-checks")));
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
                (class, esc(&crate::status_word(lang, c.status))),
                ("n", score),
                ("", esc(&c.message_in(lang))),
            ]
        })
        .collect();
    body.push_str(&table(
        &tr!(lang, "html-checks-caption"),
        &[
            "report-check",
            "report-criterion",
            "report-status",
            "report-points",
            "report-evidence",
        ]
        .map(|id| tr!(lang, id)),
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
