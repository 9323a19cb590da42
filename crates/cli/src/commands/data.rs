//! `hallyu data`: embedded data sets.

use crate::args::DataArgs;
use crate::exit::usage_bail;
use crate::output::write_atomic;
use anyhow::Result;
use hallyu_data::read::Format;
use hallyu_data::{embedded, reference, write, Table};
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
    if a.print_request {
        usage_bail!("--print-request applies to the reference tables (countries, blocs, groups)");
    }
    if a.name == "distances" {
        return distances(&a);
    }
    if a.name == "series" || embedded::SERIES.iter().any(|s| s.name == a.name) {
        return series(&a);
    }
    if a.name != "agtpa" {
        let names = ["agtpa", "distances", "series"]
            .into_iter()
            .chain(super::reference::TABLES)
            .chain(embedded::SERIES.iter().map(|s| s.name));
        let hint = hallyu_data::nearest(&a.name, names)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        usage_bail!(
            "unknown data set `{}`{hint}; available: agtpa, {}, distances, series ({})",
            a.name,
            super::reference::TABLES.join(", "),
            embedded::SERIES
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
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

/// `hallyu data series` lists the embedded series; `hallyu data NAME` describes one, and
/// with `--out` writes it.
fn series(a: &DataArgs) -> Result<u8> {
    if a.year.is_some() || a.reference.is_some() || a.classification.is_some() {
        usage_bail!("--year, --reference and --classification apply to the reference tables (countries, blocs, groups)");
    }
    if a.name == "series" {
        if a.out.is_some() {
            usage_bail!("--out writes one series: hallyu data NAME --out FILE (names below)");
        }
        let mut text = String::from(
            "Embedded series (CC0 compilation; every row cites its source in `source_url`):\n",
        );
        for s in &embedded::SERIES {
            text.push_str(&format!(
                "  {:<30} {}\n  {:<30} published by {}\n",
                s.name, s.description, "", s.publisher
            ));
        }
        text.push_str("\nExample: hallyu data kr_content_industry_exports --out kocca.csv\n");
        print!("{text}");
        return Ok(0);
    }
    let s = embedded::series(&a.name)?;
    match &a.out {
        None => print!(
            "{}: {}\nPublished by {}; CC0 compilation, every row with its source_url.\n\n{}",
            s.name, s.description, s.publisher, s.csv
        ),
        Some(path) => {
            let table = s.table()?;
            write_table(&table, path)?;
            eprintln!("wrote {} rows to {}", table.nrows(), path.display());
        }
    }
    Ok(0)
}

/// `hallyu data distances`: the embedded great-circle distances between capitals.
fn distances(a: &DataArgs) -> Result<u8> {
    if a.year.is_some() || a.reference.is_some() || a.classification.is_some() {
        usage_bail!("--year, --reference and --classification apply to the reference tables (countries, blocs, groups)");
    }
    match &a.out {
        None => print!("{}", distances_description()),
        Some(path) => {
            let table = reference::distance_table()?;
            write_table(&table, path)?;
            eprintln!("wrote {} rows to {}", table.nrows(), path.display());
        }
    }
    Ok(0)
}

fn distances_description() -> String {
    let all = reference::capitals();
    let territories: Vec<&str> = all
        .iter()
        .filter(|c| c.basis == reference::PointBasis::Territory)
        .map(|c| c.iso3.as_str())
        .collect();
    let example = |a: &str, b: &str| {
        reference::capital_distance_km(a, b)
            .map(|d| format!("{a}-{b} {d:.0} km"))
            .unwrap_or_default()
    };
    format!(
        "distances: great-circle distance between the capitals of every pair of the {n} ISO 3166-1
countries ({pairs} ordered pairs), column `distcap` (kilometres), computed with the haversine
formula on a sphere of radius {r} km (the Earth's mean radius).

Capital coordinates: REST Countries, countriesV3.1.json (Mozilla Public License 2.0), in
crates/data/reference/capitals.csv; for {t} (no capital in that file) a point of the territory.
Historical codes (SUN, YUG, CSK, DDR, SCG, ANT, YMD) and customs unions have no capital and no
distance.

Examples: {ex}.
A dataset panel (`--data DIR` of fepois, feols, simulate) has `distcap` from this table unless
its covariates (`hallyu ingest gravity`) have their own.

Columns with --out: iso3_o, iso3_d, distcap.
Example: hallyu data distances --out distances.csv
",
        n = all.len(),
        pairs = all.len() * all.len().saturating_sub(1),
        r = reference::EARTH_RADIUS_KM,
        t = territories.join(", "),
        ex = [
            example("KOR", "JPN"),
            example("KOR", "USA"),
            example("FRA", "GBR")
        ]
        .join(", "),
    )
}
