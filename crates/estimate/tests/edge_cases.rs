//! Inputs that used to crash, hang or be mislabelled: extreme magnitudes, zero weights and
//! a formula that repeats a term thousands of times.

use hallyu_data::{Column, Table};
use hallyu_estimate::{estimate, EstimateError, Estimator, FitRequest, Formula, NoProgress};

fn table(columns: &[(&str, Vec<f64>)]) -> Table {
    let mut t = Table::new();
    for (name, v) in columns {
        t.push(*name, Column::numbers(v.clone())).expect("column");
    }
    t
}

fn small() -> Vec<(&'static str, Vec<f64>)> {
    vec![
        ("y", vec![1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0]),
        ("x", vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]),
        ("z", vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]),
        ("g", vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]),
    ]
}

fn fit(
    t: &Table,
    formula: &str,
    estimator: Estimator,
) -> Result<hallyu_estimate::Fit, EstimateError> {
    let req = FitRequest::new(Formula::parse(formula).expect("formula"), estimator);
    estimate(t, &req, &NoProgress)
}

/// feols on an outcome of 1e155 panicked inside statrs (`XOutOfRange`): its squares
/// overflow, the variance is NaN, and the t distribution was evaluated at NaN.
#[test]
fn huge_ols_outcome_is_a_clear_error() {
    let mut cols = small();
    cols[0].1[3] = 1e155;
    let e = fit(&table(&cols), "y ~ x", Estimator::Ols).expect_err("must be refused");
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            EstimateError::Magnitude {
                role: "outcome",
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains("`y`") && msg.contains("1e155"), "{msg}");
}

/// A regressor of 1e200 was "dropped as collinear" (its square is infinite); it is a
/// regressor too large to estimate, and the message says so.
#[test]
fn huge_regressor_is_not_called_collinear() {
    for estimator in [Estimator::Ols, Estimator::Poisson] {
        let mut cols = small();
        cols[1].1[2] = 1e200;
        let e = fit(&table(&cols), "y ~ x + z", estimator).expect_err("must be refused");
        let msg = e.to_string();
        assert!(!msg.contains("collinear"), "{msg}");
        assert!(
            msg.contains("regressor `x`") && msg.contains("1e200"),
            "{msg}"
        );
    }
    // Tiny values underflow the same way.
    let mut cols = small();
    cols[1].1.iter_mut().for_each(|v| *v *= 1e-200);
    let msg = fit(&table(&cols), "y ~ x", Estimator::Ols)
        .expect_err("must be refused")
        .to_string();
    assert!(msg.contains("underflow"), "{msg}");
    // Large but representable values are estimated, with the slope scaled accordingly.
    let mut cols = small();
    let base = fit(&table(&cols), "y ~ x", Estimator::Ols).expect("fit");
    cols[1].1.iter_mut().for_each(|v| *v *= 1e100);
    let scaled = fit(&table(&cols), "y ~ x", Estimator::Ols).expect("fit");
    let (b, s) = (base.coef("x").unwrap(), scaled.coef("x").unwrap());
    assert!((s.estimate * 1e100 / b.estimate - 1.0).abs() < 1e-9);
    assert!((s.std_error * 1e100 / b.std_error - 1.0).abs() < 1e-9);
}

/// Rows with zero weight were counted as "missing or non-finite".
#[test]
fn zero_weights_are_counted_as_zero_weights() {
    let mut cols = small();
    cols.push(("w", vec![1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, f64::NAN]));
    let t = table(&cols);
    for estimator in [Estimator::Ols, Estimator::Poisson] {
        let mut req = FitRequest::new(Formula::parse("y ~ x | g").expect("formula"), estimator);
        req.weights = Some("w".into());
        req.options.drop_singletons = false;
        let f = estimate(&t, &req, &NoProgress).expect("fit");
        assert_eq!(f.dropped.zero_weight, 2, "{:?}", f.dropped);
        assert_eq!(f.dropped.missing, 1, "{:?}", f.dropped);
        assert_eq!(f.nobs, 5);
    }
    let mut cols = small();
    cols.push(("w", vec![0.0; 8]));
    let mut req = FitRequest::new(Formula::parse("y ~ x").expect("formula"), Estimator::Ols);
    req.weights = Some("w".into());
    let msg = estimate(&table(&cols), &req, &NoProgress)
        .expect_err("nothing left")
        .to_string();
    assert!(msg.contains("8 have zero weight"), "{msg}");
}

/// 2,000 copies of `+ rta` ran for minutes (a demeaning and a collinearity check per
/// copy); the copies are dropped with a note, and the fit equals the one-term fit.
#[test]
fn repeated_terms_are_dropped_with_a_note() {
    let t = table(&small());
    let once = fit(&t, "y ~ x + z", Estimator::Poisson).expect("fit");
    let text = format!("y ~ x{} + z + z", " + x".repeat(1999));
    let start = std::time::Instant::now();
    let many = fit(&t, &text, Estimator::Poisson).expect("fit");
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    assert_eq!(many.coefficients, once.coefficients);
    assert!(many.collinear.is_empty());
    assert!(
        many.notes
            .iter()
            .any(|n| n.contains("`x` is written 2000 times")),
        "{:?}",
        many.notes
    );
    assert!(many
        .notes
        .iter()
        .any(|n| n.contains("`z` is written 2 times")));
}
