//! Library errors as the Python exceptions of `hallyu.errors`, one class per category.

use hallyu_api::{Error, ErrorCategory};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The Python class of a category (defined in `hallyu/errors.py`).
fn class_name(category: ErrorCategory) -> &'static str {
    match category {
        ErrorCategory::Input => "InputError",
        ErrorCategory::Data => "DataError",
        ErrorCategory::Numerical => "NumericalError",
        ErrorCategory::Internal => "InternalError",
    }
}

/// The exception of a library error, with the library's message and, for a request field
/// that cannot be answered, the field's name as `field`.
pub(crate) fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    raise(py, error.category(), &error.to_string(), field_of(error))
}

/// An exception of `category` with `message`.
pub(crate) fn raise(
    py: Python<'_>,
    category: ErrorCategory,
    message: &str,
    field: Option<&str>,
) -> PyErr {
    let made = py
        .import("hallyu.errors")
        .and_then(|m| m.getattr(class_name(category)))
        .and_then(|class| class.call1((message,)))
        .and_then(|e| {
            if let Some(f) = field {
                e.setattr("field", f)?;
            }
            Ok(e)
        });
    match made {
        Ok(e) => PyErr::from_value(e),
        // The package's Python half is missing (the module imported on its own): still
        // an exception with the message.
        Err(_) => PyRuntimeError::new_err(message.to_string()),
    }
}

fn field_of(error: &Error) -> Option<&str> {
    match error {
        Error::InvalidField { field, .. } => Some(field),
        Error::Context { source, .. } => field_of(source),
        _ => None,
    }
}

/// An input error (a bad argument the library never saw).
pub(crate) fn input(py: Python<'_>, message: impl AsRef<str>) -> PyErr {
    raise(py, ErrorCategory::Input, message.as_ref(), None)
}
