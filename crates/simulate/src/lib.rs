//! # hallyu-simulate: general-equilibrium counterfactuals of structural gravity
//!
//! From a square world of bilateral flows and estimated trade costs to the effects of a
//! policy on every country's exports, imports, prices, multilateral resistances and real
//! GDP:
//!
//! * [`mr`] solves the multilateral resistances (the exporter and importer fixed effects of
//!   PPML with a cost offset) by alternating scaling;
//! * [`Baseline`] holds the fitted baseline world; [`Baseline::conditional`] is the
//!   conditional GE (output and expenditure fixed);
//! * [`solve_exact`] finds the exact full-endowment equilibrium (prices that clear every
//!   market under a trade-balance [`Closure`]);
//! * [`geppml`] ports the Advanced Guide's iterative GEPPML loop for comparability with
//!   published work;
//! * [`measures`] turns the states into percentage changes under the Guide's definitions;
//! * [`scenario`] is a policy scenario (owned, serde; parsed from TOML without reading a
//!   file); [`prepare`] turns it and its baseline data into a [`Prepared`] problem,
//!   [`solve_point`] solves it at the point estimate and [`solve_draws`] at coefficient
//!   draws for intervals; [`run_scenario_on`] composes them into a [`ScenarioResult`].
//!
//! The crate computes: it never reads a file or prints. Every error says its category
//! ([`SimulateError::category`]).
#![deny(missing_docs)]
// Matrix code indexes several arrays by the same country index; iterator chains would hide
// the algebra the comments refer to.
#![allow(clippy::needless_range_loop)]

pub mod costs;
mod draws;
pub mod equilibrium;
mod error;
pub mod geppml;
pub mod measures;
pub mod mr;
pub mod pair_costs;
pub mod prepare;
pub mod result;
pub mod run;
pub mod scenario;
pub mod world;

pub use equilibrium::{
    market_clearing_residual, solve_exact, Baseline, Closure, Convergence, ExactOptions, State,
};
pub use error::{Result, SimulateError};
pub use geppml::{solve_geppml, GeppmlOptions, GeppmlResult, RoundStats};
pub use measures::{Comparison, CountryEffects, Direction, PriceReversal};
pub use pair_costs::PairCosts;
pub use prepare::{prepare, Prepared};
pub use result::{
    ConvergenceReport, CostCoefficient, CountryIntervals, DrawFailure, DrawSummary, Interval,
    PairChange, ScenarioResult, MEASURES,
};
pub use run::{
    run_scenario_on, solve_draws, solve_draws_with, solve_point, DrawsOutcome, Method,
    PointSolution, RunOptions, MAX_DRAWS,
};
pub use scenario::{parse_scenario, parse_scenario_toml, BaselineSpec, Change, Scenario};
pub use world::{square_world, FlowColumns, SquareWorld};
