//! What `--print-request` prints is valid against the capability's generated JSON Schema,
//! the schema a client of the HTTP API is given for the same body.

mod util;

use hallyu_api::schema::request_schema;
use util::Dir;

/// Prints the request of `args` and validates it against its capability's schema.
fn printed_request_is_valid(d: &Dir, args: &[&str], capability: &str) {
    let printed: serde_json::Value = d.hallyu(args).arg("--print-request").run_ok().value();
    assert_eq!(printed["capability"], capability, "{printed:#}");
    let schema = request_schema(capability).expect("a capability");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&printed)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{args:?}: {errors:#?}\n{printed:#}");
}

#[test]
fn every_printed_request_is_valid_against_its_schema() {
    let d = Dir::new();
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/kor_asean_rta.toml")
        .display()
        .to_string();
    let cases: [(&[&str], &str); 9] = [
        (
            &[
                "indicators",
                "--subject",
                "KOR",
                "--partner",
                "asean",
                "--years",
                "1995:2006",
            ],
            "indicators",
        ),
        (
            &[
                "fepois",
                "trade ~ log(dist) + cntg | exporter + importer",
                "--where",
                "year == 2006 and exporter != importer",
                "--vcov",
                "hetero",
            ],
            "fit",
        ),
        (
            &[
                "feols",
                "log(trade) ~ log(dist) + cntg",
                "--where",
                "trade > 0",
                "--cluster",
                "exporter",
            ],
            "fit",
        ),
        (
            &[
                "project", "--start", "2021:8.1", "--end", "2031", "--cagr", "7.3",
            ],
            "projection",
        ),
        (&["reproduce", "--chapter", "2"], "reproduce"),
        (&["data", "blocs", "--year", "1999"], "reference"),
        (
            &["ingest", "series", "missing.csv", "--out", "trade"],
            "ingest",
        ),
        (&["dataset", "verify", "trade"], "dataset"),
        (&["simulate", &scenario], "scenario"),
    ];
    for (args, capability) in cases {
        printed_request_is_valid(&d, args, capability);
    }
    printed_request_is_valid(
        &d,
        &[
            "potential",
            "KOR",
            "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer",
        ],
        "potential",
    );
}
