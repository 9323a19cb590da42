//! The JSON contract of every response, which the server answers with: the response's
//! own payload (not the tagged [`Response`]), pretty, with one final newline. Responses
//! come from the library itself, on the embedded data.

use super::*;
use hallyu_api::dataset::DatasetReport;
use hallyu_api::ingest::IngestOutcome;
use hallyu_api::reference::ReferenceRows;
use hallyu_api::reproduce::Reproduction;
use hallyu_api::{Context, Request};
use hallyu_data::dataset::Verification;
use hallyu_data::ingest::gravity::GravityReport;
use serde_json::Value;

/// Runs a request written as `hallyu run` reads it.
fn answer(request: &str) -> Response {
    let request: Request = serde_json::from_str(request).expect("a valid request");
    let progress = hallyu_estimate::NoProgress;
    hallyu_api::run(&Context::new(&progress), &request).expect("an answer")
}

/// Pretty JSON with one final newline.
fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serialisable") + "\n"
}

fn json_of(response: &Response) -> String {
    let text = render_response(response, Format::Json).expect("JSON");
    assert!(text.ends_with("}\n") || text.ends_with("]\n"), "{text}");
    text
}

/// The JSON contract of one response: its payload as it serialises.
fn check_contract(response: &Response) {
    let text = json_of(response);
    match response {
        Response::Fit(f) => match f.fits.as_slice() {
            [one] => assert_eq!(text, pretty(one), "a single fit is the fit object"),
            several => assert_eq!(text, pretty(several), "several fits are an array"),
        },
        Response::Indicators(i) => assert_eq!(text, pretty(i)),
        Response::Potential(p) => assert_eq!(text, pretty(p)),
        Response::Scenario(s) => assert_eq!(text, pretty(s)),
        Response::Claim(c) => assert_eq!(text, pretty(c)),
        Response::Series(s) => assert_eq!(text, pretty(s)),
        Response::Index(r) => assert_eq!(text, pretty(r)),
        Response::Report(r) => assert_eq!(text, pretty(r)),
        Response::Reference(rows) => match rows {
            ReferenceRows::Countries(all) => assert_eq!(text, pretty(all)),
            ReferenceRows::Blocs(blocs) => assert_eq!(text, pretty(blocs)),
            ReferenceRows::BlocsInYear(list) => assert_eq!(text, pretty(list)),
            ReferenceRows::Groups(groups) => assert_eq!(text, pretty(groups)),
        },
        Response::Dataset(DatasetReport::Verify(v)) => assert_eq!(text, pretty(v)),
        Response::Dataset(DatasetReport::Repair(r)) => assert_eq!(text, pretty(r)),
        Response::Ingest(IngestOutcome::Flows(r)) => assert_eq!(text, pretty(r)),
        Response::Ingest(IngestOutcome::Gravity(r)) => assert_eq!(text, pretty(r)),
        // The projection's contract: the three numbers as given, the implied ones and the
        // verdict (the path over the years is in the table formats).
        Response::Projection(p) => {
            let v: Value = serde_json::from_str(&text).expect("JSON");
            let keys: Vec<&str> = v
                .as_object()
                .expect("an object")
                .keys()
                .map(String::as_str)
                .collect();
            let mut expected = [
                "start_year",
                "start_value",
                "end_year",
                "end_value",
                "cagr_pct",
                "implied_end_value",
                "implied_cagr_pct",
                "consistent",
            ];
            expected.sort_unstable();
            let mut keys = keys;
            keys.sort_unstable();
            assert_eq!(keys, expected);
            assert_eq!(v["consistent"], p.consistent);
            assert_eq!(v["start_year"], p.start_year);
            assert_eq!(v["end_year"], p.end_year);
        }
        // Chapter 2: one record per application, method, country and measure.
        Response::Reproduce(Reproduction::Chapter2 { .. }) => {
            let v: Value = serde_json::from_str(&text).expect("JSON");
            let records = v.as_array().expect("an array of records");
            assert!(!records.is_empty());
            for r in records {
                for key in ["application", "method", "country", "measure", "value"] {
                    assert!(r.get(key).is_some(), "{key} missing from {r}");
                }
            }
        }
        Response::Reproduce(Reproduction::Chapter1 { outcomes }) => {
            assert_eq!(text, pretty(outcomes))
        }
    }
}

#[test]
fn a_report_and_every_call_in_it_render_as_their_json_contract() {
    // Korea's default report: indicators, series, fits, potential, the scenario (no
    // draws), claims and projections.
    let response = answer(r#"{"capability": "report", "draws": 0}"#);
    let Response::Report(report) = &response else {
        panic!("a report request answered with {response:?}");
    };
    assert_eq!(json_of(&response), pretty(report.as_ref()));
    check_contract(&response);
    let mut kinds: Vec<&str> = Vec::new();
    for call in report.sections.iter().flat_map(|s| &s.calls) {
        if let Some(r) = &call.response {
            check_contract(r);
            let kind = call.request.capability();
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "claim",
            "fit",
            "indicators",
            "potential",
            "projection",
            "scenario",
            "series"
        ]
    );
}

#[test]
fn one_fit_is_the_fit_object_and_several_an_array() {
    let response = answer(
        r#"{"capability": "fit", "version": 1, "estimator": "fepois",
            "formulas": ["trade ~ log(dist) + cntg | exporter + importer"],
            "where": "year == 2006 and exporter != importer", "vcov": ["hetero", "iid"]}"#,
    );
    let Response::Fit(both) = &response else {
        panic!("a fit request answered with {response:?}");
    };
    assert_eq!(both.fits.len(), 2);
    assert_eq!(json_of(&response), pretty(&both.fits));
    let mut one = both.clone();
    one.fits.truncate(1);
    let one = Response::Fit(one);
    let text = json_of(&one);
    assert!(text.starts_with("{\n"), "{text}");
    check_contract(&one);
    check_contract(&response);
}

#[test]
fn reference_tables_and_reproductions_render_as_their_json_contract() {
    for table in ["countries", "blocs", "groups"] {
        check_contract(&answer(&format!(
            r#"{{"capability": "reference", "version": 1, "table": "{table}"}}"#
        )));
    }
    check_contract(&answer(
        r#"{"capability": "reference", "version": 1, "table": "blocs", "year": 1999}"#,
    ));
    check_contract(&answer(
        r#"{"capability": "reproduce", "version": 1, "chapter": 2}"#,
    ));
    check_contract(&answer(
        r#"{"capability": "indicators", "version": 1, "subject": "KOR", "partner": "asean"}"#,
    ));
}

fn verification() -> Verification {
    Verification {
        dataset: "trade".into(),
        partitions: 2,
        rows: 10,
        problems: Vec::new(),
    }
}

fn gravity() -> GravityReport {
    GravityReport {
        dataset: "trade".into(),
        input: "gravity.csv".into(),
        rows: 4,
        by_year: true,
        columns: vec!["dist".into()],
        not_kept: Vec::new(),
        skipped_not_existing: 0,
    }
}

#[test]
fn an_index_renders_as_its_json_contract_and_its_data_sets_as_csv() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../index/tests/data/coinr_asem");
    let request = format!(
        r#"{{"capability": "index", "version": 1, "data": "{}", "meta": "{}",
            "impute": "group-mean:EurAsia_group", "screen": 0.9, "dataset": "normalised"}}"#,
        dir.join("ASEM_iData.csv").display(),
        dir.join("ASEM_iMeta.csv").display()
    );
    let response = answer(&request);
    check_contract(&response);
    let csv = render_response(&response, Format::Csv).expect("csv");
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .expect("header")
        .starts_with("uCode,LPI,Flights"));
    assert_eq!(lines.count(), 51);
    for format in [Format::Table, Format::Markdown, Format::Html, Format::Latex] {
        let text = render_response(&response, format).expect("text");
        assert!(text.contains("CHE"), "{format:?}");
    }
}

#[test]
fn dataset_and_ingest_reports_render_as_their_json_contract() {
    check_contract(&Response::Dataset(DatasetReport::Verify(verification())));
    check_contract(&Response::Ingest(IngestOutcome::Gravity(gravity())));
    check_contract(&Response::Ingest(IngestOutcome::Flows(Vec::new())));
}

#[test]
fn a_format_a_response_lacks_is_refused_with_the_formats_it_has() {
    let cases = [
        (
            Response::Dataset(DatasetReport::Verify(verification())),
            Format::Csv,
            "dataset reports are written as table or json, not Csv",
        ),
        (
            Response::Ingest(IngestOutcome::Gravity(gravity())),
            Format::Html,
            "ingest reports are written as table or json, not Html",
        ),
        (
            Response::Reference(ReferenceRows::Groups(Vec::new())),
            Format::Markdown,
            "reference tables are written as table, json or csv, not Markdown",
        ),
    ];
    for (response, format, message) in cases {
        let e = render_response(&response, format).expect_err("no such rendering");
        assert_eq!(e.to_string(), message);
        assert_eq!(e.category(), hallyu_data::ErrorCategory::Input);
    }
    let report = Response::Report(Box::new(hallyu_api::report::Report {
        title: "An empty report".into(),
        country: "KOR".into(),
        bloc: None,
        peers: Vec::new(),
        sections: Vec::new(),
        warnings: Vec::new(),
        generator: "hallyu".into(),
        sources: Vec::new(),
        definitions: Vec::new(),
    }));
    for format in [Format::Table, Format::Latex, Format::Csv] {
        let e = render_response(&report, format).expect_err("no such rendering");
        assert_eq!(
            e.to_string(),
            format!("a report is written as html, json or markdown, not {format:?}")
        );
    }
    for format in [Format::Html, Format::Json, Format::Markdown] {
        render_response(&report, format).expect("a rendering");
    }
}

#[test]
fn a_page_says_which_version_made_it() {
    let page = html_page("Title", &[]);
    assert!(
        page.contains(&format!("hallyu {}", env!("CARGO_PKG_VERSION"))),
        "{page}"
    );
}
