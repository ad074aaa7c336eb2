//! The candidate's own measurements (`answers/mesures.csv`), read in the spellings people
//! write them and set against what epreuve measured.

use epreuve_fs::Root;

use epreuve_results::{Said, said};

use super::{Outcome, Timing, median, ratio, show_ratio};

/// The candidate's measurements, set against epreuve's: every query reported on both tables,
/// where epreuve found a verdict the same conclusion, and, with `max_factor`, times that a
/// client on another machine could have measured ([`implausible`]).
pub(crate) fn measurements_outcome(
    answers: &Root,
    answer: &str,
    timing: &Timing,
    max_factor: Option<f64>,
) -> Outcome {
    let file = format!("answers/{answer}");
    let text = match crate::checks::read_answer(answers, answer) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let reported = match read_measurements(&text) {
        Ok(reported) => reported,
        Err(problem) => {
            return Outcome::lost(said!("ev-file-problem", file = &file, problem = problem));
        }
    };
    let mut right = 0usize;
    let mut said = Vec::new();
    let mut wrong = Vec::new();
    let mut at_fault: Vec<String> = Vec::new();
    for query in &timing.queries {
        match judge_query(query, timing, &reported, max_factor) {
            Ok(compared) => {
                right += 1;
                said.push(compared);
            }
            Err(why) => {
                at_fault.push(query.id.clone());
                wrong.push(why);
            }
        }
    }
    let total = timing.queries.len().max(1);
    if wrong.is_empty() {
        Outcome::passed(said!("ev-measure-right", file = &file, queries = said))
    } else {
        Outcome::failed(
            right as f64 / total as f64,
            said!(
                "ev-measure-wrong",
                file = &file,
                right = right,
                total = total,
                wrong = wrong
            ),
            said!(
                "hint-measure-wrong",
                file = &file,
                right = right,
                total = total,
                queries = at_fault.join(", ")
            ),
        )
    }
}

/// The candidate's times of `query` on both tables against epreuve's: the comparison when
/// they agree (and are plausible), else why not.
fn judge_query(
    query: &super::QueryTiming,
    timing: &Timing,
    reported: &[Measured],
    max_factor: Option<f64>,
) -> Result<Said, Said> {
    let times = |table: &str| -> Vec<f64> {
        reported
            .iter()
            .filter(|m| {
                m.query.eq_ignore_ascii_case(&query.id) && m.table.eq_ignore_ascii_case(table)
            })
            .map(|m| m.ms)
            .collect()
    };
    let (slow, fast) = (times(&timing.slow), times(&timing.fast));
    let missing: Vec<Said> = [(&timing.slow, &slow), (&timing.fast, &fast)]
        .iter()
        .filter(|(_, t)| t.is_empty())
        .map(|(name, _)| said!("ev-table-name", table = name.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(said!(
            "ev-measure-no-time",
            query = &query.id,
            tables = crate::checks::joined("join-nor", missing)
        ));
    }
    let theirs = ratio(median(&slow), median(&fast));
    let ours = query.ratio();
    let agrees = match (query.verdict(), query.min_ratio) {
        (Some(true), _) => theirs > 1.0,
        (Some(false), Some(min)) => theirs < min,
        _ => true,
    };
    let compared = said!(
        "ev-measure-compared",
        query = &query.id,
        theirs = show_ratio(theirs),
        ours = show_ratio(ours)
    );
    // Held to epreuve's gain at the engine's best, not to the median it shows: a client
    // cheaper than epreuve's (the engine's own timer) may report up to that gain.
    let best = query.best_ratio();
    let off = if theirs > 0.0 && best > 0.0 {
        theirs / best
    } else {
        f64::INFINITY
    };
    let refused = match max_factor {
        Some(max) if agrees => implausible(
            query,
            (median(&slow), median(&fast)),
            (&timing.slow, &timing.fast),
            max,
            &compared,
            off,
        ),
        _ => None,
    };
    match refused {
        Some(why) => Err(why),
        None if agrees => Ok(compared),
        None if query.verdict() == Some(true) => {
            Err(said!("ev-measure-not-faster", compared = compared))
        }
        None => Err(said!("ev-measure-false-gain", compared = compared)),
    }
}

/// One line of the candidate's measurements.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub query: String,
    pub table: String,
    pub ms: f64,
}

/// Reads `requete;table;duree_ms` lines (`,` or tab also accepted as separators, a decimal
/// comma when the separator is not a comma; several lines for the same query and table are
/// several runs).
pub(crate) fn read_measurements(text: &str) -> Result<Vec<Measured>, Said> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Err(said!("measure-empty"));
    };
    let separator = [';', '\t', ',']
        .into_iter()
        .find(|s| header.contains(*s))
        .ok_or_else(|| said!("measure-no-separator", header = header))?;
    let names: Vec<String> = header
        .split(separator)
        .map(|n| n.trim().trim_matches('"').to_lowercase())
        .collect();
    let position = |accepted: &[&str]| names.iter().position(|n| accepted.contains(&n.as_str()));
    let (Some(query), Some(table), Some(ms)) = (
        position(&["requete", "requête", "query"]),
        position(&["table"]),
        position(&["duree_ms", "durée_ms", "duration_ms", "ms", "temps_ms"]),
    ) else {
        return Err(said!("measure-wrong-columns", columns = names.join(", ")));
    };
    let mut measured = Vec::new();
    for (index, line) in lines {
        let cells: Vec<&str> = line
            .split(separator)
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let number = cell(ms).replace(' ', "");
        let number = if separator == ',' {
            number
        } else {
            number.replace(',', ".")
        };
        let value: f64 = number
            .parse()
            .map_err(|_| said!("measure-not-duration", line = index + 1, value = cell(ms)))?;
        if !(value.is_finite() && value > 0.0) {
            return Err(said!(
                "measure-not-positive",
                line = index + 1,
                value = cell(ms)
            ));
        }
        measured.push(Measured {
            query: cell(query).to_owned(),
            table: cell(table).to_owned(),
            ms: value,
        });
    }
    if measured.is_empty() {
        return Err(said!("measure-none"));
    }
    Ok(measured)
}

/// Why the candidate's times of `query` cannot have been measured, or `None` when they can.
///
/// A client measures the engine's time on its machine, plus a cost of its own that does not
/// depend on the table (a round trip, a DataFrame built, rows printed): reported ≈ k × engine +
/// c, with k the speed of the candidate's machine against the grading one's and c ≥ 0. With
/// two tables, k and c follow from the times; the report holds when:
/// - the gain is not more than `max` times the one epreuve measured (a cost only shrinks a
///   gain, and a faster machine does not multiply it);
/// - k lies between 1/`max` and `max`: another machine, another load, not another engine;
/// - c is not below minus half the engine's time on the optimised table, on that machine: no
///   client measures a query faster than the engine answers it (half is the noise of honest
///   runs). The engine's time is epreuve's less what epreuve's own client pays to ask anything
///   (`SELECT 1` timed in the same rounds): on a query a key answers in a tenth of a
///   millisecond, that cost is most of epreuve's figure, and the engine's own timer (psql's
///   `\timing`, MariaDB's profiling) rightly reports less.
///
/// Where epreuve measured less than a gain of 2, the difference between the tables is mostly
/// noise and k cannot be found: each time must then not be more than `max` times faster than
/// the engine's, and the direction is judged as before.
fn implausible(
    query: &super::QueryTiming,
    (theirs_slow, theirs_fast): (f64, f64),
    (slow_table, fast_table): (&str, &str),
    max: f64,
    compared: &Said,
    off: f64,
) -> Option<Said> {
    if off > max {
        return Some(said!(
            "ev-measure-too-large",
            compared = compared.clone(),
            off = show_ratio(off),
            allowed = show_ratio(max)
        ));
    }
    let (ours_slow, ours_fast) = (query.median_slow(), query.median_fast());
    let (engine_slow, engine_fast) = query.engine_ms();
    if ours_slow < 2.0 * ours_fast {
        // No gain to speak of: the difference between the tables is noise, and only the times
        // themselves can be judged, each against the engine's with another machine's slack.
        let slowest = [
            (theirs_slow, engine_slow, slow_table),
            (theirs_fast, engine_fast, fast_table),
        ]
        .into_iter()
        .find(|(theirs, engine, _)| *theirs < engine / max);
        return slowest.map(|(theirs, ours, table)| {
            said!(
                "ev-measure-faster-than-engine",
                compared = compared.clone(),
                table = table,
                theirs = show_ms(theirs),
                ours = show_ms(ours)
            )
        });
    }
    let speed = (theirs_slow - theirs_fast) / (ours_slow - ours_fast);
    if !(1.0 / max..=max).contains(&speed) {
        return Some(said!(
            "ev-measure-other-speed",
            compared = compared.clone(),
            speed = show_ratio(speed),
            allowed = show_ratio(max)
        ));
    }
    // The slope is the same with or without epreuve's own cost (it is the same on both
    // tables); the floor is the engine's time.
    let cost = theirs_fast - speed * engine_fast;
    if cost < -0.5 * speed * engine_fast {
        return Some(said!(
            "ev-measure-faster-than-engine",
            compared = compared.clone(),
            table = fast_table,
            theirs = show_ms(theirs_fast),
            ours = show_ms(engine_fast)
        ));
    }
    None
}

/// Milliseconds as the messages show them.
fn show_ms(ms: f64) -> String {
    if ms >= 10.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R1 as epreuve measured it: `slow` and `fast` milliseconds on the two tables, asking
    /// anything free.
    fn measured(slow: f64, fast: f64) -> super::super::QueryTiming {
        measured_asking(slow, fast, 0.0)
    }

    /// R1 as epreuve measured it, `ask` milliseconds of each time its own client's.
    fn measured_asking(slow: f64, fast: f64, ask: f64) -> super::super::QueryTiming {
        timed(vec![slow; 7], vec![fast; 7], vec![ask; 7])
    }

    /// R1 as epreuve measured it, run by run: the slow table, the fast one, asking anything.
    fn timed(slow_ms: Vec<f64>, fast_ms: Vec<f64>, ask_ms: Vec<f64>) -> super::super::QueryTiming {
        super::super::QueryTiming {
            id: "R1".into(),
            slow_ms,
            fast_ms,
            ask_ms,
            min_ratio: Some(10.0),
            plan_uses_index: Some(true),
            plan_line: String::new(),
        }
    }

    /// The refusal of a candidate's `slow` and `fast` times against `query`, by message id.
    fn refusal(query: &super::super::QueryTiming, slow: f64, fast: f64) -> Option<String> {
        let off = ratio(slow, fast) / query.best_ratio();
        implausible(
            query,
            (slow, fast),
            ("ventes_brutes", "ventes"),
            5.0,
            &Said::verbatim("R1"),
            off,
        )
        .map(|s| s.id)
    }

    #[test]
    fn a_client_cost_shrinks_the_gain_and_keeps_the_points() {
        // epreuve: 30 ms against 0.15 ms, ×200.
        let query = measured(30.0, 0.15);
        // The engine's own timing (psql's \timing, MariaDB's profiling), a little noisy.
        assert_eq!(refusal(&query, 33.0, 0.17), None);
        // pandas.read_sql: about 0.8 ms of its own on every call, a gain of ×32.
        assert_eq!(refusal(&query, 30.8, 0.95), None);
        // A GUI client on a laptop twice as slow, 5 ms to show any result.
        assert_eq!(refusal(&query, 65.0, 5.3), None);
    }

    #[test]
    fn invented_or_impossible_times_lose_them() {
        let query = measured(30.0, 0.15);
        // A gain of ×100,000: no client multiplies a gain.
        assert_eq!(
            refusal(&query, 30.0, 0.0003).as_deref(),
            Some("ev-measure-too-large")
        );
        // Both tables ten times faster than the engine answers: not a measurement of it.
        assert_eq!(
            refusal(&query, 3.0, 0.015).as_deref(),
            Some("ev-measure-other-speed")
        );
        // The optimised table faster than the engine can be, the slow one honest, the gain
        // within the factor.
        assert_eq!(
            refusal(&query, 30.0, 0.05).as_deref(),
            Some("ev-measure-faster-than-engine")
        );
    }

    #[test]
    fn the_floor_is_the_engines_time_not_epreuves_client() {
        // epreuve: 38 ms against 0.30 ms on a loaded machine, 0.16 ms of each its own client's
        // round trip. psql's \timing, taken at a quieter moment, reports 0.13 ms: the engine
        // answers in about 0.14 ms, and that figure is honest.
        let query = measured_asking(38.2, 0.30, 0.16);
        assert_eq!(refusal(&query, 39.7, 0.13), None);
        // Ten times less than the engine's own time is still no measurement of it.
        assert_eq!(
            refusal(&query, 39.7, 0.014).as_deref(),
            Some("ev-measure-too-large")
        );
        let query = measured_asking(38.2, 0.30, 0.10);
        assert_eq!(
            refusal(&query, 38.2, 0.08).as_deref(),
            Some("ev-measure-faster-than-engine")
        );
    }

    #[test]
    fn without_a_gain_measured_the_times_are_judged_one_by_one() {
        // epreuve: ×1.1, noise between honest runs makes it ×0.8 or ×1.3 elsewhere.
        let query = measured(53.0, 46.0);
        assert_eq!(refusal(&query, 48.0, 60.0), None);
        assert_eq!(refusal(&query, 70.0, 52.0), None);
        // A time twenty times shorter than the engine's own.
        assert_eq!(
            refusal(&query, 2.6, 2.3).as_deref(),
            Some("ev-measure-faster-than-engine")
        );
    }

    /// R1 as epreuve measured it on a fast machine (MariaDB, 2026-12-07): the short query is
    /// 0.13 ms when it runs first in its round and 0.41 ms right after the other table's scan,
    /// which four rounds of seven do; asking anything costs 0.11 ms, or 0.24 ms after a scan.
    fn measured_after_scans() -> super::super::QueryTiming {
        timed(
            vec![297.6, 297.7, 297.4, 294.4, 291.9, 289.9, 289.8],
            vec![0.411, 0.217, 0.420, 0.125, 0.403, 0.132, 0.422],
            vec![0.105, 0.119, 0.248, 0.116, 0.251, 0.119, 0.235],
        )
    }

    #[test]
    fn the_engines_own_timer_keeps_its_points_when_a_scan_slows_the_next_query() {
        let query = measured_after_scans();
        // epreuve shows ×731 (its medians); MariaDB's profiling reports 0.128 ms on the
        // optimised table, ×2300, and psql-like clients 0.07 to 0.09 ms: all honest.
        assert_eq!(refusal(&query, 294.0, 0.128), None);
        assert_eq!(refusal(&query, 296.0, 0.09), None);
        assert_eq!(refusal(&query, 295.0, 0.07), None);
        // A figure no engine gives on that table, and a gain ten times any measured.
        assert_eq!(
            refusal(&query, 294.0, 0.0005).as_deref(),
            Some("ev-measure-too-large")
        );
        assert_eq!(
            refusal(&query, 294.0, 0.012).as_deref(),
            Some("ev-measure-too-large")
        );
    }
}
