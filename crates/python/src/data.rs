//! Tables in and out: any object with the Arrow PyCapsule interface (`__arrow_c_stream__`:
//! a pyarrow Table, a polars DataFrame, a pandas DataFrame of pandas ≥ 2.2) becomes a
//! library table, its `Float64` columns shared rather than copied; a library table goes back
//! as a pyarrow `RecordBatch`.

use crate::errors;
use arrow_array::ffi_stream::RecordBatchStreamReader;
use arrow_array::RecordBatchReader;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use hallyu_data::read::{table_from_batches, ReadOptions};
use hallyu_data::Table;
use pyo3::prelude::*;
use std::path::Path;

/// The table of an Arrow stream object, keeping `columns` (all when `None`).
pub(crate) fn table_of(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    columns: Option<Vec<String>>,
) -> PyResult<Table> {
    if !frame.hasattr("__arrow_c_stream__")? {
        let type_name = frame.get_type().name()?;
        return Err(errors::input(
            py,
            format!(
                "data of type {type_name} cannot be read: pass a pandas or polars DataFrame, a pyarrow Table or a file path"
            ),
        ));
    }
    let reader = RecordBatchStreamReader::from_pyarrow_bound(frame)?;
    let schema = reader.schema();
    let options = ReadOptions {
        columns,
        ..Default::default()
    };
    // Text columns are encoded here (a pass over every string): without the GIL.
    py.detach(|| table_from_batches(Path::new("the DataFrame"), &schema, reader, &options))
        .map_err(|e| errors::to_py(py, &hallyu_api::Error::from(e)))
}

/// A library table as a pyarrow `RecordBatch`.
pub(crate) fn to_pyarrow<'py>(py: Python<'py>, table: &Table) -> PyResult<Bound<'py, PyAny>> {
    let batch = hallyu_data::write::to_record_batch(table)
        .map_err(|e| errors::to_py(py, &hallyu_api::Error::from(e)))?;
    batch.to_pyarrow(py)
}

/// The embedded Advanced Guide panel as a pyarrow `RecordBatch`.
#[pyfunction]
pub(crate) fn agtpa(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let table = hallyu_data::embedded::agtpa()
        .map_err(|e| errors::to_py(py, &hallyu_api::Error::from(e)))?;
    to_pyarrow(py, &table)
}
