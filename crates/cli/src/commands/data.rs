//! `hallyu data`: embedded data sets.

use crate::args::DataArgs;
use crate::exit::usage_bail;
use crate::output::write_atomic;
use anyhow::Result;
use hallyu_data::read::Format;
use hallyu_data::{embedded, write, Table};
use std::path::Path;

/// Writes a table to a .csv or .parquet file, atomically.
pub fn write_table(table: &Table, path: &Path) -> Result<()> {
    let format = match Format::from_path(path) {
        Ok(Format::Dta) | Err(_) => usage_bail!(
            "cannot write {}: use a .csv or .parquet file",
            path.display()
        ),
        Ok(f) => f,
    };
    write_atomic(path, |f| {
        let sink = std::io::BufWriter::new(f);
        match format {
            Format::Csv => write::write_csv(table, sink)?,
            Format::Parquet => write::write_parquet(table, sink)?,
            Format::Dta => usage_bail!("writing .dta is not supported; use .csv or .parquet"),
        }
        Ok(())
    })
}

/// Runs the command.
pub fn run(a: DataArgs) -> Result<u8> {
    if super::reference::TABLES.contains(&a.name.as_str()) {
        return super::reference::run(&a);
    }
    if a.name != "agtpa" {
        usage_bail!(
            "unknown data set `{}`; available: agtpa, {}",
            a.name,
            super::reference::TABLES.join(", ")
        );
    }
    if a.year.is_some() || a.reference.is_some() || a.classification.is_some() {
        usage_bail!("--year, --reference and --classification apply to the reference tables (countries, blocs, groups)");
    }
    match &a.out {
        None => print!("{}", embedded::AGTPA_README),
        Some(path) => {
            let table = embedded::agtpa()?;
            write_table(&table, path)?;
            eprintln!("wrote {} rows to {}", table.nrows(), path.display());
        }
    }
    Ok(0)
}
