//! `hallyu index build FRAMEWORK.toml`: COINr's example written as a native framework gives
//! COINr's build; the framework's steps run in its order and flags override them; the
//! embedded example scoreboard runs with no file and its indicators are `hallyu indicators`'
//! numbers; broken frameworks are usage errors naming the file, the line or the node.

mod util;

use std::fmt::Write as _;
use std::path::PathBuf;
use util::{close_1e9, csv_header, product_level_dataset, read_unit_csv, Dir};

fn asem(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../index/tests/data/coinr_asem")
        .join(name)
}

/// COINr's iMeta table written as a native framework, with `steps` appended.
fn asem_toml(steps: &str) -> String {
    let mut r = csv::Reader::from_path(asem("ASEM_iMeta.csv")).expect("iMeta");
    let header = csv_header(&mut r);
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (kind, code, name, dir, weight, den, parent) = (
        col("Type"),
        col("iCode"),
        col("iName"),
        col("Direction"),
        col("Weight"),
        col("Denominator"),
        col("Parent"),
    );
    let mut groups = Vec::new();
    let mut denominators = Vec::new();
    let mut body = String::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        let field = |i: usize| rec.get(i).unwrap_or("").to_string();
        let present = |v: &str| !v.is_empty() && v != "NA";
        match field(kind).as_str() {
            "Group" => groups.push(format!("{:?}", field(code))),
            "Denominator" => denominators.push(format!("{:?}", field(code))),
            k @ ("Indicator" | "Aggregate") => {
                let p = field(parent);
                if !present(&p) {
                    let _ = write!(
                        body,
                        "[index]\ncode = {:?}\nname = {:?}\n\n",
                        field(code),
                        field(name)
                    );
                    continue;
                }
                let table = if k == "Indicator" {
                    "indicator"
                } else {
                    "aggregate"
                };
                let _ = write!(
                    body,
                    "[[{table}]]\ncode = {:?}\nname = {:?}\nparent = {p:?}\nweight = {}\n",
                    field(code),
                    field(name),
                    field(weight)
                );
                if k == "Indicator" {
                    let _ = writeln!(body, "direction = {}", field(dir));
                    let d = field(den);
                    if present(&d) {
                        let _ = writeln!(body, "denominator = {d:?}");
                    }
                }
                body.push('\n');
            }
            other => panic!("type {other}"),
        }
    }
    format!(
        "groups = [{}]\ndenominators = [{}]\n\n{body}{steps}",
        groups.join(", "),
        denominators.join(", ")
    )
}

const COINR_STEPS: &str = r#"
[[step]]
denominate = "meta"
[[step]]
impute = "group-mean:EurAsia_group"
[[step]]
screen = 0.9
[[step]]
treat = "default"
[[step]]
normalise = "minmax:0,100"
[[step]]
aggregate = "amean"
"#;

fn build(dir: &Dir, framework: &std::path::Path, extra: &[&str]) -> util::Run {
    let mut args = vec![
        "index".to_string(),
        "build".into(),
        framework.display().to_string(),
        "--data".into(),
        asem("ASEM_iData.csv").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    dir.hallyu(args).run_ok()
}

#[test]
fn coinrs_example_as_a_native_framework_gives_coinrs_build() {
    let dir = Dir::new();
    let fw = dir.write("asem.toml", asem_toml(COINR_STEPS));
    let ours = read_unit_csv(&build(&dir, &fw, &["--format", "csv"]).stdout);
    let scores = read_unit_csv(
        &std::fs::read_to_string(asem("default/results_scores.csv")).expect("scores"),
    );
    assert_eq!(ours.len(), scores.len());
    for (unit, cols) in &scores {
        assert_eq!(ours[unit]["Rank"], cols["Rank"], "{unit}");
        for (code, want) in cols {
            if let Some(got) = ours[unit].get(code) {
                assert!(
                    close_1e9(*got, *want),
                    "{unit} {code}: {got} vs COINr {want}"
                );
            }
        }
        assert!(close_1e9(ours[unit]["Index"], cols["Index"]), "{unit}");
    }
    let treated =
        read_unit_csv(&build(&dir, &fw, &["--dataset", "Treated", "--format", "csv"]).stdout);
    let theirs =
        read_unit_csv(&std::fs::read_to_string(asem("default/Treated.csv")).expect("Treated"));
    for (unit, cols) in &theirs {
        for (col, want) in cols {
            let got = treated[unit][col];
            assert!(
                close_1e9(got, *want),
                "Treated {unit} {col}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn a_flag_overrides_the_frameworks_step_and_unlisted_steps_do_not_run() {
    let dir = Dir::new();
    let fw = dir.write("asem.toml", asem_toml(COINR_STEPS));
    let index_of = |run: &util::Run, unit: &str| read_unit_csv(&run.stdout)[unit]["Index"];
    let coinr = build(&dir, &fw, &["--format", "csv"]);
    let untreated = build(&dir, &fw, &["--format", "csv", "--treat", "none"]);
    // COINr's CHE is 68.3837...; without the treatment the index moves.
    assert!(close_1e9(index_of(&coinr, "CHE"), 68.383_724_238_341_71));
    assert!(!close_1e9(
        index_of(&untreated, "CHE"),
        68.383_724_238_341_71
    ));
    // The same as a framework whose steps leave treatment out.
    let no_treat = dir.write(
        "no_treat.toml",
        asem_toml(&COINR_STEPS.replace("[[step]]\ntreat = \"default\"\n", "")),
    );
    let listed = build(&dir, &no_treat, &["--format", "csv"]);
    assert_eq!(listed.stdout, untreated.stdout);
    // `--screen none` lifts the framework's screening: more units are scored.
    let screened = build(&dir, &fw, &["--format", "csv", "--impute", "none"]);
    let unscreened = build(
        &dir,
        &fw,
        &["--format", "csv", "--impute", "none", "--screen", "none"],
    );
    assert!(read_unit_csv(&unscreened.stdout).len() > read_unit_csv(&screened.stdout).len());
    // Treatment before imputation, as the file orders it: its own data set order.
    let reordered = dir.write(
        "reordered.toml",
        asem_toml(
            "[[step]]\ntreat = \"default\"\n[[step]]\nimpute = \"group-mean:EurAsia_group\"\n",
        ),
    );
    let run = build(
        &dir,
        &reordered,
        &["--dataset", "Treated", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    let treated_at = steps.iter().position(|s| s.starts_with("treated"));
    let imputed_at = steps.iter().position(|s| s.starts_with("imputed"));
    assert!(treated_at < imputed_at, "{steps:?}");
}

#[test]
fn broken_frameworks_are_usage_errors_naming_file_line_and_node() {
    let dir = Dir::new();
    let data = asem("ASEM_iData.csv").display().to_string();
    let run = |name: &str, text: String| {
        let fw = dir.write(name, text);
        dir.hallyu([
            "index",
            "build",
            fw.to_str().expect("path"),
            "--data",
            data.as_str(),
        ])
        .run_usage()
    };
    let misspelt = asem_toml("").replacen("direction = 1", "direktion = 1", 1);
    run("misspelt.toml", misspelt)
        .assert_stderr_contains("misspelt.toml")
        .assert_stderr_contains("direktion")
        .assert_stderr_contains("line");
    let cycle = asem_toml("").replacen("parent = \"Conn\"", "parent = \"Physical\"", 1);
    run("cycle.toml", cycle).assert_stderr_contains("cycle");
    let orphan = asem_toml("").replacen("parent = \"Physical\"", "parent = \"Physicl\"", 1);
    run("orphan.toml", orphan).assert_stderr_contains("did you mean `Physical`");
    let unknown = asem_toml("").replacen("code = \"LPI\"", "code = \"LPIX\"", 1);
    run("unknown.toml", unknown).assert_stderr_contains("LPIX");
    let step = asem_toml("[[step]]\nnormalize = \"rank\"\n");
    run("step.toml", step).assert_stderr_contains("did you mean `normalise`");
    // Unit data without a framework, and a framework without unit data.
    dir.hallyu(["index", "build", "--data", data.as_str()])
        .run_usage()
        .assert_stderr_contains("framework");
    let fw = dir.write("ok.toml", asem_toml(""));
    dir.hallyu(["index", "build", fw.to_str().expect("path")])
        .run_usage()
        .assert_stderr_contains("unit data");
}

/// The `hallyu indicators` JSON of a subject.
fn indicators(dir: &Dir, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["indicators", "--format", "json", "--subject"];
    a.extend_from_slice(args);
    serde_json::from_str(&dir.hallyu(a).run_ok().stdout).expect("json")
}

fn year(v: &serde_json::Value, y: i64) -> &serde_json::Value {
    v["years"]
        .as_array()
        .expect("years")
        .iter()
        .find(|e| e["year"] == y)
        .expect("year")
}

#[test]
fn the_example_scoreboard_runs_with_no_file_on_hallyus_own_indicators() {
    let dir = Dir::new();
    let run = dir.hallyu(["index", "build", "--format", "json"]).run_ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["index"], "Scoreboard");
    assert_eq!(
        v["aggregates"],
        serde_json::json!(["Scoreboard", "Performance", "Reach", "Integration"])
    );
    let notes = v["notes"].to_string();
    assert!(notes.contains("not an official index"), "{notes}");
    assert!(
        notes.contains("creative specialisation left out"),
        "{notes}"
    );
    // Every country of the panel with exports has a rank; none is NaN.
    let units = v["units"].as_array().expect("units");
    assert!(units.len() >= 60, "{}", units.len());
    assert!(units.iter().all(|u| u["rank"].is_u64()));
    // The raw indicators are those `hallyu indicators` computes.
    let raw = dir
        .hallyu(["index", "build", "--dataset", "Raw", "--format", "csv"])
        .run_ok();
    let raw = read_unit_csv(&raw.stdout);
    let kor = indicators(&dir, &["KOR"]);
    let k2006 = year(&kor, 2006);
    assert_eq!(
        raw["KOR"]["world_share"],
        k2006["world_share_pct"].as_f64().expect("share")
    );
    assert_eq!(
        raw["KOR"]["partner_hhi"],
        k2006["hhi_partners"].as_f64().expect("hhi")
    );
    let growth = kor["cagr"]
        .as_array()
        .expect("cagr")
        .iter()
        .find(|g| g["series"] == "exports")
        .expect("exports");
    assert_eq!(
        raw["KOR"]["export_growth"],
        growth["cagr_pct"].as_f64().expect("cagr")
    );
    assert_eq!(
        raw["KOR"]["top_market_share"],
        kor["top_partners"]["partners"][0]["share_pct"]
            .as_f64()
            .expect("top")
    );
    // Korea is in none of the blocs in 2006: no integration value, said in the notes.
    assert!(raw["KOR"]["bloc_trade_share"].is_nan());
    let deu = indicators(&dir, &["DEU", "--partner", "eu"]);
    assert_eq!(
        raw["DEU"]["bloc_trade_share"],
        year(&deu, 2006)["partner"]["share_of_trade_pct"]
            .as_f64()
            .expect("share")
    );
}

#[test]
fn the_example_on_a_dataset_with_products_adds_creative_specialisation() {
    let dir = Dir::new();
    product_level_dataset(&dir);
    let run = dir
        .hallyu(["index", "build", "--trade", "trade", "--format", "json"])
        .run_ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert!(v["aggregates"]
        .as_array()
        .expect("aggregates")
        .iter()
        .any(|a| a == "Specialisation"));
    let raw = dir
        .hallyu([
            "index",
            "build",
            "--trade",
            "trade",
            "--dataset",
            "Raw",
            "--format",
            "csv",
        ])
        .run_ok();
    let raw = read_unit_csv(&raw.stdout);
    let vnm = indicators(&dir, &["VNM", "--data", "trade", "--group", "creative"]);
    assert_eq!(
        raw["VNM"]["creative_rca"],
        year(&vnm, 2021)["rca"].as_f64().expect("rca")
    );
}
