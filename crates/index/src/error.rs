//! What can go wrong building an index.

use hallyu_data::{DataError, ErrorCategory};

/// An index build that cannot be done as asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// Reading the data or the framework.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The framework is not a tree of indicators under one index.
    #[error("framework: {0}")]
    Framework(String),
    /// The data lacks what the framework names.
    #[error("data: {0}")]
    MissingData(String),
    /// A method or parameter that cannot be used as given.
    #[error("{0}")]
    Method(String),
    /// A computation that has no meaningful result on these values (a geometric mean over
    /// a zero or negative value, an indicator with no spread to normalise).
    #[error("{0}")]
    Undefined(String),
}

impl IndexError {
    /// The error's category.
    pub fn category(&self) -> ErrorCategory {
        match self {
            IndexError::Data(e) => e.category(),
            IndexError::Framework(_) | IndexError::Method(_) | IndexError::MissingData(_) => {
                ErrorCategory::Input
            }
            IndexError::Undefined(_) => ErrorCategory::Data,
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, IndexError>;
