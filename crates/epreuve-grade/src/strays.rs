//! Rows of a candidate's table that are not rows of their own source, kept as fingerprints so
//! that a class can ask whose data they are.
//!
//! Every candidate's values come from their own seed: a row of another candidate's data, or
//! of the catalogue's preview, in a table proves that the data was copied. A fingerprint is a
//! 64-bit digest of a row's cells read in their source column's family (`12,50` and `12.5` are
//! one number), over the source columns the table has, whatever their order in the table. It
//! is stable from one run to the next (FNV-1a, no random seed), so that the fingerprints kept
//! at grading are compared with other candidates' sources later.

use std::hash::{BuildHasher, Hasher};

use epreuve_data::{SourceFrame, TypeFamily, canonical, for_each_text, is_missing};
use serde::{Deserialize, Serialize};

use crate::CodedPair;
use crate::canon::HashSet;

/// Fingerprints kept per table: enough to tell whose data a table holds, never the size of a
/// table without end.
pub const STRAYS_KEPT: usize = 20_000;

/// The rows of one table that are not rows of the candidate's own source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrayRows {
    /// The exam's table.
    pub table: String,
    /// The source columns the table has, in the source's order: what a fingerprint covers.
    pub columns: Vec<String>,
    /// Each column's family, as the candidate's source reads it.
    pub families: Vec<TypeFamily>,
    /// Rows of the table read.
    pub rows: usize,
    /// Fingerprints of the rows that are no row of the candidate's own source, distinct, in
    /// the table's order, at most [`STRAYS_KEPT`].
    pub strays: Vec<u64>,
    /// True when there were more than [`STRAYS_KEPT`].
    #[serde(default)]
    pub more: bool,
}

/// The fingerprint of one cell of the `column`-th fingerprinted column: an empty cell is the
/// empty text, any other its canonical text in `family`.
fn cell_print(column: usize, family: TypeFamily, value: Option<&str>) -> u64 {
    let text = if is_missing(value) {
        String::new()
    } else {
        let value = value.unwrap_or_default().trim();
        canonical(family, value)
    };
    let mut hash = epreuve_data::fnv1a(
        (column as u32)
            .to_le_bytes()
            .into_iter()
            .chain(text.bytes()),
    );
    // A finalizer, so that the sum of a row's cells mixes every bit.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The fingerprint of every row of `source`, in its order, over `columns` read in `families`;
/// `None` when the source lacks one of the columns.
pub fn source_prints(
    source: &SourceFrame,
    columns: &[String],
    families: &[TypeFamily],
) -> Option<Vec<u64>> {
    let mut rows = vec![0u64; source.rows()];
    for (i, (name, family)) in columns.iter().zip(families).enumerate() {
        let column = source.frame.column(name).ok()?;
        let mut r = 0;
        for_each_text(column, |value| {
            if let Some(row) = rows.get_mut(r) {
                *row = row.wrapping_add(cell_print(i, *family, value));
            }
            r += 1;
        });
    }
    Some(rows)
}

/// The rows of the table of `pair` that are no row of its source, as fingerprints; `None`
/// when the table shares fewer than two columns with its source (nothing then tells whose
/// data it holds). Rows are compared by their codes (one value, one code, whatever its
/// spelling), and only the rows found nowhere in the source are fingerprinted.
pub(crate) fn from_coded(table: &str, pair: &CodedPair) -> Option<StrayRows> {
    let shared: Vec<usize> = (0..pair.names.len())
        .filter(|&i| matches!(pair.table.columns.get(i), Some(Some(_))))
        .collect();
    if shared.len() < 2 {
        return None;
    }
    let hasher = foldhash::fast::FixedState::default();
    let key = |coded: &crate::Coded, r: usize| {
        let mut h = hasher.build_hasher();
        for &i in &shared {
            let code = coded.columns[i].as_ref().map_or(0, |c| c[r]);
            h.write_u32(code);
        }
        h.finish()
    };
    let own: HashSet<u64> = (0..pair.source.rows)
        .map(|r| key(&pair.source, r))
        .collect();
    let families: Vec<TypeFamily> = shared.iter().map(|&i| pair.codes[i].family()).collect();
    let mut seen = HashSet::default();
    let mut strays = Vec::new();
    let mut more = false;
    for r in 0..pair.table.rows {
        if own.contains(&key(&pair.table, r)) {
            continue;
        }
        let print = shared.iter().enumerate().fold(0u64, |sum, (position, &i)| {
            let code = pair.table.columns[i].as_ref().map_or(0, |c| c[r]);
            sum.wrapping_add(cell_print(
                position,
                families[position],
                pair.codes[i].shown(code),
            ))
        });
        if !seen.insert(print) {
            continue;
        }
        if strays.len() == STRAYS_KEPT {
            more = true;
            break;
        }
        strays.push(print);
    }
    Some(StrayRows {
        table: table.to_owned(),
        columns: shared.iter().map(|&i| pair.names[i].clone()).collect(),
        families,
        rows: pair.table.rows,
        strays,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_known_by_its_values_in_their_family_whatever_the_column_order() {
        let n = TypeFamily::Decimal;
        let t = TypeFamily::Text;
        let a = cell_print(0, t, Some("V1")).wrapping_add(cell_print(1, n, Some("12,50")));
        let b = cell_print(1, n, Some("12.5")).wrapping_add(cell_print(0, t, Some(" V1 ")));
        assert_eq!(a, b);
        let swapped = cell_print(0, t, Some("12.5")).wrapping_add(cell_print(1, n, Some("V1")));
        assert_ne!(a, swapped, "a value in another column is another row");
        assert_ne!(cell_print(0, t, None), cell_print(0, t, Some("0")));
        assert_eq!(cell_print(0, t, None), cell_print(0, t, Some("  ")));
    }
}
