//! Every request and every response goes through JSON and comes back the same: a result
//! can be reproduced from its request, and a client can read back what it was sent.

mod common;

use common::{dataset_and_ingest_responses, report_request, requests, responses, scenario};
use hallyu_api::indicators::IndicatorsRequest;
use hallyu_api::{run, Context, DataSource, Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// JSON → value → JSON is the identity, and value → JSON → value gives an equal value.
/// (The JSON comparison also covers values with NaN, which are never equal to themselves.)
fn round_trip<T: Serialize + DeserializeOwned + Debug>(value: &T) -> T {
    let json = serde_json::to_string(value).expect("serialise");
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let again = serde_json::to_string(&back).expect("serialise again");
    if json != again {
        let at = json
            .bytes()
            .zip(again.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(json.len().min(again.len()));
        let from = at.saturating_sub(80);
        panic!(
            "JSON changed on the way back at byte {at}:\n  {}\n  {}",
            &json[from..(at + 40).min(json.len())],
            &again[from..(at + 40).min(again.len())]
        );
    }
    back
}

#[test]
fn scenarios_and_their_effects_come_back_equal() {
    let request = scenario();
    assert_eq!(round_trip(&request), request);
    let response = run(&Context::quiet(), &request).expect("scenario");
    let back = round_trip(&response);
    if !format!("{response:?}").contains("NaN") {
        assert_eq!(back, response);
    }
}

#[test]
fn a_report_and_its_calls_come_back_equal() {
    let mut r = report_request();
    let request = Request::Report(Box::new(r.clone()));
    assert_eq!(round_trip(&request), request);
    let response = run(&Context::quiet(), &request).expect("report");
    let json = serde_json::to_string(&round_trip(&response)).expect("json");
    assert_eq!(json, serde_json::to_string(&response).expect("json"));
    // A country the data does not have: the report says so, and is still a report.
    r.country = "KRO".into();
    let Response::Report(report) =
        run(&Context::quiet(), &Request::Report(Box::new(r))).expect("report")
    else {
        panic!("a report")
    };
    assert!(report.warnings.iter().any(|w| w.contains("KRO")));
    // No claims about another country are built in.
    assert!(report
        .sections
        .iter()
        .any(|s| s.id == "claims" && s.calls.is_empty()));
    assert!(report.computed_anything());
}

#[test]
fn every_request_comes_back_equal() {
    for r in requests() {
        assert_eq!(round_trip(&r), r);
    }
}

#[test]
fn a_projection_keeps_the_decimals_the_claim_was_written_with() {
    let Request::Projection(p) = &requests()[4] else {
        panic!("the third request is a projection")
    };
    let json = serde_json::to_value(p).expect("serialise");
    assert_eq!(json["start_value"], "8.10");
    assert_eq!(json["end_value"], "20");
}

#[test]
fn requests_refuse_unknown_fields_and_other_versions() {
    let unknown = r#"{"capability": "indicators", "subject": "KOR", "partnr": "asean"}"#;
    let e = serde_json::from_str::<Request>(unknown).expect_err("unknown field");
    assert!(e.to_string().contains("unknown field `partnr`"), "{e}");
    let newer = r#"{"capability": "indicators", "version": 2, "subject": "KOR"}"#;
    let e = serde_json::from_str::<Request>(newer).expect_err("version 2");
    assert!(e.to_string().contains("request version 2"), "{e}");
    let absent = r#"{"capability": "indicatorz", "subject": "KOR"}"#;
    let e = serde_json::from_str::<Request>(absent).expect_err("unknown capability");
    assert!(e.to_string().contains("indicatorz"), "{e}");
}

#[test]
fn a_table_in_memory_is_not_written_as_if_it_could_be_replayed() {
    let table = hallyu_data::embedded::agtpa().expect("embedded panel");
    let mut r = IndicatorsRequest::new("KOR");
    r.data = DataSource::Table(std::sync::Arc::new(table));
    assert!(serde_json::to_string(&Request::Indicators(r)).is_err());
}

#[test]
fn every_response_comes_back_equal() {
    let all = responses();
    assert!(all.len() >= 9);
    assert!(matches!(&all[0], Response::Fit(f) if f.fits.len() == 4));
    for r in &all {
        let back = round_trip(r);
        // NaN (an undefined standard error) is not equal to itself; the JSON comparison in
        // `round_trip` covers those.
        if !format!("{r:?}").contains("NaN") {
            assert_eq!(&back, r);
        }
    }
}

#[test]
fn dataset_and_ingest_responses_come_back_equal() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let all = dataset_and_ingest_responses(dir.path());
    assert_eq!(all.len(), 3);
    for r in &all {
        if matches!(r, Response::Dataset(_)) {
            assert!(r.problem().is_none(), "{r:?}");
        }
        assert_eq!(&round_trip(r), r);
    }
}
