//! `epreuve exams`: the catalogue.

use std::path::PathBuf;

use serde_json::json;

use crate::exit_codes;
use crate::printer::Printer;

pub fn exams(printer: &Printer, catalogue: Option<PathBuf>) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    let exams = catalogue.exams()?;
    printer.result(
        || {
            let mut out = String::new();
            for exam in &exams {
                let m = &exam.manifest;
                let engines: Vec<&str> = m.engines().iter().map(|e| e.label()).collect();
                let blocs: Vec<String> = m.blocs().iter().map(u8::to_string).collect();
                out.push_str(&format!(
                    "{}  bloc{} {} · {} · {} · {}\n    {}\n",
                    m.id,
                    if blocs.len() > 1 { "s" } else { "" },
                    blocs.join(", "),
                    m.criteria.join(", "),
                    humantime::format_duration(m.duration),
                    engines.join(", "),
                    match printer.lang {
                        epreuve_i18n::Lang::Fr => &m.title,
                        epreuve_i18n::Lang::En => &m.title_en,
                    }
                ));
            }
            out
        },
        || {
            let list =
                json!(exams.iter().map(|e| {
                let m = &e.manifest;
                json!({
                    "id": m.id, "title": m.title, "title_en": m.title_en, "bloc": m.bloc,
                    "blocs": m.blocs(), "criteria": m.criteria, "duration_seconds": m.duration.as_secs(),
                    "tables": m.tables.iter().map(|t| &t.name).collect::<Vec<_>>(),
                    "engines": m.engines(),
                })
            }).collect::<Vec<_>>());
            serde_json::to_string_pretty(&list).unwrap_or_default()
        },
    );
    Ok(exit_codes::SUCCESS)
}
