//! Renderers for grading reports: a terminal table for people, JSON for programs, HTML pages
//! and gradebook files for a class.

mod class;
mod html;

pub use class::{
    copied_sentence, render_class_csv, render_class_json, render_class_table, render_gradescope,
    render_movements,
};
pub use html::{render_candidate_html, render_class_html, write_class_html};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use epreuve_results::{Report, Status, Verdict};

/// How the terminal table looks.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    /// Colour the statuses (off when `NO_COLOR` is set or output is not a terminal).
    pub color: bool,
}

/// The report as a terminal table: a summary line, the criteria, then every check.
pub fn render_table(report: &Report, style: TableStyle) -> String {
    let mut out = format!(
        "Exam {} · candidate {} · engine {}\nScore: {} / {}{}\n",
        report.exam,
        report.candidate,
        report.engine,
        number(report.score),
        number(report.max_score),
        match (report.gradable, report.integrity.is_empty()) {
            (false, _) => " (incomplete: some checks could not be graded, see below)".to_owned(),
            (true, false) =>
                " (provisional: the evidence changed after submission, see below)".to_owned(),
            (true, true) => String::new(),
        }
    );
    for change in &report.integrity {
        out.push_str(&format!("Changed: {change}\n"));
    }
    for note in &report.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    if !report.pending.is_empty() {
        out.push_str(&format!(
            "Waiting for the assessor: {} (score them in evaluation.toml next to the submission; the score is provisional until then)\n",
            report.pending.join(", ")
        ));
    }
    let mut criteria = new_table(style);
    criteria.set_header(vec!["criterion", "score", "max", "verdict", "why"]);
    for c in &report.criteria {
        criteria.add_row(vec![
            Cell::new(&c.code),
            Cell::new(number(c.score)),
            Cell::new(number(c.max_score)),
            verdict_cell(c.verdict, style),
            Cell::new(&c.reason),
        ]);
    }
    out.push('\n');
    out.push_str(&criteria.to_string());
    out.push('\n');
    let mut checks = new_table(style);
    checks.set_header(vec!["check", "criterion", "status", "score", "evidence"]);
    for check in &report.checks {
        let status = status_cell(check.status, style);
        let score = if matches!(check.status, Status::Passed | Status::Failed) {
            format!("{} / {}", number(check.score), number(check.max_score))
        } else {
            "-".to_owned()
        };
        checks.add_row(vec![
            Cell::new(&check.id),
            Cell::new(&check.criterion),
            status,
            Cell::new(score),
            Cell::new(&check.message),
        ]);
    }
    out.push('\n');
    out.push_str(&checks.to_string());
    out.push('\n');
    out
}

/// The candidate's self-check: each public check, its status and what is still missing,
/// without scores.
pub fn render_checklist(report: &Report, style: TableStyle) -> String {
    let mut table = new_table(style);
    table.set_header(vec!["check", "status", "what to look at"]);
    for check in &report.checks {
        table.add_row(vec![
            Cell::new(&check.title),
            status_cell(check.status, style),
            Cell::new(if check.status == Status::Passed {
                ""
            } else {
                check.message.as_str()
            }),
        ]);
    }
    format!("{table}\n")
}

fn status_cell(status: Status, style: TableStyle) -> Cell {
    let cell = Cell::new(status.label());
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
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
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
    }
}
