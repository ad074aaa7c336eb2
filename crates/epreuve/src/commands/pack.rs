//! `pack`: the candidate-side catalogue.

use std::path::PathBuf;

use epreuve_i18n::said;
use serde_json::json;

use crate::cli::PackArgs;
use crate::exit_codes;
use crate::printer::Printer;

pub fn pack(printer: &Printer, catalogue: Option<PathBuf>, args: &PackArgs) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    let summary = catalogue.pack(&args.exams, &args.out)?;
    let out = args.out.display().to_string();
    let lang = printer.lang;
    printer.result(
        || {
            let mut text = said!(
                "pack-written",
                out = out.as_str(),
                exams = summary.exams.join(", ")
            )
            .render(lang);
            text.push('\n');
            for kept in &summary.public {
                text.push_str(&format!(
                    "  {}\n",
                    said!("pack-kept", entry = kept.as_str()).render(lang)
                ));
            }
            for left in &summary.left_out {
                text.push_str(&format!("  {}\n", left.render(lang)));
            }
            text.push_str(&said!("pack-use", out = out.as_str()).render(lang));
            text.push('\n');
            text
        },
        || {
            json!({
                "out": args.out,
                "exams": summary.exams,
                "public": summary.public,
                // As before, in English: the JSON is for programs.
                "left_out": summary
                    .left_out
                    .iter()
                    .map(|left| left.render(epreuve_i18n::Lang::En))
                    .collect::<Vec<_>>(),
            })
            .to_string()
        },
    );
    Ok(exit_codes::SUCCESS)
}
