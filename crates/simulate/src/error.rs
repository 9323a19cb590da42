//! What can go wrong in a simulation: one variant per case, each with its category.

use hallyu_data::ErrorCategory;

/// Errors of the simulation layer. Every message names the problem in the user's terms and
/// never a command-line flag; [`SimulateError::category`] says what kind of failure it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// Data problem (unknown column, unknown country or bloc, unreadable file...).
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
    /// Estimation problem in the baseline regression.
    #[error("baseline estimation: {0}")]
    Estimate(#[from] hallyu_estimate::EstimateError),

    // ----- the scenario as written -----
    /// A scenario text that is not a scenario in TOML (syntax, an unknown key, a value of
    /// the wrong type).
    #[error("scenario: {message}")]
    ScenarioFormat {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A scenario without a change.
    #[error(
        "scenario: no [[change]]: a scenario must change at least one policy variable or cost"
    )]
    NoChange,
    /// A change that neither sets a variable nor scales a cost.
    #[error("scenario: change {change}: give either `variable` and `value`, or `cost_factor`")]
    ChangeWithoutAction {
        /// 1-based number of the change.
        change: usize,
    },
    /// A change that sets a variable to a value that is not a finite number.
    #[error("scenario: change {change}: `value` must be a finite number, got {value}")]
    NonFiniteValue {
        /// 1-based number of the change.
        change: usize,
        /// The value given.
        value: f64,
    },
    /// A cost factor that is not a positive number.
    #[error("scenario: change {change}: cost_factor must be a positive number, got {value}")]
    InvalidCostFactor {
        /// 1-based number of the change.
        change: usize,
        /// The factor given.
        value: f64,
    },
    /// A change that does not say which pairs it changes.
    #[error("scenario: change {change}: select pairs with `between` (and optionally `and`), with `from` and `to`, or with `pairs = \"all\"`")]
    ChangeWithoutPairs {
        /// 1-based number of the change.
        change: usize,
    },
    /// A change whose selection holds no pair of different countries of the data.
    #[error("scenario: change {change} selects no pair of different countries present in the data{}", absent_text(.absent))]
    NoPairSelected {
        /// 1-based number of the change.
        change: usize,
        /// Named countries (bloc members) the data does not have.
        absent: Vec<String>,
    },
    /// An elasticity of substitution at or below 1 (or not a number).
    #[error("sigma (elasticity of substitution) must be a finite number above 1, got {sigma}")]
    InvalidSigma {
        /// The value given.
        sigma: f64,
    },
    /// A variable a change sets that is not a regressor of the baseline formula.
    #[error("scenario: change {change}: `{name}` is not a regressor of the formula `{formula}`{}", suggestion_text(.suggestion))]
    UnknownVariable {
        /// 1-based number of the change.
        change: usize,
        /// The variable named.
        name: String,
        /// The baseline formula.
        formula: String,
        /// The closest regressor, when one is close.
        suggestion: Option<String>,
    },
    /// A change that sets a variable to the value every selected pair already has.
    #[error("scenario: change {change} changes nothing: `{variable}` is already {value} for all {pairs} selected pairs")]
    SetChangesNothing {
        /// 1-based number of the change.
        change: usize,
        /// The variable.
        variable: String,
        /// Its value.
        value: f64,
        /// Number of selected pairs.
        pairs: usize,
    },
    /// A cost factor of exactly 1.
    #[error("scenario: change {change} changes nothing: cost_factor is 1")]
    UnitCostFactor {
        /// 1-based number of the change.
        change: usize,
    },
    /// Changes that move no trade cost because the variables they set have zero
    /// coefficients.
    #[error(
        "scenario: the scenario changes nothing: the changed variables have zero coefficients"
    )]
    ZeroCoefficientChange,
    /// A fixed effect that the scenario's baseline cannot absorb.
    #[error("scenario: fixed effect `{name}`: a scenario's baseline may absorb exporter, importer and year effects and one pair effect")]
    UnsupportedFixedEffect {
        /// The fixed effect as written (`exporter^year`).
        name: String,
    },
    /// The simulated year is not in the data.
    #[error("scenario: year {year} is not in the data (years: {first}..{last})")]
    YearNotInData {
        /// The year asked for.
        year: i32,
        /// The data's first year.
        first: i64,
        /// The data's last year.
        last: i64,
    },
    /// The reference (numeraire) country is not in the simulated world.
    #[error("scenario: reference country `{name}` is not in the data")]
    ReferenceNotInData {
        /// The name given.
        name: String,
    },
    /// A given coefficient that is not a regressor of the formula.
    #[error("scenario: coefficient `{name}` is not a regressor of the formula; regressors are: {}", .regressors.join(", "))]
    UnknownCoefficient {
        /// The coefficient named.
        name: String,
        /// The formula's regressors.
        regressors: Vec<String>,
    },
    /// A pair fixed effect that takes several values within one pair.
    #[error("scenario: fixed effect `{effect}` takes several values for the pair {exporter} -> {importer}; only an effect constant within each pair can be part of trade costs")]
    PairEffectVaries {
        /// The fixed effect.
        effect: String,
        /// Exporter of the pair.
        exporter: String,
        /// Importer of the pair.
        importer: String,
    },
    /// Pairs of the world without a pair effect, and no fill covariates to predict one.
    #[error("scenario: {count} pairs have no pair effect (no trade in the estimation sample), e.g. {}; give `fill = [\"log(dist)\", \"cntg\", ...]` in [baseline] to predict them from gravity covariates", .examples.join(", "))]
    MissingPairEffects {
        /// Number of pairs without an effect.
        count: usize,
        /// A few of them (`KOR -> AGO`).
        examples: Vec<String>,
    },
    /// A pair whose effect cannot be predicted: its countries have no other pair.
    #[error("scenario: the pair {exporter} -> {importer} has no pair effect and its countries have no other pairs to predict one from")]
    UnpredictablePairEffect {
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
    },
    /// Coefficient draws asked for coefficients given without a variance.
    #[error("coefficient draws need estimated coefficients (the scenario gives them directly, without a variance)")]
    DrawsNeedVariance,
    /// The caller asked the work to stop (a cancelled server job).
    #[error("stopped: the scenario was cancelled")]
    Cancelled,
    /// More coefficient draws than a run takes.
    #[error("{requested} coefficient draws: at most {max} (each is a full solve, and every one is kept until the intervals are taken)")]
    TooManyDraws {
        /// Draws asked for.
        requested: usize,
        /// The limit.
        max: usize,
    },

    // ----- the data -----
    /// A country-code column that holds numbers.
    #[error("column `{column}` must hold country codes (text), it is numeric")]
    CodesNotText {
        /// The column.
        column: String,
    },
    /// A row without a country code.
    #[error("row {row}: `{column}` is missing")]
    MissingCode {
        /// 1-based row.
        row: usize,
        /// The column.
        column: String,
    },
    /// Fewer than two countries.
    #[error("the data are not a square world: {countries} country in the data; a world needs at least two")]
    TooFewCountries {
        /// Countries in the data.
        countries: usize,
    },
    /// A pair that appears on several rows of the simulated year.
    #[error("the data are not a square world: the pair {exporter} -> {importer} appears more than once (row {row}); select one period, e.g. with `year`")]
    DuplicatePair {
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
        /// 1-based row of the repetition.
        row: usize,
    },
    /// Pairs of the world that the data lacks.
    #[error("the data are not a square world: {missing} of the {pairs} exporter-importer pairs of {countries} countries are absent (for example {}); general equilibrium needs every pair, domestic flows included", .examples.join(", "))]
    MissingPairs {
        /// Number of absent pairs.
        missing: usize,
        /// Pairs a world of this size has.
        pairs: usize,
        /// Countries.
        countries: usize,
        /// A few absent pairs (`BBB -> AAA`).
        examples: Vec<String>,
    },
    /// A trade flow that is negative or not finite.
    #[error("{}trade {exporter} -> {importer} is {value}; flows must be finite and non-negative", row_text(.row))]
    InvalidFlow {
        /// 1-based row, when the flow comes from a table.
        row: Option<usize>,
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
        /// The value.
        value: f64,
    },
    /// Rows of the world whose regressors are missing or not finite.
    #[error("{rows} rows have a missing or non-finite value in `{formula}`; every pair of the world needs a trade cost")]
    MissingRegressors {
        /// Rows affected.
        rows: usize,
        /// The formula.
        formula: String,
    },
    /// Rows of the estimation sample with missing values, with a pair-effect baseline.
    #[error("{rows} rows of the estimation sample have a missing or non-finite value; a baseline with pair effects needs complete rows (select them with the data)")]
    IncompleteSample {
        /// Rows affected.
        rows: usize,
    },
    /// Pairs of the world without a value of the fill covariates.
    #[error("{pairs} pairs lack a value of the fill covariates `{formula}`")]
    MissingFillValues {
        /// Pairs affected.
        pairs: usize,
        /// The second-stage formula.
        formula: String,
    },
    /// A country without output or expenditure.
    #[error("{country} has zero {what}; every country in a GE world needs positive output and expenditure")]
    ZeroTotal {
        /// The country.
        country: String,
        /// `output` or `expenditure`.
        what: String,
    },
    /// A trade cost that is negative or not finite.
    #[error("trade cost of {exporter} -> {importer} is {value} (must be finite and non-negative)")]
    InvalidCost {
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
        /// The value.
        value: f64,
    },
    /// An output or expenditure that is negative or not finite.
    #[error("{what} of {country} is {value} (must be finite and non-negative)")]
    InvalidTotal {
        /// `output` or `expenditure`.
        what: String,
        /// The country.
        country: String,
        /// The value.
        value: f64,
    },
    /// World output and expenditure that differ or are not positive.
    #[error(
        "world output ({output}) and world expenditure ({expenditure}) must be positive and equal"
    )]
    UnbalancedWorld {
        /// Sum of outputs.
        output: f64,
        /// Sum of expenditures.
        expenditure: f64,
    },
    /// A numeraire country that spends nothing.
    #[error("the reference country {country} has no expenditure")]
    ReferenceWithoutExpenditure {
        /// The country.
        country: String,
    },

    // ----- numerical -----
    /// A trade cost whose exponential overflows or underflows.
    #[error("the trade cost of {exporter} -> {importer} is {value} (exp of the linear index overflows or underflows)")]
    CostOverflow {
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
        /// The value.
        value: f64,
    },
    /// A counterfactual cost change that is not a positive finite number.
    #[error("counterfactual cost change of {exporter} -> {importer} is {value}")]
    InvalidCostChange {
        /// Exporter.
        exporter: String,
        /// Importer.
        importer: String,
        /// The value.
        value: f64,
    },
    /// A coefficient variance matrix that cannot be factorised.
    #[error("variance matrix of the coefficients is not positive semi-definite (pivot {pivot}: {value:e})")]
    VarianceNotPsd {
        /// 0-based pivot.
        pivot: usize,
        /// Its value.
        value: f64,
    },
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
    /// Too few coefficient draws could be solved to report an interval.
    #[error("{failed} of {requested} coefficient draws could not be solved; no interval can be reported ({})", causes_text(.causes))]
    DrawsUnsolved {
        /// Draws that failed.
        failed: usize,
        /// Draws asked for.
        requested: usize,
        /// Why they failed, most frequent first.
        causes: Vec<crate::result::DrawFailure>,
    },

    // ----- defects -----
    /// Arrays whose sizes do not fit together (a defect of the caller).
    #[error("{what}: expected {expected}, got {found}")]
    DimensionMismatch {
        /// What was being combined.
        what: String,
        /// The size expected.
        expected: String,
        /// The size found.
        found: String,
    },
}

impl SimulateError {
    /// The error's category: `Input` for a scenario or option to correct, `Data` for data
    /// a model cannot take, `Numerical` for a solve that did not give a valid result,
    /// `Internal` for a defect.
    pub fn category(&self) -> ErrorCategory {
        use SimulateError as E;
        match self {
            E::Data(d) => d.category(),
            E::Estimate(e) => e.category(),
            E::ScenarioFormat { .. } => ErrorCategory::Data,
            E::NoChange
            | E::ChangeWithoutAction { .. }
            | E::NonFiniteValue { .. }
            | E::InvalidCostFactor { .. }
            | E::ChangeWithoutPairs { .. }
            | E::NoPairSelected { .. }
            | E::InvalidSigma { .. }
            | E::UnknownVariable { .. }
            | E::SetChangesNothing { .. }
            | E::UnitCostFactor { .. }
            | E::ZeroCoefficientChange
            | E::UnsupportedFixedEffect { .. }
            | E::YearNotInData { .. }
            | E::ReferenceNotInData { .. }
            | E::UnknownCoefficient { .. }
            | E::PairEffectVaries { .. }
            | E::MissingPairEffects { .. }
            | E::UnpredictablePairEffect { .. }
            | E::DrawsNeedVariance
            | E::Cancelled
            | E::TooManyDraws { .. } => ErrorCategory::Input,
            E::CodesNotText { .. }
            | E::MissingCode { .. }
            | E::TooFewCountries { .. }
            | E::DuplicatePair { .. }
            | E::MissingPairs { .. }
            | E::InvalidFlow { .. }
            | E::MissingRegressors { .. }
            | E::IncompleteSample { .. }
            | E::MissingFillValues { .. }
            | E::ZeroTotal { .. }
            | E::InvalidCost { .. }
            | E::InvalidTotal { .. }
            | E::UnbalancedWorld { .. }
            | E::ReferenceWithoutExpenditure { .. } => ErrorCategory::Data,
            E::CostOverflow { .. }
            | E::InvalidCostChange { .. }
            | E::VarianceNotPsd { .. }
            | E::NotConverged { .. }
            | E::DrawsUnsolved { .. } => ErrorCategory::Numerical,
            E::DimensionMismatch { .. } => ErrorCategory::Internal,
        }
    }

    /// What a failed coefficient draw is counted under: the kind of failure without the
    /// numbers of one draw (which solver did not converge, which pair's cost overflowed),
    /// so that draws failing for one reason are counted together.
    pub fn cause(&self) -> String {
        match self {
            SimulateError::NotConverged { what, .. } => format!("{what} did not converge"),
            SimulateError::CostOverflow { .. } => {
                "a trade cost overflows or underflows (exp of the linear index)".into()
            }
            SimulateError::InvalidCostChange { .. } => {
                "a counterfactual cost change is not a positive finite number".into()
            }
            other => other.to_string(),
        }
    }
}

fn absent_text(absent: &[String]) -> String {
    if absent.is_empty() {
        String::new()
    } else {
        format!(" (not in the data: {})", absent.join(", "))
    }
}

fn suggestion_text(s: &Option<String>) -> String {
    s.as_ref()
        .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"))
}

fn row_text(row: &Option<usize>) -> String {
    row.map_or(String::new(), |r| format!("row {r}: "))
}

fn causes_text(causes: &[crate::result::DrawFailure]) -> String {
    causes
        .iter()
        .map(|c| format!("{} x {}", c.count, c.cause))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Result alias.
pub type Result<T> = std::result::Result<T, SimulateError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_the_cases() {
        let cases = [
            (SimulateError::NoChange, ErrorCategory::Input),
            (
                SimulateError::ScenarioFormat {
                    message: "x".into(),
                },
                ErrorCategory::Data,
            ),
            (
                SimulateError::MissingPairs {
                    missing: 1,
                    pairs: 4,
                    countries: 2,
                    examples: vec!["BBB -> AAA".into()],
                },
                ErrorCategory::Data,
            ),
            (
                SimulateError::NotConverged {
                    what: "x".into(),
                    iterations: 1,
                    residual: 1.0,
                    tolerance: 1e-9,
                },
                ErrorCategory::Numerical,
            ),
            (
                SimulateError::TooManyDraws {
                    requested: 1_000_000,
                    max: 100_000,
                },
                ErrorCategory::Input,
            ),
        ];
        for (e, c) in cases {
            assert_eq!(e.category(), c, "{e}");
        }
    }

    #[test]
    fn no_message_names_a_command_line_flag() {
        let e = SimulateError::TooManyDraws {
            requested: 1_000_000,
            max: 100_000,
        };
        assert!(!e.to_string().contains("--"), "{e}");
        assert!(!SimulateError::DrawsNeedVariance.to_string().contains("--"));
    }

    #[test]
    fn draw_failures_count_together_whatever_their_residual() {
        let e = |r: f64| SimulateError::NotConverged {
            what: "exact full-endowment equilibrium".into(),
            iterations: 100,
            residual: r,
            tolerance: 1e-9,
        };
        assert_eq!(e(1.0).cause(), e(2.0).cause());
        assert_ne!(e(1.0).to_string(), e(2.0).to_string());
    }
}
