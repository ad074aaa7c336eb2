//! `catalogue.json`: products nested by category, as a merged supplier feed gives them.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Product, Rng};
use crate::DataError;
use std::path::Path;

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

pub(super) fn write_catalogue(
    path: &Path,
    rng: &mut Rng,
    dirty: bool,
) -> Result<Vec<Product>, DataError> {
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
