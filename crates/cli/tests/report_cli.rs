//! `hallyu report`: the composed report, its sections, its requests, its failures, and its
//! figures against an independent computation with pandas (`tests/data/report/check.py`).

mod util;

use util::{fixture, product_level_dataset, Dir};

fn report_json(d: &Dir, args: &[&str]) -> serde_json::Value {
    let mut c = d.hallyu(["report", "--format", "json", "--quiet", "--draws", "0"]);
    c.args(args);
    c.run_ok().value()
}

fn call<'a>(report: &'a serde_json::Value, section: &str, k: usize) -> &'a serde_json::Value {
    let s = report["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == section)
        .unwrap_or_else(|| panic!("no section {section}"));
    &s["calls"][k]
}

#[test]
fn the_default_report_has_every_section_computed() {
    let d = Dir::new();
    let r = report_json(&d, &[]);
    assert_eq!(r["country"], "KOR");
    assert_eq!(r["bloc"], "asean+3");
    assert_eq!(r["warnings"], serde_json::json!([]));
    let ids: Vec<&str> = r["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "headline",
            "composition",
            "markets",
            "integration",
            "gravity",
            "scenario",
            "claims"
        ]
    );
    for s in r["sections"].as_array().expect("sections") {
        for c in s["calls"].as_array().expect("calls") {
            assert!(c["response"].is_object(), "{}: {c}", s["id"]);
        }
    }
    // The RTA effect with pair fixed effects is the published 0.5572 (Advanced Guide, ch. 1,
    // `reference/yotov2016_ch1.csv`), to the four decimals it is published with.
    let rta = &call(&r, "gravity", 1)["response"]["result"]["fits"][0];
    assert_eq!(rta["nobs"], 28482);
    let b = rta["coefficients"][0]["estimate"]
        .as_f64()
        .expect("estimate");
    assert!((b - 0.5572).abs() <= 5e-5, "{b}");
    // The survey's 12.45 is the "12.4 bn" quoted; the ASEAN Secretariat published 890.2
    // for 2019, and 890.2 of 2,817 is 31.6%.
    for k in [0, 2, 3] {
        let c = &call(&r, "claims", k)["response"]["result"];
        assert_eq!(c["result"]["verdict"]["verdict"], "consistent", "{c}");
    }
    assert_eq!(
        call(&r, "claims", 0)["response"]["result"]["result"]["found"],
        12.45
    );
    // The K-pop claim (8.1 -> 20 at 7.3%) does not add up: 16.4, or 9.46% a year.
    let claim = &call(&r, "claims", 1)["response"]["result"];
    assert_eq!(claim["consistent"], false);
    assert!((claim["implied_cagr_pct"].as_f64().expect("rate") - 9.4598).abs() < 1e-3);
}

/// Each call's response is what `hallyu run` gives for its request: the report's numbers
/// are those of the single commands.
#[test]
fn every_number_is_that_of_its_request_run_alone() {
    let d = Dir::new();
    let r = report_json(&d, &[]);
    for (section, k) in [
        ("headline", 0),
        ("headline", 1),
        ("markets", 0),
        ("markets", 6),
        ("integration", 0),
        ("gravity", 0),
        ("gravity", 1),
        ("gravity", 2),
        ("scenario", 0),
        ("claims", 0),
        ("claims", 1),
    ] {
        let c = call(&r, section, k);
        d.write(
            "request.json",
            serde_json::to_string(&c["request"]).expect("json"),
        );
        let alone = d
            .hallyu(["run", "request.json", "--format", "json", "-q"])
            .output();
        let alone: serde_json::Value = serde_json::from_str(&alone.stdout).expect("json");
        let inside = &c["response"]["result"];
        match section {
            // One fit's JSON is the fit itself.
            "gravity" if k < 2 => assert_eq!(&inside["fits"][0], &alone, "{section}"),
            // The projection's JSON output is its eight-field contract.
            "claims" if k == 1 => {
                for f in [
                    "start_value",
                    "end_value",
                    "implied_end_value",
                    "implied_cagr_pct",
                    "consistent",
                ] {
                    assert_eq!(inside[f], alone[f], "{section}: {f}");
                }
            }
            _ => assert_eq!(inside, &alone, "{section}"),
        }
    }
}

#[test]
fn what_cannot_be_computed_says_why_and_the_rest_is_still_there() {
    let d = Dir::new();
    let r = report_json(&d, &["--country", "KRO"]);
    let warnings = r["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.contains("did you mean `KOR`?"))),
        "{warnings:?}"
    );
    let head = call(&r, "headline", 0);
    assert_eq!(head["failure"]["category"], "input");
    // The peers and the gravity fit do not depend on the country.
    assert!(call(&r, "markets", 0)["response"].is_object());
    assert!(call(&r, "gravity", 0)["response"].is_object());
    // Markdown says it at the top.
    let md = d
        .hallyu([
            "report",
            "--country",
            "KRO",
            "--format",
            "markdown",
            "-q",
            "--draws",
            "0",
        ])
        .run_ok();
    md.assert_stdout_contains("**Not computed:**");
    md.assert_stdout_contains("## Methods and data");
}

#[test]
fn nothing_computable_is_an_error() {
    let d = Dir::new();
    d.write("empty.csv", "year,exporter,importer,trade\n");
    let r = d
        .hallyu([
            "report",
            "--data",
            "empty.csv",
            "--format",
            "json",
            "-q",
            "--draws",
            "0",
        ])
        .output();
    r.assert_no_panic();
    assert_eq!(r.code, Some(1), "{r}");
    assert!(
        r.stderr.contains("nothing in the report could be computed"),
        "{r}"
    );
}

#[test]
fn market_and_integration_figures_match_pandas() {
    let d = Dir::new();
    d.export_agtpa("agtpa.csv");
    let r = d
        .hallyu([
            "report",
            "--format",
            "json",
            "-q",
            "--draws",
            "0",
            "--out",
            "report.json",
        ])
        .run_ok();
    assert!(r.stdout.is_empty());
    let Some(text) = util::independent_check(
        &fixture("report").join("check.py"),
        &[&d.join("agtpa.csv"), &d.join("report.json")],
    ) else {
        return;
    };
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok ")).count(),
        7,
        "{text}"
    );
}

/// `hallyu report` alone writes the HTML report of Korea next to where it runs: one file,
/// no script, every section, charts with drawn marks.
#[test]
fn the_default_report_is_one_html_file() {
    let d = Dir::new();
    let r = d.hallyu(["report", "--draws", "0"]).run_ok();
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains("wrote hallyu-report-KOR.html");
    let html = d.read("hallyu-report-KOR.html");
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script"), "no script");
    // Nothing is fetched: no source, stylesheet link, import or url() (the SVG namespace
    // is a name, not a fetch).
    for fetch in [" src=", "<link", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    for title in [
        "Headline: exports and their growth",
        "Composition and specialisation by product group",
        "Markets and concentration against peers",
        "Regional integration",
        "Trade costs and export potential: structural gravity",
        "Policy scenario (general equilibrium)",
        "Claims check",
        "Sources",
        "Definitions",
        "Methods and data",
    ] {
        assert!(html.contains(title), "{title}");
    }
    // Headline: flows and world share, the survey by year and by sector; markets: the
    // largest markets' shares, concentration and world share against the peers; the share
    // of trade with the bloc; untapped markets; the scenario's effects.
    assert_eq!(html.matches("<svg").count(), 10);
    assert!(html.matches("<polyline").count() + html.matches("<path").count() >= 6);
    for chart in [
        "KOR and its peers: concentration of exports over partners",
        "KOR: its largest export markets, share of its trade",
        "Korea&#39;s content-industry exports by year (survey)",
        "KOR: untapped markets in 2006",
        "effects on the 12 most affected countries",
    ] {
        assert!(html.contains(chart), "{chart}");
    }
    // Sources with their licences.
    assert!(html.contains("CC BY 4.0"));
    assert!(html.contains("KOR: trade with asean+3 as a share of its trade"));
    assert!(!html.contains("NaN"));
    // JSON and Markdown go to stdout unless --out says otherwise.
    let md = d
        .hallyu(["report", "--draws", "0", "-q", "--format", "markdown"])
        .run_ok();
    md.assert_stdout_contains("## Claims check");
}

/// On a dataset with products, the same command reports on another country: creative goods
/// by default, their composition and the RCA of each subgroup against the peers, the gravity
/// fit on the covariates the data has, and why the scenario is not run (no RTA variable).
#[test]
fn a_dataset_with_products_gives_the_report_of_another_country() {
    let d = Dir::new();
    product_level_dataset(&d);
    let r = report_json(&d, &["--data", "trade", "--country", "VNM"]);
    assert_eq!(r["country"], "VNM");
    assert_eq!(r["bloc"], "asean+3");
    let headline = &call(&r, "headline", 0)["response"]["result"];
    assert_eq!(headline["group"], "creative");
    assert_eq!(headline["years"].as_array().expect("years").len(), 3);
    // Seven creative groups for VNM and each of its four peers, all answered.
    let composition = r["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == "composition")
        .expect("composition");
    let calls = composition["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 5 * 7);
    assert!(
        calls.iter().all(|c| c["response"].is_object()),
        "{composition}"
    );
    // A subgroup's figures are those of `hallyu indicators` for it.
    d.write(
        "request.json",
        serde_json::to_string(&calls[2]["request"]).expect("json"),
    );
    let alone = d
        .hallyu(["run", "request.json", "--format", "json", "-q"])
        .run_ok()
        .value();
    assert_eq!(calls[2]["response"]["result"], alone);
    assert!(calls[2]["response"]["result"]["years"][2]["rca"].is_number());
    // Gravity on the distance between capitals; potential by partner.
    let fit = &call(&r, "gravity", 0)["response"]["result"]["fits"][0];
    assert_eq!(
        fit["formula"],
        "trade ~ log(distcap) | exporter^year + importer^year"
    );
    let potential = &call(&r, "gravity", 1)["response"]["result"]["potential"];
    assert_eq!(potential["country"], "VNM");
    assert_eq!(potential["year"], 2021);
    assert_eq!(
        potential["partners"].as_array().expect("partners").len(),
        11
    );
    let scenario = r["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == "scenario")
        .expect("scenario");
    assert!(scenario["notes"][0]
        .as_str()
        .expect("note")
        .contains("no RTA variable"));
    // The HTML draws the composition and the RCA against the peers.
    d.hallyu([
        "report",
        "--data",
        "trade",
        "--country",
        "VNM",
        "--draws",
        "0",
        "-q",
        "--out",
        "vnm.html",
    ])
    .run_ok();
    let html = d.read("vnm.html");
    assert!(html.contains("VNM: exports by product group"));
    assert!(html.contains("Specialisation by product group, 2021: VNM and its peers (RCA)"));
    assert!(!html.contains("NaN"));
}

/// A bloc with no member in the data's years, a scenario that cannot run and a claims file
/// with a claim the data cannot check: each part says why, the rest is written, exit 0.
#[test]
fn each_part_that_fails_says_why_and_the_rest_is_written() {
    let d = Dir::new();
    d.write(
        "bad.toml",
        "title = \"a variable the data lacks\"\n[baseline]\nyear = 2006\n\
         formula = \"trade ~ fta | exporter + importer\"\n\
         [[change]]\nvariable = \"fta\"\nvalue = 1\nbetween = [\"KOR\"]\nand = [\"JPN\"]\n",
    );
    d.write(
        "claims.toml",
        "[[claim]]\nkind = \"value\"\nstatement = \"content exports were USD 9 bn in 2012\"\n\
         stated = \"9\"\nyear = 2012\nseries = \"kr_content_industry_exports\"\n\
         column = \"exports_usd_bn\"\nfilter = { sector = \"total\" }\n",
    );
    let r = report_json(
        &d,
        &[
            "--bloc",
            "rcep",
            "--scenario",
            "bad.toml",
            "--claims",
            "claims.toml",
        ],
    );
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    // RCEP has no member before 2022: the share of trade with it has no meaning.
    assert!(
        warnings.iter().any(|w| w.contains("Regional integration")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Policy scenario") && w.contains("fta")),
        "{warnings:?}"
    );
    // The claim is checked, and found not checkable: the survey has no 2012 figure.
    let claim = &call(&r, "claims", 0)["response"]["result"];
    assert_eq!(
        claim["result"]["verdict"]["verdict"], "not_checkable",
        "{claim}"
    );
    // Everything else is there.
    assert!(call(&r, "headline", 0)["response"].is_object());
    assert!(call(&r, "gravity", 0)["response"].is_object());
    // A claims file that is not one is an input error naming the file.
    d.write("broken.toml", "[[claim]]\nkind = \"guess\"\n");
    let e = d
        .hallyu(["report", "--claims", "broken.toml", "-q", "--draws", "0"])
        .output();
    e.assert_no_panic();
    assert_eq!(e.code, Some(2), "{e}");
    assert!(e.stderr.contains("broken.toml"), "{e}");
}

/// The example claims file: each claim checked, in the file's order, with its verdict.
#[test]
fn the_example_claims_file_is_checked_claim_by_claim() {
    let d = Dir::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/kor_claims.toml")
        .display()
        .to_string();
    let r = report_json(&d, &["--claims", &path]);
    let claims = r["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == "claims")
        .expect("claims")["calls"]
        .as_array()
        .expect("calls")
        .clone();
    assert_eq!(claims.len(), 4);
    assert_eq!(
        claims[0]["purpose"],
        "Korea's cultural content exports were USD 12.4 bn in 2021"
    );
    let verdict =
        |k: usize| claims[k]["response"]["result"]["result"]["verdict"]["verdict"].clone();
    assert_eq!(verdict(0), "consistent");
    assert_eq!(claims[1]["response"]["result"]["consistent"], false);
    assert_eq!(verdict(2), "consistent");
    assert_eq!(verdict(3), "consistent");
}
