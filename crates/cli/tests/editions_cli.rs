//! End-to-end tests of HS editions in `hallyu indicators`: a creative-goods group, defined
//! in HS 2002 and HS 2022, applied to an ingested HS 2017 BACI release through the
//! concordance tables, or refused with the editions that would work. Every expected number
//! is summed here from the rows written below.

mod util;

use serde_json::Value;
use util::Dir;

/// One year of a BACI HS 2017 release (values in thousands of USD): KOR is 410, JPN 392,
/// USA 842. 970110 (paintings) exists in HS 2017 but not in HS 2022 (970121, 970191) nor
/// under that meaning in UNCTAD's HS 2002 list's HS 2022 successors; 970300 (sculpture)
/// became 970310 and 970390; 330499 (make-up) and 490199 (books) are in no visual-arts
/// group.
const Y2020: &str = "\
t,i,j,k,v,q
2020,410,392,970110,10,1
2020,410,842,970110,5,1
2020,410,842,970300,2,1
2020,392,410,970110,3,1
2020,842,392,970110,20,1
2020,410,392,330499,100,1
";

const Y2021: &str = "\
t,i,j,k,v,q
2021,410,392,970110,7,1
2021,392,842,490199,50,1
";

const COUNTRIES: &str = "\
country_code,country_name,country_iso2,country_iso3
392,Japan,JP,JPN
410,\"Korea, Rep.\",KR,KOR
842,USA,US,USA
";

/// Ingests the release with the real binary, as a user would.
fn hs17_dataset(dir: &Dir) {
    std::fs::create_dir_all(dir.join("rel")).expect("cannot make the release folder");
    dir.write("rel/BACI_HS17_Y2020_V202401.csv", Y2020);
    dir.write("rel/BACI_HS17_Y2021_V202401.csv", Y2021);
    dir.write("rel/country_codes_V202401.csv", COUNTRIES);
    dir.hallyu(["ingest", "baci", "rel", "--out", "ds", "-q"])
        .run_ok();
}

fn indicators_json(dir: &Dir, args: &[&str]) -> Value {
    let mut all = vec!["indicators", "--data", "ds", "--subject", "KOR"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    dir.hallyu(all).run_ok().value()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// (year, exports, imports) of the subject.
fn series(v: &Value) -> Vec<(i64, f64, f64)> {
    v["years"]
        .as_array()
        .expect("years")
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().expect("year"),
                num(&y["exports"]),
                num(&y["imports"]),
            )
        })
        .collect()
}

#[test]
fn a_painting_counts_in_the_visual_arts_of_hs2017_data() {
    let dir = Dir::new();
    hs17_dataset(&dir);
    // Korea's paintings and sculpture: 2020 exports 10 + 5 + 2, imports 3; 2021 exports 7.
    let want = [(2020, 17_000.0, 3_000.0), (2021, 7_000.0, 0.0)];
    let visual = indicators_json(&dir, &["--group", "creative.visual_arts"]);
    assert_eq!(series(&visual), want);
    // The HS 2002 list, three tables away, reaches the same codes.
    let hs2002 = indicators_json(&dir, &["--group", "creative_hs2002.visual_arts"]);
    assert_eq!(series(&hs2002), want);
    // Paintings alone agree with the prefix the user would type.
    let painting = indicators_json(&dir, &["--group", "creative.visual_arts.painting"]);
    let prefix = indicators_json(&dir, &["--group", "9701"]);
    assert_eq!(
        series(&painting),
        [(2020, 15_000.0, 3_000.0), (2021, 7_000.0, 0.0)]
    );
    assert_eq!(series(&painting), series(&prefix));
    // World exports of the group in 2020: 10 + 5 + 2 + 3 + 20 = 40.
    let share = num(&visual["years"][0]["world_share_pct"]);
    assert!((share - 17.0 / 40.0 * 100.0).abs() < 1e-9, "{share}");
}

#[test]
fn the_mapping_is_reported_per_year_in_json_and_table() {
    let dir = Dir::new();
    hs17_dataset(&dir);
    let v = indicators_json(&dir, &["--group", "creative.visual_arts"]);
    let g = &v["group_editions"];
    assert_eq!(g["group"], "creative.visual_arts");
    assert_eq!(g["defined_in"], serde_json::json!(["HS2002", "HS2022"]));
    let years = g["years"].as_array().expect("years");
    assert_eq!(years.len(), 2, "{g}");
    let y = &years[0];
    assert_eq!(
        (y["year"].as_i64(), y["classification"].as_str()),
        (Some(2020), Some("HS17"))
    );
    assert_eq!(y["edition"], "HS2017");
    assert_eq!(y["group_edition"], "HS2022");
    assert_eq!(y["path"], serde_json::json!(["HS2022", "HS2017"]));
    assert_eq!(
        y["tables"],
        serde_json::json!(["UNSD correlation table HS2022–HS2017"])
    );
    // Every HS 2022 code of the group has an HS 2017 counterpart, and each of the group's
    // HS 2017 codes holds group products only (970110 = 970121 + 970191): nothing is one
    // to many.
    let group_codes = y["group_codes"].as_u64().expect("group_codes");
    assert!(group_codes > 0);
    assert_eq!(y["codes_mapped"].as_u64(), Some(group_codes));
    assert_eq!(y["codes_one_to_many"], 0);
    assert_eq!(num(&y["value"]), 40_000.0);
    assert_eq!(num(&y["value_one_to_many"]), 0.0);
    assert_eq!(num(&years[1]["value"]), 7_000.0);
    let table = dir
        .hallyu(["indicators", "--data", "ds", "--subject", "KOR"])
        .args(["--group", "creative.visual_arts"])
        .run_ok();
    table
        .assert_stdout_contains("creative.visual_arts (defined in HS2002 and HS2022) in the data's HS editions")
        .assert_stdout_contains("2020 HS2017")
        .assert_stdout_contains("40000.00")
        .assert_stdout_contains(
            "creative.visual_arts is defined in HS2002 and HS2022; the data is HS2017 (2020–2021): mapped from HS2022 through UNSD correlation table HS2022–HS2017",
        );
}

#[test]
fn a_user_concordance_replaces_the_builtin_table_and_splits_are_reported() {
    let dir = Dir::new();
    hs17_dataset(&dir);
    // 970121 is linked to two HS 2017 codes: whatever 970110 holds is one to many.
    dir.write(
        "mine.csv",
        "HS2022,HS2017\n970121,970110\n970121,970190\n970191,970110\n",
    );
    let v = indicators_json(
        &dir,
        &[
            "--group",
            "creative.visual_arts",
            "--concordance",
            "mine.csv",
        ],
    );
    // Sculpture (970300) is linked by no line of the user's table: paintings only.
    assert_eq!(
        series(&v),
        [(2020, 15_000.0, 3_000.0), (2021, 7_000.0, 0.0)]
    );
    let y = &v["group_editions"]["years"][0];
    // The table is named as the user gave it.
    assert_eq!(y["tables"][0], "mine.csv");
    assert_eq!(y["codes_mapped"], 2);
    assert_eq!(
        (y["data_codes"].as_u64(), y["codes_one_to_many"].as_u64()),
        (Some(2), Some(2))
    );
    // 10 + 5 + 3 + 20, all in 970110.
    assert_eq!(num(&y["value"]), 38_000.0);
    assert_eq!(num(&y["value_one_to_many"]), 38_000.0);
    let unmapped = y["unmapped_codes"].as_array().expect("unmapped codes");
    assert!(unmapped.iter().any(|c| c == "970310"), "{unmapped:?}");
}

#[test]
fn data_in_no_linked_classification_exit_2_naming_the_editions_that_work() {
    let dir = Dir::new();
    dir.write(
        "flows.csv",
        "year,exporter,importer,product,classification,value\n2020,KOR,JPN,970110,HS,10\n",
    );
    let r = dir
        .hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args(["--group", "creative.visual_arts"])
        .run_code(2);
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains(
        "the product group `creative.visual_arts` is defined in HS2002 and HS2022",
    )
    .assert_stderr_contains("the data is classified `HS`")
    .assert_stderr_contains("BACI's HS02 or HS22 release")
    .assert_stderr_contains("give a concordance table (concordance: a CSV file");
    // The user's table links `HS` to HS 2002: now it applies.
    dir.write("hs.csv", "HS,HS2002\n970110,970110\n");
    let v: Value = dir
        .hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args(["--group", "creative.visual_arts", "--concordance", "hs.csv"])
        .args(["--format", "json"])
        .run_ok()
        .value();
    assert_eq!(series(&v), [(2020, 10.0, 0.0)]);
    // A malformed table is invalid input, named with its line.
    dir.write("bad.csv", "HS,HS2002\n970110,9701.10\n");
    let r = dir
        .hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args([
            "--group",
            "creative.visual_arts",
            "--concordance",
            "bad.csv",
        ])
        .run_code(1);
    r.assert_stderr_contains(
        "bad.csv, line 2: column HS2002: `9701.10` is not a six-digit HS code",
    );
}

#[test]
fn a_creative_group_needs_to_know_the_edition() {
    let dir = Dir::new();
    dir.write(
        "flows.csv",
        "year,exporter,importer,product,value\n2020,KOR,JPN,970110,10\n",
    );
    let r = dir
        .hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args(["--group", "creative.visual_arts"])
        .run_code(2);
    r.assert_stderr_contains("no `classification` column");
    // Prefixes mean the same in every edition: they apply, with a note.
    let v: Value = dir
        .hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args(["--group", "9701", "--format", "json"])
        .run_ok()
        .value();
    assert_eq!(series(&v), [(2020, 10.0, 0.0)]);
    // A table given where nothing uses it is a mistake, not silently ignored.
    dir.write("hs.csv", "HS,HS2002\n970110,970110\n");
    dir.hallyu(["indicators", "--data", "flows.csv", "--subject", "KOR"])
        .args(["--group", "9701", "--concordance", "hs.csv"])
        .run_code(2)
        .assert_stderr_contains("the group 9701 means the same in every edition");
    assert!(v["notes"].as_array().expect("notes").iter().any(|n| n
        .as_str()
        .is_some_and(|s| s.contains("HS prefixes matched as text"))));
}

/// A gravity panel of a dataset folder applies the group in the data's edition, as the
/// indicators do: HS 2017 paintings are visual arts there too.
#[test]
fn a_gravity_panel_applies_the_group_in_the_data_edition() {
    let dir = Dir::new();
    hs17_dataset(&dir);
    let r = dir
        .hallyu(["feols", "trade ~ distcap", "--data", "ds"])
        .args(["--group", "creative.visual_arts", "--format", "json"])
        .run_ok();
    let v = r.value();
    assert_eq!(v["nobs"].as_u64(), Some(12), "{v}");
    // Pair-years with paintings or sculpture: 2020 KOR→JPN, KOR→USA, JPN→KOR, USA→JPN;
    // 2021 KOR→JPN. The other 7 of the 3 × 2 pairs × 2 years are zeros.
    r.assert_stderr_contains("7 pair-year(s) without a reported flow are zeros")
        .assert_stderr_contains("mapped from HS2022 through UNSD correlation table");
}
