use hallyu_data::ErrorCategory;

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
    /// The caller asked the work to stop (a cancelled server job).
    #[error("stopped: the estimation was cancelled")]
    Cancelled,
    /// Non-convergence of the estimation algorithm.
    #[error("{algorithm} did not converge in {iterations} iterations (last relative change {last_change:.3e}); raise the iteration limit (max_iter) or check the model")]
    NotConverged {
        /// Which loop failed.
        algorithm: String,
        /// Iterations run.
        iterations: usize,
        /// The convergence criterion at the end.
        last_change: f64,
    },
    /// A variance type that is not in the registry ([`crate::registry::VCOV_KINDS`]).
    #[error("variance type `{name}` is not supported{}; the types are {}", suggestion_text(.suggestion), crate::registry::known_names())]
    VcovTypeNotSupported {
        /// The name as given.
        name: String,
        /// The nearest known name, if one is close.
        suggestion: Option<String>,
    },
    /// A variance whose cluster variables cannot be used as given.
    #[error("variance `{vcov}`: {problem}")]
    ClusterVariables {
        /// The variance as given (e.g. `cluster:a,b,c`).
        vcov: String,
        /// What is wrong with its cluster variables.
        problem: ClusterProblem,
    },
    /// A tolerance outside `(0, 1)`.
    #[error("the {name} must be between 0 and 1 (exclusive), not {value:e}")]
    InvalidTolerance {
        /// Which tolerance, in the library's terms (e.g. `IRLS deviance tolerance (tol)`).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// Fixed-effect values asked of a model without fixed effects.
    #[error("the model has no fixed effects")]
    NoFixedEffects,
    /// A confidence level outside `(0, 1)`.
    #[error("the confidence level must be between 0 and 1 (exclusive), not {0}")]
    InvalidLevel(f64),
    /// A separation-check list that does not parse.
    #[error("separation checks `{value}` are not valid: use `fe,relu`, `fe`, `relu` or `none`")]
    InvalidSeparationChecks {
        /// The text as given.
        value: String,
    },
    /// An unknown small-sample correction.
    #[error("small-sample correction `{name}` is not known{}; the corrections are fixest, cluster-only, stata, none", suggestion_text(.suggestion))]
    UnknownSsc {
        /// The name as given.
        name: String,
        /// The nearest known name, if one is close.
        suggestion: Option<String>,
    },
    /// The reference level of `i(factor, ref = ...)` does not occur in the data.
    #[error("reference level `{level}` of i({factor}) does not occur; levels are: {levels}")]
    UnknownReferenceLevel {
        /// The categorical column.
        factor: String,
        /// The level asked for.
        level: String,
        /// The first levels there are (a preview).
        levels: String,
    },
    /// A negative observation weight.
    #[error("weights `{column}` must be non-negative; row {row} is {value}")]
    NegativeWeight {
        /// The weight column.
        column: String,
        /// 1-based row of the first negative weight.
        row: usize,
        /// Its value.
        value: f64,
    },
    /// Another variance was asked of a fit that no longer has what variance needs (bread,
    /// scores, sample): a fit read back from JSON, for one.
    #[error("this fit does not carry its estimation data (bread, scores, sample): a fit read back from JSON cannot give another variance; estimate it again with that variance")]
    VarianceInputsUnavailable,
    /// A table that cannot be the one a fit was estimated on.
    #[error("the table has {found} rows but the fit was estimated on a table of {expected}: another variance needs the same table")]
    TableMismatch {
        /// Rows of the table the fit was estimated on.
        expected: usize,
        /// Rows of the table given.
        found: usize,
    },
    /// A cluster variable that is missing on an observation of the estimation sample: a
    /// refit with it would drop the observation, so the variance of this sample cannot use
    /// it (a request that cannot be answered as given).
    #[error("cluster variable `{variable}` is missing at row {row} of the estimation sample: clustering by it changes the sample, so estimate the model again with that variance")]
    MissingClusterValue {
        /// The cluster variable (`a^b` for an interaction).
        variable: String,
        /// 1-based row in the table.
        row: usize,
    },
    /// Arrays handed to a routine disagree in length (a caller's defect).
    #[error("{what}: arrays of different lengths")]
    LengthMismatch {
        /// Which routine and arrays.
        what: String,
    },
    /// An outcome value a Poisson model cannot take, found by a routine that does not go
    /// through the estimation's checks.
    #[error("{what}: outcome of observation {row} is {value}; it must be finite and non-negative")]
    InvalidOutcomeValue {
        /// Which routine.
        what: String,
        /// 1-based observation.
        row: usize,
        /// The value.
        value: f64,
    },
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
    /// A linear system of the estimation is singular (its regressors were screened for
    /// collinearity, so this is a numerical breakdown).
    #[error("numerical failure: singular {system}")]
    Singular {
        /// Which system (`normal equations`, `information matrix`...).
        system: &'static str,
    },
    /// The Poisson deviance became infinite or NaN.
    #[error(
        "numerical failure: the deviance is not finite; the outcome may be too large or separated"
    )]
    NonFiniteDeviance,
}

/// What is wrong with the cluster variables of a variance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClusterProblem {
    /// More than two variables (only one- and two-way clustering are implemented).
    TooMany {
        /// How many were given.
        count: usize,
    },
    /// The variance takes its cluster variables from the model's fixed effects (fixest's
    /// rule: `cluster` alone uses the first, `twoway` the first two) and the model has fewer.
    NotEnoughFixedEffects {
        /// Fixed effects the rule needs.
        needed: usize,
        /// Fixed effects the model has.
        available: usize,
    },
    /// An empty name (e.g. `cluster:a,,b` or `cluster:a^`).
    EmptyName,
    /// A resolved clustered variance without any variable.
    NoVariables,
    /// Cluster variables given to a variance that takes none (`iid`, `hetero`).
    NotClustered,
    /// The same variable given twice.
    Repeated {
        /// The variable.
        name: String,
    },
}

impl std::fmt::Display for ClusterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterProblem::TooMany { count } => write!(
                f,
                "{count} cluster variables given; at most two are supported (two-way clustering)"
            ),
            ClusterProblem::NotEnoughFixedEffects { needed: 1, .. } => write!(
                f,
                "clustering without variables clusters by the model's first fixed effect, and the model has none: name the cluster variables, e.g. `cluster:pair_id`"
            ),
            ClusterProblem::NotEnoughFixedEffects { needed, available } => write!(
                f,
                "this variance clusters by the model's first {needed} fixed effects, and the model has {available}: name the cluster variables, e.g. `cluster:exporter,importer`"
            ),
            ClusterProblem::EmptyName => write!(f, "a cluster variable name is empty"),
            ClusterProblem::NoVariables => {
                write!(f, "clustering needs one or two cluster variables")
            }
            ClusterProblem::NotClustered => {
                write!(f, "this variance takes no cluster variables")
            }
            ClusterProblem::Repeated { name } => {
                write!(f, "cluster variable `{name}` is given twice")
            }
        }
    }
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

impl EstimateError {
    /// The error's category, from which front ends choose an exit status, an HTTP status
    /// or an exception class.
    pub fn category(&self) -> ErrorCategory {
        match self {
            EstimateError::Formula { .. }
            | EstimateError::VcovTypeNotSupported { .. }
            | EstimateError::ClusterVariables { .. }
            | EstimateError::InvalidTolerance { .. }
            | EstimateError::InvalidLevel(_)
            | EstimateError::NoFixedEffects
            | EstimateError::InvalidSeparationChecks { .. }
            | EstimateError::UnknownSsc { .. }
            | EstimateError::UnknownReferenceLevel { .. }
            | EstimateError::VarianceInputsUnavailable
            | EstimateError::TableMismatch { .. }
            | EstimateError::MissingClusterValue { .. }
            | EstimateError::Cancelled => ErrorCategory::Input,
            EstimateError::Data(d) => d.category(),
            EstimateError::NegativeOutcome { .. }
            | EstimateError::AllZeroOutcome(_)
            | EstimateError::NoObservations(_)
            | EstimateError::Magnitude { .. }
            | EstimateError::NegativeWeight { .. }
            | EstimateError::InvalidOutcomeValue { .. } => ErrorCategory::Data,
            EstimateError::NotConverged { .. }
            | EstimateError::Singular { .. }
            | EstimateError::NonFiniteDeviance => ErrorCategory::Numerical,
            EstimateError::LengthMismatch { .. } => ErrorCategory::Internal,
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, EstimateError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant with its category.
    fn every_variant() -> Vec<(EstimateError, ErrorCategory)> {
        use ErrorCategory::*;
        vec![
            (
                EstimateError::Formula {
                    formula: "y ~".into(),
                    position: 3,
                    message: "a term is missing".into(),
                },
                Input,
            ),
            (
                EstimateError::Data(hallyu_data::DataError::Usage("x".into())),
                Input,
            ),
            (
                EstimateError::NegativeOutcome {
                    column: "y".into(),
                    count: 1,
                    first_row: 2,
                },
                Data,
            ),
            (EstimateError::AllZeroOutcome("y".into()), Data),
            (EstimateError::NoObservations("none left".into()), Data),
            (
                EstimateError::NotConverged {
                    algorithm: "IRLS".into(),
                    iterations: 100,
                    last_change: 1e-3,
                },
                Numerical,
            ),
            (
                EstimateError::VcovTypeNotSupported {
                    name: "robust".into(),
                    suggestion: None,
                },
                Input,
            ),
            (
                EstimateError::ClusterVariables {
                    vcov: "cluster".into(),
                    problem: ClusterProblem::NotEnoughFixedEffects {
                        needed: 1,
                        available: 0,
                    },
                },
                Input,
            ),
            (
                EstimateError::InvalidTolerance {
                    name: "IRLS deviance tolerance (irls.tol)",
                    value: 2.0,
                },
                Input,
            ),
            (
                EstimateError::InvalidSeparationChecks {
                    value: "all".into(),
                },
                Input,
            ),
            (
                EstimateError::UnknownSsc {
                    name: "fixst".into(),
                    suggestion: Some("fixest".into()),
                },
                Input,
            ),
            (
                EstimateError::UnknownReferenceLevel {
                    factor: "year".into(),
                    level: "1900".into(),
                    levels: "1986, 1990".into(),
                },
                Input,
            ),
            (
                EstimateError::NegativeWeight {
                    column: "w".into(),
                    row: 3,
                    value: -1.0,
                },
                Data,
            ),
            (EstimateError::VarianceInputsUnavailable, Input),
            (
                EstimateError::TableMismatch {
                    expected: 10,
                    found: 5,
                },
                Input,
            ),
            (
                EstimateError::MissingClusterValue {
                    variable: "region".into(),
                    row: 4,
                },
                Input,
            ),
            (
                EstimateError::LengthMismatch {
                    what: "recovery".into(),
                },
                Internal,
            ),
            (
                EstimateError::InvalidOutcomeValue {
                    what: "recovery".into(),
                    row: 1,
                    value: -1.0,
                },
                Data,
            ),
            (
                EstimateError::Magnitude {
                    role: "regressor",
                    name: "x".into(),
                    value: 1e200,
                    why: "its square overflows",
                    scale: 1e-200,
                },
                Data,
            ),
            (
                EstimateError::Singular {
                    system: "normal equations",
                },
                Numerical,
            ),
            (EstimateError::NonFiniteDeviance, Numerical),
        ]
    }

    #[test]
    fn every_error_has_its_category_and_names_no_command_line_flag() {
        for (e, category) in every_variant() {
            assert_eq!(e.category(), category, "{e}");
            let text = e.to_string();
            assert!(
                !text.contains("--"),
                "a library message names a flag: {text}"
            );
        }
        let not_converged = &every_variant()[5].0;
        assert!(not_converged
            .to_string()
            .contains("raise the iteration limit (max_iter)"));
    }
}
