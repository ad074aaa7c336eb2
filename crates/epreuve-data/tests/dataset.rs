//! The committed dataset is exactly what the generator writes from its seed.

use std::path::PathBuf;

use epreuve_data::generate::{HALLES_VERDIER_SEED, RetailScale, write_retail};
use epreuve_data::{SourceSpec, read_source, text_columns};

fn committed() -> PathBuf {
    manifest_dir().join("../../datasets/halles-verdier")
}

fn spec(file: &str, sheet: Option<&str>) -> SourceSpec {
    SourceSpec {
        file: file.into(),
        format: None,
        delimiter: Some(';'),
        sheet: sheet.map(Into::into),
        record_path: vec![],
        meta: vec![],
    }
}

#[test]
fn the_committed_files_are_regenerated_from_their_seed() {
    let temp = tempfile::tempdir().unwrap();
    write_retail(temp.path(), HALLES_VERDIER_SEED, RetailScale::default()).unwrap();
    for file in ["ventes.csv", "catalogue.json"] {
        let fresh = std::fs::read(temp.path().join(file)).unwrap();
        let kept = std::fs::read(committed().join(file)).unwrap();
        assert!(fresh == kept, "{file} differs from what its seed generates");
    }
    // A workbook is a zip whose bytes may vary with the writer's version: compare its cells.
    for sheet in ["magasins", "objectifs"] {
        let fresh = read_source(temp.path(), &spec("magasins.xlsx", Some(sheet))).unwrap();
        let kept = read_source(&committed(), &spec("magasins.xlsx", Some(sheet))).unwrap();
        assert_eq!(
            text_columns(&fresh.frame),
            text_columns(&kept.frame),
            "sheet {sheet}"
        );
    }
}

#[test]
fn another_seed_gives_other_data() {
    let temp = tempfile::tempdir().unwrap();
    let scale = RetailScale {
        sales: 500,
        stores: 5,
        dirty: false,
        boundary: None,
    };
    write_retail(&temp.path().join("a"), 1, scale).unwrap();
    write_retail(&temp.path().join("b"), 2, scale).unwrap();
    let a = std::fs::read(temp.path().join("a/ventes.csv")).unwrap();
    let b = std::fs::read(temp.path().join("b/ventes.csv")).unwrap();
    assert_ne!(a, b);
    let frame = read_source(&temp.path().join("a"), &spec("ventes.csv", None)).unwrap();
    assert_eq!(frame.rows(), 500);
}

#[test]
fn a_large_generation_reports_its_progress() {
    use epreuve_data::generate::{PROGRESS_STEP, RetailScale, write_retail_with_progress};
    let temp = tempfile::tempdir().unwrap();
    let sales = 2 * PROGRESS_STEP + 500;
    let mut reports = Vec::new();
    write_retail_with_progress(
        temp.path(),
        7,
        RetailScale {
            sales,
            stores: 30,
            dirty: false,
            boundary: None,
        },
        &mut |done, all| reports.push((done, all)),
    )
    .unwrap();
    assert_eq!(
        reports,
        vec![
            (PROGRESS_STEP, sales),
            (2 * PROGRESS_STEP, sales),
            (sales, sales)
        ]
    );
    let text = std::fs::read_to_string(temp.path().join("ventes.csv")).unwrap();
    assert_eq!(text.lines().count(), sales + 1, "a header and every line");
}

#[test]
fn dirty_sales_have_the_flaws_of_real_exports() {
    use epreuve_data::generate::{RetailScale, write_retail};
    let temp = tempfile::tempdir().unwrap();
    let scale = RetailScale {
        sales: 20_000,
        stores: 30,
        dirty: true,
        boundary: None,
    };
    write_retail(temp.path(), 11, scale).unwrap();
    let text = std::fs::read_to_string(temp.path().join("ventes.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let duplicates = rows.windows(2).filter(|w| w[0] == w[1]).count();
    assert!(duplicates > 20, "{duplicates} duplicated lines");
    assert!(rows.len() > scale.sales, "duplicates add lines");
    let card: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| &r[9])
        .filter(|p| p.to_lowercase().trim() == "carte bancaire" || *p == "CB")
        .collect();
    assert!(card.len() >= 4, "spellings of the card: {card:?}");
    let missing_quantity = rows.iter().filter(|r| r[4].is_empty()).count();
    let missing_price = rows.iter().filter(|r| r[5].is_empty()).count();
    assert!(missing_quantity > 100 && missing_price > 100);
    let outliers = rows
        .iter()
        .filter(|r| r[4].parse::<i64>().is_ok_and(|q| q >= 100))
        .count();
    assert!(
        outliers > 0,
        "a few quantities typed a hundred times too big"
    );
    // The clean files of the same seed are untouched by the option.
    let clean = tempfile::tempdir().unwrap();
    write_retail(
        clean.path(),
        11,
        RetailScale {
            dirty: false,
            ..scale
        },
    )
    .unwrap();
    let clean_text = std::fs::read_to_string(clean.path().join("ventes.csv")).unwrap();
    assert_eq!(clean_text.lines().count(), scale.sales + 1);
    assert_ne!(clean_text, text);
}

#[test]
fn dirty_workbook_and_catalogue_are_still_read_in_the_right_families() {
    use epreuve_data::generate::{RetailScale, write_retail};
    use epreuve_data::{TypeFamily, profile_frame};
    let temp = tempfile::tempdir().unwrap();
    let scale = RetailScale {
        sales: 100,
        stores: 36,
        dirty: true,
        boundary: None,
    };
    write_retail(temp.path(), 5, scale).unwrap();
    // Cells as calamine reads them: which are text rather than numbers or dates.
    let path = temp.path().join("magasins.xlsx");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let texts_in = |workbook: &mut calamine::Xlsx<_>, sheet: &str, column: usize| -> Vec<String> {
        use calamine::Reader;
        let range = workbook.worksheet_range(sheet).unwrap();
        range
            .rows()
            .skip(1)
            .filter_map(|r| match &r[column] {
                calamine::Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    let surfaces = texts_in(&mut workbook, "magasins", 5);
    let dates = texts_in(&mut workbook, "magasins", 6);
    let targets = texts_in(&mut workbook, "objectifs", 3);
    assert!(!surfaces.is_empty(), "some surfaces typed as text");
    assert!(
        dates.iter().any(|d| d.len() == 10 && &d[2..3] == "/"),
        "{dates:?}"
    );
    assert!(targets.iter().any(|t| t.contains(',')), "{targets:?}");
    // The readers and the profile still see numbers and dates.
    let stores = read_source(temp.path(), &spec("magasins.xlsx", Some("magasins"))).unwrap();
    let profile = profile_frame(&stores);
    assert_eq!(
        profile.column("surface_m2").unwrap().family,
        TypeFamily::Integer
    );
    assert_eq!(
        profile.column("date_ouverture").unwrap().family,
        TypeFamily::Date
    );
    let columns = text_columns(&stores.frame);
    let regions: std::collections::BTreeSet<String> = columns
        .iter()
        .find(|(n, _)| n == "region")
        .unwrap()
        .1
        .iter()
        .flatten()
        .cloned()
        .collect();
    assert!(
        regions
            .iter()
            .filter(|r| r.to_lowercase().contains("bretagne"))
            .count()
            >= 2
            || regions
                .iter()
                .filter(|r| r.to_lowercase().contains("auvergne"))
                .count()
                >= 2,
        "regions spelled several ways: {regions:?}"
    );
    let goals = read_source(temp.path(), &spec("magasins.xlsx", Some("objectifs"))).unwrap();
    assert_eq!(
        profile_frame(&goals).column("objectif_ca").unwrap().family,
        TypeFamily::Decimal
    );
    // The catalogue: strings with a decimal comma among the prices, a product twice, a weight
    // key left out, brands spelled several ways.
    let text = std::fs::read_to_string(temp.path().join("catalogue.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let products: Vec<&serde_json::Value> = document["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["produits"].as_array().unwrap())
        .collect();
    assert!(products.iter().any(|p| {
        p["prix_catalogue"]
            .as_str()
            .is_some_and(|s| s.contains(','))
    }));
    assert!(products.iter().any(|p| p.get("poids_g").is_none()));
    let skus: Vec<&str> = products
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = skus.iter().collect();
    assert!(distinct.len() < skus.len(), "a product listed twice");
    let verdier: std::collections::BTreeSet<&str> = products
        .iter()
        .filter_map(|p| p["marque"].as_str())
        .filter(|b| b.trim().eq_ignore_ascii_case("verdier"))
        .collect();
    assert!(verdier.len() >= 2, "{verdier:?}");
    let catalogue = read_source(
        temp.path(),
        &SourceSpec {
            file: "catalogue.json".into(),
            format: None,
            delimiter: None,
            sheet: None,
            record_path: vec!["categories".into(), "produits".into()],
            meta: vec![],
        },
    )
    .unwrap();
    assert_eq!(catalogue.rows(), products.len());
    assert_eq!(
        profile_frame(&catalogue)
            .column("prix_catalogue")
            .unwrap()
            .family,
        TypeFamily::Decimal
    );
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}

/// Sales planted at the edges of a selection: each kind on its side of the threshold, every
/// other line the bytes of the file without them.
#[test]
fn a_boundary_plants_sales_on_each_side_of_every_condition() {
    use epreuve_data::generate::{PLANTED, SalesBoundary};
    let temp = tempfile::tempdir().unwrap();
    let plain = RetailScale {
        sales: 1_000,
        stores: 10,
        dirty: false,
        boundary: None,
    };
    let planted = RetailScale {
        boundary: Some(SalesBoundary {
            store: 6,
            amount_cents: 10_000,
        }),
        ..plain
    };
    write_retail(&temp.path().join("a"), 5, plain).unwrap();
    write_retail(&temp.path().join("b"), 5, planted).unwrap();
    let read = |dir: &str| -> Vec<Vec<String>> {
        std::fs::read_to_string(temp.path().join(dir).join("ventes.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(';').map(str::to_owned).collect())
            .collect()
    };
    let (a, b) = (read("a"), read("b"));
    assert_eq!(a.len(), b.len());
    let changed: Vec<&Vec<String>> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(_, y)| y)
        .collect();
    assert_eq!(changed.len(), PLANTED);
    let has = |store: &str, card: &str, amount: &str| {
        changed
            .iter()
            .filter(|r| r[2] == store && r[8] == card && r[7] == amount)
            .count()
    };
    assert_eq!(has("MAG007", "oui", "100,00"), 2, "{changed:?}");
    assert_eq!(has("MAG007", "oui", "99,99"), 2, "{changed:?}");
    assert_eq!(has("MAG007", "non", "100,00"), 2, "{changed:?}");
    assert_eq!(has("MAG008", "oui", "100,00"), 2, "{changed:?}");
    // Each planted line is coherent: quantity × unit price, no discount.
    for r in &changed {
        let cents = |v: &str| -> i64 { v.replace(',', "").parse().unwrap() };
        let quantity: i64 = r[4].parse().unwrap();
        assert_eq!(quantity * cents(&r[5]), cents(&r[7]), "{r:?}");
        assert_eq!(r[6], "0");
    }
}
