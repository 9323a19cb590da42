//! What can go wrong in a simulation.

/// Errors of the simulation layer. Every message names the problem in the user's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// Data problem (unknown column, unreadable file...).
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
    /// Estimation problem in the baseline regression.
    #[error("baseline estimation: {0}")]
    Estimate(#[from] hallyu_estimate::EstimateError),
    /// The trade data do not form the square world (every exporter-importer pair,
    /// domestic flows included) that general equilibrium needs.
    #[error("the data are not a square world: {0}")]
    NotSquare(String),
    /// An input value that makes the model meaningless (negative trade, zero output...).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// An iterative solver did not reach its tolerance; its last state is not a result.
    #[error("{what} did not converge in {iterations} iterations (last residual {residual:.3e}, tolerance {tolerance:.1e})")]
    NotConverged {
        /// Which solver.
        what: String,
        /// Iterations done.
        iterations: usize,
        /// Last value of the convergence criterion.
        residual: f64,
        /// Requested tolerance.
        tolerance: f64,
    },
    /// An option out of its range (`--draws`); the message names it.
    #[error("{0}")]
    InvalidOption(String),
    /// The run went through but its result cannot be reported (every coefficient draw
    /// failed to solve).
    #[error("{0}")]
    Unsolved(String),
    /// A scenario that names what does not exist or asks the impossible (unknown country
    /// or bloc, unknown variable, empty change).
    #[error("scenario: {0}")]
    Scenario(String),
    /// A scenario file that cannot be read or is not a scenario in TOML (syntax, an
    /// unknown key, a value of the wrong type).
    #[error("scenario: {0}")]
    ScenarioFile(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, SimulateError>;
