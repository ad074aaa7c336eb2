//! Rows of a candidate's table that are not rows of their own source, kept as fingerprints so
//! that a class can ask whose data they are.
//!
//! Every candidate's values come from their own seed: a row of another candidate's data, or
//! of the catalogue's preview, in a table proves that the data was copied. A fingerprint is a
//! 64-bit digest of a row's cells read in their source column's family (`12,50` and `12.5` are
//! one number), over the source columns the table has, whatever their order in the table. It
//! is stable from one run to the next (FNV-1a, no random seed), so that the fingerprints kept
//! at grading are compared with other candidates' sources later.

use epreuve_data::{SourceFrame, TypeFamily, canonical, for_each_text, is_missing};
use epreuve_db::{Backend, Relation, TextSink};
use serde::{Deserialize, Serialize};

use crate::Truth;
use crate::canon::HashSet;
use crate::checks::table_cap;

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
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let text = if is_missing(value) {
        String::new()
    } else {
        let value = value.unwrap_or_default().trim();
        canonical(family, value)
    };
    let mut hash = OFFSET;
    for byte in (column as u32)
        .to_le_bytes()
        .into_iter()
        .chain(text.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
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

/// Fingerprints rows as an engine streams them (a batch's cells column by column).
struct RowPrints<'a> {
    columns: &'a [String],
    families: &'a [TypeFamily],
    /// Per column of the table, the fingerprinted column it is, if any.
    positions: Vec<Option<usize>>,
    /// Per column of the table, the row its next cell belongs to.
    next: Vec<usize>,
    rows: Vec<u64>,
}

impl TextSink for RowPrints<'_> {
    fn names(&mut self, names: &[String]) {
        self.positions = names
            .iter()
            .map(|n| self.columns.iter().position(|c| c.eq_ignore_ascii_case(n)))
            .collect();
        self.next = vec![0; names.len()];
    }

    fn cell(&mut self, column: usize, value: Option<&str>) {
        let Some(row) = self.next.get_mut(column) else {
            return;
        };
        let at = *row;
        *row += 1;
        let Some(Some(position)) = self.positions.get(column).copied() else {
            return;
        };
        if self.rows.len() <= at {
            self.rows.resize(at + 1, 0);
        }
        self.rows[at] =
            self.rows[at].wrapping_add(cell_print(position, self.families[position], value));
    }
}

/// For each table of `truth` the database holds (a base table, not a view), the fingerprints
/// of its rows that are no row of the candidate's own source. A table that cannot be read, or
/// that shares fewer than two columns with its source, is left out: there is nothing to tell
/// whose data it holds.
pub fn stray_rows(backend: &dyn Backend, truth: &Truth) -> Vec<StrayRows> {
    let Ok(relations) = backend.tables() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for table in &truth.tables {
        let Some(relation) = Relation::find(&relations, &table.table).filter(|r| !r.view) else {
            continue;
        };
        let Ok(info) = backend.columns(&relation.name) else {
            continue;
        };
        let columns: Vec<String> = table
            .source
            .frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .filter(|n| info.iter().any(|c| c.name.eq_ignore_ascii_case(n)))
            .collect();
        if columns.len() < 2 {
            continue;
        }
        let families: Vec<TypeFamily> = columns
            .iter()
            .map(|n| table.column(n).map_or(TypeFamily::Text, |p| p.family))
            .collect();
        let Some(own) = source_prints(&table.source, &columns, &families) else {
            continue;
        };
        let own: HashSet<u64> = own.into_iter().collect();
        let mut sink = RowPrints {
            columns: &columns,
            families: &families,
            positions: Vec::new(),
            next: Vec::new(),
            rows: Vec::new(),
        };
        let cap = table_cap(table.source.rows());
        let Ok((rows, _)) = backend.scan_text(&relation.name, cap, &mut sink) else {
            continue;
        };
        let mut seen = HashSet::default();
        let mut strays = sink
            .rows
            .iter()
            .take(rows)
            .filter(|p| !own.contains(*p) && seen.insert(**p));
        let kept: Vec<u64> = strays.by_ref().take(STRAYS_KEPT).copied().collect();
        let more = strays.next().is_some();
        found.push(StrayRows {
            table: table.table.clone(),
            columns,
            families,
            rows,
            strays: kept,
            more,
        });
    }
    found
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
