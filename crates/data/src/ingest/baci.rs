//! CEPII BACI releases: yearly `BACI_HSxx_Y<year>_V<release>.csv` files (`t,i,j,k,v,q`)
//! plus the release's `country_codes_V<release>.csv`, from a folder or the release zip.
//!
//! Values are thousands of US dollars (written as dollars, scaled exactly); quantities
//! metric tons (blank or `NA` when unknown). Country numeric codes become ISO3 through the
//! release's own country file, both layouts: `country_code,country_name,country_iso2,
//! country_iso3` (V202401 and later) and `country_code,country_name_abbreviation,
//! country_name_full,iso_2digit_alpha,iso_3digit_alpha` (earlier). Product codes that lost
//! their leading zero (`10121`) are padded back to six digits (`010121`).

use super::columns::{field, Header};
use super::duplicates::describe;
use super::input::Input;
use super::numbers::{parse_scaled, parse_u32};
use super::{
    DuplicatePair, DuplicateReport, FileReport, IngestOptions, IngestProgress, IngestReport,
    OnDuplicate, Origin, Rejects,
};
use crate::dataset::{
    Chunk, DatasetWriter, Dictionaries, Dictionary, Flow, MalformedRow, Row, NO_REPORTER,
};
use crate::{DataError, Result};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

/// Bytes parsed per task; a round reads one block per thread.
const BLOCK: usize = 8 << 20;
/// Largest country code the lookup table holds (ISO 3166 numeric codes are below 1000).
const MAX_COUNTRY: usize = 1000;

/// What a BACI data file's name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaciFileName {
    /// HS revision as a classification name (`HS92` ... `HS22`).
    pub classification: String,
    /// The year of the flows.
    pub year: i32,
    /// The release (`202401`).
    pub release: String,
}

/// Parses `BACI_HS17_Y2021_V202401.csv` (the release may carry a suffix such as `b`).
pub fn parse_file_name(name: &str) -> Option<BaciFileName> {
    let stem = name.strip_suffix(".csv")?;
    let mut parts = stem.split('_');
    if parts.next()? != "BACI" {
        return None;
    }
    let hs = parts.next()?.strip_prefix("HS")?;
    let year = parts.next()?.strip_prefix('Y')?;
    let release = parts.next()?.strip_prefix('V')?;
    if parts.next().is_some()
        || hs.len() != 2
        || !hs.bytes().all(|b| b.is_ascii_digit())
        || year.len() != 4
        || release.is_empty()
    {
        return None;
    }
    Some(BaciFileName {
        classification: format!("HS{hs}"),
        year: year.parse().ok()?,
        release: release.to_string(),
    })
}

/// The files of a release.
#[derive(Debug, Clone)]
pub struct Release {
    /// Data files with what their names say, by year.
    pub data: Vec<(Input, BaciFileName)>,
    /// The country code file.
    pub countries: Input,
}

/// Finds the data and country files of a release folder, zip or single data file (whose
/// country file must then sit next to it).
pub fn find_release(path: &Path) -> Result<Release> {
    let mut inputs = Input::list(path)?;
    let single_csv = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| parse_file_name(n).is_some());
    if single_csv {
        // One year's file: its release's country file sits in the same folder.
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        for entry in std::fs::read_dir(dir).map_err(|e| DataError::Io {
            path: dir.to_path_buf(),
            source: e,
        })? {
            let Ok(entry) = entry else { continue };
            let p = entry.path();
            let is_country = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("country_codes") && n.ends_with(".csv"));
            if is_country && p.is_file() {
                inputs.extend(Input::list(&p)?);
            }
        }
    }
    let mut data: Vec<(Input, BaciFileName)> = inputs
        .iter()
        .filter_map(|i| parse_file_name(&i.file_name).map(|n| (i.clone(), n)))
        .collect();
    if data.is_empty() {
        return Err(DataError::InvalidArgument(format!(
            "{}: no BACI data file (named like BACI_HS17_Y2021_V202401.csv) found",
            path.display()
        )));
    }
    data.sort_by_key(|(_, n)| n.year);
    let mut revisions: Vec<&str> = data
        .iter()
        .map(|(_, n)| n.classification.as_str())
        .collect();
    revisions.dedup();
    revisions.sort_unstable();
    revisions.dedup();
    if revisions.len() > 1 {
        return Err(DataError::InvalidArgument(format!(
            "{}: holds several HS revisions ({}); ingest one revision at a time",
            path.display(),
            revisions.join(", ")
        )));
    }
    if let Some(w) = data.windows(2).find(|w| w[0].1.year == w[1].1.year) {
        return Err(DataError::InvalidArgument(format!(
            "{}: two data files for {} ({} and {})",
            path.display(),
            w[0].1.year,
            w[0].0.file_name,
            w[1].0.file_name
        )));
    }
    let countries: Vec<&Input> = inputs
        .iter()
        .filter(|i| i.file_name.starts_with("country_codes") && i.file_name.ends_with(".csv"))
        .collect();
    let countries = match countries.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(DataError::InvalidArgument(format!(
                "{}: the release's country_codes_V<release>.csv is missing (it maps BACI's numeric country codes to ISO3)",
                path.display()
            )))
        }
        many => {
            return Err(DataError::InvalidArgument(format!(
                "{}: several country code files ({}); keep the one of this release",
                path.display(),
                many.iter()
                    .map(|i| i.file_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    Ok(Release { data, countries })
}

/// Numeric country code → ISO3, from a release's country file.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryCodes {
    /// `(numeric code, ISO3)` pairs, in file order.
    pub codes: Vec<(u32, String)>,
    /// Codes the file lists without an ISO3 code (e.g. some "nes" areas).
    pub without_iso3: Vec<u32>,
}

/// The release a country file's name gives (`country_codes_V202401.csv` → `202401`).
pub fn country_file_release(file_name: &str) -> Option<&str> {
    file_name
        .strip_prefix("country_codes_V")?
        .strip_suffix(".csv")
        .filter(|r| !r.is_empty())
}

/// Reads a BACI country file (either layout; any encoding of the names, which are not used).
pub fn read_country_codes(bytes: &[u8], name: &str) -> Result<CountryCodes> {
    let bad = |line: u64, message: String| DataError::Csv {
        path: name.into(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| bad(1, e.to_string()))?
        .clone();
    let header = Header::new(&header, name);
    let code_col = header.find(&["country_code"]);
    let iso_col = header.find(&["country_iso3", "iso_3digit_alpha"]);
    let (Some(code_col), Some(iso_col)) = (code_col, iso_col) else {
        return Err(bad(
            1,
            format!(
                "not a BACI country file: expected columns country_code and country_iso3 (or iso_3digit_alpha), found {}",
                header.names.join(",")
            ),
        ));
    };
    let mut codes = Vec::new();
    let mut without_iso3 = Vec::new();
    for (n, record) in reader.byte_records().enumerate() {
        let line = n as u64 + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let code = parse_u32(field(&record, code_col).as_bytes())
            .filter(|&c| (c as usize) < MAX_COUNTRY)
            .ok_or_else(|| {
                bad(
                    line,
                    format!(
                        "country_code `{}` is not a number below {MAX_COUNTRY}",
                        field(&record, code_col)
                    ),
                )
            })?;
        let iso = field(&record, iso_col);
        // A few BACI entries (e.g. "Other Asia, nes") have no ISO3; their flows are
        // malformed rows that say so, rather than rows under an invented code.
        if iso.is_empty() || iso == "NA" || iso == "N/A" {
            without_iso3.push(code);
            continue;
        }
        codes.push((code, iso.to_string()));
    }
    Ok(CountryCodes {
        codes,
        without_iso3,
    })
}

/// Lookup value of a code the release's country file lists without an ISO3 code.
const NO_ISO3: i32 = -2;

/// Read-only context of the parse threads.
struct Context {
    year: i32,
    country: Vec<i32>,
    classification: i32,
    source: i32,
}

#[derive(Default)]
struct Parsed {
    chunk: Chunk,
    /// `(line offset within the block, reason, text)`.
    bad: Vec<(u64, String, Vec<u8>)>,
    lines: u64,
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}

/// A field without its surrounding spaces and quotes. A quote must open and close the
/// field: an unterminated or stray one means the line is not what it seems (a quoted
/// field swallowed a separator, or the file was cut), so the row is malformed.
fn unquote(field: &[u8]) -> std::result::Result<&[u8], String> {
    let s = trim(field);
    match s {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'"') => Ok(trim(inner)),
        _ if s.contains(&b'"') => Err(format!(
            "field `{}` has an unterminated or stray quote",
            lossy(s)
        )),
        _ => Ok(s),
    }
}

fn parse_line(line: &[u8], cx: &Context, out: &mut Chunk) -> std::result::Result<(), String> {
    let mut f: [&[u8]; 6] = [&[]; 6];
    let mut n = 0;
    for field in line.split(|&b| b == b',') {
        if n < 6 {
            f[n] = unquote(field)?;
        }
        n += 1;
    }
    if n != 6 {
        return Err(format!("expected 6 fields (t,i,j,k,v,q), found {n}"));
    }
    let t = parse_u32(f[0]).ok_or_else(|| format!("year t `{}` is not a number", lossy(f[0])))?;
    if t as i32 != cx.year {
        return Err(format!("year t = {t} in the file of {}", cx.year));
    }
    let country = |s: &[u8], what: &str| -> std::result::Result<i32, String> {
        let c =
            parse_u32(s).ok_or_else(|| format!("{what} `{}` is not a country code", lossy(s)))?;
        match cx.country.get(c as usize) {
            Some(&k) if k >= 0 => Ok(k),
            Some(&NO_ISO3) => Err(format!(
                "{what} {c} has no ISO3 code in the release's country_codes file"
            )),
            _ => Err(format!(
                "{what} {c} is not in the release's country_codes file"
            )),
        }
    };
    let i = country(f[1], "exporter i")?;
    let j = country(f[2], "importer j")?;
    let k = parse_u32(f[3])
        .filter(|_| f[3].len() <= 6)
        .ok_or_else(|| format!("product k `{}` is not an HS6 code", lossy(f[3])))?;
    let v = parse_scaled(f[4], 3)
        .filter(|v| *v >= 0.0)
        .ok_or_else(|| format!("value v `{}` is not a non-negative number", lossy(f[4])))?;
    let q = if f[5].is_empty() || f[5] == b"NA" {
        f64::NAN
    } else {
        parse_scaled(f[5], 0).filter(|q| *q >= 0.0).ok_or_else(|| {
            format!(
                "quantity q `{}` is not a non-negative number or NA",
                lossy(f[5])
            )
        })?
    };
    // BACI reconciles the exporter's and the importer's report into one figure.
    out.push(Row {
        year: cx.year,
        exporter: i,
        importer: j,
        reporter: NO_REPORTER,
        flow: Flow::Reconciled,
        product: k as i32,
        classification: cx.classification,
        value: v,
        quantity: q,
        source: cx.source,
    });
    Ok(())
}

fn lossy(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

fn parse_block(block: &[u8], cx: &Context) -> Parsed {
    let mut p = Parsed::default();
    let rows = block.len() / 36 + 1;
    for v in [
        &mut p.chunk.exporter,
        &mut p.chunk.importer,
        &mut p.chunk.reporter,
        &mut p.chunk.product,
        &mut p.chunk.classification,
        &mut p.chunk.source,
        &mut p.chunk.year,
    ] {
        v.reserve(rows);
    }
    p.chunk.flow.reserve(rows);
    p.chunk.value.reserve(rows);
    p.chunk.quantity.reserve(rows);
    for line in block.split(|&b| b == b'\n') {
        let offset = p.lines;
        p.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if let Err(reason) = parse_line(line, cx, &mut p.chunk) {
            p.bad.push((offset, reason, line.to_vec()));
        }
    }
    p
}

/// Splits `buf` into about `parts` pieces that end at line ends.
fn split_lines(buf: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    let step = buf.len() / parts.max(1) + 1;
    while start < buf.len() {
        let mut end = (start + step).min(buf.len());
        if end < buf.len() {
            end = match buf[end..].iter().position(|&b| b == b'\n') {
                Some(p) => end + p + 1,
                None => buf.len(),
            };
        }
        // Each piece ends with its newline; drop it so that split() yields no empty tail.
        let piece = &buf[start..end];
        out.push(piece.strip_suffix(b"\n").unwrap_or(piece));
        start = end;
    }
    out
}

/// Ingests a BACI release into `options.out` as source `baci`.
pub fn ingest(
    path: &Path,
    options: &IngestOptions,
    progress: &dyn IngestProgress,
) -> Result<IngestReport> {
    let release = find_release(path)?;
    let country_bytes = release.countries.read_all()?;
    let countries = read_country_codes(&country_bytes, &release.countries.name)?;
    let warnings = release_warnings(&release);

    let mut writer = options.writer("baci", "baci")?;
    let mut dicts = Dictionaries::default();
    let mut lookup = vec![-1i32; MAX_COUNTRY];
    // Codes in numeric order, so that a file sorted by its numeric codes (as BACI's are)
    // has increasing keys; see `KeyOrder`.
    let mut by_code = countries.codes.clone();
    by_code.sort_unstable();
    for (code, iso) in &by_code {
        lookup[*code as usize] = dicts.countries.code(iso);
    }
    for &code in &countries.without_iso3 {
        lookup[code as usize] = NO_ISO3;
    }
    // Product codes are their own dictionary codes: HS6 number n is entry n of a table of
    // all six-digit strings, so parse threads need no shared map and 10121 pads to 010121.
    dicts.products = Dictionary::from_values((0..1_000_000).map(|n| format!("{n:06}")));
    let classification = dicts
        .classifications
        .code(&release.data[0].1.classification);
    let source = dicts.sources.code("baci");
    writer.set_dictionaries(dicts);
    writer.add_input(&release.countries.name);

    let mut rejects = Rejects::new(options.strict);
    let mut files = Vec::new();
    let mut duplicates = DuplicateReport {
        policy: options.on_duplicate,
        rows: 0,
        first: None,
    };
    for (input, name) in &release.data {
        writer.add_input(&input.name);
        progress.file(&input.name, input.size);
        let cx = Context {
            year: name.year,
            country: lookup.clone(),
            classification,
            source,
        };
        let before = (writer.rows(), writer.malformed_rows());
        let mut order = KeyOrder::default();
        input.read(|r| {
            let mut out = Out {
                writer: &mut writer,
                rejects: &mut rejects,
                order: &mut order,
            };
            ingest_file(r, &input.name, &cx, &mut out, progress)
        })?;
        // Flows in strictly increasing order (as BACI writes them) cannot repeat; only a
        // file out of order is read again to look for repeats.
        let mut repeats = Repeats::default();
        if order.unordered {
            repeats = input.read(|r| repeated_keys(r, &input.name, &cx))?;
            if repeats.rows > 0 {
                repeats.first = input.read(|r| first_repeat(r, &input.name, &cx, &repeats.keys))?;
            }
        }
        if let Some((key, first_line, line)) = repeats.first {
            let row = key_row(key, &cx);
            let described = describe(&row, writer.dictionaries());
            if options.on_duplicate == OnDuplicate::Error {
                return Err(DataError::Csv {
                    path: input.name.clone().into(),
                    line,
                    message: format!(
                        "this row repeats line {first_line} ({described}); nothing was written. \
                         A BACI release holds one row per flow: if the repeat is expected, choose \
                         what to do with repeated rows (on_duplicate): `keep-first` or `sum`"
                    ),
                });
            }
            if duplicates.first.is_none() {
                duplicates.first = Some(DuplicatePair {
                    key: described,
                    first: Origin {
                        file: input.name.clone(),
                        line: first_line,
                    },
                    repeat: Origin {
                        file: input.name.clone(),
                        line,
                    },
                });
            }
            // The year went out with its repeats; write it again, resolved.
            writer.discard_year(name.year);
            input.read(|r| resolve_file(r, &input.name, &cx, options.on_duplicate, &mut writer))?;
        }
        duplicates.rows += repeats.rows;
        writer.close_year(name.year)?;
        files.push(FileReport {
            file: input.name.clone(),
            rows: writer.rows() - before.0,
            malformed_rows: writer.malformed_rows() - before.1,
            skipped_rows: 0,
            duplicate_rows: repeats.rows,
        });
    }
    let entry = writer.commit()?;
    Ok(IngestReport {
        dataset: options.out.display().to_string(),
        source: entry,
        files,
        skipped_reason: None,
        duplicates,
        warnings,
        first_malformed: rejects.first,
    })
}

fn io_err(name: &str) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: name.into(),
        source,
    }
}

/// Reads into `buf` until it holds `want` bytes or the input ends.
fn fill(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize, name: &str) -> Result<()> {
    let start = buf.len();
    buf.resize(want, 0);
    let mut at = start;
    while at < want {
        match r.read(&mut buf[at..]) {
            Ok(0) => break,
            Ok(n) => at += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(name)(e)),
        }
    }
    buf.truncate(at);
    Ok(())
}

/// Where parsed rows go: the writer, the malformed rows, and the order of the year's keys.
struct Out<'a> {
    writer: &'a mut DatasetWriter,
    rejects: &'a mut Rejects,
    order: &'a mut KeyOrder,
}

fn ingest_file(
    r: &mut dyn Read,
    name: &str,
    cx: &Context,
    out: &mut Out<'_>,
    progress: &dyn IngestProgress,
) -> Result<()> {
    let threads = rayon::current_num_threads().max(1);
    let round = BLOCK * threads;
    let mut buf: Vec<u8> = Vec::with_capacity(round + BLOCK);
    // Header.
    fill(r, &mut buf, 64 << 10, name)?;
    let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let header: Vec<&[u8]> = buf[..end]
        .strip_suffix(b"\r")
        .unwrap_or(&buf[..end])
        .split(|&b| b == b',')
        .map(trim)
        .collect();
    let header: Vec<&[u8]> = header
        .into_iter()
        .map(|h| h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h))
        .collect();
    if header != [&b"t"[..], b"i", b"j", b"k", b"v", b"q"] {
        return Err(DataError::Csv {
            path: name.into(),
            line: 1,
            message: format!(
                "expected the BACI header t,i,j,k,v,q, found `{}`",
                String::from_utf8_lossy(&buf[..end.min(200)])
            ),
        });
    }
    progress.advance((end + 1).min(buf.len()) as u64);
    buf.drain(..(end + 1).min(buf.len()));
    let mut next_line: u64 = 2;
    let mut pending: Option<Vec<Parsed>> = None;
    loop {
        let want = round.max(buf.len() + 1);
        fill(r, &mut buf, want, name)?;
        let eof = buf.len() < want;
        let cut = if eof {
            buf.len()
        } else {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                None => buf.len(),
            }
        };
        let pieces = split_lines(&buf[..cut], threads);
        // Parse this round while the previous one is encoded and written.
        let (parsed, written) = rayon::join(
            || {
                pieces
                    .par_iter()
                    .map(|p| parse_block(p, cx))
                    .collect::<Vec<_>>()
            },
            || match pending.take() {
                Some(prev) => emit(prev, name, &mut next_line, out),
                None => Ok(()),
            },
        );
        written?;
        pending = Some(parsed);
        progress.advance(cut as u64);
        buf.drain(..cut);
        if eof {
            break;
        }
    }
    if let Some(prev) = pending {
        emit(prev, name, &mut next_line, out)?;
    }
    Ok(())
}

fn emit(parsed: Vec<Parsed>, name: &str, next_line: &mut u64, out: &mut Out<'_>) -> Result<()> {
    for p in parsed {
        for (offset, reason, text) in p.bad {
            out.rejects.reject(
                out.writer,
                MalformedRow {
                    file: name.to_string(),
                    line: *next_line + offset,
                    reason,
                    text: String::from_utf8_lossy(&text).into_owned(),
                },
            )?;
        }
        for r in 0..p.chunk.len() {
            let key = pack(p.chunk.exporter[r], p.chunk.importer[r], p.chunk.product[r]);
            if out.order.last.is_some_and(|last| key <= last) {
                out.order.unordered = true;
            }
            out.order.last = Some(key);
        }
        out.writer.write(&p.chunk)?;
        *next_line += p.lines;
    }
    Ok(())
}

/// A BACI flow's key within its year's file: exporter, importer (dictionary codes, far
/// below 2^20) and HS6 number (below 10^6 < 2^20).
fn pack(exporter: i32, importer: i32, product: i32) -> u64 {
    ((exporter as u64) << 40) | ((importer as u64 & 0xF_FFFF) << 20) | (product as u64 & 0xF_FFFF)
}

/// The row a key stands for (value and quantity left out), for messages.
fn key_row(key: u64, cx: &Context) -> Row {
    Row {
        year: cx.year,
        exporter: (key >> 40) as i32,
        importer: ((key >> 20) & 0xF_FFFF) as i32,
        reporter: NO_REPORTER,
        flow: Flow::Reconciled,
        product: (key & 0xF_FFFF) as i32,
        classification: cx.classification,
        value: f64::NAN,
        quantity: f64::NAN,
        source: cx.source,
    }
}

/// Whether the keys of a year's rows came in strictly increasing order, as BACI sorts its
/// files (by exporter, importer and product, with the dictionary codes assigned in
/// numeric order): then no key can repeat, and nothing has to be remembered to know it.
#[derive(Default)]
struct KeyOrder {
    last: Option<u64>,
    unordered: bool,
}

/// Repeated keys of a year's file.
#[derive(Default)]
struct Repeats {
    /// Rows whose key an earlier row had.
    rows: u64,
    /// The keys that repeat.
    keys: HashSet<u64>,
    /// The first repeat: its key, the line of the key's first row, the repeating line.
    first: Option<(u64, u64, u64)>,
}

/// Each parsed data row of a file with its line, in file order (malformed rows, already
/// recorded by the first reading, are passed over).
fn for_each_row(
    r: &mut dyn Read,
    name: &str,
    cx: &Context,
    mut f: impl FnMut(&Chunk, u64),
) -> Result<()> {
    let mut reader = std::io::BufReader::with_capacity(1 << 20, r);
    let mut line = Vec::new();
    let mut chunk = Chunk::default();
    let mut n = 0u64;
    loop {
        line.clear();
        let read =
            std::io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(io_err(name))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        if n == 1 {
            continue;
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        chunk.clear();
        if !text.is_empty() && parse_line(text, cx, &mut chunk).is_ok() {
            f(&chunk, n);
        }
    }
}

/// The keys of a file that is not in key order which repeat, and how many rows repeat
/// them (read again only for such files; 8 bytes a row while sorting).
fn repeated_keys(r: &mut dyn Read, name: &str, cx: &Context) -> Result<Repeats> {
    let mut keys: Vec<u64> = Vec::new();
    for_each_row(r, name, cx, |c, _| {
        keys.push(pack(c.exporter[0], c.importer[0], c.product[0]));
    })?;
    keys.par_sort_unstable();
    let mut rep = Repeats::default();
    for w in keys.windows(2) {
        if w[0] == w[1] {
            rep.rows += 1;
            rep.keys.insert(w[0]);
        }
    }
    Ok(rep)
}

/// The first row that repeats one of `keys`: `(key, line of its first row, its line)`.
fn first_repeat(
    r: &mut dyn Read,
    name: &str,
    cx: &Context,
    keys: &HashSet<u64>,
) -> Result<Option<(u64, u64, u64)>> {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut found = None;
    for_each_row(r, name, cx, |c, line| {
        let key = pack(c.exporter[0], c.importer[0], c.product[0]);
        if found.is_some() || !keys.contains(&key) {
            return;
        }
        match seen.get(&key) {
            Some(&first) => found = Some((key, first, line)),
            None => {
                seen.insert(key, line);
            }
        }
    })?;
    Ok(found)
}

/// Writes a year's file again whole, each key once: the first row of a repeated key kept,
/// or the repeats' values (and quantities) added to it.
fn resolve_file(
    r: &mut dyn Read,
    name: &str,
    cx: &Context,
    policy: OnDuplicate,
    writer: &mut DatasetWriter,
) -> Result<()> {
    let mut out = Chunk::default();
    let mut at: HashMap<u64, usize> = HashMap::new();
    for_each_row(r, name, cx, |c, _| {
        let key = pack(c.exporter[0], c.importer[0], c.product[0]);
        match at.get(&key) {
            Some(&i) if policy == OnDuplicate::Sum => {
                out.value[i] += c.value[0];
                let q = c.quantity[0];
                // An unknown quantity makes the sum unknown.
                out.quantity[i] = if out.quantity[i].is_nan() || q.is_nan() {
                    f64::NAN
                } else {
                    out.quantity[i] + q
                };
            }
            Some(_) => {}
            None => {
                at.insert(key, out.len());
                out.push(c.row(0));
            }
        }
    })?;
    writer.write(&out)
}

/// Warnings about a release's files: a country file of another release than the data
/// (codes change between releases), data files of several releases.
fn release_warnings(release: &Release) -> Vec<String> {
    let mut data: Vec<&str> = release
        .data
        .iter()
        .map(|(_, n)| n.release.as_str())
        .collect();
    data.sort_unstable();
    data.dedup();
    let mut out = Vec::new();
    if data.len() > 1 {
        out.push(format!(
            "the data files are of several releases ({}); a release's flows are revised as a whole",
            data.join(", ")
        ));
    }
    match country_file_release(&release.countries.file_name) {
        Some(c) if !data.contains(&c) => out.push(format!(
            "the country file {} is of release {c}, the data of release {}: country codes can \
             change between releases; use the country file shipped with the data",
            release.countries.file_name,
            data.join(", ")
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> Context {
        let mut country = vec![-1; MAX_COUNTRY];
        country[410] = 0;
        country[392] = 1;
        Context {
            year: 2021,
            country,
            classification: 0,
            source: 0,
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file_name("BACI_HS17_Y2021_V202401b.csv"),
            Some(BaciFileName {
                classification: "HS17".into(),
                year: 2021,
                release: "202401b".into()
            })
        );
        assert_eq!(parse_file_name("BACI_HS17_Y21_V202401.csv"), None);
        assert_eq!(parse_file_name("country_codes_V202401.csv"), None);
        assert_eq!(parse_file_name("BACI_HS17_Y2021_V202401.txt"), None);
    }

    #[test]
    fn parses_pads_and_scales() {
        let mut c = Chunk::default();
        parse_line(b"2021,410,392,10121,1.234,NA", &cx(), &mut c).unwrap();
        parse_line(b"2021,392,410,970110,  0.5, 2.25", &cx(), &mut c).unwrap();
        parse_line(b"2021,392,410,\"030111\",7,", &cx(), &mut c).unwrap();
        assert_eq!(c.product, vec![10121, 970110, 30111]);
        assert_eq!(c.exporter, vec![0, 1, 1]);
        assert_eq!(c.value, vec![1234.0, 500.0, 7000.0]);
        assert!(c.quantity[0].is_nan() && c.quantity[2].is_nan());
        assert_eq!(c.quantity[1], 2.25);
        // The dictionary entry of 10121 is the padded code.
        assert_eq!(format!("{:06}", c.product[0]), "010121");
    }

    #[test]
    fn malformed_rows_say_why() {
        let cases: [(&[u8], &str); 7] = [
            (b"2021,410,392,10121,1.2", "expected 6 fields"),
            (
                b"2020,410,392,10121,1.2,1",
                "year t = 2020 in the file of 2021",
            ),
            (
                b"2021,999,392,10121,1.2,1",
                "exporter i 999 is not in the release",
            ),
            (b"2021,410,abc,10121,1.2,1", "importer j `abc`"),
            (b"2021,410,392,1234567,1.2,1", "product k `1234567`"),
            (b"2021,410,392,10121,,1", "value v ``"),
            (b"2021,410,392,10121,-3,1", "value v `-3`"),
        ];
        for (line, want) in cases {
            let mut c = Chunk::default();
            let e = parse_line(line, &cx(), &mut c).unwrap_err();
            assert!(e.contains(want), "{e} / {want}");
            assert!(c.is_empty());
        }
    }

    #[test]
    fn quotes_must_open_and_close_a_field() {
        assert_eq!(unquote(b" \"030111\" ").unwrap(), b"030111");
        assert_eq!(unquote(b"7").unwrap(), b"7");
        for bad in [&b"\"030111"[..], b"030111\"", b"\"", b"03\"01\"11"] {
            assert!(unquote(bad).is_err(), "{}", lossy(bad));
        }
        let mut c = Chunk::default();
        let e = parse_line(b"2021,410,392,\"10121,1.5,2", &cx(), &mut c).unwrap_err();
        assert!(e.contains("unterminated or stray quote"), "{e}");
        assert!(c.is_empty());
    }

    #[test]
    fn release_of_a_country_file() {
        assert_eq!(
            country_file_release("country_codes_V202401.csv"),
            Some("202401")
        );
        assert_eq!(country_file_release("country_codes.csv"), None);
    }

    #[test]
    fn blocks_count_lines_including_bad_and_blank_ones() {
        let block = b"2021,410,392,10121,1,1\r\nbad\n\n2021,392,410,10121,2,NA";
        let p = parse_block(block, &cx());
        assert_eq!(p.lines, 4);
        assert_eq!(p.chunk.len(), 2);
        assert_eq!(p.bad.len(), 1);
        assert_eq!(p.bad[0].0, 1);
    }

    #[test]
    fn split_keeps_lines_whole() {
        let buf = b"aa\nbbbb\nc\ndddd\n";
        let parts = split_lines(buf, 3);
        let joined: Vec<u8> = parts.join(&b'\n');
        assert_eq!(joined, b"aa\nbbbb\nc\ndddd");
        assert!(parts.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn both_country_file_layouts() {
        let new = b"country_code,country_name,country_iso2,country_iso3\n410,\"Korea, Rep.\",KR,KOR\n490,Other Asia nes,,\n";
        let old = b"country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n410,Rep. of Korea,Republic of Korea,KR,KOR\n";
        assert_eq!(
            read_country_codes(new, "c.csv").unwrap().codes,
            vec![(410, "KOR".to_string())]
        );
        assert_eq!(
            read_country_codes(old, "c.csv").unwrap().codes,
            vec![(410, "KOR".to_string())]
        );
        let e = read_country_codes(b"code,iso\n1,A\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c.csv, line 1") && e.contains("country_iso3"),
            "{e}"
        );
    }
}
