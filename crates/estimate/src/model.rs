//! What every estimator hands to the variance and reporting step.

use crate::linalg::Mat;

/// The estimator-specific part of a fit.
pub struct Core {
    /// Indices (into the design's regressors) of the estimated, non-collinear columns.
    pub kept: Vec<usize>,
    /// Estimates of the kept columns.
    pub beta: Vec<f64>,
    /// `(X̃'WX̃)⁻¹` on the kept columns.
    pub bread: Mat,
    /// Score columns of the kept regressors.
    pub scores: Vec<Vec<f64>>,
    /// σ² for the iid variance.
    pub sigma2: f64,
    /// Iterations reported to the user.
    pub iterations: usize,
    /// Passes over the data by the fixed-effect solver: sweeps summed over the columns
    /// demeaned and the IRLS iterations.
    pub demean_sweeps: usize,
    /// Whether everything converged.
    pub converged: bool,
    /// Deviance (RSS for OLS).
    pub deviance: f64,
    /// R² (OLS).
    pub r2: Option<f64>,
    /// Within R² (OLS with fixed effects).
    pub r2_within: Option<f64>,
    /// McFadden pseudo R² (Poisson).
    pub pseudo_r2: Option<f64>,
    /// Log-likelihood (Poisson).
    pub log_likelihood: Option<f64>,
    /// What the user should know about how the fit ended.
    pub notes: Vec<String>,
    /// Fitted values of the sample: the mean `exp(η)` (Poisson) or `Xβ` plus the fixed
    /// effects (OLS).
    pub fitted: Vec<f64>,
}
