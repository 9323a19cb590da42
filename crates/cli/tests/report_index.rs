//! `hallyu report --index`: the composite-index section (the country's rank and scores,
//! the best-ranked units, the heat map of normalised indicators), its call run alone, and
//! the index's own command giving the same rank.

mod util;

use std::path::Path;
use util::Dir;

/// The section `id` of a report's JSON.
fn section<'a>(report: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    report["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == id)
}

/// The rank of `unit` in an index result's JSON.
fn rank_of(result: &serde_json::Value, unit: &str) -> Option<u64> {
    result["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"] == unit)
        .and_then(|u| u["rank"].as_u64())
}

/// COINr's example tables shipped with the index crate's tests.
fn asem(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../index/tests/data/coinr_asem")
        .join(file)
        .display()
        .to_string()
}

#[test]
fn the_example_index_places_the_country_as_the_index_command_does() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "report", "--index", "example", "--draws", "0", "-q", "--format", "json",
        ])
        .run_ok()
        .value();
    let s = section(&r, "index").expect("an index section");
    assert_eq!(s["title"], "Composite index");
    let calls = s["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call["request"]["capability"], "index");
    assert_eq!(call["request"]["dataset"], "Normalised");
    assert_eq!(call["request"]["trade"]["kind"], "embedded");
    let inside = &call["response"]["result"];
    assert_eq!(inside["dataset"]["name"], "Normalised");
    let rank = rank_of(inside, "KOR").expect("KOR has a rank");

    // The index's own command gives KOR the same rank.
    let alone = d
        .hallyu(["index", "build", "--format", "json", "-q"])
        .run_ok()
        .value();
    assert_eq!(rank_of(&alone, "KOR"), Some(rank));
    assert_eq!(alone["units"], inside["units"]);

    // `hallyu run` of the section's call gives the section's response.
    d.write(
        "request.json",
        serde_json::to_string(&call["request"]).expect("json"),
    );
    let run = d
        .hallyu(["run", "request.json", "--format", "json", "-q"])
        .run_ok()
        .value();
    assert_eq!(&run, inside);

    // The page: the section, KOR's rank among the units, the heat map with KOR
    // highlighted and the note on the rows drawn.
    d.hallyu([
        "report",
        "--index",
        "example",
        "--draws",
        "0",
        "-q",
        "--out",
        "report.html",
    ])
    .run_ok();
    let html = d.read("report.html");
    let units = inside["units"].as_array().expect("units").len();
    let ranked = inside["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["rank"].is_u64())
        .count();
    for part in [
        "<h2>Composite index</h2>".to_string(),
        format!("KOR ranks {rank} of {ranked} units on Scoreboard"),
        "Scoreboard: the 10 best-ranked units".to_string(),
        "<desc>Heat map of normalised score by rank and unit".to_string(),
        format!("Highlighted: {rank} KOR."),
        format!("font-weight=\"bold\">{rank} KOR</text>"),
        format!("The map draws the first 30 of {units} rows"),
        "the example scoreboard (not an official index)".to_string(),
    ] {
        assert!(html.contains(&part), "{part} missing");
    }
    assert_eq!(html.matches("class=\"highlight\"").count(), 1);
    // Markdown has the section too, its heat map as a table.
    let md = d
        .hallyu([
            "report", "--index", "example", "--draws", "0", "-q", "--format", "markdown",
        ])
        .run_ok()
        .stdout;
    assert!(md.contains("## Composite index"), "{md}");
    assert!(md.contains(&format!("KOR ranks {rank} of {ranked} units")));
}

#[test]
fn a_coinr_framework_places_the_country_and_a_country_outside_it_is_said() {
    let d = Dir::new();
    // COINr's ASEM example has Korea among its units.
    let r = d
        .hallyu([
            "report",
            "--index-meta",
            asem("ASEM_iMeta.csv").as_str(),
            "--index-data",
            asem("ASEM_iData.csv").as_str(),
            "--draws",
            "0",
            "-q",
            "--format",
            "json",
        ])
        .run_ok()
        .value();
    let s = section(&r, "index").expect("an index section");
    let inside = &s["calls"][0]["response"]["result"];
    let alone = d
        .hallyu([
            "index",
            "build",
            "--meta",
            asem("ASEM_iMeta.csv").as_str(),
            "--data",
            asem("ASEM_iData.csv").as_str(),
            "--format",
            "json",
            "-q",
        ])
        .run_ok()
        .value();
    let rank = rank_of(inside, "KOR").expect("KOR is in ASEM");
    assert_eq!(rank_of(&alone, "KOR"), Some(rank));

    // A native framework whose units do not include KOR: the section says so and the
    // rest of the report is written.
    let framework = d.write(
        "framework.toml",
        "[index]\ncode = \"Small\"\nname = \"A small index\"\n\n\
         [[aggregate]]\ncode = \"P\"\nname = \"Pillar\"\nparent = \"Small\"\n\n\
         [[indicator]]\ncode = \"a\"\nname = \"a\"\nparent = \"P\"\n\n\
         [[indicator]]\ncode = \"b\"\nname = \"b\"\nparent = \"P\"\n",
    );
    let units = d.write(
        "units.csv",
        "uCode,uName,a,b\nAAA,Aland,1,2\nBBB,Bland,2,NA\nCCC,Cland,3,4\n",
    );
    let r = d
        .hallyu([
            "report",
            "--index",
            framework.to_str().expect("utf-8"),
            "--index-data",
            units.to_str().expect("utf-8"),
            "--draws",
            "0",
            "-q",
            "--format",
            "json",
        ])
        .run_ok()
        .value();
    let s = section(&r, "index").expect("an index section");
    assert!(
        s["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n == "KOR is not among the index's 3 units: it has no rank or score on it."),
        "{}",
        s["notes"]
    );
    assert!(s["calls"][0]["response"].is_object());
    assert!(section(&r, "claims").is_some_and(|c| c["calls"][0]["response"].is_object()));
    assert_eq!(r["warnings"], serde_json::json!([]));
    d.hallyu([
        "report",
        "--index",
        framework.to_str().expect("utf-8"),
        "--index-data",
        units.to_str().expect("utf-8"),
        "--draws",
        "0",
        "-q",
        "--out",
        "small.html",
    ])
    .run_ok();
    let page = d.read("small.html");
    assert!(
        page.contains("KOR is not among the index&#39;s 3 units"),
        "not said"
    );
    // The heat map of the three units, the missing value drawn as missing.
    assert!(page.contains("<title>2 BBB, b: missing</title>"));
    assert!(!page.contains("class=\"highlight\""));
}

#[test]
fn index_flags_that_do_not_go_together_are_usage_errors() {
    let d = Dir::new();
    for (args, says) in [
        (
            &["--index-data", "units.csv"][..],
            "--index-data needs its framework",
        ),
        (&["--index", "framework.toml"][..], "add --index-data"),
        (
            &["--index-meta", "meta.csv"][..],
            "--index-meta needs the unit data",
        ),
        (
            &["--index", "example", "--index-data", "units.csv"][..],
            "leave out --index-data",
        ),
        (
            &[
                "--index",
                "f.toml",
                "--index-meta",
                "m.csv",
                "--index-data",
                "u.csv",
            ][..],
            "not both",
        ),
    ] {
        let mut c = d.hallyu(["report", "-q", "--draws", "0", "--format", "json"]);
        c.args(args);
        let r = c.run_code(2);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
    // Without any --index flag, no index section.
    let r = d
        .hallyu(["report", "-q", "--draws", "0", "--format", "json"])
        .run_ok()
        .value();
    assert!(section(&r, "index").is_none());
}
