//! End-to-end tests of `hallyu project` and `hallyu indicators`: the real binary, its
//! output contracts, exit statuses, and numbers checked against sums computed here
//! independently from the raw data.

mod util;

use serde::Deserialize;
use util::{fixture, Dir};

// ---------------------------------------------------------------------------------------
// hallyu project
// ---------------------------------------------------------------------------------------

/// `hallyu project --format json`: exactly these fields (`deny_unknown_fields`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectionJson {
    start_year: i32,
    start_value: f64,
    end_year: i32,
    end_value: f64,
    cagr_pct: f64,
    implied_end_value: f64,
    implied_cagr_pct: f64,
    consistent: bool,
}

/// Runs `hallyu project ARGS --format json`; a claim that is not consistent is still
/// printed, with exit status 3.
fn project(args: &[&str]) -> ProjectionJson {
    let dir = Dir::new();
    let mut all = vec!["project"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let r = dir.hallyu(all).output();
    r.assert_no_panic();
    let p: ProjectionJson = r.json();
    let status = if p.consistent { 0 } else { 3 };
    assert_eq!(r.code, Some(status), "{r}");
    p
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

#[test]
fn project_json_contract_on_the_k_pop_claim() {
    let p = project(&["--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3"]);
    assert_eq!((p.start_year, p.end_year), (2021, 2031));
    assert_eq!((p.start_value, p.end_value, p.cagr_pct), (8.1, 20.0, 7.3));
    // 8.1 × 1.073^10 and (20/8.1)^(1/10) − 1, computed here.
    close(p.implied_end_value, 8.1 * 1.073f64.powi(10), 1e-9);
    close(
        p.implied_cagr_pct,
        ((20.0f64 / 8.1).powf(0.1) - 1.0) * 100.0,
        1e-9,
    );
    close(p.implied_end_value, 16.386, 1e-3);
    close(p.implied_cagr_pct, 9.46, 1e-2);
    assert!(!p.consistent);
}

#[test]
fn project_rounded_claim_is_consistent() {
    let p = project(&["--start", "2021:8.1", "--end", "2031:16.4", "--cagr", "7.3"]);
    assert!(p.consistent);
}

#[test]
fn project_fills_in_the_missing_one() {
    let p = project(&["--start", "2021:8.1", "--end", "2031", "--cagr", "7.3"]);
    close(p.end_value, 8.1 * 1.073f64.powi(10), 1e-9);
    assert!(p.consistent);
    let p = project(&["--start", "2021:8.1", "--end", "2031:20"]);
    close(p.cagr_pct, 9.4598, 1e-4);
    let p = project(&["--start", "2021", "--end", "2031:20", "--cagr", "9.4598"]);
    close(p.start_value, 20.0 / 1.094598f64.powi(10), 1e-9);
    let p = project(&["--start", "2000:100", "--end", "2002:81"]);
    close(p.cagr_pct, -10.0, 1e-9);
}

#[test]
fn project_table_shows_path_and_miss() {
    let dir = Dir::new();
    let r = dir
        .hallyu([
            "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3",
        ])
        .run_code(3);
    r.assert_stdout_contains("2026")
        .assert_stdout_contains("16.386")
        .assert_stdout_contains("miss: -3.614 (-18.07%")
        .assert_stdout_contains("NOT CONSISTENT");
}

#[test]
fn project_bad_arguments_exit_2() {
    let dir = Dir::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--start", "2021-8.1", "--end", "2031", "--cagr", "7"],
            "YEAR:VALUE",
        ),
        (&["--start", "2021:8.1", "--end", "2011:9"], "must be after"),
        (&["--start", "2021:8.1", "--end", "2021:9"], "must be after"),
        (&["--start", "2021:0", "--end", "2031:9"], "positive"),
        (&["--start", "2021:-3", "--end", "2031:9"], "positive"),
        (&["--start", "2021:8.1", "--end", "2031"], "give two"),
        (
            &["--start", "2021:8.1", "--end", "2031", "--cagr", "1e3"],
            "plain decimal",
        ),
        (
            &["--start", "2021:8.1", "--end", "2031", "--cagr", "-120"],
            "above -100%",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["project"];
        all.extend_from_slice(args);
        let r = dir.hallyu(all).run_code(2);
        assert!(r.stdout.is_empty(), "{r}");
        r.assert_stderr_contains("error: ")
            .assert_stderr_contains(needle);
    }
}

#[test]
fn project_writes_out_file() {
    let dir = Dir::new();
    dir.hallyu([
        "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "-f", "csv",
        "--out", "path.csv",
    ])
    .run_code(3);
    let csv = dir.read("path.csv");
    assert_eq!(csv.lines().count(), 12);
    assert!(
        csv.starts_with("year,value,value_at_implied_cagr\n2021,8.1,8.1\n"),
        "{csv}"
    );
    dir.assert_no_temp_files();
}

// ---------------------------------------------------------------------------------------
// hallyu indicators
// ---------------------------------------------------------------------------------------

/// `hallyu indicators --format json`. `deny_unknown_fields`: a field added or renamed
/// must be a deliberate change of this contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorsJson {
    subject: String,
    subject_is_bloc: bool,
    partner: Option<String>,
    group: String,
    perspective: String,
    unit: String,
    years: Vec<YearJson>,
    cagr: Vec<CagrJson>,
    top_partners: TopJson,
    notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearJson {
    year: i32,
    members: Vec<String>,
    exports: f64,
    imports: Option<f64>,
    balance: Option<f64>,
    total_trade: Option<f64>,
    exports_yoy_pct: Option<f64>,
    imports_yoy_pct: Option<f64>,
    world_exports: f64,
    world_exports_basis: serde_json::Value,
    world_share_pct: Option<f64>,
    rca: Option<f64>,
    hhi_partners: Option<f64>,
    hhi_partners_points: Option<f64>,
    hhi_products: Option<f64>,
    hhi_products_points: Option<f64>,
    partner: Option<PartnerJson>,
    undefined: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerJson {
    members: Vec<String>,
    exports_to: Option<f64>,
    imports_from: Option<f64>,
    trade_with: Option<f64>,
    share_of_trade_pct: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CagrJson {
    series: String,
    from: i32,
    to: i32,
    start_value: Option<f64>,
    end_value: Option<f64>,
    cagr_pct: Option<f64>,
    undefined: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopJson {
    year: i32,
    partners: Vec<TopPartnerJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopPartnerJson {
    partner: String,
    exports: f64,
    share_pct: f64,
}

/// One row of the embedded panel, read back from `hallyu data agtpa --out panel.csv`
/// with a plain line split (no part of hallyu's readers).
struct Flow {
    exporter: String,
    importer: String,
    year: i32,
    trade: f64,
}

fn panel(dir: &Dir) -> Vec<Flow> {
    let path = dir.export_agtpa("panel.csv");
    let text = std::fs::read_to_string(path).expect("cannot read the exported panel");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("no header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .expect("no such column")
    };
    let (e, i, y, t) = (col("exporter"), col("importer"), col("year"), col("trade"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Flow {
                exporter: f[e].to_string(),
                importer: f[i].to_string(),
                year: f[y].parse().expect("bad year"),
                trade: f[t].parse().expect("bad trade value"),
            }
        })
        .collect()
}

/// ASEAN members of the panel (Myanmar joined in July 1997); the Plus Three from the
/// first ASEAN+3 summit (December 1997).
fn asean(c: &str, y: i32) -> bool {
    ["IDN", "MYS", "PHL", "SGP", "THA"].contains(&c) || (c == "MMR" && y >= 1997)
}

fn plus3(c: &str, y: i32) -> bool {
    ["CHN", "JPN", "KOR"].contains(&c) && y >= 1997
}

fn indicators(dir: &Dir, args: &[&str]) -> IndicatorsJson {
    let mut all = vec!["indicators"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    dir.hallyu(all).run_ok().json()
}

/// A value the output must define.
fn val(x: Option<f64>) -> f64 {
    x.expect("the value is null")
}

fn rel(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

#[test]
fn korea_exports_to_asean_on_the_embedded_panel() {
    let dir = Dir::new();
    let flows = panel(&dir);
    let r = indicators(
        &dir,
        &[
            "--subject",
            "KOR",
            "--partner",
            "asean",
            "--years",
            "1986:2006",
        ],
    );
    assert_eq!(
        (r.subject.as_str(), r.partner.as_deref()),
        ("KOR", Some("asean"))
    );
    assert_eq!(
        (r.unit.as_str(), r.group.as_str()),
        ("million USD", "all products")
    );
    assert_eq!(r.years.len(), 21);
    for y in &r.years {
        let sum = |f: &dyn Fn(&Flow) -> bool| -> f64 {
            flows
                .iter()
                .filter(|x| x.year == y.year && f(x))
                .map(|x| x.trade)
                .sum()
        };
        let to_asean = sum(&|x| x.exporter == "KOR" && asean(&x.importer, y.year));
        let from_asean = sum(&|x| x.importer == "KOR" && asean(&x.exporter, y.year));
        let exports = sum(&|x| x.exporter == "KOR" && x.importer != "KOR");
        let imports = sum(&|x| x.importer == "KOR" && x.exporter != "KOR");
        let world = sum(&|x| x.exporter != x.importer);
        let p = y.partner.as_ref().unwrap();
        rel(val(p.exports_to), to_asean);
        rel(val(p.imports_from), from_asean);
        rel(y.exports, exports);
        rel(val(y.imports), imports);
        rel(val(y.balance), exports - imports);
        rel(
            p.share_of_trade_pct.unwrap(),
            (to_asean + from_asean) / (exports + imports) * 100.0,
        );
        rel(y.world_share_pct.unwrap(), exports / world * 100.0);
        assert_eq!(
            p.members.contains(&"MMR".to_string()),
            y.year >= 1997,
            "{}",
            y.year
        );
        // One product: RCA and product concentration are 1 by construction.
        rel(y.rca.unwrap(), 1.0);
        rel(y.hhi_products_points.unwrap(), 10_000.0);
    }
    // 2006 partner concentration and ranking, from the raw flows.
    let mut by: std::collections::BTreeMap<&str, f64> = Default::default();
    for x in flows
        .iter()
        .filter(|x| x.year == 2006 && x.exporter == "KOR" && x.importer != "KOR")
    {
        *by.entry(x.importer.as_str()).or_default() += x.trade;
    }
    let total: f64 = by.values().sum();
    let hhi: f64 = by.values().map(|v| (v / total).powi(2)).sum();
    let y2006 = r.years.last().unwrap();
    rel(y2006.hhi_partners.unwrap(), hhi);
    rel(y2006.hhi_partners_points.unwrap(), hhi * 10_000.0);
    let (top, top_value) = by.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    assert_eq!(r.top_partners.year, 2006);
    assert_eq!(r.top_partners.partners[0].partner, *top);
    rel(r.top_partners.partners[0].exports, *top_value);
    rel(
        r.top_partners.partners[0].share_pct,
        top_value / total * 100.0,
    );
    assert_eq!(r.top_partners.partners.len(), 10);
    // Growth: yoy 1987 and the 1986–2006 CAGR of exports.
    let x = |i: usize| r.years[i].exports;
    rel(
        r.years[1].exports_yoy_pct.unwrap(),
        (x(1) / x(0) - 1.0) * 100.0,
    );
    assert_eq!(r.years[0].exports_yoy_pct, None);
    let m = |i: usize| val(r.years[i].imports);
    rel(
        r.years[1].imports_yoy_pct.unwrap(),
        (m(1) / m(0) - 1.0) * 100.0,
    );
    assert_eq!(r.years[0].undefined["exports_yoy_pct"], "no data for 1985");
    let g = &r.cagr[0];
    assert_eq!((g.series.as_str(), g.from, g.to), ("exports", 1986, 2006));
    rel(
        g.cagr_pct.unwrap(),
        ((x(20) / x(0)).powf(1.0 / 20.0) - 1.0) * 100.0,
    );
}

#[test]
fn asean_plus_three_share_of_asean_trade() {
    let dir = Dir::new();
    let flows = panel(&dir);
    let r = indicators(
        &dir,
        &[
            "--subject",
            "asean",
            "--partner",
            "plus3",
            "--years",
            "1996:2006",
            "--cagr-window",
            "1998:2006",
        ],
    );
    assert!(r.subject_is_bloc);
    assert_eq!(r.years.len(), 11);
    for y in &r.years {
        let t = y.year;
        let sum = |f: &dyn Fn(&Flow) -> bool| -> f64 {
            flows
                .iter()
                .filter(|x| x.year == t && x.exporter != x.importer && f(x))
                .map(|x| x.trade)
                .sum()
        };
        // ASEAN Secretariat convention: every member's exports and imports, trade between
        // members on both sides.
        let exports = sum(&|x| asean(&x.exporter, t));
        let imports = sum(&|x| asean(&x.importer, t));
        let with_plus3 = sum(&|x| asean(&x.exporter, t) && plus3(&x.importer, t))
            + sum(&|x| plus3(&x.exporter, t) && asean(&x.importer, t));
        rel(y.exports, exports);
        rel(val(y.imports), imports);
        rel(val(y.total_trade), exports + imports);
        let p = y.partner.as_ref().unwrap();
        match p.trade_with {
            Some(w) => {
                rel(w, with_plus3);
                rel(
                    p.share_of_trade_pct.unwrap(),
                    with_plus3 / (exports + imports) * 100.0,
                );
            }
            // A bloc with no member yet: nothing to trade with, null with the reason.
            None => {
                assert_eq!(with_plus3, 0.0);
                assert_eq!(p.share_of_trade_pct, None);
                assert!(y.undefined["partner.trade_with"].contains("no member"));
            }
        }
        let expected: Vec<&str> = if t >= 1997 {
            vec!["IDN", "MMR", "MYS", "PHL", "SGP", "THA"]
        } else {
            vec!["IDN", "MYS", "PHL", "SGP", "THA"]
        };
        assert_eq!(y.members, expected);
    }
    // Before the first ASEAN+3 summit the partner has no members.
    assert_eq!(r.years[0].partner.as_ref().unwrap().trade_with, None);
    assert!(r.years[0].undefined["partner.trade_with"].contains("no member"));
    let trade = r
        .cagr
        .iter()
        .find(|g| g.series == "trade_with_partner")
        .unwrap();
    assert_eq!(
        (trade.from, trade.to, trade.undefined.as_deref()),
        (1998, 2006, None)
    );
    rel(
        trade.cagr_pct.unwrap(),
        ((val(trade.end_value) / val(trade.start_value)).powf(1.0 / 8.0) - 1.0) * 100.0,
    );
    assert!(
        r.notes.iter().any(|n| n.contains("ASEAN Secretariat")),
        "{:?}",
        r.notes
    );
}

/// A small canonical file with HS6 products: every number below is worked out by hand.
const PRODUCTS_CSV: &str = "\
year,exporter,importer,product,value
2020,KOR,JPN,330499,30
2020,KOR,USA,330499,10
2020,KOR,USA,852872,60
2020,FRA,USA,330499,100
2020,FRA,JPN,852872,300
2021,KOR,JPN,330499,45
2021,KOR,USA,330410,15
2021,KOR,USA,852872,60
2021,FRA,USA,330499,110
2021,FRA,JPN,852872,290
";

#[test]
fn product_groups_on_a_canonical_file() {
    let dir = Dir::new();
    dir.write("flows.csv", PRODUCTS_CSV);
    for group in ["cosmetics", "3304"] {
        let r = indicators(
            &dir,
            &["--data", "flows.csv", "--subject", "KOR", "--group", group],
        );
        let (a, b) = (&r.years[0], &r.years[1]);
        // 2020: KOR 3304 exports 30 + 10 = 40 of 100; world 3304: 140 of 500.
        rel(a.exports, 40.0);
        rel(a.world_share_pct.unwrap(), 40.0 / 140.0 * 100.0);
        rel(a.rca.unwrap(), (40.0 / 100.0) / (140.0 / 500.0));
        // Partners JPN 30, USA 10: 0.5625 + 0.0625.
        rel(a.hhi_partners.unwrap(), 0.625);
        // 2021: 45 + 15 = 60 (+50%); products 330499 45, 330410 15: 0.5625 + 0.0625.
        rel(b.exports, 60.0);
        rel(b.exports_yoy_pct.unwrap(), 50.0);
        rel(b.hhi_products.unwrap(), 0.625);
        rel(r.cagr[0].cagr_pct.unwrap(), 50.0);
        assert_eq!(r.top_partners.partners[0].partner, "JPN");
        rel(r.top_partners.partners[0].share_pct, 75.0);
    }
}

#[test]
fn indicators_csv_and_table() {
    let dir = Dir::new();
    dir.write("flows.csv", PRODUCTS_CSV);
    dir.hallyu([
        "indicators",
        "--data",
        "flows.csv",
        "--subject",
        "FRA",
        "--group",
        "3304",
        "-f",
        "csv",
        "-o",
        "out.csv",
    ])
    .run_ok();
    let csv = dir.read("out.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("subject,group,unit,perspective,year,exports,imports,balance"),
        "{csv}"
    );
    assert!(
        lines[1].starts_with("FRA,HS 3304,,reporter,2020,100,0,100,100,,"),
        "{csv}"
    );
    dir.assert_no_temp_files();
    let r = dir
        .hallyu([
            "indicators",
            "--data",
            "flows.csv",
            "--subject",
            "FRA",
            "--group",
            "3304",
        ])
        .run_ok();
    r.assert_stdout_contains("2020 exports yoy pct: n/a, no data for 2019")
        .assert_stdout_contains("HHI products");
}

#[test]
fn indicators_bad_requests_exit_2() {
    let dir = Dir::new();
    dir.write("flows.csv", PRODUCTS_CSV);
    let cases: &[(&[&str], &str)] = &[
        (&["--subject", "KRO"], "did you mean `KOR`"),
        (&["--subject", "aseen"], "did you mean `asean`"),
        (&["--subject", "KOR", "--partner", "KOR,XXX"], "`XXX`"),
        (
            &["--subject", "KOR", "--group", "cosmetics"],
            "no product column",
        ),
        (
            &["--subject", "KOR", "--product", "total"],
            "no product column",
        ),
        (
            &["--subject", "KOR", "--source", "baci"],
            "no `source` column",
        ),
        (
            &["--subject", "KOR", "--years", "2010:2021"],
            "no data in 2010–2021: the data covers 1986–2006",
        ),
        (
            &["--subject", "KOR", "--cagr-window", "2006:1990"],
            "earlier to a later",
        ),
        (
            &[
                "--data",
                "flows.csv",
                "--subject",
                "KOR",
                "--group",
                "cosmetix",
            ],
            "did you mean `cosmetics`",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["indicators"];
        all.extend_from_slice(args);
        let r = dir.hallyu(all).run_code(2);
        assert!(r.stdout.is_empty(), "{r}");
        r.assert_stderr_contains("error: ")
            .assert_stderr_contains(needle);
    }
    let r = dir
        .hallyu(["indicators", "--subject", "KOR", "--years", "2010-2021"])
        .run_code(2);
    r.assert_stderr_contains("FIRST:LAST");
}

#[test]
fn indicators_bad_data_exit_1() {
    let dir = Dir::new();
    dir.write(
        "bad.csv",
        "year,exporter,importer,value\n2020,KOR,JPN,10\n2020,KOR,USA,-4\n",
    );
    let r = dir
        .hallyu(["indicators", "--data", "bad.csv", "--subject", "KOR"])
        .run_err_line();
    r.assert_stderr_contains("column `value`, data row 2");
    let r = dir
        .hallyu(["indicators", "--data", "missing.csv", "--subject", "KOR"])
        .run_err_line();
    r.assert_stderr_contains("missing.csv");
}

// ---------------------------------------------------------------------------------------
// hallyu indicators on an ingested dataset with several sources
// ---------------------------------------------------------------------------------------

const SURVEY: &str = "kr_content_industry_exports";

/// A dataset holding Korea's content-industry survey (a total and, in 2017 and 2020, its
/// sectors) and the BACI mini-release, ingested by the real binary as a user would.
fn survey_and_baci(dir: &Dir) {
    dir.hallyu(["ingest", "series"])
        .arg(fixture(&format!("ingest/series/{SURVEY}.csv")))
        .args(["--out", "ds", "-q"])
        .run_ok();
    dir.hallyu(["ingest", "baci"])
        .arg(fixture("ingest/baci_HS17_V202401.zip"))
        .args(["--out", "ds", "-q"])
        .run_ok();
}

/// The survey's value for `year` and `sector` in USD bn, read from the fixture with a
/// plain split (the quoted notes come after the value and unit).
fn survey_bn(year: i32, sector: &str) -> f64 {
    let text = std::fs::read_to_string(fixture(&format!("ingest/series/{SURVEY}.csv")))
        .expect("cannot read the survey fixture");
    let rows: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[0] == "KOR" && f[2] == year.to_string() && f[3] == sector)
        .map(|f| {
            assert_eq!((f[4], f[6]), ("export", "USD bn"));
            f[5].parse().expect("bad value")
        })
        .collect();
    assert_eq!(rows.len(), 1, "{year} {sector}");
    rows[0]
}

/// KOR's exports and imports by year in the BACI fixture folder (the zip holds the same
/// files), in USD: values are in thousands, Korea is 410.
fn baci_korea() -> Vec<(i32, f64, f64)> {
    [2020, 2021]
        .iter()
        .map(|&y| {
            let path = fixture(&format!("ingest/baci/BACI_HS17_Y{y}_V202401.csv"));
            let text = std::fs::read_to_string(path).expect("cannot read the BACI fixture");
            let (mut x, mut m) = (0.0, 0.0);
            for l in text.lines().skip(1) {
                let f: Vec<&str> = l.split(',').collect();
                let v: f64 = f[4].parse::<f64>().expect("bad value") * 1000.0;
                if f[1] == "410" {
                    x += v;
                }
                if f[2] == "410" {
                    m += v;
                }
            }
            (y, x, m)
        })
        .collect()
}

#[test]
fn several_sources_are_never_summed() {
    let dir = Dir::new();
    survey_and_baci(&dir);
    let r = dir
        .hallyu([
            "indicators",
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--years",
            "2019:2021",
        ])
        .run_code(2);
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains("2 sources")
        .assert_stderr_contains("`baci`")
        .assert_stderr_contains(&format!("`series:{SURVEY}`"))
        .assert_stderr_contains("choose one as the source (e.g. the source `baci`)");
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--source", "bacii"])
        .run_code(2);
    r.assert_stderr_contains("did you mean `baci`")
        .assert_stderr_contains("sources present: `baci`, `series:");
}

#[test]
fn a_survey_total_next_to_its_sectors_needs_a_choice() {
    let dir = Dir::new();
    survey_and_baci(&dir);
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--source", "series"])
        .run_code(2);
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains("`total` and its components")
        .assert_stderr_contains("`games`")
        .assert_stderr_contains("choose the product `total` (product)");
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--source", "series", "--product", "gmes"])
        .run_code(2);
    r.assert_stderr_contains("did you mean `games`");
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--product", "games", "--group", "creative"])
        .run_code(2);
    r.assert_stderr_contains("cannot be used with");
}

#[test]
fn the_survey_total_is_the_usd_12_4_bn() {
    let dir = Dir::new();
    survey_and_baci(&dir);
    let r = indicators(
        &dir,
        &[
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--years",
            "2019:2021",
            "--source",
            "series",
            "--product",
            "total",
        ],
    );
    assert_eq!(r.group, "total");
    assert!(
        r.notes.contains(&format!("source: series:{SURVEY}")),
        "{r:?}"
    );
    let years: Vec<i32> = r.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2019, 2020, 2021]);
    for y in &r.years {
        rel(y.exports, survey_bn(y.year, "total") * 1e9);
        // A series of exports only: imports, world share and RCA mean nothing.
        assert_eq!((y.imports, y.world_share_pct, y.rca), (None, None, None));
        assert!(
            y.undefined["imports"].contains("no import reports"),
            "{y:?}"
        );
    }
    // Ingest scales "12.45 USD bn" exactly; nothing of BACI or of the sectors is added.
    assert_eq!(r.years[2].exports, 12_450_000_000.0);
    assert_eq!(r.years[1].exports, 11_920_000_000.0);
    let cagr = r
        .cagr
        .iter()
        .find(|c| c.series == "exports")
        .expect("no exports CAGR");
    assert_eq!((cagr.from, cagr.to), (2019, 2021));
    let expected = ((survey_bn(2021, "total") / survey_bn(2019, "total")).powf(0.5) - 1.0) * 100.0;
    rel(cagr.cagr_pct.expect("CAGR undefined"), expected);
    close(expected, 10.21, 0.01);
    rel(
        r.years[2].exports_yoy_pct.expect("yoy undefined"),
        (12.45 / 11.92 - 1.0) * 100.0,
    );
}

#[test]
fn one_source_or_some_sectors() {
    let dir = Dir::new();
    survey_and_baci(&dir);
    let r = indicators(
        &dir,
        &["--data", "ds", "--subject", "KOR", "--source", "baci"],
    );
    assert!(r.notes.contains(&"source: baci".to_string()), "{r:?}");
    let expected = baci_korea();
    assert_eq!(r.years.len(), expected.len());
    for (y, (year, x, m)) in r.years.iter().zip(expected) {
        assert_eq!(y.year, year);
        rel(y.exports, x);
        rel(val(y.imports), m);
    }
    // 2020: 1.5 + 10 thousand out; 2.25 thousand in.
    rel(r.years[0].exports, 11_500.0);
    rel(val(r.years[0].imports), 2_250.0);

    let r = indicators(
        &dir,
        &[
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--source",
            "series",
            "--product",
            "games,music",
        ],
    );
    assert_eq!(r.group, "games, music");
    let years: Vec<i32> = r.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2017, 2020]);
    for y in &r.years {
        let (g, m) = (survey_bn(y.year, "games"), survey_bn(y.year, "music"));
        rel(y.exports, (g + m) * 1e9);
        let (sg, sm) = (g / (g + m), m / (g + m));
        rel(y.hhi_products.expect("HHI undefined"), sg * sg + sm * sm);
    }
    let r = indicators(
        &dir,
        &[
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--source",
            "series",
            "--product",
            "games",
        ],
    );
    assert_eq!(r.years[1].exports, 8_190_000_000.0);
    rel(r.years[0].exports, survey_bn(2017, "games") * 1e9);
}

#[test]
fn by_construction_notes_only_when_true() {
    let dir = Dir::new();
    survey_and_baci(&dir);
    let construction = |r: &IndicatorsJson| -> Vec<String> {
        r.notes
            .iter()
            .filter(|n| n.contains("by construction"))
            .cloned()
            .collect()
    };
    // BACI's five traded products: RCA is 1, product concentration is not 10,000.
    let r = indicators(
        &dir,
        &["--data", "ds", "--subject", "KOR", "--source", "baci"],
    );
    assert_eq!(
        construction(&r),
        ["the group is every product traded in the data (5 products): RCA is 1 by construction"]
    );
    // 2020: KOR exports 1.5 (HS 010121) and 10 (HS 490199) thousand USD.
    let (a, b) = (1.5 / 11.5, 10.0 / 11.5);
    rel(
        r.years[0].hhi_products_points.expect("HHI undefined"),
        (a * a + b * b) * 10_000.0,
    );
    assert_eq!(r.years[0].hhi_products_points.map(f64::round), Some(7732.0));
    rel(r.years[0].rca.expect("RCA undefined"), 1.0);
    // One survey product: both claims hold.
    let r = indicators(
        &dir,
        &[
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--source",
            "series",
            "--product",
            "total",
        ],
    );
    assert_eq!(
        construction(&r),
        ["the group is the only product traded in the data: RCA is 1 and HHI over products 10,000 by construction"]
    );
    for y in &r.years {
        rel(y.hhi_products_points.expect("HHI undefined"), 10_000.0);
    }
}

// ---------------------------------------------------------------------------------------
// hallyu indicators on UNCTADstat creative goods and services
// ---------------------------------------------------------------------------------------

/// The UNCTADstat fixture (goods with all creative goods `CG00` next to the groups `CG03`
/// and `CG05`, and services totals), ingested by the real binary.
fn unctadstat(dir: &Dir) {
    dir.hallyu(["ingest", "unctadstat"])
        .arg(fixture("ingest/unctadstat"))
        .args(["--out", "ds", "-q"])
        .run_ok();
}

#[test]
fn all_creative_goods_next_to_its_groups_needs_a_choice() {
    let dir = Dir::new();
    unctadstat(&dir);
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .run_code(2);
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains(
        "source `unctadstat` have a product `CG00` and its components (`CG03`, `CG05`)",
    )
    .assert_stderr_contains("count the same trade twice")
    .assert_stderr_contains("choose the product `CG00` (product), or")
    .assert_stderr_contains("components such as `CG03,CG05`");
    let r = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--product", "CG03,CG00"])
        .run_code(2);
    r.assert_stderr_contains("`CG00` already counts the trade of `CG03`");

    // All creative goods alone. Korea, 2021 (thousands in the file): exports 1,234.567,
    // imports 2,000; 2020's CG00 cell is empty.
    let r = indicators(
        &dir,
        &["--data", "ds", "--subject", "KOR", "--product", "CG00"],
    );
    assert_eq!(r.group, "CG00");
    let years: Vec<i32> = r.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2021]);
    rel(r.years[0].exports, 1_234_567.0);
    rel(val(r.years[0].imports), 2_000_000.0);
    assert!(
        r.notes.iter().any(|n| n.contains("only product traded")),
        "{r:?}"
    );
    // Goods and services totals add up: the services `TOTAL` holds no goods.
    // Services 2021 (millions in the file): exports 5, imports 6.00025.
    let r = indicators(
        &dir,
        &[
            "--data",
            "ds",
            "--subject",
            "KOR",
            "--product",
            "CG00,TOTAL",
        ],
    );
    rel(r.years[0].exports, 1_234_567.0 + 5_000_000.0);
    rel(val(r.years[0].imports), 2_000_000.0 + 6_000_250.0);
}

/// UNCTADstat's two reports of China's 2013 creative-goods trade with the Netherlands
/// (USD millions, the older layout's unit), the Netherlands' own two reports, and the
/// World economy's row.
const TWO_REPORTS_CSV: &str = "Year,Economy,Economy Label,Partner,Partner Label,Flow,Flow Label,Product,Product Label,US dollars at current prices in millions,US dollars at current prices in millions Footnote,US dollars at current prices in millions Missing value
2013,156,China,528,Netherlands,02,Exports,CG00,All creative goods,1763,,
2013,528,Netherlands,156,China,01,Imports,CG00,All creative goods,939,,
2013,528,Netherlands,156,China,02,Exports,CG00,All creative goods,120,,
2013,156,China,528,Netherlands,01,Imports,CG00,All creative goods,100,,
2013,0000,World,0000,World,02,Exports,CG00,All creative goods,200000,,
";

#[test]
fn each_flow_is_read_from_one_report_never_added() {
    let dir = Dir::new();
    dir.write("US_CreativeGoodsValue_2013.csv", TWO_REPORTS_CSV);
    dir.hallyu(["ingest", "unctadstat", "US_CreativeGoodsValue_2013.csv"])
        .args(["--out", "ds", "-q"])
        .run_ok();
    let base = [
        "--data",
        "ds",
        "--subject",
        "CHN",
        "--partner",
        "NLD",
        "--product",
        "CG00",
    ];
    let run = |perspective: Option<&str>| {
        let mut args = base.to_vec();
        if let Some(p) = perspective {
            args.extend(["--perspective", p]);
        }
        indicators(&dir, &args)
    };
    // Default: China's own reports (not 1,763 + 939).
    let r = run(None);
    assert_eq!(r.perspective, "reporter");
    let y = &r.years[0];
    rel(y.exports, 1_763e6);
    rel(val(y.imports), 100e6);
    rel(val(y.partner.as_ref().unwrap().exports_to), 1_763e6);
    // World exports: the source's World row.
    rel(y.world_exports, 200_000e6);
    assert_eq!(y.world_exports_basis["kind"], "source_world_row");
    rel(val(y.world_share_pct), 1_763.0 / 200_000.0 * 100.0);
    // Mirror: the Netherlands' reports.
    let r = run(Some("mirror"));
    let y = &r.years[0];
    rel(y.exports, 939e6);
    rel(val(y.imports), 120e6);
    let r = dir
        .hallyu(["indicators"])
        .args(base)
        .args(["--perspective", "partner"])
        .run_code(2);
    r.assert_stderr_contains("mirror");
}
