//! Tidy series: one CSV file per series with columns `country, [partner,] year, sector,
//! flow, value, unit` (any order, any further columns such as `source_url` or `note` are
//! kept out of the dataset but left in the file). For survey figures that no trade database
//! holds, such as Korea's content-industry exports (the ministry's survey).
//!
//! `flow` is `export` or `import` (also `exports`, `imports`, `X`, `M`); `unit` one of
//! `USD bn`, `USD million`, `USD thousand`, `USD` (values are converted to dollars
//! exactly); `partner` empty or absent means the world (`WLD`). Country and partner are
//! ISO3 codes or other upper-case codes (e.g. `ASEAN`). Each file becomes the source
//! `series:<file stem>`.

use super::columns::{field, record_text, year, Header};
use super::duplicates::{Dedup, DuplicateReport, Pushed};
use super::input::Input;
use super::{trade_value, FileReport, IngestOptions, IngestProgress, IngestReport, Rejects};
use crate::dataset::{DatasetWriter, Flow, MalformedRow, Row};
use crate::{DataError, Result};
use std::path::Path;

const LAYOUT: &str = "series (country, [partner,] year, sector, flow, value, unit)";

/// Decimal scale of a unit: dollars = value × 10^scale.
pub fn unit_scale(unit: &str) -> Option<u32> {
    let u = unit.trim().to_ascii_lowercase().replace(['$', '.'], "");
    let u = u
        .strip_prefix("usd")
        .or_else(|| u.strip_prefix("us"))
        .map(str::trim)?;
    match u {
        "" => Some(0),
        "thousand" | "thousands" | "k" | "th" => Some(3),
        "million" | "millions" | "mn" | "m" | "mio" => Some(6),
        "bn" | "billion" | "billions" | "b" => Some(9),
        _ => None,
    }
}

/// Canonical flow name.
fn flow(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "export" | "exports" | "x" => Some(true),
        "import" | "imports" | "m" => Some(false),
        _ => None,
    }
}

fn code(s: &str, what: &str) -> std::result::Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 12
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'+');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{what} `{s}` is not an upper-case code such as KOR (ISO3) or ASEAN"
        ))
    }
}

/// Ingests each file as its own source `series:<stem>`. All files are staged first and
/// committed together, so a bad file leaves the dataset as it was.
pub fn ingest(
    paths: &[std::path::PathBuf],
    options: &IngestOptions,
    progress: &dyn IngestProgress,
) -> Result<Vec<IngestReport>> {
    let mut staged = Vec::new();
    for path in paths {
        staged.push(stage(path, options, progress)?);
    }
    let mut reports = Vec::new();
    for (writer, files, rejects, duplicates) in staged {
        let entry = writer.commit()?;
        reports.push(IngestReport {
            dataset: options.out.display().to_string(),
            source: entry,
            files,
            skipped_reason: None,
            duplicates,
            warnings: Vec::new(),
            first_malformed: rejects.first,
        });
    }
    Ok(reports)
}

type Staged = (DatasetWriter, Vec<FileReport>, Rejects, DuplicateReport);

fn stage(path: &Path, options: &IngestOptions, progress: &dyn IngestProgress) -> Result<Staged> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = format!("series:{stem}");
    let inputs = Input::list(path)?;
    let [input] = inputs.as_slice() else {
        return Err(DataError::InvalidArgument(format!(
            "{}: a series is one CSV file, not a folder or archive",
            path.display()
        )));
    };
    progress.file(&input.name, input.size);
    let bytes = input.read_all()?;
    progress.advance(bytes.len() as u64);
    let mut writer = options.writer(&source, "series")?;
    writer.add_input(&input.name);
    let mut rejects = Rejects::new(options.strict);
    let name = input.name.clone();
    let csv_err = |line: u64, e: csv::Error| DataError::Csv {
        path: name.clone().into(),
        line,
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header = Header::new(reader.byte_headers().map_err(|e| csv_err(1, e))?, &name);
    let c_country = header.require(&["country", "reporter"], LAYOUT)?;
    let c_partner = header.find(&["partner"]);
    let c_year = header.require(&["year"], LAYOUT)?;
    let c_sector = header.require(&["sector", "product"], LAYOUT)?;
    let c_flow = header.require(&["flow"], LAYOUT)?;
    let c_value = header.require(&["value"], LAYOUT)?;
    let c_unit = header.require(&["unit"], LAYOUT)?;
    let width = header.names.len();

    let d = writer.dictionaries();
    let classification = d.classifications.code("series");
    let source_code = d.sources.code(&source);
    let mut dedup = Dedup::new(options.on_duplicate);
    let file = dedup.file(&name);
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut repeats) = (0u64, 0u64);
    loop {
        let line = reader.position().line();
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(line, e))?;
        if !more {
            break;
        }
        let line = record.position().map_or(line, |p| p.line());
        let parsed = (|| -> std::result::Result<_, String> {
            if record.len() != width {
                return Err(format!(
                    "expected {width} fields as in the header, found {}",
                    record.len()
                ));
            }
            let country = code(field(&record, c_country), "country")?;
            let partner = match c_partner.map(|c| field(&record, c)) {
                None | Some("") => "WLD".to_string(),
                Some(p) => code(p, "partner")?,
            };
            let y = year(field(&record, c_year))?;
            let sector = field(&record, c_sector);
            if sector.is_empty() {
                return Err("sector is empty".into());
            }
            let f = field(&record, c_flow);
            let export =
                flow(f).ok_or_else(|| format!("flow `{f}` is neither export nor import"))?;
            let unit = field(&record, c_unit);
            let scale = unit_scale(unit).ok_or_else(|| {
                format!("unit `{unit}` is not one of USD bn, USD million, USD thousand, USD")
            })?;
            let v = field(&record, c_value);
            let value = trade_value(v, scale)?;
            Ok((country, partner, y, sector.to_string(), export, value))
        })();
        match parsed {
            Ok((country, partner, y, sector, export, value)) => {
                let d = writer.dictionaries();
                let (r, p) = (d.countries.code(&country), d.countries.code(&partner));
                let (e, i, flow) = if export {
                    (r, p, Flow::Export)
                } else {
                    (p, r, Flow::Import)
                };
                let s = d.products.code(&sector);
                let row = Row {
                    year: y,
                    exporter: e,
                    importer: i,
                    reporter: r,
                    flow,
                    product: s,
                    classification,
                    value,
                    quantity: f64::NAN,
                    source: source_code,
                };
                match dedup.push(row, file, line, &mut writer)? {
                    Pushed::New => rows += 1,
                    Pushed::Repeat => repeats += 1,
                }
            }
            Err(reason) => rejects.reject(
                &mut writer,
                MalformedRow {
                    file: name.clone(),
                    line,
                    reason,
                    text: record_text(&record),
                },
            )?,
        }
    }
    let duplicates = dedup.finish(&mut writer)?;
    let files = vec![FileReport {
        file: name,
        rows,
        malformed_rows: writer.malformed_rows(),
        skipped_rows: 0,
        duplicate_rows: repeats,
    }];
    Ok((writer, files, rejects, duplicates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::numbers::parse_scaled;

    #[test]
    fn units() {
        assert_eq!(unit_scale("USD bn"), Some(9));
        assert_eq!(unit_scale("US$ million"), Some(6));
        assert_eq!(unit_scale("usd thousand"), Some(3));
        assert_eq!(unit_scale("USD"), Some(0));
        assert_eq!(unit_scale("EUR bn"), None);
        assert_eq!(unit_scale("USD trillion"), None);
        // 12.45 bn is exactly 12,450,000,000 dollars.
        assert_eq!(
            parse_scaled(b"12.45", unit_scale("USD bn").unwrap()),
            Some(12_450_000_000.0)
        );
        assert_eq!(parse_scaled(b"0.66385", 9), Some(663_850_000.0));
    }

    #[test]
    fn flows_and_codes() {
        assert_eq!(flow("Exports"), Some(true));
        assert_eq!(flow("M"), Some(false));
        assert_eq!(flow("trade"), None);
        assert!(code("KOR", "country").is_ok());
        assert!(code("ASEAN", "country").is_ok());
        assert!(code("Korea", "country").is_err());
        assert!(code("", "country").is_err());
    }
}
