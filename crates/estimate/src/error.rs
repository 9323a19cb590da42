/// Everything that can make an estimation request fail.
///
/// Normal events worth reporting (dropped observations, collinear regressors, iterations)
/// are not errors: they are fields of [`crate::Fit`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EstimateError {
    /// The formula could not be parsed; `position` is a 0-based character offset.
    #[error("invalid formula: {message}\n  {formula}\n  {}^", " ".repeat(*.position))]
    Formula {
        /// The formula as written.
        formula: String,
        /// Where the problem is.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A column problem (unknown name, wrong type) reported by the data layer.
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
    /// A Poisson outcome that is negative.
    #[error("the outcome `{column}` has {count} negative value(s) (first at row {first_row}); Poisson needs y >= 0")]
    NegativeOutcome {
        /// Outcome expression.
        column: String,
        /// How many negative values.
        count: usize,
        /// 1-based row of the first one.
        first_row: usize,
    },
    /// The outcome is zero in every observation.
    #[error("the outcome `{0}` is zero in every observation of the sample: nothing to estimate")]
    AllZeroOutcome(String),
    /// No observations left.
    #[error("no observations left to estimate on ({0})")]
    NoObservations(String),
    /// Non-convergence of the estimation algorithm.
    #[error("{algorithm} did not converge in {iterations} iterations (last relative change {last_change:.3e}); raise --max-iter or check the model")]
    NotConverged {
        /// Which loop failed.
        algorithm: String,
        /// Iterations run.
        iterations: usize,
        /// The convergence criterion at the end.
        last_change: f64,
    },
    /// Invalid option value.
    #[error("{0}")]
    InvalidOption(String),
    /// A variable whose values are too large or too small for its squares (and so the
    /// normal equations and variances) to be represented in double precision.
    #[error("{role} `{name}` reaches {value:e} in absolute value: {why}, so it cannot be estimated as is; rescale it (e.g. divide it by {scale:e})")]
    Magnitude {
        /// "regressor" or "outcome".
        role: &'static str,
        /// Term label as in the formula.
        name: String,
        /// The offending magnitude (largest absolute value).
        value: f64,
        /// What goes wrong with it.
        why: &'static str,
        /// A power of ten that brings it back to order one.
        scale: f64,
    },
    /// The numerics broke down (non-finite values where none should be).
    #[error("numerical failure: {0}")]
    Numerical(String),
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, EstimateError>;
