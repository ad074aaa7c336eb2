//! Writes the Halles Verdier dataset, with progress and throughput on standard error:
//! `cargo run -p epreuve-data --example generate_retail -- <dir> [seed] [sales lines] [dirty]`.
//! Without arguments it rewrites the catalogue's preview, `datasets/halles-verdier`.

use epreuve_data::generate::{HALLES_VERDIER_SEED, RetailScale, write_retail_with_progress};

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
    let mut scale = RetailScale::default();
    if let Some(sales) = args.next() {
        scale.sales = sales.parse()?;
    }
    scale.dirty = args.next().as_deref() == Some("dirty");
    let started = std::time::Instant::now();
    write_retail_with_progress(std::path::Path::new(&dir), seed, scale, &mut |done, all| {
        let seconds = started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "  {done:>10} / {all} sales lines  {:>9.0} lines/s",
            done as f64 / seconds
        );
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes: u64 = std::fs::read_dir(&dir)?
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "wrote {dir} (seed {seed}, {} sales lines, {:.1} MB) in {seconds:.2} s: {:.0} lines/s, {:.1} MB/s",
        scale.sales,
        bytes as f64 / 1e6,
        scale.sales as f64 / seconds,
        bytes as f64 / 1e6 / seconds
    );
    Ok(())
}
