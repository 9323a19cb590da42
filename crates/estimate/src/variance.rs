//! Another variance without a refit (fixest's `summary(fit, vcov = ...)`).
//!
//! Every variance is a sandwich of the same bread `(X̃'WX̃)⁻¹` and scores (see
//! [`crate::vcov`]); only the meat, the small-sample correction and the degrees of freedom
//! change. An estimation therefore keeps, next to its [`Fit`], what these need
//! (`VarianceInputs`), and [`Fit::with_vcov`] recomputes the inference from them with
//! the same code the estimation used, so that the result equals a refit with that variance.

use crate::fit::{Coefficient, Distribution, Estimator, Fit, FixedEffectInfo};
use crate::fixef::{self, FixedEffects};
use crate::linalg::Mat;
use crate::vcov::{self, Ssc, VcovSpec};
use crate::{EstimateError, Result};
use hallyu_data::{Table, MISSING_CODE};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use std::sync::Arc;

/// What a variance needs from an estimation.
///
/// Memory: the scores are `n × k` doubles, the fixed-effect ids `n × Q` 32-bit integers and
/// the sample rows `n` indices, all computed by the estimation anyway; keeping them holds
/// about `8k + 4Q + 8` bytes per observation for as long as the fit lives (e.g. 0.3 GB for
/// ten million observations, five slopes and three fixed effects). They are shared, not
/// copied, when a fit is cloned.
#[derive(Debug)]
pub(crate) struct VarianceInputs {
    /// `(X̃'WX̃)⁻¹` on the estimated coefficients.
    pub bread: Mat,
    /// Score columns `s_k[n]` of the estimated coefficients.
    pub scores: Vec<Vec<f64>>,
    /// `σ²` of the iid variance (OLS: RSS/(n-1); Poisson: 1).
    pub sigma2: f64,
    /// Fixed effects over the estimation sample: their absorbed degrees of freedom, and
    /// whether they are nested in a cluster variable, enter the corrections.
    pub fe: FixedEffects,
    /// For each observation, its 0-based row in the estimation table: cluster variables
    /// that are not in the model are read from these rows.
    pub rows: Vec<usize>,
    /// Rows of the estimation table, to refuse another table.
    pub table_rows: usize,
}

/// The [`VarianceInputs`] of a fit, if it still has them (a fit read back from JSON does
/// not). Compares equal to any other: it is a cache of the estimation, not part of the
/// result.
#[derive(Clone, Default)]
pub(crate) struct Retained(pub Option<Arc<VarianceInputs>>);

impl PartialEq for Retained {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Retained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(v) => write!(f, "Retained({} observations)", v.rows.len()),
            None => f.write_str("Retained(none)"),
        }
    }
}

/// The note of a fit whose standard errors are undefined.
pub(crate) const UNDEFINED_NOTE: &str =
    "standard errors are undefined: no residual degrees of freedom are left";

/// Inference under one variance.
pub(crate) struct Inference {
    /// Coefficients with their standard errors, tests and intervals.
    pub coefficients: Vec<Coefficient>,
    /// The variance matrix, row by row.
    pub matrix: Vec<Vec<f64>>,
    /// Reference distribution.
    pub distribution: Distribution,
    /// Degrees of freedom of the t distribution.
    pub df: Option<f64>,
    /// Cluster counts.
    pub clusters: Vec<FixedEffectInfo>,
    /// Whether the standard errors are undefined (no residual degrees of freedom).
    pub undefined: bool,
}

/// The variance `spec` with correction `ssc` of estimates `beta` (named `terms`), given the
/// cluster ids over the sample (`(name, ids)`, one per cluster variable of `spec`).
pub(crate) fn infer(
    inputs: &VarianceInputs,
    estimator: Estimator,
    spec: &VcovSpec,
    ssc: Ssc,
    clusters: &[(String, Vec<u32>)],
    terms: &[(&str, f64)],
) -> Inference {
    let fe = &inputs.fe;
    // Degrees of freedom absorbed by the fixed effects, all and non-nested in a cluster.
    let all = vec![true; fe.len()];
    let exact = ssc == Ssc::Stata;
    let fe_dof = fixef::absorbed_dof(fe, &all, exact);
    let not_nested: Vec<bool> = (0..fe.len())
        .map(|q| {
            !clusters
                .iter()
                .any(|(_, c)| fixef::nested_in(&fe.ids[q], fe.levels[q], c))
        })
        .collect();
    // When every fixed effect is nested in a cluster, one coefficient is still counted for
    // the intercept they absorb (fixest's VCOV.R and pyfixest's get_ssc do the same).
    let fe_dof_nested = if !fe.is_empty() && not_nested.iter().all(|x| !x) {
        1
    } else {
        fixef::absorbed_dof(fe, &not_nested, exact)
    };
    let k = inputs.bread.k;
    let cluster_ids: Vec<Vec<u32>> = clusters.iter().map(|(_, c)| c.clone()).collect();
    let input = vcov::VcovInput {
        bread: &inputs.bread,
        scores: &inputs.scores,
        sigma2: inputs.sigma2,
        nobs: inputs.rows.len(),
        k_total: k + fe_dof,
        k_nested: k + fe_dof_nested,
        clusters: &cluster_ids,
    };
    let v = vcov::compute(spec, ssc, &input);
    let undefined = k > 0 && v.matrix.a.iter().all(|x| x.is_nan());
    let (distribution, df) = match estimator {
        Estimator::Poisson => (Distribution::Normal, None),
        Estimator::Ols => (Distribution::T, Some(v.df)),
    };
    let coefficients = terms
        .iter()
        .enumerate()
        .map(|(i, (term, estimate))| coefficient(term, *estimate, v.matrix.at(i, i).sqrt(), df))
        .collect();
    let matrix = (0..k)
        .map(|i| (0..k).map(|j| v.matrix.at(i, j)).collect())
        .collect();
    Inference {
        coefficients,
        matrix,
        distribution,
        df,
        clusters: clusters
            .iter()
            .zip(&v.cluster_sizes)
            .map(|((name, _), &levels)| FixedEffectInfo {
                name: name.clone(),
                levels,
            })
            .collect(),
        undefined,
    }
}

impl Fit {
    /// The `level` confidence interval of each coefficient, in order (`level` in (0, 1);
    /// 0.95 gives `conf_low`/`conf_high`), from the fit's own distribution: t with its
    /// degrees of freedom, or normal. `NaN` bounds where the standard error is undefined.
    pub fn confint(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        if !(level > 0.0 && level < 1.0) {
            return Err(EstimateError::InvalidLevel(level));
        }
        let q = 1.0 - (1.0 - level) / 2.0;
        let crit = match (self.distribution, self.df) {
            (Distribution::T, Some(df)) if df > 0.0 => StudentsT::new(0.0, 1.0, df)
                .map(|t| t.inverse_cdf(q))
                .unwrap_or(f64::NAN),
            (Distribution::T, _) => f64::NAN,
            (Distribution::Normal, _) => Normal::new(0.0, 1.0)
                .map(|z| z.inverse_cdf(q))
                .unwrap_or(f64::NAN),
        };
        Ok(self
            .coefficients
            .iter()
            .map(|c| {
                if c.std_error.is_finite() && c.std_error > 0.0 && crit.is_finite() {
                    (
                        c.estimate - crit * c.std_error,
                        c.estimate + crit * c.std_error,
                    )
                } else {
                    (f64::NAN, f64::NAN)
                }
            })
            .collect())
    }
}

/// Statistic, p-value and 95% interval: t with `df` degrees of freedom, normal without.
pub(crate) fn coefficient(term: &str, estimate: f64, se: f64, df: Option<f64>) -> Coefficient {
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

/// Dense ids of each cluster variable over the estimation sample (`rows` of `table`), in
/// the order of first appearance, as the estimation numbers them.
fn cluster_ids(table: &Table, spec: &VcovSpec, rows: &[usize]) -> Result<Vec<(String, Vec<u32>)>> {
    let VcovSpec::Cluster(vars) = spec else {
        return Ok(Vec::new());
    };
    vars.iter()
        .map(|var| {
            let name = var.join("^");
            let (codes, _) = fixef::interaction_codes(table, var)?;
            let mut picked = Vec::with_capacity(rows.len());
            for &r in rows {
                let code = codes[r];
                if code == MISSING_CODE {
                    return Err(EstimateError::MissingClusterValue {
                        variable: name,
                        row: r + 1,
                    });
                }
                picked.push(code);
            }
            Ok((name, crate::design::densify(&picked)))
        })
        .collect()
}

impl Fit {
    /// The same fit under another variance and small-sample correction, without
    /// re-estimating (fixest's `summary(fit, vcov = ...)`): standard errors, tests,
    /// intervals, the variance matrix, degrees of freedom and cluster counts are those a
    /// refit with `spec` and `ssc` gives. `table` is the table the fit was estimated on
    /// (cluster variables are read from it, at the estimation's rows).
    ///
    /// The variance is always that of this fit's estimates, on its sample. Only when the
    /// fit's own cluster variables were missing on some rows (which the estimation then
    /// dropped) does a refit differ: it would keep those rows, and so change the estimates
    /// as well.
    ///
    /// Fails for a fit that no longer carries its estimation data (read back from JSON),
    /// for a table of another size, and for a cluster variable missing on an estimation
    /// row (a refit would drop that row and so change the sample).
    pub fn with_vcov(&self, spec: &VcovSpec, ssc: Ssc, table: &Table) -> Result<Fit> {
        let inputs = self
            .inputs
            .0
            .as_ref()
            .ok_or(EstimateError::VarianceInputsUnavailable)?;
        if table.nrows() != inputs.table_rows {
            return Err(EstimateError::TableMismatch {
                expected: inputs.table_rows,
                found: table.nrows(),
            });
        }
        spec.validate()?;
        let clusters = cluster_ids(table, spec, &inputs.rows)?;
        let terms: Vec<(&str, f64)> = self
            .coefficients
            .iter()
            .map(|c| (c.term.as_str(), c.estimate))
            .collect();
        let inference = infer(inputs, self.estimator, spec, ssc, &clusters, &terms);
        let mut fit = self.clone();
        fit.vcov = spec.clone();
        fit.ssc = ssc;
        fit.coefficients = inference.coefficients;
        fit.vcov_matrix = inference.matrix;
        fit.distribution = inference.distribution;
        fit.df = inference.df;
        fit.clusters = inference.clusters;
        fit.notes.retain(|n| n != UNDEFINED_NOTE);
        if inference.undefined {
            fit.notes.push(UNDEFINED_NOTE.to_string());
        }
        Ok(fit)
    }

    /// Whether this fit can give another variance without a refit ([`Fit::with_vcov`]).
    pub fn has_variance_inputs(&self) -> bool {
        self.inputs.0.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_without_a_statistic_is_undefined_not_a_panic() {
        for se in [f64::NAN, f64::INFINITY, 0.0] {
            for df in [Some(5.0), None] {
                let c = coefficient("x", 1.0, se, df);
                assert!(c.std_error.is_nan() && c.p_value.is_nan() && c.conf_low.is_nan());
            }
        }
        let c = coefficient("x", f64::NAN, 1.0, Some(5.0));
        assert!(c.p_value.is_nan());
    }

    fn fit_with(coefs: Vec<Coefficient>, distribution: &str, df: Option<f64>) -> Fit {
        let json = serde_json::json!({
            "estimator": "feols", "formula": "y ~ x", "nobs": 10,
            "dropped": {"missing": 0, "singletons": 0, "separated": 0},
            "converged": true, "iterations": 1, "vcov": "iid", "ssc": "fixest",
            "coefficients": coefs, "collinear": [], "fixed_effects": [],
            "fit": {"deviance": 1.0}, "distribution": distribution, "df": df,
            "vcov_matrix": [[1.0]],
        });
        serde_json::from_value(json).expect("a fit")
    }

    #[test]
    fn confint_at_95_percent_is_the_fits_own_interval_and_widens_with_the_level() {
        for (dist, df) in [("t", Some(7.0)), ("normal", None)] {
            let fit = fit_with(
                vec![
                    coefficient("x", 1.3, 0.4, df),
                    coefficient("z", -2.0, f64::NAN, df),
                ],
                dist,
                df,
            );
            let ci = fit.confint(0.95).expect("a level");
            let c = &fit.coefficients[0];
            assert!((ci[0].0 - c.conf_low).abs() < 1e-14 && (ci[0].1 - c.conf_high).abs() < 1e-14);
            assert!(ci[1].0.is_nan() && ci[1].1.is_nan());
            let wide = fit.confint(0.99).expect("a level");
            assert!(wide[0].0 < ci[0].0 && wide[0].1 > ci[0].1);
        }
        let fit = fit_with(vec![coefficient("x", 1.0, 1.0, None)], "normal", None);
        // 90% normal interval: 1 ± 1.6448536269514722.
        let ci = fit.confint(0.90).expect("a level");
        assert!((ci[0].1 - 2.644_853_626_951_472).abs() < 1e-12, "{ci:?}");
        for bad in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(fit.confint(bad).is_err());
        }
    }
}
