//! `fepois` / `feols` on inputs that used to give wrong numbers, hang or crash: tight
//! tolerances, ppmlhdfe's guide example of separation with collinear regressors, extreme
//! magnitudes, zero weights, repeated terms and a corrupt Parquet file. The real binary on
//! real files.

mod util;

use serde_json::Value;
use std::path::{Path, PathBuf};
use util::Dir;

const RTA: &str = "trade ~ rta | exporter^year + importer^year + pair_id";
const YEARS: &str = "year in (1986, 1990, 1994, 1998, 2002, 2006)";

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn first_fit(v: &Value) -> &Value {
    match v {
        Value::Array(a) => &a[0],
        other => other,
    }
}

fn coef(fit: &Value, term: &str) -> f64 {
    fit["coefficients"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["term"] == term))
        .and_then(|c| c["estimate"].as_f64())
        .unwrap_or_else(|| panic!("no {term} in {fit}"))
}

#[test]
fn tight_tolerances_keep_the_guide_rta_estimate() {
    let d = Dir::new();
    for tol in ["1e-12", "1e-13", "1e-14"] {
        let r = d
            .hallyu([
                "fepois", RTA, "--where", YEARS, "--tol", tol, "--format", "json",
            ])
            .run_ok();
        let v = r.value();
        let fit = first_fit(&v);
        assert_eq!(fit["converged"], true, "{tol}: {fit}");
        let b = coef(fit, "rta");
        assert!((b - 0.5571853).abs() < 1e-6, "--tol {tol}: rta {b}");
    }
    // Below what double precision attains, the output says so.
    d.hallyu(["fepois", RTA, "--where", YEARS, "--tol", "1e-15"])
        .run_ok()
        .assert_stdout_contains("below what double precision attains");
}

#[test]
fn separated_zero_rows_with_collinear_regressors_fit_the_rest_exactly() {
    let d = Dir::new();
    let data = repo_file("crates/estimate/tests/data/ppmlhdfe_guides/example2.csv");
    let r = d
        .hallyu(["fepois", "y ~ x1 + x2 + x3 + x4", "--data"])
        .arg(&data)
        .args(["--format", "json"])
        .run_ok();
    let v = r.value();
    let fit = first_fit(&v);
    assert_eq!(fit["nobs"], 3, "{fit}");
    assert_eq!(fit["dropped"]["separated"], 9, "{fit}");
    assert!(
        fit["fit"]["deviance"].as_f64().unwrap().abs() < 1e-10,
        "{fit}"
    );
    assert!((coef(fit, "(Intercept)") - 9f64.ln()).abs() < 1e-7);
}

#[test]
fn huge_values_are_clear_errors() {
    let d = Dir::new();
    d.write("big_y.csv", "y,x\n1,1\n2,3\n1e155,2\n4,5\n3,1\n");
    let r = d
        .hallyu(["feols", "y ~ x", "--data", "big_y.csv"])
        .run_err();
    assert!(
        r.message().contains("outcome `y`") && r.message().contains("1e155"),
        "{r}"
    );
    d.write(
        "big_x.csv",
        "y,x,z\n1,1,0\n2,3,1\n5,1e200,0\n4,5,1\n3,1,1\n6,2,0\n",
    );
    for cmd in ["feols", "fepois"] {
        let r = d
            .hallyu([cmd, "y ~ x + z", "--data", "big_x.csv"])
            .run_err();
        assert!(!r.message().contains("collinear"), "{r}");
        assert!(
            r.message().contains("regressor `x`") && r.message().contains("1e200"),
            "{r}"
        );
    }
}

#[test]
fn zero_weights_are_reported_as_zero_weights() {
    let d = Dir::new();
    d.write(
        "w.csv",
        "y,x,w\n1,0.5,1\n3,1,0\n2,1.5,2\n5,2,1\n4,2.5,0\n6,3,1\n8,3.5,1\n7,4,0\n",
    );
    let r = d
        .hallyu(["feols", "y ~ x", "--data", "w.csv", "--weights", "w"])
        .run_ok();
    r.assert_stdout_contains("3 with zero weight");
    assert!(!r.stdout.contains("missing"), "{r}");
    let v = d
        .hallyu([
            "feols",
            "y ~ x",
            "--data",
            "w.csv",
            "--weights",
            "w",
            "--format",
            "json",
        ])
        .run_ok()
        .value();
    assert_eq!(first_fit(&v)["dropped"]["zero_weight"], 3);
    assert_eq!(first_fit(&v)["dropped"]["missing"], 0);
}

#[test]
fn repeated_terms_are_dropped_with_a_note() {
    let d = Dir::new();
    let formula = format!(
        "trade ~ rta{} | exporter^year + importer^year + pair_id",
        " + rta".repeat(1999)
    );
    let start = std::time::Instant::now();
    let r = d
        .hallyu(["fepois", formula.as_str(), "--where", YEARS])
        .run_ok();
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    r.assert_stdout_contains("`rta` is written 2000 times in the formula: kept once");
}

#[test]
fn corrupt_parquet_metadata_is_an_error() {
    let d = Dir::new();
    let data = repo_file("crates/data/src/read/testdata/corrupt_chunk_offset.parquet");
    let r = d
        .hallyu(["feols", "trade ~ rta", "--data"])
        .arg(&data)
        .run_err();
    assert!(r.message().contains("corrupt metadata"), "{r}");
}
