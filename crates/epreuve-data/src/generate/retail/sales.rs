//! `ventes.csv`: the sales lines, with their French spellings and, when asked, their dirt
//! and the sales planted at the edges of a statement's selection.

use chrono::NaiveDate;

use super::{PROGRESS_STEP, Product, RetailScale, Rng, french_decimal, store_code};
use crate::DataError;
use std::path::Path;

const PAYMENTS: [&str; 4] = ["Carte bancaire", "Espèces", "Chèque", "Titre-restaurant"];
const COMMENTS: [&str; 6] = [
    "Client fidèle ; demande de facture",
    "Retour produit : emballage abîmé",
    "Remise « fin de série » accordée par le responsable de rayon",
    "Paiement fractionné",
    "Erreur de caisse corrigée; ticket n° 4521 annulé",
    "Produit \"coup de cœur\" mis en avant en tête de gondole près de l'entrée principale du magasin",
];

/// Other spellings of the payment modes, as tills and people type them.
const PAYMENT_SPELLINGS: [(&str, &[&str]); 2] = [
    (
        "Carte bancaire",
        &["CB", "carte bancaire", "Carte Bancaire", "Carte bancaire "],
    ),
    ("Espèces", &["Especes", "espèces", "ESPECES"]),
];

/// Columns of a sales line, by position.
const QUANTITY: usize = 4;
const UNIT_PRICE: usize = 5;
const PAYMENT: usize = 9;

/// Makes a clean sales line dirty the way real exports are, and says how many times to write
/// it (2 for a duplicated line).
fn soil(record: &mut [String; 11], rng: &mut Rng) -> usize {
    if let Some((_, variants)) = PAYMENT_SPELLINGS
        .iter()
        .find(|(clean, _)| record[PAYMENT] == *clean)
        && rng.chance(0.15)
    {
        record[PAYMENT] = (*rng.pick(variants)).to_owned();
    }
    if rng.chance(0.01) {
        record[QUANTITY] = String::new();
    } else if rng.chance(0.001)
        && let Ok(q) = record[QUANTITY].parse::<i64>()
    {
        // An outlier: a pack count typed as units.
        record[QUANTITY] = (q * 100).to_string();
    }
    if rng.chance(0.01) {
        record[UNIT_PRICE] = String::new();
    }
    if rng.chance(0.005) { 2 } else { 1 }
}

pub(super) fn write_sales(
    path: &Path,
    rng: &mut Rng,
    scale: RetailScale,
    stores: usize,
    products: &[Product],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), DataError> {
    let (lines, dirty) = (scale.sales, scale.dirty);
    let io = |e: std::io::Error| DataError::io(path, e);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .map_err(|e| io(std::io::Error::other(e)))?;
    let header = [
        "id_vente",
        "date_vente",
        "code_magasin",
        "sku",
        "quantite",
        "prix_unitaire",
        "remise_pct",
        "montant_ttc",
        "carte_fidelite",
        "mode_paiement",
        "commentaire",
    ];
    writer
        .write_record(header)
        .map_err(|e| io(std::io::Error::other(e)))?;
    let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    for n in 0..lines {
        if n > 0 && n % PROGRESS_STEP == 0 {
            progress(n, lines);
        }
        let product = rng.pick(products);
        let quantity = if rng.chance(0.01) {
            48
        } else {
            rng.range(1, 6) * rng.range(1, 4)
        };
        let discount_tenths = *rng.pick(&[0, 0, 0, 0, 0, 50, 55, 100, 150, 200]);
        let gross = quantity * product.price_cents * (1_000 - discount_tenths);
        let amount_cents = (gross + 500) / 1_000;
        let day = first_day + chrono::Duration::days(rng.range(0, 730));
        let record = [
            (1_000_001 + n).to_string(),
            day.format("%d/%m/%Y").to_string(),
            store_code(rng.range(0, stores as i64 - 1) as usize),
            product.sku.clone(),
            quantity.to_string(),
            french_decimal(product.price_cents, 2),
            if rng.chance(0.02) {
                String::new()
            } else {
                french_decimal(discount_tenths, 1)
            },
            french_decimal(amount_cents, 2),
            if rng.chance(0.35) { "oui" } else { "non" }.to_owned(),
            if rng.chance(0.015) {
                String::new()
            } else {
                (*rng.pick(&PAYMENTS)).to_owned()
            },
            if rng.chance(0.04) {
                (*rng.pick(&COMMENTS)).to_owned()
            } else {
                String::new()
            },
        ];
        let mut record = record;
        // Planted sales replace fields of a drawn line, after the draws, so that every other
        // line keeps its bytes.
        if let Some((store, card, quantity, price)) =
            scale.boundary.and_then(|b| b.planted(n, lines, stores))
        {
            record[2] = store_code(store);
            record[QUANTITY] = quantity.to_string();
            record[UNIT_PRICE] = french_decimal(price, 2);
            record[6] = "0".to_owned();
            record[7] = french_decimal(quantity * price, 2);
            record[8] = if card { "oui" } else { "non" }.to_owned();
        }
        // The dirt draws from the generator only when asked for, so that clean files keep
        // their bytes.
        let copies = if dirty { soil(&mut record, rng) } else { 1 };
        for _ in 0..copies {
            writer
                .write_record(&record)
                .map_err(|e| io(std::io::Error::other(e)))?;
        }
    }
    writer.flush().map_err(io)?;
    progress(lines, lines);
    Ok(())
}
