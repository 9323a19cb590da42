//! `hallyu ingest` and `hallyu synth --baci` end to end: the real binary on the fixtures
//! of `tests/data/ingest` (see its README for the hand computations), read back with
//! `hallyu_data::dataset::read_dataset`.

mod util;

use hallyu_data::dataset::{read_dataset, Manifest, LOCK_FILE};
use hallyu_data::Table;
use std::path::{Path, PathBuf};
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

/// Sum of `value` over the rows of `year` (exact: the fixtures' values are whole dollars).
fn year_sum(t: &Table, year: i32) -> f64 {
    let y = t.num("year").expect("year");
    let v = t.num("value").expect("value");
    y.iter()
        .zip(v)
        .filter(|(a, _)| **a == f64::from(year))
        .map(|(_, v)| v)
        .sum()
}

/// Every regular file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(base, &p, out);
                } else if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.display().to_string());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Copies the BACI fixture folder into the scratch directory, under `name`.
fn copy_baci(dir: &Dir, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir_all(&to).expect("mkdir");
    for e in std::fs::read_dir(ingest_fixture("baci"))
        .expect("fixture")
        .flatten()
    {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
    to
}

#[test]
fn baci_folder_reads_back_exactly() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "baci"])
        .arg(ingest_fixture("baci"))
        .args(["--out", "ds"])
        .run_ok();
    r.assert_stdout_contains("baci: 6 rows in 2 year(s)");
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    assert_eq!(t.nrows(), 6);
    assert_eq!(year_sum(&t, 2020), 13_750.0);
    assert_eq!(year_sum(&t, 2021), 104_126.0);
    assert_eq!(
        text(&t, "product"),
        ["010121", "970110", "490199", "010121", "030111", "370610"]
    );
    assert_eq!(
        text(&t, "exporter"),
        ["KOR", "JPN", "KOR", "KOR", "USA", "JPN"]
    );
    assert_eq!(
        text(&t, "importer"),
        ["JPN", "KOR", "USA", "JPN", "KOR", "USA"]
    );
    assert!(text(&t, "classification").iter().all(|c| c == "HS17"));
    assert!(text(&t, "source").iter().all(|c| c == "baci"));
    let q = t.num("quantity").expect("quantity");
    assert_eq!(q[0], 2.0);
    assert!(q[1].is_nan() && q[2].is_nan() && q[4].is_nan(), "{q:?}");
    assert_eq!(q[3], 0.5);
    // Only the year asked for is read.
    let t21 = read_dataset(&dir.join("ds"), Some((2021, 2021))).expect("2021");
    assert_eq!(t21.nrows(), 3);
    let m = Manifest::load(&dir.join("ds")).expect("manifest");
    let baci = m.source("baci").expect("baci entry");
    assert_eq!((baci.rows, baci.malformed_rows), (6, 0));
    assert_eq!(m.years(), [2020, 2021]);
}

#[test]
fn baci_zip_gives_the_same_dataset_as_the_folder() {
    let dir = Dir::new();
    dir.hallyu(["ingest", "baci"])
        .arg(ingest_fixture("baci"))
        .args(["--out", "a", "--quiet"])
        .run_ok();
    let r = dir
        .hallyu(["ingest", "baci"])
        .arg(ingest_fixture("baci_HS17_V202401.zip"))
        .args(["--out", "b", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["source"]["rows"], 6);
    assert!(v[0]["files"][0]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("baci_HS17_V202401.zip!BACI_HS17_Y2020_V202401.csv")));
    let a = read_dataset(&dir.join("a"), None).expect("a");
    let b = read_dataset(&dir.join("b"), None).expect("b");
    // Debug text, because missing quantities are NaN, which never equals itself.
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn malformed_rows_are_reported_with_file_and_line_and_kept() {
    let dir = Dir::new();
    let rel = copy_baci(&dir, "rel");
    let f = rel.join("BACI_HS17_Y2021_V202401.csv");
    let mut body = std::fs::read_to_string(&f).expect("read");
    body.push_str("2021,999,392,10121,1,1\n2021,410,392,10121,lots,1\n2021,410,392,970110,7,2\n");
    std::fs::write(&f, body).expect("write");
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds"])
        .run_ok();
    r.assert_stderr_contains("2 malformed row(s)")
        .assert_stderr_contains("BACI_HS17_Y2021_V202401.csv, line 5: exporter i 999 is not in the release's country_codes file");
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    // The good row after the bad ones is in; the bad ones are not.
    assert_eq!(t.nrows(), 7);
    assert_eq!(year_sum(&t, 2021), 104_126.0 + 7_000.0);
    let m = Manifest::load(&dir.join("ds")).expect("manifest");
    assert_eq!(m.source("baci").expect("baci").malformed_rows, 2);
    let kept = dir.read("ds/malformed-baci.csv");
    let lines: Vec<&str> = kept.lines().collect();
    assert_eq!(lines.len(), 3, "{kept}");
    assert!(
        lines[1].contains(",5,") && lines[1].contains("2021,999,392"),
        "{kept}"
    );
    assert!(
        lines[2].contains(",6,") && lines[2].contains("value v `lots`"),
        "{kept}"
    );
}

#[test]
fn strict_failure_leaves_the_dataset_as_it_was() {
    let dir = Dir::new();
    dir.hallyu(["ingest", "series"])
        .arg(ingest_fixture("series/kr_content_industry_exports.csv"))
        .args(["--out", "ds", "--quiet"])
        .run_ok();
    let before = files(&dir.join("ds"));
    let manifest_before = dir.read("ds/hallyu-dataset.json");
    let rel = copy_baci(&dir, "rel");
    let f = rel.join("BACI_HS17_Y2021_V202401.csv");
    let mut body = std::fs::read_to_string(&f).expect("read");
    body.push_str("2021,410,392,10121,-5,1\n");
    std::fs::write(&f, body).expect("write");
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds", "--strict"])
        .run_err_line();
    assert!(
        r.message()
            .contains("BACI_HS17_Y2021_V202401.csv, line 5: value v `-5`"),
        "{r}"
    );
    // 2020 was fully written before the bad 2021 row: still nothing of it may remain.
    assert_eq!(files(&dir.join("ds")), before);
    assert_eq!(dir.read("ds/hallyu-dataset.json"), manifest_before);
}

#[test]
fn unreadable_second_file_leaves_no_partition_behind() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "series"])
        .arg(ingest_fixture("series/kr_content_industry_exports.csv"))
        .args(["missing.csv", "--out", "ds"])
        .run_err_line();
    r.assert_stderr_contains("missing.csv");
    // Only the (empty, released) writers' lock: no partition, manifest or temporary file.
    assert_eq!(files(&dir.join("ds")), [LOCK_FILE]);
    assert_eq!(dir.read(&format!("ds/{LOCK_FILE}")), "");
}

#[test]
fn bad_baci_header_names_the_file() {
    let dir = Dir::new();
    let rel = copy_baci(&dir, "rel");
    std::fs::write(
        rel.join("BACI_HS17_Y2020_V202401.csv"),
        "year,i,j,k,v,q\n2020,410,392,10121,1.5,2\n",
    )
    .expect("write");
    let r = dir
        .hallyu(["ingest", "baci", "rel", "--out", "ds"])
        .run_err_line();
    assert!(
        r.message()
            .contains("BACI_HS17_Y2020_V202401.csv, line 1: expected the BACI header t,i,j,k,v,q"),
        "{r}"
    );
    assert_eq!(files(&dir.join("ds")), [LOCK_FILE]);
}

#[test]
fn missing_country_file_is_a_clear_error() {
    let dir = Dir::new();
    let rel = copy_baci(&dir, "rel");
    std::fs::remove_file(rel.join("country_codes_V202401.csv")).expect("rm");
    dir.hallyu(["ingest", "baci", "rel", "--out", "ds"])
        .run_err_line()
        .assert_stderr_contains("country_codes_V<release>.csv is missing");
}

#[test]
fn refuses_to_write_into_a_foreign_folder() {
    let dir = Dir::new();
    dir.write("notes.txt", "mine");
    dir.hallyu(["ingest", "baci"])
        .arg(ingest_fixture("baci"))
        .args(["--out", "."])
        .run_err_line()
        .assert_stderr_contains("neither empty nor a hallyu dataset");
}

#[test]
fn unctadstat_goods_and_services_by_hand() {
    let dir = Dir::new();
    let r = dir
        .hallyu(["ingest", "unctadstat"])
        .arg(ingest_fixture("unctadstat"))
        .args(["--out", "ds", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v[0]["source"]["rows"], 6);
    assert_eq!(v[0]["files"][0]["skipped_rows"], 2);
    assert_eq!(v[0]["files"][1]["skipped_rows"], 1);
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    assert_eq!(year_sum(&t, 2020), 300_000.0);
    assert_eq!(year_sum(&t, 2021), 3_285_067.0 + 11_000_250.0);
    let (e, i, c) = (
        text(&t, "exporter"),
        text(&t, "importer"),
        text(&t, "classification"),
    );
    let p = text(&t, "product");
    let value = t.num("value").expect("value");
    // Korea's creative-goods imports: from the world to Korea.
    let k = (0..t.nrows())
        .find(|&r| value[r] == 2_000_000.0)
        .expect("imports row");
    assert_eq!(
        (e[k].as_str(), i[k].as_str(), c[k].as_str(), p[k].as_str()),
        ("WLD", "KOR", "UNCTAD-CG", "CG00")
    );
    let s = (0..t.nrows())
        .find(|&r| value[r] == 5_000_000.0)
        .expect("services exports row");
    assert_eq!(
        (e[s].as_str(), i[s].as_str(), c[s].as_str(), p[s].as_str()),
        ("KOR", "WLD", "UNCTAD-CS", "TOTAL")
    );
}

#[test]
fn series_convert_units_and_add_sources() {
    let dir = Dir::new();
    dir.hallyu(["ingest", "series"])
        .arg(ingest_fixture("series/kr_content_industry_exports.csv"))
        .arg(ingest_fixture("series/kr_hallyu_exports_kofice_2019.csv"))
        .args(["--out", "ds"])
        .run_ok()
        .assert_stdout_contains("series:kr_content_industry_exports: 19 rows");
    let t = read_dataset(&dir.join("ds"), Some((2021, 2021))).expect("2021");
    assert_eq!(t.nrows(), 1);
    assert_eq!(t.num("value").expect("value"), &[12_450_000_000.0]);
    assert_eq!(text(&t, "exporter"), ["KOR"]);
    assert_eq!(text(&t, "importer"), ["WLD"]);
    assert_eq!(text(&t, "product"), ["total"]);
    assert_eq!(text(&t, "source"), ["series:kr_content_industry_exports"]);
    // 2020: total 11.92 and six sectors, in bn, summed by hand.
    let all = read_dataset(&dir.join("ds"), None).expect("all");
    assert_eq!(year_sum(&all, 2020), 23_236_210_000.0);
    let m = Manifest::load(&dir.join("ds")).expect("manifest");
    assert_eq!(m.sources.len(), 2);
}

#[test]
fn series_bad_rows_say_what_is_wrong() {
    let dir = Dir::new();
    dir.write(
        "s.csv",
        "country,year,sector,flow,value,unit\nKOR,2021,games,export,8.19,USD bn\nKOR,2021,music,trade,1,USD bn\nKOR,2021,film,export,2,EUR\n",
    );
    let r = dir
        .hallyu(["ingest", "series", "s.csv", "--out", "ds"])
        .run_ok();
    r.assert_stderr_contains("2 malformed row(s)")
        .assert_stderr_contains("s.csv, line 3: flow `trade` is neither export nor import");
    let kept = dir.read("ds/malformed-series-s.csv");
    assert!(kept.contains("unit `EUR`"), "{kept}");
}

#[test]
fn synthetic_baci_release_ingests_whole() {
    let dir = Dir::new();
    dir.hallyu([
        "synth",
        "--baci",
        "--out",
        "rel",
        "--years",
        "2020-2021",
        "--rows",
        "20000",
        "--countries",
        "40",
        "--products",
        "300",
        "--quiet",
    ])
    .run_ok();
    let lines = |y: i32| {
        dir.read(&format!("rel/BACI_HS17_Y{y}_V202401.csv"))
            .lines()
            .count()
            - 1
    };
    let expected = lines(2020) + lines(2021);
    dir.hallyu(["ingest", "baci", "rel", "--out", "ds", "--quiet"])
        .run_ok();
    let t = read_dataset(&dir.join("ds"), None).expect("read back");
    assert_eq!(t.nrows(), expected);
    assert!(text(&t, "product").iter().all(|p| p.len() == 6));
}
