//! « Les Halles Verdier », a French grocery chain: sales lines (csv), stores and monthly
//! targets (xlsx, two sheets), and a product catalogue nested by category (json).
//!
//! The files carry the dirt of real exports: French dates and decimal commas in the csv,
//! accents and long labels, postal codes with leading zeros, a few missing cells, a comment
//! field with quotes and semicolons, true date cells in the workbook. With `dirty`, more of
//! it, in every file: see [`RetailScale::dirty`].

mod catalogue;
mod sales;
mod stores;

use std::path::Path;

use super::Rng;
use crate::DataError;
use catalogue::write_catalogue;
use sales::write_sales;
use stores::{TOWNS, write_stores};

/// Seed of the files committed in `datasets/halles-verdier/`.
pub const HALLES_VERDIER_SEED: u64 = 20_250_301;

/// How big the generated files are.
#[derive(Debug, Clone, Copy)]
pub struct RetailScale {
    /// Lines in `ventes.csv`.
    pub sales: usize,
    /// Stores in the workbook (at most the number of towns known, 36).
    pub stores: usize,
    /// The dirt of real files. In `ventes.csv`: a category spelled several ways, missing
    /// quantities and prices, outliers, duplicated lines. In `magasins.xlsx`: numbers and dates
    /// typed as text (`2450`, `123456,78`, `12/03/2004`), regions spelled several ways. In
    /// `catalogue.json`: prices as strings with a decimal comma, brands spelled several ways,
    /// a weight key left out rather than null, a product listed twice. Off, the files are
    /// byte for byte those of earlier versions.
    pub dirty: bool,
    /// Sales planted at the edges of a statement's selection (see [`SalesBoundary`]); none,
    /// the files are byte for byte those of earlier versions.
    pub boundary: Option<SalesBoundary>,
}

impl Default for RetailScale {
    fn default() -> Self {
        Self {
            sales: 24_000,
            stores: 30,
            dirty: false,
            boundary: None,
        }
    }
}

/// A selection of sales a statement asks for: a store, with the loyalty card, an amount of at
/// least `amount_cents`. The generator replaces [`PLANTED`] evenly spread lines with sales
/// on each side of every condition: at the threshold and one cent under it, in the store with
/// the card; at the threshold without the card; at the threshold in another store. A query
/// with `>` for `>=`, a condition left out or `OR` for `AND` then returns other rows, on
/// every candidate's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalesBoundary {
    /// The store, by index (`MAG007` is 6).
    pub store: usize,
    /// The threshold, in cents.
    pub amount_cents: i64,
}

/// Lines replaced by planted sales: each of the four kinds twice.
pub const PLANTED: usize = 8;

impl SalesBoundary {
    /// The planted sale at line `n` of `lines`, if one is planted there: its store, whether it
    /// has the card, its quantity and unit price (the amount is their product, no discount).
    fn planted(&self, n: usize, lines: usize, stores: usize) -> Option<(usize, bool, i64, i64)> {
        if lines < 100 {
            return None;
        }
        let step = lines / (PLANTED + 1);
        if n == 0 || !n.is_multiple_of(step) || n / step > PLANTED {
            return None;
        }
        let kind = (n / step - 1) % 4;
        let other = (self.store + 1) % stores.max(1);
        // The threshold as 4 × a price, and one cent under it as 3 × a price when it divides,
        // else as 1 × the price.
        let (q_at, p_at) = if self.amount_cents % 4 == 0 {
            (4, self.amount_cents / 4)
        } else {
            (1, self.amount_cents)
        };
        let under = self.amount_cents - 1;
        let (q_under, p_under) = if under % 3 == 0 {
            (3, under / 3)
        } else {
            (1, under)
        };
        Some(match kind {
            0 => (self.store, true, q_at, p_at),
            1 => (self.store, true, q_under, p_under),
            2 => (self.store, false, q_at, p_at),
            _ => (other, true, q_at, p_at),
        })
    }
}

/// A product of the catalogue, as the sales draw it.
struct Product {
    sku: String,
    price_cents: i64,
}

/// Writes `ventes.csv`, `magasins.xlsx` and `catalogue.json` into `dir`.
pub fn write_retail(dir: &Path, seed: u64, scale: RetailScale) -> Result<(), DataError> {
    write_retail_with_progress(dir, seed, scale, &mut |_, _| {})
}

/// Sales lines written between two progress reports.
pub const PROGRESS_STEP: usize = 100_000;

/// [`write_retail`], calling `progress(lines written, lines in all)` every
/// [`PROGRESS_STEP`] sales lines and at the end. The files are the same.
pub fn write_retail_with_progress(
    dir: &Path,
    seed: u64,
    scale: RetailScale,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), DataError> {
    std::fs::create_dir_all(dir).map_err(|e| DataError::io(dir, e))?;
    let mut rng = Rng::new(seed);
    let stores = scale.stores.min(TOWNS.len());
    let products = write_catalogue(&dir.join("catalogue.json"), &mut rng, scale.dirty)?;
    write_stores(&dir.join("magasins.xlsx"), &mut rng, stores, scale.dirty)?;
    write_sales(
        &dir.join("ventes.csv"),
        &mut rng,
        scale,
        stores,
        &products,
        progress,
    )
}

fn store_code(i: usize) -> String {
    format!("MAG{:03}", i + 1)
}

/// `1250, 2` → `12,50`; `55, 1` → `5,5`; `100, 1` → `10`: as a French spreadsheet exports.
fn french_decimal(units: i64, places: u32) -> String {
    let factor = 10_i64.pow(places);
    let (whole, frac) = (units / factor, units % factor);
    if places == 1 && frac == 0 {
        whole.to_string()
    } else {
        format!("{whole},{frac:0width$}", width = places as usize)
    }
}
