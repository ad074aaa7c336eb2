//! Comparing a candidate's result set with the expected one, fairly: columns by name (case,
//! quotes and table prefixes ignored) or by position, rows as a bag, a set or an ordered list,
//! numbers with a tolerance, booleans and dates in any spelling. The message says what differs
//! the way a teacher would ("right rows, wrong order", "3 rows missing, first one is …",
//! "column `ca` differs by 0.5 % on 12 rows"), and the fraction gives partial credit.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use epreuve_data::{TextColumn, TypeFamily, canonical, is_missing, try_canonical};
use epreuve_exam::{ColumnMatch, CompareSpec, RowMatch, Tolerance};
use epreuve_results::{Said, SaidArg, said};

/// What the comparison found.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Share of the points earned, from 0 to 1.
    pub fraction: f64,
    /// One message per difference; empty when everything matches.
    pub differences: Vec<Said>,
    /// Harmless facts (extra columns ignored).
    pub remarks: Vec<Said>,
    /// Share of the expected rows found right, over the columns found (extra rows count
    /// against it): the observations selected.
    pub rows_share: f64,
    /// Share of the expected columns found: the variables selected.
    pub columns_share: f64,
}

impl Comparison {
    /// True when nothing differs.
    pub fn matches(&self) -> bool {
        self.differences.is_empty()
    }

    /// The differences and remarks, in order.
    pub fn parts(&self) -> Vec<Said> {
        let mut parts = self.differences.clone();
        parts.extend(self.remarks.iter().cloned());
        parts
    }

    /// The differences and remarks in one English message (for tests and logs).
    pub fn message(&self) -> String {
        self.parts()
            .iter()
            .map(Said::english)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A cell read in the kind of its expected column.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Number(f64),
    Text(String),
}

/// Kind of an expected column, inferred from its values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Boolean,
    Date,
    Text,
}

fn kind_of(values: &[Option<String>]) -> Kind {
    let present: Vec<&str> = values
        .iter()
        .filter(|v| !is_missing(v.as_deref()))
        .map(|v| v.as_deref().unwrap_or_default().trim())
        .collect();
    let all = |family: TypeFamily| {
        !present.is_empty() && present.iter().all(|v| try_canonical(family, v).is_some())
    };
    if all(TypeFamily::Decimal) {
        Kind::Number
    } else if all(TypeFamily::Boolean) {
        Kind::Boolean
    } else if all(TypeFamily::Date) {
        Kind::Date
    } else {
        Kind::Text
    }
}

fn cell(kind: Kind, value: Option<&str>) -> Cell {
    if is_missing(value) {
        return Cell::Null;
    }
    let value = value.unwrap_or_default().trim();
    match kind {
        Kind::Number => canonical(TypeFamily::Decimal, value)
            .parse::<f64>()
            .map_or_else(|_| Cell::Text(value.to_owned()), Cell::Number),
        Kind::Boolean => Cell::Text(canonical(TypeFamily::Boolean, value)),
        Kind::Date => Cell::Text(canonical(TypeFamily::Date, value)),
        Kind::Text => Cell::Text(value.to_owned()),
    }
}

/// `"V"."CA"`, `v.ca` and `CA` all become `ca`.
pub(crate) fn column_key(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(['"', '`', '[', ']', ' ']).to_lowercase()
}

/// One row: its cells, and the text to show in messages.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<Cell>,
    shown: String,
}

/// Compares `actual` with `expected` under `spec`.
pub fn compare_results(
    expected: &[TextColumn],
    actual: &[TextColumn],
    spec: &CompareSpec,
) -> Comparison {
    let mut differences = Vec::new();
    let mut remarks = Vec::new();
    let picked = pick_columns(expected, actual, spec.columns, &mut remarks);
    let missing: Vec<&str> = expected
        .iter()
        .zip(&picked)
        .filter(|(_, p)| p.is_none())
        .map(|((n, _), _)| n.as_str())
        .collect();
    if !missing.is_empty() {
        differences.push(said!(
            "cmp-columns-missing",
            n = missing.len(),
            columns = epreuve_i18n::code_list(&missing)
        ));
    }
    let columns: Vec<usize> = (0..expected.len())
        .filter(|&i| picked[i].is_some())
        .collect();
    if columns.is_empty() {
        return Comparison {
            fraction: 0.0,
            differences,
            remarks,
            rows_share: 0.0,
            columns_share: 0.0,
        };
    }
    let column_share = columns.len() as f64 / expected.len() as f64;
    let kinds: Vec<Kind> = columns.iter().map(|&i| kind_of(&expected[i].1)).collect();
    let tolerances: Vec<Tolerance> = columns
        .iter()
        .map(|&i| spec.tolerance_of(&expected[i].0))
        .collect();
    let names: Vec<&str> = columns.iter().map(|&i| expected[i].0.as_str()).collect();
    let mut want = rows_of(expected, &columns, &kinds, &|c| c);
    let mut got = rows_of(actual, &columns, &kinds, &|c| picked[c].unwrap_or(0));
    if spec.rows == RowMatch::Set {
        dedup(&mut want);
        dedup(&mut got);
    }
    let outcome = match_rows(&want, &got, &tolerances);
    let mut fraction = if want.is_empty() && got.is_empty() {
        1.0
    } else {
        outcome.right as f64 / (want.len() + outcome.extra.len()).max(1) as f64
    };
    differences.extend(row_differences(&outcome, &want, &got, &names));
    if spec.rows == RowMatch::Ordered && outcome.right == want.len() && got.len() == want.len() {
        let in_order = want
            .iter()
            .zip(&got)
            .all(|(w, g)| same_row(w, g, &tolerances));
        if !in_order {
            differences.push(said!("cmp-wrong-order"));
            fraction *= spec.wrong_order_credit;
        }
    }
    Comparison {
        fraction: (fraction * column_share).clamp(0.0, 1.0),
        differences,
        remarks,
        rows_share: fraction.clamp(0.0, 1.0),
        columns_share: column_share,
    }
}

/// Which column of `actual` answers each expected one (by name or by position); the
/// columns `actual` has beyond them are remarked on.
fn pick_columns(
    expected: &[TextColumn],
    actual: &[TextColumn],
    how: ColumnMatch,
    remarks: &mut Vec<Said>,
) -> Vec<Option<usize>> {
    match how {
        ColumnMatch::ByName => {
            let extra: Vec<&str> = actual
                .iter()
                .filter(|(n, _)| !expected.iter().any(|(e, _)| column_key(e) == column_key(n)))
                .map(|(n, _)| n.as_str())
                .collect();
            if !extra.is_empty() {
                remarks.push(said!(
                    "cmp-extra-columns-named",
                    columns = epreuve_i18n::code_list(extra)
                ));
            }
            expected
                .iter()
                .map(|(name, _)| {
                    actual
                        .iter()
                        .position(|(n, _)| column_key(n) == column_key(name))
                })
                .collect()
        }
        ColumnMatch::ByPosition => {
            if actual.len() > expected.len() {
                remarks.push(said!(
                    "cmp-extra-columns",
                    n = actual.len() - expected.len()
                ));
            }
            (0..expected.len())
                .map(|i| (i < actual.len()).then_some(i))
                .collect()
        }
    }
}

/// The rows of `source` over the expected `columns`, each read from `source`'s column
/// `pick(c)` as a cell of kind `kinds[…]`, with its text for messages.
fn rows_of(
    source: &[TextColumn],
    columns: &[usize],
    kinds: &[Kind],
    pick: &dyn Fn(usize) -> usize,
) -> Vec<Row> {
    let height = columns
        .first()
        .map_or(0, |&c| source.get(pick(c)).map_or(0, |col| col.1.len()));
    (0..height)
        .map(|r| {
            let raw: Vec<Option<&str>> = columns
                .iter()
                .map(|&c| source[pick(c)].1.get(r).and_then(|v| v.as_deref()))
                .collect();
            Row {
                cells: raw.iter().zip(kinds).map(|(v, &k)| cell(k, *v)).collect(),
                shown: format!(
                    "({})",
                    raw.iter()
                        .map(|v| v.unwrap_or("NULL"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
        .collect()
}

/// What the pairing of rows found wrong: rows missing, rows too many, columns off.
fn row_differences(outcome: &Matched, want: &[Row], got: &[Row], names: &[&str]) -> Vec<Said> {
    let mut differences = Vec::new();
    if !outcome.missing.is_empty() {
        differences.push(said!(
            "cmp-rows-missing",
            n = outcome.missing.len(),
            first = &want[outcome.missing[0]].shown
        ));
    }
    if !outcome.extra.is_empty() {
        differences.push(said!(
            "cmp-rows-too-many",
            n = outcome.extra.len(),
            first = &got[outcome.extra[0]].shown
        ));
    }
    for (c, off) in &outcome.off {
        differences.push(said!(
            "cmp-column-differs",
            column = names[*c],
            by = off.largest(),
            n = off.rows
        ));
    }
    differences
}

fn dedup(rows: &mut Vec<Row>) {
    let mut seen: Vec<Vec<Cell>> = Vec::new();
    rows.retain(|r| {
        if seen.contains(&r.cells) {
            false
        } else {
            seen.push(r.cells.clone());
            true
        }
    });
}

/// The largest difference found in a numeric column.
#[derive(Debug, Clone, Default)]
struct Off {
    rows: usize,
    relative: f64,
    absolute: f64,
}

impl Off {
    fn largest(&self) -> Said {
        if self.relative.is_finite() && self.relative > 0.0 {
            let percent = self.relative * 100.0;
            said!(
                "cmp-up-to-percent",
                percent = SaidArg::decimal(percent, if percent >= 1.0 { 0 } else { 2 })
            )
        } else {
            said!("cmp-up-to", value = self.absolute.to_string())
        }
    }
}

struct Matched {
    right: usize,
    missing: Vec<usize>,
    extra: Vec<usize>,
    off: BTreeMap<usize, Off>,
}

/// Pairs rows whose non-numeric cells are equal, closest numbers first; counts the pairs
/// whose numbers are all within tolerance.
fn match_rows(want: &[Row], got: &[Row], tolerances: &[Tolerance]) -> Matched {
    let key = |row: &Row| -> Vec<Cell> {
        row.cells
            .iter()
            .map(|c| match c {
                Cell::Number(_) => Cell::Null,
                other => other.clone(),
            })
            .collect()
    };
    let mut groups: Vec<(Vec<Cell>, Vec<usize>, Vec<usize>)> = Vec::new();
    for (i, row) in want.iter().enumerate() {
        let k = key(row);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(group) => group.1.push(i),
            None => groups.push((k, vec![i], Vec::new())),
        }
    }
    let mut extra = Vec::new();
    for (i, row) in got.iter().enumerate() {
        let k = key(row);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(group) => group.2.push(i),
            None => extra.push(i),
        }
    }
    let numbers = |row: &Row| -> Vec<f64> {
        row.cells
            .iter()
            .filter_map(|c| match c {
                Cell::Number(n) => Some(*n),
                _ => None,
            })
            .collect()
    };
    let order = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| x.partial_cmp(y).unwrap_or(Ordering::Equal))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let mut right = 0;
    let mut missing = Vec::new();
    let mut off: BTreeMap<usize, Off> = BTreeMap::new();
    for (_, mut w, mut g) in groups {
        w.sort_by(|&a, &b| order(&numbers(&want[a]), &numbers(&want[b])));
        g.sort_by(|&a, &b| order(&numbers(&got[a]), &numbers(&got[b])));
        for (&wi, &gi) in w.iter().zip(&g) {
            let mut all_close = true;
            for (c, (we, ge)) in want[wi].cells.iter().zip(&got[gi].cells).enumerate() {
                if let (Cell::Number(e), Cell::Number(f)) = (we, ge)
                    && !tolerances[c].accepts(*e, *f)
                {
                    all_close = false;
                    let entry = off.entry(c).or_default();
                    entry.rows += 1;
                    let absolute = (e - f).abs();
                    entry.absolute = entry.absolute.max(absolute);
                    if *e != 0.0 {
                        entry.relative = entry.relative.max(absolute / e.abs());
                    }
                }
            }
            if all_close {
                right += 1;
            }
        }
        missing.extend(w.iter().skip(g.len()));
        extra.extend(g.iter().skip(w.len()));
    }
    missing.sort_unstable();
    extra.sort_unstable();
    Matched {
        right,
        missing,
        extra,
        off,
    }
}

fn same_row(a: &Row, b: &Row, tolerances: &[Tolerance]) -> bool {
    a.cells
        .iter()
        .zip(&b.cells)
        .enumerate()
        .all(|(c, pair)| match pair {
            (Cell::Number(e), Cell::Number(f)) => tolerances[c].accepts(*e, *f),
            (x, y) => x == y,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(spec: &[(&str, &[&str])]) -> Vec<TextColumn> {
        spec.iter()
            .map(|(name, values)| {
                let values = values
                    .iter()
                    .map(|v| (!v.is_empty()).then(|| (*v).to_owned()))
                    .collect();
                ((*name).to_owned(), values)
            })
            .collect()
    }

    fn expected() -> Vec<TextColumn> {
        cols(&[
            ("magasin", &["MAG001", "MAG002", "MAG003"]),
            ("ca", &["1234,50", "99,9", "0"]),
            ("ouvert", &["oui", "non", "oui"]),
            ("depuis", &["03/02/2025", "01/01/2024", ""]),
        ])
    }

    fn english(parts: &[Said]) -> Vec<String> {
        parts.iter().map(Said::english).collect()
    }

    #[test]
    fn the_same_rows_in_another_spelling_match() {
        let actual = cols(&[
            ("DEPUIS", &["2024-01-01", "2025-02-03", ""]),
            ("v.\"CA\"", &["99.90", "1234.5", "0.00"]),
            ("Magasin", &["MAG002", "MAG001", "MAG003"]),
            ("ouvert", &["0", "1", "true"]),
        ]);
        let result = compare_results(&expected(), &actual, &CompareSpec::default());
        assert_eq!(result.fraction, 1.0, "{}", result.message());
        assert!(result.matches());
    }

    #[test]
    fn an_extra_column_is_harmless_and_said() {
        let mut actual = expected();
        actual.push(("note".into(), vec![None, None, None]));
        let result = compare_results(&expected(), &actual, &CompareSpec::default());
        assert!(result.matches());
        assert_eq!(
            english(&result.remarks),
            vec!["extra columns ignored: `note`".to_owned()]
        );
    }

    #[test]
    fn by_position_ignores_names() {
        let actual: Vec<_> = expected()
            .into_iter()
            .enumerate()
            .map(|(i, (_, v))| (format!("col{i}"), v))
            .collect();
        let spec = CompareSpec {
            columns: ColumnMatch::ByPosition,
            ..CompareSpec::default()
        };
        assert!(compare_results(&expected(), &actual, &spec).matches());
        let by_name = compare_results(&expected(), &actual, &CompareSpec::default());
        assert_eq!(by_name.fraction, 0.0);
        assert_eq!(
            by_name.differences[0].english(),
            "columns `magasin`, `ca`, `ouvert`, `depuis` are missing"
        );
    }

    #[test]
    fn missing_and_extra_rows_are_counted_and_shown() {
        let actual = cols(&[
            ("magasin", &["MAG001", "MAG004"]),
            ("ca", &["1234,50", "5"]),
            ("ouvert", &["oui", "non"]),
            ("depuis", &["03/02/2025", ""]),
        ]);
        let result = compare_results(&expected(), &actual, &CompareSpec::default());
        assert_eq!(
            english(&result.differences),
            vec![
                "2 rows missing, first one is (MAG002, 99,9, non, 01/01/2024)".to_owned(),
                "1 row too many, first one is (MAG004, 5, non, NULL)".to_owned(),
            ]
        );
        // One right row out of three expected plus one that should not be there.
        assert_eq!(result.fraction, 0.25);
    }

    #[test]
    fn numbers_within_the_columns_tolerance_pass_and_others_are_measured() {
        let actual = cols(&[
            ("magasin", &["MAG001", "MAG002", "MAG003"]),
            ("ca", &["1240.67", "99.9", "0"]),
            ("ouvert", &["oui", "non", "oui"]),
            ("depuis", &["03/02/2025", "01/01/2024", ""]),
        ]);
        let strict = compare_results(&expected(), &actual, &CompareSpec::default());
        assert_eq!(
            english(&strict.differences),
            vec!["column `ca` differs by up to 0.50 % on 1 row".to_owned()]
        );
        assert!((strict.fraction - 2.0 / 3.0).abs() < 1e-9);
        let mut spec = CompareSpec::default();
        spec.column_tolerance.insert(
            "CA".into(),
            Tolerance {
                absolute: 0.0,
                relative: 0.005,
            },
        );
        assert!(compare_results(&expected(), &actual, &spec).matches());
    }

    #[test]
    fn order_counts_only_when_asked() {
        let mut actual = expected();
        for (_, values) in &mut actual {
            values.reverse();
        }
        assert!(compare_results(&expected(), &actual, &CompareSpec::default()).matches());
        let spec = CompareSpec {
            rows: RowMatch::Ordered,
            ..CompareSpec::default()
        };
        let result = compare_results(&expected(), &actual, &spec);
        assert_eq!(
            english(&result.differences),
            vec!["right rows, wrong order".to_owned()]
        );
        assert_eq!(result.fraction, 0.5);
        assert!(compare_results(&expected(), &expected(), &spec).matches());
    }

    #[test]
    fn duplicates_count_in_a_bag_not_in_a_set() {
        let mut actual = expected();
        for (_, values) in &mut actual {
            let first = values[0].clone();
            values.push(first);
        }
        let bag = compare_results(&expected(), &actual, &CompareSpec::default());
        assert_eq!(bag.differences.len(), 1, "{}", bag.message());
        assert!(
            bag.differences[0]
                .english()
                .starts_with("1 row too many, first one is (MAG001")
        );
        let spec = CompareSpec {
            rows: RowMatch::Set,
            ..CompareSpec::default()
        };
        assert!(compare_results(&expected(), &actual, &spec).matches());
    }
}
