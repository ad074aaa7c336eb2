//! `epreuve watch`, the candidate's live view, driven in tmux as a person uses it (keys sent,
//! the pane read back), and its accessible mode read as text.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{EXAM, catalogue_copy, centre, code, epreuve, epreuve_with, repo, stderr};

/// A tmux server of the test's own, killed at the end whatever happens.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Self {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "these tests need tmux: apt-get install tmux (.ci/run installs it)"
        );
        Self {
            socket: format!("epreuve-{name}-{}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `epreuve watch` in a new window of 110 × 36, in `cwd`, French, without colours.
    fn watch(&self, cwd: &Path, colour: bool) {
        let binary = env!("CARGO_BIN_EXE_epreuve");
        let catalogue = format!("EPREUVE_CATALOGUE={}", repo().display());
        let centre = format!("EPREUVE_CENTRE={}", centre().display());
        let mut args = vec![
            "new-session",
            "-d",
            "-s",
            "exam",
            "-x",
            "110",
            "-y",
            "36",
            "-c",
            cwd.to_str().unwrap(),
            "-e",
            &catalogue,
            "-e",
            &centre,
            "-e",
            "LANG=fr_FR.UTF-8",
            "-e",
            "TERM=xterm-256color",
        ];
        if !colour {
            args.extend(["-e", "NO_COLOR=1"]);
        }
        let command = format!("{binary} watch --dir ws; sleep 30");
        args.push(&command);
        self.run(&args);
    }

    fn pane(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "exam"])
    }

    /// Waits until the pane shows `needle`; returns the pane.
    fn wait_for(&self, needle: &str, within: Duration) -> String {
        let started = Instant::now();
        loop {
            let pane = self.pane();
            if pane.contains(needle) {
                return pane;
            }
            assert!(
                started.elapsed() < within,
                "`{needle}` not shown within {within:?}:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// The seconds left the pane shows after "Temps restant : ".
fn seconds_shown(pane: &str) -> i64 {
    let at = pane.find("Temps restant : ").expect("the clock") + "Temps restant : ".len();
    let digits: String = pane[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    digits
        .split(':')
        .fold(0, |total, part| total * 60 + part.parse::<i64>().unwrap())
}

/// The deadline recorded in the workspace, in seconds from now.
fn seconds_to_deadline(ws: &Path) -> i64 {
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.join(".epreuve/state.json")).unwrap()).unwrap();
    let deadline: chrono::DateTime<chrono::Utc> =
        state["deadline"].as_str().unwrap().parse().unwrap();
    (deadline - chrono::Utc::now()).num_seconds()
}

fn start(cwd: &Path, duration: &str) {
    let out = epreuve(
        cwd,
        &[
            "start",
            EXAM,
            "--dir",
            "ws",
            "--candidate",
            "w1",
            "--duration",
            duration,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// A query listing DuckDB's default tables (its system views): saving it makes one public
/// check pass on a new database.
const DEFAULT_TABLES: &str = "SELECT schema_name, view_name FROM duckdb_views();\n";

#[test]
fn the_live_view_counts_down_rechecks_on_save_warns_and_submits_at_the_deadline() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    start(cwd, "100s");
    let tmux = Tmux::new("watch");
    tmux.watch(cwd, false);
    let first = tmux.wait_for("Aucune des", Duration::from_secs(30));
    assert!(
        first.contains("épreuve bloc1-chargement · candidat·e w1"),
        "{first}"
    );
    assert!(
        first.contains("q : quitter la vue"),
        "the keys are shown:\n{first}"
    );
    assert!(first.contains("Base de données"), "{first}");
    assert!(
        first.contains("la table `ventes` n'existe pas"),
        "what is missing, in French: {first}"
    );
    // The countdown moves.
    let before = seconds_shown(&first);
    std::thread::sleep(Duration::from_millis(2200));
    let after = seconds_shown(&tmux.pane());
    assert!(
        after < before && after >= before - 4,
        "{before} then {after}"
    );
    // A saved answer changes the checklist.
    std::fs::write(cwd.join("ws/answers/tables_par_defaut.sql"), DEFAULT_TABLES).unwrap();
    let pane = tmux.wait_for("1 vérification sur", Duration::from_secs(15));
    assert!(pane.contains("✔"), "{pane}");

    // Leaving the view leaves the exam going; opened again, it shows the sealed time left.
    tmux.run(&["send-keys", "-t", "exam", "q"]);
    tmux.wait_for("L'épreuve continue", Duration::from_secs(10));
    tmux.run(&["kill-server"]);
    std::thread::sleep(Duration::from_secs(2));
    let tmux = Tmux::new("watch-again");
    // In colour when its screenshot is kept (the README's is made this way).
    tmux.watch(cwd, std::env::var_os("EPREUVE_SCREENSHOT_WATCH").is_some());
    let pane = tmux.wait_for("Temps restant : ", Duration::from_secs(30));
    let shown = seconds_shown(&pane);
    let expected = seconds_to_deadline(&cwd.join("ws"));
    assert!(
        (shown - expected).abs() <= 2,
        "the view shows {shown} s left, the sealed deadline is {expected} s away"
    );

    // The one-minute warning, then the submission just before the deadline.
    let pane = tmux.wait_for(
        "Attention : il reste 1 minute.",
        Duration::from_secs(expected as u64),
    );
    assert!(pane.contains("⚠"), "{pane}");
    if let Ok(keep) = std::env::var("EPREUVE_SCREENSHOT_WATCH") {
        screenshot(&tmux, cwd, Path::new(&keep));
    }
    let pane = tmux.wait_for("Soumis automatiquement", Duration::from_secs(60));
    assert!(
        pane.contains("vos réponses et votre base sont scellées"),
        "{pane}"
    );
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("ws/.epreuve/state.json")).unwrap())
            .unwrap();
    assert_eq!(state["submitted"]["late"], false, "{state:#}");
    let bundle = cwd
        .join("ws/.epreuve/submissions")
        .join(state["submitted"]["bundle"].as_str().unwrap());
    assert!(
        bundle.join("answers/tables_par_defaut.sql").is_file(),
        "what was saved is in the submission"
    );
}

#[test]
fn the_accessible_mode_says_one_line_per_event() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    // Real time, kept short: the warnings at 30, 15, 5 and 1 minutes are tested on a driven
    // clock (`the_countdown_warnings_and_submission_on_a_driven_clock`).
    start(cwd, "30s");
    // The candidate's tool holds the database open for writing as the view starts.
    let session = duckdb::Connection::open(cwd.join("ws/base.duckdb")).unwrap();
    // Not a terminal: the accessible mode, by itself.
    let mut child = Command::new(env!("CARGO_BIN_EXE_epreuve"))
        .args(["watch", "--dir", "ws"])
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EPREUVE_CATALOGUE", repo())
        .env("EPREUVE_CENTRE", centre())
        .env("LANG", "fr_FR.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    drop(session);
    let output = loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break child.wait_with_output().unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "the accessible mode ends once the time is up and the work submitted"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "plain text: {text}"
    );
    assert_eq!(
        lines[0], "épreuve bloc1-chargement · candidat·e w1",
        "{text}"
    );
    assert!(lines[1].starts_with("Il reste "), "{text}");
    assert!(lines[1].contains("(fin à "), "{text}");
    assert_eq!(
        lines[2],
        "Votre travail sera soumis automatiquement 15 secondes avant la fin."
    );
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no line `{needle}`:\n{text}"))
    };
    // The database held open is waited for, said once, then checked once free.
    assert_eq!(
        lines[3],
        "Votre base est ouverte en écriture par un autre programme : la vérification attend qu'elle soit libre."
    );
    let checked = at("Aucune des ");
    assert!(lines[checked].contains("À revoir : "), "{text}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("Votre base est ouverte"))
            .count(),
        1,
        "{text}"
    );
    let fifteen = at("Il reste 15 secondes.");
    let submitted = at("Soumis automatiquement à ");
    let up = at("Temps écoulé.");
    assert!(
        checked < fifteen && checked < submitted && submitted < up && fifteen < up,
        "{text}"
    );
    assert!(lines[submitted].ends_with(": vos réponses et votre base sont scellées."));
    assert_eq!(up, lines.len() - 1, "{text}");
}

/// The pane as a person sees it, colours included, drawn by Chromium into `png`.
fn screenshot(tmux: &Tmux, cwd: &Path, png: &Path) {
    let ansi = tmux.run(&["capture-pane", "-p", "-e", "-t", "exam"]);
    let html = cwd.join("pane.html");
    std::fs::write(&html, ansi_to_html(&ansi)).unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", cwd.join(".chromium").display()),
            "--window-size=1040,700",
            &format!("--screenshot={}", png.display()),
            &format!("file://{}", html.display()),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A terminal's text with SGR colour sequences as an HTML page of a dark terminal.
fn ansi_to_html(ansi: &str) -> String {
    const COLOURS: [&str; 8] = [
        "#2e3436", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec",
    ];
    let mut out = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0;background:#1e1e1e}\
pre{margin:0;padding:12px;color:#d3d7cf;font:15px/1.25 'DejaVu Sans Mono',monospace}</style></head><body><pre>",
    );
    let (mut fg, mut bold, mut open) = (None::<&str>, false, false);
    let mut chars = ansi.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            let mut code = String::new();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    if d != 'm' {
                        code.clear();
                    }
                    break;
                }
                code.push(d);
            }
            let mut parts = code.split(';').map(|p| p.parse::<u8>().unwrap_or(0));
            while let Some(part) = parts.next() {
                match part {
                    0 => (fg, bold) = (None, false),
                    1 => bold = true,
                    22 => bold = false,
                    n @ 30..=37 => fg = Some(COLOURS[usize::from(n - 30)]),
                    n @ 90..=97 => fg = Some(COLOURS[usize::from(n - 90)]),
                    // 256 colours: the first sixteen are the terminal's own.
                    38 => match (parts.next(), parts.next()) {
                        (Some(5), Some(n)) => fg = Some(COLOURS[usize::from(n % 8)]),
                        (Some(2), _) => {
                            parts.next();
                            parts.next();
                        }
                        _ => {}
                    },
                    39 => fg = None,
                    _ => {}
                }
            }
            if open {
                out.push_str("</span>");
            }
            out.push_str(&format!(
                "<span style=\"color:{};font-weight:{}\">",
                fg.unwrap_or("#d3d7cf"),
                if bold { "bold" } else { "normal" }
            ));
            open = true;
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</span>");
    }
    out.push_str("</pre></body></html>");
    out
}

/// With a grace after the deadline, the view leaves the candidate the whole time: it says so,
/// submits at the deadline itself, and the submission is on time.
#[test]
fn with_a_grace_the_view_submits_at_the_deadline_and_on_time() {
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    let catalogue = catalogue_copy(cwd);
    let manifest = catalogue.join("exercises").join(EXAM).join("exam.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("duration = \"2h\"", "duration = \"2h\"\ngrace = \"2min\"");
    std::fs::write(&manifest, text).unwrap();
    let env = [("EPREUVE_CATALOGUE", catalogue.to_str().unwrap())];
    let out = epreuve_with(
        cwd,
        &[
            "start",
            EXAM,
            "--dir",
            "ws",
            "--candidate",
            "w2",
            "--duration",
            "20s",
        ],
        &env,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut child = Command::new(env!("CARGO_BIN_EXE_epreuve"))
        .args(["watch", "--dir", "ws", "--accessible"])
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EPREUVE_CATALOGUE", &catalogue)
        .env("EPREUVE_CENTRE", centre())
        .env("LANG", "fr_FR.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let output = loop {
        if child.try_wait().unwrap().is_some() {
            break child.wait_with_output().unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the view ends once the time is up and the work submitted"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "Votre travail sera soumis automatiquement à la fin, dans le délai de grâce que permet l'épreuve."
        ),
        "{text}"
    );
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("ws/.epreuve/state.json")).unwrap())
            .unwrap();
    let at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(state["submitted"]["at"].clone()).unwrap();
    let deadline: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(state["deadline"].clone()).unwrap();
    assert!(
        at >= deadline,
        "submitted at the deadline, not before: {at} < {deadline}"
    );
    assert_eq!(state["submitted"]["late"], false, "{state:#}");
    assert!(text.contains("Soumis automatiquement à "), "{text}");
}

/// The live view on a clock the test drives: a two-hour exam, its whole countdown in a few
/// seconds. The warnings fall due at 30, 15, 5 and 1 minutes left and no other time, the time
/// is announced at the accessible mode's intervals, a saved answer is checked again, the view
/// submits for the candidate 15 seconds before the deadline (on time, with what was saved),
/// and says once that the time is up.
#[test]
fn the_countdown_warnings_and_submission_on_a_driven_clock() {
    use chrono::Duration as Span;
    use epreuve_live::{Event, Lang, Watch};
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path();
    start(cwd, "2h");
    let ws = cwd.join("ws");
    let catalogue = epreuve_exam::Catalogue::open(repo()).unwrap();
    let mut watch = Watch::open(&ws, catalogue, Lang::Fr).unwrap();
    let deadline = watch.deadline;
    // The instant moves with the driven clock, so that the view looks at the files and runs
    // its checks as it would over those minutes; the checks themselves run for real.
    let origin = Instant::now();
    let driven = |watch: &mut Watch, left: Span| -> Vec<Event> {
        let elapsed = Span::hours(2) - left;
        let instant = origin + elapsed.to_std().unwrap_or_default();
        watch.tick(deadline - left, instant)
    };
    // The first check, waited for in real time at two hours left.
    let mut first = Vec::new();
    let waited = Instant::now();
    while !first.contains(&Event::Checked) {
        assert!(waited.elapsed() < Duration::from_secs(60), "{first:?}");
        first.extend(driven(&mut watch, Span::hours(2)));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(watch.checklist.as_ref().unwrap().passed, 0);
    // A saved answer: the view looks again and one more check passes.
    std::fs::write(ws.join("answers/tables_par_defaut.sql"), DEFAULT_TABLES).unwrap();
    let mut rechecked = Vec::new();
    let mut left = Span::hours(2);
    while watch.checklist.as_ref().unwrap().passed == 0 {
        assert!(left > Span::minutes(100), "no recheck: {rechecked:?}");
        left -= Span::seconds(1);
        rechecked.extend(driven(&mut watch, left));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(rechecked.contains(&Event::Checked), "{rechecked:?}");
    // The rest of the exam, second by second.
    let mut events = Vec::new();
    while left > Span::seconds(-5) {
        left -= Span::seconds(1);
        for event in driven(&mut watch, left) {
            events.push((left.num_seconds(), event));
        }
    }
    let warnings: Vec<(i64, i64)> = events
        .iter()
        .filter_map(|(at, e)| match e {
            Event::Warning(minutes) => Some((*at, *minutes)),
            _ => None,
        })
        .collect();
    assert_eq!(
        warnings,
        [(1800, 30), (900, 15), (300, 5), (60, 1)],
        "warnings (seconds left, minutes said)"
    );
    let announced: Vec<i64> = events
        .iter()
        .filter_map(|(at, e)| matches!(e, Event::Time(_)).then_some(*at))
        .collect();
    assert!(
        announced.contains(&600) && announced.contains(&240) && announced.contains(&45),
        "every 5 minutes, every minute in the last 5, every 15 s in the last: {announced:?}"
    );
    let submitted: Vec<&(i64, Event)> = events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Submitted { .. }))
        .collect();
    assert_eq!(submitted.len(), 1, "{events:?}");
    let (at, Event::Submitted { record, automatic }) = submitted[0] else {
        unreachable!()
    };
    assert_eq!(*at, 15, "15 seconds before the deadline");
    assert!(*automatic && !record.late, "{record:?}");
    let bundle = ws.join(".epreuve/submissions").join(&record.bundle);
    assert!(
        bundle.join("answers/tables_par_defaut.sql").is_file(),
        "what was saved is in the submission"
    );
    let up: Vec<i64> = events
        .iter()
        .filter_map(|(at, e)| matches!(e, Event::TimeUp).then_some(*at))
        .collect();
    assert_eq!(up, [0], "the time is up once, at the deadline");
}
