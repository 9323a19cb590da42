//! `hallyu simulate` and `hallyu reproduce --chapter 2` through the real binary.

mod util;

use serde::Deserialize;
use util::Dir;

const BORDER: &str = r#"
title = "Trade without borders"
[baseline]
year = 2006
formula = "trade ~ log(dist) + cntg + intl_border | exporter + importer"
[[change]]
variable = "intl_border"
value = 0
pairs = "all"
"#;

const KOR_ASEAN: &str = r#"
[baseline]
year = 2002
estimation_years = [1994, 1998, 2002]
formula = "trade ~ log(dist) + cntg + lang + clny + intl_border + rta | exporter^year + importer^year"
[[change]]
variable = "rta"
value = 1
between = ["KOR"]
and = ["asean"]
"#;

/// One record of the Chapter 2 contract; unknown fields are a contract change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    application: String,
    method: String,
    country: String,
    measure: String,
    value: f64,
}

/// The `effects` entry of one country in a scenario's JSON.
fn effect<'a>(v: &'a serde_json::Value, country: &str) -> &'a serde_json::Value {
    v["effects"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["country"] == country))
        .unwrap_or_else(|| panic!("no effects for {country}"))
}

/// `hallyu simulate FILE ARGS... -f json -q`, expected to succeed, as JSON.
fn simulate_json(d: &Dir, file: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["simulate", file.to_str().expect("UTF-8 path")];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-f", "json", "-q"]);
    d.hallyu(all).run_ok().value()
}

#[test]
fn chapter_2_json_contract() {
    let d = Dir::new();
    let r = d
        .hallyu(["reproduce", "--chapter", "2", "--format", "json", "--quiet"])
        .run_ok();
    let recs: Vec<Record> = r.json();
    // 2 applications x 2 methods x 69 countries x 20 measures.
    assert_eq!(recs.len(), 2 * 2 * 69 * 20);
    let get = |app: &str, method: &str, c: &str, m: &str| {
        recs.iter()
            .find(|r| {
                r.application == app && r.method == method && r.country == c && r.measure == m
            })
            .map(|r| r.value)
            .unwrap_or_else(|| panic!("{app} {method} {c} {m} missing"))
    };
    // The book: USA real GDP +10.652 %, CAN +54.363 % (GEPPML); exact: +10.6813 %.
    assert!(
        (get("trade_without_borders", "geppml", "USA", "change_rGDP_FULL") - 10.652).abs() < 1e-3
    );
    assert!(
        (get("trade_without_borders", "geppml", "CAN", "change_rGDP_FULL") - 54.363).abs() < 1e-3
    );
    assert!(
        (get("trade_without_borders", "exact", "USA", "change_rGDP_FULL") - 10.681326906471389)
            .abs()
            < 1e-6
    );
    // NAFTA in the book's sign convention: the effect of NAFTA's existence is positive for members.
    assert!(get("nafta", "exact", "MEX", "change_Xi_FULL") > 0.0);
    assert!((get("nafta", "geppml", "CAN", "change_price_FULL") - 1.8369).abs() < 1e-4);
    for m in [
        "change_Xi_CDL",
        "change_IMR_FULL",
        "change_OMR_FULL",
        "change_price_FULL",
        "Y_BLN",
    ] {
        assert!(recs.iter().any(|r| r.measure == m), "{m}");
    }
    assert!(recs
        .iter()
        .all(|r| r.country.len() == 3 && r.value.is_finite()));
}

#[test]
fn chapter_2_table_reports_every_check() {
    let d = Dir::new();
    let r = d
        .hallyu(["reproduce", "--chapter", "2", "--quiet"])
        .run_ok();
    r.assert_stdout_contains("11 of 11 checks within tolerance");
    r.assert_stdout_contains("exact equilibrium, fixed deficit ratios");
    assert!(!r.stdout.contains("MISMATCH"));
}

#[test]
fn border_scenario_matches_the_exact_reference_in_json_and_csv() {
    let d = Dir::new();
    let s = d.write("border.toml", BORDER);
    let v = simulate_json(&d, &s, &[]);
    assert_eq!(v["countries"], 69);
    // Without draws the output has no draw summary (the JSON of earlier versions).
    assert!(v.get("draw_summary").is_none());
    assert_eq!(v["changed_pairs"], 69 * 68);
    assert_eq!(v["convergence"]["method"], "exact");
    assert!(
        v["convergence"]["market_clearing_residual"]
            .as_f64()
            .unwrap()
            < 1e-12
    );
    let usa = effect(&v, "USA");
    // Same exercise as the exact reference; the estimation tolerance (fixest's 1e-8)
    // moves the coefficients in the 8th digit.
    assert!((usa["real_gdp_full"].as_f64().unwrap() - 10.681326906471389).abs() < 1e-5);

    let out = d.join("border.csv");
    d.hallyu([
        "simulate",
        s.to_str().unwrap(),
        "-f",
        "csv",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ])
    .run_ok();
    let csv = d.read("border.csv");
    assert!(csv.starts_with("country,measure,value,median,low,high\n"));
    assert_eq!(csv.lines().count(), 1 + 69 * 7);
    d.assert_no_temp_files();
}

#[test]
fn geppml_method_reproduces_the_book_through_a_scenario() {
    let d = Dir::new();
    let s = d.write("border.toml", BORDER);
    let v = simulate_json(&d, &s, &["--method", "geppml"]);
    assert_eq!(
        v["convergence"]["iterations"], 5,
        "the book's loop stops after 5"
    );
    let can = effect(&v, "CAN");
    assert!((can["real_gdp_full"].as_f64().unwrap() - 54.363).abs() < 2e-3);
}

#[test]
fn draws_give_intervals_around_the_point() {
    let d = Dir::new();
    let s = d.write("kor.toml", KOR_ASEAN);
    let v = simulate_json(&d, &s, &["--draws", "40", "--bilateral"]);
    assert_eq!(v["draws"], 40);
    // Every draw is accounted for: solved, or failed with its cause.
    let summary = &v["draw_summary"];
    assert_eq!(summary["requested"], 40);
    let failed: u64 = summary["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(summary["solved"].as_u64().unwrap() + failed, 40);
    assert_eq!(v["draws_failed"].as_u64().unwrap(), failed);
    let kor = v["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "KOR")
        .unwrap();
    let rgdp = kor["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m[0] == "real_gdp_full")
        .unwrap();
    let (lo, hi) = (
        rgdp[1]["low"].as_f64().unwrap(),
        rgdp[1]["high"].as_f64().unwrap(),
    );
    assert!(lo < hi, "{rgdp}");
    // Absent ASEAN members are reported, not silently dropped.
    assert!(v["notes"][0].as_str().unwrap().contains("VNM"));
    let changed: Vec<_> = v["bilateral"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["changed"] == true)
        .collect();
    assert_eq!(changed.len(), v["changed_pairs"].as_u64().unwrap() as usize);
    assert!(changed
        .iter()
        .all(|p| p["exporter"] == "KOR" || p["importer"] == "KOR"));
}

#[test]
fn scenario_mistakes_are_named() {
    let d = Dir::new();
    let cases = [
        (
            KOR_ASEAN.replace("\"asean\"", "\"asaen\""),
            "did you mean `asean`",
        ),
        (KOR_ASEAN.replace("\"KOR\"", "\"AGO\""), "AGO"),
        (
            KOR_ASEAN.replace("variable = \"rta\"", "variable = \"fta\""),
            "not a regressor",
        ),
        (
            KOR_ASEAN.replace(
                "between = [\"KOR\"]\nand = [\"asean\"]",
                "between = [\"SGP\"]\nand = [\"SGP\"]",
            ),
            "no pair",
        ),
        (KOR_ASEAN.replace("year = 2002", "year = 2031"), "2031"),
        (
            KOR_ASEAN.split("[[change]]").next().unwrap().to_string(),
            "at least one",
        ),
        (BORDER.replace("value = 0", "value = 1"), "changes nothing"),
        (
            BORDER.replace(
                "year = 2006",
                "year = 2006\ncoefficients = { \"log(dist)\" = -0.8, cntg = 0.6, intl_border = 0.0 }",
            ),
            "zero coefficients",
        ),
        (
            BORDER.replace(
                "| exporter + importer",
                "| exporter + importer + pair_id + lang",
            ),
            "one pair effect",
        ),
        (
            BORDER.replace("year = 2006", "year = 2006\nsigma = 0.5"),
            "sigma",
        ),
    ];
    for (text, needle) in cases {
        let s = d.write("bad.toml", &text);
        let r = d
            .hallyu(["simulate", s.to_str().unwrap(), "-q"])
            .run_code(2);
        assert!(r.stdout.is_empty());
        r.assert_stderr_contains(needle);
    }
    // A file that is not a scenario is invalid input (1), not a request to correct (2).
    let s = d.write(
        "bad.toml",
        BORDER.replace("[baseline]", "[baseline]\nunknown_key = 1"),
    );
    let r = d
        .hallyu(["simulate", s.to_str().unwrap(), "-q"])
        .run_code(1);
    r.assert_stderr_contains("unknown");
    let r = d.hallyu(["simulate", "missing.toml", "-q"]).run_code(1);
    r.assert_stderr_contains("missing.toml");
}

#[test]
fn non_square_data_is_refused() {
    let d = Dir::new();
    let csv = "exporter,importer,year,trade,dist\nAAA,AAA,2000,10,1\nAAA,BBB,2000,2,5\nBBB,BBB,2000,8,1\n";
    d.write("flows.csv", csv);
    let s = d.write(
        "s.toml",
        "[baseline]\ndata = \"flows.csv\"\nyear = 2000\nformula = \"trade ~ log(dist) | exporter + importer\"\ncoefficients = { \"log(dist)\" = -1.0 }\n[[change]]\ncost_factor = 0.9\npairs = \"all\"\n",
    );
    let r = d
        .hallyu(["simulate", s.to_str().unwrap(), "-q"])
        .run_code(1);
    r.assert_stderr_contains("BBB -> AAA");
    r.assert_stderr_contains("not a square world");
}

#[test]
fn pair_effect_baseline_reproduces_the_chapter_2_nafta_equilibrium() {
    // examples/nafta_pair_effects.toml removes NAFTA from the 1994 world with pair effects
    // from the 1986-2006 panel and the second-stage fill; its exact equilibrium is the
    // Chapter 2 NAFTA one measured the other way round: (1 + forward)(1 + reverse) = 1.
    let d = Dir::new();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nafta_pair_effects.toml"
    );
    let sim = d
        .hallyu(["simulate", scenario, "-f", "json", "-q"])
        .run_ok()
        .value();
    assert_eq!(sim["changed_pairs"], 6);
    let recs: Vec<Record> = d
        .hallyu(["reproduce", "--chapter", "2", "-f", "json", "-q"])
        .run_ok()
        .json();
    for e in sim["effects"].as_array().unwrap() {
        let c = e["country"].as_str().unwrap();
        let reverse = recs
            .iter()
            .find(|r| {
                r.application == "nafta"
                    && r.method == "exact"
                    && r.country == c
                    && r.measure == "change_rGDP_FULL"
            })
            .unwrap()
            .value;
        let forward = e["real_gdp_full"].as_f64().unwrap();
        let implied = (1.0 / (1.0 + reverse / 100.0) - 1.0) * 100.0;
        assert!(
            (forward - implied).abs() < 1e-6,
            "{c}: {forward} vs {implied}"
        );
    }
}

#[test]
fn pair_effects_without_a_fill_name_the_pairs_that_need_one() {
    let d = Dir::new();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nafta_pair_effects.toml"
    ))
    .unwrap()
    .replace("fill = [\"log(dist)\", \"cntg\", \"lang\", \"clny\"]\n", "");
    let s = d.write("nofill.toml", &text);
    let r = d
        .hallyu(["simulate", s.to_str().unwrap(), "-q"])
        .run_code(2);
    r.assert_stderr_contains("14 pairs have no pair effect");
    r.assert_stderr_contains("fill");
}
