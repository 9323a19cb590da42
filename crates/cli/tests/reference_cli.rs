//! End-to-end tests of `hallyu data countries|blocs|groups`: the real binary listing the
//! embedded reference tables, with user additions and bad input.

mod util;

use serde_json::Value;
use util::Dir;

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")))
        .collect()
}

fn bloc<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .and_then(|a| a.iter().find(|b| b["name"] == name))
        .unwrap_or_else(|| panic!("no bloc {name} in {list}"))
}

#[test]
fn blocs_in_a_year_follow_accession_dates() {
    let d = Dir::new();
    let v = d
        .hallyu(["data", "blocs", "--year", "1994", "--format", "json"])
        .run_ok()
        .value();
    let asean = strings(&bloc(&v, "asean")["members"]);
    assert_eq!(asean, ["BRN", "IDN", "MYS", "PHL", "SGP", "THA"]);
    assert_eq!(bloc(&v, "asean")["year"], 1994);
    let v = d
        .hallyu(["data", "blocs", "--year", "1995", "-f", "json"])
        .run_ok()
        .value();
    assert!(strings(&bloc(&v, "asean")["members"]).contains(&"VNM"));
    // The Plus Three join the ASEAN+3 process in 1997.
    assert_eq!(strings(&bloc(&v, "asean+3")["members"]).len(), 7);
    let v = d
        .hallyu(["data", "blocs", "--year", "2021", "-f", "json"])
        .run_ok()
        .value();
    let eu = strings(&bloc(&v, "eu")["members"]);
    assert_eq!(eu.len(), 27);
    assert!(!eu.contains(&"GBR"));
}

#[test]
fn blocs_csv_and_table() {
    let d = Dir::new();
    let r = d
        .hallyu(["data", "blocs", "--year", "2019", "--format", "csv"])
        .run_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "bloc,year,iso3");
    assert!(lines.contains(&"eu,2019,GBR"));
    let eu_2019 = lines.iter().filter(|l| l.starts_with("eu,2019,")).count();
    assert_eq!(eu_2019, 28);
    let r = d.hallyu(["data", "blocs", "-f", "csv"]).run_ok();
    assert!(r.stdout.starts_with("bloc,iso3,from,to\n"));
    assert!(r.stdout.contains("\nasean,VNM,1995,\n"));
    assert!(r.stdout.contains("\neu,GBR,1973,2019\n"));
    let r = d.hallyu(["data", "blocs"]).run_ok();
    r.assert_stdout_contains("asean: Association of Southeast Asian Nations");
    let r = d.hallyu(["data", "blocs", "--year", "1999"]).run_ok();
    r.assert_stdout_contains("Bloc members in 1999");
    r.assert_stdout_contains("BRN IDN KHM LAO MMR MYS PHL SGP THA VNM");
}

#[test]
fn countries_in_every_format() {
    let d = Dir::new();
    let v = d
        .hallyu(["data", "countries", "-f", "json"])
        .run_ok()
        .value();
    let all = v.as_array().expect("array");
    assert_eq!(all.len(), 268);
    let taiwan_490 = all.iter().find(|c| c["numeric"] == 490).expect("490");
    assert_eq!(taiwan_490["iso3"], "TWN");
    let r = d.hallyu(["data", "countries", "-f", "csv"]).run_ok();
    assert!(r
        .stdout
        .starts_with("iso3,numeric,name,from_year,to_year\n"));
    assert!(r.stdout.contains("\nKOR,410,\"Korea, Republic of\",,\n"));
    assert!(r
        .stdout
        .contains("\nSCG,891,Serbia and Montenegro (1992...2005),1992,2005\n"));
    assert_eq!(r.stdout.lines().count(), 269);
    let r = d.hallyu(["data", "countries"]).run_ok();
    r.assert_stdout_contains("268 codes");
    r.assert_stdout_contains("Viet Nam");
}

#[test]
fn groups_list_creative_and_comparison_groups() {
    let d = Dir::new();
    let r = d.hallyu(["data", "groups", "-f", "csv"]).run_ok();
    assert!(r.stdout.starts_with("group,hs_version,code\n"));
    for line in [
        "cosmetics,,3304",
        "creative.design.fashion,HS2022,420221",
        "creative_hs2002.visual_arts.painting,HS2002,970110",
        "creative.visual_arts.painting,HS2022,970121",
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "missing {line}");
    }
    assert!(!r.stdout.lines().any(|l| l == "creative,HS2022,970110"));
    let v = d.hallyu(["data", "groups", "-f", "json"]).run_ok().value();
    let creative = v
        .as_array()
        .and_then(|a| a.iter().find(|g| g["name"] == "creative"))
        .expect("creative group");
    assert_eq!(creative["hs_version"], "HS2022");
    assert_eq!(creative["codes"].as_array().map(Vec::len), Some(141));
    let r = d.hallyu(["data", "groups"]).run_ok();
    r.assert_stdout_contains("consumer_electronics");
    r.assert_stdout_contains("17 of the 17 codes UNCTAD counts");
}

#[test]
fn user_reference_file_and_classification() {
    let d = Dir::new();
    d.write(
        "mine.toml",
        "[[bloc]]\nname = \"my_bloc\"\ndescription = \"test\"\n\
         members = [{ iso3 = \"KOR\", from = 2006 }, { iso3 = \"AGO\", from = 2010, to = 2020 }]\n\n\
         [[product_group]]\nname = \"kbeauty\"\ncodes = [\"3304\", \"330510\"]\n",
    );
    let v = d
        .hallyu([
            "data",
            "blocs",
            "--year",
            "2015",
            "--reference",
            "mine.toml",
            "-f",
            "json",
        ])
        .run_ok()
        .value();
    assert_eq!(strings(&bloc(&v, "my_bloc")["members"]), ["AGO", "KOR"]);
    let r = d
        .hallyu(["data", "groups", "--reference", "mine.toml", "-f", "csv"])
        .run_ok();
    assert!(r.stdout.contains("\nkbeauty,,330510\n"));

    d.write("c.csv", "hs6,group,subgroup\n330499,design,beauty\n");
    let r = d
        .hallyu(["data", "groups", "--classification", "c.csv", "-f", "csv"])
        .run_ok();
    assert!(r
        .stdout
        .contains("\ncreative.design.beauty,HS2022,330499\n"));
    assert!(r.stdout.contains("\ncreative,HS2022,330499\n"));
}

#[test]
fn bad_reference_input_is_a_clean_error() {
    let d = Dir::new();
    d.write(
        "bad.toml",
        "[[bloc]]\nname = \"b\"\nmembers = [{ iso3 = \"KRO\", from = 2000 }]\n",
    );
    let r = d
        .hallyu(["data", "blocs", "--reference", "bad.toml"])
        .run_err_line();
    assert_eq!(
        r.message(),
        "bad.toml, line 3: bloc `b`: unknown ISO3 code `KRO` (did you mean `KOR`?)"
    );
    d.write("bad.csv", "hs6,group\n330499,desing\n");
    let r = d
        .hallyu(["data", "groups", "--classification", "bad.csv"])
        .run_err_line();
    assert!(
        r.message().starts_with(
            "bad.csv, line 2: unknown creative-goods group `desing` (did you mean `design`?)"
        ),
        "{r}"
    );
    let r = d
        .hallyu(["data", "blocs", "--reference", "missing.toml"])
        .run_err_line();
    assert!(r.message().starts_with("cannot read missing.toml"), "{r}");
    // What the command line asks that cannot be answered is a usage error (2).
    let r = d
        .hallyu(["data", "countries", "--year", "2000"])
        .run_usage_line();
    assert!(
        r.message()
            .contains("a year applies to the blocs table only"),
        "{r}"
    );
    let r = d
        .hallyu(["data", "agtpa", "--year", "2000"])
        .run_usage_line();
    assert!(r.message().contains("apply to the reference tables"), "{r}");
    let r = d.hallyu(["data", "bloc"]).run_usage_line();
    assert!(
        r.message()
            .contains("available: agtpa, countries, blocs, groups"),
        "{r}"
    );
    let r = d.hallyu(["data", "blocs", "--format", "xml"]).output();
    assert_eq!(r.code, Some(2), "{r}");
}

#[test]
fn listing_written_to_a_file() {
    let d = Dir::new();
    d.hallyu([
        "data", "blocs", "--year", "2022", "-f", "csv", "--out", "b.csv",
    ])
    .run_ok();
    let text = d.read("b.csv");
    assert!(text.lines().any(|l| l == "rcep,2022,KOR"));
    d.assert_no_temp_files();
}

/// The small real series are embedded and listed; each can be written out as it is.
#[test]
fn embedded_series_are_listed_and_written() {
    let d = Dir::new();
    let r = d.hallyu(["data", "series"]).run_ok();
    for name in [
        "kr_content_industry_exports",
        "kr_hallyu_exports_kofice_2019",
        "asean_plus3_trade",
        "soft_power_korea",
    ] {
        r.assert_stdout_contains(name);
    }
    d.hallyu(["data", "asean_plus3_trade", "--out", "a3.csv"])
        .run_ok();
    let text = d.read("a3.csv");
    let row_2019 = text
        .lines()
        .find(|l| l.starts_with("2019,"))
        .expect("the 2019 row");
    assert!(row_2019.starts_with("2019,890.2,31.6,1.5,"), "{row_2019}");
    // The description names the publisher; the CSV keeps each row's source.
    let r = d.hallyu(["data", "kr_content_industry_exports"]).run_ok();
    r.assert_stdout_contains("KOCCA");
    r.assert_stdout_contains("2021,total,12.45,reported,");
    let r = d.hallyu(["data", "asean_plus3_trad"]).run_usage_line();
    assert!(
        r.message().contains("did you mean `asean_plus3_trade`?"),
        "{r}"
    );
}
