//! C1.10, the timing half: the statement's queries timed on the table as loaded (all text, no
//! index) and on the table the candidate optimised, and the candidate's own measurements set
//! against what epreuve measured.
//!
//! Each query runs `warmup` times on each table first, discarded (cold caches, first plans).
//! Then `runs` rounds, each running it once on both tables, the order swapped every round so
//! that neither table always runs second on a warmer cache. The verdict compares medians; the
//! spread reported is the interquartile range of the per-round ratios.

use epreuve_db::Query;
use epreuve_db::{Backend, Relation};
use epreuve_exam::TimingCheck;

use epreuve_results::{Said, SaidArg, said};

use super::Outcome;
use super::plan::{plan_line, plan_uses_index};
use crate::stats::{Percentile, quantile_sorted};

mod measurements;

pub(crate) use measurements::measurements_outcome;
#[cfg(test)]
use measurements::read_measurements;

/// One query timed on both tables.
#[derive(Debug, Clone)]
pub(crate) struct QueryTiming {
    pub id: String,
    /// Measured runs on the non-optimised table, in milliseconds.
    pub slow_ms: Vec<f64>,
    /// Measured runs on the optimised table, same rounds.
    pub fast_ms: Vec<f64>,
    /// What asking anything costs epreuve's own client in the same rounds (`SELECT 1`): the
    /// part of its times that is not the engine's.
    pub ask_ms: Vec<f64>,
    pub min_ratio: Option<f64>,
    /// Whether the optimised table's plan uses an index, when the statement asks for one.
    pub plan_uses_index: Option<bool>,
    /// The first line of that plan, for messages.
    pub plan_line: String,
}

impl QueryTiming {
    pub fn median_slow(&self) -> f64 {
        median(&self.slow_ms)
    }

    pub fn median_fast(&self) -> f64 {
        median(&self.fast_ms)
    }

    /// The optimised table's time at its best: the least of its runs. A short query is slowed
    /// by what ran just before it (the other table's scan, in every other round, leaves the
    /// caches and the server cold for it: 0.1 ms becomes 0.4 ms), never sped up, so its floor
    /// rather than its median is what the engine can do.
    pub fn best_fast(&self) -> f64 {
        least(&self.fast_ms).unwrap_or_else(|| self.median_fast())
    }

    /// The gain at the engine's best: the slow table's median against the fast table's best
    /// run. A client whose own cost is smaller than epreuve's (the engine's own timer) reports
    /// up to this gain, not the median's.
    pub fn best_ratio(&self) -> f64 {
        ratio(self.median_slow(), self.best_fast())
    }

    /// The engine's own time on the slow and on the fast table: epreuve's median on the slow
    /// table less what its client pays to ask anything (`SELECT 1`, median), and its best on
    /// the fast one less the least it paid to ask; never below zero.
    pub fn engine_ms(&self) -> (f64, f64) {
        let (ask, least_ask) = if self.ask_ms.is_empty() {
            (0.0, 0.0)
        } else {
            (median(&self.ask_ms), least(&self.ask_ms).unwrap_or(0.0))
        };
        (
            (self.median_slow() - ask).max(0.0),
            (self.best_fast() - least_ask).max(0.0),
        )
    }

    /// How many times faster the optimised table answers, median against median.
    pub fn ratio(&self) -> f64 {
        ratio(self.median_slow(), self.median_fast())
    }

    /// First and third quartiles of the per-round ratios.
    pub fn spread(&self) -> (f64, f64) {
        let mut rounds: Vec<f64> = self
            .slow_ms
            .iter()
            .zip(&self.fast_ms)
            .map(|(s, f)| ratio(*s, *f))
            .collect();
        rounds.sort_by(f64::total_cmp);
        (
            quantile_sorted(&rounds, 0.25, Percentile::Continuous),
            quantile_sorted(&rounds, 0.75, Percentile::Continuous),
        )
    }

    /// Whether the gain reaches what the statement asks; `None` when the query is only reported.
    pub fn verdict(&self) -> Option<bool> {
        self.min_ratio.map(|m| self.ratio() >= m)
    }

    fn describe(&self, slow: &str, fast: &str) -> Said {
        let (low, high) = self.spread();
        let verdict = match self.min_ratio {
            Some(min) if self.ratio() >= min => {
                said!("ev-timing-enough", min = show_ratio(min))
            }
            Some(min) => said!("ev-timing-not-enough", min = show_ratio(min)),
            None => said!("ev-timing-reported"),
        };
        let timed = said!(
            "ev-timing-query",
            query = &self.id,
            slow_ms = show_ms(self.median_slow()),
            slow = slow,
            fast_ms = show_ms(self.median_fast()),
            fast = fast,
            ratio = show_ratio(self.ratio()),
            low = show_ratio(low),
            high = show_ratio(high),
            verdict = verdict
        );
        match self.plan_uses_index {
            Some(true) => said!(
                "ev-and",
                first = timed,
                then = said!("ev-timing-plan-index", fast = fast)
            ),
            Some(false) => said!(
                "ev-and",
                first = timed,
                then = said!(
                    "ev-timing-plan-no-index",
                    fast = fast,
                    plan = &self.plan_line
                )
            ),
            None => timed,
        }
    }
}

/// What epreuve measured for one timing task.
#[derive(Debug, Clone)]
pub(crate) struct Timing {
    pub slow: String,
    pub fast: String,
    /// Rows of the slow and of the fast table.
    pub rows: (u64, u64),
    pub queries: Vec<QueryTiming>,
}

/// Times the statement's queries on both tables, or says why they cannot be compared.
pub(crate) fn measure(
    backend: &dyn Backend,
    tables: &[Relation],
    check: &TimingCheck,
) -> Result<Timing, Outcome> {
    let slow = match super::base_table(tables, &check.slow) {
        Ok(slow) => slow,
        Err(_) if Relation::find(tables, &check.slow).is_none() => {
            return Err(Outcome::lost(said!(
                "ev-timing-slow-gone",
                table = &check.slow
            )));
        }
        Err(outcome) => return Err(outcome),
    };
    let fast = match super::base_table(tables, &check.fast) {
        Ok(fast) => fast,
        Err(_) if Relation::find(tables, &check.fast).is_none() => {
            return Err(Outcome::lost(said!(
                "ev-timing-fast-missing",
                table = &check.fast
            )));
        }
        Err(outcome) => return Err(outcome),
    };
    let count = |table: &str| {
        backend
            .row_count(table)
            .map_err(|e| Outcome::from_error(&e, said!("doing-count-rows-of", table = table)))
    };
    let rows = (count(slow)?, count(fast)?);
    let indexes = backend
        .indexes(fast)
        .map_err(|e| Outcome::from_error(&e, said!("doing-list-indexes-of", table = fast)))?;
    let index_names: Vec<String> = indexes.iter().map(|i| i.name.to_lowercase()).collect();
    let engine = backend.engine().to_string();
    // The cheapest question the engine answers: timed, it is what epreuve's own client costs.
    let ask = epreuve_db::round_trip(backend.engine(), fast);
    let mut queries = Vec::new();
    for query in &check.queries {
        let on_slow = query.on(slow);
        let on_fast = query.on(fast);
        let time = |sql: &str, table: &str| -> Result<f64, Outcome> {
            let elapsed = backend
                .time_query(Query::saved(backend.engine(), sql))
                .map_err(|e| {
                    Outcome::from_error(
                        &e,
                        said!("doing-time-query", query = &query.id, table = table),
                    )
                })?;
            Ok(elapsed.as_secs_f64() * 1000.0)
        };
        for _ in 0..check.warmup {
            time(&on_slow, slow)?;
            time(&on_fast, fast)?;
        }
        let (mut slow_ms, mut fast_ms, mut ask_ms) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..check.runs {
            ask_ms.push(time(&ask, fast)?);
            if round % 2 == 0 {
                slow_ms.push(time(&on_slow, slow)?);
                fast_ms.push(time(&on_fast, fast)?);
            } else {
                fast_ms.push(time(&on_fast, fast)?);
                slow_ms.push(time(&on_slow, slow)?);
            }
        }
        let (plan_uses_index, plan_line) = if query.uses_index {
            let plan = backend
                .explain(Query::saved(backend.engine(), &on_fast))
                .map_err(|e| {
                    Outcome::from_error(
                        &e,
                        said!("doing-read-plan-of", query = &query.id, table = fast),
                    )
                })?;
            let line = plan_line(&plan);
            (Some(plan_uses_index(&plan, &index_names)), line)
        } else {
            (None, String::new())
        };
        tracing::debug!(query = %query.id, ?slow_ms, ?fast_ms, ?ask_ms, "timed");
        queries.push(QueryTiming {
            id: query.id.clone(),
            slow_ms,
            fast_ms,
            ask_ms,
            min_ratio: query.min_ratio_on(&engine),
            plan_uses_index,
            plan_line,
        });
    }
    Ok(Timing {
        slow: check.slow.clone(),
        fast: check.fast.clone(),
        rows,
        queries,
    })
}

/// The timing task's outcome: the share of `1 - plan_share` for each scored query whose gain
/// reaches its ratio, and the share of `plan_share` for each plan that must use an index.
pub(crate) fn timing_outcome(timing: &Timing, plan_share: f64) -> Outcome {
    let (slow_rows, fast_rows) = timing.rows;
    if slow_rows != fast_rows {
        // A table that answers faster because it lost rows is not optimised.
        return Outcome::lost(said!(
            "ev-timing-rows-differ",
            fast = &timing.fast,
            fast_rows = fast_rows,
            slow = &timing.slow,
            slow_rows = slow_rows
        ));
    }
    let scored: Vec<&QueryTiming> = timing
        .queries
        .iter()
        .filter(|q| q.min_ratio.is_some())
        .collect();
    let planned: Vec<&QueryTiming> = timing
        .queries
        .iter()
        .filter(|q| q.plan_uses_index.is_some())
        .collect();
    let plan_share = if planned.is_empty() { 0.0 } else { plan_share };
    let ratio_share = if scored.is_empty() {
        0.0
    } else {
        1.0 - plan_share
    };
    let fast_enough = scored.iter().filter(|q| q.verdict() == Some(true)).count();
    let indexed = planned
        .iter()
        .filter(|q| q.plan_uses_index == Some(true))
        .count();
    let mut fraction = 0.0;
    if !scored.is_empty() {
        fraction += ratio_share * fast_enough as f64 / scored.len() as f64;
    }
    if !planned.is_empty() {
        fraction += plan_share * indexed as f64 / planned.len() as f64;
    }
    let details: Vec<Said> = timing
        .queries
        .iter()
        .map(|q| q.describe(&timing.slow, &timing.fast))
        .collect();
    let message = said!("ev-parts", parts = details);
    if fast_enough == scored.len() && indexed == planned.len() {
        return Outcome::passed(message);
    }
    let mut hints = Vec::new();
    let slow_queries: Vec<&str> = scored
        .iter()
        .filter(|q| q.verdict() == Some(false))
        .map(|q| q.id.as_str())
        .collect();
    if !slow_queries.is_empty() {
        hints.push(said!(
            "hint-timing-not-faster",
            fast = &timing.fast,
            slow = &timing.slow,
            queries = slow_queries.join(", ")
        ));
    }
    let unindexed: Vec<&str> = planned
        .iter()
        .filter(|q| q.plan_uses_index == Some(false))
        .map(|q| q.id.as_str())
        .collect();
    if !unindexed.is_empty() {
        hints.push(said!(
            "hint-timing-no-index",
            queries = unindexed.join(", "),
            fast = &timing.fast
        ));
    }
    Outcome::failed(fraction, message, said!("ev-parts", parts = hints))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, 0.5, Percentile::Continuous)
}

/// The least of `values`, none when there are none.
fn least(values: &[f64]) -> Option<f64> {
    values.iter().copied().min_by(f64::total_cmp)
}

/// Slow over fast, a run too short to measure counting as a microsecond.
fn ratio(slow: f64, fast: f64) -> f64 {
    slow / fast.max(0.001)
}

fn show_ms(ms: f64) -> SaidArg {
    SaidArg::decimal(
        ms,
        if ms >= 100.0 {
            0
        } else if ms >= 1.0 {
            1
        } else {
            2
        },
    )
}

fn show_ratio(r: f64) -> SaidArg {
    SaidArg::decimal(r, if r >= 10.0 { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_in_french_with_several_runs() {
        let text =
            "requete;table;duree_ms\nR1;ventes_brutes;41,5\nR1;ventes_brutes;39\n\nR1;ventes;0,4\n";
        let read = read_measurements(text).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].ms, 41.5);
        assert_eq!(read[2].table, "ventes");
    }

    #[test]
    fn measurements_with_commas_and_other_names() {
        let text = "Query,Table,Duration_ms\nR2,ventes,12.5\n";
        let read = read_measurements(text).unwrap();
        assert_eq!(read[0].query, "R2");
        assert_eq!(read[0].ms, 12.5);
    }

    #[test]
    fn bad_measurements_name_the_line() {
        let error = read_measurements("requete;table;duree_ms\nR1;ventes;vite\n")
            .unwrap_err()
            .english();
        assert!(
            error.contains("line 2") && error.contains("vite"),
            "{error}"
        );
        let error = read_measurements("requete;table;duree_ms\nR1;ventes;0\n")
            .unwrap_err()
            .english();
        assert!(error.contains("positive"), "{error}");
        let error = read_measurements("a;b\n1;2\n").unwrap_err().english();
        assert!(error.contains("requete"), "{error}");
    }

    fn timed(
        slow: &[f64],
        fast: &[f64],
        min_ratio: Option<f64>,
        plan: Option<bool>,
    ) -> QueryTiming {
        QueryTiming {
            id: "R1".into(),
            slow_ms: slow.to_vec(),
            fast_ms: fast.to_vec(),
            ask_ms: Vec::new(),
            min_ratio,
            plan_uses_index: plan,
            plan_line: "Seq Scan on ventes".into(),
        }
    }

    #[test]
    fn the_verdict_compares_medians() {
        // One slow outlier on the optimised table does not move the median.
        let q = timed(&[40.0, 42.0, 41.0], &[1.0, 30.0, 1.2], Some(5.0), None);
        assert!((q.ratio() - 41.0 / 1.2).abs() < 1e-9);
        assert_eq!(q.verdict(), Some(true));
        let q = timed(&[40.0, 42.0, 41.0], &[30.0, 31.0, 29.0], Some(5.0), None);
        assert_eq!(q.verdict(), Some(false));
    }

    #[test]
    fn shares_of_the_timing_task() {
        let timing = Timing {
            slow: "brute".into(),
            fast: "optimisee".into(),
            rows: (3, 3),
            queries: vec![
                timed(&[40.0; 3], &[1.0; 3], Some(5.0), Some(false)),
                timed(&[40.0; 3], &[35.0; 3], Some(1.5), None),
            ],
        };
        let outcome = timing_outcome(&timing, 0.25);
        // Half of the 0.75 for the ratios, none of the 0.25 for the plan.
        assert!(
            (outcome.fraction - 0.375).abs() < 1e-9,
            "{}",
            outcome.fraction
        );
        let hint = outcome.hint.english();
        assert!(hint.contains("reads no index"), "{hint}");
    }
}
