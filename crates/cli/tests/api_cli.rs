//! `--print-request` and `hallyu run`: every command line is a request, and running the
//! request it prints gives the same output and exit status as the command itself.

mod util;

use util::Dir;

/// Runs `args` directly and as `--print-request` | `hallyu run --format F`, in two fresh
/// folders prepared alike by `setup`, and checks stdout and exit status are the same.
/// Returns the printed request.
fn same_as_run(args: &[&str], format: Option<&str>, setup: impl Fn(&Dir)) -> serde_json::Value {
    let direct_dir = Dir::new();
    setup(&direct_dir);
    let direct = direct_dir.hallyu(args).output();
    direct.assert_no_panic();

    let replay_dir = Dir::new();
    setup(&replay_dir);
    let printed = replay_dir.hallyu(args).arg("--print-request").run_ok();
    replay_dir.write("request.json", &printed.stdout);
    let mut run = replay_dir.hallyu(["run", "request.json"]);
    if let Some(f) = format {
        run.args(["--format", f]);
    }
    let replayed = run.output();
    replayed.assert_no_panic();
    assert_eq!(
        (direct.code, &direct.stdout),
        (replayed.code, &replayed.stdout),
        "the request's output differs from the command's\n{direct}\n{replayed}"
    );
    printed.value()
}

fn nothing(_: &Dir) {}

#[test]
fn indicators_on_the_embedded_panel() {
    let request = same_as_run(
        &[
            "indicators",
            "--subject",
            "KOR",
            "--partner",
            "asean",
            "--years",
            "1995:2006",
        ],
        None,
        nothing,
    );
    assert_eq!(request["capability"], "indicators");
    assert_eq!(request["version"], 1);
    assert_eq!(request["data"]["kind"], "embedded");
    assert_eq!(request["years"], serde_json::json!([1995, 2006]));
    same_as_run(
        &[
            "indicators",
            "--subject",
            "asean",
            "--format",
            "json",
            "--cagr-window",
            "1990:2000",
        ],
        Some("json"),
        nothing,
    );
    same_as_run(
        &["indicators", "--subject", "KOR,JPN", "--format", "csv"],
        Some("csv"),
        nothing,
    );
}

#[test]
fn indicators_on_a_file_and_their_errors() {
    let export = |d: &Dir| {
        d.export_agtpa("flows.csv");
    };
    same_as_run(
        &[
            "indicators",
            "--data",
            "flows.csv",
            "--value",
            "trade",
            "--subject",
            "CHN",
            "--format",
            "markdown",
        ],
        Some("markdown"),
        export,
    );
    // An unknown name fails the same way (usage, 2) either way.
    same_as_run(&["indicators", "--subject", "KRO"], None, nothing);
}

#[test]
fn printing_a_request_opens_no_file() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "indicators",
            "--data",
            "missing.csv",
            "--subject",
            "KOR",
            "--print-request",
        ])
        .run_ok();
    assert_eq!(r.value()["data"]["path"], "missing.csv");
    let r = d
        .hallyu([
            "ingest",
            "series",
            "missing.csv",
            "--out",
            "trade",
            "--print-request",
        ])
        .run_ok();
    assert_eq!(r.value()["kind"], "series");
    assert!(!d.join("trade").exists(), "nothing is written");
    // Running it is where the file is missed.
    d.write("request.json", r.stdout);
    d.hallyu(["run", "request.json"]).run_err();
}

#[test]
fn projections_and_claims() {
    same_as_run(
        &[
            "project", "--start", "2021:8.1", "--end", "2031", "--cagr", "7.3",
        ],
        None,
        nothing,
    );
    // A claim whose numbers disagree: printed, exit status 3, both ways.
    let request = same_as_run(
        &[
            "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "-f", "json",
        ],
        Some("json"),
        nothing,
    );
    assert_eq!(request["end_value"], "20");
}

#[test]
fn reproduction_and_reference_tables() {
    same_as_run(&["reproduce", "--chapter", "2", "-q"], None, nothing);
    same_as_run(&["reproduce", "--chapter", "7"], None, nothing);
    same_as_run(
        &["data", "blocs", "--year", "1999", "-f", "json"],
        Some("json"),
        nothing,
    );
    same_as_run(&["data", "countries", "-f", "csv"], Some("csv"), nothing);
    same_as_run(&["data", "groups"], None, nothing);
}

#[test]
fn ingest_and_dataset_checks() {
    let series = |d: &Dir| {
        d.write(
            "kocca.csv",
            "country,year,sector,flow,value,unit\nKOR,2020,games,export,100.5,USD\nKOR,2021,games,export,120,USD\n",
        );
    };
    same_as_run(
        &[
            "ingest",
            "series",
            "kocca.csv",
            "--out",
            "trade",
            "-f",
            "json",
        ],
        Some("json"),
        series,
    );
    let ingested = |d: &Dir| {
        series(d);
        d.hallyu(["ingest", "series", "kocca.csv", "--out", "trade", "-q"])
            .run_ok();
    };
    same_as_run(&["dataset", "verify", "trade"], None, ingested);
    same_as_run(
        &["dataset", "verify", "trade", "-f", "json"],
        Some("json"),
        ingested,
    );
    // A stray file: the report says so and the status is 1 both ways.
    let stray = |d: &Dir| {
        ingested(d);
        d.write("trade/year=2020/stray.parquet", "not parquet");
    };
    same_as_run(&["dataset", "verify", "trade"], None, stray);
}

#[test]
fn run_refuses_what_is_not_a_request() {
    let d = Dir::new();
    d.write(
        "bad.json",
        r#"{"capability": "indicators", "subjekt": "KOR"}"#,
    );
    let r = d.hallyu(["run", "bad.json"]).run_usage_line();
    assert!(r.message().contains("unknown field `subjekt`"), "{r}");
    d.write(
        "newer.json",
        r#"{"capability": "projection", "version": 9, "start_year": 2020, "end_year": 2021}"#,
    );
    let r = d.hallyu(["run", "newer.json"]).run_usage_line();
    assert!(r.message().contains("request version 9"), "{r}");
    d.write("text.json", "trade ~ rta");
    d.hallyu(["run", "text.json"]).run_usage_line();
    d.hallyu(["run", "absent.json"]).run_err_line();
}

#[test]
fn a_format_a_response_has_no_rendering_in_is_a_usage_error() {
    let d = Dir::new();
    d.write(
        "groups.json",
        r#"{"capability": "reference", "version": 1, "table": "groups"}"#,
    );
    let r = d
        .hallyu(["run", "groups.json", "--format", "markdown"])
        .run_usage_line();
    assert_eq!(
        r.message(),
        "reference tables are written as table, json or csv, not Markdown"
    );
    assert!(r.stdout.is_empty(), "{r}");
    d.write(
        "report.json",
        r#"{"capability": "report", "draws": 0, "claims": []}"#,
    );
    let r = d
        .hallyu(["run", "report.json", "--format", "csv", "-q"])
        .run_usage_line();
    assert_eq!(
        r.message(),
        "a report is written as html, json or markdown, not Csv"
    );
}

#[test]
fn scenarios() {
    let scenario = |d: &Dir| {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/kor_asean_rta.toml"),
        )
        .expect("example scenario");
        d.write("kor.toml", text);
    };
    let request = same_as_run(&["simulate", "kor.toml", "-q"], None, scenario);
    assert_eq!(request["capability"], "scenario");
    assert_eq!(request["data"]["kind"], "embedded");
    assert_eq!(request["scenario"]["baseline"]["year"], 2006);
    same_as_run(
        &[
            "simulate", "kor.toml", "-q", "--method", "geppml", "-f", "csv",
        ],
        Some("csv"),
        scenario,
    );
    // A scenario naming a country the data does not have: usage (2) both ways.
    let unknown = |d: &Dir| {
        scenario(d);
        let text = d.read("kor.toml").replace("\"KOR\"", "\"KRO\"");
        d.write("kor.toml", text);
    };
    same_as_run(&["simulate", "kor.toml", "-q"], None, unknown);
}

#[test]
fn fits() {
    let formula = "trade ~ log(dist) + cntg + lang + clny | exporter + importer";
    let request = same_as_run(
        &[
            "fepois",
            formula,
            "--where",
            "year == 2006 and exporter != importer",
            "--vcov",
            "hetero",
            "-q",
        ],
        None,
        nothing,
    );
    assert_eq!(request["capability"], "fit");
    assert_eq!(request["estimator"], "fepois");
    assert_eq!(request["vcov"], serde_json::json!(["hetero"]));
    same_as_run(
        &[
            "feols",
            "log(trade) ~ log(dist) + cntg",
            "log(trade) ~ log(dist) + cntg + lang | exporter",
            "--where",
            "trade > 0 and year == 2006",
            "--cluster",
            "exporter",
            "-f",
            "json",
        ],
        Some("json"),
        nothing,
    );
    // A formula that does not parse: usage (2) both ways.
    same_as_run(&["fepois", "trade ~ ", "-q"], None, nothing);
    // An unknown variance is not a request at all: usage (2), with the nearest name.
    let d = Dir::new();
    for extra in [None, Some("--print-request")] {
        let mut c = d.hallyu(["fepois", formula, "--vcov", "hetro"]);
        c.args(extra);
        let r = c.run_usage_line();
        assert!(r.message().contains("did you mean `hetero`?"), "{r}");
    }
}

#[test]
fn several_variances_come_from_one_estimation() {
    let d = Dir::new();
    let formula = "trade ~ log(dist) + cntg | exporter + importer";
    let selection = "year == 2006 and exporter != importer";
    let both = d
        .hallyu(["fepois", formula, "--where", selection, "-q", "-f", "json"])
        .args(["--vcov", "hetero", "--vcov", "cluster:pair_id"])
        .run_ok()
        .value();
    let fits = both.as_array().expect("two fits");
    assert_eq!(fits.len(), 2);
    assert_eq!(fits[0]["vcov"], "hetero");
    assert_eq!(fits[1]["vcov"], "cluster(pair_id)");
    // Each equals the fit estimated under that variance alone.
    for (i, vcov) in ["hetero", "cluster:pair_id"].iter().enumerate() {
        let alone = d
            .hallyu([
                "fepois", formula, "--where", selection, "-q", "-f", "json", "--vcov", vcov,
            ])
            .run_ok()
            .value();
        assert_eq!(fits[i]["coefficients"], alone["coefficients"], "{vcov}");
        assert_eq!(fits[i]["vcov_matrix"], alone["vcov_matrix"], "{vcov}");
    }
    // The same coefficients under both, different standard errors.
    assert_eq!(
        fits[0]["coefficients"][0]["estimate"],
        fits[1]["coefficients"][0]["estimate"]
    );
    assert_ne!(
        fits[0]["coefficients"][0]["std_error"],
        fits[1]["coefficients"][0]["std_error"]
    );
}

#[test]
fn reports() {
    let request = same_as_run(
        &[
            "report", "--draws", "0", "-q", "-f", "json", "--peers", "JPN",
        ],
        Some("json"),
        nothing,
    );
    assert_eq!(request["capability"], "report");
    same_as_run(
        &[
            "report",
            "--draws",
            "0",
            "-q",
            "-f",
            "markdown",
            "--country",
            "KRO",
        ],
        Some("markdown"),
        nothing,
    );
}
