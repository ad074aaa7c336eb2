//! « Les Halles Verdier », a French grocery chain: sales lines (csv), stores and monthly
//! targets (xlsx, two sheets), and a product catalogue nested by category (json).
//!
//! The files carry the dirt of real exports: French dates and decimal commas in the csv,
//! accents and long labels, postal codes with leading zeros, a few missing cells, a comment
//! field with quotes and semicolons, true date cells in the workbook. With `dirty`, more of
//! it, in every file: see [`RetailScale::dirty`].

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

use super::Rng;
use crate::DataError;

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

const TOWNS: [(&str, &str, &str); 36] = [
    ("Bourg-en-Bresse", "01000", "Auvergne-Rhône-Alpes"),
    ("Nice", "06000", "Provence-Alpes-Côte d'Azur"),
    ("Annecy", "74000", "Auvergne-Rhône-Alpes"),
    ("Lyon", "69003", "Auvergne-Rhône-Alpes"),
    ("Saint-Étienne", "42000", "Auvergne-Rhône-Alpes"),
    ("Grenoble", "38000", "Auvergne-Rhône-Alpes"),
    ("Orléans", "45000", "Centre-Val de Loire"),
    ("Tours", "37000", "Centre-Val de Loire"),
    ("Besançon", "25000", "Bourgogne-Franche-Comté"),
    ("Dijon", "21000", "Bourgogne-Franche-Comté"),
    ("Rennes", "35000", "Bretagne"),
    ("Brest", "29200", "Bretagne"),
    ("Nantes", "44000", "Pays de la Loire"),
    ("Angers", "49000", "Pays de la Loire"),
    ("Laon", "02000", "Hauts-de-France"),
    ("Lille", "59000", "Hauts-de-France"),
    ("Amiens", "80000", "Hauts-de-France"),
    ("Rouen", "76000", "Normandie"),
    ("Saint-Étienne-du-Rouvray", "76800", "Normandie"),
    ("Caen", "14000", "Normandie"),
    ("Strasbourg", "67000", "Grand Est"),
    ("Metz", "57000", "Grand Est"),
    ("Reims", "51100", "Grand Est"),
    ("Bordeaux", "33000", "Nouvelle-Aquitaine"),
    ("Limoges", "87000", "Nouvelle-Aquitaine"),
    ("Pau", "64000", "Nouvelle-Aquitaine"),
    ("Toulouse", "31000", "Occitanie"),
    ("Foix", "09000", "Occitanie"),
    ("Montpellier", "34000", "Occitanie"),
    ("Nîmes", "30000", "Occitanie"),
    ("Marseille", "13001", "Provence-Alpes-Côte d'Azur"),
    ("Gap", "05000", "Provence-Alpes-Côte d'Azur"),
    ("Aix-en-Provence", "13090", "Provence-Alpes-Côte d'Azur"),
    ("Ajaccio", "20000", "Corse"),
    ("Paris", "75011", "Île-de-France"),
    ("Évry-Courcouronnes", "91000", "Île-de-France"),
];

const SITES: [&str; 8] = [
    "Centre",
    "Gare",
    "Les Arcades",
    "Marché couvert",
    "Zone commerciale Nord",
    "Quartier de l'Hôtel-de-Ville",
    "Parc d'activités des Portes de l'Agglomération",
    "Faubourg",
];

const CATEGORIES: [(&str, &str, &[&str]); 8] = [
    (
        "EPI",
        "Épicerie salée",
        &[
            "Huile d'olive vierge extra",
            "Pâtes torsades",
            "Riz basmati",
            "Lentilles vertes du Puy AOP",
            "Moutarde de Dijon",
            "Sel de Guérande",
        ],
    ),
    (
        "SUC",
        "Épicerie sucrée",
        &[
            "Confiture d'abricots",
            "Miel de lavande",
            "Chocolat noir 70 %",
            "Biscuits sablés bretons",
            "Café moulu pur arabica",
            "Thé vert à la menthe",
        ],
    ),
    (
        "BOI",
        "Boissons",
        &[
            "Eau minérale gazeuse",
            "Jus de pomme trouble",
            "Cidre brut fermier",
            "Limonade artisanale",
            "Sirop de grenadine",
        ],
    ),
    (
        "FRA",
        "Produits frais",
        &[
            "Crème fraîche épaisse d'Isigny AOP",
            "Beurre doux",
            "Yaourt nature au lait entier",
            "Comté AOP 18 mois",
            "Jambon blanc supérieur",
        ],
    ),
    (
        "FL",
        "Fruits et légumes",
        &[
            "Pommes Golden",
            "Carottes des sables",
            "Pommes de terre à chair ferme",
            "Clémentines de Corse IGP",
        ],
    ),
    (
        "HYG",
        "Hygiène et beauté",
        &[
            "Savon de Marseille",
            "Gel douche à l'amande douce",
            "Dentifrice au fluor",
            "Shampooing cheveux secs",
        ],
    ),
    (
        "ENT",
        "Entretien",
        &[
            "Liquide vaisselle écologique",
            "Lessive au savon noir",
            "Éponges grattantes",
            "Vinaigre ménager",
        ],
    ),
    (
        "BEB",
        "Bébé",
        &[
            "Petits pots légumes variés",
            "Lait de croissance",
            "Couches taille 4",
            "Lingettes à l'eau",
        ],
    ),
];

const BRANDS: [&str; 7] = [
    "Verdier",
    "Les Près d'Armor",
    "Maison Célestin",
    "Bio Village",
    "Saveurs d'Antan",
    "Clair & Net",
    "Petit Loup",
];
const DETAILS: [&str; 8] = [
    "500 g",
    "1 kg",
    "75 cl",
    "lot de 2",
    "format familial",
    "bocal 370 g",
    "recette à l'ancienne, sans conservateur",
    "édition limitée — fabriqué en Bretagne",
];
const PAYMENTS: [&str; 4] = ["Carte bancaire", "Espèces", "Chèque", "Titre-restaurant"];
const COMMENTS: [&str; 6] = [
    "Client fidèle ; demande de facture",
    "Retour produit : emballage abîmé",
    "Remise « fin de série » accordée par le responsable de rayon",
    "Paiement fractionné",
    "Erreur de caisse corrigée; ticket n° 4521 annulé",
    "Produit \"coup de cœur\" mis en avant en tête de gondole près de l'entrée principale du magasin",
];

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

fn store_code(i: usize) -> String {
    format!("MAG{:03}", i + 1)
}

/// Other spellings of the brands, as several suppliers' feeds merged give them.
const BRAND_SPELLINGS: [(&str, &[&str]); 3] = [
    ("Verdier", &["VERDIER", "verdier", "Verdier "]),
    ("Bio Village", &["Bio village", "BIO VILLAGE"]),
    ("Maison Célestin", &["Maison Celestin", "maison célestin"]),
];

/// Spells a catalogue entry the way a merged feed does: a price as a string with a decimal
/// comma, a brand spelled otherwise, a missing weight left out instead of null.
fn soil_product(item: &mut Value, rng: &mut Rng) {
    let Some(fields) = item.as_object_mut() else {
        return;
    };
    if rng.chance(0.1)
        && let Some(price) = fields.get("prix_catalogue").and_then(Value::as_f64)
    {
        let text = format!("{price:.2}").replace('.', ",");
        fields.insert("prix_catalogue".into(), Value::String(text));
    }
    if let Some(brand) = fields.get("marque").and_then(Value::as_str)
        && let Some((_, variants)) = BRAND_SPELLINGS.iter().find(|(clean, _)| *clean == brand)
        && rng.chance(0.3)
    {
        let variant = (*rng.pick(variants)).to_owned();
        fields.insert("marque".into(), Value::String(variant));
    }
    if fields.get("poids_g").is_some_and(Value::is_null) && rng.chance(0.5) {
        fields.remove("poids_g");
    }
}

fn write_catalogue(path: &Path, rng: &mut Rng, dirty: bool) -> Result<Vec<Product>, DataError> {
    let mut products = Vec::new();
    let mut categories = Vec::new();
    for (code, label, names) in CATEGORIES {
        let mut items = Vec::new();
        for n in 0..rng.range(40, 60) {
            let sku = format!("{code}-{:05}", n * 7 + rng.range(1, 6));
            let price_cents = rng.range(59, 2_990) + if rng.chance(0.03) { 6_000 } else { 0 };
            let name = format!("{} {}", rng.pick(names), rng.pick(&DETAILS));
            let brand = (!rng.chance(0.06)).then(|| *rng.pick(&BRANDS));
            let weight = (code != "HYG" && code != "ENT" && !rng.chance(0.05))
                .then(|| rng.range(1, 40) * 25);
            let day = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default()
                + chrono::Duration::days(rng.range(0, 3_800));
            let mut item = json!({
                "sku": sku,
                "designation": name,
                "marque": brand,
                "prix_catalogue": price_cents as f64 / 100.0,
                "bio": rng.chance(0.3),
                "poids_g": weight,
                "date_referencement": day.format("%Y-%m-%d").to_string(),
            });
            // The dirt draws from the generator only when asked for, so that clean files keep
            // their bytes.
            if dirty {
                soil_product(&mut item, rng);
            }
            items.push(item);
            products.push(Product { sku, price_cents });
        }
        if dirty && let Some(twice) = items.get(rng.range(0, items.len() as i64 - 1) as usize) {
            // A product listed twice, as when two feeds are concatenated.
            items.push(twice.clone());
        }
        categories.push(json!({ "code": code, "libelle": label, "produits": items }));
    }
    let document = json!({
        "enseigne": "Les Halles Verdier",
        "edition": "2025-03",
        "devise": "EUR",
        "categories": Value::Array(categories),
    });
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|e| DataError::io(path, e))?;
    Ok(products)
}

/// Other spellings of the regions, as people type them into a workbook.
const REGION_SPELLINGS: [(&str, &[&str]); 3] = [
    (
        "Auvergne-Rhône-Alpes",
        &["Auvergne Rhône-Alpes", "AUVERGNE-RHONE-ALPES"],
    ),
    ("Bretagne", &["BRETAGNE", "bretagne"]),
    ("Île-de-France", &["Ile-de-France", "IDF"]),
];

fn write_stores(path: &Path, rng: &mut Rng, stores: usize, dirty: bool) -> Result<(), DataError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| DataError::WriteWorkbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook
        .add_worksheet()
        .set_name("magasins")
        .map_err(xlsx)?;
    let headers = [
        "code_magasin",
        "nom",
        "ville",
        "code_postal",
        "region",
        "surface_m2",
        "date_ouverture",
        "ouvert_dimanche",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(xlsx)?;
    }
    let mut surfaces = Vec::new();
    for (i, &(town, postal, region)) in TOWNS.iter().take(stores).enumerate() {
        let row = i as u32 + 1;
        let surface = rng.range(350, 4_800);
        surfaces.push(surface);
        let opened = NaiveDate::from_ymd_opt(1998, 3, 1).unwrap_or_default()
            + chrono::Duration::days(rng.range(0, 9_000));
        let date = ExcelDateTime::from_ymd(
            opened.year() as u16,
            opened.month() as u8,
            opened.day() as u8,
        )
        .map_err(xlsx)?;
        sheet.write_string(row, 0, store_code(i)).map_err(xlsx)?;
        sheet
            .write_string(
                row,
                1,
                format!("Halles Verdier {town} {}", rng.pick(&SITES)),
            )
            .map_err(xlsx)?;
        sheet.write_string(row, 2, town).map_err(xlsx)?;
        sheet.write_string(row, 3, postal).map_err(xlsx)?;
        let region = match REGION_SPELLINGS.iter().find(|(clean, _)| *clean == region) {
            Some((_, variants)) if dirty && rng.chance(0.4) => *rng.pick(variants),
            _ => region,
        };
        sheet.write_string(row, 4, region).map_err(xlsx)?;
        // A number and a date typed as text, the classic flaws of a hand-kept workbook.
        if dirty && rng.chance(0.2) {
            sheet
                .write_string(row, 5, surface.to_string())
                .map_err(xlsx)?;
        } else {
            sheet.write_number(row, 5, surface as f64).map_err(xlsx)?;
        }
        if dirty && rng.chance(0.2) {
            sheet
                .write_string(row, 6, opened.format("%d/%m/%Y").to_string())
                .map_err(xlsx)?;
        } else {
            sheet
                .write_datetime_with_format(row, 6, &date, &date_format)
                .map_err(xlsx)?;
        }
        sheet.write_boolean(row, 7, rng.chance(0.4)).map_err(xlsx)?;
    }
    let targets = workbook
        .add_worksheet()
        .set_name("objectifs")
        .map_err(xlsx)?;
    for (c, h) in ["code_magasin", "annee", "mois", "objectif_ca"]
        .iter()
        .enumerate()
    {
        targets.write_string(0, c as u16, *h).map_err(xlsx)?;
    }
    let mut row = 1;
    for (i, surface) in surfaces.iter().enumerate() {
        for year in [2024, 2025] {
            for month in 1..=12 {
                targets.write_string(row, 0, store_code(i)).map_err(xlsx)?;
                targets.write_number(row, 1, year as f64).map_err(xlsx)?;
                targets.write_number(row, 2, month as f64).map_err(xlsx)?;
                if !rng.chance(0.005) {
                    let season = if month == 12 {
                        135
                    } else if month == 8 {
                        80
                    } else {
                        100
                    };
                    let cents = surface * 7_500 * season / 100 + rng.range(0, 99_999);
                    if dirty && rng.chance(0.05) {
                        // Pasted from a French report: text with a decimal comma.
                        targets
                            .write_string(row, 3, format!("{},{:02}", cents / 100, cents % 100))
                            .map_err(xlsx)?;
                    } else {
                        targets
                            .write_number(row, 3, cents as f64 / 100.0)
                            .map_err(xlsx)?;
                    }
                }
                row += 1;
            }
        }
    }
    // A fixed creation date keeps the workbook byte-for-byte reproducible.
    let properties = rust_xlsxwriter::DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2025, 3, 1).map_err(xlsx)?);
    workbook.set_properties(&properties);
    workbook.save(path).map_err(xlsx)
}

fn write_sales(
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
