//! Requests and responses of every capability, built once for the tests that check them
//! (each test file uses its part of them).
#![allow(dead_code)]

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

/// A fit of two formulas under two variances.
pub fn fit_request() -> FitRequest {
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

/// A request of every capability but scenario, claim and report (some of them several times).
pub fn requests() -> Vec<Request> {
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
        Request::Index(Box::new(index_request())),
    ]
}

/// COINr's example build on its ASEM data (the index crate's test data), asking for one
/// data set.
pub fn index_request() -> hallyu_api::index::IndexRequest {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../index/tests/data/coinr_asem");
    hallyu_api::index::IndexRequest {
        data: Some(dir.join("ASEM_iData.csv")),
        meta: Some(dir.join("ASEM_iMeta.csv")),
        denominate: Some("meta".into()),
        impute: Some("group-mean:EurAsia_group".into()),
        screen: Some(hallyu_api::index::Screen::Share(0.9)),
        treat: Some("default".into()),
        normalise: Some("minmax:0,100".into()),
        aggregate: Some("amean".into()),
        weights: Some("meta".into()),
        dataset: Some("Treated".into()),
        sensitivity: Some(hallyu_api::index::SensitivityRequest {
            runs: 20,
            seed: 3,
            weight_noise: Some(0.2),
            noise_levels: vec![],
            impute: vec![],
            normalise: vec!["minmax:0,100".into(), "rank".into()],
            aggregate: vec![],
            drop_indicator: true,
            keep_runs: true,
            design: hallyu_api::index::Design::Random,
            bootstrap: 0,
            replay: None,
        }),
        analysis: true,
        ..hallyu_api::index::IndexRequest::example()
    }
}

/// The example KOR–ASEAN scenario, with three draws and bilateral effects.
pub fn scenario() -> Request {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kor_asean_rta.toml");
    let mut r = ScenarioRequest::from_toml_file(&path).expect("example scenario");
    r.options.draws = 3;
    r.options.bilateral = true;
    Request::Scenario(Box::new(r))
}

/// The responses to [`requests`] that can be computed here, and more reference tables and
/// chapter 1.
pub fn responses() -> Vec<Response> {
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

/// A report on the embedded panel with two peers and no draws.
pub fn report_request() -> ReportRequest {
    ReportRequest {
        peers: Some(vec!["JPN".into(), "CHN".into()]),
        draws: 0,
        ..ReportRequest::default()
    }
}

/// A series ingested into a dataset folder under `dir`, then that folder verified and
/// repaired: the ingest's response and the two dataset reports.
pub fn dataset_and_ingest_responses(dir: &std::path::Path) -> Vec<Response> {
    let series = dir.join("kocca.csv");
    std::fs::write(
        &series,
        "country,year,sector,flow,value,unit\nKOR,2020,games,export,100.5,USD\nKOR,2021,games,export,120,USD\n",
    )
    .expect("write series");
    let out = dir.join("trade");
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
    let mut all = vec![ingest];
    for action in [DatasetAction::Verify, DatasetAction::Repair] {
        all.push(
            run(
                &ctx,
                &Request::Dataset(DatasetRequest {
                    version: Version,
                    action,
                    dir: out.clone(),
                }),
            )
            .expect("dataset check"),
        )
    }
    all
}
