//! End-to-end tests of the `hallyu` command line: the real binary, run in a scratch
//! directory, with its stdout, stderr and exit status checked.
//!
//! Fixtures are in `tests/data` (see its README); everything else is written by the tests
//! themselves (small CSV files) or exported from the embedded panel with `hallyu data`.

mod util;

use serde::Deserialize;
use std::collections::BTreeSet;
use util::{assert_caret, fixture, Dir, Run};

/// The gravity model most tests fit.
const GRAVITY: &str = "trade ~ log(dist) + cntg | exporter + importer";
/// The RTA specification of the Advanced Guide (Chapter 1, application 3).
const RTA: &str = "trade ~ rta | exporter^year + importer^year + pair_id";
/// The book's four-year intervals.
const YEARS: &str = "year in (1986, 1990, 1994, 1998, 2002, 2006)";
/// The 2006 rows of `tests/data/agtpa_sample.dta` (see `make_dta.py`).
const SAMPLE_2006: &str = "year == 2006 and \
     exporter in ('ARG','AUS','AUT','BEL','BGR','BOL','BRA','CAN','CHE','CHL','CHN','CMR') and \
     importer in ('ARG','AUS','AUT','BEL','BGR','BOL','BRA','CAN','CHE','CHL','CHN','CMR')";

// ---------------------------------------------------------------------------------------
// The JSON contract
// ---------------------------------------------------------------------------------------

/// One fit, as `--format json` writes it. `deny_unknown_fields` everywhere: a field added
/// or renamed must be a deliberate change of this contract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FitJson {
    /// Version of the layout (1 since the field was added).
    schema_version: u32,
    estimator: String,
    formula: String,
    nobs: u64,
    dropped: Dropped,
    converged: bool,
    iterations: u64,
    /// Passes over the data by the fixed-effect solver (fits with fixed effects).
    demean_sweeps: Option<u64>,
    vcov: String,
    ssc: String,
    coefficients: Vec<Coef>,
    collinear: Vec<String>,
    fixed_effects: Vec<Level>,
    fit: FitStats,
    distribution: String,
    /// Degrees of freedom of the t distribution (OLS only).
    df: Option<f64>,
    /// Number of clusters per clustering variable (clustered variances only).
    clusters: Option<Vec<Level>>,
    vcov_matrix: Vec<Vec<Option<f64>>>,
    notes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Dropped {
    missing: u64,
    singletons: u64,
    separated: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Coef {
    term: String,
    estimate: f64,
    std_error: Option<f64>,
    statistic: Option<f64>,
    p_value: Option<f64>,
    conf_low: Option<f64>,
    conf_high: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Level {
    name: String,
    levels: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FitStats {
    deviance: f64,
    pseudo_r2: Option<f64>,
    log_likelihood: Option<f64>,
    r2: Option<f64>,
    r2_within: Option<f64>,
}

impl FitJson {
    fn coef(&self, term: &str) -> &Coef {
        self.coefficients
            .iter()
            .find(|c| c.term == term)
            .unwrap_or_else(|| panic!("no coefficient `{term}` in {self:#?}"))
    }

    fn se(&self, term: &str) -> f64 {
        self.coef(term)
            .std_error
            .unwrap_or_else(|| panic!("standard error of `{term}` is null"))
    }

    fn terms(&self) -> Vec<&str> {
        self.coefficients.iter().map(|c| c.term.as_str()).collect()
    }
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Fits with `--format json --quiet` plus `args` and parses the single fit.
fn fit(d: &Dir, estimator: &str, formula: &str, args: &[&str]) -> FitJson {
    let mut c = d.hallyu([estimator, formula, "--format", "json", "--quiet"]);
    c.args(args);
    c.run_ok().json()
}

/// Terms, estimates and standard errors, bit for bit.
fn numbers(f: &FitJson) -> Vec<(String, u64, Option<u64>)> {
    f.coefficients
        .iter()
        .map(|c| {
            (
                c.term.clone(),
                c.estimate.to_bits(),
                c.std_error.map(f64::to_bits),
            )
        })
        .collect()
}

/// Checks the JSON types and field sets of one fit object, untyped.
fn check_fit_object(v: &serde_json::Value, estimator: &str, has_fe: bool) {
    let required = set(&[
        "schema_version",
        "estimator",
        "formula",
        "nobs",
        "dropped",
        "converged",
        "iterations",
        "vcov",
        "ssc",
        "coefficients",
        "collinear",
        "fixed_effects",
        "fit",
        "distribution",
        "vcov_matrix",
    ]);
    let optional = set(&["df", "clusters", "notes", "demean_sweeps"]);
    let k = keys(v);
    assert!(
        k.is_superset(&required),
        "missing fields: {:?}",
        required.difference(&k)
    );
    let extra: Vec<_> = k
        .difference(&required)
        .filter(|x| !optional.contains(*x))
        .collect();
    assert!(extra.is_empty(), "unexpected fields: {extra:?}");

    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["estimator"], estimator);
    assert!(v["formula"].is_string());
    assert!(v["nobs"].is_u64());
    assert_eq!(
        keys(&v["dropped"]),
        set(&["missing", "singletons", "separated"])
    );
    for reason in ["missing", "singletons", "separated"] {
        assert!(
            v["dropped"][reason].is_u64(),
            "dropped.{reason}: {}",
            v["dropped"]
        );
    }
    assert!(v["converged"].is_boolean());
    assert!(v["iterations"].is_u64());
    assert!(v["demean_sweeps"].is_null() || v["demean_sweeps"].is_u64());
    assert!(v["vcov"].is_string());
    let coefs = v["coefficients"]
        .as_array()
        .expect("coefficients is an array");
    assert!(!coefs.is_empty());
    for c in coefs {
        assert_eq!(
            keys(c),
            set(&[
                "term",
                "estimate",
                "std_error",
                "statistic",
                "p_value",
                "conf_low",
                "conf_high"
            ])
        );
        assert!(c["term"].is_string());
        for num in [
            "estimate",
            "std_error",
            "statistic",
            "p_value",
            "conf_low",
            "conf_high",
        ] {
            assert!(c[num].is_f64(), "{num} should be a number: {c}");
        }
    }
    let fes = v["fixed_effects"]
        .as_array()
        .expect("fixed_effects is an array");
    assert_eq!(fes.is_empty(), !has_fe);
    for fe in fes {
        assert_eq!(keys(fe), set(&["name", "levels"]));
        assert!(fe["name"].is_string() && fe["levels"].is_u64(), "{fe}");
    }
    let expected_fit = match (estimator, has_fe) {
        ("fepois", _) => set(&["deviance", "pseudo_r2", "log_likelihood"]),
        ("feols", true) => set(&["deviance", "r2", "r2_within"]),
        _ => set(&["deviance", "r2"]),
    };
    assert_eq!(keys(&v["fit"]), expected_fit, "fit: {}", v["fit"]);
    for (_, x) in v["fit"].as_object().expect("fit is an object") {
        assert!(x.is_f64(), "fit statistics are numbers: {}", v["fit"]);
    }
}

#[test]
fn json_contract_fepois() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "--where",
            "year == 2006",
            "--format",
            "json",
        ])
        .run_ok();
    check_fit_object(&r.value(), "fepois", true);
    let f: FitJson = r.json();
    assert_eq!(f.estimator, "fepois");
    assert_eq!(f.formula, GRAVITY);
    assert_eq!(f.nobs, 69 * 69);
    assert_eq!(
        f.dropped,
        Dropped {
            missing: 0,
            singletons: 0,
            separated: 0
        }
    );
    assert!(f.converged);
    assert!(f.iterations >= 1);
    assert_eq!(f.schema_version, 1);
    assert_eq!(f.vcov, "iid");
    assert_eq!(f.ssc, "fixest");
    assert_eq!(f.distribution, "normal");
    assert_eq!(f.terms(), ["log(dist)", "cntg"]);
    assert_eq!(
        f.fixed_effects,
        [
            Level {
                name: "exporter".into(),
                levels: 69
            },
            Level {
                name: "importer".into(),
                levels: 69
            }
        ]
    );
    let b = f.coef("log(dist)");
    let se = f.se("log(dist)");
    assert!(b.estimate < -1.0 && b.estimate > -2.5, "{b:?}");
    assert!(se > 0.0);
    let z = b.statistic.expect("statistic");
    assert!((z - b.estimate / se).abs() <= 1e-9 * z.abs(), "{b:?}");
    let (lo, hi) = (
        b.conf_low.expect("conf_low"),
        b.conf_high.expect("conf_high"),
    );
    assert!(lo < b.estimate && b.estimate < hi);
    assert!(
        (hi - lo - 2.0 * 1.959963984540054 * se).abs() < 1e-9,
        "{b:?}"
    );
    assert!(b.p_value.expect("p") < 1e-10);
    // The variance matrix is square, and its diagonal gives the standard errors.
    assert_eq!(f.vcov_matrix.len(), 2);
    for (i, row) in f.vcov_matrix.iter().enumerate() {
        assert_eq!(row.len(), 2);
        let var = row[i].expect("variance");
        let se = f.coefficients[i].std_error.expect("se");
        assert!((var.sqrt() - se).abs() <= 1e-9 * se, "{var} vs {se}");
    }
    assert!(f.fit.deviance > 0.0);
    let pr2 = f.fit.pseudo_r2.expect("pseudo_r2");
    assert!(pr2 > 0.0 && pr2 < 1.0);
    assert!(f.fit.r2.is_none() && f.fit.r2_within.is_none());
    assert!(f.df.is_none() && f.clusters.is_none());
    assert!(f.collinear.is_empty());
}

#[test]
fn json_contract_feols() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "feols",
            "log(trade) ~ log(dist) + cntg + lang + clny | exporter^year + importer^year",
            "--where",
            "trade > 0 and exporter != importer and year == 2006",
            "--cluster",
            "pair_id",
            "-f",
            "json",
        ])
        .run_ok();
    check_fit_object(&r.value(), "feols", true);
    let f: FitJson = r.json();
    assert_eq!(f.estimator, "feols");
    assert_eq!(f.terms(), ["log(dist)", "cntg", "lang", "clny"]);
    assert_eq!(f.vcov, "cluster(pair_id)");
    assert_eq!(f.distribution, "t");
    assert!(f.df.is_some());
    let clusters = f.clusters.as_ref().expect("clusters");
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].name, "pair_id");
    // pair_id is symmetric (ARG-AUS and AUS-ARG are one pair): about two flows a pair.
    assert!(
        clusters[0].levels < f.nobs && 2 * clusters[0].levels >= f.nobs,
        "{clusters:?}"
    );
    let r2 = f.fit.r2.expect("r2");
    let within = f.fit.r2_within.expect("r2_within");
    assert!(0.0 < within && within < r2 && r2 < 1.0, "{:?}", f.fit);
    assert!(f.fit.pseudo_r2.is_none() && f.fit.log_likelihood.is_none());
    assert_eq!(f.fixed_effects[0].name, "exporter^year");
    assert_eq!(f.fixed_effects[1].name, "importer^year");

    // Without fixed effects: an intercept, and no within R2.
    let r = d
        .hallyu([
            "feols",
            "log(trade) ~ log(dist)",
            "-w",
            "trade > 0 and year == 2006",
            "-f",
            "json",
        ])
        .run_ok();
    check_fit_object(&r.value(), "feols", false);
    let f: FitJson = r.json();
    assert_eq!(f.terms(), ["(Intercept)", "log(dist)"]);
    assert!(f.fixed_effects.is_empty());
}

#[test]
fn json_several_formulas_is_an_array_in_order() {
    let d = Dir::new();
    let formulas = [
        "trade ~ log(dist) | exporter + importer",
        GRAVITY,
        "trade ~ cntg + lang | exporter + importer",
    ];
    let mut c = d.hallyu(["fepois"]);
    c.args(formulas)
        .args(["--where", "year == 2006", "--format", "json"]);
    let r = c.run_ok();
    let v = r.value();
    let items = v
        .as_array()
        .unwrap_or_else(|| panic!("expected a JSON array\n{r}"));
    assert_eq!(items.len(), 3);
    for item in items {
        check_fit_object(item, "fepois", true);
    }
    let fits: Vec<FitJson> = r.json();
    let got: Vec<&str> = fits.iter().map(|f| f.formula.as_str()).collect();
    assert_eq!(got, formulas);
    assert_eq!(fits[0].terms(), ["log(dist)"]);
    assert_eq!(fits[2].terms(), ["cntg", "lang"]);
    // Each fit is the same as fitting the formula alone.
    let alone = fit(&d, "fepois", GRAVITY, &["--where", "year == 2006"]);
    assert_eq!(numbers(&alone), numbers(&fits[1]));
}

/// `--threads N` sizes the pool every parallel loop runs on, before or after the
/// command; the estimates agree whatever N (only the order of partial sums changes), and
/// a count outside 1..=1024 is a usage error naming the range.
#[test]
fn threads_option_keeps_the_estimates() {
    let d = Dir::new();
    let one = fit(&d, "fepois", RTA, &["--where", YEARS, "--threads", "1"]);
    let mut c = d.hallyu(["--threads", "3", "fepois", RTA, "--where", YEARS]);
    c.args(["--format", "json", "--quiet"]);
    let three: FitJson = c.run_ok().json();
    assert_eq!(one.nobs, three.nobs);
    assert_eq!(one.terms(), three.terms());
    for (a, b) in one.coefficients.iter().zip(&three.coefficients) {
        let rel = (a.estimate - b.estimate).abs() / b.estimate.abs();
        assert!(rel < 1e-10, "{}: {} vs {}", a.term, a.estimate, b.estimate);
        let (sa, sb) = (
            a.std_error.unwrap_or(f64::NAN),
            b.std_error.unwrap_or(f64::NAN),
        );
        assert!(
            (sa - sb).abs() / sb.abs() < 1e-8,
            "{}: SE {sa} vs {sb}",
            a.term
        );
    }
    for bad in ["0", "1025", "2.5", "many"] {
        let r = d.hallyu(["fepois", RTA, "--threads", bad]).run_usage();
        assert!(r.stderr.contains("--threads"), "{bad}: {}", r.stderr);
    }
    let r = d.hallyu(["--threads", "0", "fepois", RTA]).run_usage();
    assert!(r.stderr.contains("1..=1024"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------
// Data formats
// ---------------------------------------------------------------------------------------

#[test]
fn csv_parquet_and_dta_give_identical_coefficients() {
    let d = Dir::new();
    let csv = d.export_agtpa("panel.csv");
    let parquet = d.export_agtpa("panel.parquet");
    let dta = fixture("agtpa_sample.dta");
    assert!(dta.exists(), "fixture missing: {}", dta.display());

    // The 288-row sample present in all three formats.
    let args = |p: &std::path::Path| -> Vec<String> {
        vec![
            "--data".into(),
            p.display().to_string(),
            "--where".into(),
            SAMPLE_2006.into(),
        ]
    };
    let fits: Vec<FitJson> = [&csv, &parquet, &dta]
        .iter()
        .map(|p| {
            let a = args(p);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            fit(&d, "fepois", GRAVITY, &a)
        })
        .collect();
    assert_eq!(fits[0].nobs, 144);
    assert_eq!(fits[0].terms(), ["log(dist)", "cntg"]);
    assert_eq!(numbers(&fits[0]), numbers(&fits[1]), "CSV vs Parquet");
    assert_eq!(numbers(&fits[0]), numbers(&fits[2]), "CSV vs .dta");
    for f in &fits[1..] {
        assert_eq!(f.nobs, fits[0].nobs);
        assert_eq!(f.fixed_effects, fits[0].fixed_effects);
    }
    let embedded = fit(&d, "fepois", GRAVITY, &["--where", SAMPLE_2006]);
    assert_eq!(numbers(&embedded), numbers(&fits[0]), "embedded vs CSV");

    // A whole cross-section, CSV and Parquet against the embedded panel.
    let whole = fit(&d, "fepois", GRAVITY, &["--where", "year == 2006"]);
    for p in [&csv, &parquet] {
        let f = fit(
            &d,
            "fepois",
            GRAVITY,
            &[
                "--where",
                "year == 2006",
                "--data",
                &p.display().to_string(),
            ],
        );
        assert_eq!(numbers(&f), numbers(&whole), "{}", p.display());
        assert_eq!(f.nobs, 4761);
    }
}

#[test]
fn dta_text_columns_and_missing_values() {
    let d = Dir::new();
    let dta = fixture("agtpa_sample.dta");
    let dta = dta.display().to_string();
    // `exporter` is a Stata string column: usable in --where and as a fixed effect.
    let f = fit(
        &d,
        "feols",
        "log(trade) ~ log(dist) | year",
        &["-d", &dta, "-w", "exporter == 'CHN'"],
    );
    assert_eq!(f.nobs, 24);
    assert_eq!(f.fixed_effects[0].levels, 2);
    // `lang` is missing (Stata `.`) in one 2006 row, `trade` in one 2002 row.
    let f = fit(
        &d,
        "feols",
        "trade ~ lang",
        &["-d", &dta, "-w", "year == 2006"],
    );
    assert_eq!(f.dropped.missing, 1);
    assert_eq!(f.nobs, 143);
    let f = fit(&d, "feols", "trade ~ lang", &["-d", &dta]);
    assert_eq!(f.dropped.missing, 2);
    assert_eq!(f.nobs, 286);
}

#[test]
fn csv_semicolons_and_quoted_fields() {
    let d = Dir::new();
    d.write(
        "semi.csv",
        "y;x;g\n1;2;\"a;b\"\n2;3;\"a;b\"\n4;5;\"a;b\"\n2;4;b\n3;1;b\n5;2;b\n4;5;\"c d\"\n",
    );
    d.write(
        "comma.csv",
        "y,x,g\n1,2,\"a;b\"\n2,3,\"a;b\"\n4,5,\"a;b\"\n2,4,b\n3,1,b\n5,2,b\n4,5,\"c d\"\n",
    );
    let semi = fit(&d, "feols", "y ~ x | g", &["--data", "semi.csv"]);
    let comma = fit(&d, "feols", "y ~ x | g", &["--data", "comma.csv"]);
    assert_eq!(semi.nobs, 6, "`c d` is a singleton");
    assert_eq!(semi.dropped.singletons, 1);
    assert_eq!(semi.fixed_effects[0].levels, 2);
    assert_eq!(numbers(&semi), numbers(&comma));
    // The quoted `a;b` is one value: its three rows lie on y = x - 1.
    let f = fit(
        &d,
        "feols",
        "y ~ x",
        &["--data", "semi.csv", "--where", "g == 'a;b'"],
    );
    assert_eq!(f.nobs, 3);
    assert!((f.coef("x").estimate - 1.0).abs() < 1e-12, "{f:?}");
    assert!(
        (f.coef("(Intercept)").estimate + 1.0).abs() < 1e-12,
        "{f:?}"
    );
}

#[test]
fn csv_quoted_commas_and_doubled_quotes() {
    let d = Dir::new();
    d.write(
        "q.csv",
        "name,y,x\n\"Korea, Rep.\",1,\"2.5\"\n\"Cote d\"\"Ivoire\",2,3\nUSA,4,4\nFRA,3,1\n",
    );
    let f = fit(
        &d,
        "feols",
        "y ~ x",
        &["-d", "q.csv", "-w", "name != 'Korea, Rep.'"],
    );
    assert_eq!(f.nobs, 3);
    let g = fit(
        &d,
        "feols",
        "y ~ x",
        &[
            "-d",
            "q.csv",
            "-w",
            "name in ('Cote d\"Ivoire', 'USA', 'FRA')",
        ],
    );
    assert_eq!(numbers(&f), numbers(&g));
    // A quoted number is a number.
    let all = fit(&d, "feols", "y ~ x", &["-d", "q.csv"]);
    assert_eq!(all.nobs, 4);
}

#[test]
fn data_agtpa_exports_the_whole_panel() {
    let d = Dir::new();
    let r = d.hallyu(["data", "agtpa", "--out", "a.csv"]).run_ok();
    assert!(r.stdout.is_empty(), "{r}");
    r.assert_stderr_contains("99981");
    let text = d.read("a.csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with("exporter,importer,pair_id,year,trade,dist,cntg,lang,clny,rta"),
        "{header}"
    );
    assert_eq!(lines.filter(|l| !l.is_empty()).count(), 99_981);

    d.hallyu(["data", "agtpa", "--out", "a.parquet"]).run_ok();
    let f = fit(&d, "feols", "trade ~ dist", &["--data", "a.parquet"]);
    assert_eq!(f.nobs, 99_981);
    assert_eq!(f.dropped.missing, 0);
    d.assert_no_temp_files();
}

#[test]
fn data_without_out_describes_the_data_set() {
    let d = Dir::new();
    let r = d.hallyu(["data", "agtpa"]).run_ok();
    r.assert_stdout_contains("Advanced Guide");
    r.assert_stdout_contains("99,981");
    assert!(
        d.listing().is_empty(),
        "nothing is written: {:?}",
        d.listing()
    );
}

#[test]
fn data_unknown_set_and_unwritable_format() {
    let d = Dir::new();
    let r = d.hallyu(["data", "nope"]).run_usage_line();
    assert!(
        r.message().contains("unknown data set `nope`") && r.message().contains("agtpa"),
        "{r}"
    );
    let r = d
        .hallyu(["data", "agtpa", "--out", "x.dta"])
        .run_usage_line();
    assert!(r.message().contains(".dta"), "{r}");
    assert!(
        d.listing().is_empty(),
        "nothing is left behind: {:?}",
        d.listing()
    );
}

// ---------------------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------------------

#[test]
fn table_format_single_model() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "--where", "year == 2006"])
        .run_ok();
    assert!(r.stderr.is_empty(), "{r}");
    let out = &r.stdout;
    assert!(out.starts_with(&format!("fepois: {GRAVITY}")), "{r}");
    for needle in [
        "Observations: 4761",
        "Fixed effects: exporter (69), importer (69)",
        "Standard errors: iid",
        "Estimate",
        "Std. Error",
        "z value",
        "Pr(>|z|)",
        "2.5 %",
        "97.5 %",
        "Pseudo R2",
        "Signif. codes",
    ] {
        r.assert_stdout_contains(needle);
    }
    let row = out
        .lines()
        .find(|l| l.starts_with("log(dist)"))
        .unwrap_or_else(|| panic!("no log(dist) row\n{r}"));
    assert!(row.contains("-1.79881"), "{row}");
    assert!(row.ends_with("***"), "{row}");
    // OLS says t, not z.
    let r = d
        .hallyu([
            "feols",
            "log(trade) ~ log(dist) | exporter",
            "-w",
            "trade > 0 and year == 2006",
        ])
        .run_ok();
    r.assert_stdout_contains("t value");
    r.assert_stdout_contains("Within R2");
}

#[test]
fn table_format_side_by_side() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "trade ~ log(dist) | exporter + importer",
            "--where",
            "year == 2006",
        ])
        .run_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    let header = lines.first().expect("header");
    assert!(
        header.trim_end().ends_with("(2)") && header.contains("(1)"),
        "{r}"
    );
    let cntg = lines
        .iter()
        .find(|l| l.starts_with("cntg"))
        .unwrap_or_else(|| panic!("no cntg row\n{r}"));
    assert_eq!(
        cntg.split_whitespace().count(),
        2,
        "cntg only in model 1: {cntg}"
    );
    let dist = lines
        .iter()
        .find(|l| l.starts_with("log(dist)"))
        .unwrap_or_else(|| panic!("no log(dist) row\n{r}"));
    assert_eq!(
        dist.split_whitespace().count(),
        3,
        "log(dist) in both: {dist}"
    );
    for needle in [
        "Observations",
        "Pseudo R2",
        &format!("(1) {GRAVITY}"),
        "(2) trade ~ log(dist) | exporter + importer",
    ] {
        r.assert_stdout_contains(needle);
    }
    // Standard errors in parentheses below the estimates.
    let i = lines
        .iter()
        .position(|l| l.starts_with("log(dist)"))
        .expect("row");
    assert!(lines[i + 1].trim_start().starts_with('('), "{r}");
}

#[test]
fn markdown_format() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "-w", "year == 2006", "-f", "markdown"])
        .run_ok();
    r.assert_stdout_contains("| term | Estimate | Std. Error |");
    r.assert_stdout_contains("| :-- | --: |");
    r.assert_stdout_contains("| log(dist) | -1.798816 |");
    // A `|` inside a cell is escaped so that the table keeps its columns.
    r.assert_stdout_contains("Pr(>\\|z\\|)");
    let table_rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table_rows.len(), 4, "header, alignment, two terms\n{r}");
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    let n = cells(table_rows[0]);
    assert!(
        table_rows.iter().all(|l| cells(l) == n),
        "ragged markdown table\n{r}"
    );

    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "trade ~ log(dist) | exporter + importer",
            "-w",
            "year == 2006",
            "-f",
            "markdown",
        ])
        .run_ok();
    r.assert_stdout_contains("|  | (1) | (2) |");
    r.assert_stdout_contains("| :-- | --: | --: |");
}

#[test]
fn latex_format() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            "trade ~ rta_lag3 | exporter^year + pair_id",
            "-w",
            YEARS,
            "-f",
            "latex",
        ])
        .run_ok();
    let out = &r.stdout;
    assert!(out.starts_with("\\begin{table}"), "{r}");
    assert!(out.trim_end().ends_with("\\end{table}"), "{r}");
    for needle in [
        "\\begin{tabular}{lrrrrrrr}",
        "\\toprule",
        "\\midrule",
        "\\bottomrule",
        "\\end{tabular}",
        "2.5 \\%",
        "rta\\_lag3 & ",
        "exporter\\^{}year",
    ] {
        r.assert_stdout_contains(needle);
    }
    // Every body row has as many cells as the column specification.
    for l in out.lines().filter(|l| l.ends_with("\\\\")) {
        assert_eq!(l.replace("\\&", "").matches('&').count(), 7, "{l}");
    }

    let r = d
        .hallyu([
            "fepois",
            RTA,
            "trade ~ rta_lag3 | exporter^year + importer^year + pair_id",
            "-w",
            YEARS,
            "-f",
            "latex",
        ])
        .run_ok();
    r.assert_stdout_contains("\\begin{tabular}{lrr}");
    r.assert_stdout_contains(" & (1) & (2) \\\\");
}

#[test]
fn latex_escapes_the_formula_tilde() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "-w", "year == 2006", "-f", "latex"])
        .run_ok();
    // `~` is a tie in LaTeX: "trade ~ log(dist)" would print as "trade  log(dist)".
    let bare = r
        .stdout
        .lines()
        .any(|l| l.contains(" ~ ") && !l.contains("\\textasciitilde") && !l.contains("\\sim"));
    assert!(!bare, "unescaped `~`\n{r}");
}

#[test]
fn csv_format() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "trade ~ log(dist) | exporter + importer",
            "-w",
            "year == 2006",
            "-f",
            "csv",
        ])
        .run_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "model,estimator,formula,term,estimate,std_error,statistic,p_value,conf_low,conf_high,nobs,vcov,ssc"
    );
    assert_eq!(lines.len(), 4, "header + 2 + 1 coefficients\n{r}");
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|f| f.len() == 13), "{r}");
    assert_eq!(
        rows.iter().map(|f| (f[0], f[3])).collect::<Vec<_>>(),
        [("1", "log(dist)"), ("1", "cntg"), ("2", "log(dist)")]
    );
    assert_eq!(rows[0][1], "fepois");
    assert_eq!(rows[0][2], GRAVITY);
    assert_eq!(rows[0][10], "4761");
    // The numbers are those of the JSON output, at full precision.
    let f = fit(&d, "fepois", GRAVITY, &["-w", "year == 2006"]);
    let est: f64 = rows[0][4].parse().expect("estimate");
    let se: f64 = rows[0][5].parse().expect("std_error");
    assert_eq!(est, f.coef("log(dist)").estimate);
    assert_eq!(se, f.se("log(dist)"));
    // A value with a comma is quoted.
    let r = d
        .hallyu([
            "fepois",
            RTA,
            "-w",
            YEARS,
            "--cluster",
            "exporter,importer",
            "-f",
            "csv",
        ])
        .run_ok();
    r.assert_stdout_contains(",\"cluster(exporter, importer)\",fixest");
}

// ---------------------------------------------------------------------------------------
// Errors: exit status 1, one clear message on stderr, nothing on stdout, no panic
// ---------------------------------------------------------------------------------------

#[test]
fn error_missing_file() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "--data", "nope.csv"])
        .run_err_line();
    assert!(r.message().contains("nope.csv"), "{r}");
    assert!(
        r.message().contains("No such file") || r.message().contains("not found"),
        "{r}"
    );
}

#[test]
fn error_unknown_extension() {
    let d = Dir::new();
    d.write("trade.xlsx", "not really");
    let r = d
        .hallyu(["fepois", GRAVITY, "--data", "trade.xlsx"])
        .run_err_line();
    assert!(r.message().contains("trade.xlsx"), "{r}");
    for ext in [".csv", ".parquet", ".dta"] {
        assert!(r.message().contains(ext), "should list {ext}\n{r}");
    }
}

#[test]
fn error_corrupt_parquet_and_dta() {
    let d = Dir::new();
    d.write("bad.parquet", "garbage");
    d.write("bad.dta", "garbage");
    let r = d
        .hallyu(["feols", "y ~ x", "-d", "bad.parquet"])
        .run_err_line();
    assert!(
        r.message().contains("bad.parquet") && r.message().contains("Parquet"),
        "{r}"
    );
    let r = d.hallyu(["feols", "y ~ x", "-d", "bad.dta"]).run_err_line();
    assert!(
        r.message().contains("bad.dta") && r.message().contains("Stata"),
        "{r}"
    );
}

#[test]
fn error_unknown_column_suggests_a_name() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", "trad ~ log(dist)", "--where", "year == 2006"])
        .run_usage_line();
    assert!(r.message().contains("unknown column `trad`"), "{r}");
    assert!(r.message().contains("did you mean `trade`?"), "{r}");
    // Same in a file, in --where and in --cluster.
    d.write("t.csv", "trade,dist,year\n1,2,2006\n2,3,2006\n");
    let r = d
        .hallyu(["feols", "trade ~ dsit", "-d", "t.csv"])
        .run_usage_line();
    assert!(r.message().contains("did you mean `dist`?"), "{r}");
    let r = d
        .hallyu(["feols", "trade ~ dist", "-d", "t.csv", "-w", "yaer == 2006"])
        .run_usage();
    assert!(
        r.message().contains("`yaer`") && r.message().contains("`year`"),
        "{r}"
    );
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "-w",
            "year == 2006",
            "--cluster",
            "pair_idd",
        ])
        .run_usage_line();
    assert!(r.message().contains("did you mean `pair_id`?"), "{r}");
}

#[test]
fn error_formula_syntax_shows_a_caret() {
    let d = Dir::new();
    let formula = "trade ~ log(dist) + * cntg";
    let r = d.hallyu(["fepois", formula]).run_usage();
    assert!(r.message().starts_with("invalid formula"), "{r}");
    assert!(r.message().contains('*'), "{r}");
    assert_caret(&r, formula, formula.find('*').expect("*"));

    let formula = "trade ~ log(dist) +";
    let r = d.hallyu(["fepois", formula]).run_usage();
    assert_caret(&r, formula, formula.len());

    let formula = "trade log(dist)";
    let r = d.hallyu(["feols", formula]).run_usage();
    assert!(r.message().contains('~'), "{r}");

    let formula = "~ log(dist)";
    let r = d.hallyu(["feols", formula]).run_usage();
    assert!(r.message().contains("outcome"), "{r}");
    assert_caret(&r, formula, 0);
}

#[test]
fn error_unknown_function() {
    let d = Dir::new();
    let formula = "trade ~ cntg + lg(dist)";
    let r = d.hallyu(["fepois", formula]).run_usage();
    assert!(r.message().contains("unknown function `lg`"), "{r}");
    assert!(
        r.message().contains("log"),
        "lists the available functions\n{r}"
    );
    assert_caret(&r, formula, formula.find("lg").expect("lg"));
}

#[test]
fn error_where_syntax_shows_a_caret() {
    let d = Dir::new();
    let w = "year === 2006";
    let r = d.hallyu(["fepois", GRAVITY, "--where", w]).run_usage();
    assert!(r.message().contains("invalid row selection"), "{r}");
    assert_caret(&r, w, 7);

    let w = "year == 2006 and (trade > 0";
    let r = d.hallyu(["fepois", GRAVITY, "--where", w]).run_usage();
    assert!(r.message().contains("`)`"), "{r}");
    assert_caret(&r, w, w.len());

    let w = "exporter == 'KOR";
    let r = d.hallyu(["fepois", GRAVITY, "--where", w]).run_usage();
    assert!(r.message().contains("unterminated"), "{r}");
    assert_caret(&r, w, w.find('\'').expect("'"));
}

#[test]
fn error_where_text_column_against_a_number() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "--where", "exporter == 5"])
        .run_usage_line();
    assert!(r.message().contains("text column `exporter`"), "{r}");
    assert!(r.message().contains("'5'"), "suggests quoting\n{r}");
    let r = d
        .hallyu(["fepois", GRAVITY, "--where", "year == '2006'"])
        .run_usage_line();
    assert!(r.message().contains("numeric column `year`"), "{r}");
}

#[test]
fn error_where_text_column_against_an_unquoted_word() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "--where", "exporter == KOR"])
        .run_usage();
    assert!(r.message().contains("`KOR`"), "{r}");
    assert!(
        r.message().contains("'KOR'"),
        "should suggest quoting: 'KOR'\n{r}"
    );
}

#[test]
fn error_negative_outcome_for_poisson() {
    let d = Dir::new();
    d.write("neg.csv", "y,x\n1,2\n-1,3\n2,4\n3,1\n");
    let r = d
        .hallyu(["fepois", "y ~ x", "-d", "neg.csv"])
        .run_err_line();
    assert!(r.message().contains("negative"), "{r}");
    assert!(r.message().contains("`y`"), "{r}");
    assert!(r.message().contains("row 2"), "{r}");
    // OLS accepts it.
    d.hallyu(["feols", "y ~ x", "-d", "neg.csv", "-q"]).run_ok();
}

#[test]
fn error_outcome_zero_everywhere() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", "trade ~ log(dist)", "--where", "trade == 0"])
        .run_err_line();
    assert!(r.message().contains("zero in every observation"), "{r}");
}

#[test]
fn error_text_regressor_suggests_i_or_fixed_effect() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist) + exporter",
            "-w",
            "year == 2006",
        ])
        .run_err_line();
    assert!(r.message().contains("`exporter` is text"), "{r}");
    assert!(r.message().contains("i(exporter)"), "{r}");
    assert!(r.message().contains("fixed effect"), "{r}");
    // With i() it works.
    let f = fit(
        &d,
        "feols",
        "log(trade) ~ log(dist) + i(cntg)",
        &["-w", "trade > 0 and year == 2006"],
    );
    assert!(f.terms().iter().any(|t| t.contains("cntg")), "{f:?}");
}

#[test]
fn error_where_selects_no_rows() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "--where", "year == 1900"])
        .run_usage_line();
    assert!(r.message().contains("selects no rows"), "{r}");
    assert!(r.message().contains("year == 1900"), "{r}");
}

#[test]
fn error_cluster_arguments() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "-w",
            "year == 2006",
            "--cluster",
            "exporter,importer,year",
        ])
        .run_usage_line();
    assert!(r.message().contains("at most two"), "{r}");
    let r = d
        .hallyu(["fepois", GRAVITY, "-w", "year == 2006", "--cluster", ","])
        .run_usage_line();
    assert!(r.message().contains("--cluster"), "{r}");
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "-w",
            "year == 2006",
            "--cluster",
            "pair_id",
            "--vcov",
            "hetero",
        ])
        .run_usage_line();
    assert!(r.message().contains("--vcov cluster"), "{r}");
    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist)",
            "-w",
            "year == 2006",
            "--vcov",
            "cluster",
        ])
        .run_usage_line();
    assert!(r.message().contains("the model has none"), "{r}");
}

#[test]
fn error_bad_options() {
    let d = Dir::new();
    let r = d.hallyu(["fepois", GRAVITY, "--tol", "0"]).run_usage_line();
    assert!(r.message().contains("--tol"), "{r}");
    let r = d
        .hallyu(["fepois", GRAVITY, "--separation", "magic"])
        .run_usage_line();
    assert!(
        r.message().contains("--separation") && r.message().contains("fe,relu"),
        "{r}"
    );
    let r = d
        .hallyu(["fepois", GRAVITY, "--weights", "wt"])
        .run_usage_line();
    assert!(r.message().contains("`wt`"), "{r}");
    // Usage errors are clap's: status 2, nothing on stdout.
    let r = d.hallyu(["fepois", GRAVITY, "--format", "xml"]).run_code(2);
    assert!(r.stdout.is_empty());
    r.assert_stderr_contains("possible values");
    let r = d.hallyu(Vec::<&str>::new()).run_code(2);
    r.assert_stderr_contains("Usage");
}

#[test]
fn error_ragged_csv_row_reports_the_line() {
    let d = Dir::new();
    d.write("short.csv", "y,x,g\n1,2,a\n1,3\n2,4,b\n3,1,b\n");
    let r = d
        .hallyu(["fepois", "y ~ x", "-d", "short.csv"])
        .run_err_line();
    assert!(r.message().contains("short.csv"), "{r}");
    assert!(r.message().contains("line 3"), "{r}");
    assert!(r.message().contains("expected 3 fields, found 2"), "{r}");

    d.write("long.csv", "y,x,g\n1,2,a\n1,3,a\n2,4,b\n3,1,b,5\n");
    let r = d
        .hallyu(["fepois", "y ~ x", "-d", "long.csv"])
        .run_err_line();
    assert!(r.message().contains("line 5"), "{r}");
    assert!(r.message().contains("found 4"), "{r}");
}

#[test]
fn error_header_only_csv() {
    let d = Dir::new();
    d.write("h.csv", "y,x\n");
    let r = d.hallyu(["feols", "y ~ x", "-d", "h.csv"]).run_err_line();
    assert!(r.message().contains("no observations"), "{r}");
}

#[test]
fn error_empty_csv_says_empty() {
    let d = Dir::new();
    d.write("e.csv", "");
    let r = d.hallyu(["feols", "y ~ x", "-d", "e.csv"]).run_err_line();
    assert!(r.message().contains("empty"), "{r}");
}

#[test]
fn error_in_one_of_several_formulas_prints_nothing() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "trade ~ exporter", "-w", "year == 2006"])
        .run_err_line();
    assert!(
        r.message().contains("trade ~ exporter"),
        "names the failing formula\n{r}"
    );
}

// ---------------------------------------------------------------------------------------
// Edge results
// ---------------------------------------------------------------------------------------

/// y, x, z, g with missing values of every kind and one log(0).
const MISSING_CSV: &str = "y,x,z,g\n\
1,2,1,a\n\
2,,1,a\n\
3,4,NA,a\n\
4,0,1,b\n\
5,3,2,b\n\
6,5,1,b\n\
7,6,3,a\n\
8,NaN,1,b\n\
9,7,2,c\n\
10,inf,1,b\n";

#[test]
fn missing_and_non_finite_values_are_dropped_and_counted() {
    let d = Dir::new();
    d.write("m.csv", MISSING_CSV);
    // empty, NA, log(0), NaN and inf: 5 rows.
    let f = fit(&d, "feols", "y ~ log(x) + z", &["-d", "m.csv"]);
    assert_eq!(f.dropped.missing, 5);
    assert_eq!(f.nobs, 5);
    // Without log(), x = 0 is fine.
    let f = fit(&d, "feols", "y ~ x + z", &["-d", "m.csv"]);
    assert_eq!(f.dropped.missing, 4);
    assert_eq!(f.nobs, 6);
    // The table says so too.
    let r = d
        .hallyu(["feols", "y ~ log(x) + z", "-d", "m.csv"])
        .run_ok();
    r.assert_stdout_contains("5 missing");

    // On the panel: log(trade) of the 314 zero flows of 2002 and 2006.
    let f = fit(
        &d,
        "feols",
        "log(trade) ~ log(dist) + cntg",
        &["-w", "year == 2002 or year == 2006"],
    );
    assert_eq!(f.dropped.missing, 314);
    assert_eq!(f.nobs, 2 * 69 * 69 - 314);
}

#[test]
fn singletons_are_dropped_and_counted() {
    let d = Dir::new();
    d.write("m.csv", MISSING_CSV);
    // After the missing rows, `c` has one observation left.
    let f = fit(&d, "feols", "y ~ log(x) + z | g", &["-d", "m.csv"]);
    assert_eq!(
        f.dropped,
        Dropped {
            missing: 5,
            singletons: 1,
            separated: 0
        }
    );
    assert_eq!(f.nobs, 4);
    assert_eq!(f.fixed_effects[0].levels, 2);
    let f = fit(
        &d,
        "feols",
        "y ~ log(x) + z | g",
        &["-d", "m.csv", "--keep-singletons"],
    );
    assert_eq!(
        f.dropped,
        Dropped {
            missing: 5,
            singletons: 0,
            separated: 0
        }
    );
    assert_eq!(f.nobs, 5);
    assert_eq!(f.fixed_effects[0].levels, 3);

    // On the panel: pairs with one positive flow in 2002/2006.
    let f = fit(
        &d,
        "feols",
        "log(trade) ~ rta | pair_id",
        &["-w", "year == 2002 or year == 2006"],
    );
    assert_eq!(f.dropped.missing, 314);
    assert_eq!(f.dropped.singletons, 26);
}

#[test]
fn separation_is_detected_and_counted() {
    let d = Dir::new();
    let f = fit(&d, "fepois", RTA, &["--where", YEARS]);
    assert_eq!(
        f.dropped,
        Dropped {
            missing: 0,
            singletons: 0,
            separated: 84
        }
    );
    assert_eq!(f.nobs + 84, 6 * 69 * 69);
    assert!(f.converged);
    let b = f.coef("rta").estimate;
    assert!(
        (b - 0.5572).abs() < 1e-3,
        "the book's PPML RTA estimate is 0.557: {b}"
    );
    let r = d.hallyu(["fepois", RTA, "--where", YEARS]).run_ok();
    r.assert_stdout_contains("84 separated");
}

#[test]
fn collinear_regressor_is_dropped_with_a_note() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "feols",
            "log(trade) ~ log(dist) + rta | pair_id",
            "-w",
            "year == 2002 or year == 2006",
            "-f",
            "json",
        ])
        .run_ok();
    let f: FitJson = r.json();
    assert_eq!(f.collinear, ["log(dist)"]);
    assert_eq!(f.terms(), ["rta"]);
    let notes = f.notes.expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("collinear") && n.contains("log(dist)")),
        "{notes:?}"
    );

    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist) + rta | exporter^year + importer^year + pair_id",
            "-w",
            YEARS,
        ])
        .run_ok();
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains("collinear") && l.contains("log(dist)")),
        "{r}"
    );
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("log(dist)")),
        "no row for it\n{r}"
    );
}

#[test]
fn zero_residual_degrees_of_freedom() {
    let d = Dir::new();
    d.write("nk.csv", "y,x\n1,2\n3,5\n");
    let r = d
        .hallyu(["feols", "y ~ x", "-d", "nk.csv", "-f", "json"])
        .run_ok();
    let f: FitJson = r.json();
    assert_eq!(f.nobs, 2);
    assert_eq!(f.terms(), ["(Intercept)", "x"]);
    assert!((f.coef("x").estimate - 2.0 / 3.0).abs() < 1e-12);
    assert!((f.coef("(Intercept)").estimate + 1.0 / 3.0).abs() < 1e-12);
    for c in &f.coefficients {
        assert_eq!(c.std_error, None, "{c:?}");
        assert_eq!(c.statistic, None);
        assert_eq!(c.p_value, None);
        assert_eq!(c.conf_low, None);
        assert_eq!(c.conf_high, None);
    }
    // null, not NaN or a string, in the raw JSON.
    let v = r.value();
    assert!(v["coefficients"][0]["std_error"].is_null(), "{r}");
    assert!(f
        .notes
        .expect("notes")
        .iter()
        .any(|n| n.contains("degrees of freedom")));

    let r = d.hallyu(["feols", "y ~ x", "-d", "nk.csv"]).run_ok();
    let row = r
        .stdout
        .lines()
        .find(|l| l.starts_with("x "))
        .unwrap_or_else(|| panic!("no x row\n{r}"));
    assert!(
        row.contains("0.666667") && row.contains("undefined"),
        "{row}"
    );
    r.assert_stdout_contains("no residual degrees of freedom");
    // CSV leaves the cells empty rather than writing NaN.
    let r = d
        .hallyu(["feols", "y ~ x", "-d", "nk.csv", "-f", "csv"])
        .run_ok();
    assert!(!r.stdout.to_lowercase().contains("nan"), "{r}");
}

#[test]
fn non_convergence_exits_3_and_still_prints_results() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist)",
            "--where",
            "year == 2006",
            "--max-iter",
            "1",
        ])
        .run_code(3);
    r.assert_no_panic();
    assert!(r.stderr.starts_with("error: "), "{r}");
    r.assert_stderr_contains("did not converge");
    r.assert_stdout_contains("log(dist)");
    r.assert_stdout_contains("NOT CONVERGED");

    let r = d
        .hallyu([
            "fepois",
            "trade ~ log(dist)",
            "-w",
            "year == 2006",
            "--max-iter",
            "1",
            "-f",
            "json",
            "-q",
        ])
        .run_code(3);
    let f: FitJson = r.json();
    assert!(!f.converged);
    assert_eq!(f.iterations, 1);
    r.assert_stderr_contains("did not converge");
}

#[test]
fn weights_of_one_change_nothing() {
    let d = Dir::new();
    d.write(
        "w.csv",
        "y,x,g,w\n1,2,a,1\n2,3,a,1\n4,5,b,1\n2,4,b,1\n3,1,c,1\n5,2,c,1\n",
    );
    let plain = fit(&d, "fepois", "y ~ x | g", &["-d", "w.csv"]);
    let weighted = fit(
        &d,
        "fepois",
        "y ~ x | g",
        &["-d", "w.csv", "--weights", "w"],
    );
    let rel = (plain.coef("x").estimate - weighted.coef("x").estimate).abs()
        / plain.coef("x").estimate.abs();
    assert!(rel < 1e-8, "{plain:?} vs {weighted:?}");
    assert_eq!(plain.nobs, weighted.nobs);
}

// ---------------------------------------------------------------------------------------
// --out
// ---------------------------------------------------------------------------------------

#[test]
fn out_writes_the_same_text_atomically() {
    let d = Dir::new();
    let args = ["fepois", GRAVITY, "-w", "year == 2006", "-f", "json"];
    let direct = d.hallyu(args).run_ok();
    d.write("result.json", "old content");
    let mut c = d.hallyu(args);
    c.args(["--out", "result.json"]);
    let r = c.run_ok();
    assert!(r.stdout.is_empty(), "nothing on stdout with --out\n{r}");
    assert_eq!(
        d.read("result.json"),
        direct.stdout,
        "file = what stdout would show"
    );
    d.assert_no_temp_files();
    assert_eq!(d.listing(), ["result.json"]);
    // Into a sub-directory, any format.
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    d.hallyu([
        "fepois",
        GRAVITY,
        "-w",
        "year == 2006",
        "-f",
        "latex",
        "-o",
        "sub/t.tex",
    ])
    .run_ok();
    assert!(std::fs::read_to_string(d.join("sub/t.tex"))
        .expect("t.tex")
        .trim_end()
        .ends_with("\\end{table}"));
}

#[test]
fn out_into_a_missing_directory_fails_cleanly() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "fepois",
            GRAVITY,
            "-w",
            "year == 2006",
            "--out",
            "nodir/r.json",
        ])
        .run_err_line();
    assert!(r.message().contains("nodir"), "{r}");
    assert!(!d.join("nodir").exists());
    assert!(d.listing().is_empty(), "{:?}", d.listing());
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "3",
            "--years",
            "1",
            "--out",
            "nodir/s.csv",
        ])
        .run_err_line();
    assert!(r.message().contains("nodir"), "{r}");
}

#[test]
fn out_is_untouched_when_the_fit_fails() {
    let d = Dir::new();
    d.write("r.json", "previous result");
    d.hallyu([
        "fepois",
        "trade ~ exporter",
        "-w",
        "year == 2006",
        "-o",
        "r.json",
    ])
    .run_err_line();
    assert_eq!(d.read("r.json"), "previous result");
    d.assert_no_temp_files();
}

#[test]
fn out_with_non_convergence_writes_and_exits_3() {
    let d = Dir::new();
    d.hallyu([
        "fepois",
        "trade ~ log(dist)",
        "-w",
        "year == 2006",
        "--max-iter",
        "1",
        "-f",
        "json",
        "-o",
        "r.json",
    ])
    .run_code(3)
    .assert_stderr_contains("did not converge");
    let text = d.read("r.json");
    let f: FitJson = serde_json::from_str(&text).expect("complete JSON in the file");
    assert!(!f.converged);
    d.assert_no_temp_files();
}

#[cfg(unix)]
#[test]
fn out_file_has_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let reference = d.write("reference.txt", "x");
    let expected = std::fs::metadata(&reference)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    d.hallyu(["fepois", GRAVITY, "-w", "year == 2006", "-o", "r.txt"])
        .run_ok();
    d.hallyu([
        "synth",
        "--countries",
        "3",
        "--years",
        "1",
        "-q",
        "--out",
        "s.csv",
    ])
    .run_ok();
    for name in ["r.txt", "s.csv"] {
        let mode = std::fs::metadata(d.join(name))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(
            mode, expected,
            "{name}: {mode:o}, a file created normally: {expected:o}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// reproduce
// ---------------------------------------------------------------------------------------

#[test]
fn reproduce_chapter_1_matches_the_published_values() {
    let d = Dir::new();
    let r = d.hallyu(["reproduce", "--format", "json"]).run_ok();
    let v = r.value();
    let specs = v
        .as_array()
        .unwrap_or_else(|| panic!("expected an array\n{r}"));
    assert!(specs.len() >= 4, "{r}");
    assert_eq!(specs[0]["spec"]["id"], "ch1_app1_ols");
    for s in specs {
        let id = s["spec"]["id"].as_str().expect("spec.id");
        assert!(s["error"].is_null(), "{id}: {}", s["error"]);
        assert_eq!(s["nobs_ok"], true, "{id}");
        assert!(s["fit"].is_object(), "{id}");
        let comparisons = s["comparisons"].as_array().expect("comparisons");
        assert!(!comparisons.is_empty(), "{id}");
        for c in comparisons {
            assert_eq!(c["ok"], true, "{id}: {c}");
            let num = |k: &str| c[k].as_f64().unwrap_or_else(|| panic!("{id}: {k} in {c}"));
            // Check the verdict rather than trust it.
            assert!(
                (num("estimate") - num("published_estimate")).abs() <= num("tolerance_estimate"),
                "{id}: {c}"
            );
            assert!(
                (num("std_error") - num("published_std_error")).abs() <= num("tolerance_std_error"),
                "{id}: {c}"
            );
        }
    }
}

#[test]
fn reproduce_unknown_chapter() {
    let d = Dir::new();
    let r = d.hallyu(["reproduce", "--chapter", "9"]).run_usage_line();
    assert!(r.message().contains("chapter 9"), "{r}");
    assert!(
        r.message().contains("chapters 1") && r.message().contains("2 (general equilibrium)"),
        "says what is available\n{r}"
    );
}

// ---------------------------------------------------------------------------------------
// synth
// ---------------------------------------------------------------------------------------

#[test]
fn synth_is_deterministic() {
    let d = Dir::new();
    let synth = |out: &str, seed: &str| -> Run {
        d.hallyu([
            "synth",
            "--countries",
            "10",
            "--years",
            "3",
            "--seed",
            seed,
            "--out",
            out,
        ])
        .run_ok()
    };
    let r = synth("s1.parquet", "7");
    r.assert_stderr_contains("wrote 300 rows");
    assert!(r.stdout.is_empty(), "{r}");
    synth("s2.parquet", "7");
    synth("s3.parquet", "8");
    synth("s1.csv", "7");
    d.assert_no_temp_files();

    let csv = d.read("s1.csv");
    assert_eq!(csv.lines().count(), 301, "header + 300 rows");
    assert!(
        csv.starts_with("exporter,importer,year,"),
        "{}",
        &csv[..80.min(csv.len())]
    );

    let model = "trade ~ rta | exporter^year + importer^year + pair";
    let fits: Vec<FitJson> = ["s1.parquet", "s2.parquet", "s3.parquet", "s1.csv"]
        .iter()
        .map(|p| fit(&d, "fepois", model, &["-d", p]))
        .collect();
    assert_eq!(
        numbers(&fits[0]),
        numbers(&fits[1]),
        "same seed, same panel"
    );
    assert_eq!(
        numbers(&fits[0]),
        numbers(&fits[3]),
        "Parquet and CSV agree"
    );
    assert_ne!(
        numbers(&fits[0]),
        numbers(&fits[2]),
        "another seed, another panel"
    );
    let all = fit(&d, "feols", "dist ~ rta", &["-d", "s1.parquet"]);
    assert_eq!(all.nobs + all.dropped.missing, 300);
    assert_eq!(all.dropped.missing, 0);
}

#[test]
fn synth_rejects_bad_arguments() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "1",
            "--years",
            "3",
            "--out",
            "s.csv",
        ])
        .run_usage_line();
    assert!(r.message().contains("countries"), "{r}");
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "3",
            "--years",
            "1",
            "--out",
            "s.dta",
        ])
        .run_usage_line();
    assert!(r.message().contains(".dta"), "{r}");
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "3",
            "--years",
            "1",
            "--out",
            "s.xlsx",
        ])
        .run_usage_line();
    assert!(r.message().contains("s.xlsx"), "{r}");
    assert!(d.listing().is_empty(), "{:?}", d.listing());
}

#[test]
fn synth_unknown_extension_suggests_only_writable_formats() {
    let d = Dir::new();
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "3",
            "--years",
            "1",
            "--out",
            "s.xlsx",
        ])
        .run_usage_line();
    assert!(!r.message().contains(".dta"), "{r}");
}

// ---------------------------------------------------------------------------------------
// --quiet, pipes, help
// ---------------------------------------------------------------------------------------

#[test]
fn quiet_prints_nothing_on_stderr() {
    let d = Dir::new();
    let r = d
        .hallyu(["fepois", GRAVITY, "-w", "year == 2006", "--quiet"])
        .run_ok();
    assert!(r.stderr.is_empty(), "{r}");
    assert!(!r.stdout.is_empty(), "{r}");
    let r = d
        .hallyu([
            "synth",
            "--countries",
            "3",
            "--years",
            "2",
            "--out",
            "s.csv",
            "--quiet",
        ])
        .run_ok();
    assert!(r.stderr.is_empty() && r.stdout.is_empty(), "{r}");
    assert!(d.join("s.csv").exists());
    let r = d
        .hallyu(["fepois", GRAVITY, "-w", "year == 2006", "-q", "-o", "r.txt"])
        .run_ok();
    assert!(r.stderr.is_empty() && r.stdout.is_empty(), "{r}");
}

#[test]
fn closed_stdout_is_not_an_error() {
    let d = Dir::new();
    let mut child = std::process::Command::new(util::bin())
        .current_dir(d.path())
        .args(["fepois", GRAVITY, "-w", "year == 2006", "-f", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn help_and_version() {
    let d = Dir::new();
    let r = d.hallyu(["--help"]).run_ok();
    for cmd in ["fepois", "feols", "reproduce", "synth", "data"] {
        r.assert_stdout_contains(cmd);
    }
    let r = d.hallyu(["fepois", "--help"]).run_ok();
    for opt in [
        "--where",
        "--cluster",
        "--ssc",
        "--vcov",
        "--format",
        "--out",
        "--quiet",
    ] {
        r.assert_stdout_contains(opt);
    }
    let r = d.hallyu(["--version"]).run_ok();
    assert!(r.stdout.starts_with("hallyu "), "{r}");
}

// ---------------------------------------------------------------------------------------
// Variances
// ---------------------------------------------------------------------------------------

#[test]
fn ssc_variants_order_the_clustered_standard_errors() {
    let d = Dir::new();
    let with = |ssc: &str| {
        fit(
            &d,
            "fepois",
            RTA,
            &["-w", YEARS, "--cluster", "pair_id", "--ssc", ssc],
        )
    };
    let fixest = with("fixest");
    let cluster_only = with("cluster-only");
    let stata = with("stata");
    let none = with("none");
    for (f, name) in [
        (&fixest, "fixest"),
        (&cluster_only, "cluster-only"),
        (&stata, "stata"),
        (&none, "none"),
    ] {
        assert_eq!(f.ssc, name);
        assert_eq!(f.vcov, "cluster(pair_id)");
        assert_eq!(
            f.coef("rta").estimate,
            fixest.coef("rta").estimate,
            "{name}"
        );
    }
    let (a, b, c, e) = (
        none.se("rta"),
        cluster_only.se("rta"),
        stata.se("rta"),
        fixest.se("rta"),
    );
    assert!(a < b, "none {a} < cluster-only {b}");
    assert!(b < e, "cluster-only {b} < fixest {e}");
    assert!(
        c <= e && c > b,
        "cluster-only {b} < stata {c} <= fixest {e}"
    );
    // cluster-only is G/(G-1) on top of none.
    let g = fixest.clusters.as_ref().expect("clusters")[0].levels as f64;
    assert!(
        ((b / a).powi(2) - g / (g - 1.0)).abs() < 1e-9,
        "{a} {b} G={g}"
    );
    // The book's published clustered standard error of the RTA effect: 0.102.
    assert!((b - 0.102).abs() < 5e-4, "{b}");
}

#[test]
fn vcov_hetero_and_iid() {
    let d = Dir::new();
    let iid = fit(&d, "fepois", RTA, &["-w", YEARS]);
    let hetero = fit(&d, "fepois", RTA, &["-w", YEARS, "--vcov", "hetero"]);
    assert_eq!(iid.vcov, "iid");
    assert_eq!(hetero.vcov, "hetero");
    assert_eq!(iid.coef("rta").estimate, hetero.coef("rta").estimate);
    assert!(
        hetero.se("rta") > 2.0 * iid.se("rta"),
        "overdispersed trade flows: hetero {} vs iid {}",
        hetero.se("rta"),
        iid.se("rta")
    );
    assert!(hetero.clusters.is_none());
    let r = d
        .hallyu(["fepois", RTA, "-w", YEARS, "--vcov", "hetero"])
        .run_ok();
    r.assert_stdout_contains("Standard errors: hetero");
}

#[test]
fn two_way_and_default_clustering() {
    let d = Dir::new();
    let two = fit(
        &d,
        "fepois",
        RTA,
        &["-w", YEARS, "--cluster", "exporter,importer"],
    );
    assert_eq!(two.vcov, "cluster(exporter, importer)");
    assert_eq!(
        two.clusters.as_deref().expect("clusters"),
        [
            Level {
                name: "exporter".into(),
                levels: 69
            },
            Level {
                name: "importer".into(),
                levels: 69
            }
        ]
    );
    let one = fit(&d, "fepois", RTA, &["-w", YEARS, "--cluster", "exporter"]);
    assert_ne!(two.se("rta"), one.se("rta"));
    let r = d
        .hallyu(["fepois", RTA, "-w", YEARS, "--cluster", "exporter,importer"])
        .run_ok();
    r.assert_stdout_contains("cluster(exporter, importer)");
    // --vcov cluster alone clusters by the first fixed effect; a^b interactions work.
    let first = fit(&d, "fepois", RTA, &["-w", YEARS, "--vcov", "cluster"]);
    assert_eq!(first.vcov, "cluster(exporter^year)");
    let inter = fit(
        &d,
        "fepois",
        RTA,
        &["-w", YEARS, "--cluster", "exporter^year"],
    );
    assert_eq!(numbers(&first), numbers(&inter));
    assert_eq!(first.clusters.expect("clusters")[0].levels, 6 * 69);
}

/// `synth --graph`: each hard graph is written, seeded, and fits `y ~ x | fe1 + fe2` near
/// the true 0.3, reporting the fixed-effect solver's passes; a graph not known is a usage
/// error naming the graphs.
#[test]
fn synth_writes_hard_fixed_effect_graphs_that_fit() {
    let d = Dir::new();
    for kind in ["worker-firm", "chain", "components", "nested"] {
        let out = format!("{kind}.parquet");
        let r = d
            .hallyu([
                "synth", "--graph", kind, "--rows", "20000", "--seed", "3", "--out", &out,
            ])
            .run_ok();
        r.assert_stderr_contains("wrote 20000 rows");
        let f = fit(&d, "fepois", "y ~ x | fe1 + fe2", &["-d", &out]);
        assert!(f.converged, "{kind}");
        assert!(f.demean_sweeps.is_some_and(|p| p > 0), "{kind}");
        let x = f.coefficients[0].estimate;
        assert!((x - 0.3).abs() < 0.05, "{kind}: {x}");
    }
    // The same seed writes the same panel.
    d.hallyu([
        "synth",
        "--graph",
        "chain",
        "--rows",
        "20000",
        "--seed",
        "3",
        "--out",
        "again.parquet",
    ])
    .run_ok();
    let a = fit(&d, "fepois", "y ~ x | fe1 + fe2", &["-d", "chain.parquet"]);
    let b = fit(&d, "fepois", "y ~ x | fe1 + fe2", &["-d", "again.parquet"]);
    assert_eq!(numbers(&a), numbers(&b));
    d.hallyu(["synth", "--graph", "ladder", "--out", "x.parquet"])
        .run_usage()
        .assert_stderr_contains("worker-firm, chain, components, nested");
    d.hallyu([
        "synth",
        "--graph",
        "chain",
        "--rows",
        "3",
        "--out",
        "x.parquet",
    ])
    .run_usage();
}
