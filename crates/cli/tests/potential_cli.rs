//! `hallyu potential`: predicted against observed exports by partner, checked against an
//! independent PPML in numpy; bad requests name what is wrong.

mod util;

use util::{fixture, Dir};

const MODEL: &str = "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer";
const SAMPLE: &str = "year == 2006 and exporter != importer";

#[test]
fn predictions_match_an_independent_ppml() {
    let d = Dir::new();
    d.export_agtpa("agtpa.csv");
    d.hallyu([
        "potential",
        "KOR",
        MODEL,
        "--where",
        SAMPLE,
        "--format",
        "json",
        "-q",
        "--out",
        "potential.json",
    ])
    .run_ok();
    let Some(text) = util::independent_check(
        &fixture("potential").join("check.py"),
        &[&d.join("agtpa.csv"), &d.join("potential.json")],
    ) else {
        return;
    };
    // 5 coefficients, and a prediction and a gap for each of Korea's 68 partners.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok ")).count(),
        5 + 2 * 68,
        "{text}"
    );
}

#[test]
fn the_table_names_untapped_markets_with_caveats() {
    let d = Dir::new();
    let r = d
        .hallyu(["potential", "KOR", MODEL, "--where", SAMPLE, "-q"])
        .run_ok();
    r.assert_stdout_contains("Selling less than predicted");
    r.assert_stdout_contains("Selling more than predicted");
    r.assert_stdout_contains("points at markets to look at, not at sales to be had");
    let csv = d
        .hallyu([
            "potential",
            "KOR",
            MODEL,
            "--where",
            SAMPLE,
            "-q",
            "--format",
            "csv",
        ])
        .run_ok();
    assert!(csv
        .stdout
        .starts_with("partner,observed,predicted,gap,observed_to_predicted_pct\n"));
    assert_eq!(csv.stdout.lines().count(), 1 + 68);
}

#[test]
fn bad_requests_say_what_is_wrong() {
    let d = Dir::new();
    let r = d
        .hallyu(["potential", "XXX", MODEL, "--where", SAMPLE, "-q"])
        .output();
    r.assert_no_panic();
    assert_eq!(r.code, Some(2), "{r}");
    assert!(r.stderr.contains("XXX exports to no partner"), "{r}");
    let r = d
        .hallyu([
            "potential",
            "KOR",
            MODEL,
            "--where",
            SAMPLE,
            "--year",
            "1990",
            "-q",
        ])
        .output();
    assert_eq!(r.code, Some(2), "{r}");
    assert!(r.stderr.contains("1990"), "{r}");
    let printed = d
        .hallyu(["potential", "KOR", MODEL, "--print-request"])
        .run_ok();
    printed.assert_stdout_contains("\"capability\": \"potential\"");
}
