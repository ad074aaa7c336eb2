//! Values numbered by their canonical form, so that a million-row table and its source are
//! compared as numbers, not strings: each source column has a dictionary that reads a spelling
//! in the column's family once (`12,50`, `12.5` and `12.500` get one code) and hands out
//! small integers. A table is read cell by cell into codes as the engine streams it
//! ([`epreuve_db::Backend::scan_text`]), never held as text.

use epreuve_data::{TypeFamily, canonical, is_missing};
use std::hash::BuildHasher;

use epreuve_db::TextSink;

/// Maps keyed by codes and spellings, with a fast seeded hash (a million lookups per column).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// Sets of the same kind.
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// The code of an empty cell (NULL, or only spaces).
pub const MISSING: u32 = 0;

/// Spellings remembered per column: beyond, a cell is read again (columns of unique values,
/// such as an identifier, gain nothing from the cache and would only fill memory).
const SPELLINGS_KEPT: usize = 50_000;

/// The dictionary of one source column.
#[derive(Debug, Clone)]
pub struct Codes {
    family: TypeFamily,
    hasher: foldhash::fast::RandomState,
    /// Codes of numbers and dates, found by their value's key (see [`value_key`]), which
    /// `keys` holds: two spellings have the same key exactly when they have the same
    /// canonical text, so no text is built for them. The table holds codes only (four bytes
    /// a value, where a map of keys to codes takes thirty-two).
    by_value: hashbrown::HashTable<u32>,
    /// Per code, the key of its value, or [`NO_KEY`].
    keys: Vec<u128>,
    /// Other spellings met (a few thousand at most), and the canonical texts without a key.
    by_spelling: HashMap<Box<str>, u32>,
    by_canonical: HashMap<Box<str>, u32>,
    /// The first spelling met of each code, end to end (code 1 ends at `ends[0]`).
    shown: String,
    ends: Vec<usize>,
}

/// The key of a code whose value has none (text, or a number too long for one).
const NO_KEY: u128 = u128::MAX;

impl Codes {
    /// An empty dictionary for values of `family`.
    pub fn new(family: TypeFamily) -> Self {
        Self {
            family,
            hasher: foldhash::fast::RandomState::default(),
            by_value: hashbrown::HashTable::new(),
            keys: Vec::new(),
            by_spelling: HashMap::default(),
            by_canonical: HashMap::default(),
            shown: String::new(),
            ends: Vec::new(),
        }
    }

    /// The family its values are read in.
    pub fn family(&self) -> TypeFamily {
        self.family
    }

    /// Numbers a new value, first spelled `spelling`, of key `key` (or [`NO_KEY`]).
    fn number(&mut self, spelling: &str, key: u128) -> u32 {
        self.shown.push_str(spelling);
        self.ends.push(self.shown.len());
        self.keys.push(key);
        let code = self.ends.len() as u32;
        if key != NO_KEY {
            let (keys, hasher) = (&self.keys, &self.hasher);
            self.by_value
                .insert_unique(hasher.hash_one(key), code, |&c| {
                    hasher.hash_one(keys[c as usize - 1])
                });
        }
        code
    }

    /// The code of the value of key `key`, if it was met.
    fn by_key(&self, key: u128) -> Option<u32> {
        self.by_value
            .find(self.hasher.hash_one(key), |&c| {
                self.keys[c as usize - 1] == key
            })
            .copied()
    }

    /// The code of `value`, numbering it when it is new.
    pub fn code(&mut self, value: Option<&str>) -> u32 {
        self.code_near(value, MISSING)
    }

    /// The code of `value`, numbering it when it is new; `guess` is the code it probably
    /// has (the source's value on the same row, since a table is mostly loaded in the
    /// source's order): checked first, it saves a search, never decides.
    pub fn code_near(&mut self, value: Option<&str>, guess: u32) -> u32 {
        if is_missing(value) {
            return MISSING;
        }
        let value = value.unwrap_or_default();
        let guessed = (guess != MISSING).then(|| guess as usize - 1);
        if let Some(key) = value_key(self.family, value) {
            if guessed.is_some_and(|g| self.keys.get(g) == Some(&key)) {
                return guess;
            }
            return match self.by_key(key) {
                Some(code) => code,
                None => self.number(value, key),
            };
        }
        if guessed.is_some() && self.shown(guess) == Some(value) {
            return guess;
        }
        if let Some(&code) = self.by_spelling.get(value) {
            return code;
        }
        let code = match self.by_canonical_text(value) {
            Ok(code) => code,
            Err(Slot::Value(key)) => self.number(value, key),
            Err(Slot::Canonical(canonical)) => {
                let code = self.number(value, NO_KEY);
                self.by_canonical.insert(canonical.into_boxed_str(), code);
                code
            }
        };
        if self.by_spelling.len() < SPELLINGS_KEPT {
            self.by_spelling.insert(value.into(), code);
        }
        code
    }

    /// The code of `value` if the dictionary knows it (`Some(MISSING)` for an empty cell),
    /// without numbering anything.
    pub fn find(&self, value: Option<&str>) -> Option<u32> {
        if is_missing(value) {
            return Some(MISSING);
        }
        let value = value.unwrap_or_default();
        if let Some(key) = value_key(self.family, value) {
            return self.by_key(key);
        }
        if let Some(&code) = self.by_spelling.get(value) {
            return Some(code);
        }
        self.by_canonical_text(value).ok()
    }

    /// A spelling without a quick key, through its canonical text: by the value's key when the
    /// canonical text has one (`1 234,5` reads `1234.5`, which has), else by the text. The code
    /// when it is known, else where a new one goes.
    fn by_canonical_text(&self, value: &str) -> Result<u32, Slot> {
        let canonical = canonical(self.family, value);
        match value_key(self.family, &canonical) {
            Some(key) => self.by_key(key).ok_or(Slot::Value(key)),
            None => match self.by_canonical.get(canonical.as_str()) {
                Some(&code) => Ok(code),
                None => Err(Slot::Canonical(canonical)),
            },
        }
    }

    /// The first spelling met of `code`; `None` for [`MISSING`].
    pub fn shown(&self, code: u32) -> Option<&str> {
        if code == MISSING {
            return None;
        }
        let i = code as usize - 1;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.shown[start..self.ends[i]])
    }

    /// How many values are numbered: every code is at most this.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no value is numbered yet.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Where a value not met yet gets its code.
enum Slot {
    Value(u128),
    Canonical(String),
}

/// The value of a number or a date as one integer, for the spellings that are quick to read
/// (`-012,50`, `2024-08-04`, `04/08/2024`); `None` for the others, which go through their
/// canonical text. Two spellings with a key have the same key exactly when
/// [`epreuve_data::canonical`] gives them the same text: a number is its sign, its integer
/// part and its decimals without the trailing zeros (and their count); a date is its day.
pub fn value_key(family: TypeFamily, text: &str) -> Option<u128> {
    let text = text.trim();
    match family {
        TypeFamily::Integer | TypeFamily::Decimal => number_key(text),
        TypeFamily::Date => date_key(text),
        _ => None,
    }
}

fn number_key(text: &str) -> Option<u128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = match body.find(['.', ',']) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    let frac_part = frac_part.trim_end_matches('0');
    let int_part = int_part.trim_start_matches('0');
    // A body empty or of only a separator (".") is not a number; longer parts than a u64
    // holds go through the canonical text.
    if body.bytes().all(|b| b == b'.' || b == b',') || int_part.len() > 18 || frac_part.len() > 18 {
        return None;
    }
    let digits = |part: &str| -> Option<u64> {
        part.bytes().try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let (int_value, frac_value) = (digits(int_part)?, digits(frac_part)?);
    let zero = int_value == 0 && frac_value == 0;
    let sign = u128::from(negative && !zero);
    Some(
        (sign << 127)
            | (u128::from(frac_part.len() as u8) << 120)
            | (u128::from(int_value) << 60)
            | u128::from(frac_value),
    )
}

fn date_key(text: &str) -> Option<u128> {
    use chrono::Datelike;
    let date = epreuve_data::quick_date(text)?;
    Some((1u128 << 126) | u128::from(date.num_days_from_ce() as u32))
}

/// A table (or a source) as codes, one column per source column.
#[derive(Debug, Clone, Default)]
pub struct Coded {
    /// Rows.
    pub rows: usize,
    /// Per source column, its cells' codes; `None` when the table has no such column.
    pub columns: Vec<Option<Vec<u32>>>,
}

/// A source and a table read into the same dictionaries.
#[derive(Debug, Clone)]
pub struct CodedPair {
    /// The source's column names, in order.
    pub names: Vec<String>,
    /// One dictionary per source column.
    pub codes: Vec<Codes>,
    /// The source.
    pub source: Coded,
    /// The table.
    pub table: Coded,
}

impl CodedPair {
    /// Numbers the source `columns` (name, family, cells): every table read afterwards shares
    /// their dictionaries.
    pub fn from_source<'a, I>(columns: Vec<(String, TypeFamily, I)>) -> Self
    where
        I: Iterator<Item = Option<&'a str>>,
    {
        Self::from_coded(
            columns
                .into_iter()
                .map(|(name, family, cells)| {
                    let mut dictionary = Codes::new(family);
                    let column = cells.map(|v| dictionary.code(v)).collect();
                    (name, dictionary, column)
                })
                .collect(),
        )
    }

    /// Numbers the columns of a source frame, each read in the family `family_of` gives its
    /// name.
    pub fn from_frame(
        frame: &polars::prelude::DataFrame,
        family_of: impl Fn(&str) -> TypeFamily + Sync,
    ) -> Self {
        // Columns are numbered apart from each other, on every core.
        Self::from_coded(epreuve_data::map_on_cores(frame.columns(), |column| {
            let name = column.name().to_string();
            let mut dictionary = Codes::new(family_of(&name));
            let mut cells = Vec::with_capacity(column.len());
            epreuve_data::for_each_text(column, |v| cells.push(dictionary.code(v)));
            (name, dictionary, cells)
        }))
    }

    /// A pair of the source columns numbered (name, dictionary, codes) and no table yet.
    fn from_coded(columns: Vec<(String, Codes, Vec<u32>)>) -> Self {
        let mut pair = Self {
            names: Vec::new(),
            codes: Vec::new(),
            source: Coded::default(),
            table: Coded::default(),
        };
        for (name, codes, cells) in columns {
            pair.source.rows = pair.source.rows.max(cells.len());
            pair.names.push(name);
            pair.codes.push(codes);
            pair.source.columns.push(Some(cells));
        }
        pair
    }

    /// A sink that reads a table's cells into [`CodedPair::table`], each table column matched
    /// to the source column of the same name (case aside); other columns are skipped.
    pub fn table_sink(&mut self) -> TableSink<'_> {
        self.table = Coded {
            rows: 0,
            columns: vec![None; self.names.len()],
        };
        TableSink {
            pair: self,
            targets: Vec::new(),
        }
    }

    /// The source column called `name`, case aside.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Reads a table into a [`CodedPair`] (see [`CodedPair::table_sink`]).
pub struct TableSink<'a> {
    pair: &'a mut CodedPair,
    /// For each table column, the source column it fills.
    targets: Vec<Option<usize>>,
}

impl TableSink<'_> {
    /// Ends the reading: `rows` rows were read.
    pub fn finish(self, rows: usize) {
        self.pair.table.rows = rows;
    }
}

impl TextSink for TableSink<'_> {
    fn names(&mut self, names: &[String]) {
        self.targets = names.iter().map(|n| self.pair.column(n)).collect();
        // A second table column of the same name as the first is skipped.
        let mut taken = vec![false; self.pair.names.len()];
        for target in &mut self.targets {
            if let Some(s) = *target {
                if taken[s] {
                    *target = None;
                } else {
                    taken[s] = true;
                    self.pair.table.columns[s] = Some(Vec::new());
                }
            }
        }
    }

    fn cell(&mut self, column: usize, value: Option<&str>) {
        if let Some(&Some(s)) = self.targets.get(column) {
            let CodedPair {
                codes,
                source,
                table,
                ..
            } = &mut *self.pair;
            if let Some(cells) = &mut table.columns[s] {
                // The source's code on the same row, the likely one.
                let guess = source.columns[s]
                    .as_ref()
                    .and_then(|c| c.get(cells.len()).copied())
                    .unwrap_or(MISSING);
                cells.push(codes[s].code_near(value, guess));
            }
        }
    }
}

/// The codes of row `r` of `columns` hashed into one number, without allocating: rows are
/// compared by this first, then cell by cell.
pub fn row_hash(hasher: &foldhash::fast::RandomState, columns: &[&[u32]], r: usize) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = hasher.build_hasher();
    for column in columns {
        h.write_u32(column[r]);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two spellings get the same code exactly when their canonical text is the same, whether
    /// the quick key or the canonical text decides.
    #[test]
    fn quick_keys_agree_with_canonical_text() {
        let numbers = [
            "12,50",
            "12.5",
            "012.500",
            "+12,5",
            "12",
            "12.",
            ",5",
            "0,5",
            ".5",
            "-0",
            "0",
            "00",
            "-0,0",
            "-12,5",
            "1 234,5",
            "1234.5",
            "1.2.3",
            "abc",
            "99999999999999999999",
            "-",
            ".",
            "5,",
            "3,14159265358979323846",
            "3.14159265358979323846",
        ];
        let dates = [
            "04/08/2024",
            "2024-08-04",
            "2024-08-04 00:00:00",
            "31/02/2024",
            "2024-02-31",
            "4/08/2024",
            "2024/08/04",
            "29/02/2024",
            "2024-02-29",
            "0024-08-04",
            "04/08/0024",
        ];
        for (family, values) in [
            (TypeFamily::Decimal, &numbers[..]),
            (TypeFamily::Integer, &numbers[..]),
            (TypeFamily::Date, &dates[..]),
        ] {
            let mut codes = Codes::new(family);
            let coded: Vec<u32> = values.iter().map(|v| codes.code(Some(v))).collect();
            for (i, a) in values.iter().enumerate() {
                for (j, b) in values.iter().enumerate() {
                    let same_text = canonical(family, a) == canonical(family, b);
                    assert_eq!(coded[i] == coded[j], same_text, "{family:?}: {a} and {b}");
                }
                assert_eq!(codes.find(Some(a)), Some(coded[i]), "{a}");
                // A guess, right or wrong, never changes the code.
                for guess in 0..=codes.len() as u32 {
                    assert_eq!(codes.code_near(Some(a), guess), coded[i], "{a}, {guess}");
                }
            }
        }
    }
}
