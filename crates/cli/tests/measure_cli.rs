//! End-to-end tests of `hallyu project` and `hallyu indicators`: the real binary, its
//! output contracts, exit statuses, and numbers checked against sums computed here
//! independently from the raw data.

mod util;

use serde::Deserialize;
use util::Dir;

// ---------------------------------------------------------------------------------------
// hallyu project
// ---------------------------------------------------------------------------------------

/// `hallyu project --format json`: exactly these fields (`deny_unknown_fields`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectionJson {
    start_year: i32,
    start_value: f64,
    end_year: i32,
    end_value: f64,
    cagr_pct: f64,
    implied_end_value: f64,
    implied_cagr_pct: f64,
    consistent: bool,
}

fn project(args: &[&str]) -> ProjectionJson {
    let dir = Dir::new();
    let mut all = vec!["project"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    dir.hallyu(all).run_ok().json()
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

#[test]
fn project_json_contract_on_the_k_pop_claim() {
    let p = project(&["--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3"]);
    assert_eq!((p.start_year, p.end_year), (2021, 2031));
    assert_eq!((p.start_value, p.end_value, p.cagr_pct), (8.1, 20.0, 7.3));
    // 8.1 × 1.073^10 and (20/8.1)^(1/10) − 1, computed here.
    close(p.implied_end_value, 8.1 * 1.073f64.powi(10), 1e-9);
    close(
        p.implied_cagr_pct,
        ((20.0f64 / 8.1).powf(0.1) - 1.0) * 100.0,
        1e-9,
    );
    close(p.implied_end_value, 16.386, 1e-3);
    close(p.implied_cagr_pct, 9.46, 1e-2);
    assert!(!p.consistent);
}

#[test]
fn project_rounded_claim_is_consistent() {
    let p = project(&["--start", "2021:8.1", "--end", "2031:16.4", "--cagr", "7.3"]);
    assert!(p.consistent);
}

#[test]
fn project_fills_in_the_missing_one() {
    let p = project(&["--start", "2021:8.1", "--end", "2031", "--cagr", "7.3"]);
    close(p.end_value, 8.1 * 1.073f64.powi(10), 1e-9);
    assert!(p.consistent);
    let p = project(&["--start", "2021:8.1", "--end", "2031:20"]);
    close(p.cagr_pct, 9.4598, 1e-4);
    let p = project(&["--start", "2021", "--end", "2031:20", "--cagr", "9.4598"]);
    close(p.start_value, 20.0 / 1.094598f64.powi(10), 1e-9);
    let p = project(&["--start", "2000:100", "--end", "2002:81"]);
    close(p.cagr_pct, -10.0, 1e-9);
}

#[test]
fn project_table_shows_path_and_miss() {
    let dir = Dir::new();
    let r = dir
        .hallyu([
            "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3",
        ])
        .run_ok();
    r.assert_stdout_contains("2026")
        .assert_stdout_contains("16.386")
        .assert_stdout_contains("miss: -3.614 (-18.07%")
        .assert_stdout_contains("NOT CONSISTENT");
}

#[test]
fn project_bad_arguments_exit_2() {
    let dir = Dir::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--start", "2021-8.1", "--end", "2031", "--cagr", "7"],
            "YEAR:VALUE",
        ),
        (&["--start", "2021:8.1", "--end", "2011:9"], "must be after"),
        (&["--start", "2021:8.1", "--end", "2021:9"], "must be after"),
        (&["--start", "2021:0", "--end", "2031:9"], "positive"),
        (&["--start", "2021:-3", "--end", "2031:9"], "positive"),
        (&["--start", "2021:8.1", "--end", "2031"], "give two"),
        (
            &["--start", "2021:8.1", "--end", "2031", "--cagr", "1e3"],
            "plain decimal",
        ),
        (
            &["--start", "2021:8.1", "--end", "2031", "--cagr", "-120"],
            "above -100%",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["project"];
        all.extend_from_slice(args);
        let r = dir.hallyu(all).run_code(2);
        assert!(r.stdout.is_empty(), "{r}");
        r.assert_stderr_contains("error: ")
            .assert_stderr_contains(needle);
    }
}

#[test]
fn project_writes_out_file() {
    let dir = Dir::new();
    dir.hallyu([
        "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3", "-f", "csv",
        "--out", "path.csv",
    ])
    .run_ok();
    let csv = dir.read("path.csv");
    assert_eq!(csv.lines().count(), 12);
    assert!(
        csv.starts_with("year,value,value_at_implied_cagr\n2021,8.1,8.1\n"),
        "{csv}"
    );
    dir.assert_no_temp_files();
}
