//! `class prepare`, `handout`, `status`, `collect`, `grade`, `report`: a training centre's mock
//! exam, from a roster to the grades its learning platform imports.

use epreuve_i18n::tr;
use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::Utc;
use epreuve_class::{
    Class, FollowState, GradeOptions, PrepareOptions, class_report, follow, grade_class, prepare,
    read_roster,
};
use epreuve_grade::clean_text;
use epreuve_provision::Cancel;
use epreuve_results::Outcome;
use serde_json::json;

use crate::cli::{
    ClassArgs, ClassCollectArgs, ClassGradeArgs, ClassHandoutArgs, ClassPrepareArgs,
    ClassReportArgs, Format,
};
use crate::exit_codes;
use crate::printer::Printer;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn prepare_class(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    cancel: &Cancel,
    args: &ClassPrepareArgs,
) -> anyhow::Result<u8> {
    // The exam first: an unknown one is said at once, whatever the roster's length.
    let catalogue = super::open_catalogue(catalogue)?;
    let exam = catalogue.exam(&args.exam)?;
    let members = read_roster(&args.roster)?;
    let (engine, route, images) = super::database::requested(&args.database, &exam);
    let options = PrepareOptions {
        engine,
        route,
        images,
        url: args.database.url.clone(),
        duration: args.duration,
        jobs: args.jobs.unwrap_or_else(cores),
        cancel: cancel.clone(),
    };
    let lang = printer.lang;
    printer.info(tr!(
        lang,
        "class-preparing",
        n = members.len(),
        exam = exam.manifest.id.as_str(),
        engine = engine.label(),
        route = route.to_string()
    ));
    let (class, summary) = prepare(
        &exam,
        &members,
        &args.dir,
        &options,
        &|id, result| match result {
            Ok(()) => printer.info(format!("  {}", tr!(lang, "class-ready", id = id))),
            Err(why) => printer.error(tr!(lang, "class-not-prepared", id = id, why = why.clone())),
        },
    )?;
    printer.result(
        || {
            format!(
                "{}\n",
                tr!(
                    lang,
                    "class-prepared",
                    made = summary.made.len(),
                    kept = summary.kept.len(),
                    failed = summary.failed.len(),
                    dir = class.dir().display().to_string()
                )
            )
        },
        || {
            json!({
                "dir": class.dir(),
                "made": summary.made,
                "kept": summary.kept,
                "failed": summary.failed.iter().map(|(id, why)| json!({"id": id, "why": why.english()})).collect::<Vec<_>>(),
            })
            .to_string()
        },
    );
    Ok(if cancel.is_cancelled() {
        exit_codes::CANCELLED
    } else if summary.failed.is_empty() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECKS_FAILED
    })
}

pub fn handout(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    args: &ClassHandoutArgs,
) -> anyhow::Result<u8> {
    let class = Class::open(&args.class.dir)?;
    let catalogue = super::open_catalogue(catalogue)?;
    let summary = epreuve_class::handout(&class, &catalogue, &args.out)?;
    for (id, why) in &summary.failed {
        printer.error(tr!(
            printer.lang,
            "class-not-handed-out",
            id = id,
            why = why.clone()
        ));
    }
    printer.result(
        || {
            format!(
                "{}\n",
                tr!(
                    printer.lang,
                    "class-handed-out",
                    written = summary.written.len(),
                    dir = args.out.display().to_string(),
                    failed = summary.failed.len()
                )
            )
        },
        || {
            json!({
                "written": summary.written,
                "failed": summary.failed.iter().map(|(id, why)| json!({"id": id, "why": why.english()})).collect::<Vec<_>>(),
            })
            .to_string()
        },
    );
    Ok(if summary.failed.is_empty() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECKS_FAILED
    })
}

pub fn collect(printer: &Printer, args: &ClassCollectArgs) -> anyhow::Result<u8> {
    let class = Class::open(&args.class.dir)?;
    let summary = epreuve_class::collect(&class, &args.files);
    for (file, why) in &summary.refused {
        printer.error(tr!(
            printer.lang,
            "class-refused",
            file = file.display().to_string(),
            why = why.clone()
        ));
    }
    printer.result(
        || {
            let mut out = String::new();
            for (id, file, seal) in &summary.taken {
                out.push_str(&format!(
                    "  {}\n",
                    tr!(
                        printer.lang,
                        "class-taken",
                        id = id,
                        file = file.display().to_string(),
                        seal = seal.as_str()
                    )
                ));
            }
            out.push_str(&format!(
                "{}\n",
                tr!(
                    printer.lang,
                    "class-collected",
                    taken = summary.taken.len(),
                    refused = summary.refused.len()
                )
            ));
            out
        },
        || {
            json!({
                "taken": summary.taken.iter().map(|(id, file, seal)| json!({"id": id, "file": file, "seal": seal})).collect::<Vec<_>>(),
                "refused": summary.refused.iter().map(|(file, why)| json!({"file": file, "why": why.english()})).collect::<Vec<_>>(),
            })
            .to_string()
        },
    );
    Ok(if summary.refused.is_empty() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECKS_FAILED
    })
}

pub fn status(printer: &Printer, args: &ClassArgs) -> anyhow::Result<u8> {
    let class = Class::open(&args.dir)?;
    let standings = follow(&class, Utc::now());
    printer.result(
        || {
            let lang = printer.lang;
            let local = |t: &chrono::DateTime<Utc>| {
                t.with_timezone(&chrono::Local)
                    .format("%d/%m %H:%M")
                    .to_string()
            };
            let mut out = String::new();
            for s in &standings {
                let progress = match &s.progress {
                    FollowState::NotPrepared { why } => {
                        tr!(lang, "class-follow-not-prepared", why = why.clone())
                    }
                    FollowState::Working { deadline } => {
                        tr!(lang, "class-follow-working", deadline = local(deadline))
                    }
                    FollowState::Overdue { deadline } => {
                        tr!(lang, "class-follow-overdue", deadline = local(deadline))
                    }
                    FollowState::Submitted { at, late: false } => {
                        tr!(lang, "class-follow-submitted", at = local(at))
                    }
                    FollowState::Submitted { at, late: true } => {
                        tr!(lang, "class-follow-submitted-late", at = local(at))
                    }
                };
                let database = match &s.database_problem {
                    None => tr!(lang, "class-follow-database-answers"),
                    Some(why) => tr!(lang, "class-follow-database-silent", why = why.clone()),
                };
                out.push_str(&format!(
                    "{:<12} {:<24} {progress}; {database}\n",
                    s.member.id, s.member.name
                ));
            }
            out
        },
        || serde_json::to_string_pretty(&standings).unwrap_or_default(),
    );
    Ok(exit_codes::SUCCESS)
}

pub fn grade(
    printer: &Printer,
    catalogue: Option<PathBuf>,
    cancel: &Cancel,
    args: &ClassGradeArgs,
) -> anyhow::Result<u8> {
    let class = Class::open(&args.class.dir)?;
    let catalogue = super::open_catalogue(catalogue)?;
    // A candidate's pack has no hidden rules: refused before any result is read or replaced.
    catalogue.require_full("`class grade`")?;
    let options = GradeOptions {
        jobs: args.jobs.unwrap_or_else(cores),
        regrade: args.regrade,
        cancel: cancel.clone(),
    };
    let total = class.manifest.members.len();
    let count = std::sync::atomic::AtomicUsize::new(0);
    let bar = progress_bar(printer, total);
    let summary = grade_class(&class, &catalogue, &options, &|id, outcome| {
        let n = count.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let what = match outcome {
            Outcome::Graded { report } if report.gradable => {
                format!("{} / {}", report.score, report.max_score)
            }
            Outcome::Graded { .. } => tr!(printer.lang, "class-graded-partly"),
            Outcome::NotGradable { reason } => {
                tr!(
                    printer.lang,
                    "class-not-gradable",
                    why = reason.render(printer.lang)
                )
            }
        };
        let line = format!("[{n}/{total}] {}: {}", clean_text(id), clean_text(&what));
        match &bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None if !printer.quiet => eprintln!("{line}"),
            None => {}
        }
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    print_summary(printer, &summary, args.regrade);
    Ok(if summary.left > 0 {
        exit_codes::CANCELLED
    } else {
        exit_codes::SUCCESS
    })
}

/// Where `class grade` says how it is going: standard error, so that a JSON result stays
/// whole; a bar with the time left on a terminal, a line per candidate otherwise (a log, CI).
fn progress_bar(printer: &Printer, total: usize) -> Option<indicatif::ProgressBar> {
    (!printer.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            // indicatif's placeholders, placed by the catalogue's words.
            indicatif::ProgressStyle::with_template(&tr!(
                printer.lang,
                "class-grade-bar",
                bar = "{bar:30}",
                pos = "{pos}",
                len = "{len}",
                elapsed = "{elapsed}",
                eta = "{eta}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// What `class grade` did: graded, kept, left, results changed by hand, scores that moved.
fn print_summary(printer: &Printer, summary: &epreuve_class::GradeSummary, regrade: bool) {
    printer.result(
        || {
            let mut out = format!(
                "{}\n",
                tr!(
                    printer.lang,
                    if summary.left > 0 {
                        "class-graded-interrupted"
                    } else {
                        "class-graded"
                    },
                    graded = summary.graded,
                    kept = summary.kept,
                    left = summary.left
                )
            );
            for id in &summary.changed {
                out.push_str(&format!(
                    "{}\n",
                    tr!(printer.lang, "class-result-changed", id = id.as_str())
                ));
            }
            if regrade || !summary.moved.is_empty() {
                out.push('\n');
                out.push_str(&epreuve_report::render_movements(
                    &summary.moved,
                    printer.lang,
                ));
            }
            out
        },
        || {
            json!({
                "graded": summary.graded,
                "kept": summary.kept,
                "left": summary.left,
                "moved": summary.moved,
                "changed": summary.changed,
            })
            .to_string()
        },
    );
}

pub fn report(printer: &Printer, args: &ClassReportArgs) -> anyhow::Result<u8> {
    let class = Class::open(&args.dir)?;
    let report = class_report(&class);
    let text = match printer.format {
        Format::Table => {
            epreuve_report::render_class_table(&report, printer.table_style(), printer.lang)
        }
        Format::Json => epreuve_report::render_class_json(&report),
        Format::Csv => epreuve_report::render_class_csv(&report),
        Format::Gradescope => {
            let out = args
                .out
                .as_deref()
                .unwrap_or(std::path::Path::new("gradescope"));
            let mut written = 0;
            for line in &report.results {
                if let Some(one) = line.grade() {
                    let folder = out.join(&line.member.id);
                    std::fs::create_dir_all(&folder)?;
                    epreuve_fs::write_atomic(
                        &folder.join("results.json"),
                        epreuve_report::render_gradescope(one).as_bytes(),
                    )?;
                    written += 1;
                }
            }
            format!(
                "{}\n",
                tr!(
                    printer.lang,
                    "class-gradescope-written",
                    written = written,
                    dir = out.display().to_string(),
                    ungradable = report.results.len() - written
                )
            )
        }
        Format::Html => {
            let out = args.out.as_deref().unwrap_or(std::path::Path::new("html"));
            let index = epreuve_report::write_class_html(&report, out, printer.lang)?;
            format!(
                "{}\n",
                tr!(
                    printer.lang,
                    "class-html-written",
                    index = index.display().to_string(),
                    n = report.results.len(),
                    dir = out.join("candidates").display().to_string()
                )
            )
        }
    };
    // The class report draws no colour of its own: cleaned whatever the terminal, so that a
    // name a candidate chose (a file of answers/) never drives it. JSON and CSV clean their
    // own values as they write them (an escape of JSON's, a cell a spreadsheet shows as text):
    // cleaning their text afterwards would break what they wrote.
    match printer.format {
        Format::Json => println!("{text}"),
        Format::Csv => print!("{text}"),
        _ => print!("{}", clean_text(&text)),
    }
    Ok(exit_codes::SUCCESS)
}
