//! # hallyu-replicate: the reference exercises
//!
//! Re-estimates every specification of Chapter 1 of Yotov, Piermartini, Monteiro and Larch
//! (2016), *An Advanced Guide to Trade Policy Analysis* (WTO/UNCTAD), on the embedded panel,
//! and compares each coefficient and standard error with the published value.
//!
//! The published values, their sources and the exact construction of every derived
//! variable live next to this crate in `data/` (`yotov2016_ch1.csv`, `DERIVED.md`).
#![deny(missing_docs)]

mod chapter1;
mod chapter2;
mod panel;

pub use chapter1::{chapter1_specs, run_chapter1, Comparison, PublishedRow, Spec, SpecOutcome};
pub use chapter2::{
    chapter2_checks, nafta, run_chapter2, trade_without_borders, ApplicationRun, GeCheck, GeRecord,
};
pub use panel::chapter1_panel;

/// What can go wrong while replicating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplicateError {
    /// Data problem.
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
    /// Estimation problem.
    #[error("{spec}: {source}")]
    Estimate {
        /// Specification id.
        spec: String,
        /// The estimation error.
        source: hallyu_estimate::EstimateError,
    },
    /// General-equilibrium problem.
    #[error("general equilibrium: {0}")]
    Simulate(hallyu_simulate::SimulateError),
    /// The embedded reference table is malformed (a bug).
    #[error("embedded reference table: {0}")]
    Reference(String),
}

impl ReplicateError {
    /// The error's category: the embedded reference table is the program's own.
    pub fn category(&self) -> hallyu_data::ErrorCategory {
        match self {
            ReplicateError::Data(e) => e.category(),
            // Estimation and solving failures of a fixed exercise are not the user's input.
            ReplicateError::Estimate { .. } | ReplicateError::Simulate(_) => {
                hallyu_data::ErrorCategory::Numerical
            }
            ReplicateError::Reference(_) => hallyu_data::ErrorCategory::Internal,
        }
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, ReplicateError>;
