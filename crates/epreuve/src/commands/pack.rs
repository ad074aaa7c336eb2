//! `pack`: the candidate-side catalogue.

use std::path::PathBuf;

use serde_json::json;

use crate::cli::PackArgs;
use crate::exit_codes;
use crate::printer::Printer;

pub fn pack(printer: &Printer, catalogue: Option<PathBuf>, args: &PackArgs) -> anyhow::Result<u8> {
    let catalogue = super::open_catalogue(catalogue)?;
    let summary = catalogue.pack(&args.exams, &args.out)?;
    printer.result(
        || {
            let mut out = format!(
                "Candidate catalogue written to {} ({}).\nIt holds the statements, the data previews and the public checks:\n",
                args.out.display(),
                summary.exams.join(", ")
            );
            for kept in &summary.public {
                out.push_str(&format!("  kept      {kept}\n"));
            }
            for left in &summary.left_out {
                out.push_str(&format!("  left out  {left}\n"));
            }
            out.push_str(&format!(
                "On a candidate's machine, `EPREUVE_CATALOGUE={}` lets start, status, check and submit run; grade and demo need the full catalogue.\n",
                args.out.display()
            ));
            out
        },
        || {
            json!({
                "out": args.out,
                "exams": summary.exams,
                "public": summary.public,
                "left_out": summary.left_out,
            })
            .to_string()
        },
    );
    Ok(exit_codes::SUCCESS)
}
