//! A loaded table against its source, row by row: each row of the table is paired with the
//! source row that has the same natural key (`id_vente`, `code_magasin`, `(code_magasin,
//! annee, mois)`), or, when the table has no key, with an equal whole row of the source. A row
//! is intact when every cell reads as the source's in the source column's family, so a column
//! sorted on its own (every store now shows another store's city) spoils every row it moved,
//! where a comparison column by column would see the same values.
//!
//! Multiplicity is the row count's business: a row loaded twice is said ("loaded twice?") and
//! its values are judged once. Rows missing from the table and columns missing from it cost
//! nothing here (the row count and the columns check judge them), but they count in the share
//! of the source's filled cells lost, which the criterion's verdict reads.

use epreuve_data::{TextColumn, TypeFamily};
use epreuve_db::TextSink;

use crate::canon::{CodedPair, HashMap, HashSet, MISSING, row_hash};

/// What one column of the table did to the source's values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnHarm {
    /// Source column name.
    pub name: String,
    /// Rows where the table holds another value than the source.
    pub altered: usize,
    /// Rows where the source has a value and the table none.
    pub emptied: usize,
    /// The first altered or emptied row: its key (or row) as shown, the value found, the value
    /// expected.
    pub first: Option<(String, Option<String>, String)>,
}

impl ColumnHarm {
    /// One more cell found as `got` where the source holds another value; `first` is the
    /// example to keep when none is kept yet.
    fn record(&mut self, got: u32, first: Option<(String, Option<String>, String)>) {
        if got == MISSING {
            self.emptied += 1;
        } else {
            self.altered += 1;
        }
        if self.first.is_none() {
            self.first = first;
        }
    }
}

/// What the comparison found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowComparison {
    /// The key the rows were paired by (empty: as whole rows).
    pub key: Vec<String>,
    /// Why the key could not be used, when it could not.
    pub key_problem: Option<epreuve_results::Said>,
    /// Rows judged: source rows found in the table, plus table rows found nowhere in the source.
    pub judged: usize,
    /// Source rows found in the table with every value right (each copy of them).
    pub intact: usize,
    /// Table rows whose key (or whole row) is not in the source.
    pub foreign: usize,
    /// The first of them, as shown.
    pub first_foreign: Option<String>,
    /// Extra copies of source rows, identical to their first copy.
    pub duplicates: usize,
    /// Source rows absent from the table.
    pub missing: usize,
    /// Per source column, what went wrong (only columns with harm).
    pub columns: Vec<ColumnHarm>,
    /// Source columns absent from the table.
    pub missing_columns: Vec<String>,
    /// Filled cells of the source.
    pub filled_cells: usize,
    /// Filled cells of the source that the table does not hold intact (altered, emptied, in a
    /// missing row or a missing column).
    pub lost_cells: usize,
}

impl RowComparison {
    /// Share of the judged rows that are intact; `None` when nothing could be judged.
    pub fn intact_share(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.intact as f64 / self.judged as f64)
    }

    /// Share of the source's filled cells lost.
    pub fn lost_share(&self) -> f64 {
        if self.filled_cells == 0 {
            0.0
        } else {
            self.lost_cells as f64 / self.filled_cells as f64
        }
    }
}

/// Compares text columns (tests, small tables): `table` against `source`, the source's columns
/// read in `families`, rows paired by the source columns named in `key` (see
/// [`compare_coded`]).
pub fn compare_rows(
    source: &[TextColumn],
    families: &[TypeFamily],
    table: &[TextColumn],
    key: &[String],
) -> RowComparison {
    let mut pair = CodedPair::from_source(
        source
            .iter()
            .zip(families)
            .map(|((name, cells), &family)| {
                (name.clone(), family, cells.iter().map(|c| c.as_deref()))
            })
            .collect(),
    );
    let mut sink = pair.table_sink();
    let names: Vec<String> = table.iter().map(|(n, _)| n.clone()).collect();
    sink.names(&names);
    for (c, (_, cells)) in table.iter().enumerate() {
        for cell in cells {
            sink.cell(c, cell.as_deref());
        }
    }
    sink.finish(table.first().map_or(0, |c| c.1.len()));
    compare_coded(&pair, key)
}

/// Compares the table of `pair` with its source, rows paired by the source columns named in
/// `key` when the table has them all and the source holds each key once, else as whole rows.
pub fn compare_coded(pair: &CodedPair, key: &[String]) -> RowComparison {
    let mut run = Comparing::new(pair);
    let key_columns = run.key_columns(key);
    let source_index: Option<KeyIndex> = key_columns.as_ref().and_then(|columns| {
        KeyIndex::build(
            &run.source_cols(columns),
            pair.source.rows,
            pair.codes[columns[0]].len(),
        )
    });
    if key_columns.is_some() && source_index.is_none() {
        run.out.key_problem = Some(epreuve_results::said!(
            "ev-key-not-unique",
            key = key.join(", ")
        ));
    }
    match (key_columns, source_index) {
        (Some(key_columns), Some(index)) => {
            run.out.key = key.to_vec();
            run.by_key(&key_columns, &index);
        }
        _ => {
            run.as_whole_rows();
            run.columns_as_bags();
        }
    }
    let mut out = run.out;
    out.columns = run
        .harm
        .into_iter()
        .filter(|h| h.altered + h.emptied > 0)
        .collect();
    out
}

/// One comparison of a table with its source under way. Rows are found by the hash of their
/// codes, then compared cell by cell: no row is copied.
struct Comparing<'a> {
    pair: &'a CodedPair,
    /// The source columns the table holds.
    compared: Vec<usize>,
    /// What each of them suffered, in the order of `compared`.
    harm: Vec<ColumnHarm>,
    out: RowComparison,
}

impl<'a> Comparing<'a> {
    /// The columns compared, and the cells lost with the columns the table lacks.
    fn new(pair: &'a CodedPair) -> Self {
        let mut out = RowComparison::default();
        let mut compared: Vec<usize> = Vec::new();
        for (s, name) in pair.names.iter().enumerate() {
            if pair.table.columns[s].is_some() {
                compared.push(s);
            } else {
                out.missing_columns.push(name.clone());
            }
        }
        let harm = compared
            .iter()
            .map(|&s| ColumnHarm {
                name: pair.names[s].clone(),
                ..ColumnHarm::default()
            })
            .collect();
        let mut run = Self {
            pair,
            compared,
            harm,
            out,
        };
        for s in 0..pair.names.len() {
            let filled = run.filled(s);
            run.out.filled_cells += filled;
            if run.pair.table.columns[s].is_none() {
                run.out.lost_cells += filled;
            }
        }
        run
    }

    /// Source column `s`'s codes.
    fn src(&self, s: usize) -> &'a [u32] {
        self.pair.source.columns[s].as_deref().unwrap_or_default()
    }

    /// Table column `s`'s codes (that of source column `s`).
    fn tab(&self, s: usize) -> &'a [u32] {
        self.pair.table.columns[s].as_deref().unwrap_or_default()
    }

    /// The filled cells of source column `s`.
    fn filled(&self, s: usize) -> usize {
        self.src(s).iter().filter(|&&c| c != MISSING).count()
    }

    fn source_cols(&self, columns: &[usize]) -> Vec<&'a [u32]> {
        columns.iter().map(|&s| self.src(s)).collect()
    }

    fn table_cols(&self, columns: &[usize]) -> Vec<&'a [u32]> {
        columns.iter().map(|&s| self.tab(s)).collect()
    }

    /// A code of column `s` as the text it stands for.
    fn shown(&self, s: usize, code: u32) -> Option<String> {
        self.pair.codes[s].shown(code).map(str::to_owned)
    }

    /// Table row `r` as shown in a message.
    fn shown_table(&self, r: usize) -> String {
        let cells: Vec<String> = self
            .compared
            .iter()
            .map(|&s| {
                self.shown(s, self.tab(s)[r])
                    .unwrap_or_else(|| "NULL".into())
            })
            .collect();
        format!("({})", cells.join(", "))
    }

    /// A table row found in no source row.
    fn foreign(&mut self, r: usize) {
        self.out.foreign += 1;
        if self.out.first_foreign.is_none() {
            self.out.first_foreign = Some(self.shown_table(r));
        }
    }

    /// The source columns of `key`, when the table has them all.
    fn key_columns(&mut self, key: &[String]) -> Option<Vec<usize>> {
        if key.is_empty() {
            return None;
        }
        let found: Vec<Option<usize>> = key
            .iter()
            .map(|k| self.pair.column(k).filter(|s| self.compared.contains(s)))
            .collect();
        if found.iter().all(Option::is_some) {
            Some(found.into_iter().flatten().collect())
        } else {
            self.out.key_problem = Some(epreuve_results::said!(
                "ev-key-not-in-table",
                key = key.join(", ")
            ));
            None
        }
    }

    /// Every table row paired with the source row of its key, then compared cell by cell.
    fn by_key(&mut self, key_columns: &[usize], index: &KeyIndex) {
        let rows = self.pair.source.rows;
        let mut seen = vec![0u32; rows];
        let mut spoiled = vec![false; rows];
        let mut harmed: HashSet<(usize, usize)> = HashSet::default();
        let key_source = self.source_cols(key_columns);
        let key_table = self.table_cols(key_columns);
        for r in 0..self.pair.table.rows {
            let Some(sr) = index.find(&key_source, &key_table, r) else {
                self.foreign(r);
                continue;
            };
            seen[sr] += 1;
            let whole = self.compare_row(key_columns, sr, r, &mut harmed);
            if !whole {
                spoiled[sr] = true;
            } else if seen[sr] > 1 {
                self.out.duplicates += 1;
            }
        }
        for r in 0..rows {
            if seen[r] == 0 {
                self.out.missing += 1;
                let lost = self
                    .compared
                    .iter()
                    .filter(|&&s| self.src(s)[r] != MISSING)
                    .count();
                self.out.lost_cells += lost;
            } else if !spoiled[r] {
                self.out.intact += 1;
            }
        }
        self.out.judged = (rows - self.out.missing) + self.out.foreign;
    }

    /// Table row `r` against source row `sr`, cell by cell: true when every cell is the
    /// source's. A source cell is harmed once, however many copies of its row spoil it.
    fn compare_row(
        &mut self,
        key_columns: &[usize],
        sr: usize,
        r: usize,
        harmed: &mut HashSet<(usize, usize)>,
    ) -> bool {
        let mut whole = true;
        for c in 0..self.compared.len() {
            let s = self.compared[c];
            let (want, got) = (self.src(s)[sr], self.tab(s)[r]);
            if want == got {
                continue;
            }
            whole = false;
            if !harmed.insert((sr, c)) {
                continue;
            }
            if want != MISSING {
                self.out.lost_cells += 1;
            }
            let first = self.harm[c].first.is_none().then(|| {
                let shown_key: Vec<String> = key_columns
                    .iter()
                    .map(|&ks| self.shown(ks, self.src(ks)[sr]).unwrap_or_default())
                    .collect();
                (
                    shown_key.join(", "),
                    self.shown(s, got),
                    self.shown(s, want).unwrap_or_else(|| "NULL".into()),
                )
            });
            self.harm[c].record(got, first);
        }
        whole
    }

    /// Whole rows, as a bag: a table row is intact when an equal source row is still
    /// unpaired, a duplicate when every equal source row is paired already.
    fn as_whole_rows(&mut self) {
        let hasher = foldhash::fast::RandomState::default();
        let rows = self.pair.source.rows;
        let all_source = self.source_cols(&self.compared);
        let all_table = self.table_cols(&self.compared);
        // Each distinct source row: its first row in the index, how many times it is there
        // (`total`) and how many table rows were paired with it (`paired`).
        let mut index = RowIndex::with_capacity(rows);
        let mut total = vec![0usize; rows];
        let mut paired = vec![0usize; rows];
        for r in 0..rows {
            let hash = row_hash(&hasher, &all_source, r);
            let first = index
                .rows(hash)
                .find(|&o| same(&all_source, o, &all_source, r));
            match first {
                Some(first) => total[first] += 1,
                None => {
                    index.push(hash, r);
                    total[r] = 1;
                }
            }
        }
        for r in 0..self.pair.table.rows {
            let first = index
                .rows(row_hash(&hasher, &all_table, r))
                .find(|&o| same(&all_source, o, &all_table, r));
            match first {
                Some(first) if paired[first] < total[first] => {
                    paired[first] += 1;
                    self.out.intact += 1;
                }
                Some(_) => self.out.duplicates += 1,
                None => self.foreign(r),
            }
        }
        self.out.missing = rows.saturating_sub(self.out.intact);
        self.out.judged = self.out.intact + self.out.foreign;
    }

    /// Which columns hold values the source does not: per column, as bags.
    fn columns_as_bags(&mut self) {
        for c in 0..self.compared.len() {
            let s = self.compared[c];
            let mut available: HashMap<u32, usize> = HashMap::default();
            for &code in self.src(s) {
                *available.entry(code).or_default() += 1;
            }
            for r in 0..self.pair.table.rows {
                let got = self.tab(s)[r];
                match available.get_mut(&got) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => {
                        let first = self.harm[c].first.is_none().then(|| {
                            (
                                self.shown_table(r),
                                self.shown(s, got),
                                // Without a key there is no one value expected here (the
                                // finding names the row only).
                                String::new(),
                            )
                        });
                        self.harm[c].record(got, first);
                    }
                }
            }
            // Filled source values the table does not hold.
            self.out.lost_cells += available
                .iter()
                .filter(|(code, _)| **code != MISSING)
                .map(|(_, n)| *n)
                .sum::<usize>();
        }
    }
}

/// The source's rows by their key, each key once.
enum KeyIndex {
    /// A key of one column: for each code, the source row that holds it ([`RowIndex::END`]
    /// when none). Codes are dense, so this is an array, not a map.
    ByCode(Vec<u32>),
    /// A key of several columns: by the hash of their codes.
    ByHash(RowIndex, foldhash::fast::RandomState),
}

impl KeyIndex {
    /// The index of the key columns `cols` of `rows` rows, whose codes are at most `codes`
    /// when there is one column; `None` when the source holds some key twice.
    fn build(cols: &[&[u32]], rows: usize, codes: usize) -> Option<Self> {
        if let [column] = cols {
            let mut row_of = vec![RowIndex::END; codes + 1];
            for (r, &code) in column.iter().enumerate().take(rows) {
                let slot = row_of.get_mut(code as usize)?;
                if *slot != RowIndex::END {
                    return None;
                }
                *slot = r as u32;
            }
            return Some(Self::ByCode(row_of));
        }
        let hasher = foldhash::fast::RandomState::default();
        let mut index = RowIndex::with_capacity(rows);
        for r in 0..rows {
            let hash = row_hash(&hasher, cols, r);
            if index.rows(hash).any(|o| same(cols, o, cols, r)) {
                return None;
            }
            index.push(hash, r);
        }
        Some(Self::ByHash(index, hasher))
    }

    /// The source row whose key (in `source`) is the key of row `r` of `table`.
    fn find(&self, source: &[&[u32]], table: &[&[u32]], r: usize) -> Option<usize> {
        match self {
            Self::ByCode(row_of) => row_of
                .get(table[0][r] as usize)
                .filter(|&&o| o != RowIndex::END)
                .map(|&o| o as usize),
            Self::ByHash(index, hasher) => index
                .rows(row_hash(hasher, table, r))
                .find(|&o| same(source, o, table, r)),
        }
    }
}

/// True when row `ra` of the columns `a` and row `rb` of the columns `b` hold the same codes.
fn same(a: &[&[u32]], ra: usize, b: &[&[u32]], rb: usize) -> bool {
    a.iter().zip(b).all(|(x, y)| x[ra] == y[rb])
}

/// Rows by the hash of their codes: for each hash the last row pushed, and for each row the
/// one pushed before it under the same hash. No allocation per row.
struct RowIndex {
    last: HashMap<u64, u32>,
    before: Vec<u32>,
}

impl RowIndex {
    const END: u32 = u32::MAX;

    fn with_capacity(rows: usize) -> Self {
        let mut last = HashMap::default();
        last.reserve(rows);
        Self {
            last,
            before: vec![Self::END; rows],
        }
    }

    fn push(&mut self, hash: u64, row: usize) {
        let previous = self.last.insert(hash, row as u32).unwrap_or(Self::END);
        self.before[row] = previous;
    }

    /// The rows pushed under `hash`, most recent first.
    fn rows(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.last.get(&hash).copied().unwrap_or(Self::END);
        std::iter::from_fn(move || {
            (at != Self::END).then(|| {
                let row = at as usize;
                at = self.before[row];
                row
            })
        })
    }
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

    fn stores() -> Vec<TextColumn> {
        cols(&[
            ("code", &["MAG001", "MAG002", "MAG003", "MAG004"]),
            ("ville", &["Lille", "Amiens", "Caen", "Dijon"]),
            ("surface", &["1200,5", "800", "950", ""]),
        ])
    }

    const FAMILIES: [TypeFamily; 3] = [TypeFamily::Text, TypeFamily::Text, TypeFamily::Decimal];

    fn key() -> Vec<String> {
        vec!["code".to_owned()]
    }

    #[test]
    fn the_same_rows_in_another_order_and_spelling_are_intact() {
        let table = cols(&[
            ("SURFACE", &["", "950.00", "800", "1200.50"]),
            ("code", &["MAG004", "MAG003", "MAG002", "MAG001"]),
            ("ville", &["Dijon", "Caen", "Amiens", "Lille"]),
        ]);
        for key in [key(), Vec::new()] {
            let found = compare_rows(&stores(), &FAMILIES, &table, &key);
            assert_eq!((found.intact, found.judged), (4, 4), "{found:?}");
            assert!(
                found.columns.is_empty() && found.lost_cells == 0,
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_column_sorted_on_its_own_spoils_the_rows_it_moved() {
        // Every city is still there, each on another store's row.
        let table = cols(&[
            ("code", &["MAG001", "MAG002", "MAG003", "MAG004"]),
            ("ville", &["Amiens", "Caen", "Dijon", "Lille"]),
            ("surface", &["1200,5", "800", "950", ""]),
        ]);
        let found = compare_rows(&stores(), &FAMILIES, &table, &key());
        assert_eq!((found.intact, found.judged), (0, 4));
        assert_eq!(found.columns.len(), 1);
        let ville = &found.columns[0];
        assert_eq!((ville.name.as_str(), ville.altered), ("ville", 4));
        assert_eq!(
            ville.first,
            Some(("MAG001".into(), Some("Amiens".into()), "Lille".into()))
        );
        assert_eq!(found.lost_cells, 4);
        // Without a key, whole rows still tell.
        let keyless = compare_rows(&stores(), &FAMILIES, &table, &[]);
        assert_eq!((keyless.intact, keyless.foreign), (0, 4));
    }

    #[test]
    fn rows_loaded_twice_are_said_and_their_values_judged_once() {
        let mut table = stores();
        for (_, values) in &mut table {
            let copy = values.clone();
            values.extend(copy);
        }
        for key in [key(), Vec::new()] {
            let found = compare_rows(&stores(), &FAMILIES, &table, &key);
            assert_eq!(found.duplicates, 4, "{found:?}");
            assert_eq!(found.intact_share(), Some(1.0), "{found:?}");
            assert_eq!(found.lost_cells, 0);
        }
    }

    #[test]
    fn emptied_cells_missing_rows_and_columns_count_as_lost() {
        let table = cols(&[
            ("code", &["MAG001", "MAG002", "MAG003"]),
            ("surface", &["", "800", "950"]),
        ]);
        let found = compare_rows(&stores(), &FAMILIES, &table, &key());
        // Filled cells: 4 codes, 4 cities, 3 surfaces.
        assert_eq!(found.filled_cells, 11);
        // The city column (4), MAG004's code (1, its surface is empty) and MAG001's surface.
        assert_eq!(found.lost_cells, 6);
        assert_eq!(found.missing, 1);
        assert_eq!(found.missing_columns, vec!["ville".to_owned()]);
        assert_eq!((found.intact, found.judged), (2, 3));
        assert_eq!(found.columns[0].emptied, 1);
    }

    #[test]
    fn a_row_whose_key_is_not_in_the_source_is_foreign() {
        let mut table = stores();
        table[0].1[3] = Some("MAG04".into());
        let found = compare_rows(&stores(), &FAMILIES, &table, &key());
        assert_eq!((found.intact, found.foreign, found.missing), (3, 1, 1));
        assert_eq!(found.judged, 4);
        assert!(found.first_foreign.unwrap().starts_with("(MAG04"));
    }

    /// A key of two columns (a store and a month) pairs rows by both.
    #[test]
    fn a_key_of_two_columns_pairs_rows_by_both() {
        let source = cols(&[
            ("code", &["A", "A", "B", "B"]),
            ("mois", &["1", "2", "1", "2"]),
            ("objectif", &["10", "20", "30", "40"]),
        ]);
        let families = [TypeFamily::Text, TypeFamily::Integer, TypeFamily::Integer];
        let key = vec!["code".to_owned(), "mois".to_owned()];
        let table = cols(&[
            ("code", &["B", "B", "A", "A", "C"]),
            ("mois", &["2", "1", "2", "1", "1"]),
            ("objectif", &["40", "30", "10", "10", "5"]),
        ]);
        let found = compare_rows(&source, &families, &table, &key);
        assert_eq!(found.key, key);
        assert_eq!((found.intact, found.foreign, found.missing), (3, 1, 0));
        assert_eq!(
            found.columns[0].first,
            Some(("A, 2".into(), Some("10".into()), "20".into()))
        );
        // The pair (code, mois) repeated in the source: whole rows.
        let repeated = cols(&[
            ("code", &["A", "A"]),
            ("mois", &["1", "1"]),
            ("objectif", &["10", "20"]),
        ]);
        let found = compare_rows(&repeated, &families, &repeated, &key);
        assert!(
            found
                .key_problem
                .unwrap()
                .english()
                .contains("more than once")
        );
        assert_eq!(found.intact, 2);
    }

    #[test]
    fn a_key_the_source_repeats_falls_back_to_whole_rows() {
        let source = cols(&[("code", &["A", "A"]), ("n", &["1", "2"])]);
        let families = [TypeFamily::Text, TypeFamily::Integer];
        let found = compare_rows(&source, &families, &source, &["code".to_owned()]);
        assert!(found.key.is_empty());
        assert!(
            found
                .key_problem
                .unwrap()
                .english()
                .contains("more than once")
        );
        assert_eq!(found.intact, 2);
    }
}
