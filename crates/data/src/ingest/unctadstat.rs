//! UNCTADstat bulk CSV files of any report (creative goods, creative services, digitally
//! deliverable services, merchandise trade...), recognised by their header, not their name.
//!
//! Two layouts, both one header row of dimension columns, each code column followed by its
//! `<Dim> Label`, then the measures:
//! - the older one: `Year, Economy, Economy Label, Partner, Partner Label, Flow, Flow Label,
//!   Category, Category Label, US dollars at current prices in millions, ...` (UTF-8 with a
//!   byte-order mark, measures followed by their `Footnote` only);
//! - the data centre's bulk download `US_<Report>.csv` (shipped as `.csv.7z`: extract it
//!   first): the product dimension before `Flow`, values in thousands, one triplet per
//!   measure (`<measure>, <measure> Footnote, <measure> Missing value`).
//!
//! The value read is the measure `US dollars at current prices in thousands` (or `… in
//! millions`, or spelled `US$ …`), converted exactly to dollars; other measures (shares,
//! growth rates) are ignored. The product dimension is the first code column named
//! `Product`, `…Product`, `…Category` or `…Service`; a report without one (services totals by
//! economy) gets product `TOTAL`; without `Partner` the partner is the world.
//!
//! Economies are UN M49 codes: `0000` is the world (`WLD`), three-digit codes are countries
//! (ISO3 through [`crate::reference`], plus the codes UNCTADstat uses besides M49, see
//! [`UNCTAD_CODES`]), longer ones UNCTAD's groups of economies, which are skipped and counted
//! (they would double-count their members). Each row is one economy's report: `Exports` rows
//! are reported by the economy as exporter (economy → partner), `Imports` rows by the
//! economy as importer (partner → economy); both are kept with their `reporter` and `flow`.
//! Other flows (re-exports, trade balances, total trade) are not exports or imports: skipped
//! and counted. Empty value cells (the cubes are sparse; the Missing value column says why)
//! are skipped and counted; negative values and any other unreadable row are malformed.
//!
//! The classification column of the rows names the report: `UNCTAD-CG` (creative goods) or
//! `UNCTAD-CS` (creative services) when the file is named as UNCTADstat names those
//! downloads, otherwise `UNCTAD-<product dimension>` (e.g. `UNCTAD-Category`,
//! `UNCTAD-SitcRev3Product`; `UNCTAD-TOTAL` without one), so that product codes of different
//! reports are never taken for one another.

use super::columns::{field, record_text, year, Header};
use super::duplicates::Dedup;
use super::input::Input;
use super::layout::{detect, is_unctad_dollar_measure, other_layout_hint, Layout};
use super::{trade_value, FileReport, IngestOptions, IngestProgress, IngestReport, Rejects, Skips};
use crate::dataset::{DatasetWriter, Flow, MalformedRow, Row};
use crate::{DataError, Result};
use std::path::PathBuf;

const LAYOUT: &str = "UNCTADstat bulk CSV";

/// Economy codes of UNCTADstat that are not M49 country codes, with the ISO3 code of the
/// economy they stand for. UNCTADstat's older files code the United Kingdom 926 (the
/// 900-999 range is free for users' own codes in M49); the Comtrade-style codes UNCTADstat
/// shares with BACI and Comtrade (842 United States, 757 Switzerland, 251 France, 699 India,
/// 579 Norway, 381 Italy, 490 Taiwan) are already in the reference country table.
pub const UNCTAD_CODES: &[(u16, &str)] = &[(926, "GBR")];

/// The classification of a file, from its name as UNCTADstat names downloads (only a label:
/// the file is read by its header).
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

fn economy(code: &str, label: &str, what: &str) -> std::result::Result<Economy, String> {
    let named = || {
        if label.is_empty() {
            String::new()
        } else {
            format!(" ({label})")
        }
    };
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} `{code}`{} is not an M49 code", named()));
    }
    let n: u32 = code
        .parse()
        .map_err(|_| format!("{what} `{code}`{} is not an M49 code", named()))?;
    if n == 0 {
        return Ok(Economy::Code(crate::dataset::WORLD.into()));
    }
    if code.len() > 3 {
        return Ok(Economy::Aggregate);
    }
    let n = u16::try_from(n).ok();
    n.and_then(crate::reference::country_by_numeric)
        .map(|c| c.iso3.clone())
        .or_else(|| {
            n.and_then(|n| UNCTAD_CODES.iter().find(|(c, _)| *c == n))
                .map(|(_, iso)| iso.to_string())
        })
        .map(Economy::Code)
        .ok_or_else(|| {
            format!(
                "{what} {code}{} is neither an M49 country code nor one of UNCTADstat's own economy codes",
                named()
            )
        })
}

/// Why a row is not ingested, when that is deliberate.
const AGGREGATE: &str = "rows of groups of economies (regional or economic aggregates)";
const EMPTY: &str = "empty value cells";
const NOT_A_FLOW: &str =
    "rows of re-exports, re-imports, balances or total trade (not exports or imports)";

/// Ingests UNCTADstat bulk CSV files as the source `unctadstat`.
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
            "no UNCTADstat .csv file among the inputs (a .csv.7z download must be extracted first)"
                .into(),
        ));
    }
    let mut writer = options.writer("unctadstat", "unctadstat")?;
    let source = writer.dictionaries().sources.code("unctadstat");
    let mut rejects = Rejects::new(options.strict);
    let mut dedup = Dedup::new(options.on_duplicate);
    let mut skips = Skips::default();
    let mut files = Vec::new();
    for input in &inputs {
        writer.add_input(&input.name);
        progress.file(&input.name, input.size);
        let before = (writer.malformed_rows(), skips.total());
        let file = dedup.file(&input.name);
        let mut cx = FileContext {
            name: &input.name,
            file_name: &input.file_name,
            file,
            source,
            writer: &mut writer,
            rejects: &mut rejects,
            dedup: &mut dedup,
            skips: &mut skips,
            progress,
        };
        let (rows, repeats) = input.read(|r| read_file(r, &mut cx))?;
        files.push(FileReport {
            file: input.name.clone(),
            rows,
            malformed_rows: writer.malformed_rows() - before.0,
            skipped_rows: skips.total() - before.1,
            duplicate_rows: repeats,
        });
    }
    super::finish(options, writer, dedup, &skips, rejects, files)
}

struct FileContext<'a> {
    name: &'a str,
    file_name: &'a str,
    file: u32,
    source: i32,
    writer: &'a mut DatasetWriter,
    rejects: &'a mut Rejects,
    dedup: &'a mut Dedup,
    skips: &'a mut Skips,
    progress: &'a dyn IngestProgress,
}

/// What a data row says, before its codes are looked up.
enum Parsed {
    Row {
        year: i32,
        reporter: String,
        partner: String,
        flow: Flow,
        product: String,
        value: f64,
    },
    Skip(&'static str),
}

/// Field `c` of a record, empty when the file has no such column.
fn optional_field(record: &csv::ByteRecord, c: Option<usize>) -> &str {
    c.map_or("", |c| field(record, c))
}

/// Reads one file; returns the rows it added and the rows that repeated a key.
fn read_file(r: &mut dyn std::io::Read, cx: &mut FileContext<'_>) -> Result<(u64, u64)> {
    let name = cx.name;
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
    if detect(&header.names) != Some(Layout::Unctadstat) {
        return Err(DataError::Csv {
            path: name.into(),
            line: 1,
            message: format!(
                "not an UNCTADstat bulk CSV: its header needs Year, Economy, Flow Label and a                  `US dollars at current prices in thousands` (or millions) column{}; the header is: {}",
                other_layout_hint(&header.names, Layout::Unctadstat),
                header.names.join(", ")
            ),
        });
    }
    let c_year = header.require(&["Year"], LAYOUT)?;
    let c_economy = header.require(&["Economy"], LAYOUT)?;
    let c_economy_label = header.find(&["Economy Label"]);
    let c_partner = header.find(&["Partner"]);
    let c_partner_label = header.find(&["Partner Label"]);
    let c_flow = header.require(&["Flow Label"], LAYOUT)?;
    let c_product = header.names.iter().position(|n| {
        let l = n.to_ascii_lowercase();
        ["product", "category", "service", "services"]
            .iter()
            .any(|end| l.ends_with(end))
    });
    let c_value = header
        .names
        .iter()
        .position(|n| is_unctad_dollar_measure(n))
        .ok_or_else(|| DataError::Csv {
            path: name.into(),
            line: 1,
            message: "no `US dollars at current prices in …` column".into(),
        })?;
    let value_name = header.names[c_value].to_ascii_lowercase();
    let scale = if value_name.ends_with("millions") {
        6
    } else if value_name.ends_with("thousands") {
        3
    } else {
        0
    };
    let class = classification_of(cx.file_name).map_or_else(
        || {
            format!(
                "UNCTAD-{}",
                c_product.map_or("TOTAL", |c| header.names[c].as_str())
            )
        },
        str::to_string,
    );
    let classification = cx.writer.dictionaries().classifications.code(&class);
    let width = header.names.len();

    let mut record = csv::ByteRecord::new();
    let mut last_pos = 0u64;
    let (mut rows, mut repeats) = (0u64, 0u64);
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
        cx.progress.advance(pos - last_pos);
        last_pos = pos;
        let parsed = (|| -> std::result::Result<Parsed, String> {
            if record.len() != width {
                return Err(format!(
                    "expected {width} fields as in the header, found {}",
                    record.len()
                ));
            }
            let year = year(field(&record, c_year))?;
            let reporter = match economy(
                field(&record, c_economy),
                optional_field(&record, c_economy_label),
                "Economy",
            )? {
                Economy::Code(c) => c,
                Economy::Aggregate => return Ok(Parsed::Skip(AGGREGATE)),
            };
            let partner = match c_partner.map(|c| field(&record, c)) {
                None | Some("") => crate::dataset::WORLD.to_string(),
                Some(p) => match economy(p, optional_field(&record, c_partner_label), "Partner")? {
                    Economy::Code(c) => c,
                    Economy::Aggregate => return Ok(Parsed::Skip(AGGREGATE)),
                },
            };
            let flow_label = field(&record, c_flow);
            let flow = match flow_label.to_ascii_lowercase().as_str() {
                "exports" | "export" => Flow::Export,
                "imports" | "import" => Flow::Import,
                other
                    if other.contains("re-export")
                        || other.contains("re-import")
                        || other.contains("balance")
                        || other.contains("total trade") =>
                {
                    return Ok(Parsed::Skip(NOT_A_FLOW))
                }
                _ => {
                    return Err(format!(
                        "Flow Label `{flow_label}` is neither Exports nor Imports"
                    ))
                }
            };
            let product = c_product.map_or("TOTAL", |c| field(&record, c));
            if product.is_empty() {
                return Err("product code is empty".into());
            }
            let v = field(&record, c_value);
            if v.is_empty() {
                return Ok(Parsed::Skip(EMPTY));
            }
            let value = trade_value(v, scale)?;
            Ok(Parsed::Row {
                year,
                reporter,
                partner,
                flow,
                product: product.to_string(),
                value,
            })
        })();
        match parsed {
            Ok(Parsed::Row {
                year,
                reporter,
                partner,
                flow,
                product,
                value,
            }) => {
                let d = cx.writer.dictionaries();
                let (r, p) = (d.countries.code(&reporter), d.countries.code(&partner));
                // Goods go from exporter to importer whoever reported them.
                let (exporter, importer) = match flow {
                    Flow::Import => (p, r),
                    _ => (r, p),
                };
                let row = Row {
                    year,
                    exporter,
                    importer,
                    reporter: r,
                    flow,
                    product: d.products.code(&product),
                    classification,
                    value,
                    quantity: f64::NAN,
                    source: cx.source,
                };
                match cx.dedup.push(row, cx.file, line, cx.writer)? {
                    super::duplicates::Pushed::New => rows += 1,
                    super::duplicates::Pushed::Repeat => repeats += 1,
                }
            }
            Ok(Parsed::Skip(why)) => cx.skips.add(why),
            Err(reason) => cx.rejects.reject(
                cx.writer,
                MalformedRow {
                    file: name.to_string(),
                    line,
                    reason,
                    text: record_text(&record),
                },
            )?,
        }
    }
    Ok((rows, repeats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn economies() {
        let code = |c: &str| match economy(c, "", "Economy") {
            Ok(Economy::Code(c)) => Some(c),
            _ => None,
        };
        assert_eq!(code("0000").as_deref(), Some("WLD"));
        assert_eq!(code("410").as_deref(), Some("KOR"));
        assert_eq!(code("842").as_deref(), Some("USA"));
        // UNCTADstat's own code of the United Kingdom in older files.
        assert_eq!(code("926").as_deref(), Some("GBR"));
        assert!(matches!(
            economy("1400", "", "Economy"),
            Ok(Economy::Aggregate)
        ));
        let e = economy("999", "Somewhere", "Economy").err().unwrap();
        assert!(e.contains("999 (Somewhere) is neither"), "{e}");
        assert!(economy("KOR", "", "Economy").is_err());
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
