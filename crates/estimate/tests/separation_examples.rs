//! ppmlhdfe's separation examples (`tests/data/ppmlhdfe_separation/`, see the README
//! there): every Poisson fit must
//!
//! (a) drop exactly the rows that ppmlhdfe marks `separated == 1`: the number dropped as
//!     separated is `sum(separated)`, and a refit on the `separated == 0` rows alone drops
//!     nothing and reproduces the full-sample fit (same nobs, deviance, log-likelihood,
//!     coefficients and standard errors), so the kept rows are those rows and no others;
//! (b) converge;
//! (c) reproduce `expected.csv` (pyfixest 0.60 on the `separated == 0` rows): the same
//!     regressors dropped as collinear, and the coefficients and heteroskedasticity-robust
//!     standard errors (fixest small-sample correction) within [`REL_TOL`].
//!
//! As in ppmlhdfe's `validate_tagsep.do` (`keepsing`) and `fixef_rm="none"` in pyfixest,
//! singletons are kept.

use hallyu_data::read::{read_csv, ReadOptions};
use hallyu_data::Table;
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, NoProgress, Ssc, VcovSpec};
use std::path::{Path, PathBuf};

/// Relative tolerance for the estimates against `expected.csv`.
///
/// The reference estimates are printed to 12 significant digits by pyfixest with an IRLS
/// tolerance of 1e-10 and agree with an independent numpy Newton fit to every printed digit.
/// Hallyu stops at a relative deviance change below 1e-8 (fixest's default) but IRLS
/// converges quadratically, so its estimates are far closer than that; 1e-6 leaves room for
/// the stopping point and the FE demeaning tolerance (1e-8) while any real difference (a
/// wrong sample, a missed collinearity) moves estimates by percents.
///
/// Estimates are compared relative to `max(|estimate|, std_error)`: in 05 and 06 the true
/// x2 and x3 coefficients are 0 (pyfixest prints ±1e-16), where a purely relative test is
/// meaningless; the standard error is the natural scale of a coefficient.
const REL_TOL: f64 = 1e-6;

/// Relative tolerance for the heteroskedasticity-robust standard errors against
/// `expected.csv`.
///
/// Looser than [`REL_TOL`] because the *reference* is less precise there: pyfixest 0.60
/// (`Fepois.get_fit`) builds the bread `X̃'WX̃` with the IRLS weights `μ` from the start of
/// its last iteration, i.e. at the penultimate iterate, while the scores use the final `μ`.
/// With its stopping rule (relative deviance change < 1e-10) the last step is still ~1e-5
/// in `η`, so its SEs are off by up to ~1e-5 relative. Hallyu's SEs agree with an exact
/// Newton fit (numpy, iterated to machine precision; checked for 10, 14 and 18) to about
/// 1e-8, and differ from pyfixest's by 1.0e-6 to 7.7e-6 (largest: 18, x3), always with the
/// same sign. 2e-5 covers that and still catches a wrong small-sample factor (n/(n-k) moves
/// by ≥ 1% per degree of freedom in these samples) or a wrong sample.
const SE_REL_TOL: f64 = 2e-5;

/// Tolerance for the full-sample fit against the refit on the `separated == 0` rows: the two
/// solve the same problem on the same rows, so they must agree up to the IRLS stopping
/// point and demeaning precision.
const SAME_FIT_TOL: f64 = 1e-6;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ppmlhdfe_separation")
}

/// One row of `expected.csv` with a coefficient.
#[derive(Debug, Clone)]
struct ExpectedCoef {
    term: String,
    estimate: f64,
    std_error_hetero: f64,
}

/// Everything `expected.csv` says about one example.
#[derive(Debug, Clone)]
struct Expected {
    formula: String,
    n_total: usize,
    n_separated: usize,
    coefs: Vec<ExpectedCoef>,
    collinear: Vec<String>,
}

/// Splits one CSV line, honouring double quotes (the `note` column contains commas).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

fn load_expected(example: &str) -> Expected {
    let text = std::fs::read_to_string(data_dir().join("expected.csv")).expect("read expected.csv");
    let mut lines = text.lines();
    let header = split_csv_line(lines.next().expect("expected.csv has a header"));
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("expected.csv lacks {name}"))
    };
    let (c_ex, c_formula, c_n, c_sep, c_term, c_est, c_se, c_note) = (
        col("example"),
        col("formula"),
        col("n_total"),
        col("n_separated_expected"),
        col("term"),
        col("estimate"),
        col("std_error_hetero"),
        col("note"),
    );
    let mut out: Option<Expected> = None;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f = split_csv_line(line);
        assert_eq!(f.len(), header.len(), "malformed expected.csv line: {line}");
        if f[c_ex] != example {
            continue;
        }
        let e = out.get_or_insert_with(|| Expected {
            formula: f[c_formula].clone(),
            n_total: f[c_n].parse().expect("n_total"),
            n_separated: f[c_sep].parse().expect("n_separated_expected"),
            coefs: Vec::new(),
            collinear: f[c_note]
                .split_once("collinear dropped:")
                .map(|(_, rest)| {
                    rest.split([',', ';'])
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        });
        if !f[c_term].is_empty() {
            e.coefs.push(ExpectedCoef {
                term: f[c_term].clone(),
                estimate: f[c_est].parse().expect("estimate"),
                std_error_hetero: f[c_se].parse().expect("std_error_hetero"),
            });
        }
    }
    out.unwrap_or_else(|| panic!("example {example} is not in expected.csv"))
}

/// pyfixest's term names to hallyu's (fixest's) spelling.
fn hallyu_term(pyfixest: &str) -> &str {
    if pyfixest == "Intercept" {
        "(Intercept)"
    } else {
        pyfixest
    }
}

/// The model of an example: all `x*` columns as regressors, all `id*` columns absorbed
/// (README: "y ~ x1 + … + xK | id1 + … + idM"); built from the data's columns so that it
/// is independent of the formula text in expected.csv, which it is checked against.
fn formula_for(table: &Table) -> String {
    let xs: Vec<&str> = table
        .names()
        .iter()
        .map(String::as_str)
        .filter(|n| n.starts_with('x'))
        .collect();
    let ids: Vec<&str> = table
        .names()
        .iter()
        .map(String::as_str)
        .filter(|n| n.starts_with("id"))
        .collect();
    let rhs = if xs.is_empty() {
        "1".to_string()
    } else {
        xs.join(" + ")
    };
    if ids.is_empty() {
        format!("y ~ {rhs}")
    } else {
        format!("y ~ {rhs} | {}", ids.join(" + "))
    }
}

fn fit(table: &Table, formula: &str) -> Result<Fit, String> {
    let parsed =
        Formula::parse(formula).map_err(|e| format!("formula `{formula}` does not parse: {e}"))?;
    let mut req = FitRequest::new(parsed, Estimator::Poisson);
    req.vcov = Some(VcovSpec::Hetero);
    req.ssc = Ssc::Fixest;
    req.options.drop_singletons = false;
    estimate(table, &req, &NoProgress).map_err(|e| format!("estimate failed: {e}"))
}

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale.abs()
}

/// Row numbers (1-based, as in the CSV's data lines) flagged by hallyu's own separation
/// building blocks, replaying `estimate`'s dropping loop without singletons. Only used to
/// make failure messages say *which* rows differ from the ground truth.
fn hallyu_flagged_rows(table: &Table, formula: &str) -> Vec<usize> {
    use hallyu_estimate::{design, fixef, separation};
    let Ok(f) = Formula::parse(formula) else {
        return Vec::new();
    };
    let Ok(mut d) = design::build(table, &f, None, &[]) else {
        return Vec::new();
    };
    let mut rows: Vec<usize> = (1..=d.nobs()).collect();
    let mut flagged = Vec::new();
    // As in `estimate`: the rectifier runs when the FE check finds nothing, and again after
    // every round that dropped something.
    loop {
        let n = d.nobs();
        let mut keep = vec![true; n];
        let mut dropped = fixef::flag_zero_groups(&d.fe, &d.y, &mut keep);
        if dropped == 0 && (!d.x.is_empty() || d.fe.len() >= 2) {
            let out = separation::relu(&d.y, &d.x, &d.fe, 100);
            for (k, s) in keep.iter_mut().zip(&out.separated) {
                if *s {
                    *k = false;
                    dropped += 1;
                }
            }
        }
        if dropped == 0 {
            break;
        }
        flagged.extend(
            rows.iter()
                .zip(&keep)
                .filter(|(_, k)| !**k)
                .map(|(r, _)| *r),
        );
        rows = rows
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(r, _)| *r)
            .collect();
        d.subset(&keep);
        if d.nobs() == 0 {
            break;
        }
    }
    flagged.sort_unstable();
    flagged
}

fn check_example(example: &str) {
    let path = data_dir().join(format!("{example}.csv"));
    let table = read_csv(&path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{example}: read {}: {e}", path.display()));
    let exp = load_expected(example);
    let formula = formula_for(&table);
    assert_eq!(
        formula, exp.formula,
        "{example}: formula from the columns vs expected.csv"
    );
    assert_eq!(
        table.nrows(),
        exp.n_total,
        "{example}: rows in the file vs expected.csv n_total"
    );

    let sep_col = table.num("separated").expect("separated column");
    let truth: Vec<usize> = (0..sep_col.len())
        .filter(|&i| sep_col[i] != 0.0)
        .map(|i| i + 1)
        .collect();
    assert_eq!(
        truth.len(),
        exp.n_separated,
        "{example}: sum(separated) vs expected.csv"
    );
    let n_kept = exp.n_total - exp.n_separated;

    let mut failures: Vec<String> = Vec::new();
    let full = match fit(&table, &formula) {
        Ok(f) => f,
        Err(e) => panic!(
            "{example} ({formula}): full-sample fit failed: {e}\n  ground-truth separated rows: {truth:?}\n  hallyu's separation flags rows: {:?}",
            hallyu_flagged_rows(&table, &formula)
        ),
    };

    // (a) separation: how many, and which.
    if full.dropped.separated != exp.n_separated
        || full.nobs != n_kept
        || full.dropped.singletons != 0
        || full.dropped.missing != 0
    {
        failures.push(format!(
            "separation: hallyu dropped {} as separated ({} singletons, {} missing), nobs {}; ground truth: {} separated, nobs {}\n    ground-truth separated rows: {truth:?}\n    hallyu flags rows:           {:?}",
            full.dropped.separated,
            full.dropped.singletons,
            full.dropped.missing,
            full.nobs,
            exp.n_separated,
            n_kept,
            hallyu_flagged_rows(&table, &formula)
        ));
    }
    // (b) convergence.
    if !full.converged {
        failures.push(format!(
            "full-sample fit did not converge after {} iterations; notes: {:?}",
            full.iterations, full.notes
        ));
    }

    // The refit on the ground-truth sample must find nothing to drop and give the same fit.
    let keep: Vec<bool> = sep_col.iter().map(|s| *s == 0.0).collect();
    let sub_table = table.select_rows(&keep);
    match fit(&sub_table, &formula) {
        Err(e) => failures.push(format!("refit on the separated==0 rows failed: {e}")),
        Ok(sub) => {
            if sub.dropped.separated != 0 || sub.nobs != n_kept {
                failures.push(format!(
                    "refit on the {n_kept} separated==0 rows: hallyu drops {} more as separated (nobs {}), rows (of the subset) {:?}",
                    sub.dropped.separated,
                    sub.nobs,
                    hallyu_flagged_rows(&sub_table, &formula)
                ));
            }
            if !sub.converged {
                failures.push(format!(
                    "refit on the separated==0 rows did not converge; notes: {:?}",
                    sub.notes
                ));
            }
            let same_sample = full.nobs == sub.nobs
                && close(
                    full.fit.deviance,
                    sub.fit.deviance,
                    1.0 + sub.fit.deviance.abs(),
                    SAME_FIT_TOL,
                )
                && match (full.fit.log_likelihood, sub.fit.log_likelihood) {
                    (Some(a), Some(b)) => close(a, b, 1.0 + b.abs(), SAME_FIT_TOL),
                    _ => false,
                };
            if !same_sample {
                failures.push(format!(
                    "full fit and refit on separated==0 rows differ: nobs {} vs {}, deviance {} vs {}, log-likelihood {:?} vs {:?}",
                    full.nobs, sub.nobs, full.fit.deviance, sub.fit.deviance, full.fit.log_likelihood, sub.fit.log_likelihood
                ));
            }
            let terms = |f: &Fit| {
                f.coefficients
                    .iter()
                    .map(|c| c.term.clone())
                    .collect::<Vec<_>>()
            };
            if terms(&full) != terms(&sub) {
                failures.push(format!(
                    "full fit terms {:?} vs refit terms {:?}",
                    terms(&full),
                    terms(&sub)
                ));
            } else {
                for (a, b) in full.coefficients.iter().zip(&sub.coefficients) {
                    if !close(
                        a.estimate,
                        b.estimate,
                        b.estimate.abs().max(b.std_error),
                        SAME_FIT_TOL,
                    ) || !close(a.std_error, b.std_error, b.std_error, SAME_FIT_TOL)
                    {
                        failures.push(format!(
                            "{}: full fit {} (se {}) vs refit on separated==0 rows {} (se {})",
                            a.term, a.estimate, a.std_error, b.estimate, b.std_error
                        ));
                    }
                }
            }
        }
    }

    // (c) against pyfixest: collinear regressors, coefficients, hetero SEs.
    if full.collinear != exp.collinear {
        failures.push(format!(
            "collinear regressors: hallyu dropped {:?}, expected {:?}",
            full.collinear, exp.collinear
        ));
    }
    let expected_terms: Vec<&str> = exp.coefs.iter().map(|c| hallyu_term(&c.term)).collect();
    let got_terms: Vec<&str> = full.coefficients.iter().map(|c| c.term.as_str()).collect();
    if got_terms != expected_terms {
        failures.push(format!(
            "terms: hallyu {got_terms:?}, expected {expected_terms:?}"
        ));
    }
    for e in &exp.coefs {
        let Some(c) = full
            .coefficients
            .iter()
            .find(|c| c.term == hallyu_term(&e.term))
        else {
            continue; // reported above
        };
        if !close(
            c.estimate,
            e.estimate,
            e.estimate.abs().max(e.std_error_hetero),
            REL_TOL,
        ) {
            failures.push(format!(
                "{}: estimate {:.12e} vs expected {:.12e} (diff {:.3e}, tolerance {:.1e} x {:.3e})",
                e.term,
                c.estimate,
                e.estimate,
                c.estimate - e.estimate,
                REL_TOL,
                e.estimate.abs().max(e.std_error_hetero)
            ));
        }
        if !close(
            c.std_error,
            e.std_error_hetero,
            e.std_error_hetero,
            SE_REL_TOL,
        ) {
            failures.push(format!(
                "{}: hetero SE {:.12e} vs expected {:.12e} (relative diff {:.3e}, tolerance {:.0e})",
                e.term,
                c.std_error,
                e.std_error_hetero,
                (c.std_error - e.std_error_hetero) / e.std_error_hetero,
                SE_REL_TOL
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "example {example} ({formula}, n = {}, {} separated): {} problem(s):\n  - {}",
        exp.n_total,
        exp.n_separated,
        failures.len(),
        failures.join("\n  - ")
    );
}

macro_rules! examples {
    ($($(#[$attr:meta])* $name:ident => $file:literal;)*) => {
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                check_example($file);
            }
        )*

        /// Every data file has a test (guards against a file added without one).
        #[test]
        fn every_example_file_has_a_test() {
            let mut files: Vec<String> = std::fs::read_dir(data_dir())
                .expect("data dir")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".csv") && n != "expected.csv")
                .map(|n| n.trim_end_matches(".csv").to_string())
                .collect();
            files.sort();
            let tested = vec![$($file.to_string()),*];
            assert_eq!(files, tested);
        }
    };
}

examples! {
    example_01 => "01";
    example_02 => "02";
    example_03 => "03";
    example_04 => "04";
    example_05 => "05";
    example_06 => "06";
    example_07 => "07";
    example_08 => "08";
    example_09 => "09";
    example_10 => "10";
    example_11 => "11";
    example_13 => "13";
    example_14 => "14";
    example_15 => "15";
    example_16 => "16";
    example_17 => "17";
    example_18 => "18";
}

/// The checks are not vacuous: the parser finds every example's coefficients, and a
/// perturbed expected value would be caught by the tolerance.
#[test]
fn expected_csv_is_parsed_and_tolerance_bites() {
    let e = load_expected("05");
    assert_eq!(e.n_total, 9);
    assert_eq!(e.n_separated, 1);
    assert_eq!(e.collinear, vec!["x4".to_string()]);
    assert_eq!(e.coefs.len(), 4);
    assert_eq!(hallyu_term(&e.coefs[0].term), "(Intercept)");
    let c = &e.coefs[1];
    assert!(close(
        c.estimate,
        c.estimate * (1.0 + 1e-7),
        c.estimate.abs(),
        REL_TOL
    ));
    assert!(!close(
        c.estimate,
        c.estimate * (1.0 + 1e-5),
        c.estimate.abs(),
        REL_TOL
    ));
    let fe_only = load_expected("02");
    assert!(fe_only.coefs.is_empty() && fe_only.collinear.is_empty());
    assert_eq!(fe_only.formula, "y ~ 1 | id1 + id2");
}
