//! Copying caught by the data. Every candidate's values come from their own seed: a row of
//! another candidate's data, or of the catalogue's preview, in a candidate's table proves the
//! data was copied. Grading keeps, per table, the fingerprints of the rows that are no row of
//! the candidate's own source ([`epreuve_grade::StrayRows`]); here each other candidate's
//! sources (and the preview) are read and fingerprinted the same way, and a table holding
//! enough rows of someone else's data to matter (see [`reported_from`]) is reported with both
//! names and the rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use epreuve_data::{SourceFrame, TypeFamily, for_each_text, read_source};
use epreuve_exam::Exam;
use epreuve_grade::{StrayRows, source_prints};
use epreuve_results::{CopiedRows, DataOwner};
use epreuve_session::{Centre, Workspace};

use crate::Class;

/// The share of a table's rows the jury's grid lets a candidate lose without a verdict
/// changing, when the grader writes none (`max_lost_share` of its indicators).
const TOLERATED: f64 = 0.01;

/// Rows of someone else's data a table of `rows` rows must hold to be reported: set from the
/// harm they do, not as a count. A candidate's files come from the class's secret, so even one
/// row of another's files is no coincidence; but rows fewer than the share the grid tolerates
/// as lost (`tolerated`) change no verdict and no mark worth an accusation, and are what a
/// framer would plant to name someone. From one row in a small table to 1 % of a large one.
pub fn reported_from(rows: usize, tolerated: f64) -> usize {
    ((rows as f64 * tolerated).ceil() as usize).max(1)
}
/// Rows shown as evidence.
const SHOWN: usize = 3;

/// What a fingerprint is taken over: a table, its columns, their families.
type Shape = (String, Vec<String>, Vec<TypeFamily>);

/// The tables that hold rows of another candidate's data or of the preview, by candidate;
/// `strays` is each candidate's stray rows, as grading kept them.
pub(crate) fn copied_rows(
    class: &Class,
    exam: &Exam,
    strays: &[(String, Vec<StrayRows>)],
    jobs: usize,
) -> Vec<CopiedRows> {
    let wanted = Wanted::of(strays, tolerated_loss(exam));
    if wanted.prints.is_empty() {
        return Vec::new();
    }
    let mut owners: Vec<DataOwner> = class
        .manifest
        .members
        .iter()
        .map(|m| DataOwner::Candidate { id: m.id.clone() })
        .collect();
    owners.push(DataOwner::Preview);
    let centre = Centre::of_class(class.centre_dir());
    let found = epreuve_data::map_on_threads(&owners, jobs, |owner| {
        match owner_sources(class, exam, &centre, owner) {
            Some(sources) => wanted.copies_from(owner, &sources, strays),
            None => Vec::new(),
        }
    });
    let mut all: Vec<CopiedRows> = found.into_iter().flatten().collect();
    let order: HashMap<&str, usize> = class
        .manifest
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    all.sort_by(|x, y| {
        order
            .get(x.candidate.as_str())
            .cmp(&order.get(y.candidate.as_str()))
            .then(y.rows.cmp(&x.rows))
    });
    all
}

/// The loss the grader's grid tolerates: below it, copied rows harm no verdict.
fn tolerated_loss(exam: &Exam) -> f64 {
    exam.grader()
        .ok()
        .and_then(|g| {
            g.indicators
                .iter()
                .flat_map(|i| i.checks.iter().filter_map(move |c| c.tolerance(i).1))
                .reduce(f64::min)
        })
        .unwrap_or(TOLERATED)
}

/// The stray rows worth looking for: those of the tables whose strays could harm a verdict.
struct Wanted {
    /// Per shape, each stray fingerprint and the candidates (by position) whose table holds it.
    prints: HashMap<Shape, HashMap<u64, Vec<usize>>>,
    /// Per candidate and table: its rows, and whether fingerprints were left unkept.
    table_rows: HashMap<(usize, String), (usize, bool)>,
    /// The share of a table's rows below which strays are not reported.
    tolerated: f64,
}

impl Wanted {
    fn of(strays: &[(String, Vec<StrayRows>)], tolerated: f64) -> Self {
        let mut wanted = Wanted {
            prints: HashMap::new(),
            table_rows: HashMap::new(),
            tolerated,
        };
        for (b, (_, tables)) in strays.iter().enumerate() {
            for table in tables
                .iter()
                .filter(|t| t.strays.len() >= reported_from(t.rows, tolerated))
            {
                wanted
                    .table_rows
                    .insert((b, table.table.clone()), (table.rows, table.more));
                let prints = wanted
                    .prints
                    .entry((
                        table.table.clone(),
                        table.columns.clone(),
                        table.families.clone(),
                    ))
                    .or_default();
                for print in &table.strays {
                    prints.entry(*print).or_default().push(b);
                }
            }
        }
        wanted
    }

    /// The candidates' tables that hold enough rows of `owner`'s `sources` to be reported
    /// (never a candidate's own).
    fn copies_from(
        &self,
        owner: &DataOwner,
        sources: &HashMap<String, (SourceFrame, String)>,
        strays: &[(String, Vec<StrayRows>)],
    ) -> Vec<CopiedRows> {
        let mut found: Vec<CopiedRows> = Vec::new();
        for ((table, columns, families), prints) in &self.prints {
            let Some((source, source_name)) = sources.get(table) else {
                continue;
            };
            let Some(rows) = source_prints(source, columns, families) else {
                continue;
            };
            // Per candidate whose table holds rows of this source: the distinct rows, and the
            // first rows found, for the evidence.
            let mut matched: BTreeMap<usize, (HashSet<u64>, Vec<usize>)> = BTreeMap::new();
            for (r, print) in rows.iter().enumerate() {
                let Some(holders) = prints.get(print) else {
                    continue;
                };
                for &b in holders {
                    if let DataOwner::Candidate { id } = owner
                        && strays[b].0 == *id
                    {
                        continue;
                    }
                    let (distinct, first) = matched.entry(b).or_default();
                    if distinct.insert(*print) && first.len() < SHOWN {
                        first.push(r);
                    }
                }
            }
            for (b, (distinct, first)) in matched {
                let (all, more) = self
                    .table_rows
                    .get(&(b, table.clone()))
                    .copied()
                    .unwrap_or_default();
                if distinct.len() < reported_from(all, self.tolerated) {
                    continue;
                }
                found.push(CopiedRows {
                    candidate: strays[b].0.clone(),
                    from: owner.clone(),
                    table: table.clone(),
                    rows: distinct.len(),
                    at_least: more,
                    table_rows: all,
                    source: source_name.clone(),
                    evidence: first
                        .iter()
                        .map(|&r| shown_row(source, columns, r))
                        .collect(),
                });
            }
        }
        found
    }
}

/// The sources of `owner`'s data, by table: a candidate's as the centre's record says they
/// were given (regenerated from their seed), the preview as the catalogue holds it. `None`
/// when they cannot be had (a workspace gone).
fn owner_sources(
    class: &Class,
    exam: &Exam,
    centre: &Centre,
    owner: &DataOwner,
) -> Option<HashMap<String, (SourceFrame, String)>> {
    let mut kept = None;
    let dir = match owner {
        DataOwner::Preview => exam.dataset_dir.clone(),
        DataOwner::Candidate { id } => {
            let workspace = Workspace::open(&class.workspace(id)).ok()?;
            let record = centre.find(&workspace).ok()?;
            let source = workspace.truth_source(exam, record.as_ref()).ok()?;
            let dir = source.dir.clone();
            kept = Some(source);
            dir
        }
    };
    let mut sources = HashMap::new();
    for spec in &exam.manifest.tables {
        if let Ok(frame) = read_source(&dir, &spec.source) {
            sources.insert(spec.name.clone(), (frame, spec.source.display_name()));
        }
    }
    drop(kept);
    Some(sources)
}

/// Row `r` of `source` as its file writes it, over `columns`: `row 12: V000012 | 2024-03-01 | …`.
fn shown_row(source: &SourceFrame, columns: &[String], r: usize) -> String {
    let mut cells = Vec::new();
    for name in columns {
        let Ok(column) = source.frame.column(name) else {
            continue;
        };
        let mut at = 0;
        let mut cell = String::new();
        // The frame's row `r`, read as text (every source column is text).
        for_each_text(&column.slice(r as i64, 1), |value| {
            if at == 0 {
                cell = value.unwrap_or_default().to_owned();
            }
            at += 1;
        });
        cells.push(cell);
    }
    let mut text = cells.join(" | ");
    if text.chars().count() > 160 {
        text = text.chars().take(159).collect::<String>() + "…";
    }
    epreuve_results::clean_text(&format!("row {}: {text}", r + 1))
}

#[cfg(test)]
mod tests {
    use super::reported_from;

    #[test]
    fn the_rows_it_takes_grow_with_the_table() {
        assert_eq!(reported_from(30, 0.01), 1);
        assert_eq!(reported_from(720, 0.01), 8);
        assert_eq!(reported_from(24_000, 0.01), 240);
        assert_eq!(reported_from(0, 0.01), 1);
        assert_eq!(reported_from(24_000, 0.0), 1);
    }
}
