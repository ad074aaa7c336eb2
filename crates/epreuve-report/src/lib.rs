//! Renderers for grading reports: a terminal table for people, JSON for programs, HTML pages
//! and gradebook files for a class.

mod class;
mod html;

pub use class::{
    copied_sentence, render_class_csv, render_class_json, render_class_table, render_gradescope,
    render_movements, spreadsheet_cell,
};
pub use html::{render_candidate_html, render_class_html, write_class_html};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use epreuve_i18n::Lang;
use epreuve_results::{Note, Report, Status, Verdict};

/// A check's title in `lang`: the catalogue's words for the checks epreuve knows by kind
/// (`ventes.row_count` → "ventes : nombre de lignes égal à la source"), the grader's own title
/// for the others (tasks).
pub fn check_title(lang: Lang, id: &str, title: &str) -> String {
    let Some((scope, kind)) = id.rsplit_once('.') else {
        return title.to_owned();
    };
    let message = format!("check-{kind}");
    let text = epreuve_i18n::tr!(lang, &message, table = scope);
    if text == message {
        title.to_owned()
    } else {
        text
    }
}

/// A check's status in a word, in `lang`.
pub fn status_word(lang: Lang, status: Status) -> String {
    let id = match status {
        Status::Passed => "status-passed",
        Status::Failed => "status-failed",
        Status::NotApplicable => "status-not-applicable",
        Status::NotGradable => "status-not-gradable",
        Status::Pending => "status-pending",
    };
    epreuve_i18n::tr!(lang, id)
}

/// How the terminal table looks.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    /// Colour the statuses (off when `NO_COLOR` is set or output is not a terminal).
    pub color: bool,
}

/// A note of the report in `lang`.
pub fn note_text(lang: Lang, note: &Note) -> String {
    note.said().render(lang)
}

/// The report as a terminal table, in `lang`: a summary line, the criteria, then every check.
pub fn render_table(report: &Report, style: TableStyle, lang: Lang) -> String {
    use epreuve_i18n::tr;
    let state = match (report.gradable, report.integrity.is_empty()) {
        (false, _) => format!(" {}", tr!(lang, "report-incomplete")),
        (true, false) => format!(" {}", tr!(lang, "report-provisional")),
        (true, true) => String::new(),
    };
    let mut out = format!(
        "{}\n{}{state}\n",
        tr!(
            lang,
            "report-head",
            exam = &report.exam,
            candidate = &report.candidate,
            engine = report.engine.to_string()
        ),
        tr!(
            lang,
            "report-score",
            score = number_in(lang, report.score),
            max = number_in(lang, report.max_score)
        ),
    );
    for change in report.integrity_in(lang) {
        out.push_str(&tr!(lang, "report-changed", what = change));
        out.push('\n');
    }
    for note in &report.notes {
        out.push_str(&tr!(lang, "report-note", what = note_text(lang, note)));
        out.push('\n');
    }
    if !report.pending.is_empty() {
        out.push_str(&tr!(
            lang,
            "report-waiting",
            items = report.pending.join(", ")
        ));
        out.push('\n');
    }
    let mut criteria = new_table(style);
    criteria.set_header(vec![
        tr!(lang, "report-criterion"),
        tr!(lang, "report-points"),
        tr!(lang, "report-max"),
        tr!(lang, "report-verdict"),
        tr!(lang, "report-why"),
    ]);
    for c in &report.criteria {
        criteria.add_row(vec![
            Cell::new(&c.code),
            Cell::new(number_in(lang, c.score)),
            Cell::new(number_in(lang, c.max_score)),
            verdict_cell(c.verdict, style),
            Cell::new(c.reason_in(lang)),
        ]);
    }
    out.push('\n');
    out.push_str(&criteria.to_string());
    out.push('\n');
    if report.criteria.iter().any(|c| !c.indicators.is_empty()) {
        out.push('\n');
        out.push_str(&tr!(lang, "grid-title"));
        out.push('\n');
        out.push_str(&render_grid(report, style, lang));
        out.push('\n');
    }
    let mut checks = new_table(style);
    checks.set_header(vec![
        tr!(lang, "report-check"),
        tr!(lang, "report-criterion"),
        tr!(lang, "report-status"),
        tr!(lang, "report-points"),
        tr!(lang, "report-evidence"),
    ]);
    for check in &report.checks {
        let status = status_cell(check.status, style, status_word(lang, check.status));
        let score = if matches!(check.status, Status::Passed | Status::Failed) {
            format!(
                "{} / {}",
                number_in(lang, check.score),
                number_in(lang, check.max_score)
            )
        } else {
            "-".to_owned()
        };
        checks.add_row(vec![
            Cell::new(&check.id),
            Cell::new(&check.criterion),
            status,
            Cell::new(score),
            Cell::new(check.message_in(lang)),
        ]);
    }
    out.push('\n');
    out.push_str(&checks.to_string());
    out.push('\n');
    out
}

/// The referential's words of an indicator as `lang` shows them: the jury's French in every
/// language, with the English gloss under it in English.
pub fn indicator_words(lang: Lang, text: &str, gloss: &str) -> String {
    match lang {
        Lang::Fr => text.to_owned(),
        Lang::En => format!(
            "{text}\n{}",
            epreuve_i18n::tr!(lang, "grid-gloss", gloss = gloss)
        ),
    }
}

/// The jury's grid: one row per indicator, under its criterion.
fn render_grid(report: &Report, style: TableStyle, lang: Lang) -> String {
    use epreuve_i18n::tr;
    let mut grid = new_table(style);
    grid.set_header(vec![
        tr!(lang, "report-criterion"),
        tr!(lang, "grid-indicator"),
        tr!(lang, "grid-tolerance"),
        tr!(lang, "report-verdict"),
        tr!(lang, "grid-evidence"),
    ]);
    for c in &report.criteria {
        for line in &c.indicators {
            grid.add_row(vec![
                Cell::new(&c.code),
                Cell::new(indicator_words(lang, &line.text, &line.gloss)),
                Cell::new(line.tolerance_in(lang)),
                verdict_cell(line.verdict, style),
                Cell::new(line.evidence_in(lang)),
            ]);
        }
    }
    grid.to_string()
}

/// The candidate's self-check: each public check, its status and what is still missing,
/// without scores.
pub fn render_checklist(report: &Report, style: TableStyle, lang: Lang) -> String {
    let mut table = new_table(style);
    table.set_header(vec![
        epreuve_i18n::tr!(lang, "checklist-check"),
        epreuve_i18n::tr!(lang, "checklist-status"),
        epreuve_i18n::tr!(lang, "checklist-look-at"),
    ]);
    for check in &report.checks {
        table.add_row(vec![
            Cell::new(check_title(lang, &check.id, &check.title)),
            status_cell(check.status, style, status_word(lang, check.status)),
            Cell::new(if check.status == Status::Passed {
                String::new()
            } else {
                check.message_in(lang)
            }),
        ]);
    }
    format!("{table}\n")
}

/// A status cell that says `word`, coloured by the status.
fn status_cell(status: Status, style: TableStyle, word: String) -> Cell {
    let cell = Cell::new(word);
    if !style.color {
        return cell;
    }
    cell.fg(match status {
        Status::Passed => Color::Green,
        Status::Failed => Color::Red,
        Status::NotApplicable => Color::DarkGrey,
        Status::NotGradable => Color::Yellow,
        Status::Pending => Color::Blue,
    })
}

/// The report as pretty-printed JSON.
pub fn render_json(report: &Report) -> String {
    epreuve_results::to_json(report)
}

fn new_table(style: TableStyle) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if !style.color {
        table.force_no_tty();
    }
    table
}

/// `40` rather than `40.0`, `37.5` as is.
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}").trim_end_matches('0').to_owned()
    }
}

/// [`number`] with the decimal separator of `lang`.
pub(crate) fn number_in(lang: Lang, x: f64) -> String {
    epreuve_i18n::with_separator(lang, number(x))
}

fn verdict_cell(verdict: Verdict, style: TableStyle) -> Cell {
    let cell = Cell::new(verdict.label());
    if !style.color {
        return cell;
    }
    match verdict {
        Verdict::Acquired => cell.fg(Color::Green),
        Verdict::NotAcquired => cell.fg(Color::Red),
        Verdict::Pending | Verdict::NotGradable => cell.fg(Color::Yellow),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_drop_useless_decimals() {
        assert_eq!(super::number(40.0), "40");
        assert_eq!(super::number(37.5), "37.5");
        assert_eq!(super::number(1.33), "1.33");
        assert_eq!(super::number_in(epreuve_i18n::Lang::Fr, 37.5), "37,5");
    }
}
