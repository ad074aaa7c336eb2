//! Writes the Halles Verdier dataset: `cargo run -p epreuve-data --example generate_retail -- <dir> [seed]`.

use epreuve_data::generate::{HALLES_VERDIER_SEED, RetailScale, write_retail};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "datasets/halles-verdier".into());
    let seed = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(HALLES_VERDIER_SEED);
    let started = std::time::Instant::now();
    write_retail(std::path::Path::new(&dir), seed, RetailScale::default())?;
    eprintln!("wrote {dir} (seed {seed}) in {:.2?}", started.elapsed());
    Ok(())
}
