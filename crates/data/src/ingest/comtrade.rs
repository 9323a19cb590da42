//! UN Comtrade downloads, recognised by their header: the Comtrade+ API/bulk CSV
//! (`typeCode,freqCode,refPeriodId,refYear,...,reporterCode,reporterISO,...,flowCode,...,
//! partnerCode,partnerISO,...,partner2Code,...,classificationCode,...,cmdCode,...,
//! customsCode,mosCode,motCode,...,primaryValue,...,isAggregate`) and the legacy CSV
//! (`Classification,Year,Period,...,Trade Flow Code,...,Reporter Code,...,Reporter ISO,
//! Partner Code,...,Partner ISO,2nd Partner Code,...,Customs Proc. Code,...,Mode of Transport
//! Code,...,Commodity Code,...,Trade Value (US$),...`).
//!
//! What is kept, so that no flow is counted twice:
//! - totals only: second partner World (`0`, or empty in legacy files), customs procedure
//!   total (`C00` or empty), mode of transport and mode of supply total (`0` or empty). The
//!   breakdowns next to them are skipped and counted, never added to their total;
//! - exports (`X`, legacy `2`) as reported by the exporter and imports (`M`, legacy `1`) as
//!   reported by the importer, with `reporter` and `flow` set accordingly. Re-exports and
//!   re-imports (`RX`, `RM`, legacy `3`, `4`) are parts of exports and imports, and other
//!   flows (processing, domestic exports...) are not the totals: skipped and counted;
//! - annual rows (`freqCode` `A`, legacy periods of four digits); monthly rows are skipped;
//! - of the product codes of one file, the finest present: a code that prefixes another
//!   code of the same classification in the file (`97` next to `9701`) is the sum of rows
//!   that are kept, so it is skipped and counted. `TOTAL` is kept (the measures treat it as
//!   the aggregate it is). Codes that lost a leading zero (`10121`) are padded back.
//!
//! Economies come from the numeric codes (`reporterCode`, `partnerCode`; Comtrade's own
//! codes such as 842 USA or 490 Taiwan included), or the ISO3 columns when those are absent;
//! partner 0 is the world (`WLD`). Partners that are not countries (areas nes, bunkers, free
//! zones) and reporters that are groups (the EU) are skipped and counted. Values are US
//! dollars (`primaryValue`, `Trade Value (US$)`); quantities are not read (their units vary by
//! product). The classification is the file's: `H0`..`H6` become the HS editions `HS92` ..
//! `HS22` (BACI's names), SITC revisions `SITC1`..`SITC4`, anything else (e.g. legacy `HS`,
//! as reported) is kept verbatim.

use super::columns::{field, record_text, Header};
use super::duplicates::{Dedup, Pushed};
use super::input::Input;
use super::layout::{detect, other_layout_hint, Layout};
use super::{trade_value, FileReport, IngestOptions, IngestProgress, IngestReport, Rejects, Skips};
use crate::dataset::{DatasetWriter, Flow, MalformedRow, Row, WORLD};
use crate::{DataError, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The dataset classification of a Comtrade classification code.
pub fn classification(code: &str) -> String {
    let c = code.trim();
    let hs = ["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"];
    let mut chars = c.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some('H'), Some(d @ '0'..='6'), None) => hs[d as usize - '0' as usize].to_string(),
        (Some('S'), Some(d @ '1'..='4'), None) => format!("SITC{d}"),
        _ => c.to_string(),
    }
}

/// Column positions of one of the two layouts.
struct Columns {
    year: usize,
    /// Comtrade+ `freqCode` (annual is `A`).
    freq: Option<usize>,
    /// Legacy `Period` (annual is the four-digit year).
    period: Option<usize>,
    reporter_code: Option<usize>,
    reporter_iso: Option<usize>,
    partner_code: Option<usize>,
    partner_iso: Option<usize>,
    flow: usize,
    classification: usize,
    product: usize,
    /// Breakdown columns and the codes of their total (empty always counts as the total).
    breakdowns: Vec<(usize, &'static [&'static str])>,
    value: usize,
    legacy: bool,
}

fn columns(header: &Header, name: &str) -> Result<Columns> {
    let layout = detect(&header.names);
    let need = |names: &[&str], what: &str| header.require(names, what);
    match layout {
        Some(Layout::ComtradePlus) => {
            const L: &str = "Comtrade+";
            let mut breakdowns: Vec<(usize, &'static [&'static str])> = Vec::new();
            for (col, totals) in [
                ("partner2Code", &["0"][..]),
                ("customsCode", &["C00"][..]),
                ("motCode", &["0"][..]),
                ("mosCode", &["0"][..]),
            ] {
                if let Some(c) = header.find(&[col]) {
                    breakdowns.push((c, totals));
                }
            }
            Ok(Columns {
                year: need(&["refYear"], L)?,
                freq: header.find(&["freqCode"]),
                period: None,
                reporter_code: header.find(&["reporterCode"]),
                reporter_iso: header.find(&["reporterISO"]),
                partner_code: header.find(&["partnerCode"]),
                partner_iso: header.find(&["partnerISO"]),
                flow: need(&["flowCode"], L)?,
                classification: need(&["classificationCode"], L)?,
                product: need(&["cmdCode"], L)?,
                breakdowns,
                value: need(&["primaryValue"], L)?,
                legacy: false,
            })
        }
        Some(Layout::ComtradeLegacy) => {
            const L: &str = "Comtrade legacy";
            let mut breakdowns: Vec<(usize, &'static [&'static str])> = Vec::new();
            for (col, totals) in [
                ("2nd Partner Code", &["0"][..]),
                ("Customs Proc. Code", &["C00"][..]),
                ("Mode of Transport Code", &["0"][..]),
            ] {
                if let Some(c) = header.find(&[col]) {
                    breakdowns.push((c, totals));
                }
            }
            Ok(Columns {
                year: need(&["Year"], L)?,
                freq: None,
                period: header.find(&["Period"]),
                reporter_code: header.find(&["Reporter Code"]),
                reporter_iso: header.find(&["Reporter ISO"]),
                partner_code: header.find(&["Partner Code"]),
                partner_iso: header.find(&["Partner ISO"]),
                flow: need(&["Trade Flow Code"], L)?,
                classification: need(&["Classification"], L)?,
                product: need(&["Commodity Code"], L)?,
                breakdowns,
                value: need(&["Trade Value (US$)"], L)?,
                legacy: true,
            })
        }
        _ => Err(DataError::Csv {
            path: name.into(),
            line: 1,
            message: format!(
                "not a UN Comtrade CSV: neither the Comtrade+ header (refYear, flowCode, \
                 reporterISO, partnerISO, cmdCode, primaryValue...) nor the legacy one (Year, \
                 Trade Flow Code, Reporter ISO, Commodity Code, Trade Value (US$)...){}; the header is: {}",
                other_layout_hint(&header.names, Layout::ComtradePlus),
                header.names.join(", ")
            ),
        }),
    }
}

const BREAKDOWN: &str =
    "breakdowns by second partner, customs procedure or mode of transport/supply (their totals are kept)";
const OTHER_FLOW: &str =
    "re-exports, re-imports and other flows (parts of exports or imports, or not totals)";
const NOT_ANNUAL: &str = "monthly or quarterly rows (a dataset holds annual flows)";
const COARSER: &str =
    "product rows with finer codes in the same file (a chapter or heading next to its subheadings)";
const NOT_A_COUNTRY: &str =
    "rows whose partner is not a country (areas nes, bunkers, free zones) or whose reporter is a group";
const EMPTY: &str = "empty value cells";

/// A product code as written, with a leading zero lost to a spreadsheet restored.
fn product_code(s: &str) -> String {
    if s.len() % 2 == 1 && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{s}")
    } else {
        s.to_string()
    }
}

enum Economy {
    Code(String),
    NotACountry,
}

/// An economy from its numeric code (preferred: it covers Comtrade's own codes) or ISO3.
fn economy(code: &str, iso: &str, what: &str) -> std::result::Result<Economy, String> {
    if !code.is_empty() {
        let n: u32 = code
            .parse()
            .map_err(|_| format!("{what} code `{code}` is not a number"))?;
        if n == 0 {
            return Ok(Economy::Code(WORLD.into()));
        }
        return Ok(u16::try_from(n)
            .ok()
            .and_then(crate::reference::country_by_numeric)
            .map_or(Economy::NotACountry, |c| Economy::Code(c.iso3.clone())));
    }
    match iso {
        "" => Err(format!("{what} has neither a code nor an ISO3 code")),
        "WLD" | "W00" => Ok(Economy::Code(WORLD.into())),
        _ => Ok(crate::reference::country_by_iso3(iso)
            .map_or(Economy::NotACountry, |c| Economy::Code(c.iso3.clone()))),
    }
}

/// Ingests Comtrade CSV files (either layout, mixed) as the source `comtrade`.
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
            "no Comtrade .csv file among the inputs".into(),
        ));
    }
    let mut writer = options.writer("comtrade", "comtrade")?;
    let source = writer.dictionaries().sources.code("comtrade");
    let mut rejects = Rejects::new(options.strict);
    let mut dedup = Dedup::new(options.on_duplicate);
    let mut skips = Skips::default();
    let mut files = Vec::new();
    for input in &inputs {
        writer.add_input(&input.name);
        progress.file(&input.name, input.size);
        let coarser = input.read(|r| coarser_codes(r, &input.name))?;
        let before = (writer.malformed_rows(), skips.total());
        let file = dedup.file(&input.name);
        let mut cx = FileContext {
            name: &input.name,
            file,
            source,
            coarser: &coarser,
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

fn reader(r: &mut dyn std::io::Read) -> csv::Reader<&mut dyn std::io::Read> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(r)
}

fn csv_err(name: &str) -> impl Fn(u64, csv::Error) -> DataError + '_ {
    move |line, e| DataError::Csv {
        path: name.into(),
        line,
        message: e.to_string(),
    }
}

/// The `(classification, product)` pairs of a file that prefix another product code of the
/// same classification in it (first pass over the file).
fn coarser_codes(r: &mut dyn std::io::Read, name: &str) -> Result<BTreeSet<(String, String)>> {
    let mut reader = reader(r);
    let header = Header::new(
        reader.byte_headers().map_err(|e| csv_err(name)(1, e))?,
        name,
    );
    let cols = columns(&header, name)?;
    let mut codes: BTreeSet<(String, String)> = BTreeSet::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(name)(line, e))?
        {
            break;
        }
        let class = field(&record, cols.classification);
        let code = field(&record, cols.product);
        if code.is_empty() || code.eq_ignore_ascii_case("TOTAL") {
            continue;
        }
        codes.insert((class.to_string(), product_code(code)));
    }
    let sorted: Vec<&(String, String)> = codes.iter().collect();
    Ok(sorted
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[1].1.starts_with(w[0].1.as_str()))
        .map(|w| w[0].clone())
        .collect())
}

struct FileContext<'a> {
    name: &'a str,
    file: u32,
    source: i32,
    coarser: &'a BTreeSet<(String, String)>,
    writer: &'a mut DatasetWriter,
    rejects: &'a mut Rejects,
    dedup: &'a mut Dedup,
    skips: &'a mut Skips,
    progress: &'a dyn IngestProgress,
}

enum Parsed {
    Row {
        year: i32,
        reporter: String,
        partner: String,
        flow: Flow,
        classification: String,
        product: String,
        value: f64,
    },
    Skip(&'static str),
}

fn parse(
    record: &csv::ByteRecord,
    c: &Columns,
    width: usize,
    coarser: &BTreeSet<(String, String)>,
) -> std::result::Result<Parsed, String> {
    if record.len() != width {
        return Err(format!(
            "expected {width} fields as in the header, found {}",
            record.len()
        ));
    }
    let year = super::columns::year(field(record, c.year))?;
    if let Some(f) = c.freq {
        if !field(record, f).eq_ignore_ascii_case("A") {
            return Ok(Parsed::Skip(NOT_ANNUAL));
        }
    }
    if let Some(p) = c.period {
        let period = field(record, p);
        if !period.is_empty() && period.len() != 4 {
            return Ok(Parsed::Skip(NOT_ANNUAL));
        }
    }
    for &(col, totals) in &c.breakdowns {
        let v = field(record, col);
        if !v.is_empty() && !totals.iter().any(|t| v.eq_ignore_ascii_case(t)) {
            return Ok(Parsed::Skip(BREAKDOWN));
        }
    }
    let flow_code = field(record, c.flow);
    let flow = match (c.legacy, flow_code) {
        (false, "X") | (true, "2") => Flow::Export,
        (false, "M") | (true, "1") => Flow::Import,
        (true, "3" | "4") => return Ok(Parsed::Skip(OTHER_FLOW)),
        (false, f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_uppercase()) => {
            return Ok(Parsed::Skip(OTHER_FLOW))
        }
        _ => {
            return Err(format!(
                "flow code `{flow_code}` is not one of Comtrade's ({})",
                if c.legacy {
                    "1 import, 2 export, 3 re-export, 4 re-import"
                } else {
                    "X, M, RX, RM..."
                }
            ))
        }
    };
    let class = field(record, c.classification);
    let raw = field(record, c.product);
    if raw.is_empty() {
        return Err("commodity code is empty".into());
    }
    let product = if raw.eq_ignore_ascii_case("TOTAL") {
        "TOTAL".to_string()
    } else {
        product_code(raw)
    };
    if coarser.contains(&(class.to_string(), product.clone())) {
        return Ok(Parsed::Skip(COARSER));
    }
    let at = |col: Option<usize>| col.map_or("", |i| field(record, i));
    let reporter = match economy(at(c.reporter_code), at(c.reporter_iso), "reporter")? {
        Economy::Code(w) if w == WORLD => return Err("the reporter is the world".into()),
        Economy::Code(r) => r,
        Economy::NotACountry => return Ok(Parsed::Skip(NOT_A_COUNTRY)),
    };
    let partner = match economy(at(c.partner_code), at(c.partner_iso), "partner")? {
        Economy::Code(p) => p,
        Economy::NotACountry => return Ok(Parsed::Skip(NOT_A_COUNTRY)),
    };
    let v = field(record, c.value);
    if v.is_empty() {
        return Ok(Parsed::Skip(EMPTY));
    }
    let value = trade_value(v, 0)?;
    Ok(Parsed::Row {
        year,
        reporter,
        partner,
        flow,
        classification: classification(class),
        product,
        value,
    })
}

fn read_file(r: &mut dyn std::io::Read, cx: &mut FileContext<'_>) -> Result<(u64, u64)> {
    let name = cx.name;
    let mut reader = reader(r);
    let header = Header::new(
        reader.byte_headers().map_err(|e| csv_err(name)(1, e))?,
        name,
    );
    let cols = columns(&header, name)?;
    let width = header.names.len();
    let mut record = csv::ByteRecord::new();
    let mut last_pos = 0u64;
    let (mut rows, mut repeats) = (0u64, 0u64);
    loop {
        let line = reader.position().line();
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_err(name)(line, e))?
        {
            break;
        }
        let line = record.position().map_or(line, |p| p.line());
        let pos = record.position().map_or(last_pos, |p| p.byte());
        cx.progress.advance(pos - last_pos);
        last_pos = pos;
        match parse(&record, &cols, width, cx.coarser) {
            Ok(Parsed::Row {
                year,
                reporter,
                partner,
                flow,
                classification,
                product,
                value,
            }) => {
                let d = cx.writer.dictionaries();
                let (r, p) = (d.countries.code(&reporter), d.countries.code(&partner));
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
                    classification: d.classifications.code(&classification),
                    value,
                    quantity: f64::NAN,
                    source: cx.source,
                };
                match cx.dedup.push(row, cx.file, line, cx.writer)? {
                    Pushed::New => rows += 1,
                    Pushed::Repeat => repeats += 1,
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
    fn classifications() {
        assert_eq!(classification("H5"), "HS17");
        assert_eq!(classification("H0"), "HS92");
        assert_eq!(classification("H6"), "HS22");
        assert_eq!(classification("S3"), "SITC3");
        assert_eq!(classification("HS"), "HS");
        assert_eq!(classification("EB10"), "EB10");
    }

    #[test]
    fn codes_and_economies() {
        assert_eq!(product_code("10121"), "010121");
        assert_eq!(product_code("970110"), "970110");
        assert_eq!(product_code("S"), "S");
        let code = |c: &str, iso: &str| match economy(c, iso, "partner") {
            Ok(Economy::Code(c)) => Some(c),
            _ => None,
        };
        assert_eq!(code("0", "W00").as_deref(), Some("WLD"));
        assert_eq!(code("842", "USA").as_deref(), Some("USA"));
        assert_eq!(code("490", "S19").as_deref(), Some("TWN"));
        assert_eq!(code("", "KOR").as_deref(), Some("KOR"));
        assert!(matches!(
            economy("899", "_X", "partner"),
            Ok(Economy::NotACountry)
        ));
        assert!(economy("x", "", "partner").is_err());
    }
}
