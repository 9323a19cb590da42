//! `hallyu._hallyu`, the compiled half of the Python package `hallyu`.
//!
//! An adapter over the library API and nothing more: requests arrive as the JSON the
//! library reads (the same a `--print-request` writes), DataFrames through the Arrow C data
//! interface, and answers leave as the JSON (or text) the shared renderer writes, so that
//! Python, the command line and the server say the same thing. The Python half
//! (`python/hallyu`) builds the requests and turns answers into DataFrames.

mod data;
mod errors;
mod fit;
mod running;

use pyo3::prelude::*;

/// The module's functions and classes.
#[pymodule]
fn _hallyu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(running::run, m)?)?;
    m.add_function(wrap_pyfunction!(running::read_file, m)?)?;
    m.add_function(wrap_pyfunction!(fit::estimate, m)?)?;
    m.add_function(wrap_pyfunction!(fit::etable, m)?)?;
    m.add_function(wrap_pyfunction!(fit::columns_read, m)?)?;
    m.add_function(wrap_pyfunction!(data::agtpa, m)?)?;
    m.add_class::<fit::PyFit>()?;
    Ok(())
}
