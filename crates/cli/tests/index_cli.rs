//! `hallyu index build` on COINr's example (ASEM connectivity): the command of COINr's
//! default build prints every data set COINr computed, and the scores and ranks, to 1e-9;
//! methods and names that cannot be used are usage errors naming them.

mod util;

use std::path::PathBuf;
use util::{close_1e9, read_unit_csv, Dir};

fn asem(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../index/tests/data/coinr_asem")
        .join(name)
}

/// The flags of COINr's example build.
fn default_build(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "index".into(),
        "build".into(),
        "--data".into(),
        asem("ASEM_iData.csv").display().to_string(),
        "--meta".into(),
        asem("ASEM_iMeta.csv").display().to_string(),
        "--denominate".into(),
        "meta".into(),
        "--impute".into(),
        "group-mean:EurAsia_group".into(),
        "--screen".into(),
        "0.9".into(),
        "--treat".into(),
        "default".into(),
        "--normalise".into(),
        "minmax:0,100".into(),
        "--aggregate".into(),
        "amean".into(),
    ];
    // A flag given again replaces the default build's value (clap takes each once).
    for pair in extra.chunks(2) {
        match args.iter().position(|a| a == pair[0]) {
            Some(i) if pair.len() == 2 => args[i + 1] = pair[1].to_string(),
            _ => args.extend(pair.iter().map(|s| s.to_string())),
        }
    }
    args
}

#[test]
fn every_data_set_printed_equals_coinrs() {
    let dir = Dir::new();
    for name in [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ] {
        let r = dir
            .hallyu(default_build(&["--dataset", name, "--format", "csv"]))
            .run_ok();
        let ours = read_unit_csv(&r.stdout);
        let theirs = read_unit_csv(
            &std::fs::read_to_string(asem(&format!("default/{name}.csv"))).expect("reference"),
        );
        assert_eq!(ours.len(), theirs.len(), "{name}: units");
        for (unit, cols) in &theirs {
            let mine = ours
                .get(unit)
                .unwrap_or_else(|| panic!("{name}: no unit {unit}"));
            assert_eq!(mine.len(), cols.len(), "{name}: columns of {unit}");
            for (col, want) in cols {
                let got = mine[col];
                assert!(
                    close_1e9(got, *want),
                    "{name} {unit} {col}: {got} vs COINr {want}"
                );
            }
        }
    }
}

#[test]
fn scores_and_ranks_equal_coinrs_in_csv_and_json() {
    let dir = Dir::new();
    let r = dir.hallyu(default_build(&["--format", "csv"])).run_ok();
    let ours = read_unit_csv(&r.stdout);
    let scores = read_unit_csv(
        &std::fs::read_to_string(asem("default/results_scores.csv")).expect("scores"),
    );
    let ranks =
        read_unit_csv(&std::fs::read_to_string(asem("default/results_ranks.csv")).expect("ranks"));
    for (unit, cols) in &scores {
        let mine = &ours[unit];
        assert_eq!(mine["Rank"], cols["Rank"], "{unit}");
        for code in [
            "Index",
            "Conn",
            "Sust",
            "Physical",
            "ConEcFin",
            "Political",
            "Instit",
            "P2P",
            "Environ",
            "Social",
            "SusEcFin",
        ] {
            assert!(close_1e9(mine[code], cols[code]), "{unit} {code}");
            assert_eq!(
                mine[&format!("Rank_{code}")],
                ranks[unit][code],
                "rank of {code} for {unit}"
            );
        }
    }
    let r = dir.hallyu(default_build(&["--format", "json"])).run_ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["index"], "Index");
    assert_eq!(v["units"][0]["unit"], "CHE");
    assert_eq!(v["units"][0]["rank"], 1);
    assert_eq!(v["treated"].as_array().map(Vec::len), Some(15));
    // The human table names the steps and the winsorised points.
    let r = dir.hallyu(default_build(&[])).run_ok();
    r.assert_stdout_contains("CHE")
        .assert_stdout_contains("Bord winsorised (BEL, LUX, SGP)");
    // With --analysis, each group's coherence and the flag COINr's example is known for.
    let r = dir.hallyu(default_build(&["--analysis"])).run_ok();
    r.assert_stdout_contains("Cronbach's alpha")
        .assert_stdout_contains("flag TBTs: negatively correlated with its parent Instit");
}

#[test]
fn methods_and_names_that_cannot_be_used_are_usage_errors() {
    let dir = Dir::new();
    let r = dir
        .hallyu(default_build(&["--dataset", "Treatd"]))
        .run_usage();
    r.assert_stderr_contains("Treated");
    let mut args = default_build(&[]);
    let i = args
        .iter()
        .position(|a| a == "group-mean:EurAsia_group")
        .expect("impute");
    args[i] = "group-mean:Region".into();
    dir.hallyu(args)
        .run_usage()
        .assert_stderr_contains("Region");
    dir.hallyu(default_build(&["--normalise", "minmax:100,0"]))
        .run_usage();
    dir.hallyu(default_build(&["--aggregate", "median"]))
        .run_usage()
        .assert_stderr_contains("amean");
    // A framework naming an indicator the data lacks.
    let meta = std::fs::read_to_string(asem("ASEM_iMeta.csv")).expect("meta");
    let broken = dir.write("meta.csv", meta.replace("\"LPI\"", "\"LPIX\""));
    let mut args = default_build(&[]);
    let i = args
        .iter()
        .position(|a| a.ends_with("ASEM_iMeta.csv"))
        .expect("meta");
    args[i] = broken.display().to_string();
    dir.hallyu(args).run_usage().assert_stderr_contains("LPIX");
    // Geometric means of min-max scores that start at zero: an error naming what is zero.
    dir.hallyu(default_build(&["--aggregate", "gmean"]))
        .run_err()
        .assert_stderr_contains("positive");
}

#[test]
fn the_rank_analysis_is_reproducible_and_drawn_in_html() {
    let dir = Dir::new();
    let analysis = |seed: &str, format: &str| {
        let mut args = default_build(&["--format", format]);
        args[1] = "sensitivity".into();
        args.extend(
            [
                "--runs",
                "300",
                "--seed",
                seed,
                "--weight-noise",
                "0.25",
                "--alt-normalise",
                "minmax:0,100",
                "--alt-normalise",
                "rank",
                "--drop-indicators",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        dir.hallyu(args).run_ok().stdout
    };
    let a = analysis("5", "csv");
    assert_eq!(
        a,
        analysis("5", "csv"),
        "the same seed gives the same ranks"
    );
    assert_ne!(a, analysis("6", "csv"));
    let rows = read_unit_csv(&a);
    assert_eq!(rows.len(), 51);
    for (unit, r) in &rows {
        assert!(
            r["p05"] <= r["median"] && r["median"] <= r["p95"],
            "{unit}: {r:?}"
        );
    }
    assert_eq!(rows["CHE"]["nominal"], 1.0);
    let v: serde_json::Value = serde_json::from_str(&analysis("5", "json")).expect("json");
    assert_eq!(v["sensitivity"]["runs"], 300);
    assert_eq!(v["sensitivity"]["units"].as_array().map(Vec::len), Some(51));
    let html = analysis("5", "html");
    assert!(
        html.contains("<svg") && html.contains("class=\"interval\""),
        "a rank chart with intervals"
    );
    let mut bad = default_build(&["--runs", "0"]);
    bad[1] = "sensitivity".into();
    dir.hallyu(bad).run_usage().assert_stderr_contains("runs");
}
