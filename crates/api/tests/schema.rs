//! The generated JSON Schemas say what the JSON is: every request and response the library
//! writes validates against its capability's schema, and a body the library refuses is
//! refused by the schema too, while one it reads is not (the schemas are neither too
//! loose nor too strict).

mod common;

use common::{dataset_and_ingest_responses, report_request, requests, responses, scenario};
use hallyu_api::claims::{Check, ClaimRequest};
use hallyu_api::schema::{request_schema, response_schema, schemas, CAPABILITIES, DIALECT};
use hallyu_api::{run, Context, Request, Response, Version};
use jsonschema::Validator;
use serde_json::{json, Value};

fn validator(schema: &Value) -> Validator {
    jsonschema::draft202012::meta::validate(schema)
        .unwrap_or_else(|e| panic!("not a draft 2020-12 schema: {e}"));
    jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("{e}"))
}

/// Every way `instance` fails `schema`, one line each.
fn violations(schema: &Value, instance: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let found = violations(schema, instance);
    assert!(found.is_empty(), "{what}: {found:#?}\n{instance:#}");
}

fn request_validator(capability: &str) -> Validator {
    validator(&request_schema(capability).expect(capability))
}

/// A request of each capability, from the round-trip tests and those built here.
fn every_request() -> Vec<Request> {
    let mut all = requests();
    all.push(scenario());
    all.push(Request::Report(Box::new(report_request())));
    all.push(Request::Claim(ClaimRequest {
        version: Version,
        statement: "Cosmetics are 40.5% of K-beauty exports".into(),
        check: Check::Share {
            part: "4.05".parse().expect("number"),
            whole: "10".parse().expect("number"),
            pct: "40.5".parse().expect("number"),
        },
    }));
    all.push(Request::Claim(ClaimRequest {
        version: Version,
        statement: "Content exports reached USD 13.2 bn in 2022".into(),
        check: Check::Value {
            stated: "13.2".parse().expect("number"),
            year: 2022,
            series: "kr_content_industry_exports".into(),
            column: "exports_usd_bn".into(),
            filter: [("sector".to_string(), "total".to_string())].into(),
        },
    }));
    all
}

#[test]
fn every_schema_is_a_draft_2020_12_schema() {
    for capability in CAPABILITIES {
        for schema in [request_schema(capability), response_schema(capability)] {
            let schema = schema.expect(capability);
            assert_eq!(schema["$schema"], DIALECT);
            validator(&schema);
        }
    }
}

#[test]
fn every_request_validates_against_its_capabilitys_schema() {
    let all = every_request();
    let mut seen: Vec<&str> = all.iter().map(Request::capability).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), CAPABILITIES.len(), "{seen:?}");
    for request in &all {
        let json = serde_json::to_value(request).expect("serialise");
        let schema = request_schema(request.capability()).expect("schema");
        assert_valid(&schema, &json, request.capability());
        // Another capability's schema does not take it: the tag is checked.
        let other = if request.capability() == "fit" {
            "indicators"
        } else {
            "fit"
        };
        let found = violations(&request_schema(other).expect("schema"), &json);
        assert!(
            !found.is_empty(),
            "{other} took a {} request",
            request.capability()
        );
    }
}

#[test]
fn every_response_validates_against_its_capabilitys_schema() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let ctx = Context::quiet();
    let mut all = responses();
    all.extend(dataset_and_ingest_responses(dir.path()));
    all.push(run(&ctx, &scenario()).expect("scenario"));
    all.push(run(&ctx, &Request::Report(Box::new(report_request()))).expect("report"));
    for request in every_request() {
        if let Request::Claim(_) = request {
            all.push(run(&ctx, &request).expect("claim"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for response in &all {
        let json = serde_json::to_value(response).expect("serialise");
        let capability = json["capability"].as_str().expect("tag").to_string();
        let schema = response_schema(&capability).expect("schema");
        assert_valid(&schema, &json["result"], &capability);
        seen.insert(capability);
    }
    assert_eq!(seen.len(), CAPABILITIES.len(), "{seen:?}");
}

/// Each body is judged alike by the library and by the schema.
fn assert_agree(capability: &str, bodies: &[(Value, bool)]) {
    let validator = request_validator(capability);
    for (body, accepted) in bodies {
        let read = serde_json::from_value::<Request>(body.clone());
        assert_eq!(read.is_ok(), *accepted, "the library on {body}: {read:?}");
        let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
        assert_eq!(
            errors.is_empty(),
            *accepted,
            "the schema on {body}: {errors:?}"
        );
    }
}

#[test]
fn the_schema_refuses_what_the_library_refuses() {
    let kor = |extra: Value| {
        let mut body = json!({"capability": "indicators", "subject": "KOR"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    assert_agree(
        "indicators",
        &[
            (kor(json!({})), true),
            (kor(json!({"version": 1})), true),
            (kor(json!({"version": 2})), false),
            (kor(json!({"version": "1"})), false),
            (kor(json!({"partnr": "asean"})), false),
            (kor(json!({"top": "5"})), false),
            (kor(json!({"top": -1})), false),
            (kor(json!({"years": [1990, 2006]})), true),
            (kor(json!({"years": [1990]})), false),
            (kor(json!({"years": [1990, 3_000_000_000_u64]})), false),
            (kor(json!({"years": [-1990, 2006]})), true),
            (
                kor(json!({"data": {"kind": "file", "path": "f.csv"}})),
                true,
            ),
            (kor(json!({"data": {"kind": "file", "dir": "f"}})), false),
            (kor(json!({"data": {"kind": "table"}})), false),
            (kor(json!({"perspective": "mirror"})), true),
            (kor(json!({"perspective": "mirrored"})), false),
            (json!({"capability": "indicators"}), false),
        ],
    );
}

#[test]
fn hand_written_forms_are_stated_exactly() {
    let projection = |start_value: Value| {
        json!({"capability": "projection", "start_year": 2021, "start_value": start_value,
               "end_year": 2031, "cagr_pct": "7.3"})
    };
    assert_agree(
        "projection",
        &[
            (projection(json!("8.1")), true),
            (projection(json!(" 8.10 ")), true),
            (projection(json!("+8")), true),
            (projection(json!(".5")), true),
            (projection(json!(8.1)), true),
            (projection(json!("8e1")), false),
            (projection(json!("8,1")), false),
            (projection(json!("nan")), false),
            (projection(json!(".")), false),
            (projection(json!(null)), true),
            (projection(json!(true)), false),
        ],
    );
    assert_agree(
        "reproduce",
        &[
            (json!({"capability": "reproduce", "chapter": 1}), true),
            (json!({"capability": "reproduce", "chapter": -1}), false),
            (
                json!({"capability": "reproduce", "chapter": 4_294_967_296_u64}),
                false,
            ),
        ],
    );
    let fit = |extra: Value| {
        let mut body = json!({"capability": "fit", "estimator": "fepois",
                              "formulas": ["trade ~ log(dist) | exporter + importer"]});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    assert_agree(
        "fit",
        &[
            (fit(json!({"ssc": "cluster-only"})), true),
            (fit(json!({"ssc": " Cluster_Only "})), true),
            (fit(json!({"ssc": "cluster only"})), false),
            (fit(json!({"ssc": 1})), false),
            (fit(json!({"vcov": ["hetero", "cluster:pair_id"]})), true),
            (fit(json!({"vcov": [{"CRV1": "pair_id"}]})), true),
            (
                fit(json!({"vcov": [{"CRV1": "pair_id", "CRV2": "x"}]})),
                false,
            ),
            (fit(json!({"vcov": [{}]})), false),
            (fit(json!({"options": {"separation": "relu, fe"}})), true),
            (fit(json!({"options": {"separation": "NONE"}})), true),
            (fit(json!({"options": {"separation": "fe+relu"}})), false),
            (fit(json!({"options": {"irls": {"tol": "small"}}})), false),
            (fit(json!({"options": {"drop_singleton": true}})), false),
            (fit(json!({"where": "trade > 0"})), true),
            (fit(json!({"selection": "trade > 0"})), false),
        ],
    );
}

#[test]
fn the_combined_definitions_validate_what_the_standalone_schemas_do() {
    let all = schemas("/$defs").expect("schemas");
    let with_definitions = |schema: &Value| {
        let mut document = schema.clone();
        document["$schema"] = json!(DIALECT);
        document["$defs"] = Value::Object(all.definitions.clone());
        document
    };
    for request in every_request() {
        let json = serde_json::to_value(&request).expect("serialise");
        let schema = with_definitions(&all.requests[request.capability()]);
        assert_valid(&schema, &json, request.capability());
    }
    let report = run(
        &Context::quiet(),
        &Request::Report(Box::new(report_request())),
    )
    .expect("report");
    let Response::Report(_) = &report else {
        panic!("a report")
    };
    let json = serde_json::to_value(&report).expect("serialise");
    assert_valid(
        &with_definitions(&all.responses["report"]),
        &json["result"],
        "report",
    );
}
