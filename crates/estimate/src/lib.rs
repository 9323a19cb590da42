//! # hallyu-estimate: structural gravity estimation
//!
//! Poisson pseudo-maximum likelihood (`fepois`) and least squares (`feols`) with any number
//! of high-dimensional fixed effects, in fixest's formula syntax, with separation,
//! singleton and collinearity handling and iid, heteroskedasticity-robust and one- or
//! two-way clustered standard errors.
//!
//! The pipeline is `Formula::parse` → [`design::build`] (columns to arrays, missing values
//! dropped) → observation-dropping rules (singletons; Poisson separation) → [`ols`] or
//! [`poisson`] (demeaning in [`demean`]) → [`vcov`] → [`Fit`]. This crate never reads files
//! or prints.
//!
//! ```
//! use hallyu_estimate::{estimate, Estimator, FitRequest, Formula, NoProgress};
//! let table = hallyu_data::embedded::agtpa().unwrap();
//! let keep = hallyu_data::filter::select(&table, "year == 2006 and exporter != importer").unwrap();
//! let table = table.select_rows(&keep);
//! let request = FitRequest::new(Formula::parse("trade ~ log(dist) + cntg | exporter + importer").unwrap(), Estimator::Poisson);
//! let fit = estimate(&table, &request, &NoProgress).unwrap();
//! assert!(fit.converged);
//! assert!(fit.coef("log(dist)").unwrap().estimate < 0.0);
//! ```
#![deny(missing_docs)]

pub mod demean;
pub mod design;
pub mod effects;
mod error;
pub mod fe_operator;
pub mod fit;
pub mod fixef;
pub mod formula;
pub mod linalg;
mod model;
pub mod ols;
pub mod poisson;
pub mod separation;
pub mod vcov;
mod wls;

pub use error::{EstimateError, Result};
pub use fit::{Coefficient, Dropped, Estimator, Fit, FitStats, FixedEffectInfo};
pub use formula::Formula;
pub use vcov::{Ssc, VcovSpec};

use hallyu_data::Table;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Receives progress reports from long computations (the CLI draws a bar; libraries
/// never print).
pub trait Progress: Sync {
    /// Called once per outer iteration with the current convergence criterion.
    fn update(&self, stage: &str, iteration: usize, criterion: f64);

    /// Called when a new stage of the work begins (e.g. "reading trade flows").
    fn stage(&self, _what: &str) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&self, _: &str, _: usize, _: f64) {}
}

/// Which separation checks run before a Poisson fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeparationChecks {
    /// Drop observations in fixed-effect groups whose outcome is all zero.
    pub fixed_effects: bool,
    /// Run the iterative rectifier (regressor- and FE-combination-driven separation).
    pub relu: bool,
}

impl Default for SeparationChecks {
    fn default() -> Self {
        SeparationChecks {
            fixed_effects: true,
            relu: true,
        }
    }
}

/// Algorithm settings, with defaults matching fixest's precision.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// IRLS settings (Poisson) and demeaning settings (both).
    pub irls: poisson::IrlsOptions,
    /// Drop observations alone in a fixed-effect group (repeated until none is left).
    pub drop_singletons: bool,
    /// Separation checks (Poisson).
    pub separation: SeparationChecks,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            irls: poisson::IrlsOptions::default(),
            drop_singletons: true,
            separation: SeparationChecks::default(),
        }
    }
}

/// Everything that defines one estimation.
#[derive(Debug, Clone)]
pub struct FitRequest {
    /// The model.
    pub formula: Formula,
    /// Poisson or OLS.
    pub estimator: Estimator,
    /// Variance estimator; `None` means iid (the default of fixest since 0.13 and of
    /// pyfixest). Gravity work usually wants `Cluster` by country pair.
    pub vcov: Option<VcovSpec>,
    /// Small-sample correction.
    pub ssc: Ssc,
    /// Column of observation weights.
    pub weights: Option<String>,
    /// Algorithm settings.
    pub options: FitOptions,
}

impl FitRequest {
    /// A request with default variance, correction and settings.
    pub fn new(formula: Formula, estimator: Estimator) -> Self {
        FitRequest {
            formula,
            estimator,
            vcov: None,
            ssc: Ssc::default(),
            weights: None,
            options: FitOptions::default(),
        }
    }
}

/// Estimates one model on `table`.
pub fn estimate(table: &Table, req: &FitRequest, progress: &dyn Progress) -> Result<Fit> {
    let f = &req.formula;
    let vcov = req.vcov.clone().unwrap_or(VcovSpec::Iid);
    let cluster_vars: Vec<Vec<String>> = match &vcov {
        VcovSpec::Cluster(c) => c.clone(),
        _ => Vec::new(),
    };
    if cluster_vars.len() > 2 {
        return Err(EstimateError::InvalidOption(
            "at most two-way clustering is supported".into(),
        ));
    }
    let mut d = design::build(table, f, req.weights.as_deref(), &cluster_vars)?;
    let outcome = f.outcome.label();
    if d.nobs() == 0 {
        let mut why = format!(
            "{} rows have a missing or non-finite value in the model's variables",
            d.dropped_missing
        );
        if d.dropped_zero_weight > 0 {
            why.push_str(&format!(" and {} have zero weight", d.dropped_zero_weight));
        }
        return Err(EstimateError::NoObservations(why));
    }
    let mut dropped = Dropped {
        missing: d.dropped_missing,
        zero_weight: d.dropped_zero_weight,
        ..Dropped::default()
    };
    let mut notes: Vec<String> = f
        .repeated
        .iter()
        .map(|(term, extra)| {
            format!(
                "`{term}` is written {} times in the formula: kept once",
                extra + 1
            )
        })
        .collect();
    d.check_magnitudes(&outcome, req.estimator == Estimator::Ols)?;
    if req.estimator == Estimator::Poisson {
        let neg: Vec<usize> = (0..d.nobs()).filter(|&i| d.y[i] < 0.0).collect();
        if let Some(&first) = neg.first() {
            return Err(EstimateError::NegativeOutcome {
                column: outcome,
                count: neg.len(),
                first_row: first + 1,
            });
        }
        if d.y.iter().all(|v| *v == 0.0) {
            return Err(EstimateError::AllZeroOutcome(outcome));
        }
    }
    // Dropping rules interact (dropping a separated observation can leave a singleton), so
    // they repeat until nothing changes.
    let mut relu_done = false;
    let mut relu_failed = false;
    loop {
        let n = d.nobs();
        let mut keep = vec![true; n];
        let mut singles = 0;
        let mut separated = 0;
        if req.estimator == Estimator::Poisson && req.options.separation.fixed_effects {
            separated += fixef::flag_zero_groups(&d.fe, &d.y, &mut keep);
        }
        if req.options.drop_singletons {
            singles += fixef::flag_singletons(&d.fe, &mut keep);
        }
        if separated + singles == 0
            && req.estimator == Estimator::Poisson
            && req.options.separation.relu
            && !relu_done
            && (!d.x.is_empty() || d.fe.len() >= 2)
        {
            relu_done = true;
            let out = separation::relu(&d.y, &d.x, &d.fe, 100);
            if !out.converged {
                relu_failed = true;
                notes.push("the separation check (iterative rectifier) did not converge: separated observations may remain and the estimates are not valid".into());
            }
            for (k, s) in keep.iter_mut().zip(&out.separated) {
                if *s {
                    *k = false;
                    separated += 1;
                }
            }
        }
        if separated + singles == 0 {
            break;
        }
        dropped.singletons += singles;
        dropped.separated += separated;
        d.subset(&keep);
        if d.nobs() == 0 {
            return Err(EstimateError::NoObservations(format!(
                "every observation was dropped ({} singletons, {} separated)",
                dropped.singletons, dropped.separated
            )));
        }
        relu_done = relu_done && separated == 0;
    }
    if req.estimator == Estimator::Poisson && d.y.iter().all(|v| *v == 0.0) {
        return Err(EstimateError::AllZeroOutcome(outcome));
    }

    let core = match req.estimator {
        Estimator::Ols => ols::fit(&d, req.options.irls.demean)?,
        Estimator::Poisson => poisson::fit(&d, req.options.irls, progress)?,
    };
    notes.extend(core.notes.iter().cloned());
    let collinear: Vec<String> = (0..d.x.len())
        .filter(|j| !core.kept.contains(j))
        .map(|j| d.names[j].clone())
        .collect();
    if !collinear.is_empty() {
        notes.push(format!(
            "dropped as collinear with the fixed effects or other regressors: {}",
            collinear.join(", ")
        ));
    }
    if !core.converged {
        notes.push(format!(
            "did not converge in {} iterations: the estimates are not valid",
            core.iterations
        ));
    }
    let converged = core.converged && !relu_failed;

    // Degrees of freedom absorbed by the fixed effects, all and non-nested in a cluster.
    let all = vec![true; d.fe.len()];
    let exact = req.ssc == Ssc::Stata;
    let fe_dof = fixef::absorbed_dof(&d.fe, &all, exact);
    let not_nested: Vec<bool> = (0..d.fe.len())
        .map(|q| {
            !d.clusters
                .iter()
                .any(|(_, c)| fixef::nested_in(&d.fe.ids[q], d.fe.levels[q], c))
        })
        .collect();
    // When every fixed effect is nested in a cluster, one coefficient is still counted for
    // the intercept they absorb (fixest's VCOV.R and pyfixest's get_ssc do the same).
    let fe_dof_nested = if !d.fe.is_empty() && not_nested.iter().all(|x| !x) {
        1
    } else {
        fixef::absorbed_dof(&d.fe, &not_nested, exact)
    };
    let k = core.kept.len();
    let cluster_ids: Vec<Vec<u32>> = d.clusters.iter().map(|(_, c)| c.clone()).collect();
    let input = vcov::VcovInput {
        bread: &core.bread,
        scores: &core.scores,
        sigma2: core.sigma2,
        nobs: d.nobs(),
        k_total: k + fe_dof,
        k_nested: k + fe_dof_nested,
        clusters: &cluster_ids,
    };
    let v = vcov::compute(&vcov, req.ssc, &input);
    if k > 0 && v.matrix.a.iter().all(|x| x.is_nan()) {
        notes.push("standard errors are undefined: no residual degrees of freedom are left".into());
    }
    let (dist_name, df) = match req.estimator {
        Estimator::Poisson => ("normal", None),
        Estimator::Ols => ("t", Some(v.df)),
    };
    let coefficients = core
        .kept
        .iter()
        .enumerate()
        .map(|(i, &j)| inference(&d.names[j], core.beta[i], v.matrix.at(i, i).sqrt(), df))
        .collect();
    let vcov_matrix = (0..k)
        .map(|i| (0..k).map(|j| v.matrix.at(i, j)).collect())
        .collect();
    Ok(Fit {
        estimator: req.estimator,
        formula: f.text.clone(),
        nobs: d.nobs(),
        dropped,
        converged,
        iterations: core.iterations,
        vcov: vcov.label(),
        ssc: req.ssc.label().to_string(),
        coefficients,
        collinear,
        fixed_effects: d
            .fe
            .names
            .iter()
            .zip(&d.fe.levels)
            .map(|(name, &levels)| FixedEffectInfo {
                name: name.clone(),
                levels,
            })
            .collect(),
        fit: FitStats {
            deviance: core.deviance,
            pseudo_r2: core.pseudo_r2,
            r2: core.r2,
            r2_within: core.r2_within,
            log_likelihood: core.log_likelihood,
        },
        distribution: dist_name.to_string(),
        df,
        clusters: d
            .clusters
            .iter()
            .zip(&v.cluster_sizes)
            .map(|((name, _), &levels)| FixedEffectInfo {
                name: name.clone(),
                levels,
            })
            .collect(),
        vcov_matrix,
        notes,
    })
}

/// Statistic, p-value and 95% interval: t with `df` degrees of freedom, normal without.
fn inference(term: &str, estimate: f64, se: f64, df: Option<f64>) -> Coefficient {
    let stat = estimate / se;
    let ok = se.is_finite() && se > 0.0 && stat.is_finite();
    // statrs panics on a NaN argument: no distribution is evaluated without a statistic.
    let (p, crit) = match df {
        _ if !ok => (f64::NAN, f64::NAN),
        Some(df) if df > 0.0 => match StudentsT::new(0.0, 1.0, df) {
            Ok(t) => (2.0 * t.cdf(-stat.abs()), t.inverse_cdf(0.975)),
            Err(_) => (f64::NAN, f64::NAN),
        },
        Some(_) => (f64::NAN, f64::NAN),
        None => match Normal::new(0.0, 1.0) {
            Ok(z) => (2.0 * z.cdf(-stat.abs()), z.inverse_cdf(0.975)),
            Err(_) => (f64::NAN, f64::NAN),
        },
    };
    Coefficient {
        term: term.to_string(),
        estimate,
        std_error: if ok { se } else { f64::NAN },
        statistic: if ok { stat } else { f64::NAN },
        p_value: if ok { p } else { f64::NAN },
        conf_low: if ok { estimate - crit * se } else { f64::NAN },
        conf_high: if ok { estimate + crit * se } else { f64::NAN },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_without_a_statistic_is_undefined_not_a_panic() {
        for se in [f64::NAN, f64::INFINITY, 0.0] {
            for df in [Some(5.0), None] {
                let c = inference("x", 1.0, se, df);
                assert!(c.std_error.is_nan() && c.p_value.is_nan() && c.conf_low.is_nan());
            }
        }
        let c = inference("x", f64::NAN, 1.0, Some(5.0));
        assert!(c.p_value.is_nan());
    }
}
