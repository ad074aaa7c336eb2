//! The class report as HTML pages: one for the class and one per candidate, each a single
//! file that needs nothing else. Charts are drawn inline in SVG; no script, no font, no image
//! is fetched (the pages forbid it themselves with a content security policy), so a page opens
//! the same on a machine without network. Every chart has a title and a description that
//! says its figures, and every figure is also in a table with headers, for a screen reader.
//!
//! The pages are maud templates: every value put in one is escaped by the template itself,
//! so a text a candidate or a roster controls (a name, a table, a value, a file name) can only
//! ever be text. What is not escaped is written here as markup ([`PreEscaped`]): the style
//! sheet, nothing a candidate wrote. Text is also cleaned of control characters ([`Text`]).

use epreuve_i18n::{Lang, tr};
use epreuve_results::{CandidateOutcome, ClassReport, Outcome, Report, Status, clean_text};
use maud::{DOCTYPE, Markup, PreEscaped, Render, html};

use crate::number_in;

/// Text for a page: cleaned of control characters, then escaped by maud like any value.
struct Text<'a>(&'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        clean_text(self.0).as_str().render_to(buffer);
    }
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
fn page(title: &str, body: Markup, lang: Lang) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'";
                title { (Text(title)) }
                style { (PreEscaped(STYLE)) }
            }
            body { main { (body) } }
        }
    }
    .into_string()
}

/// One cell of a table: its class (`n` for a number, a status's colour) and its content.
struct Cell {
    class: Option<&'static str>,
    content: Markup,
}

impl Cell {
    /// A cell of text.
    fn text(text: &str) -> Self {
        Self::markup(html! { (Text(text)) })
    }

    /// A cell of text with a class.
    fn styled(class: &'static str, text: &str) -> Self {
        Self {
            class: Some(class),
            content: html! { (Text(text)) },
        }
    }

    /// A number, aligned right.
    fn number(text: &str) -> Self {
        Self::styled("n", text)
    }

    /// A cell made by a template (a link, text in two languages).
    fn markup(content: Markup) -> Self {
        Self {
            class: None,
            content,
        }
    }
}

/// A table: a caption, its column headers (catalogue ids, said in `lang`), and rows whose
/// first cell names the row.
fn table(lang: Lang, caption: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Markup {
    let headers = words(lang, headers);
    html! {
        table {
            caption { (Text(caption)) }
            thead { tr { @for h in &headers { th scope="col" { (Text(h)) } } } }
            tbody {
                @for row in rows {
                    tr {
                        @for (i, cell) in row.iter().enumerate() {
                            @if i == 0 {
                                th scope="row" class=[cell.class] { (cell.content) }
                            } @else {
                                td class=[cell.class] { (cell.content) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The words of `ids` in `lang`: a table's headers.
fn words(lang: Lang, ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| tr!(lang, id)).collect()
}

/// One bar of a chart: its label, its value drawn to `of`, and the figure shown beside it.
struct Bar {
    label: String,
    value: f64,
    of: f64,
    shown: String,
}

/// A chart of horizontal bars; `id` names its title and description.
fn bars(id: &str, title: &str, items: &[Bar]) -> Markup {
    let row = 26.0;
    let (left, width) = (150.0, 420.0);
    let height = row * items.len() as f64 + 10.0;
    let desc: Vec<String> = items
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect();
    html! {
        svg role="img" aria-labelledby={ (id) "-title " (id) "-desc" }
            viewBox={ "0 0 680 " (height) } width="680" height=(height) {
            title id={ (id) "-title" } { (Text(title)) }
            desc id={ (id) "-desc" } { (Text(&desc.join("; "))) }
            @for (i, bar) in items.iter().enumerate() {
                @let y = 5.0 + row * i as f64;
                @let share = if bar.of > 0.0 { (bar.value / bar.of).clamp(0.0, 1.0) } else { 0.0 };
                text x=(left - 8.0) y=(y + 14.0) text-anchor="end" { (Text(&bar.label)) }
                rect x=(left) y=(y) width=(width) height="18" fill="#e4e7eb" {}
                rect x=(left) y=(y) width=(format!("{:.1}", width * share)) height="18" fill="#2f6db5" {}
                text x=(left + width + 8.0) y=(y + 14.0) { (Text(&bar.shown)) }
            }
        }
    }
}

/// The score spread as a column chart: one column per bin, its count above it.
fn histogram(report: &ClassReport, lang: Lang) -> Markup {
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
    let right = left + col * report.histogram.len() as f64;
    let title = tr!(lang, "html-spread-title", max = number(report.max_score));
    html! {
        svg role="img" aria-labelledby="spread-title spread-desc" viewBox="0 0 640 240"
            width="640" height="240" {
            title id="spread-title" { (Text(&title)) }
            desc id="spread-desc" { (Text(&desc.join("; "))) }
            line x1=(left) y1=(bottom) x2=(right) y2=(bottom) stroke="#555" {}
            @for (i, bin) in report.histogram.iter().enumerate() {
                @let h = plot_h * bin.count as f64 / widest as f64;
                @let x = left + col * i as f64 + 4.0;
                // Each column's count above it, the band's lower bound below its left edge.
                rect x=(x) y=(format!("{:.1}", bottom - h)) width=(col - 8.0)
                    height=(format!("{h:.1}")) fill="#2f6db5" {}
                text x=(x + (col - 8.0) / 2.0) y=(format!("{:.1}", bottom - h - 4.0))
                    text-anchor="middle" { (bin.count) }
                text x=(x - 4.0) y=(bottom + 16.0) text-anchor="middle" { (Text(&number(bin.from))) }
            }
            text x=(right) y=(bottom + 16.0) text-anchor="middle" { (Text(&number(report.max_score))) }
            text x=(left + col * report.histogram.len() as f64 / 2.0) y=(bottom + 34.0)
                text-anchor="middle" { (Text(&tr!(lang, "report-points"))) }
        }
    }
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

/// The class page (`index.html`, the candidates' pages in `candidates/`): the figures, the
/// charts, every candidate with a link to their page, and the copies found.
pub fn render_class_html(report: &ClassReport, lang: Lang) -> String {
    let number = |x: f64| number_in(lang, x);
    let title = tr!(lang, "html-class-title", exam = report.exam.as_str());
    let head = tr!(
        lang,
        "html-class-head",
        graded = report.graded,
        candidates = report.candidates,
        mean = number(report.mean),
        median = number(report.median),
        max = number(report.max_score)
    );
    let body = html! {
        h1 { (Text(&title)) }
        p { (Text(&head)) }
        (spread_section(report, lang))
        (criteria_section(report, lang))
        (class_grid_section(report, lang))
        (failing_section(report, lang))
        (copies_section(report, lang))
        (similar_section(report, lang))
        (candidates_section(report, lang))
    };
    page(&title, body, lang)
}

/// The score spread: its chart and its table.
fn spread_section(report: &ClassReport, lang: Lang) -> Markup {
    let number = |x: f64| number_in(lang, x);
    let rows: Vec<Vec<Cell>> = report
        .histogram
        .iter()
        .map(|b| {
            let band = tr!(lang, "html-band", from = number(b.from), to = number(b.to));
            vec![Cell::text(&band), Cell::number(&b.count.to_string())]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "class-report-spread"))) }
        (histogram(report, lang))
        (table(
            lang,
            &tr!(lang, "html-bands-caption"),
            &["html-band-header", "html-candidates"],
            &rows,
        ))
    }
}

/// The share of the class that acquired each criterion: a chart and a table.
fn criteria_section(report: &ClassReport, lang: Lang) -> Markup {
    let items: Vec<Bar> = report
        .criteria
        .iter()
        .map(|c| Bar {
            label: c.code.clone(),
            value: c.share,
            of: 1.0,
            shown: tr!(
                lang,
                "html-share-of",
                share = percent(c.share),
                acquired = c.acquired,
                judged = c.judged
            ),
        })
        .collect();
    let rows: Vec<Vec<Cell>> = report
        .criteria
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.code),
                Cell::number(&c.acquired.to_string()),
                Cell::number(&c.judged.to_string()),
                Cell::number(&percent(c.share)),
            ]
        })
        .collect();
    let caption = tr!(lang, "html-criteria-caption");
    html! {
        h2 { (Text(&tr!(lang, "html-criteria-acquired"))) }
        (bars("criteria", &caption, &items))
        (table(
            lang,
            &caption,
            &[
                "report-criterion",
                "class-report-acquired",
                "class-report-judged",
                "class-report-share",
            ],
            &rows,
        ))
    }
}

/// The jury's grid for the class: each indicator and the share that acquired it.
fn class_grid_section(report: &ClassReport, lang: Lang) -> Markup {
    let rows: Vec<Vec<Cell>> = report
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |line| (c, line)))
        .map(|(c, line)| {
            vec![
                Cell::text(&c.code),
                Cell::markup(indicator_html(lang, &line.text, &line.gloss)),
                Cell::number(&line.acquired.to_string()),
                Cell::number(&line.judged.to_string()),
                Cell::number(&percent(line.share)),
            ]
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    let title = tr!(lang, "grid-title");
    html! {
        h2 { (Text(&title)) }
        (table(
            lang,
            &title,
            &[
                "report-criterion",
                "grid-indicator",
                "class-report-acquired",
                "class-report-judged",
                "class-report-share",
            ],
            &rows,
        ))
    }
}

/// The checks the class failed, most failed first as the report orders them.
fn failing_section(report: &ClassReport, lang: Lang) -> Markup {
    let rows: Vec<Vec<Cell>> = report
        .checks
        .iter()
        .filter(|c| c.failed > 0)
        .map(|c| {
            vec![
                Cell::text(&c.id),
                Cell::text(&crate::check_title(lang, &c.id, &c.title)),
                Cell::number(&c.failed.to_string()),
                Cell::number(&c.graded.to_string()),
                Cell::number(&percent(c.failure_rate)),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-checks-failing"))) }
        (table(
            lang,
            &tr!(lang, "class-report-failing"),
            &[
                "report-check",
                "html-what-it-checks",
                "class-report-failed",
                "class-report-graded",
                "class-report-failure-rate",
            ],
            &rows,
        ))
    }
}

/// The rows found in another's table, with their evidence, one line per row quoted.
fn copies_section(report: &ClassReport, lang: Lang) -> Markup {
    if report.copied_rows.is_empty() {
        return html! {};
    }
    let rows: Vec<Vec<Cell>> = report
        .copied_rows
        .iter()
        .map(|c| {
            let rows = tr!(
                lang,
                if c.at_least {
                    "html-rows-at-least"
                } else {
                    "html-rows-of"
                },
                rows = c.rows,
                of = c.table_rows
            );
            vec![
                Cell::text(&c.candidate),
                Cell::text(&c.table),
                Cell::text(&format!("{} {}", c.from.shown(lang), c.source)),
                Cell::number(&rows),
                Cell::markup(html! {
                    @for (i, e) in c.evidence.iter().enumerate() {
                        @if i > 0 { br; }
                        (Text(e))
                    }
                }),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-copies"))) }
        p class="warn" { (Text(&tr!(lang, "html-copies-why"))) }
        (table(
            lang,
            &tr!(lang, "html-copies-caption"),
            &[
                "class-report-candidate",
                "html-table",
                "html-data-of",
                "html-rows",
                "html-first-rows",
            ],
            &rows,
        ))
    }
}

/// Pairs of saved queries alike enough to be read side by side.
fn similar_section(report: &ClassReport, lang: Lang) -> Markup {
    if report.similar_queries.is_empty() {
        return html! {};
    }
    let rows: Vec<Vec<Cell>> = report
        .similar_queries
        .iter()
        .map(|p| {
            vec![
                Cell::text(&p.file),
                Cell::text(&p.a),
                Cell::text(&p.b),
                Cell::number(&percent(p.similarity)),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-similar"))) }
        p { (Text(&tr!(lang, "html-similar-why"))) }
        (table(
            lang,
            &tr!(lang, "html-similar-caption"),
            &[
                "html-file",
                "class-report-candidate",
                "class-report-candidate",
                "html-similarity",
            ],
            &rows,
        ))
    }
}

/// Every candidate, a link to their page, their score and the criteria they acquired.
fn candidates_section(report: &ClassReport, lang: Lang) -> Markup {
    let rows: Vec<Vec<Cell>> = report
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
            let id = line.member.id.as_str();
            vec![
                Cell::markup(html! {
                    a href={ "candidates/" (Text(id)) ".html" } { (Text(id)) }
                }),
                Cell::text(&line.member.name),
                Cell::number(&score_of(line, lang)),
                Cell::text(&acquired),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-candidates-heading"))) }
        (table(
            lang,
            &tr!(lang, "html-candidates-caption"),
            &[
                "class-report-candidate",
                "class-report-name",
                "report-points",
                "class-report-criteria-acquired",
            ],
            &rows,
        ))
    }
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
    let copies: Vec<String> = class
        .copied_rows
        .iter()
        .filter(|c| {
            c.candidate == member.id
                || matches!(&c.from, epreuve_results::DataOwner::Candidate { id } if *id == member.id)
        })
        .map(|c| crate::class::copied_sentence(c, lang))
        .collect();
    let body = html! {
        p { a href="../index.html" { (Text(&tr!(lang, "html-back"))) } }
        h1 { (Text(&member.id)) " · " (Text(&member.name)) }
        // The seal of the submission collected from the candidate's machine, for the proctor
        // to compare with the one `submit` showed there.
        @if let Some(seal) = &line.collected_seal {
            p { code { (Text(&tr!(lang, "class-report-seal", seal = seal.as_str()))) } }
        }
        @match &line.outcome {
            Outcome::NotGradable { reason } => {
                p class="warn" { (Text(&tr!(lang, "class-not-gradable", why = reason.render(lang)))) }
            }
            Outcome::Graded { report } => (candidate_report(report, lang)),
        }
        @if !copies.is_empty() {
            h2 { (Text(&tr!(lang, "html-copied-data"))) }
            ul { @for sentence in &copies { li { (Text(sentence)) } } }
        }
    };
    page(&format!("{} · {}", member.id, class.exam), body, lang)
}

/// The referential's words of an indicator, with its English gloss under them in English.
fn indicator_html(lang: Lang, text: &str, gloss: &str) -> Markup {
    html! {
        span lang="fr" { (Text(text)) }
        @if lang == Lang::En {
            br;
            small { (Text(&tr!(lang, "grid-gloss", gloss = gloss))) }
        }
    }
}

/// What `grade` reports of one candidate: the score, the notes, the verdicts, the grid and
/// every check.
fn candidate_report(report: &Report, lang: Lang) -> Markup {
    let number = |x: f64| number_in(lang, x);
    let state = match (report.gradable, report.provisional) {
        (false, _) => format!(" {}", tr!(lang, "report-incomplete")),
        (true, true) => format!(" {}", tr!(lang, "report-provisional")),
        (true, false) => String::new(),
    };
    let head = tr!(
        lang,
        "report-head",
        exam = report.exam.as_str(),
        candidate = report.candidate.as_str(),
        engine = report.engine.to_string()
    );
    let score = tr!(
        lang,
        "report-score",
        score = number(report.score),
        max = number(report.max_score)
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
    html! {
        p { (Text(&head)) " · " strong { (Text(&score)) } (Text(&state)) }
        @if !notes.is_empty() {
            ul class="warn" { @for n in &notes { li { (Text(n)) } } }
        }
        (verdicts_section(report, lang))
        (candidate_grid_section(report, lang))
        (checks_section(report, lang))
    }
}

/// The candidate's points per criterion: a chart and the verdicts' table.
fn verdicts_section(report: &Report, lang: Lang) -> Markup {
    let number = |x: f64| number_in(lang, x);
    let items: Vec<Bar> = report
        .criteria
        .iter()
        .map(|c| Bar {
            label: c.code.clone(),
            value: c.score,
            of: c.max_score,
            shown: format!(
                "{} / {} ({})",
                number(c.score),
                number(c.max_score),
                c.verdict.label()
            ),
        })
        .collect();
    let rows: Vec<Vec<Cell>> = report
        .criteria
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.code),
                Cell::number(&number(c.score)),
                Cell::number(&number(c.max_score)),
                Cell::text(c.verdict.label()),
                Cell::text(&c.reason_in(lang)),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-criteria"))) }
        (bars("points", &tr!(lang, "html-points-caption"), &items))
        (table(
            lang,
            &tr!(lang, "html-verdicts-caption"),
            &[
                "report-criterion",
                "report-points",
                "report-max",
                "report-verdict",
                "report-why",
            ],
            &rows,
        ))
    }
}

/// The candidate's grid: each indicator, its tolerance, its verdict and its evidence.
fn candidate_grid_section(report: &Report, lang: Lang) -> Markup {
    let rows: Vec<Vec<Cell>> = report
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
                Cell::text(&c.code),
                Cell::markup(indicator_html(lang, &line.text, &line.gloss)),
                Cell::text(&line.tolerance_in(lang)),
                Cell::styled(class, line.verdict.label()),
                Cell::text(&line.evidence_in(lang)),
            ]
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    let title = tr!(lang, "grid-title");
    html! {
        h2 { (Text(&title)) }
        (table(
            lang,
            &title,
            &[
                "report-criterion",
                "grid-indicator",
                "grid-tolerance",
                "report-verdict",
                "grid-evidence",
            ],
            &rows,
        ))
    }
}

/// Every check of the candidate, with its status, points and evidence.
fn checks_section(report: &Report, lang: Lang) -> Markup {
    let number = |x: f64| number_in(lang, x);
    let rows: Vec<Vec<Cell>> = report
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
                Cell::text(&c.id),
                Cell::text(&c.criterion),
                Cell::styled(class, &crate::status_word(lang, c.status)),
                Cell::number(&score),
                Cell::text(&c.message_in(lang)),
            ]
        })
        .collect();
    html! {
        h2 { (Text(&tr!(lang, "html-checks"))) }
        (table(
            lang,
            &tr!(lang, "html-checks-caption"),
            &[
                "report-check",
                "report-criterion",
                "report-status",
                "report-points",
                "report-evidence",
            ],
            &rows,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_never_becomes_markup() {
        let cell = html! { td title=(Text("\"><script>")) { (Text("<img src=x onerror='a()'> & \"b\"")) } };
        assert_eq!(
            cell.into_string(),
            "<td title=\"&quot;&gt;&lt;script&gt;\">&lt;img src=x onerror='a()'&gt; &amp; &quot;b&quot;</td>"
        );
        let cleaned = html! { (Text("a\u{1b}[2Jb")) };
        assert_eq!(cleaned.into_string(), clean_text("a\u{1b}[2Jb"));
    }
}
