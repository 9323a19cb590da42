//! UNCTADstat bulk CSV files of creative goods (`US.CreativeGoodsValue`) and creative
//! services (`US.CreativeServ_Indiv_Tot`), already classified by UNCTAD.
//!
//! Layout supported: the data centre's bulk download, `US_<Report>.csv` (shipped as
//! `US_<Report>.csv.7z`: extract it first), UTF-8 with or without BOM, one header row:
//! dimension columns, each code column followed by its `<Dim> Label` (`Year, Economy,
//! Economy Label, [Partner, Partner Label,] Flow, Flow Label, [Product, Product Label]`),
//! then one triplet per measure: `<measure>, <measure> Footnote, <measure> Missing value`.
//! The value read is the measure `US dollars at current prices in thousands` (or `… in
//! millions`, or spelled `US$ …`); other measures (shares) are ignored. The product
//! dimension is the first code column named `Product`, `…Product`, `…Category` or
//! `…Service`; a report without one (services totals by economy) gets product `TOTAL`;
//! without `Partner` the partner is the world. Economies are UN M49 codes: `0000` is the
//! world (`WLD`), three-digit codes are countries (ISO3 through [`crate::reference`]),
//! longer ones UNCTAD's regional and economic groups, which are skipped and counted (they
//! would double-count countries). Flows come from `Flow Label`: exports (reporter →
//! partner) and imports (partner → reporter), both kept as reported. Empty value cells
//! (UNCTADstat's cubes are sparse; the Missing value column says why) are skipped and
//! counted; any other unreadable row is malformed.

use super::columns::{field, record_text, year, Header};
use super::input::Input;
use super::numbers::parse_scaled;
use super::{FileReport, IngestOptions, IngestProgress, IngestReport, Rejects};
use crate::dataset::{Chunk, DatasetWriter, Flow, MalformedRow, Row};
use crate::{DataError, Result};
use std::path::PathBuf;

const LAYOUT: &str = "UNCTADstat bulk CSV";

/// The classification of a file, from its name as UNCTADstat names downloads.
pub fn classification_of(file_name: &str) -> Option<&'static str> {
    let n = file_name.to_ascii_lowercase();
    if n.contains("creativeserv") {
        Some("UNCTAD-CS")
    } else if n.contains("creativegoods") {
        Some("UNCTAD-CG")
    } else {
        None
    }
}

enum Economy {
    Code(String),
    Aggregate,
}

fn economy(code: &str, what: &str) -> std::result::Result<Economy, String> {
    if !code.bytes().all(|b| b.is_ascii_digit()) || code.is_empty() {
        return Err(format!("{what} `{code}` is not an M49 code"));
    }
    let n: u32 = code
        .parse()
        .map_err(|_| format!("{what} `{code}` is not an M49 code"))?;
    if n == 0 {
        return Ok(Economy::Code(crate::dataset::WORLD.into()));
    }
    if code.len() > 3 {
        return Ok(Economy::Aggregate);
    }
    u16::try_from(n)
        .ok()
        .and_then(crate::reference::country_by_numeric)
        .map(|c| Economy::Code(c.iso3.clone()))
        .ok_or_else(|| format!("{what} {code} is not a known M49 country code"))
}

/// Ingests UNCTADstat files (creative goods and/or services) as the source `unctadstat`.
pub fn ingest(
    paths: &[PathBuf],
    options: &IngestOptions,
    progress: &dyn IngestProgress,
) -> Result<IngestReport> {
    let mut inputs = Vec::new();
    for p in paths {
        inputs.extend(
            Input::list(p)?
                .into_iter()
                .filter(|i| i.file_name.to_ascii_lowercase().ends_with(".csv")),
        );
    }
    if inputs.is_empty() {
        return Err(DataError::InvalidArgument(
            "no UNCTADstat .csv file among the inputs".into(),
        ));
    }
    let mut writer = options.writer("unctadstat", "unctadstat")?;
    let source = writer.dictionaries().sources.code("unctadstat");
    let mut rejects = Rejects::new(options.strict);
    let mut files = Vec::new();
    for input in &inputs {
        let class = classification_of(&input.file_name).ok_or_else(|| {
            DataError::InvalidArgument(format!(
                "{}: cannot tell creative goods from services: the file name should contain CreativeGoods or CreativeServ, as UNCTADstat's downloads do",
                input.name
            ))
        })?;
        writer.add_input(&input.name);
        progress.file(&input.name, input.size);
        let classification = writer.dictionaries().classifications.code(class);
        let before = (writer.rows(), writer.malformed_rows());
        let skipped = input.read(|r| {
            read_file(
                r,
                &input.name,
                classification,
                source,
                &mut writer,
                &mut rejects,
                progress,
            )
        })?;
        files.push(FileReport {
            file: input.name.clone(),
            rows: writer.rows() - before.0,
            malformed_rows: writer.malformed_rows() - before.1,
            skipped_rows: skipped,
        });
    }
    let entry = writer.commit()?;
    Ok(IngestReport {
        dataset: options.out.display().to_string(),
        source: entry,
        skipped_reason: files
            .iter()
            .any(|f| f.skipped_rows > 0)
            .then(|| "regional/economic group aggregates and empty value cells".to_string()),
        files,
        first_malformed: rejects.first,
    })
}

#[allow(clippy::too_many_arguments)]
fn read_file(
    r: &mut dyn std::io::Read,
    name: &str,
    classification: i32,
    source: i32,
    writer: &mut DatasetWriter,
    rejects: &mut Rejects,
    progress: &dyn IngestProgress,
) -> Result<u64> {
    let csv_err = |line: u64, e: csv::Error| DataError::Csv {
        path: name.into(),
        line,
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(r);
    let header = Header::new(reader.byte_headers().map_err(|e| csv_err(1, e))?, name);
    let c_year = header.require(&["Year"], LAYOUT)?;
    let c_economy = header.require(&["Economy"], LAYOUT)?;
    let c_partner = header.find(&["Partner"]);
    let c_flow = header.require(&["Flow Label"], LAYOUT)?;
    let c_product = header.names.iter().position(|n| {
        let l = n.to_ascii_lowercase();
        ["product", "category", "service", "services"]
            .iter()
            .any(|end| l.ends_with(end))
    });
    let value_col = header.names.iter().position(|n| {
        let l = n.to_ascii_lowercase();
        (l.starts_with("us dollars at current prices in")
            || l.starts_with("us$ at current prices in"))
            && !l.ends_with("footnote")
            && !l.ends_with("missing value")
    });
    let c_value = value_col.ok_or_else(|| DataError::Csv {
        path: name.into(),
        line: 1,
        message: format!(
            "no `US dollars at current prices in thousands` column; the header is: {}",
            header.names.join(", ")
        ),
    })?;
    let value_name = header.names[c_value].to_ascii_lowercase();
    let scale = if value_name.ends_with("millions") {
        6
    } else if value_name.ends_with("thousands") {
        3
    } else {
        0
    };
    let width = header.names.len();

    let mut chunk = Chunk::default();
    let mut record = csv::ByteRecord::new();
    let mut skipped = 0u64;
    let mut last_pos = 0u64;
    loop {
        let line = reader.position().line();
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(line, e))?
        {
            break;
        }
        let line = record.position().map_or(line, |p| p.line());
        let pos = record.position().map_or(last_pos, |p| p.byte());
        progress.advance(pos - last_pos);
        last_pos = pos;
        let parsed = (|| -> std::result::Result<Option<_>, String> {
            if record.len() != width {
                return Err(format!(
                    "expected {width} fields as in the header, found {}",
                    record.len()
                ));
            }
            let y = year(field(&record, c_year))?;
            let reporter = match economy(field(&record, c_economy), "Economy")? {
                Economy::Code(c) => c,
                Economy::Aggregate => return Ok(None),
            };
            let partner = match c_partner.map(|c| field(&record, c)) {
                None | Some("") => crate::dataset::WORLD.to_string(),
                Some(p) => match economy(p, "Partner")? {
                    Economy::Code(c) => c,
                    Economy::Aggregate => return Ok(None),
                },
            };
            let flow = field(&record, c_flow).to_ascii_lowercase();
            let export = match flow.as_str() {
                "exports" | "export" => true,
                "imports" | "import" => false,
                _ => {
                    return Err(format!(
                        "Flow Label `{flow}` is neither Exports nor Imports"
                    ))
                }
            };
            let product = c_product.map_or("TOTAL", |c| field(&record, c));
            if product.is_empty() {
                return Err("product code is empty".into());
            }
            let v = field(&record, c_value);
            if v.is_empty() {
                return Ok(None);
            }
            let value = parse_scaled(v.as_bytes(), scale)
                .ok_or_else(|| format!("value `{v}` is not a number"))?;
            Ok(Some((
                y,
                reporter,
                partner,
                export,
                product.to_string(),
                value,
            )))
        })();
        match parsed {
            Ok(Some((y, reporter, partner, export, product, value))) => {
                let d = writer.dictionaries();
                let (r, p) = (d.countries.code(&reporter), d.countries.code(&partner));
                let (e, i, flow) = if export {
                    (r, p, Flow::Export)
                } else {
                    (p, r, Flow::Import)
                };
                let k = d.products.code(&product);
                chunk.push(Row {
                    year: y,
                    exporter: e,
                    importer: i,
                    reporter: r,
                    flow,
                    product: k,
                    classification,
                    value,
                    quantity: f64::NAN,
                    source,
                });
                if chunk.len() >= 1 << 16 {
                    writer.write(&chunk)?;
                    chunk.clear();
                }
            }
            Ok(None) => skipped += 1,
            Err(reason) => rejects.reject(
                writer,
                MalformedRow {
                    file: name.to_string(),
                    line,
                    reason,
                    text: record_text(&record),
                },
            )?,
        }
    }
    writer.write(&chunk)?;
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn economies() {
        assert!(matches!(economy("0000", "Economy"), Ok(Economy::Code(c)) if c == "WLD"));
        assert!(matches!(economy("410", "Economy"), Ok(Economy::Code(c)) if c == "KOR"));
        assert!(matches!(economy("1400", "Economy"), Ok(Economy::Aggregate)));
        assert!(economy("999", "Economy").is_err());
        assert!(economy("KOR", "Economy").is_err());
    }

    #[test]
    fn classification_from_name() {
        assert_eq!(
            classification_of("US_CreativeGoodsValue_ST202401.csv"),
            Some("UNCTAD-CG")
        );
        assert_eq!(
            classification_of("US_CreativeServ_Indiv_Tot_ST.csv"),
            Some("UNCTAD-CS")
        );
        assert_eq!(classification_of("trade.csv"), None);
    }
}
