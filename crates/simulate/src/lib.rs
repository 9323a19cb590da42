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
//! * [`scenario`] reads a policy scenario (TOML) and [`run_scenario`] runs it end to end,
//!   with coefficient draws for intervals.
//!
//! The crate computes and never prints.
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
pub use run::{
    run_scenario, run_scenario_on, ConvergenceReport, CostCoefficient, CountryIntervals, Interval,
    Method, PairChange, RunOptions, ScenarioResult, MEASURES,
};
pub use scenario::{parse_scenario, read_scenario, Scenario};
pub use world::{square_world, FlowColumns, SquareWorld};
