//! End-to-end tests of `--format html`: one self-contained page, its numbers those of
//! the JSON output, its charts drawn from them.

mod util;

use util::Dir;

/// The years and exports of `hallyu indicators ARGS --format json`.
fn exports_by_year(dir: &Dir, args: &[&str]) -> Vec<(i64, f64)> {
    let mut all = vec!["indicators"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let v = dir.hallyu(all).run_ok().value();
    v["years"]
        .as_array()
        .expect("years")
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().expect("a year"),
                y["exports"].as_f64().expect("exports"),
            )
        })
        .collect()
}

#[test]
fn indicators_as_a_page_with_charts() {
    let dir = Dir::new();
    let args = ["--subject", "KOR", "--years", "2001:2006"];
    let mut all = vec!["indicators"];
    all.extend_from_slice(&args);
    all.extend_from_slice(&["--format", "html", "--out", "page.html", "--quiet"]);
    dir.hallyu(all).run_ok();
    let page = dir.read("page.html");
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{page}"
    );
    assert!(page.contains("<title>Trade indicators: KOR</title>"));
    assert!(page.contains(&format!(
        "<meta name=\"generator\" content=\"hallyu {}\"/>",
        env!("CARGO_PKG_VERSION")
    )));
    // Two charts, each with its text alternative and its numbers behind a click.
    assert_eq!(page.matches("<svg ").count(), 2, "{page}");
    assert_eq!(page.matches("role=\"img\"").count(), 2);
    assert_eq!(page.matches("<details><summary>Numbers plotted").count(), 2);
    assert!(page.contains(">year<") && page.contains(">world share (%)<"));
    // Self-contained and inert.
    for banned in ["<script", "src=", "<link", "url(", "NaN"] {
        assert!(!page.contains(banned), "{banned}");
    }
    // Every year's exports as the JSON gives them: in the table, and as a mark of the
    // exports line.
    let years = exports_by_year(&dir, &args);
    assert_eq!(years.len(), 6);
    for (year, exports) in years {
        let text = format!("{exports:.2}");
        assert!(
            page.contains(&format!(
                "<th scope=\"row\" class=\"l\">{year}</th><td class=\"r\">{text}</td>"
            )),
            "{year}: {text}"
        );
        assert!(
            page.contains(&format!("<title>exports, {year}: {text}")),
            "{year}: {text}"
        );
    }
}

#[test]
fn html_for_a_projection_and_a_usage_error_for_a_list() {
    let dir = Dir::new();
    let r = dir
        .hallyu([
            "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "--format",
            "html",
        ])
        .output();
    r.assert_no_panic();
    // The claim is not consistent (exit 3), and the page still says so.
    assert_eq!(r.code, Some(3), "{r}");
    r.assert_stdout_contains("<title>Projection</title>");
    // A reference table is a list, not a page: a usage error, not an empty page.
    dir.write(
        "countries.json",
        r#"{"capability": "reference", "version": 1, "table": "countries"}"#,
    );
    let r = dir
        .hallyu(["run", "countries.json", "--format", "html"])
        .run_usage();
    assert!(r.message().contains("table, json or csv"), "{r}");
}

#[test]
fn html_for_a_fit_shows_the_estimates_the_json_gives() {
    let dir = Dir::new();
    let model = "trade ~ log(dist) + cntg | exporter + importer";
    let args = [
        "fepois",
        model,
        "--where",
        "year == 2006 and exporter != importer",
    ];
    let mut json = args.to_vec();
    json.extend_from_slice(&["--format", "json"]);
    let v = dir.hallyu(json).run_ok().value();
    let estimate = v["coefficients"][0]["estimate"]
        .as_f64()
        .expect("an estimate");
    let mut html = args.to_vec();
    html.extend_from_slice(&["--format", "html"]);
    let r = dir.hallyu(html).run_ok();
    r.assert_stdout_contains("<title>Estimation</title>");
    r.assert_stdout_contains(&format!("<td class=\"r\">{estimate:.6}"));
    r.assert_stdout_contains("log(dist)");
}
