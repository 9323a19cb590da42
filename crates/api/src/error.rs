//! The api's error: every library error, kept whole, with its category, plus the request's own
//! faults. Front ends map [`Error::category`] to an exit status, an HTTP status or an exception
//! class; the message never names a command-line flag.

use hallyu_data::{DataError, ErrorCategory};
use hallyu_estimate::EstimateError;
use hallyu_measure::MeasureError;
use hallyu_replicate::ReplicateError;
use hallyu_simulate::SimulateError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or using data.
    #[error(transparent)]
    Data(#[from] DataError),
    /// An estimation.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    /// An indicator or projection.
    #[error(transparent)]
    Measure(#[from] MeasureError),
    /// A general-equilibrium scenario.
    #[error(transparent)]
    Simulate(#[from] SimulateError),
    /// A reference exercise.
    #[error(transparent)]
    Replicate(#[from] ReplicateError),
    /// A composite index.
    #[error(transparent)]
    Index(#[from] hallyu_index::IndexError),
    /// A field of the request that cannot be answered as given. The message says which
    /// and why in words; `field` names it for programs.
    #[error("{message}")]
    InvalidField {
        /// The request's field, e.g. `scope.group`.
        field: String,
        /// What is wrong and what would be right.
        message: String,
    },
    /// A request written for another version of the request format.
    #[error("request version {found} is not supported; this hallyu reads version {supported}")]
    UnsupportedVersion {
        /// The version the request says.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
    /// A request that is not valid JSON or TOML, or does not have the request's shape.
    #[error("{what}: {message}")]
    Parse {
        /// What was parsed (a file name, `request`).
        what: String,
        /// The parser's message (line and column included).
        message: String,
    },
    /// A defect of the program (an embedded file that does not read): please report it.
    #[error("internal error: {0}")]
    Internal(String),
    /// An error with what was being done when it happened (`estimating \`y ~ x\``).
    #[error("{context}: {source}")]
    Context {
        /// What was being done.
        context: String,
        /// The error.
        source: Box<Error>,
    },
}

impl Error {
    /// The error's category.
    pub fn category(&self) -> ErrorCategory {
        match self {
            Error::Data(e) => e.category(),
            Error::Estimate(e) => e.category(),
            Error::Measure(e) => e.category(),
            Error::Simulate(e) => e.category(),
            Error::Replicate(e) => e.category(),
            Error::Index(e) => e.category(),
            Error::InvalidField { .. } | Error::UnsupportedVersion { .. } | Error::Parse { .. } => {
                ErrorCategory::Input
            }
            Error::Context { source, .. } => source.category(),
            Error::Internal(_) => ErrorCategory::Internal,
        }
    }

    /// The same error, saying what was being done.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }

    /// A defect of the program.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal(message.into())
    }

    /// An invalid field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;
