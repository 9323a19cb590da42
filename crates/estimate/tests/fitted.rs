//! Fitted values: they satisfy the estimator's first-order conditions and are those of
//! the estimates.

use hallyu_data::{embedded, filter, Table};
use hallyu_estimate::{estimate, estimate_fitted, Estimator, FitRequest, Formula, NoProgress};
use std::collections::HashMap;

fn guide_2006() -> Table {
    let t = embedded::agtpa().expect("embedded panel");
    let keep = filter::select(&t, "year == 2006 and exporter != importer").expect("selection");
    t.select_rows(&keep)
}

fn text(t: &Table, name: &str, row: usize) -> String {
    let column = t.text(name).expect("text column");
    column.get(row).expect("a value").to_string()
}

/// PPML with exporter and importer effects: in every exporter's group the fitted total
/// equals the observed total (the fixed effect's first-order condition), and the
/// regressors' scores sum to zero.
#[test]
fn poisson_fitted_values_meet_the_first_order_conditions() {
    let t = guide_2006();
    let req = FitRequest::new(
        Formula::parse("trade ~ log(dist) + cntg + lang + clny | exporter + importer")
            .expect("formula"),
        Estimator::Poisson,
    );
    let (fit, fitted) = estimate_fitted(&t, &req, &NoProgress).expect("fit");
    assert_eq!(fitted.rows.len(), fit.nobs);
    assert_eq!(fitted.values.len(), fit.nobs);
    assert!(fitted.values.iter().all(|v| v.is_finite() && *v > 0.0));
    // The same estimates as without fitted values.
    let plain = estimate(&t, &req, &NoProgress).expect("fit");
    assert_eq!(plain.coefficients, fit.coefficients);

    let trade = t.num("trade").expect("trade");
    let mut totals: HashMap<String, (f64, f64)> = HashMap::new();
    for (&row, &mu) in fitted.rows.iter().zip(&fitted.values) {
        let e = totals.entry(text(&t, "exporter", row)).or_default();
        e.0 += trade[row];
        e.1 += mu;
    }
    assert!(totals.len() > 50);
    for (exporter, (observed, predicted)) in totals {
        assert!(
            (observed - predicted).abs() <= 1e-6 * observed.max(1.0),
            "{exporter}: observed {observed}, fitted {predicted}"
        );
    }
    let cntg = t.num("cntg").expect("cntg");
    let score: f64 = fitted
        .rows
        .iter()
        .zip(&fitted.values)
        .map(|(&row, &mu)| cntg[row] * (trade[row] - mu))
        .sum();
    let scale: f64 = fitted.values.iter().sum();
    assert!(score.abs() <= 1e-6 * scale, "score of cntg {score}");
}

/// Least squares without fixed effects: fitted values are the intercept plus the slope
/// times the regressor, computed here from the reported coefficients.
#[test]
fn ols_fitted_values_are_x_beta() {
    let t = guide_2006();
    let req = FitRequest::new(
        Formula::parse("log(trade) ~ log(dist)").expect("formula"),
        Estimator::Ols,
    );
    let (fit, fitted) = estimate_fitted(&t, &req, &NoProgress).expect("fit");
    let a = fit.coef("(Intercept)").expect("intercept").estimate;
    let b = fit.coef("log(dist)").expect("slope").estimate;
    let dist = t.num("dist").expect("dist");
    for (&row, &v) in fitted.rows.iter().zip(&fitted.values) {
        let x = dist[row].ln();
        assert!((v - (a + b * x)).abs() <= 1e-9 * (1.0 + v.abs()));
    }
    // Rows without trade (log of zero) are not in the sample and have no fitted value.
    assert!(fitted.rows.len() < t.nrows());
}
