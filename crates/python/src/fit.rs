//! Fits that stay alive in Python: each keeps the table it was estimated on and its fitted
//! values, so that another variance (`fit.vcov("hetero")`) and predictions need no refit.

use crate::running::{format_of, off_the_gil, parse_request};
use crate::{data, errors};
use hallyu_api::fit::{compute_estimated, FitRequest};
use hallyu_api::{Context, DataSource, ErrorCategory, Request};
use hallyu_data::Table;
use hallyu_estimate::{Fit, Fitted, FixefValues, Ssc, VcovChoice};
use hallyu_render::render_fits;
use pyo3::prelude::*;
use std::sync::{Arc, OnceLock};

/// One fixed-effect dimension as Python receives it: `(name, levels, values)`.
type Dimension = (String, Vec<String>, Vec<f64>);

/// One estimated model.
#[pyclass(name = "_Fit", module = "hallyu._hallyu", frozen)]
pub(crate) struct PyFit {
    fit: Fit,
    sample: Arc<Table>,
    fitted: Arc<Fitted>,
    /// The fixed-effect values, recovered on first use.
    fixef: OnceLock<Vec<FixefValues>>,
}

impl PyFit {
    fn fixef_values(&self, py: Python<'_>) -> PyResult<&Vec<FixefValues>> {
        if let Some(v) = self.fixef.get() {
            return Ok(v);
        }
        let (fit, sample, fitted) = (&self.fit, &self.sample, &self.fitted);
        let values = off_the_gil(py, None, |_| {
            hallyu_api::fit::fixef_values(fit, sample, fitted)
        })?
        .map_err(|e| errors::to_py(py, &e))?;
        Ok(self.fixef.get_or_init(|| values))
    }
}

#[pymethods]
impl PyFit {
    /// The fit as the JSON the command line writes for it (`hallyu fepois ... --format json`).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        render_fits(std::slice::from_ref(&self.fit), hallyu_render::Format::Json)
            .map_err(|e| errors::raise(py, ErrorCategory::Internal, &e.to_string(), None))
    }

    /// The fit rendered in a format: `table` (the summary), `markdown`, `latex`, `csv`,
    /// `html`, `json`.
    fn render(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        let format = format_of(py, format)?;
        render_fits(std::slice::from_ref(&self.fit), format)
            .map_err(|e| errors::raise(py, ErrorCategory::Internal, &e.to_string(), None))
    }

    /// The same model under another variance, without a refit. `vcov` is the variance as
    /// JSON (`"hetero"`, `{"CRV1": "pair_id"}`); `ssc` the small-sample correction as JSON
    /// (`"cluster-only"`, pyfixest's `{"k_adj": false}`).
    #[pyo3(signature = (vcov, ssc=None))]
    fn with_vcov(&self, py: Python<'_>, vcov: &str, ssc: Option<&str>) -> PyResult<PyFit> {
        let choice: VcovChoice =
            serde_json::from_str(vcov).map_err(|e| errors::input(py, format!("vcov: {e}")))?;
        let ssc: Ssc = match ssc {
            Some(s) => {
                serde_json::from_str(s).map_err(|e| errors::input(py, format!("ssc: {e}")))?
            }
            None => self.fit.ssc,
        };
        let fit = hallyu_api::fit::with_vcov(&self.fit, &choice, ssc, &self.sample)
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(PyFit {
            fit,
            sample: self.sample.clone(),
            fitted: self.fitted.clone(),
            fixef: OnceLock::new(),
        })
    }

    /// The `level` confidence interval of each coefficient, as `(low, high)` pairs.
    fn confint(&self, py: Python<'_>, level: f64) -> PyResult<Vec<(f64, f64)>> {
        self.fit
            .confint(level)
            .map_err(|e| errors::to_py(py, &hallyu_api::Error::from(e)))
    }

    /// The fitted values: `(rows, values)`, the rows of the data the model was estimated
    /// on (observations dropped as missing, singletons or separated have none); with `link`
    /// the linear predictor (`log μ` for Poisson).
    #[pyo3(signature = (link=false))]
    fn fitted(&self, link: bool) -> (Vec<usize>, Vec<f64>) {
        let values = if link {
            let e = self.fit.estimator;
            self.fitted.values.iter().map(|&v| e.link(v)).collect()
        } else {
            self.fitted.values.clone()
        };
        (self.fitted.rows.clone(), values)
    }

    /// The estimated fixed effects: `(dimension, levels, values)` for each dimension.
    fn fixef(&self, py: Python<'_>) -> PyResult<Vec<Dimension>> {
        let values = self.fixef_values(py)?;
        Ok(values
            .iter()
            .map(|f| (f.name.clone(), f.levels.clone(), f.values.clone()))
            .collect())
    }

    /// Predictions for each row of `data` (an Arrow stream object): the Poisson mean, or
    /// with `link` the linear predictor; NaN where a variable is missing or a fixed-effect
    /// level was not estimated.
    #[pyo3(signature = (data, link=false))]
    fn predict(&self, py: Python<'_>, data: &Bound<'_, PyAny>, link: bool) -> PyResult<Vec<f64>> {
        let table = data::table_of(py, data, None)?;
        let fixef = self.fixef_values(py)?;
        let fit = &self.fit;
        let out = off_the_gil(py, None, |_| {
            hallyu_api::fit::predict(fit, fixef, &table, link)
        })?;
        out.map_err(|e| errors::to_py(py, &e))
    }

    /// Rows of the data the model was given.
    #[getter]
    fn data_rows(&self) -> usize {
        self.sample.nrows()
    }
}

/// Estimates a fit request written as JSON; `data`, an Arrow stream object, replaces its
/// data source, keeping only `columns` when given. Returns the fits (one per formula and
/// variance) and the notes on how the data was built.
#[pyfunction]
#[pyo3(signature = (request, data=None, columns=None, progress=None))]
pub(crate) fn estimate(
    py: Python<'_>,
    request: &str,
    data: Option<&Bound<'_, PyAny>>,
    columns: Option<Vec<String>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<PyFit>, Vec<String>)> {
    let mut req = fit_request(py, request)?;
    if let Some(frame) = data {
        req.data = DataSource::Table(Arc::new(data::table_of(py, frame, columns)?));
    }
    let (result, notes) = off_the_gil(py, progress, |relay| {
        let ctx = Context::new(relay);
        let result = compute_estimated(&ctx, &req);
        let mut notes = ctx.take_warnings();
        notes.extend(ctx.take_notes());
        (result, notes)
    })?;
    let estimated = result.map_err(|e| errors::to_py(py, &e))?;
    let fits = estimated
        .response
        .fits
        .into_iter()
        .zip(estimated.fitted)
        .map(|(fit, fitted)| PyFit {
            fit,
            sample: estimated.sample.clone(),
            fitted,
            fixef: OnceLock::new(),
        })
        .collect();
    Ok((fits, notes))
}

/// Fits side by side, rendered as the command line renders several formulas: `table`,
/// `markdown`, `latex`, `csv`, `html` or `json`.
#[pyfunction]
#[pyo3(signature = (fits, format="table"))]
pub(crate) fn etable(
    py: Python<'_>,
    fits: Vec<PyRef<'_, PyFit>>,
    format: &str,
) -> PyResult<String> {
    let format = format_of(py, format)?;
    if fits.is_empty() {
        return Err(errors::input(py, "etable needs at least one fit"));
    }
    let fits: Vec<Fit> = fits.iter().map(|f| f.fit.clone()).collect();
    render_fits(&fits, format)
        .map_err(|e| errors::raise(py, ErrorCategory::Internal, &e.to_string(), None))
}

/// The columns a fit request reads (its formulas', cluster variables', weights' and row
/// selection's names), so that only those are handed over.
#[pyfunction]
pub(crate) fn columns_read(py: Python<'_>, request: &str) -> PyResult<Vec<String>> {
    let req = fit_request(py, request)?;
    hallyu_api::fit::columns_read(&req).map_err(|e| errors::to_py(py, &e))
}

fn fit_request(py: Python<'_>, json: &str) -> PyResult<FitRequest> {
    match parse_request(py, json)? {
        Request::Fit(r) => Ok(*r),
        other => Err(errors::input(
            py,
            format!("expected a fit request, not `{}`", other.capability()),
        )),
    }
}
