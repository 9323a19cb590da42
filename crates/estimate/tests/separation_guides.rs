//! The two 12-row examples of ppmlhdfe's separation benchmarks guide
//! (`tests/data/ppmlhdfe_guides/`, see the README there), fitted as `y ~ x1 + x2 + x3 + x4`.
//!
//! * `example2.csv`: every zero-outcome row (9 of 12) is separated by the regressors alone,
//!   and once they are dropped the regressors are collinear on the 3 rows left (x2 is zero
//!   there; the intercept, x1, x3 and x4 span only three dimensions). ppmlhdfe drops the 9
//!   rows and fits the 3 others exactly: deviance 0, `log μ = log y`. With x2 and x4 left
//!   out (kept in formula order, as Stata's `_rmcoll`), the exact fit has the closed form
//!   `(Intercept) = ln 9`, `x1 = ln(2/9)`, `x3 = ln(9)/6`.
//! * `example1.csv`: the fifth row is separated by `x1 - x2`; the guide prints ppmlhdfe's
//!   `_b[_cons] = 0.59095` (x2 omitted) and R's `glm` converging to the same finite
//!   estimates `x3 = -0.47085`, `x4 = -0.03779`, deviance 15.956.

use hallyu_data::read::{read_csv, ReadOptions};
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, NoProgress};
use std::path::Path;

fn fit_example(name: &str) -> Fit {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ppmlhdfe_guides")
        .join(name);
    let table = read_csv(&path, &ReadOptions::default()).expect("read the example");
    let formula = Formula::parse("y ~ x1 + x2 + x3 + x4").expect("formula");
    let req = FitRequest::new(formula, Estimator::Poisson);
    estimate(&table, &req, &NoProgress).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn coef(fit: &Fit, term: &str) -> f64 {
    fit.coef(term)
        .unwrap_or_else(|| panic!("no coefficient {term}; have {:?}", fit.coefficients))
        .estimate
}

#[test]
fn all_zero_rows_separated_and_collinear_regressors_fit_exactly() {
    let fit = fit_example("example2.csv");
    assert_eq!(fit.dropped.separated, 9, "{fit:?}");
    assert_eq!(fit.nobs, 3);
    assert!(fit.converged, "{:?}", fit.notes);
    assert_eq!(fit.collinear, ["x2", "x4"]);
    assert!(
        fit.fit.deviance.abs() < 1e-10,
        "deviance {}",
        fit.fit.deviance
    );
    let exact = [
        ("(Intercept)", 9f64.ln()),
        ("x1", (2.0f64 / 9.0).ln()),
        ("x3", 9f64.ln() / 6.0),
    ];
    for (term, want) in exact {
        let got = coef(&fit, term);
        assert!((got - want).abs() < 1e-7, "{term}: {got} vs {want}");
    }
    // Three observations, three coefficients: no residual degrees of freedom, so the
    // standard errors are undefined rather than a number.
    assert!(fit.coefficients.iter().all(|c| c.std_error.is_nan()));
}

#[test]
fn separation_by_a_difference_of_regressors_matches_the_published_fit() {
    let fit = fit_example("example1.csv");
    assert_eq!(fit.dropped.separated, 1);
    assert_eq!(fit.nobs, 11);
    assert!(fit.converged, "{:?}", fit.notes);
    assert_eq!(fit.collinear, ["x2"]);
    let published = [("(Intercept)", 0.59095), ("x3", -0.47085), ("x4", -0.03779)];
    for (term, want) in published {
        let got = coef(&fit, term);
        assert!((got - want).abs() < 5e-6, "{term}: {got} vs {want}");
    }
    assert!(
        (fit.fit.deviance - 15.956).abs() < 5e-4,
        "{}",
        fit.fit.deviance
    );
}
