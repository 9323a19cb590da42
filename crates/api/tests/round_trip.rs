//! Every request and every response goes through JSON and comes back the same: a result
//! can be reproduced from its request, and a client can read back what it was sent.

use hallyu_api::dataset::{DatasetAction, DatasetRequest};
use hallyu_api::fit::FitRequest;
use hallyu_api::indicators::IndicatorsRequest;
use hallyu_api::ingest::{IngestKind, IngestRequest};
use hallyu_api::potential::PotentialRequest;
use hallyu_api::projection::ProjectionRequest;
use hallyu_api::reference::{ReferenceRequest, ReferenceTable};
use hallyu_api::report::ReportRequest;
use hallyu_api::reproduce::ReproduceRequest;
use hallyu_api::scenario::ScenarioRequest;
use hallyu_api::series::SeriesRequest;
use hallyu_api::{run, Context, DataSource, Request, Response, Version};
use hallyu_data::ingest::OnDuplicate;
use hallyu_estimate::{Estimator, Ssc};
use hallyu_measure::Perspective;
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

fn fit_request() -> FitRequest {
    let mut r = FitRequest::new(
        Estimator::Poisson,
        vec![
            "trade ~ log(dist) + cntg | exporter + importer".into(),
            "trade ~ log(dist) + cntg + lang | exporter + importer".into(),
        ],
    );
    r.selection = Some("year == 2006 and exporter != importer".into());
    r.vcov = vec![
        "hetero".parse().expect("hetero"),
        "cluster:pair_id".parse().expect("cluster"),
    ];
    r.ssc = Ssc::ClusterOnly;
    r.options.irls.tol = 1e-10;
    r
}

fn requests() -> Vec<Request> {
    let mut indicators = IndicatorsRequest::new("KOR");
    indicators.partner = Some("asean".into());
    indicators.years = Some((1990, 2006));
    indicators.cagr_window = Some((1995, 2005));
    indicators.top = 5;
    indicators.perspective = Perspective::Mirror;
    let mut on_file = IndicatorsRequest::new("asean");
    on_file.data = DataSource::Dataset {
        dir: "trade".into(),
    };
    on_file.group = Some("creative.audiovisuals".into());
    on_file.source = Some("baci".into());
    let mut on_dataset = fit_request();
    on_dataset.data = DataSource::Dataset {
        dir: "trade".into(),
    };
    on_dataset.scope.group = Some("creative".into());
    on_dataset.scope.perspective = Some(Perspective::Importer);
    vec![
        Request::Fit(Box::new(fit_request())),
        Request::Fit(Box::new(on_dataset)),
        Request::Indicators(indicators),
        Request::Indicators(on_file),
        Request::Projection(ProjectionRequest {
            version: Version,
            start_year: 2021,
            start_value: Some("8.10".parse().expect("number")),
            end_year: 2031,
            end_value: Some("20".parse().expect("number")),
            cagr_pct: Some("7.3".parse().expect("number")),
        }),
        Request::Reproduce(ReproduceRequest {
            version: Version,
            chapter: 2,
        }),
        Request::Reference(ReferenceRequest {
            version: Version,
            table: ReferenceTable::Blocs,
            year: Some(1999),
            reference: Some("blocs.toml".into()),
            classification: None,
        }),
        Request::Dataset(DatasetRequest {
            version: Version,
            action: DatasetAction::Repair,
            dir: "trade".into(),
        }),
        Request::Ingest(IngestRequest {
            version: Version,
            kind: IngestKind::Series,
            inputs: vec!["a.csv".into(), "b.csv".into()],
            out: "trade".into(),
            strict: true,
            replace: false,
            on_duplicate: OnDuplicate::Sum,
        }),
        Request::Potential(Box::new(PotentialRequest {
            version: Version,
            country: "KOR".into(),
            model: {
                let mut m = FitRequest::new(
                    Estimator::Poisson,
                    vec!["trade ~ log(dist) + cntg | exporter + importer".into()],
                );
                m.selection = Some("year == 2006 and exporter != importer".into());
                m
            },
            year: Some(2006),
        })),
        Request::Series(SeriesRequest {
            version: Version,
            name: "kr_content_industry_exports".into(),
            column: "exports_usd_bn".into(),
            filter: [("sector".to_string(), "total".to_string())].into(),
            year: None,
            by: None,
        }),
    ]
}

fn scenario() -> Request {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kor_asean_rta.toml");
    let mut r = ScenarioRequest::from_toml_file(&path).expect("example scenario");
    r.options.draws = 3;
    r.options.bilateral = true;
    Request::Scenario(Box::new(r))
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
    let mut r = ReportRequest {
        peers: Some(vec!["JPN".into(), "CHN".into()]),
        draws: 0,
        ..ReportRequest::default()
    };
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

fn responses() -> Vec<Response> {
    let ctx = Context::quiet();
    let mut out = Vec::new();
    for r in requests().into_iter().filter(|r| {
        !matches!(r, Request::Dataset(_) | Request::Ingest(_))
            && !matches!(r, Request::Fit(f) if f.data.is_dataset())
    }) {
        // The dataset and the user's bloc file of the requests above do not exist here.
        let r = match r {
            Request::Indicators(mut i) if i.data.is_dataset() => {
                i.data = DataSource::Embedded;
                i.group = None;
                i.source = None;
                Request::Indicators(i)
            }
            Request::Reference(mut x) => {
                x.reference = None;
                Request::Reference(x)
            }
            r => r,
        };
        out.push(run(&ctx, &r).unwrap_or_else(|e| panic!("{e}")));
    }
    for table in [ReferenceTable::Countries, ReferenceTable::Groups] {
        let r = Request::Reference(ReferenceRequest {
            version: Version,
            table,
            year: None,
            reference: None,
            classification: None,
        });
        out.push(run(&ctx, &r).expect("reference table"));
    }
    out.push(
        run(
            &ctx,
            &Request::Reproduce(ReproduceRequest {
                version: Version,
                chapter: 1,
            }),
        )
        .expect("chapter 1"),
    );
    out
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
    let series = dir.path().join("kocca.csv");
    std::fs::write(
        &series,
        "country,year,sector,flow,value,unit\nKOR,2020,games,export,100.5,USD\nKOR,2021,games,export,120,USD\n",
    )
    .expect("write series");
    let out = dir.path().join("trade");
    let ctx = Context::quiet();
    let ingest = run(
        &ctx,
        &Request::Ingest(IngestRequest {
            version: Version,
            kind: IngestKind::Series,
            inputs: vec![series],
            out: out.clone(),
            strict: false,
            replace: false,
            on_duplicate: OnDuplicate::Error,
        }),
    )
    .expect("ingest");
    assert_eq!(round_trip(&ingest), ingest);
    for action in [DatasetAction::Verify, DatasetAction::Repair] {
        let r = run(
            &ctx,
            &Request::Dataset(DatasetRequest {
                version: Version,
                action,
                dir: out.clone(),
            }),
        )
        .expect("dataset check");
        assert!(r.problem().is_none(), "{r:?}");
        assert_eq!(round_trip(&r), r);
    }
}
