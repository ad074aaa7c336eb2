//! `magasins.xlsx`: the stores and their monthly targets, two sheets of a workbook.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::{Rng, store_code};
use crate::DataError;
use std::path::Path;

pub(super) const TOWNS: [(&str, &str, &str); 36] = [
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

/// Other spellings of the regions, as people type them into a workbook.
const REGION_SPELLINGS: [(&str, &[&str]); 3] = [
    (
        "Auvergne-Rhône-Alpes",
        &["Auvergne Rhône-Alpes", "AUVERGNE-RHONE-ALPES"],
    ),
    ("Bretagne", &["BRETAGNE", "bretagne"]),
    ("Île-de-France", &["Ile-de-France", "IDF"]),
];

pub(super) fn write_stores(
    path: &Path,
    rng: &mut Rng,
    stores: usize,
    dirty: bool,
) -> Result<(), DataError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| DataError::WriteWorkbook {
        path: path.to_path_buf(),
        message: epreuve_i18n::Said::verbatim(e.to_string()),
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
    write_targets(&mut workbook, rng, &surfaces, dirty).map_err(xlsx)?;
    // A fixed creation date keeps the workbook byte-for-byte reproducible.
    let properties = rust_xlsxwriter::DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(2025, 3, 1).map_err(xlsx)?);
    workbook.set_properties(&properties);
    workbook.save(path).map_err(xlsx)
}

/// The sheet of monthly targets: one line per store and month of 2024 and 2025, scaled by
/// the store's surface and the season, a few left empty, and, in a dirty workbook, a few
/// pasted as text with a decimal comma.
fn write_targets(
    workbook: &mut Workbook,
    rng: &mut Rng,
    surfaces: &[i64],
    dirty: bool,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let targets = workbook.add_worksheet().set_name("objectifs")?;
    for (c, h) in ["code_magasin", "annee", "mois", "objectif_ca"]
        .iter()
        .enumerate()
    {
        targets.write_string(0, c as u16, *h)?;
    }
    let mut row = 1;
    for (i, surface) in surfaces.iter().enumerate() {
        for year in [2024, 2025] {
            for month in 1..=12 {
                targets.write_string(row, 0, store_code(i))?;
                targets.write_number(row, 1, year as f64)?;
                targets.write_number(row, 2, month as f64)?;
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
                        targets.write_string(
                            row,
                            3,
                            format!("{},{:02}", cents / 100, cents % 100),
                        )?;
                    } else {
                        targets.write_number(row, 3, cents as f64 / 100.0)?;
                    }
                }
                row += 1;
            }
        }
    }
    Ok(())
}
