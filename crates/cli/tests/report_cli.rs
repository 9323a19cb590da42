//! `hallyu report`: the composed report, its sections, its requests, its failures, and its
//! figures against an independent computation with pandas (`tests/data/report/check.py`).

mod util;

use std::process::Command;
use util::{fixture, Dir};

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
            // Several fits' JSON is the list of fits.
            "gravity" if k == 0 => assert_eq!(&inside["fits"], &alone, "{section}"),
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
    let Ok(python) = util::python_with_pandas() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "pandas is needed for the independent check; .ci/run installs it"
        );
        eprintln!("SKIPPED the independent comparison: no Python with pandas");
        return;
    };
    let out = Command::new(python)
        .arg(fixture("report").join("check.py"))
        .arg(d.join("agtpa.csv"))
        .arg(d.join("report.json"))
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
