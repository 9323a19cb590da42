//! A Poisson fit must settle at the optimum for any convergence tolerance down to what
//! double precision attains, and never move away from it: the same estimate and deviance
//! from `--tol 1e-6` to `--tol 1e-14` (the command line sets the IRLS and demeaning
//! tolerances together, as here).
//!
//! With a tight tolerance the conjugate-gradient demeaning used to iterate past the
//! precision it can reach; on the singular systems of exporter-year, importer-year and
//! pair effects its coefficients then drifted along the null space until `x - Dα` lost
//! its digits, and the IRLS accepted steps that lowered the deviance *below* the optimum
//! (a linear predictor outside the model) or, halved, reported coefficients that were not
//! those of the deviance. On the Advanced Guide's RTA specification `--tol 1e-12` gave
//! rta = 2.890 and `1e-13` gave -1.675 instead of 0.557.

use hallyu_data::synth::{generate, SynthOptions};
use hallyu_data::Table;
use hallyu_estimate::demean::DemeanAlgorithm;
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, NoProgress};

const SPEC: &str = "trade ~ rta | exporter^year + importer^year + pair";

fn fit(table: &Table, formula: &str, tol: f64) -> Fit {
    let mut req = FitRequest::new(
        Formula::parse(formula).expect("formula"),
        Estimator::Poisson,
    );
    req.options.irls.tol = tol;
    req.options.irls.demean.tol = tol;
    estimate(table, &req, &NoProgress).unwrap_or_else(|e| panic!("tol {tol:e}: {e}"))
}

/// Fits at every tolerance and checks each against the fit at 1e-10 (itself checked
/// against the book's value where there is one).
fn sweep(table: &Table, formula: &str, tolerances: &[f64]) -> Fit {
    let reference = fit(table, formula, 1e-10);
    assert!(reference.converged, "{:?}", reference.notes);
    let b0 = reference.coef("rta").expect("rta").estimate;
    let d0 = reference.fit.deviance;
    for &tol in tolerances {
        let f = fit(table, formula, tol);
        assert!(f.converged, "tol {tol:e}: {:?}", f.notes);
        let b = f.coef("rta").expect("rta").estimate;
        let se = f.coef("rta").expect("rta").std_error;
        // Loose tolerances stop early by design; IRLS converges quadratically, so even
        // 1e-6 is far inside a standard error, and from 1e-9 on nothing may move beyond
        // rounding.
        let (b_tol, d_tol) = if tol >= 1e-8 {
            (1e-3 * se, 1e-6)
        } else {
            (1e-6 * se, 1e-11)
        };
        assert!(
            (b - b0).abs() <= b_tol,
            "tol {tol:e}: rta {b} vs {b0} at 1e-10 (iterations {}, notes {:?})",
            f.iterations,
            f.notes
        );
        assert!(
            (f.fit.deviance - d0).abs() <= d_tol * d0,
            "tol {tol:e}: deviance {} vs {d0} at 1e-10",
            f.fit.deviance
        );
    }
    reference
}

#[test]
fn tolerance_sweep_on_synthetic_panels() {
    let tolerances = [1e-6, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14];
    for seed in [1, 2, 3] {
        let options = SynthOptions {
            countries: 25,
            years: 6,
            seed,
            ..SynthOptions::default()
        };
        let table = generate(&options).expect("synthetic panel");
        sweep(&table, SPEC, &tolerances);
    }
}

#[test]
fn tolerance_sweep_on_the_guide_rta_specification() {
    let table = hallyu_data::embedded::agtpa().expect("embedded panel");
    let keep = hallyu_data::filter::select(&table, "year in (1986, 1990, 1994, 1998, 2002, 2006)")
        .expect("years");
    let table = table.select_rows(&keep);
    let formula = "trade ~ rta | exporter^year + importer^year + pair_id";
    let reference = sweep(&table, formula, &[1e-8, 1e-12, 1e-13, 1e-14]);
    let b = reference.coef("rta").expect("rta").estimate;
    assert!(
        (b - 0.5571853).abs() < 1e-6,
        "the book's PPML RTA estimate is 0.557: {b}"
    );
}

#[test]
fn a_tolerance_below_the_attainable_says_so() {
    let options = SynthOptions {
        countries: 25,
        years: 6,
        seed: 1,
        ..SynthOptions::default()
    };
    let table = generate(&options).expect("synthetic panel");
    let f = fit(&table, SPEC, 1e-15);
    assert!(f.converged);
    assert!(
        f.notes.iter().any(|n| n.contains("precision")),
        "a tolerance of 1e-15 cannot be attained and the fit must say so: {:?}",
        f.notes
    );
}

/// Alternating projections with Irons-Tuck acceleration, selected in the demeaning
/// options, find the same fit as the default conjugate gradient on the Advanced Guide's
/// RTA specification.
#[test]
fn irons_tuck_agrees_with_the_default_on_the_guide_panel() {
    let table = hallyu_data::embedded::agtpa().expect("embedded panel");
    let keep = hallyu_data::filter::select(&table, "year in (1986, 1990, 1994, 1998, 2002, 2006)")
        .expect("years");
    let table = table.select_rows(&keep);
    let formula = "trade ~ rta | exporter^year + importer^year + pair_id";
    let reference = fit(&table, formula, 1e-10);
    let mut req = FitRequest::new(
        Formula::parse(formula).expect("formula"),
        Estimator::Poisson,
    );
    req.options.irls.tol = 1e-10;
    req.options.irls.demean.tol = 1e-10;
    req.options.irls.demean.algorithm = DemeanAlgorithm::AlternatingProjections;
    let it = estimate(&table, &req, &NoProgress).expect("irons-tuck fit");
    assert!(reference.converged && it.converged, "{:?}", it.notes);
    let (a, b) = (
        reference.coef("rta").expect("rta"),
        it.coef("rta").expect("rta"),
    );
    assert!(
        (a.estimate - b.estimate).abs() <= 1e-6 * a.std_error,
        "rta {} (cg) vs {} (irons-tuck)",
        a.estimate,
        b.estimate
    );
    assert!((a.std_error / b.std_error - 1.0).abs() < 1e-6);
    let (d0, d1) = (reference.fit.deviance, it.fit.deviance);
    assert!((d0 - d1).abs() <= 1e-10 * d0, "deviance {d0} vs {d1}");
}
