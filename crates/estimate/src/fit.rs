//! The result of an estimation: plain data, serialisable as the JSON contract.

use crate::vcov::{Ssc, VcovSpec};
use serde::{Deserialize, Serialize};

/// Which estimator produced a fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Estimator {
    /// Poisson pseudo-maximum likelihood with fixed effects.
    #[serde(rename = "fepois")]
    Poisson,
    /// Ordinary (or weighted) least squares with fixed effects.
    #[serde(rename = "feols")]
    Ols,
}

impl Estimator {
    /// The linear predictor of a fitted mean: `log μ` for Poisson, the value itself for
    /// least squares.
    pub fn link(self, mean: f64) -> f64 {
        match self {
            Estimator::Poisson => mean.ln(),
            Estimator::Ols => mean,
        }
    }

    /// Command-line name (`fepois`, `feols`).
    pub fn name(self) -> &'static str {
        match self {
            Estimator::Poisson => "fepois",
            Estimator::Ols => "feols",
        }
    }
}

/// Observations dropped before estimation, by reason.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Dropped {
    /// A variable (or the weight) was missing or not finite (e.g. `log(0)`).
    pub missing: usize,
    /// The weight was zero (rows otherwise complete). Left out of JSON when there are none,
    /// as in fits without weights.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub zero_weight: usize,
    /// Alone in a fixed-effect group (they carry no information).
    pub singletons: usize,
    /// Separated (Poisson): their fitted mean is zero at the optimum.
    pub separated: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One estimated coefficient with its inference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coefficient {
    /// Term name (fixest spelling).
    pub term: String,
    /// Point estimate.
    pub estimate: f64,
    /// Standard error (`null` in JSON when undefined, e.g. no residual degrees of freedom).
    #[serde(with = "nullable")]
    #[schemars(with = "Option<f64>")]
    pub std_error: f64,
    /// `estimate / std_error` (z for Poisson, t for OLS).
    #[serde(with = "nullable")]
    #[schemars(with = "Option<f64>")]
    pub statistic: f64,
    /// Two-sided p-value.
    #[serde(with = "nullable")]
    #[schemars(with = "Option<f64>")]
    pub p_value: f64,
    /// Lower bound of the 95% confidence interval.
    #[serde(with = "nullable")]
    #[schemars(with = "Option<f64>")]
    pub conf_low: f64,
    /// Upper bound of the 95% confidence interval.
    #[serde(with = "nullable")]
    #[schemars(with = "Option<f64>")]
    pub conf_high: f64,
}

/// Size of one fixed-effect dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FixedEffectInfo {
    /// Dimension as written (`exporter^year`).
    pub name: String,
    /// Number of groups in the estimation sample.
    pub levels: usize,
}

/// Goodness of fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FitStats {
    /// Poisson deviance, or the (weighted) residual sum of squares for OLS.
    pub deviance: f64,
    /// McFadden pseudo R² `1 - ll / ll0`, ll0 from the constant-only model (Poisson).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pseudo_r2: Option<f64>,
    /// R² (OLS).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub r2: Option<f64>,
    /// R² of the model net of the fixed effects (OLS).
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        with = "nullable_opt"
    )]
    #[schemars(with = "Option<f64>")]
    pub r2_within: Option<f64>,
    /// Log-likelihood (Poisson).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_likelihood: Option<f64>,
}

/// Reference distribution of the test statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    /// Standard normal (z statistics; Poisson).
    Normal,
    /// Student's t with [`Fit::df`] degrees of freedom (OLS).
    T,
}

impl Distribution {
    /// The name outputs show: `normal` or `t`.
    pub fn name(self) -> &'static str {
        match self {
            Distribution::Normal => "normal",
            Distribution::T => "t",
        }
    }
}

impl std::fmt::Display for Distribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for Distribution {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// The version of [`Fit`]'s JSON layout: raised when a field changes meaning or is
/// removed (adding a field keeps it).
pub const FIT_SCHEMA_VERSION: u32 = 1;

fn schema_version_1() -> u32 {
    1
}

/// A complete estimation result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Fit {
    /// Version of this layout ([`FIT_SCHEMA_VERSION`]); results written before the field
    /// existed read as version 1.
    #[serde(default = "schema_version_1")]
    pub schema_version: u32,
    /// `fepois` or `feols`.
    pub estimator: Estimator,
    /// The formula as given.
    pub formula: String,
    /// Observations used.
    pub nobs: usize,
    /// Observations dropped, by reason.
    pub dropped: Dropped,
    /// Whether the estimation converged.
    pub converged: bool,
    /// IRLS iterations (Poisson) or the largest number of demeaning sweeps (OLS).
    pub iterations: usize,
    /// Passes over the data by the fixed-effect solver, summed over the columns demeaned
    /// and the IRLS iterations (absent in fits from older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demean_sweeps: Option<usize>,
    /// The variance estimator, written as its label, e.g. `cluster(pair_id)`.
    pub vcov: VcovSpec,
    /// The small-sample correction used, written `fixest`, `cluster-only`, `stata` or `none`.
    pub ssc: Ssc,
    /// Estimated coefficients.
    pub coefficients: Vec<Coefficient>,
    /// Regressors dropped because they are collinear with the fixed effects or each other.
    pub collinear: Vec<String>,
    /// Fixed-effect dimensions.
    pub fixed_effects: Vec<FixedEffectInfo>,
    /// Goodness of fit.
    pub fit: FitStats,
    /// Reference distribution of the test statistics: `normal` or `t`.
    pub distribution: Distribution,
    /// Degrees of freedom of the t distribution (absent for normal).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub df: Option<f64>,
    /// Number of clusters of each clustering variable.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub clusters: Vec<FixedEffectInfo>,
    /// Variance-covariance matrix of the coefficients, row by row.
    pub vcov_matrix: Vec<Vec<f64>>,
    /// Things the user should know (collinearity, undefined SEs...).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// What another variance needs without a refit (see [`crate::variance`]); not part of
    /// the result's value: not written, and ignored by `==`.
    #[serde(skip)]
    pub(crate) inputs: crate::variance::Retained,
}

impl Fit {
    /// The coefficient of a term.
    pub fn coef(&self, term: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term == term)
    }
}

/// NaN (undefined) is written as `null` and read back as NaN.
mod nullable {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

mod nullable_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) if x.is_finite() => s.serialize_f64(*x),
            _ => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Some(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN)))
    }
}
