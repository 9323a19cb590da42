//! Estimation: PPML (`fepois`) and least squares (`feols`) with high-dimensional fixed
//! effects, one or several formulas on the same data, under one or several variances.

use crate::panel::{self, PanelScope};
use crate::{Context, DataSource, Error, Result, Version};
use hallyu_data::filter::Predicate;
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::reference::Reference;
use hallyu_data::{embedded, Table};
use hallyu_estimate::{
    estimate, estimate_fitted, Estimator, Fit, FitOptions, Fitted, FixefValues, Formula, Ssc,
    VcovChoice, VcovSpec,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// An estimation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// `fepois` (Poisson pseudo-maximum likelihood, the structural gravity estimator) or
    /// `feols` (least squares).
    pub estimator: Estimator,
    /// One or more formulas in fixest syntax (`y ~ x1 + log(x2) | fe1 + a^b`), estimated on
    /// the same data and shown side by side.
    pub formulas: Vec<String>,
    /// The data: the embedded Advanced Guide panel (default), a file, or a dataset folder
    /// read as a square country-pair panel (see `scope`).
    #[serde(default)]
    pub data: DataSource,
    /// With a dataset folder: the source, product group and perspective of the panel.
    #[serde(default, skip_serializing_if = "is_default_scope")]
    pub scope: PanelScope,
    /// Row selection, e.g. `trade > 0 and exporter != importer`.
    #[serde(default, rename = "where")]
    pub selection: Option<String>,
    /// Variances, each giving the fit under it (the first is estimated with the model; the
    /// others reuse its bread and scores, as fixest's `summary(fit, vcov = ...)`):
    /// `iid` (default), `hetero` (`white`, `hc1`), `cluster` (by the first fixed effect),
    /// `cluster:pair_id`, `cluster:exporter,importer`, `twoway`, or pyfixest's
    /// `{"CRV1": "pair_id"}`.
    #[serde(default)]
    pub vcov: Vec<VcovChoice>,
    /// Small-sample correction: `fixest` (default), `cluster-only`, `stata` or `none`.
    #[serde(default)]
    pub ssc: Ssc,
    /// Column of observation weights.
    #[serde(default)]
    pub weights: Option<String>,
    /// Algorithm settings (tolerances, iteration limits, singletons, separation checks).
    #[serde(default)]
    pub options: FitOptions,
}

fn is_default_scope(s: &PanelScope) -> bool {
    *s == PanelScope::default()
}

impl FitRequest {
    /// A request for `formulas` on the embedded panel, everything else by default.
    pub fn new(estimator: Estimator, formulas: Vec<String>) -> FitRequest {
        FitRequest {
            version: Version,
            estimator,
            formulas,
            data: DataSource::Embedded,
            scope: PanelScope::default(),
            selection: None,
            vcov: Vec::new(),
            ssc: Ssc::default(),
            weights: None,
            options: FitOptions::default(),
        }
    }
}

/// The fits, one per formula and variance (formula by formula, variances in the order
/// asked), and how the data was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FitResponse {
    /// The fits.
    pub fits: Vec<Fit>,
    /// How a dataset panel was built (perspective, rows left out, zeros filled...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FitResponse {
    /// Why the fits must not be trusted: the formulas that did not converge.
    pub fn invalidity(&self) -> Option<String> {
        let mut failed: Vec<&str> = self
            .fits
            .iter()
            .filter(|f| !f.converged)
            .map(|f| f.formula.as_str())
            .collect();
        failed.dedup();
        (!failed.is_empty()).then(|| {
            format!(
                "did not converge, the estimates are not valid: {}",
                failed.join("; ")
            )
        })
    }
}

/// One formula, parsed, with its variances resolved.
pub(crate) struct Plan {
    pub(crate) formula: Formula,
    pub(crate) vcovs: Vec<VcovSpec>,
}

/// Estimates every formula.
pub fn compute(ctx: &Context, req: &FitRequest) -> Result<FitResponse> {
    let (table, plans, notes) = sample(ctx, req, &[])?;
    let (fits, _) = estimate_plans(ctx, req, &table, &plans, false)?;
    Ok(FitResponse { fits, notes })
}

/// Fits with what later questions about them need: the table they were estimated on and
/// their fitted values (a notebook's `fit.vcov(...)` and `fit.predict()`).
#[derive(Debug, Clone)]
pub struct Estimated {
    /// The fits and notes, as [`compute`] gives them.
    pub response: FitResponse,
    /// The table the formulas were estimated on (rows selected): a table handed over in
    /// memory is shared, not copied.
    pub sample: Arc<Table>,
    /// The fitted values of each fit of `response.fits`, in order (the variances of one
    /// formula share them).
    pub fitted: Vec<Arc<Fitted>>,
}

/// As [`compute`], keeping the estimation table and the fitted values.
pub fn compute_estimated(ctx: &Context, req: &FitRequest) -> Result<Estimated> {
    let (table, plans, notes) = sample(ctx, req, &[])?;
    let (fits, fitted) = estimate_plans(ctx, req, &table, &plans, true)?;
    let sample = match (table, &req.data) {
        (Cow::Borrowed(_), DataSource::Table(t)) => t.clone(),
        (t, _) => Arc::new(t.into_owned()),
    };
    Ok(Estimated {
        response: FitResponse { fits, notes },
        sample,
        fitted,
    })
}

/// Every plan's fits (one per variance) and, when asked, their fitted values.
fn estimate_plans(
    ctx: &Context,
    req: &FitRequest,
    table: &Table,
    plans: &[Plan],
    keep_fitted: bool,
) -> Result<(Vec<Fit>, Vec<Arc<Fitted>>)> {
    let mut fits = Vec::new();
    let mut fitted = Vec::new();
    for plan in plans {
        ctx.stage(&format!("{}: {}", req.estimator.name(), plan.formula.text));
        let context = |e: hallyu_estimate::EstimateError| {
            Error::from(e).context(format!("estimating `{}`", plan.formula.text))
        };
        let request = plan.estimate_request(req);
        let fit = if keep_fitted {
            let (fit, values) = estimate_fitted(table, &request, ctx.progress).map_err(context)?;
            fitted.extend(std::iter::repeat_n(Arc::new(values), plan.vcovs.len()));
            fit
        } else {
            estimate(table, &request, ctx.progress).map_err(context)?
        };
        let mut others = Vec::new();
        for spec in plan.vcovs.iter().skip(1) {
            others.push(fit.with_vcov(spec, req.ssc, table).map_err(|e| {
                Error::from(e).context(format!(
                    "the variance {} of `{}`",
                    spec.label(),
                    plan.formula.text
                ))
            })?);
        }
        fits.push(fit);
        fits.extend(others);
    }
    Ok((fits, fitted))
}

/// `fit` under another variance, without a refit (fixest's `summary(fit, vcov = ...)`,
/// pyfixest's `fit.vcov(...)`): `sample` is the table it was estimated on
/// ([`Estimated::sample`]).
pub fn with_vcov(fit: &Fit, vcov: &VcovChoice, ssc: Ssc, sample: &Table) -> Result<Fit> {
    let formula = Formula::parse(&fit.formula)?;
    let spec = vcov.resolve(&formula)?;
    fit.with_vcov(&spec, ssc, sample).map_err(|e| {
        Error::from(e).context(format!(
            "the variance {} of `{}`",
            spec.label(),
            fit.formula
        ))
    })
}

/// The estimated fixed effects of `fit` (fixest's `fixef()`), from the table it was
/// estimated on and its fitted values ([`Estimated`]).
pub fn fixef_values(fit: &Fit, sample: &Table, fitted: &Fitted) -> Result<Vec<FixefValues>> {
    let req = hallyu_estimate::FitRequest::new(Formula::parse(&fit.formula)?, fit.estimator);
    hallyu_estimate::fixef_values(sample, &req, fit, fitted)
        .map_err(|e| Error::from(e).context(format!("the fixed effects of `{}`", fit.formula)))
}

/// Predictions of `fit` for each row of `data` from its coefficients and fixed effects
/// ([`fixef_values`]): the Poisson mean, or with `link` the linear predictor; `NaN` where a
/// variable is missing or a fixed-effect level was not estimated.
pub fn predict(fit: &Fit, fixef: &[FixefValues], data: &Table, link: bool) -> Result<Vec<f64>> {
    let req = hallyu_estimate::FitRequest::new(Formula::parse(&fit.formula)?, fit.estimator);
    hallyu_estimate::predict(data, &req, fit, fixef, link)
        .map_err(|e| Error::from(e).context(format!("predicting with `{}`", fit.formula)))
}

/// The columns a request reads from its data: those of its formulas, cluster variables
/// and weights (a front end can hand over only these).
pub fn columns_read(req: &FitRequest) -> Result<Vec<String>> {
    let mut plans = Vec::new();
    for text in &req.formulas {
        let formula = Formula::parse(text)?;
        let vcovs = req
            .vcov
            .iter()
            .map(|v| v.resolve(&formula))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        plans.push(Plan { formula, vcovs });
    }
    let mut names = columns(&plans, req.weights.as_ref(), &[]);
    if let Some(w) = &req.selection {
        for c in Predicate::parse(w)?.columns() {
            if !names.contains(&c) {
                names.push(c);
            }
        }
    }
    Ok(names)
}

impl Plan {
    /// The estimation crate's request for this formula under its first variance.
    pub(crate) fn estimate_request(&self, req: &FitRequest) -> hallyu_estimate::FitRequest {
        let mut r = hallyu_estimate::FitRequest::new(self.formula.clone(), req.estimator);
        r.vcov = self.vcovs.first().cloned();
        r.ssc = req.ssc;
        r.weights = req.weights.clone();
        r.options = req.options;
        r
    }
}

/// The request's formulas parsed and the table they are estimated on (rows selected), with
/// notes on how a dataset panel was built. `extra` names columns read besides the
/// formulas' (identifiers a caller needs next to the fit).
pub(crate) fn sample<'r>(
    ctx: &Context,
    req: &'r FitRequest,
    extra: &[&str],
) -> Result<(Cow<'r, Table>, Vec<Plan>, Vec<String>)> {
    if req.formulas.is_empty() {
        return Err(Error::field("formulas", "give at least one formula"));
    }
    req.options.validate()?;
    req.scope.check_applies(&req.data)?;
    let mut plans = Vec::new();
    for text in &req.formulas {
        let formula = Formula::parse(text)?;
        let vcovs = if req.vcov.is_empty() {
            vec![VcovSpec::Iid]
        } else {
            req.vcov
                .iter()
                .map(|v| v.resolve(&formula))
                .collect::<std::result::Result<Vec<_>, _>>()?
        };
        plans.push(Plan { formula, vcovs });
    }
    let selection = match &req.selection {
        Some(w) => Some((Predicate::parse(w)?, w.as_str())),
        None => None,
    };
    ctx.stage("reading data");
    let (table, notes) = load(ctx, req, &plans, extra, selection.as_ref().map(|(p, _)| p))?;
    ctx.check_rows(table.nrows())?;
    let table: Cow<Table> = match &selection {
        Some((p, text)) => {
            p.check_columns(text, table.names())?;
            let keep = p.evaluate(&table, text)?;
            let t = table.select_rows(&keep);
            if t.nrows() == 0 {
                return Err(Error::field(
                    "where",
                    format!("the row selection \"{text}\" selects no rows"),
                ));
            }
            Cow::Owned(t)
        }
        None => table,
    };
    Ok((table, plans, notes))
}

/// The columns every plan reads: formula columns, cluster variables, weights.
fn columns(plans: &[Plan], weights: Option<&String>, extra: &[&str]) -> Vec<String> {
    let mut columns: Vec<String> = extra.iter().map(|c| c.to_string()).collect();
    for p in plans {
        columns.extend(p.formula.columns());
        for v in &p.vcovs {
            if let VcovSpec::Cluster(c) = v {
                columns.extend(c.iter().flatten().cloned());
            }
        }
    }
    columns.extend(weights.cloned());
    let mut seen = std::collections::HashSet::new();
    columns.retain(|c| seen.insert(c.clone()));
    columns
}

/// The table to estimate on, and notes on how it was built.
fn load<'r>(
    ctx: &Context,
    req: &'r FitRequest,
    plans: &[Plan],
    extra: &[&str],
    selection: Option<&Predicate>,
) -> Result<(Cow<'r, Table>, Vec<String>)> {
    let options = ReadOptions {
        columns: Some(columns(plans, req.weights.as_ref(), extra)),
        // The selection's names are read when present; an absent one is reported by the
        // selection itself, which knows it may be an unquoted value.
        optional_columns: selection.map(|p| p.columns()).unwrap_or_default(),
        ..Default::default()
    };
    let check_selection = |available: &[String]| -> Result<()> {
        if let (Some(p), Some(text)) = (selection, &req.selection) {
            p.check_columns(text, available)?;
        }
        Ok(())
    };
    Ok(match &req.data {
        DataSource::Embedded => {
            check_selection(&embedded::agtpa_columns()?)?;
            let t = embedded::agtpa_with(&options)
                .map_err(|e| Error::from(e).context("reading the embedded Advanced Guide panel"))?;
            (Cow::Owned(t), Vec::new())
        }
        DataSource::File { path } => {
            let context = || format!("reading {}", path.display());
            let available = hallyu_data::read::column_names(path)
                .map_err(|e| Error::from(e).context(context()))?;
            check_selection(&available)?;
            let t = read_path(path, &options).map_err(|e| Error::from(e).context(context()))?;
            (Cow::Owned(t), Vec::new())
        }
        DataSource::Dataset { dir } => {
            let p = panel::load(dir, &req.scope, &Reference::builtin())?;
            for n in &p.notes {
                ctx.note(n.clone());
            }
            (Cow::Owned(p.table), p.notes)
        }
        DataSource::Table(t) => (Cow::Borrowed(t.as_ref()), Vec::new()),
    })
}
