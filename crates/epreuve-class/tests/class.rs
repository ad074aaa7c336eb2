//! A class of twelve on DuckDB, end to end through the library: prepared from a roster, each
//! candidate playing a shipped solution (or nothing, a late submission, a broken seal, a
//! workspace gone), graded on two cores, resumed, regraded after a grader change; every
//! figure of the class report and every row of its CSV checked against the candidates'
//! individual gradings.

use std::path::{Path, PathBuf};

use chrono::Utc;
use epreuve_class::{Class, GradeOptions, PrepareOptions, class_report, grade_class, prepare};
use epreuve_exam::Catalogue;
use epreuve_grade::{Truth, Visibility, apply_solution};
use epreuve_grading::Request;
use epreuve_provision::{Cancel, ImageSource, Route};
use epreuve_results::{Engine, Outcome, Report, Status, Verdict};
use epreuve_session::{Centre, Workspace};

const EXAM: &str = "bloc1-chargement";

/// `id`'s own files, beside their workspace, with the first `n` sales of another candidate
/// added to their sales (`planted` is `<other>-<n>`): what a candidate who pasted a few of a
/// neighbour's lines into their own file loads.
fn with_rows_of(class: &Class, id: &str, planted: &str) -> PathBuf {
    let (other, n) = planted.rsplit_once('-').unwrap();
    let n: usize = n.parse().unwrap();
    let mixed = class.dir().join(format!("mixed-{id}"));
    copy_dir(&class.workspace(id).join("data"), &mixed);
    let theirs = std::fs::read_to_string(class.workspace(other).join("data/ventes.csv")).unwrap();
    let mut sales = std::fs::read_to_string(mixed.join("ventes.csv")).unwrap();
    for line in theirs.lines().skip(1).take(n) {
        sales.push_str(line);
        sales.push('\n');
    }
    std::fs::write(mixed.join("ventes.csv"), sales).unwrap();
    mixed
}

/// The candidates and what each does: a shipped solution submitted on time, or another fate.
const PLAYS: [(&str, &str); 14] = [
    ("c01", "reference"),
    ("c02", "ville-triee"),
    ("c03", "chargee-deux-fois"),
    ("c04", "prix-vides"),
    ("c05", "date-en-texte"),
    ("c06", "tout-en-texte"),
    ("c07", "colonne-oubliee"),
    ("c08", "textes-coupes"),
    ("c09", "late"),
    ("c10", "blank"),
    ("c11", "broken-seal"),
    ("c12", "gone"),
    ("c13", "copy-of-c01"),
    ("c14", "copy-of-preview"),
];

/// A class on the embedded DuckDB, two workspaces prepared at once.
fn embedded_options() -> PrepareOptions {
    PrepareOptions {
        engine: Engine::DuckDb,
        route: Route::Embedded,
        images: ImageSource::Official,
        url: None,
        duration: None,
        jobs: 2,
        cancel: Cancel::new(),
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A copy of the catalogue, which the regrade changes.
fn catalogue_copy(parent: &Path) -> PathBuf {
    let target = parent.join("catalogue");
    for folder in ["exercises", "graders", "datasets"] {
        copy_dir(&repo().join(folder), &target.join(folder));
    }
    target
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const HOSTILE_NAME: &str =
    "Zoé <img src=x onerror=alert(1)><script>document.title='pwned'</script>";

fn roster() -> String {
    let mut text = String::from("identifiant;nom;courriel;tiers temps\n");
    for (i, (id, _)) in PLAYS.iter().enumerate() {
        let extra = if *id == "c05" { "30" } else { "" };
        // A name that would be markup on a page, were it not escaped.
        let name = if *id == "c04" {
            HOSTILE_NAME.to_owned()
        } else {
            format!("Candidat·e {i}")
        };
        text.push_str(&format!("{id};{name};{id}@example.org;{extra}\n"));
    }
    text
}

/// Plays candidate `id`'s part in their workspace.
fn play(catalogue: &Catalogue, class: &Class, id: &str, part: &str) {
    let dir = class.workspace(id);
    match part {
        "gone" => {
            std::fs::remove_dir_all(&dir).unwrap();
            return;
        }
        "blank" => return,
        _ => {}
    }
    let exam = catalogue.exam(EXAM).unwrap();
    let grader = exam.grader().unwrap();
    let solution = if part.contains('-')
        && part != "broken-seal"
        && !part.starts_with("copy")
        && !part.starts_with("rows-of-")
    {
        part
    } else {
        "reference"
    };
    let (manifest, solution_dir) = exam.solution(solution).unwrap();
    let mut workspace = Workspace::open(&dir).unwrap();
    // A copier loads someone else's files: another candidate's, or the catalogue's preview.
    let data = match part.strip_prefix("copy-of-") {
        Some("preview") => exam.dataset_dir.clone(),
        Some(other) => class.workspace(other).join("data"),
        None => match part.strip_prefix("rows-of-") {
            Some(planted) => with_rows_of(class, id, planted),
            None => dir.join("data"),
        },
    };
    let truth = Truth::compute(&exam, &grader, &data).unwrap();
    {
        let db = workspace.open_database_writable().unwrap();
        apply_solution(
            solution,
            &manifest,
            &solution_dir,
            &grader,
            &truth,
            db.as_ref(),
            &workspace.answers_dir(),
        )
        .unwrap();
    }
    let now = if part == "late" {
        workspace.state().deadline + chrono::Duration::minutes(5)
    } else {
        Utc::now()
    };
    let record = workspace.submit(now).unwrap();
    if part == "broken-seal" {
        let seal = dir
            .join(".epreuve/submissions")
            .join(&record.bundle)
            .join("seal.json");
        let text = std::fs::read_to_string(&seal).unwrap();
        std::fs::write(&seal, text.replacen('"', "\"x", 1)).unwrap();
    }
}

/// The candidate graded alone, as `epreuve grade` grades one workspace.
fn alone(catalogue: &Catalogue, class: &Class, id: &str) -> Option<Report> {
    let workspace = Workspace::open(&class.workspace(id)).ok()?;
    let centre = Centre::of_class(class.centre_dir());
    epreuve_grading::grade_workspace(&Request {
        workspace: &workspace,
        catalogue,
        visibility: Visibility::Full,
        evaluation: None,
        centre: Some(&centre),
        cancel: &Cancel::new(),
        strays: None,
    })
    .ok()
}

#[test]
fn a_class_of_twelve_from_roster_to_gradebook() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue_dir = catalogue_copy(temp.path());
    let catalogue = Catalogue::open(&catalogue_dir).unwrap();
    let exam = catalogue.exam(EXAM).unwrap();
    let roster_file = temp.path().join("roster.csv");
    std::fs::write(&roster_file, roster()).unwrap();
    let members = epreuve_class::read_roster(&roster_file).unwrap();
    let dir = temp.path().join("class");
    let options = embedded_options();
    let (class, summary) = prepare(&exam, &members, &dir, &options, &|_, _| {}).unwrap();
    assert_eq!(
        (summary.made.len(), summary.failed.len()),
        (14, 0),
        "{summary:?}"
    );
    // Each candidate has data of their own, and the centre's record of it.
    let first = std::fs::read(class.workspace("c01").join("data/ventes.csv")).unwrap();
    let second = std::fs::read(class.workspace("c02").join("data/ventes.csv")).unwrap();
    assert_ne!(first, second);
    let centre = Centre::of_class(class.centre_dir());
    let record = centre
        .find(&Workspace::open(&class.workspace("c05")).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        (record.deadline - record.started_at).num_minutes(),
        i64::try_from(exam.manifest.duration.as_secs() / 60).unwrap() + 30,
        "c05's extra time"
    );
    // Prepared again, nothing is made twice.
    let (_, again) = prepare(&exam, &members, &dir, &options, &|_, _| {}).unwrap();
    assert_eq!((again.made.len(), again.kept.len()), (0, 14));

    // c03 saves a query that c10 copies, laid out differently; c11 writes their own. c03's is
    // sealed with their submission, c10 never submits; c09 pastes the same query after
    // submitting, which is not part of what they submitted.
    let answers = |id: &str| class.workspace(id).join("answers/par_magasin.sql");
    let query = "SELECT code_magasin, SUM(montant_ttc) AS ca\nFROM ventes\nGROUP BY code_magasin\nORDER BY ca DESC;\n";
    std::fs::write(answers("c03"), query).unwrap();
    for (id, part) in PLAYS {
        play(&catalogue, &class, id, part);
    }
    std::fs::write(answers("c09"), query).unwrap();
    std::fs::write(
        answers("c10"),
        "-- chiffre d'affaires\nselect CODE_MAGASIN, sum(montant_ttc) as CA from ventes group by code_magasin order by ca desc;",
    )
    .unwrap();
    std::fs::write(
        answers("c11"),
        "SELECT v.code_magasin, m.ville, COUNT(*) FROM ventes v JOIN magasins m USING (code_magasin) GROUP BY 1, 2;",
    )
    .unwrap();
    let grading = GradeOptions {
        jobs: 2,
        regrade: false,
        cancel: Cancel::new(),
    };
    let graded = grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    assert_eq!((graded.graded, graded.kept, graded.left), (14, 0, 0));

    // Every figure of the class report, from the candidates graded alone.
    let report = class_report(&class);
    let individual: Vec<(String, Option<Report>)> = PLAYS
        .iter()
        .map(|(id, _)| ((*id).to_owned(), alone(&catalogue, &class, id)))
        .collect();
    assert_eq!(report.candidates, 14);
    assert_eq!(report.graded, 13, "c12's workspace is gone");
    assert_agrees(&report, &individual);
    let reference = individual[0].1.as_ref().unwrap();
    assert_eq!(
        reference.score, reference.max_score,
        "the reference gets every point"
    );
    assert_eq!(report.max_score, reference.max_score);
    assert_html_in_chromium(&report, &temp.path().join("html"));
    assert_planted_markup_is_inert(&report, &temp.path().join("planted"));
    // The copied query is a lead; the candidate's own is not, nor a file added after
    // submission.
    let leads: Vec<_> = report
        .similar_queries
        .iter()
        .filter(|p| p.file == "par_magasin.sql")
        .collect();
    assert_eq!(leads.len(), 1, "{:?}", report.similar_queries);
    assert_eq!(
        (
            leads[0].a.as_str(),
            leads[0].b.as_str(),
            leads[0].similarity
        ),
        ("c03", "c10", 1.0)
    );
    // The copied tables, and only them: c13 holds c01's data in every table, c14 the
    // catalogue's preview. The candidates whose values are spoiled (a column sorted alone,
    // prices emptied, texts cut) hold rows of nobody else.
    assert_copies(
        &report,
        &exam,
        &class,
        &[("c13", "c01"), ("c14", "preview")],
    );
    // The fates the assessor must see.
    let notes = |id: &str| {
        let r = individual
            .iter()
            .find(|(i, _)| i == id)
            .unwrap()
            .1
            .as_ref()
            .unwrap();
        (
            r.notes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            r.integrity.english().join(" "),
        )
    };
    assert!(
        notes("c09").0.contains("submitted late"),
        "{:?}",
        notes("c09")
    );
    assert!(
        notes("c10").0.contains("not submitted"),
        "{:?}",
        notes("c10")
    );
    assert!(notes("c11").1.contains("seal"), "{:?}", notes("c11"));

    // Run again: the sealed submissions stand; the blank workspace and the one gone are
    // graded again (nothing frozen says they did not change).
    let resumed = grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    assert_eq!((resumed.graded, resumed.kept), (2, 12), "{resumed:?}");
    assert!(resumed.moved.is_empty(), "{resumed:?}");

    // A grader change: the values checks weigh 3 instead of 2. Exactly the candidates who had
    // points on a values check move.
    let grader_file = catalogue_dir.join("graders").join(EXAM).join("grader.toml");
    let text = std::fs::read_to_string(&grader_file).unwrap();
    let changed = text.replace(
        "[checks.values]\ncriterion = \"C1.9\"\nweight = 2",
        "[checks.values]\ncriterion = \"C1.9\"\nweight = 3",
    );
    assert_ne!(text, changed);
    std::fs::write(&grader_file, changed).unwrap();
    let catalogue = Catalogue::open(&catalogue_dir).unwrap();
    let after_change = grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    assert_eq!(
        after_change.graded, 14,
        "a new grader grades everyone again"
    );
    let expected: Vec<&str> = individual
        .iter()
        .filter(|(_, r)| {
            r.as_ref().is_some_and(|r| {
                r.checks
                    .iter()
                    .any(|c| c.id.ends_with(".values") && c.score > 0.0)
            })
        })
        .map(|(id, _)| id.as_str())
        .collect();
    let moved: Vec<&str> = after_change.moved.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(moved, expected);
    let reference_moved = &after_change.moved[0];
    assert_eq!(
        reference_moved.after.unwrap() - reference_moved.before.unwrap(),
        4.0,
        "four tables' values checks gain a point each"
    );
    assert!(
        reference_moved
            .checks
            .iter()
            .all(|(id, _, _)| id.ends_with(".values"))
    );
}

/// Every figure of the class report and every row of its gradebook CSV, against the
/// candidates graded alone (`None`: not gradable alone).
fn assert_agrees(report: &epreuve_results::ClassReport, individual: &[(String, Option<Report>)]) {
    assert_eq!(report.results.len(), individual.len());
    for ((id, alone), line) in individual.iter().zip(&report.results) {
        assert_eq!(&line.member.id, id);
        match (&line.outcome, alone) {
            (Outcome::Graded { report: in_class }, Some(alone)) => {
                assert_eq!(in_class.score, alone.score, "{id}");
                assert_eq!(in_class.checks.len(), alone.checks.len(), "{id}");
                assert!(in_class.gradable && alone.gradable, "{id}");
            }
            (Outcome::NotGradable { reason }, None) => {
                let reason = reason.english();
                assert!(reason.contains("workspace"), "{id}: {reason}")
            }
            (outcome, alone) => panic!("{id}: {outcome:?} in class, {alone:?} alone"),
        }
    }
    let graded: Vec<&Report> = individual.iter().filter_map(|(_, r)| r.as_ref()).collect();
    assert_eq!(report.graded, graded.len());
    let mut scores: Vec<f64> = graded.iter().map(|r| r.score).collect();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    assert!((report.mean - mean).abs() < 0.01, "{} {mean}", report.mean);
    scores.sort_by(f64::total_cmp);
    let n = scores.len();
    let median = if n % 2 == 1 {
        scores[n / 2]
    } else {
        (scores[n / 2 - 1] + scores[n / 2]) / 2.0
    };
    assert!(
        (report.median - median).abs() < 0.01,
        "{} {median}",
        report.median
    );
    let max = graded.iter().map(|r| r.max_score).fold(0.0, f64::max);
    assert_eq!(report.max_score, max);
    assert_eq!(report.histogram.iter().map(|b| b.count).sum::<usize>(), n);
    for (i, bin) in report.histogram.iter().enumerate() {
        let (from, to) = (max * i as f64 / 10.0, max * (i + 1) as f64 / 10.0);
        let inside = scores
            .iter()
            .filter(|s| **s >= from - 1e-9 && (**s < to - 1e-9 || (i == 9 && **s <= max)))
            .count();
        assert_eq!(bin.count, inside, "bin {i}: {from} to {to}");
    }
    for rate in &report.criteria {
        let verdicts: Vec<Verdict> = graded
            .iter()
            .filter_map(|r| r.criteria.iter().find(|c| c.code == rate.code))
            .map(|c| c.verdict)
            .collect();
        let acquired = verdicts.iter().filter(|v| **v == Verdict::Acquired).count();
        let judged = verdicts
            .iter()
            .filter(|v| matches!(v, Verdict::Acquired | Verdict::NotAcquired))
            .count();
        assert_eq!(
            (rate.acquired, rate.judged),
            (acquired, judged),
            "{}",
            rate.code
        );
    }
    for rate in &report.checks {
        let checked: Vec<_> = graded
            .iter()
            .filter_map(|r| r.checks.iter().find(|c| c.id == rate.id))
            .filter(|c| matches!(c.status, Status::Passed | Status::Failed))
            .collect();
        let failed = checked.iter().filter(|c| c.score < c.max_score).count();
        assert_eq!(
            (rate.failed, rate.graded),
            (failed, checked.len()),
            "{}",
            rate.id
        );
    }
    assert!(
        report
            .checks
            .windows(2)
            .all(|w| w[0].failure_rate >= w[1].failure_rate),
        "the checks that fail most come first"
    );
    // The gradebook: one row per candidate, the total and each criterion's points.
    let csv = epreuve_report::render_class_csv(report);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[..4], ["id", "name", "email", "total"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), individual.len());
    for ((row, (id, alone)), line) in rows.iter().zip(individual).zip(&report.results) {
        assert_eq!(&row[0], id);
        assert_eq!(&row[2], line.member.email.as_deref().unwrap_or_default());
        match alone {
            Some(alone) => {
                assert_eq!(row[3].parse::<f64>().unwrap(), alone.score, "{id}");
                // Each criterion's points, then each criterion's verdict (`C1.9 verdict`).
                for (i, column) in header[4..header.len() - 1].iter().enumerate() {
                    let (code, verdict) = match column.strip_suffix(" verdict") {
                        Some(code) => (code, true),
                        None => (column.as_str(), false),
                    };
                    let criterion = alone.criteria.iter().find(|c| c.code == code).unwrap();
                    if verdict {
                        assert_eq!(&row[4 + i], criterion.verdict.label(), "{id} {column}");
                    } else {
                        assert_eq!(
                            row[4 + i].parse::<f64>().unwrap(),
                            criterion.score,
                            "{id} {code}"
                        );
                    }
                }
            }
            None => {
                assert_eq!(&row[3], "");
                assert!(row[header.len() - 1].starts_with("not gradable"), "{row:?}");
            }
        }
    }
}

/// A few rows of another candidate's data in a candidate's own table: three pasted into
/// 24,000 sales are below the share the jury's grid tolerates as lost (1 %), change no verdict
/// and are what a framer would plant to name someone: they are not reported. Three hundred are
/// past it: the table is named, with the owner, the share and the rows as evidence.
#[test]
fn a_few_rows_of_another_candidates_data_are_reported_from_the_share_that_matters() {
    let temp = tempfile::tempdir().unwrap();
    let catalogue_dir = catalogue_copy(temp.path());
    let catalogue = Catalogue::open(&catalogue_dir).unwrap();
    let exam = catalogue.exam(EXAM).unwrap();
    let roster = "id,name\nd01,Owner\nd02,Three rows\nd03,A hundred rows\n";
    let members = epreuve_class::parse_roster(roster.as_bytes(), Path::new("roster.csv")).unwrap();
    let options = embedded_options();
    let dir = temp.path().join("class");
    let (class, _) = prepare(&exam, &members, &dir, &options, &|_, _| {}).unwrap();
    for (id, part) in [
        ("d01", "reference"),
        ("d02", "rows-of-d01-3"),
        ("d03", "rows-of-d01-300"),
    ] {
        play(&catalogue, &class, id, part);
    }
    let grading = GradeOptions {
        jobs: 2,
        regrade: false,
        cancel: Cancel::new(),
    };
    grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    let report = class_report(&class);
    let named: Vec<(&str, &str, usize)> = report
        .copied_rows
        .iter()
        .map(|c| (c.candidate.as_str(), c.table.as_str(), c.rows))
        .collect();
    assert_eq!(named, [("d03", "ventes", 300)], "{:#?}", report.copied_rows);
    let copy = &report.copied_rows[0];
    assert_eq!(
        copy.from,
        epreuve_results::DataOwner::Candidate { id: "d01".into() }
    );
    let sentence = epreuve_report::copied_sentence(copy, epreuve_i18n::Lang::En);
    assert_eq!(
        sentence,
        format!(
            "d03's table ventes holds 300 of its {} rows from d01's ventes.csv: rows drawn for d01 alone, from the centre's secret, so they came from d01's files; d01 is their source, not a suspect",
            copy.table_rows
        )
    );
    // 1 % of the table (24,300 rows): more than three rows, fewer than three hundred.
    let share = copy.table_rows / 100;
    assert!(3 < share && share < 300, "{}", copy.table_rows);
}

/// Headless Chromium, as Debian's `chromium` package installs it.
fn chromium(profile: &Path, args: &[&str]) -> std::process::Output {
    let binary = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("these tests need Chromium: apt-get install chromium (.ci/run installs it)");
    let out = std::process::Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The class's HTML pages loaded in headless Chromium: what the browser builds of them shows
/// the class's figures, every candidate, the copies, charts with a title and a description,
/// tables with headers, and a candidate's name as text, never as markup; nothing is fetched.
/// A screenshot of the class page is taken (and kept where `EPREUVE_SCREENSHOT` says: the
/// README's is made this way).
fn assert_html_in_chromium(report: &epreuve_results::ClassReport, out: &Path) {
    let index = epreuve_report::write_class_html(report, out, epreuve_i18n::Lang::En).unwrap();
    let profile = out.join(".chromium");
    let url = format!("file://{}", index.display());
    let dom = String::from_utf8(chromium(&profile, &["--dump-dom", &url]).stdout).unwrap();
    assert!(
        dom.contains(&format!("<title>Class report: {EXAM}</title>")),
        "the title is the page's, not a candidate's script: {dom}"
    );
    assert!(dom.contains(&format!(
        "{} of {} candidates graded · mean {} · median {}",
        report.graded,
        report.candidates,
        shown(report.mean),
        shown(report.median)
    )));
    for line in &report.results {
        assert!(
            dom.contains(&format!(
                "<a href=\"candidates/{0}.html\">{0}</a>",
                line.member.id
            )),
            "{}",
            line.member.id
        );
    }
    assert!(!dom.contains("<img") && !dom.contains("<script"), "{dom}");
    assert!(dom.contains("Zoé &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;"));
    assert!(!dom.contains("http://") && !dom.contains("https://"));
    assert!(dom.contains("default-src 'none'"));
    // Charts a screen reader can read: a role, a title and a description that says the
    // figures.
    let charts = dom.matches("<svg ").count();
    assert_eq!(charts, 2, "the spread and the criteria");
    assert_eq!(
        dom.matches("<svg role=\"img\" aria-labelledby=").count(),
        charts
    );
    let band = &report.histogram[0];
    assert!(dom.contains(&format!(
        "{} to {}: {} candidate",
        shown(band.from),
        shown(band.to),
        band.count
    )));
    assert_eq!(
        dom.matches("<table>").count(),
        dom.matches("<caption>").count()
    );
    assert!(dom.matches("<th scope=\"col\">").count() >= 5 * 4);
    for copy in &report.copied_rows {
        assert!(dom.contains(&format!(
            "<th scope=\"row\">{}</th><td>{}</td>",
            copy.candidate, copy.table
        )));
    }
    // The jury's grid: each indicator in the referential's French words, its English gloss
    // under it, and the share of the class that acquired it.
    let lines: Vec<&epreuve_results::IndicatorRate> =
        report.criteria.iter().flat_map(|c| &c.indicators).collect();
    assert!(lines.len() >= 6, "{lines:?}");
    for line in &lines {
        assert!(
            dom.contains(&format!("<span lang=\"fr\">{}</span>", line.text)),
            "{}: {dom}",
            line.id
        );
        assert!(dom.contains(&format!("({})", line.gloss)), "{}", line.id);
    }
    // A candidate's page: their score and every check.
    let reference = report.results[0].grade().unwrap();
    let page = format!("file://{}", out.join("candidates/c01.html").display());
    let dom = String::from_utf8(chromium(&profile, &["--dump-dom", &page]).stdout).unwrap();
    assert!(dom.contains(&format!(
        "<strong>Score: {} / {}</strong>",
        shown(reference.score),
        shown(reference.max_score)
    )));
    for check in &reference.checks {
        assert!(dom.contains(&format!("<th scope=\"row\">{}</th>", check.id)));
    }
    // Their grid, line by line, with its verdict.
    for c in &reference.criteria {
        for line in &c.indicators {
            assert!(
                dom.contains(&format!("<span lang=\"fr\">{}</span>", line.text)),
                "{}",
                line.id
            );
        }
    }
    assert!(
        dom.matches("<td class=\"passed\">acquis</td>").count() >= 6,
        "the reference acquires every line: {dom}"
    );
    assert!(
        dom.contains("c13's table ventes holds"),
        "c01's data was copied"
    );
    // What it shows: a screenshot of the class page, of the size asked.
    let png = out.join("class.png");
    chromium(
        &profile,
        &[
            "--window-size=1100,1500",
            &format!("--screenshot={}", png.display()),
            &url,
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1100, 1500));
    assert!(
        bytes.len() > 30_000,
        "a page with text and charts, not a blank one"
    );
    if let Ok(keep) = std::env::var("EPREUVE_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

/// Markup a candidate or a roster could plant: a script, an image that runs code when it
/// fails, a bold word. Rendered as text, the browser builds none of these elements.
const PLANTED: &str =
    "<script>document.title='pwned'</script><img src=x onerror=alert(1)><b>gras</b>";

/// The texts of a class report that a candidate or a roster controls, wherever they reach a
/// page: names, tables, columns, values and file names quoted in messages (a message's
/// arguments), checks' titles, the evidence of copies, the files of similar queries. Roster
/// identifiers are left alone: `class prepare` refuses any that is not a safe file name.
fn plant(value: &mut serde_json::Value, key: &str, inside_args: bool) {
    const CONTROLLED: [&str; 10] = [
        "name", "table", "source", "evidence", "file", "title", "text", "gloss", "reason",
        "message",
    ];
    match value {
        serde_json::Value::String(text) if inside_args || CONTROLLED.contains(&key) => {
            text.push_str(PLANTED);
        }
        serde_json::Value::Array(items) => {
            for item in items {
                plant(item, key, inside_args);
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                plant(field, name, inside_args || name == "args");
            }
        }
        _ => {}
    }
}

/// Every text a candidate or a roster controls, planted with markup and script, stays text in
/// the class page and in each candidate's page as Chromium builds them: no element of it is
/// made, and the planted words are shown, escaped, where they were put.
fn assert_planted_markup_is_inert(report: &epreuve_results::ClassReport, out: &Path) {
    let mut value = serde_json::to_value(report).unwrap();
    plant(&mut value, "", false);
    let planted: epreuve_results::ClassReport = serde_json::from_value(value).unwrap();
    let index = epreuve_report::write_class_html(&planted, out, epreuve_i18n::Lang::En).unwrap();
    let profile = out.join(".chromium");
    let mut pages = vec![index];
    pages.extend(
        planted
            .results
            .iter()
            .take(3)
            .map(|line| out.join(format!("candidates/{}.html", line.member.id))),
    );
    for page in pages {
        let url = format!("file://{}", page.display());
        let dom = String::from_utf8(chromium(&profile, &["--dump-dom", &url]).stdout).unwrap();
        for element in ["<script", "<img", "<b>"] {
            assert!(!dom.contains(element), "{element} built in {url}: {dom}");
        }
        assert!(!dom.contains("<title>pwned"), "{dom}");
        let shown = dom
            .matches("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;gras&lt;/b&gt;")
            .count();
        assert!(shown >= 5, "{shown} planted texts shown in {url}: {dom}");
    }
}

/// A number as the pages write it: no useless decimals.
fn shown(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}").trim_end_matches('0').to_owned()
    }
}

/// The class report names exactly the copiers of `copies` (copier, whose data: a candidate
/// or `preview`), in every table of the exam, most of each table's rows, with the first row
/// of the owner's file as the first evidence.
fn assert_copies(
    report: &epreuve_results::ClassReport,
    exam: &epreuve_exam::Exam,
    class: &Class,
    copies: &[(&str, &str)],
) {
    use epreuve_results::DataOwner;
    let tables: Vec<&str> = exam
        .manifest
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for (copier, from) in copies {
        let (owner, data) = match *from {
            "preview" => (DataOwner::Preview, exam.dataset_dir.clone()),
            id => (
                DataOwner::Candidate { id: id.into() },
                class.workspace(id).join("data"),
            ),
        };
        let found: Vec<_> = report
            .copied_rows
            .iter()
            .filter(|c| c.candidate == *copier)
            .collect();
        let mut named: Vec<&str> = found.iter().map(|c| c.table.as_str()).collect();
        named.sort_unstable();
        let mut expected = tables.clone();
        expected.sort_unstable();
        assert_eq!(named, expected, "{copier}: {:#?}", report.copied_rows);
        for copy in found {
            assert_eq!(copy.from, owner, "{copy:?}");
            // Lines loaded twice in the source are one row of evidence; a large table is
            // compared on the first rows epreuve keeps.
            let compared = if copy.at_least {
                epreuve_grade::STRAYS_KEPT
            } else {
                copy.table_rows
            };
            assert_eq!(copy.at_least, copy.table_rows > epreuve_grade::STRAYS_KEPT);
            assert!(
                copy.rows * 100 >= compared * 95 && copy.rows <= compared,
                "{copy:?}"
            );
            assert!(copy.evidence[0].starts_with("row 1: "), "{copy:?}");
        }
        // The first sale of the owner's file, as its first line writes it.
        let sales = std::fs::read_to_string(data.join("ventes.csv")).unwrap();
        let first_id = sales
            .lines()
            .nth(1)
            .unwrap()
            .split([',', ';'])
            .next()
            .unwrap();
        let evidence = &report
            .copied_rows
            .iter()
            .find(|c| c.candidate == *copier && c.table == "ventes")
            .unwrap()
            .evidence[0];
        assert!(
            evidence.starts_with(&format!("row 1: {first_id} | ")),
            "{evidence}"
        );
    }
    assert!(
        report
            .copied_rows
            .iter()
            .all(|c| copies.iter().any(|(copier, _)| c.candidate == *copier)),
        "only the copiers: {:#?}",
        report.copied_rows
    );
}

/// Stops the local server of the test, whatever happens to the test.
struct Server {
    root: PathBuf,
    location: epreuve_provision::DatabaseLocation,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = epreuve_provision::down(&self.root, &self.location, None);
    }
}

/// A class of twelve on one PostgreSQL server through the `url` route: one database and two
/// roles per candidate, graded through each candidate's grading account. The server dies
/// during grading: the candidates it did not answer are not gradable, never scored, and the
/// next run, once it is back, grades them. The class report then agrees with the candidates
/// graded alone, and names the copiers; its exports say it whole; the class folder moved
/// elsewhere still grades and reports the same. The same on MariaDB.
#[test]
fn a_class_of_twelve_on_one_postgresql_server_that_dies_during_grading() {
    a_class_of_twelve_on_one_server_that_dies_during_grading(Engine::Postgres);
}

/// The same class on one MariaDB server.
#[test]
fn a_class_of_twelve_on_one_mariadb_server_that_dies_during_grading() {
    a_class_of_twelve_on_one_server_that_dies_during_grading(Engine::MariaDb);
}

fn a_class_of_twelve_on_one_server_that_dies_during_grading(engine: Engine) {
    const ON_SERVER: [(&str, &str); 12] = [
        ("p01", "reference"),
        ("p02", "ville-triee"),
        ("p03", "prix-vides"),
        ("p04", "colonne-oubliee"),
        ("p05", "late"),
        ("p06", "broken-seal"),
        ("p07", "copy-of-p01"),
        ("p08", "copy-of-preview"),
        ("p09", "date-en-texte"),
        ("p10", "textes-coupes"),
        ("p11", "chargee-deux-fois"),
        ("p12", "blank"),
    ];
    let temp = tempfile::tempdir().unwrap();
    let catalogue = Catalogue::open(repo()).unwrap();
    let exam = catalogue.exam(EXAM).unwrap();
    // The centre's server: a local PostgreSQL whose administrator the centre knows.
    let server_dir = temp.path().join("server");
    let server_centre = Centre::new(Some(temp.path().join("server-centre")));
    let start = epreuve_session::StartOptions {
        engine,
        route: Route::Local,
        centre: server_centre.clone(),
        ..epreuve_session::StartOptions::embedded("server", Utc::now())
    };
    let server = Workspace::start(&exam, &server_dir, &start).unwrap();
    let record = server_centre.find(&server).unwrap().unwrap();
    let _server = Server {
        root: server_dir.clone(),
        location: record.database.clone(),
    };
    let admin = record
        .database
        .admin()
        .expect("the centre knows the administrator");
    let mut roster = String::from("id,name,email\n");
    for (id, _) in ON_SERVER {
        roster.push_str(&format!("{id},Candidat {id},{id}@example.org\n"));
    }
    let members = epreuve_class::parse_roster(roster.as_bytes(), Path::new("roster.csv")).unwrap();
    let options = PrepareOptions {
        engine,
        route: Route::Url,
        images: ImageSource::Official,
        url: Some(admin.url()),
        duration: None,
        jobs: 2,
        cancel: Cancel::new(),
    };
    let dir = temp.path().join("class");
    let (class, summary) = prepare(&exam, &members, &dir, &options, &|_, _| {}).unwrap();
    assert_eq!(summary.made.len(), 12, "{summary:?}");
    // Whatever the test does, each candidate's database and roles go at the end.
    let _databases = Databases {
        class: class.clone(),
        admin: admin.url(),
    };
    for (id, part) in ON_SERVER {
        play(&catalogue, &class, id, part);
    }
    // The server stops once four candidates are graded.
    let graded_so_far = std::sync::atomic::AtomicUsize::new(0);
    let stop = |_: &str, _: &Outcome| {
        if graded_so_far.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == 4 {
            epreuve_provision::down(&server_dir, &record.database, None).unwrap();
        }
    };
    let grading = GradeOptions {
        jobs: 2,
        regrade: false,
        cancel: Cancel::new(),
    };
    let first = grade_class(&class, &catalogue, &grading, &stop).unwrap();
    assert_eq!(first.graded, 12);
    let during = class_report(&class);
    let unanswered: Vec<&str> = during
        .results
        .iter()
        .filter(|r| r.grade().is_none())
        .map(|r| r.member.id.as_str())
        .collect();
    // The submitted candidates graded after the stop are graded from the dump frozen at
    // submission; the blank workspace, last of the roster, has none to fall back on: nothing
    // of it can be read, and a partial score is never a grade.
    assert!(unanswered.contains(&"p12"), "{unanswered:?}");
    assert!(
        during.results.iter().any(|r| r
            .grade()
            .is_some_and(|r| r.notes.contains(&epreuve_results::Note::GradedFromDump))),
        "graded from the dumps while the server was down"
    );
    assert_eq!(during.graded, 12 - unanswered.len());
    let csv = epreuve_report::render_class_csv(&during);
    for id in &unanswered {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap();
        assert!(row.contains(",not gradable"), "{row}");
    }

    // The server is back: the next run grades again exactly the candidates it did not answer.
    epreuve_provision::up(&server_dir, &record.database, &Cancel::new()).unwrap();
    let second = grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    assert_eq!(second.graded + second.kept, 12, "{second:?}");
    assert!(
        second.graded >= unanswered.len(),
        "{second:?} {unanswered:?}"
    );
    let report = class_report(&class);
    let individual: Vec<(String, Option<Report>)> = ON_SERVER
        .iter()
        .map(|(id, _)| ((*id).to_owned(), alone(&catalogue, &class, id)))
        .collect();
    assert_eq!(report.graded, 12);
    assert_agrees(&report, &individual);
    for line in &report.results {
        assert_eq!(line.report().unwrap().engine, engine);
    }
    let reference = report.results[0].report().unwrap();
    assert_eq!(reference.score, reference.max_score, "{reference:#?}");
    let prices = report.results[2].report().unwrap();
    let c19 = prices.criteria.iter().find(|c| c.code == "C1.9").unwrap();
    assert_eq!(
        c19.verdict,
        Verdict::NotAcquired,
        "prices emptied: C1.9 not acquired"
    );
    let late = report.results[4].report().unwrap();
    assert!(
        late.notes
            .iter()
            .any(|n| n.to_string().contains("submitted late"))
    );
    assert!(
        report.results[5]
            .report()
            .unwrap()
            .integrity
            .english()
            .join(" ")
            .contains("seal")
    );
    assert_copies(
        &report,
        &exam,
        &class,
        &[("p07", "p01"), ("p08", "preview")],
    );
    assert_exports(&report, &temp.path().join("exports"));

    // The class folder moved (another disk, another assessor's machine): its candidates'
    // databases are still found on the server, nothing is graded twice, the report is the same.
    let moved = temp.path().join("moved-class");
    std::fs::rename(class.dir(), &moved).unwrap();
    let class = Class::open(&moved).unwrap();
    let _databases = Databases {
        class: class.clone(),
        admin: admin.url(),
    };
    // The submitted eleven stand; p12, never submitted, is read live again, as on every run.
    let again = grade_class(&class, &catalogue, &grading, &|_, _| {}).unwrap();
    assert_eq!((again.graded, again.kept), (1, 11), "{again:?}");
    let after = class_report(&class);
    assert_eq!(
        epreuve_report::render_class_csv(&after),
        epreuve_report::render_class_csv(&report)
    );
    let regraded = GradeOptions {
        regrade: true,
        ..grading
    };
    let again = grade_class(&class, &catalogue, &regraded, &|_, _| {}).unwrap();
    assert_eq!(again.graded, 12, "{again:?}");
    assert!(again.moved.is_empty(), "{:?}", again.moved);
}

/// Every export of a class graded on a server: the gradebook (a line per candidate, each
/// criterion's points), the JSON (it reads back), Gradescope's file per candidate (its score
/// the report's), and the HTML pages as Chromium builds them (every candidate linked, no
/// element of anyone's text).
fn assert_exports(report: &epreuve_results::ClassReport, out: &Path) {
    let csv = epreuve_report::render_class_csv(report);
    assert_eq!(csv.lines().count(), report.results.len() + 1, "{csv}");
    for line in &report.results {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{},", line.member.id)))
            .unwrap_or_else(|| panic!("{} in {csv}", line.member.id));
        let graded = line.grade().unwrap();
        assert!(
            row.contains(&format!(",{},", shown(graded.score))),
            "{row}: {}",
            graded.score
        );
    }
    let json = epreuve_report::render_class_json(report);
    let back: epreuve_results::ClassReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.results.len(), report.results.len());
    for line in &report.results {
        let graded = line.grade().unwrap();
        let gradescope: serde_json::Value =
            serde_json::from_str(&epreuve_report::render_gradescope(graded)).unwrap();
        assert_eq!(
            gradescope["score"].as_f64(),
            Some(graded.score),
            "{gradescope:#}"
        );
    }
    let index = epreuve_report::write_class_html(report, out, epreuve_i18n::Lang::En).unwrap();
    let url = format!("file://{}", index.display());
    let dom =
        String::from_utf8(chromium(&out.join(".chromium"), &["--dump-dom", &url]).stdout).unwrap();
    for line in &report.results {
        assert!(
            dom.contains(&format!(
                "<a href=\"candidates/{0}.html\">{0}</a>",
                line.member.id
            )),
            "{}",
            line.member.id
        );
        assert!(
            out.join(format!("candidates/{}.html", line.member.id))
                .is_file()
        );
    }
    assert!(!dom.contains("<script") && !dom.contains("<img"), "{dom}");
}

/// Drops each candidate's database and roles with the centre's account.
struct Databases {
    class: Class,
    admin: String,
}

impl Drop for Databases {
    fn drop(&mut self) {
        let centre = Centre::new(Some(self.class.centre_dir()));
        for member in &self.class.manifest.members {
            let Ok(workspace) = Workspace::open(&self.class.workspace(&member.id)) else {
                continue;
            };
            if let Ok(Some(record)) = centre.find(&workspace) {
                let _ =
                    epreuve_provision::down(workspace.root(), &record.database, Some(&self.admin));
            }
        }
    }
}
