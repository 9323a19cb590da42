//! The HTML pages in a real browser: headless Chromium opens the report (with and without
//! a composite index) and every cheap `--format html` page at a desktop size, a phone size
//! and in print, and `tests/data/browser/check_page.py` fails on a console error, a chart
//! with no drawn mark, text overflowing its box, SVG text outside its drawing, or a blank
//! page.
//! Screenshots go to `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` and a Python with `selenium` 4 and
//! `Pillow` (`.ci/run` installs them). Without them the tests say `skipped: ...` on
//! stderr and pass, unless `HALLYU_REQUIRE_BROWSER=1`, where they fail instead.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use util::Dir;

/// The checker script.
fn checker() -> PathBuf {
    util::fixture("browser/check_page.py")
}

/// What the checker said about a set of pages.
struct Checked {
    /// Its exit status: 0 no problem, 1 problems.
    code: i32,
    /// Its JSON: every page's views and charts, and the problems.
    json: serde_json::Value,
    /// Its summary, one line per page and per problem.
    summary: String,
}

/// Runs the checker on `pages`; `None` when the browser cannot be used here and the
/// test is to be skipped (it panics instead when `HALLYU_REQUIRE_BROWSER=1`).
fn check(pages: &[PathBuf], screenshots: Option<&Path>) -> Option<Checked> {
    let unavailable = |why: String| -> Option<Checked> {
        util::browser::unavailable(&why);
        None
    };
    let python = match util::browser::python_with_selenium() {
        Ok(p) => p,
        Err(why) => return unavailable(why),
    };
    let mut cmd = Command::new(&python);
    cmd.arg(checker()).args(pages);
    if let Some(dir) = screenshots {
        cmd.arg("--screenshots").arg(dir);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("the checker's output is not JSON: {e}\n{stdout}\n{summary}"));
    let code = out.status.code().unwrap_or(-1);
    if code == 3 {
        return unavailable(
            json["unavailable"]
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
        );
    }
    assert!(
        code == 0 || code == 1,
        "the checker failed (exit {code})\n{stdout}\n{summary}"
    );
    Some(Checked {
        code,
        json,
        summary,
    })
}

/// The problems the checker found in the page whose file name is `name`, as
/// `view: kind` strings.
fn problems_of(json: &serde_json::Value, name: &str) -> Vec<String> {
    json["problems"]
        .as_array()
        .expect("a list of problems")
        .iter()
        .filter(|p| p["file"].as_str().is_some_and(|f| f.ends_with(name)))
        .map(|p| {
            format!(
                "{}: {}",
                p["view"].as_str().unwrap_or("?"),
                p["kind"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The report (default and for another country) and every cheap `--format html` page
/// read well in a browser: no console error, every chart drawn, nothing overflowing, at
/// a desktop size, a phone size and on A4 paper.
#[test]
fn every_html_page_reads_well_in_a_browser() {
    let d = Dir::new();
    d.hallyu(["report", "--draws", "20", "--out", "report-KOR.html", "-q"])
        .run_ok();
    d.hallyu([
        "report",
        "--country",
        "USA",
        "--draws",
        "0",
        "--out",
        "report-USA.html",
        "-q",
    ])
    .run_ok();
    d.hallyu([
        "indicators",
        "--subject",
        "KOR",
        "--format",
        "html",
        "--out",
        "indicators-KOR.html",
        "-q",
    ])
    .run_ok();
    // A product-level dataset: composition by group (stacked bars) and RCA (dots).
    util::product_level_dataset(&d);
    d.hallyu([
        "report",
        "--data",
        "trade",
        "--country",
        "VNM",
        "--draws",
        "0",
        "--out",
        "report-VNM.html",
        "-q",
    ])
    .run_ok();
    // The composite-index section: the country's rank, the best-ranked units and the
    // heat map of normalised indicators with the country highlighted.
    d.hallyu([
        "report",
        "--index",
        "example",
        "--draws",
        "0",
        "--out",
        "report-index.html",
        "-q",
    ])
    .run_ok();
    let asem = |f: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../index/tests/data/coinr_asem")
            .join(f)
            .display()
            .to_string()
    };
    let index = |action: &str, extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = vec![
            "index".into(),
            action.into(),
            "--data".into(),
            asem("ASEM_iData.csv"),
            "--meta".into(),
            asem("ASEM_iMeta.csv"),
            "--impute".into(),
            "group-mean:EurAsia_group".into(),
            "--format".into(),
            "html".into(),
            "-q".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let stdout_pages: [(&str, Vec<String>, i32); 8] = [
        ("index.html", index("build", &["--analysis"]), 0),
        // The example scoreboard's normalised indicators, drawn as a heat map.
        (
            "index-normalised.html",
            [
                "index",
                "build",
                "--dataset",
                "Normalised",
                "--format",
                "html",
                "-q",
            ]
            .map(String::from)
            .to_vec(),
            0,
        ),
        (
            "index-sensitivity.html",
            index(
                "sensitivity",
                // Saltelli's design: the rank intervals and the indices' chart on one page.
                &[
                    "--indices",
                    "--runs",
                    "60",
                    "--weight-noise",
                    "0.25",
                    "--alt-normalise",
                    "minmax:0,100",
                    "--alt-normalise",
                    "rank",
                    "--drop-indicators",
                ],
            ),
            0,
        ),
        (
            "fepois.html",
            [
                "fepois",
                "trade ~ log(dist) + cntg | exporter + importer",
                "--where",
                "year == 2006 and exporter != importer",
                "--format",
                "html",
            ]
            .map(String::from)
            .to_vec(),
            0,
        ),
        (
            "simulate.html",
            vec![
                "simulate".to_string(),
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../examples/kor_asean_rta.toml")
                    .display()
                    .to_string(),
                "--format".to_string(),
                "html".to_string(),
                "-q".to_string(),
            ],
            0,
        ),
        (
            "reproduce.html",
            ["reproduce", "--chapter", "2", "--format", "html", "-q"]
                .map(String::from)
                .to_vec(),
            0,
        ),
        (
            "potential.html",
            [
                "potential",
                "KOR",
                "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer",
                "--where",
                "year == 2006 and exporter != importer",
                "--format",
                "html",
                "-q",
            ]
            .map(String::from)
            .to_vec(),
            0,
        ),
        // An inconsistent claim: exit 3, and the page says why.
        (
            "project.html",
            [
                "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "--format",
                "html",
            ]
            .map(String::from)
            .to_vec(),
            3,
        ),
    ];
    for (name, args, code) in &stdout_pages {
        let r = d.hallyu(args).run_code(*code);
        assert!(r.stdout.starts_with("<!DOCTYPE html>"), "{r}");
        d.write(name, &r.stdout);
    }
    let names = [
        "report-KOR.html",
        "report-USA.html",
        "report-VNM.html",
        "indicators-KOR.html",
        "fepois.html",
        "potential.html",
        "simulate.html",
        "reproduce.html",
        "project.html",
        "index.html",
        "index-sensitivity.html",
        "index-normalised.html",
        "report-index.html",
    ];
    let pages: Vec<PathBuf> = names.iter().map(|n| d.join(n)).collect();
    let shots = util::browser::screenshot_dir();
    let Some(checked) = check(&pages, Some(&shots)) else {
        return;
    };
    assert_eq!(
        checked.code, 0,
        "the browser found problems:\n{}",
        checked.summary
    );
    // The browser saw every chart the files hold, each with drawn marks, in every view:
    // a page that hid its charts from the checker would not pass.
    for (name, page) in names
        .iter()
        .zip(checked.json["pages"].as_array().expect("pages"))
    {
        let html = d.read(name);
        let in_file = html.matches("role=\"img\"").count();
        for view in page["views"].as_array().expect("views") {
            let charts = view["charts"].as_array().expect("charts");
            assert_eq!(charts.len(), in_file, "{name} {}", view["view"]);
            assert!(charts.iter().all(|c| c["marks"].as_u64() > Some(0)));
            let shot = view["screenshot"].as_str().expect("a screenshot");
            let size = std::fs::metadata(shot).map_or(0, |m| m.len());
            assert!(size > 1000, "{shot}: {size} bytes");
        }
    }
    for name in ["report-KOR.html", "report-USA.html", "indicators-KOR.html"] {
        assert!(d.read(name).contains("role=\"img\""), "{name} has charts");
    }
    for name in ["index-normalised.html", "report-index.html"] {
        assert!(
            d.read(name).contains("<desc>Heat map of"),
            "{name} has a heat map"
        );
    }
    // On a desktop screen the report's first table, the country's indicators year by
    // year, shows all its columns without scrolling sideways (its headings wrap).
    let desktop = &checked.json["pages"][0]["views"][0];
    assert_eq!(desktop["view"], "desktop");
    let scrolled: Vec<&str> = desktop["scrolled"]
        .as_array()
        .expect("scrolled boxes")
        .iter()
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert!(
        !scrolled.contains(&"KOR's trade indicators"),
        "{scrolled:?}\n{}",
        checked.summary
    );
    eprintln!("{}", checked.summary);
}

/// A page whose chart has a mark, text that fits and nothing broken: no problem, so
/// that the pages below fail for what they hold, not for being hand-written.
const FINE: &str = "<p>A chart that draws one bar.</p>\
<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\" width=\"200\" role=\"img\" aria-label=\"one bar\">\
<text x=\"100\" y=\"16\" text-anchor=\"middle\">one bar</text>\
<rect class=\"mark\" x=\"20\" y=\"30\" width=\"120\" height=\"40\" fill=\"#0072B2\"/></svg>";

/// A minimal page around `body`.
fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>test page</title></head><body><main><h1>A test page</h1>\
         <p>Some text so that the page is not blank, in a sentence of several words.</p>\
         {body}</main></body></html>"
    )
}

/// The checker fails on each defect it is there to catch: a resource that does not
/// load (a console error), a chart with no mark, a mark that draws nothing visible,
/// text cut by its box, SVG text outside its drawing, overlapping SVG labels, a chart
/// wider than the printed page, and a blank page; and passes a page with none of them.
#[test]
fn the_checker_fails_on_each_defect() {
    let d = Dir::new();
    let cases: [(&str, String, &[&str]); 9] = [
        ("fine.html", page(FINE), &[]),
        (
            "console.html",
            page(&format!("{FINE}<img src=\"missing.png\" alt=\"a picture that is not there\"/>")),
            &["desktop: console-error"],
        ),
        (
            "no-marks.html",
            page(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\" width=\"200\" role=\"img\" aria-label=\"empty\">\
                 <rect x=\"0.5\" y=\"0.5\" width=\"199\" height=\"99\" fill=\"none\" stroke=\"#333\"/>\
                 <text x=\"100\" y=\"16\" text-anchor=\"middle\">empty</text></svg>",
            ),
            &["desktop: empty-chart", "phone: empty-chart", "print: empty-chart"],
        ),
        (
            "invisible-marks.html",
            page(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\" width=\"200\" role=\"img\" aria-label=\"white on white\">\
                 <text x=\"100\" y=\"16\" text-anchor=\"middle\">white on white</text>\
                 <rect class=\"mark\" x=\"20\" y=\"30\" width=\"120\" height=\"40\" fill=\"#fff\"/></svg>",
            ),
            &["desktop: empty-chart"],
        ),
        (
            "overflow.html",
            page(&format!(
                "{FINE}<p style=\"width:120px;overflow:hidden\">{}</p>",
                "unbreakable".repeat(12)
            )),
            &["desktop: text-overflow", "phone: text-overflow", "print: text-overflow"],
        ),
        (
            "svg-text.html",
            page(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\" width=\"200\" role=\"img\" aria-label=\"a long label\">\
                 <rect class=\"mark\" x=\"20\" y=\"30\" width=\"120\" height=\"40\" fill=\"#0072B2\"/>\
                 <text x=\"150\" y=\"50\">a label far too long for the drawing</text></svg>",
            ),
            &["desktop: svg-text-outside"],
        ),
        (
            "overlapping-labels.html",
            page(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\" width=\"200\" role=\"img\" aria-label=\"two labels\">\
                 <rect class=\"mark\" x=\"20\" y=\"30\" width=\"120\" height=\"40\" fill=\"#0072B2\"/>\
                 <text x=\"20\" y=\"90\">2001</text><text x=\"30\" y=\"92\">2002</text></svg>",
            ),
            &["desktop: svg-text-overlap"],
        ),
        (
            "wide-chart.html",
            page(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 900 100\" width=\"900\" role=\"img\" aria-label=\"wide\">\
                 <rect class=\"mark\" x=\"20\" y=\"30\" width=\"860\" height=\"40\" fill=\"#0072B2\"/></svg>",
            ),
            &["phone: chart-cut", "phone: page-overflow", "print: chart-cut"],
        ),
        (
            "blank.html",
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/><title>blank</title></head><body></body></html>"
                .to_string(),
            &["desktop: blank-page", "phone: blank-page", "print: blank-page"],
        ),
    ];
    let pages: Vec<PathBuf> = cases
        .iter()
        .map(|(name, html, _)| d.write(name, html))
        .collect();
    let Some(checked) = check(&pages, None) else {
        return;
    };
    assert_eq!(checked.code, 1, "{}", checked.summary);
    for (name, _, expected) in &cases {
        let found = problems_of(&checked.json, name);
        if expected.is_empty() {
            assert!(found.is_empty(), "{name}: {found:?}\n{}", checked.summary);
        }
        for e in *expected {
            assert!(
                found.iter().any(|f| f == e),
                "{name}: expected {e}, found {found:?}\n{}",
                checked.summary
            );
        }
    }
    // The console error names the resource that did not load.
    let console = checked.json["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .find(|p| p["kind"] == "console-error")
        .expect("a console error");
    assert!(
        console["detail"]
            .as_str()
            .is_some_and(|m| m.contains("missing.png")),
        "{console}"
    );
}
