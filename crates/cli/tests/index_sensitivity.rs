//! `hallyu index sensitivity --indices` and `--replay`: replayed runs equal builds made
//! directly with those choices; a Saltelli design written out and replayed gives the same
//! runs and indices; what cannot be estimated is said.

mod util;

use std::path::PathBuf;
use util::Dir;

fn asem(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../index/tests/data/coinr_asem")
        .join(name)
        .display()
        .to_string()
}

fn json(run: &util::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).expect("json")
}

/// The index rank of every unit from a build's JSON.
fn build_ranks(v: &serde_json::Value) -> std::collections::HashMap<String, Option<u64>> {
    v["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().expect("unit").to_string(),
                u["rank"].as_u64(),
            )
        })
        .collect()
}

/// `hallyu index ACTION` on COINr's data with the framework `meta`, group-mean imputation
/// and min-max 1-100 unless `extra` says otherwise; its JSON.
fn index(dir: &Dir, action: &str, meta: &str, extra: &[&str]) -> serde_json::Value {
    let data = asem("ASEM_iData.csv");
    let mut args = vec![
        "index",
        action,
        "--data",
        data.as_str(),
        "--meta",
        meta,
        "--impute",
        "group-mean:EurAsia_group",
        "--normalise",
        "minmax:1,100",
        "--format",
        "json",
        "-q",
    ];
    // A flag given again replaces the default's (clap takes each once).
    if extra.contains(&"--normalise") {
        let i = args.iter().position(|a| *a == "--normalise").expect("flag");
        args.drain(i..i + 2);
    }
    args.extend_from_slice(extra);
    json(&dir.hallyu(args).run_ok())
}

fn sensitivity(dir: &Dir, meta: &str, extra: &[&str]) -> serde_json::Value {
    index(dir, "sensitivity", meta, extra)
}

fn build(dir: &Dir, meta: &str, extra: &[&str]) -> serde_json::Value {
    index(dir, "build", meta, extra)
}

/// Each replayed run's ranks equal those of a build with the same methods, framework and
/// weights, made from scratch by `hallyu index build`.
#[test]
fn replayed_runs_equal_builds_made_directly() {
    let dir = Dir::new();
    let meta = asem("ASEM_iMeta.csv");
    let replay = dir.write(
        "runs.csv",
        "run,normalise,aggregate,drop,w:Physical,w:Conn\n\
         1,rank,amean,,,\n\
         2,minmax:1,100,gmean,LPI,,\n\
         3,,,,3,0.5\n"
            .replace("minmax:1,100", "\"minmax:1,100\""),
    );
    let v = sensitivity(
        &dir,
        &meta,
        &["--replay", replay.to_str().expect("path"), "--keep-runs"],
    );
    let s = &v["sensitivity"];
    assert_eq!(s["design"], "replay");
    assert_eq!(s["runs"], 3);
    let units: Vec<String> = s["run_units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u.as_str().expect("unit").to_string())
        .collect();
    let run_ranks = |k: usize| -> std::collections::HashMap<String, Option<u64>> {
        units
            .iter()
            .zip(s["run_ranks"][k].as_array().expect("ranks"))
            .map(|(u, r)| (u.clone(), r.as_u64()))
            .collect()
    };
    // Run 1: rank normalisation.
    let direct = build_ranks(&build(&dir, &meta, &["--normalise", "rank"]));
    assert_eq!(run_ranks(0), direct);
    // Run 2: geometric mean without LPI (a framework without its row).
    let text = std::fs::read_to_string(&meta).expect("meta");
    let without: String = text
        .lines()
        .filter(|l| !l.contains("\"LPI\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let no_lpi = dir.write("no_lpi.csv", without);
    let direct = build_ranks(&build(
        &dir,
        no_lpi.to_str().expect("path"),
        &["--aggregate", "gmean"],
    ));
    assert_eq!(run_ranks(1), direct);
    // Run 3: Physical weighs 3 and Conn 0.5 (a framework with those weights).
    let mut reweighted = String::new();
    let mut r = csv::Reader::from_path(&meta).expect("meta");
    let header = r.headers().expect("header").clone();
    let (code, weight) = (
        header.iter().position(|h| h == "iCode").expect("iCode"),
        header.iter().position(|h| h == "Weight").expect("Weight"),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("header");
    for rec in r.records() {
        let rec = rec.expect("record");
        let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
        match &fields[code][..] {
            "Physical" => fields[weight] = "3".into(),
            "Conn" => fields[weight] = "0.5".into(),
            _ => {}
        }
        w.write_record(&fields).expect("record");
    }
    reweighted.push_str(&String::from_utf8(w.into_inner().expect("csv")).expect("utf8"));
    let reweighted = dir.write("reweighted.csv", reweighted);
    let direct = build_ranks(&build(&dir, reweighted.to_str().expect("path"), &[]));
    assert_eq!(run_ranks(2), direct);
    // And it is not the nominal build (the comparison can fail).
    assert_ne!(run_ranks(2), build_ranks(&build(&dir, &meta, &[])));
}

/// A Saltelli design written out as a replay file gives the same runs and the same
/// indices; the indices are shares of variance with total ≥ 0.
#[test]
fn a_saltelli_design_replayed_gives_the_same_indices() {
    let dir = Dir::new();
    let meta = asem("ASEM_iMeta.csv");
    let design = [
        "--indices",
        "--runs",
        "30",
        "--alt-normalise",
        "minmax:1,100",
        "--alt-normalise",
        "rank",
        "--alt-aggregate",
        "amean",
        "--alt-aggregate",
        "gmean",
        "--drop-indicators",
        "--bootstrap",
        "50",
        "--keep-runs",
    ];
    let first = sensitivity(&dir, &meta, &design);
    let s = &first["sensitivity"];
    assert_eq!(s["design"], "saltelli");
    // d = 3 inputs: N·(d + 2) runs.
    assert_eq!(s["runs"], 30 * 5);
    let inputs: Vec<&str> = s["indices"]
        .as_array()
        .expect("indices")
        .iter()
        .map(|i| i["input"].as_str().expect("input"))
        .collect();
    assert_eq!(inputs, ["normalise", "aggregate", "drop"]);
    for i in s["indices"].as_array().expect("indices") {
        assert!(i["total"].as_f64().expect("total") >= 0.0, "{i}");
        assert!(i["first_order_low"].as_f64() <= i["first_order_high"].as_f64());
    }
    let mut file = String::from("normalise,aggregate,drop\n");
    for c in s["choices"].as_array().expect("choices") {
        let method = |v: &serde_json::Value| match v["method"].as_str().expect("method") {
            "minmax" => format!("\"minmax:{},{}\"", v["lo"], v["hi"]),
            other => other.to_string(),
        };
        file.push_str(&format!(
            "{},{},{}\n",
            method(&c["normalise"]),
            c["aggregate"].as_str().expect("aggregate"),
            c["dropped"].as_str().unwrap_or("")
        ));
    }
    let replay = dir.write("design.csv", file);
    let again = sensitivity(
        &dir,
        &meta,
        &[
            "--indices",
            "--replay",
            replay.to_str().expect("path"),
            "--bootstrap",
            "50",
            "--keep-runs",
        ],
    );
    let t = &again["sensitivity"];
    assert_eq!(t["design"], "replay");
    assert_eq!(t["run_ranks"], s["run_ranks"]);
    assert_eq!(t["indices"], s["indices"]);
    assert_eq!(t["units"], s["units"]);
}

#[test]
fn what_cannot_be_estimated_is_said() {
    let dir = Dir::new();
    let data = asem("ASEM_iData.csv");
    let meta = asem("ASEM_iMeta.csv");
    // One uncertain input: no indices to share variance between.
    dir.hallyu([
        "index",
        "sensitivity",
        "--data",
        data.as_str(),
        "--meta",
        meta.as_str(),
        "--indices",
        "--runs",
        "10",
        "--drop-indicators",
    ])
    .run_usage()
    .assert_stderr_contains("at least two uncertain inputs");
    // Geometric means of scores from zero fail: the indices say why they are missing.
    let v = sensitivity(
        &dir,
        &meta,
        &[
            "--normalise",
            "minmax:0,100",
            "--indices",
            "--runs",
            "10",
            "--alt-aggregate",
            "amean",
            "--alt-aggregate",
            "gmean",
            "--drop-indicators",
        ],
    );
    let why = v["sensitivity"]["indices_undefined"].as_str().expect("why");
    assert!(why.contains("could not be built"), "{why}");
    // A replay column that names nothing.
    let bad = dir.write("bad.csv", "w:Physcal\n1\n");
    dir.hallyu([
        "index",
        "sensitivity",
        "--data",
        data.as_str(),
        "--meta",
        meta.as_str(),
        "--replay",
        bad.to_str().expect("path"),
    ])
    .run_usage()
    .assert_stderr_contains("did you mean `w:Physical`");
}
