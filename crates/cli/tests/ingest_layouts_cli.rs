//! `hallyu ingest` on real publishers' layouts (UNCTADstat's two, Comtrade+ and legacy
//! Comtrade), recognised by their header: rows, reporters and flows, values by hand,
//! duplicates and malformed rows. Fixtures and their sources: `tests/data/ingest/README.md`.

mod util;

use hallyu_data::dataset::{read_dataset, Manifest};
use hallyu_data::Table;
use std::path::PathBuf;
use util::{fixture, Dir};

fn ingest_fixture(name: &str) -> PathBuf {
    fixture("ingest").join(name)
}

fn text(t: &Table, name: &str) -> Vec<String> {
    t.text(name)
        .unwrap_or_else(|e| panic!("{name} should be text: {e}"))
        .iter()
        .map(|v| v.unwrap_or("<missing>").to_string())
        .collect()
}

/// One row as `(exporter, importer, reporter, flow, product, classification, value)`.
type Flat = (String, String, String, String, String, String, f64);

fn rows(t: &Table) -> Vec<Flat> {
    let cols: Vec<Vec<String>> = [
        "exporter",
        "importer",
        "reporter",
        "flow",
        "product",
        "classification",
    ]
    .iter()
    .map(|c| text(t, c))
    .collect();
    let v = t.num("value").expect("value");
    (0..t.nrows())
        .map(|r| {
            (
                cols[0][r].clone(),
                cols[1][r].clone(),
                cols[2][r].clone(),
                cols[3][r].clone(),
                cols[4][r].clone(),
                cols[5][r].clone(),
                v[r],
            )
        })
        .collect()
}

fn find(rows: &[Flat], exporter: &str, importer: &str, reporter: &str, product: &str) -> Flat {
    rows.iter()
        .find(|r| r.0 == exporter && r.1 == importer && r.2 == reporter && r.4 == product)
        .unwrap_or_else(|| {
            panic!("no row {exporter}→{importer} by {reporter} {product} in {rows:?}")
        })
        .clone()
}

fn total(t: &Table) -> f64 {
    t.num("value").expect("value").iter().sum()
}

const PLUS: &str = "comtrade/TradeData_plus_H5_2021.csv";
const LEGACY: &str = "comtrade/comtrade_legacy_H4_2016.csv";

#[test]
fn comtrade_plus_keeps_totals_as_reported() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "comtrade"])
        .arg(ingest_fixture(PLUS))
        .args(["--out", "ds", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["source"]["rows"], 6, "{v}");
    assert_eq!(v[0]["files"][0]["malformed_rows"], 1);
    assert_eq!(v[0]["files"][0]["skipped_rows"], 7);
    let why = v[0]["skipped_reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("3 breakdowns by second partner, customs procedure or mode")
            && why.contains("2 product rows with finer codes")
            && why.contains("1 re-exports")
            && why.contains("1 rows whose partner is not a country"),
        "{why}"
    );
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    // 1,500,000 + 250,000 + 900,000 + 2,200,000 + 950,000 + 35,000: no breakdown, chapter,
    // heading or re-export added to the totals.
    assert_eq!(total(&t), 5_835_000.0);
    let all = rows(&t);
    let s = |x: &str| x.to_string();
    assert_eq!(
        find(&all, "KOR", "WLD", "KOR", "970110"),
        (
            s("KOR"),
            s("WLD"),
            s("KOR"),
            s("export"),
            s("970110"),
            s("HS17"),
            1_500_000.0
        )
    );
    // Korea's imports from the USA, as Korea reported them: goods go USA → KOR.
    assert_eq!(find(&all, "USA", "KOR", "KOR", "970110").3, "import");
    assert_eq!(find(&all, "USA", "KOR", "KOR", "970110").6, 2_200_000.0);
    // The USA's report of the same goods flow KOR → USA is kept apart from Korea's.
    assert_eq!(find(&all, "KOR", "USA", "USA", "970110").6, 950_000.0);
    assert_eq!(find(&all, "KOR", "USA", "KOR", "970110").6, 900_000.0);
    // 490 "Other Asia, nes" is Taiwan.
    assert_eq!(find(&all, "KOR", "TWN", "KOR", "970190").6, 35_000.0);
    assert!(all.iter().all(|r| r.4.len() == 6), "{all:?}");
    let kept = dir.read("ds/malformed-comtrade.csv");
    assert!(kept.contains("value `-500` is negative"), "{kept}");
}

#[test]
fn comtrade_legacy_by_hand() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "comtrade"])
        .arg(ingest_fixture(LEGACY))
        .args(["--out", "ds", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["source"]["rows"], 5, "{v}");
    assert_eq!(v[0]["files"][0]["skipped_rows"], 2);
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    assert_eq!(total(&t), 495_433_080_000.0);
    let all = rows(&t);
    assert!(all.iter().all(|r| r.5 == "HS12"), "{all:?}");
    assert_eq!(
        find(&all, "KOR", "WLD", "KOR", "TOTAL").6,
        495_425_800_000.0
    );
    assert_eq!(find(&all, "WLD", "KOR", "KOR", "970110").3, "import");
    // Comtrade's code 251 is France; `70110` lost its leading zero.
    assert_eq!(find(&all, "FRA", "KOR", "FRA", "970110").6, 2_600_000.0);
    assert_eq!(find(&all, "KOR", "USA", "KOR", "070110").6, 80_000.0);
}

#[test]
fn layouts_are_recognised_by_header_not_name() {
    let dir = Dir::new();
    let plus = std::fs::read(ingest_fixture(PLUS)).expect("fixture");
    dir.write("download (1).csv", &plus);
    dir.hallyu([
        "ingest",
        "comtrade",
        "download (1).csv",
        "--out",
        "ds",
        "--quiet",
    ])
    .run_ok();
    assert_eq!(
        read_dataset(&dir.join("ds"), None).expect("read").nrows(),
        6
    );
    // A Comtrade file given to the UNCTADstat reader says what it is.
    dir.hallyu(["ingest", "unctadstat", "download (1).csv", "--out", "ds2"])
        .run_err_line()
        .assert_stderr_contains("download (1).csv, line 1: not an UNCTADstat bulk CSV")
        .assert_stderr_contains("read it with `hallyu ingest comtrade`");
    let unctad =
        std::fs::read(ingest_fixture("unctadstat_layouts/renamed_download.csv")).expect("fixture");
    dir.write("u.csv", unctad);
    dir.hallyu(["ingest", "comtrade", "u.csv", "--out", "ds3"])
        .run_err_line()
        .assert_stderr_contains("not a UN Comtrade CSV")
        .assert_stderr_contains("`hallyu ingest unctadstat`");
}

/// The Comtrade+ fixture with its first data row (line 2) repeated at the end with
/// another value, as an extract that repeats a block does.
fn repeated(dir: &Dir) -> PathBuf {
    let body = std::fs::read_to_string(ingest_fixture(PLUS)).expect("fixture");
    let second = body.lines().nth(1).expect("a data row").to_string();
    let again = second.replace(",1500000,1500000,", ",100,100,");
    assert_ne!(again, second);
    dir.write("repeat.csv", format!("{body}{again}\n"))
}

#[test]
fn duplicates_are_an_error_naming_both_lines_by_default() {
    let dir = Dir::new();
    repeated(&dir);
    let r = dir
        .hallyu(["ingest", "comtrade", "repeat.csv", "--out", "ds"])
        .run_err_line();
    assert!(
        r.message()
            .contains("repeat.csv, line 16: this row repeats repeat.csv, line 2")
            && r.message().contains(
                "choose what to do with repeated rows (on_duplicate): `keep-first` or `sum`"
            ),
        "{r}"
    );
    assert!(!dir.join("ds/hallyu-dataset.json").exists());
    // The same file twice: the error names both files.
    let r = dir
        .hallyu(["ingest", "comtrade"])
        .arg(ingest_fixture(PLUS))
        .arg(dir.join("repeat.csv"))
        .args(["--out", "ds"])
        .run_err_line();
    assert!(
        r.message().contains("repeat.csv, line 2: this row repeats")
            && r.message().contains("TradeData_plus_H5_2021.csv, line 2"),
        "{r}"
    );
}

#[test]
fn duplicates_kept_first_or_summed_as_asked_and_counted() {
    let dir = Dir::new();
    repeated(&dir);
    let r = dir
        .hallyu(["ingest", "comtrade", "repeat.csv", "--out", "first"])
        .args(["--on-duplicate", "keep-first", "--format", "json"])
        .run_ok();
    r.assert_stderr_contains("1 row(s) repeated an earlier row's key")
        .assert_stderr_contains("repeat.csv, line 16 repeats repeat.csv, line 2");
    let v = r.value();
    assert_eq!(v[0]["duplicates"]["rows"], 1);
    assert_eq!(v[0]["duplicates"]["policy"], "keep-first");
    assert_eq!(v[0]["files"][0]["duplicate_rows"], 1);
    assert_eq!(v[0]["source"]["rows"], 6);
    let t = read_dataset(&dir.join("first"), None).expect("read");
    assert_eq!(total(&t), 5_835_000.0);

    let r = dir
        .hallyu(["ingest", "comtrade", "repeat.csv", "--out", "sum"])
        .args(["--on-duplicate", "sum"])
        .run_ok();
    r.assert_stdout_contains("1 duplicate (sum)");
    let t = read_dataset(&dir.join("sum"), None).expect("read");
    assert_eq!(t.nrows(), 6);
    assert_eq!(total(&t), 5_835_100.0);
    assert_eq!(
        find(&rows(&t), "KOR", "WLD", "KOR", "970110").6,
        1_500_100.0
    );
}

#[test]
fn unctadstat_older_layout_with_bom_and_unctad_codes() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "unctadstat"])
        .arg(ingest_fixture(
            "unctadstat_layouts/older_layout_creative_goods.csv",
        ))
        .args(["--out", "ds", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["source"]["rows"], 3, "{v}");
    assert_eq!(v[0]["files"][0]["skipped_rows"], 3);
    assert_eq!(v[0]["files"][0]["malformed_rows"], 1);
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    let all = rows(&t);
    // China's exports to the Netherlands as China reported them, and the Netherlands'
    // imports from China as the Netherlands reported them: two reports, never one sum.
    let cn = find(&all, "CHN", "NLD", "CHN", "CG00");
    assert_eq!((cn.3.as_str(), cn.6), ("export", 1_763_000_000.0));
    let nl = find(&all, "CHN", "NLD", "NLD", "CG00");
    assert_eq!((nl.3.as_str(), nl.6), ("import", 939_000_000.0));
    // 926, UNCTADstat's code of the United Kingdom in older files.
    assert_eq!(find(&all, "GBR", "WLD", "GBR", "CG00").6, 21_337_250_000.0);
    assert!(all.iter().all(|r| r.5 == "UNCTAD-Category"), "{all:?}");
    let kept = dir.read("ds/malformed-unctadstat.csv");
    assert!(kept.contains("value `-4.5` is negative"), "{kept}");
}

#[test]
fn unctadstat_data_centre_layout_of_any_report_under_any_name() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "unctadstat"])
        .arg(ingest_fixture("unctadstat_layouts/renamed_download.csv"))
        .args(["--out", "ds"])
        .run_ok();
    r.assert_stderr_contains("Economy 999 (Nowhere) is neither an M49 country code");
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    let all = rows(&t);
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(find(&all, "KOR", "WLD", "KOR", "DD00").6, 52_500_500.0);
    assert_eq!(find(&all, "WLD", "KOR", "KOR", "DD00").6, 61_000_000.0);
    // The source's own World row.
    assert_eq!(
        find(&all, "WLD", "WLD", "WLD", "DD00").6,
        3_820_000_000_000.0
    );
    assert!(all.iter().all(|r| r.5 == "UNCTAD-Product"), "{all:?}");
    let m = Manifest::load(&dir.join("ds")).expect("manifest");
    assert_eq!(m.source("unctadstat").expect("entry").malformed_rows, 1);
}

#[test]
fn series_negative_values_are_malformed() {
    let dir = Dir::new();
    dir.write(
        "s.csv",
        "country,year,sector,flow,value,unit\nKOR,2021,games,export,8.19,USD bn\nKOR,2021,music,export,-1,USD bn\nKOR,2021,film,export,NaN,USD bn\n",
    );
    let r = dir
        .hallyu(["ingest", "series", "s.csv", "--out", "ds"])
        .run_ok();
    r.assert_stderr_contains("2 malformed row(s)")
        .assert_stderr_contains("s.csv, line 3: value `-1` is negative");
    let kept = dir.read("ds/malformed-series-s.csv");
    assert!(kept.contains("value `NaN` is not a number"), "{kept}");
    let t = read_dataset(&dir.join("ds"), None).expect("read");
    assert_eq!(total(&t), 8_190_000_000.0);
}

/// Copies the BACI fixture folder into the scratch directory as `rel`, with `extra`
/// appended to the 2021 data file.
fn baci_with(dir: &Dir, extra: &str) -> PathBuf {
    let to = dir.join("rel");
    std::fs::create_dir_all(&to).expect("mkdir");
    for e in std::fs::read_dir(ingest_fixture("baci"))
        .expect("fixture")
        .flatten()
    {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
    let f = to.join("BACI_HS17_Y2021_V202401.csv");
    let mut body = std::fs::read_to_string(&f).expect("read");
    body.push_str(extra);
    std::fs::write(&f, body).expect("write");
    to
}

#[test]
fn baci_country_file_of_another_release_is_a_warning() {
    let dir = Dir::new();
    let rel = baci_with(&dir, "");
    std::fs::rename(
        rel.join("country_codes_V202401.csv"),
        rel.join("country_codes_V202301.csv"),
    )
    .expect("rename");
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds", "--format", "json"])
        .run_ok();
    r.assert_stderr_contains(
        "warning: baci: the country file country_codes_V202301.csv is of release 202301, the data of release 202401",
    );
    let v = r.value();
    assert_eq!(v[0]["warnings"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v[0]["source"]["rows"], 6);
}

#[test]
fn baci_codes_without_iso3_and_stray_quotes_are_malformed_and_say_why() {
    let dir = Dir::new();
    baci_with(
        &dir,
        "2021,490,392,10121,1,1\n2021,410,392,\"970110,1.5,2\n2021,410,392,970110\",1.5,2\n",
    );
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds"])
        .run_ok();
    r.assert_stderr_contains("3 malformed row(s)").assert_stderr_contains(
        "BACI_HS17_Y2021_V202401.csv, line 5: exporter i 490 has no ISO3 code in the release's country_codes file",
    );
    let kept = dir.read("ds/malformed-baci.csv");
    let lines: Vec<&str> = kept.lines().collect();
    assert_eq!(lines.len(), 4, "{kept}");
    assert!(
        lines[2].contains(",6,") && lines[2].contains("unterminated or stray quote"),
        "{kept}"
    );
    assert!(
        lines[3].contains(",7,") && lines[3].contains("stray quote"),
        "{kept}"
    );
    let t = read_dataset(&dir.join("ds"), None).expect("read");
    assert_eq!(t.nrows(), 6);
}

#[test]
fn baci_repeated_flows_error_keep_first_or_sum() {
    let dir = Dir::new();
    // Line 5 repeats line 2 (KOR → JPN 010121) with another value.
    baci_with(&dir, "2021,410,392,010121,2,1.5\n");
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds"])
        .run_err_line();
    assert!(
        r.message()
            .contains("BACI_HS17_Y2021_V202401.csv, line 5: this row repeats line 2")
            && r.message().contains("KOR → JPN product 010121"),
        "{r}"
    );
    assert!(!dir.join("ds/hallyu-dataset.json").exists());

    let r = dir
        .hallyu([
            "ingest", "baci", "rel", "--out", "first", "--format", "json",
        ])
        .args(["--on-duplicate", "keep-first"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["duplicates"]["rows"], 1, "{v}");
    assert_eq!(v[0]["duplicates"]["first"]["first"]["line"], 2);
    assert_eq!(v[0]["duplicates"]["first"]["repeat"]["line"], 5);
    assert_eq!(v[0]["files"][1]["duplicate_rows"], 1);
    let t = read_dataset(&dir.join("first"), Some((2021, 2021))).expect("read");
    assert_eq!(total(&t), 104_126.0);

    dir.hallyu(["ingest", "baci", "rel", "--out", "sum", "--quiet"])
        .args(["--on-duplicate", "sum"])
        .run_ok();
    let t = read_dataset(&dir.join("sum"), Some((2021, 2021))).expect("read");
    assert_eq!(t.nrows(), 3);
    assert_eq!(total(&t), 104_126.0 + 2_000.0);
    let q = t.num("quantity").expect("quantity");
    let first = rows(&t)
        .iter()
        .position(|r| r.4 == "010121")
        .expect("010121 row");
    assert_eq!(
        (t.num("value").expect("v")[first], q[first]),
        (2_001.0, 2.0)
    );
}
