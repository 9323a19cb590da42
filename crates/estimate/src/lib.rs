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
//! A [`FitRequest`] is owned data that reads and writes JSON. Variances are named as in
//! fixest and pyfixest ([`registry`]: `hetero`/`white`/`hc1`, `cluster` by the first fixed
//! effect by default...); a [`Fit`] keeps what variance needs, so
//! [`Fit::with_vcov`] gives another variance without a refit. Every [`EstimateError`] has a
//! category (input, data, numerical, internal) for front ends to map.
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
mod fixef_values;
pub mod formula;
pub mod linalg;
mod model;
pub mod ols;
pub mod poisson;
pub mod precond;
pub mod registry;
mod request;
mod rows;
pub mod schema;
pub mod separation;
pub mod two_way_separation;
pub mod variance;
pub mod vcov;
mod wls;

pub use error::{ClusterProblem, EstimateError, Result};
pub use fit::{
    Coefficient, Distribution, Dropped, Estimator, Fit, FitStats, FixedEffectInfo,
    FIT_SCHEMA_VERSION,
};
pub use fixef_values::{fixef_values, predict, FixefValues};
pub use formula::Formula;
pub use registry::{VcovChoice, VcovKind};
pub use request::{FitOptions, FitRequest, SeparationChecks};
pub use vcov::{Ssc, VcovSpec};

use hallyu_data::Table;
use rayon::prelude::*;

/// Receives progress reports from long computations (the CLI draws a bar; libraries
/// never print).
pub trait Progress: Sync {
    /// Called once per outer iteration with the current convergence criterion.
    fn update(&self, stage: &str, iteration: usize, criterion: f64);

    /// Called when a new stage of the work begins (e.g. "reading trade flows").
    fn stage(&self, _what: &str) {}

    /// Whether the caller wants the work to stop (a cancelled job, an interrupted
    /// notebook cell). Long loops ask at each progress report and end with a `Cancelled`
    /// error.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&self, _: &str, _: usize, _: f64) {}
}

/// Estimates one model on `table`.
pub fn estimate(table: &Table, req: &FitRequest, progress: &dyn Progress) -> Result<Fit> {
    estimate_keeping(table, req, progress, false).map(|(fit, _)| fit)
}

/// The fitted values of a model's estimation sample (observations dropped as missing,
/// singletons or separated have none).
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Rows of the table the model was estimated on, in sample order.
    pub rows: Vec<usize>,
    /// The fitted value of each of those rows: the Poisson mean `exp(xβ + fixed effects)`,
    /// or `xβ` plus the fixed effects for least squares.
    pub values: Vec<f64>,
}

/// As [`estimate`], and the fitted value of every observation of the sample (what
/// `predict()` gives in fixest): export potential compares them with observed trade.
pub fn estimate_fitted(
    table: &Table,
    req: &FitRequest,
    progress: &dyn Progress,
) -> Result<(Fit, Fitted)> {
    estimate_keeping(table, req, progress, true)
}

fn estimate_keeping(
    table: &Table,
    req: &FitRequest,
    progress: &dyn Progress,
    keep_fitted: bool,
) -> Result<(Fit, Fitted)> {
    let f = &req.formula;
    let vcov = req.vcov.clone().unwrap_or(VcovSpec::Iid);
    vcov.validate()?;
    req.options.validate()?;
    let cluster_vars: Vec<Vec<String>> = match &vcov {
        VcovSpec::Cluster(c) => c.clone(),
        _ => Vec::new(),
    };
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
        if let Some(first) = d.y.par_iter().position_first(|v| *v < 0.0) {
            return Err(EstimateError::NegativeOutcome {
                column: outcome,
                count: d.y.par_iter().filter(|v| **v < 0.0).count(),
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
            separated += two_way_separation::flag_two_way(&d.fe, &d.y, &mut keep);
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

    let mut core = match req.estimator {
        Estimator::Ols => ols::fit(&d, req.options.irls.demean)?,
        Estimator::Poisson => poisson::fit(&d, req.options.irls, progress)?,
    };
    // Fitted values are as large as the sample: kept only when asked for.
    let fitted_values = std::mem::take(&mut core.fitted);
    let fitted = if keep_fitted {
        Fitted {
            rows: d.rows.clone(),
            values: fitted_values,
        }
    } else {
        Fitted {
            rows: Vec::new(),
            values: Vec::new(),
        }
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

    let has_fe = !d.fe.names.is_empty();
    let fixed_effects =
        d.fe.names
            .iter()
            .zip(&d.fe.levels)
            .map(|(name, &levels)| FixedEffectInfo {
                name: name.clone(),
                levels,
            })
            .collect();
    let terms: Vec<(&str, f64)> = core
        .kept
        .iter()
        .zip(&core.beta)
        .map(|(&j, &b)| (d.names[j].as_str(), b))
        .collect();
    // The design is no longer needed: its fixed effects and rows move into what another
    // variance needs, with the bread and scores (see `variance::VarianceInputs`).
    let inputs = variance::VarianceInputs {
        bread: core.bread,
        scores: core.scores,
        sigma2: core.sigma2,
        fe: std::mem::replace(&mut d.fe, fixef::FixedEffects::empty()),
        rows: std::mem::take(&mut d.rows),
        table_rows: table.nrows(),
    };
    let inference = variance::infer(&inputs, req.estimator, &vcov, req.ssc, &d.clusters, &terms);
    if inference.undefined {
        notes.push(variance::UNDEFINED_NOTE.to_string());
    }
    let fit = Fit {
        schema_version: fit::FIT_SCHEMA_VERSION,
        estimator: req.estimator,
        formula: f.text.clone(),
        nobs: d.nobs(),
        dropped,
        converged,
        iterations: core.iterations,
        demean_sweeps: has_fe.then_some(core.demean_sweeps),
        vcov,
        ssc: req.ssc,
        coefficients: inference.coefficients,
        collinear,
        fixed_effects,
        fit: FitStats {
            deviance: core.deviance,
            pseudo_r2: core.pseudo_r2,
            r2: core.r2,
            r2_within: core.r2_within,
            log_likelihood: core.log_likelihood,
        },
        distribution: inference.distribution,
        df: inference.df,
        clusters: inference.clusters,
        vcov_matrix: inference.matrix,
        notes,
        inputs: variance::Retained(Some(std::sync::Arc::new(inputs))),
    };
    Ok((fit, fitted))
}
