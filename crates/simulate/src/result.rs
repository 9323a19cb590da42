//! What a scenario run produces: owned, Serialize + Deserialize, so a result can cross a wire
//! and be read back.

use crate::equilibrium::Closure;
use crate::geppml::RoundStats;
use crate::measures::CountryEffects;
use crate::run::Method;
use serde::{Deserialize, Serialize};

/// A coefficient of the cost function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CostCoefficient {
    /// Regressor name.
    pub term: String,
    /// Value used.
    pub estimate: f64,
    /// Standard error (`None` when given by the user).
    pub std_error: Option<f64>,
}

/// Convergence of the full-endowment solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConvergenceReport {
    /// Method.
    pub method: Method,
    /// Iterations.
    pub iterations: usize,
    /// Largest relative market-clearing residual of the reported prices in the exact model.
    pub market_clearing_residual: f64,
    /// GEPPML per-round log.
    pub rounds: Vec<RoundStats>,
}

/// Median and 95% interval of one measure over the draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    /// Median.
    pub median: f64,
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Intervals for one country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CountryIntervals {
    /// Country.
    pub country: String,
    /// `(measure, interval)` in [`MEASURES`] order.
    pub measures: Vec<(String, Interval)>,
}

/// Flow change of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PairChange {
    /// Exporter.
    pub exporter: String,
    /// Importer.
    pub importer: String,
    /// Baseline (fitted) flow.
    pub baseline: f64,
    /// % change, conditional GE.
    pub change_cdl: f64,
    /// % change, full-endowment GE.
    pub change_full: f64,
    /// Whether the scenario changed this pair's cost.
    pub changed: bool,
}

/// Coefficient draws that could not be solved, counted by cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrawFailure {
    /// What went wrong, without the numbers of one draw
    /// ([`SimulateError::cause`](crate::SimulateError::cause)).
    pub cause: String,
    /// Draws that failed this way.
    pub count: usize,
    /// The full message of the first such draw.
    pub example: String,
}

/// How the coefficient draws went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrawSummary {
    /// Draws asked for.
    pub requested: usize,
    /// Draws solved; the intervals rest on these.
    pub solved: usize,
    /// Draws that failed, by cause, most frequent first.
    pub failed: Vec<DrawFailure>,
}

/// Everything a scenario run produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioResult {
    /// Title.
    pub title: Option<String>,
    /// Simulated year.
    pub year: i32,
    /// Countries in the world.
    pub countries: usize,
    /// Elasticity of substitution.
    pub sigma: f64,
    /// Numeraire country.
    pub reference: String,
    /// Trade-balance closure.
    pub closure: Closure,
    /// Cost-function coefficients.
    pub coefficients: Vec<CostCoefficient>,
    /// Observations of the baseline estimation (`None` when coefficients were given).
    pub estimation_nobs: Option<usize>,
    /// Directed pairs whose cost changed.
    pub changed_pairs: usize,
    /// Things the user should know (bloc members absent from the data, intervals that
    /// rest on fewer draws than asked...).
    pub notes: Vec<String>,
    /// Convergence of the point estimate.
    pub convergence: ConvergenceReport,
    /// Per-country effects at the point estimate.
    pub effects: Vec<CountryEffects>,
    /// Draws requested.
    pub draws: usize,
    /// Draws whose equilibrium could not be solved (left out of the intervals).
    pub draws_failed: usize,
    /// How the draws went, failures by cause (absent without draws).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw_summary: Option<DrawSummary>,
    /// Per-country intervals over the draws.
    pub intervals: Vec<CountryIntervals>,
    /// Pair-level changes (on request).
    pub bilateral: Vec<PairChange>,
}

/// Measures with intervals, as `CountryEffects` field names.
pub const MEASURES: [&str; 7] = [
    "exports_cdl",
    "exports_full",
    "imports_full",
    "real_gdp_full",
    "price_full",
    "imr_full",
    "omr_full",
];
